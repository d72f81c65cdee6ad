"""Tasks: a seeded stream of instances, a reward rule, an initial solver, a default lifetime.

A task is a file of the machine language's S-expressions (docs/tasks.md):

    (task sum-to-n
      (description "text" ...)            ; symbols, joined by spaces: (description the sum 0 to n)
      (lifetime 20000000)                 ; steps
      (search-share 1 5)                  ; the proof searcher's share of the steps: 1/5
      (instance ((n int)) (uniform-int n 0 1000000))
      (solver (define (solve n) ...) ...)
      (reward exact (define (check n y) ...))       ; reward 1 when check gives #t, else 0
      (reward bernoulli (define (chance t a) ...))  ; reward 1 with probability chance/BERNOULLI_SCALE
      (initial-reward 1)                  ; optional: assumed mean reward of the initial solver
      (techniques (closed-form 4) (share 1) ...)   ; optional: technique names and priors
      (environment bandit.axioms))        ; optional: more environment axioms, next to the task

The instance distribution is declared once and serves twice: the prover gets it as the
environment axiom `instance`, and the machine draws instances from it with a seeded numpy
Generator. It has one representation, the kernel's `Distribution` (godelmachine/logic/axioms.py),
and one way to it: the task reader checks the instance section (errors at the task file's
positions) and writes it once as the `(distribution instance ...)` form of the generated
environment axioms; the axiom reader turns that text into the Distribution, as it reads every
axiom file; and `draw_instances` samples that very object (a run draws from its kernel's `instance`).
Why this way round, and not the task reader making the Distribution and handing it to the axiom
set: then the text whose SHA-256 the log's header records would be a rendering the kernel never
read, and the task reader's checks (weights adding up to 1, values of the variables' sorts)
would become trusted code. This way the kernel reasons about exactly the recorded text, with
the checks it applies to every axiom file, and the instances come from what it reasoned about.

The reward rule is a program too; its symbolic semantics defines `reward-of`, the reward of an
output on an instance, for the prover. A bernoulli rule's integer c is the chance
c/BERNOULLI_SCALE of reward 1: in the prover's `reward-of`, in the expected reward and in the
drawn reward alike.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from godelmachine.errors import Pos, UserError
from godelmachine.lang.compiler import FastAbort, FastBudget, compiled
from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.reader import SAtom, SList, SNode, read, to_value
from godelmachine.lang.values import MAX_NESTING, Nil, Pair, Trap, Word, show
from godelmachine.logic.axioms import Distribution, Marginal, load_axioms
from godelmachine.logic.kernel import term_value
from godelmachine.logic.semantics import SORTS, Unsupported, define_function, is_loop_symbol
from godelmachine.logic.terms import BUILTINS, And, declarations, smtlib
from godelmachine.machine import sygus, sygus_grammar
from godelmachine.search.space import SearchSpace

TYPES = ("int", "word", "bool")
CHECK_BUDGET = 1_000_000  # steps for each of the solver's answers that check_outputs looks at
REWARD_BUDGET = 1_000_000  # steps the environment's reward rule may take per instance
BERNOULLI_SCALE = 1000  # (reward bernoulli ...): the rule's integer c is the chance c/BERNOULLI_SCALE of reward 1

# Instance variables and the reward rule's parameters are written into the generated
# environment axioms: they must be plain SMT-LIB symbols, not reserved words.
SMT_NAME = re.compile(r"[A-Za-z~!@$^&*_\-+=<>.?/][A-Za-z0-9~!@$%^&*_\-+=<>.?/]*")
SMT_RESERVED = frozenset(BUILTINS) | {"true", "false", "let", "forall", "exists", "_", "!", "as", "par", "reward-of"}


def check_smt_name(name: str | None, what: str, pos: Pos | None) -> str:
    """`name`, if it can stand for itself in the generated SMT-LIB axioms."""
    if name is None or not SMT_NAME.fullmatch(name):
        raise UserError(f"{what} must be a plain name (ASCII letters, digits and - _ . ? ! and the like, not "
                        f"starting with a digit), not {name!r}: it is written into the task's SMT-LIB axioms", pos)
    if name in SMT_RESERVED:
        raise UserError(f"{what} cannot be named {name!r}, a reserved word of the task's SMT-LIB axioms", pos)
    return name


def comment_text(text: str) -> str:
    """Text safe inside a `;` comment of generated axioms (no line breaks)."""
    return " ".join(text.split())


@dataclass
class Task:
    name: str
    description: str
    lifetime: int
    search_share: Fraction
    variables: tuple[tuple[str, str], ...]  # (name, type) of the solver's parameters
    distribution_form: str  # the instance section, checked, as the environment axioms' (distribution instance ...)
    solver: Program
    reward_kind: str  # exact | bernoulli
    reward_program: Program
    initial_reward: Fraction | None
    techniques: tuple[tuple[str, Fraction], ...]
    path: str
    text: str
    output_types: tuple[str, ...] = ("int",)  # the types of the solver's output, as the reward rule takes it
    environment_files: list[Path] = field(default_factory=list)
    reward_pos: Pos | None = None  # where the reward section is, for errors about the rule
    space: SearchSpace | None = None  # the programs a switch may make (a SyGuS grammar's), None: any

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.variables)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    # --- instances and rewards -------------------------------------------------------------

    @cached_property
    def distribution(self) -> Distribution:
        """The instance distribution, as the axiom reader reads it from the opening lines of the
        environment axioms (for tools that draw without a machine: a run draws from its own
        kernel's reading of the whole file, which is equal)."""
        generated = [(self.environment_source, self.instance_axioms())]
        return load_axioms(shipped=False, check=False, generated=generated).distributions["instance"]

    def draw(self, rng: np.random.Generator, count: int) -> list[tuple[Any, ...]]:
        return draw_instances(self.distribution, rng, count)

    # --- what the prover is told -----------------------------------------------------------

    @property
    def environment_source(self) -> str:
        """The name of the generated environment axioms in the axiom set and the log's header."""
        return f"{self.path} (environment)"

    def environment_axioms(self) -> str:
        """The task's environment axioms, as axiom-file text: its instance distribution and
        reward-of, from the reward rule."""
        return self.instance_axioms() + "\n".join(self.reward_axioms()) + "\n"

    def instance_axioms(self) -> str:
        """The opening lines of the environment axioms: the class and the instance distribution."""
        return f"(class environment)\n; generated from the task file {comment_text(self.path)}\n{self.distribution_form}\n"

    def initial_state_axioms(self, initial_constant: str) -> str | None:
        """The assumed mean reward of the initial solver, if the task states one."""
        if self.initial_reward is None:
            return None
        value = self.initial_reward
        return ("(class initial-state)\n"
                f"; from the task file {comment_text(self.path)}: assumed, the initial solver's expected reward per instance\n"
                f"(declare-const {initial_constant} Program)\n"
                f"(axiom initial-solver-reward (>= (mean-reward {initial_constant}) (/ {value.numerator} {value.denominator})))\n")

    def reward_axioms(self) -> list[str]:
        """reward-of, defined from the reward program's symbolic semantics."""
        entry = self.reward_program.names()[0]
        types = self.types + self.output_types
        try:
            sem = define_function(self.reward_program, entry, types)
        except Unsupported as exc:
            raise UserError(f"the reward rule is outside the symbolic fragment: {exc}", self.reward_pos) from None
        names = [n for n, _ in sem.params]
        bound = " ".join(f"({n} {s})" for n, s in sem.params)
        wanted = "bool" if self.reward_kind == "exact" else "int"
        if sem.shape != wanted:
            got = "traps on every instance" if sem.shape == "trap" else f"returns a {sem.shape}"
            raise UserError(f"the reward rule {entry} must return a{'n' if wanted == 'int' else ''} {wanted} "
                            f"(reward {self.reward_kind}), but it {got}", self.reward_pos)
        ok, value = rhs(sem, "ok"), rhs(sem, "val")
        if self.reward_kind == "exact":
            reward = f"(ite {ok} (ite {value} 1.0 0.0) 0.0)"
        else:
            reward = f"(ite {ok} (/ (to_real {value}) {BERNOULLI_SCALE}.0) 0.0)"
        lines = [
            f"(declare-fun reward-of ({' '.join(s for _, s in sem.params)}) Real)",
            f"; the reward rule ({self.reward_kind}), {comment_text(entry)} in the task file, as the prover sees it",
            f"(axiom reward-of-rule (forall ({bound}) (= (reward-of {' '.join(names)}) {reward})))",
        ]
        loops = sem.statement.args[1:] if sem.statement.kind == "app" and sem.statement.name == "and" \
            and sem.statement.args[0].kind == "forall" else ()
        if loops:  # the reward rule loops: its loop functions, defined by primitive recursion
            lines[:0] = [line for line in declarations(list(loops)) if is_loop_symbol(line)]
            lines.append("; the reward rule's loops, defined by primitive recursion (a conservative definition)")
            lines.append(f"(axiom reward-rule-loops {smtlib(And(*loops))})")
        return lines

    def expected_reward(self, instance: tuple[Any, ...], output: Any) -> Fraction:
        """The expected reward of `output` on `instance`: 0 or 1 (exact), chance/BERNOULLI_SCALE (bernoulli)."""
        value = self.reward_rule(instance, output)
        if self.reward_kind == "exact":
            return Fraction(1 if value is True else 0)
        return Fraction(chance(value), BERNOULLI_SCALE)

    def reward_rule(self, instance: tuple[Any, ...], output: Any) -> Any:
        """The reward rule's value for one answered instance, or None if it traps."""
        outputs = tuple(output) if type(output) is Pair else (output,)
        entry = self.reward_entry
        if len(instance) + len(outputs) != self.reward_arity:
            return None
        module = compiled(self.reward_program)
        if module is not None:
            try:
                value, steps = module.call(entry, instance + outputs, REWARD_BUDGET)
                if steps <= REWARD_BUDGET:
                    return value
            except (FastAbort, FastBudget, Trap):
                pass
        outcome = run(self.reward_program, entry, instance + outputs, budget=REWARD_BUDGET)
        return outcome.value if outcome.kind == "value" else None

    def check_outputs(self, instances: list[tuple[Any, ...]]) -> None:
        """The initial solver's answers on a few instances have the types the reward rule takes
        (`outputs`, int by default); UserError at the reward rule if not: the proofs would speak
        of the wrong sorts, and every rewrite would be refused without saying why."""
        from godelmachine.lang.values import type_name

        for instance in instances:
            outcome = run(self.solver, "solve", instance, budget=CHECK_BUDGET)
            if outcome.kind != "value":
                continue
            outputs = tuple(outcome.value) if type(outcome.value) is Pair else (outcome.value,)
            got = tuple(type_name(v) for v in outputs)
            if got != self.output_types:
                raise UserError(f"the solver answers ({' '.join(got)}) but the reward rule takes outputs of type "
                                f"({' '.join(self.output_types)}); say which with (outputs {' '.join(got)}) "
                                "(the default is int)", self.reward_pos)

    def reward(self, instance: tuple[Any, ...], output: Any, rng: np.random.Generator) -> int:
        """The environment's reward for one answered instance (0 or 1); a bernoulli reward
        draws from `rng`."""
        value = self.reward_rule(instance, output)
        if self.reward_kind == "exact":
            return 1 if value is True else 0
        c = chance(value)
        return 1 if c == BERNOULLI_SCALE or (c and rng.random() * BERNOULLI_SCALE < c) else 0

    @property
    def reward_entry(self) -> str:
        return self.reward_program.names()[0]

    @property
    def reward_arity(self) -> int:
        return len(self.reward_program.lookup(self.reward_entry).params)


def chance(value: Any) -> int:
    """A bernoulli rule's value as a chance out of BERNOULLI_SCALE: an integer, clamped to
    0..BERNOULLI_SCALE; anything else (a trap: None) is no chance."""
    return min(max(value, 0), BERNOULLI_SCALE) if type(value) is int else 0


def draw_instances(distribution: Distribution, rng: np.random.Generator, count: int) -> list[tuple[Any, ...]]:
    """`count` instances of a task's distribution (independent marginals), each a tuple of
    argument values (see draw_columns)."""
    return list(zip(*(python_values(c) for c in draw_columns(distribution, rng, count))))


def draw_columns(distribution: Distribution, rng: np.random.Generator, count: int) -> list[np.ndarray]:
    """`count` instances as one array per variable (int64 for ints, uint32 for words, bool),
    drawn column by column: one numpy call per variable, in order, so that a seed gives the
    same instances however they are used (one by one or as a batch)."""
    if distribution.joint:
        raise ValueError("a task's instances are drawn from independent marginals, not a joint table")
    columns = []
    for m in distribution.marginals:
        if m.kind == "uniform-int":
            columns.append(rng.integers(m.lo, m.hi, size=count, endpoint=True))
        elif m.kind == "uniform-word":
            columns.append(rng.integers(0, 2**32, size=count, dtype=np.int64).astype(np.uint32))
        else:
            cdf, values = finite_table(m)
            columns.append(values[cdf.searchsorted(rng.random(count), side="right")])
    return columns


@functools.lru_cache(maxsize=1024)
def finite_table(m: Marginal) -> tuple[np.ndarray, np.ndarray]:
    """A finite marginal's cumulative chances and values (as a column). Drawing from them is
    `rng.choice(len(values), size=count, p=chances)` made without the checks of p it repeats on
    every call (most of its time: 52 against 8 µs for 256 draws): the same uniforms, cdf and search,
    so the same instances (tests/test_batch_run.py compares the two)."""
    weights = np.array([float(w) for w, _ in m.table])
    cdf = (weights / weights.sum()).cumsum()
    cdf /= cdf[-1]
    return cdf, value_column([term_value(v) for _, v in m.table])


def value_column(values: list[Any]) -> np.ndarray:
    """Values of one type as an array: words as their bits (uint32), booleans, integers (int64,
    or Python ints beyond its range)."""
    if all(type(v) is Word for v in values):
        return np.array([v.bits for v in values], dtype=np.uint32)
    if all(type(v) is bool for v in values):
        return np.array(values, dtype=np.bool_)
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        return np.array(values, dtype=object)


def python_values(column: np.ndarray) -> list[Any]:
    """A drawn column as the interpreter's values."""
    return [Word(v) for v in column.tolist()] if column.dtype == np.uint32 else column.tolist()


def rhs(sem: Any, which: str) -> str:
    """The right-hand side of the reward program's equation for ok or val, as SMT text."""
    from godelmachine.logic.terms import quantified_body

    _, body = quantified_body(sem.statement.args[0] if sem.statement.name == "and" and sem.statement.args[0].kind == "forall"
                              else sem.statement)
    for equation in body.args:
        if equation.args[0].name.endswith("." + which):
            return smtlib(equation.args[1])
    raise UserError(f"the reward rule has no {which}")


def smt_int(v: int) -> str:
    return str(v) if v >= 0 else f"(- {-v})"


def smt_value(v: Any, type_: str) -> str:
    if type_ == "word":
        return f"#x{v.bits:08x}"
    if type_ == "bool":
        return "true" if v else "false"
    return smt_int(v)


# --- reading task files --------------------------------------------------------------------


TASKS = Path(__file__).resolve().parent.parent / "tasks"  # godelmachine/tasks: the built-in task files


def builtin_tasks() -> dict[str, Path]:
    return {p.stem: p for p in sorted(TASKS.glob("*.task"))}


def load_task(name_or_path: str) -> Task:
    """A built-in task by name, or a task file by path."""
    builtins = builtin_tasks()
    if name_or_path in builtins:
        path = builtins[name_or_path]
    else:
        path = Path(name_or_path)
        if not path.exists():
            known = ", ".join(builtins)
            raise UserError(f"unknown task {name_or_path!r}: not a built-in task ({known}) and no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read ({exc})") from None
    if path.suffix == ".sl" and name_or_path not in builtins:
        return sygus_task(path, text)
    return TaskReader(str(path) if name_or_path not in builtins else f"godelmachine/tasks/{path.name}", path).read(text)


def sygus_task(path: Path, text: str) -> Task:
    """A SyGuS-IF problem (godelmachine/machine/sygus.py) as the task it makes: its digest is
    the problem's text, and errors in the problem name the problem's lines."""
    problem = sygus.read_problem(text, str(path))
    task = None
    for hoist in sygus.HOIST_DEPTHS:  # split deep references into helpers only where they need it
        generated = sygus.task_text(problem, sygus.task_name(path), hoist)
        try:
            task = TaskReader(f"{path} (as a task)", path).read(generated)
            break
        except UserError as exc:
            if not exc.message.startswith(("nesting deeper than", "expression nested more than")):
                raise
    if task is None:
        raise UserError(f"the reference nests deeper than the machine language's {MAX_NESTING} levels, even split "
                        "into helpers", sygus.reference_call(problem)[0].pos)
    grammar = sygus_grammar.read_grammar(problem)
    space = sygus_grammar.search_space(problem, grammar) if grammar is not None else None
    return dataclasses.replace(task, path=str(path), text=text, space=space)


class TaskReader:
    SECTIONS = ("description", "lifetime", "search-share", "instance", "solver", "reward", "initial-reward",
                "techniques", "environment", "outputs")

    def __init__(self, source: str, path: Path) -> None:
        self.source = source
        self.path = path

    def read(self, text: str) -> Task:
        nodes = read(text, self.source)
        if len(nodes) != 1 or type(nodes[0]) is not SList or not nodes[0].items or _sym(nodes[0].items[0]) != "task":
            raise UserError("a task file holds one form (task NAME section ...)", nodes[0].pos if nodes else None)
        top = nodes[0]
        if len(top.items) < 2 or _sym(top.items[1]) is None:
            raise UserError("expected the task's name after task", top.pos)
        sections: dict[str, SList] = {}
        for node in top.items[2:]:
            head = _sym(node.items[0]) if type(node) is SList and node.items else None
            if head not in self.SECTIONS:
                raise UserError(f"unknown section {head!r}; expected one of {', '.join(self.SECTIONS)}", node.pos)
            if head in sections:
                raise UserError(f"section {head} appears twice", node.pos)
            sections[head] = node  # type: ignore[assignment]
        for required in ("lifetime", "instance", "solver", "reward"):
            if required not in sections:
                raise UserError(f"the task has no ({required} ...) section", top.pos)
        variables, distribution_form = self.instance(sections["instance"])
        solver = self.program(sections["solver"].items[1:], sections["solver"])
        if "solve" not in solver:
            raise UserError("the solver must define (solve ...)", sections["solver"].pos)
        if len(solver.lookup("solve").params) != len(variables):
            raise UserError(f"solve must take the {len(variables)} instance variable(s)", sections["solver"].pos)
        reward_kind, reward_program = self.reward(sections["reward"], len(variables))
        return Task(
            name=_sym(top.items[1]) or "",
            description=self.description(sections.get("description")),
            lifetime=self.positive(sections["lifetime"]),
            search_share=self.share(sections.get("search-share")),
            variables=variables,
            distribution_form=distribution_form,
            solver=solver,
            reward_kind=reward_kind,
            reward_program=reward_program,
            initial_reward=self.fraction(sections.get("initial-reward")),
            techniques=self.techniques(sections.get("techniques")),
            path=self.source,
            text=text,
            output_types=self.outputs(sections.get("outputs"), reward_program, len(variables)),
            environment_files=self.environment(sections.get("environment")),
            reward_pos=sections["reward"].pos,
        )

    def description(self, node: SList | None) -> str:
        if node is None:
            return ""
        return " ".join(show(to_value(item)) for item in node.items[1:])

    def positive(self, node: SList) -> int:
        if len(node.items) != 2 or type(node.items[1]) is not SAtom or type(node.items[1].value) is not int \
                or node.items[1].value <= 0:
            raise UserError(f"expected ({_sym(node.items[0])} N) with a positive integer N", node.pos)
        return node.items[1].value

    def share(self, node: SList | None) -> Fraction:
        if node is None:
            return Fraction(1, 10)
        values = [item.value for item in node.items[1:] if type(item) is SAtom]
        if len(values) != 2 or not all(type(v) is int for v in values) or not 0 <= values[0] < values[1]:
            raise UserError("expected (search-share P Q): the share P/Q, with 0 <= P < Q", node.pos)
        return Fraction(values[0], values[1])

    def fraction(self, node: SList | None) -> Fraction | None:
        if node is None:
            return None
        values = [item.value for item in node.items[1:] if type(item) is SAtom]
        if not 1 <= len(values) <= 2 or not all(type(v) is int for v in values):
            raise UserError("expected (initial-reward P) or (initial-reward P Q)", node.pos)
        return Fraction(values[0], values[1] if len(values) == 2 else 1)

    def instance(self, node: SList) -> tuple[tuple[tuple[str, str], ...], str]:
        """The instance variables, and their law as the environment axioms' distribution form."""
        if len(node.items) != 3 or type(node.items[1]) is not SList:
            raise UserError("expected (instance ((x type) ...) marginal ...)", node.pos)
        variables: list[tuple[str, str]] = []
        for item in node.items[1].items:
            if type(item) is not SList or len(item.items) != 2 or _sym(item.items[1]) not in TYPES:
                raise UserError("expected (name int), (name word) or (name bool)", item.pos)
            name = check_smt_name(_sym(item.items[0]), "an instance variable", item.items[0].pos)
            if any(name == other for other, _ in variables):
                raise UserError(f"the instance variable {name!r} is declared twice", item.items[0].pos)
            variables.append((name, _sym(item.items[1]) or ""))
        spec = node.items[2]
        parts = spec.items[1:] if type(spec) is SList and spec.items and _sym(spec.items[0]) == "product" else [spec]
        if len(parts) != len(variables):
            raise UserError(f"expected one marginal per variable ({len(variables)}), or (product ...)", spec.pos)
        bound = " ".join(f"({n} {SORTS[t]})" for n, t in variables)
        marginals = " ".join(self.marginal(v, p) for v, p in zip(variables, parts))
        return tuple(variables), f"(distribution instance ({bound}) (product {marginals}))"

    def marginal(self, variable: tuple[str, str], node: SNode) -> str:
        """One variable's marginal, checked, as SMT-LIB text."""
        name, type_ = variable
        if type(node) is not SList or len(node.items) < 2 or _sym(node.items[1]) != name:
            raise UserError(f"expected a marginal for {name}: (uniform-int {name} lo hi), (uniform-word {name}) "
                            f"or (finite {name} (weight value) ...)", node.pos)
        kind = _sym(node.items[0])
        values = [to_value(item) for item in node.items[2:]]
        if kind == "uniform-int":
            if type_ != "int":
                raise UserError(f"uniform-int draws integers, but {name} is declared {type_}", node.pos)
            if len(values) != 2 or not all(type(v) is int for v in values):
                raise UserError(f"expected (uniform-int {name} lo hi) with two integer bounds", node.pos)
            if values[0] > values[1]:
                raise UserError(f"the range of {name} is empty: lo {values[0]} is above hi {values[1]} "
                                "(both bounds are included)", node.items[2].pos)
            return f"(uniform-int {name} {smt_int(values[0])} {smt_int(values[1])})"
        if kind == "uniform-word":
            if type_ != "word":
                raise UserError(f"uniform-word draws 32-bit words, but {name} is declared {type_}", node.pos)
            if values:
                raise UserError(f"(uniform-word {name}) takes nothing more: it is uniform on all 2^32 words",
                                node.items[2].pos)
            return f"(uniform-word {name})"
        if kind == "finite":
            if not values:
                raise UserError(f"expected (finite {name} (weight value) ...) with at least one row", node.pos)
            table = [self.finite_row(type_, row, item) for row, item in zip(values, node.items[2:])]
            if sum(w for w, _ in table) != 1:
                raise UserError("the weights of a finite marginal must add up to 1", node.pos)
            rows = " ".join(f"((/ {w.numerator} {w.denominator}) {smt_value(v, type_)})" for w, v in table)
            return f"(finite {name} {rows})"
        raise UserError(f"unknown marginal {kind!r} for {name}: the marginals are uniform-int, uniform-word and "
                        "finite (docs/tasks.md)", node.items[0].pos)

    def finite_row(self, type_: str, row: Any, item: SNode) -> tuple[Fraction, Any]:
        """A row (weight value) or (numerator denominator value): integer weights, a value of
        the variable's type."""
        cells = list(row) if type(row) in (Pair, Nil) else []
        if len(cells) not in (2, 3) or not all(type(c) is int for c in cells[:-1]):
            raise UserError("expected a row (weight value) or (p q value), with integers p and q", item.pos)
        if len(cells) == 3 and cells[1] <= 0:
            raise UserError("the denominator of a weight (p q value) must be positive", item.pos)
        weight = Fraction(cells[0], cells[1] if len(cells) == 3 else 1)
        if weight < 0:
            raise UserError("a weight must not be negative", item.pos)
        value = cells[-1]
        if {"int": int, "word": Word, "bool": bool}[type_] is not type(value):
            raise UserError(f"expected a value of type {type_}, got {show(value)}", item.pos)
        return weight, value

    def program(self, forms: tuple[SNode, ...], where: SNode) -> Program:
        if not forms:
            raise UserError("expected definitions here", where.pos)
        return Program.from_nodes(forms)

    def reward(self, node: SList, arity: int) -> tuple[str, Program]:
        kind = _sym(node.items[1]) if len(node.items) > 2 else None
        if kind not in ("exact", "bernoulli"):
            raise UserError("expected (reward exact (define ...)) or (reward bernoulli (define ...))", node.pos)
        program = self.program(node.items[2:], node)
        entry = program.names()[0]
        definition = program.lookup(entry)
        if len(definition.params) <= arity:
            raise UserError(f"the reward rule {entry} takes the instance's {arity} value(s), then the output",
                            node.items[2].pos)
        for param in definition.params:
            check_smt_name(param, "a parameter of the reward rule", definition.pos)
        return kind, program

    def techniques(self, node: SList | None) -> tuple[tuple[str, Fraction], ...]:
        if node is None:
            return ()
        known = technique_names()
        result = []
        for item in node.items[1:]:
            if type(item) is SList and len(item.items) == 2 and _sym(item.items[0]) and \
                    type(item.items[1]) is SAtom and type(item.items[1].value) is int and item.items[1].value > 0:
                name = _sym(item.items[0]) or ""
                if name not in known:
                    raise UserError(f"unknown proof technique {name!r}; the techniques are {', '.join(known)}",
                                    item.items[0].pos)
                if any(name == other for other, _ in result):
                    raise UserError(f"the technique {name!r} is listed twice", item.items[0].pos)
                result.append((name, Fraction(item.items[1].value)))
            else:
                raise UserError("expected (technique-name prior) with a positive integer prior", item.pos)
        return tuple(result)

    def environment(self, node: SList | None) -> list[Path]:
        if node is None:
            return []
        files = []
        for item in node.items[1:]:
            name = _sym(item)
            path = self.path.parent / (name or "")
            if name is None or not path.is_file():
                raise UserError(f"no axiom file {name!r} next to the task file", item.pos)
            files.append(path)
        return files

    def outputs(self, node: SList | None, reward: Program, arity: int) -> tuple[str, ...]:
        """The types of the outputs the reward rule takes after the instance: (outputs int int)."""
        entry = reward.names()[0]
        count = len(reward.lookup(entry).params) - arity
        if node is None:
            return ("int",) * count
        types = tuple(_sym(item) or "" for item in node.items[1:])
        if len(types) != count or not all(t in TYPES for t in types):
            raise UserError(f"expected (outputs type ...) with {count} type(s) among int, word, bool", node.pos)
        return types


def technique_names() -> list[str]:
    """The proof techniques a task may name: those of the registry (godelmachine/search/techniques/)."""
    from godelmachine.search.techniques import REGISTRY

    return sorted(REGISTRY)


def _sym(node: SNode) -> str | None:
    return node.value if type(node) is SAtom and type(node.value) is str else None
