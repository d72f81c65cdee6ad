"""Axiom files: reading, sort-checking, consistency, and the proved/assumed marking.

An axiom file (`proofs/*.axioms`, documented in docs/axioms.md) is SMT-LIB-flavoured:

    (class utility)                                  ; first form: the Gödel machine class
    (declare-sort Program 0)
    (declare-fun mean-cost (Program) Real)
    (declare-const max-reward Real)
    (define-fun half ((x Real)) Real (/ x 2.0))      ; a macro, expanded where used
    (axiom name term)                                ; a Bool term
    (distribution instance ((n Int)) (uniform-int n 0 1000))
    (distribution instance ((t Int)) (finite ((/ 1 3) 0) ((/ 1 3) 1) ((/ 1 3) 2)))
    (distribution instance ((op Int) (x (_ BitVec 32)))
      (product (finite op (0.5 0) (0.5 1)) (uniform-word x)))

The classes are those of the Gödel machine: hardware, reward, environment, uncertainty,
initial-state, utility. The hardware class is never written by hand: it is generated from the
primitive table when the set is loaded.

Loading checks the syntax and the sorts (errors name file, line and column), then the
consistency of the kernel's own axioms (the shipped files and those generated from the task)
with Z3: an unsatisfiable set is refused with an unsat core naming the axioms that conflict.
First-order logic is undecidable, so Z3 may also find neither a contradiction nor a model
within its budget; that set is then accepted and its `consistency` says so. The hardware
axioms take no part: each defines fresh symbols (hw.*) by an equation, so they are consistent
by construction. Each of those axioms is then marked `proved` if Z3 derives it from the axioms
loaded before it (it is redundant, a theorem), else `assumed`.

A user's axiom file (installed by `axioms add`, given with `--axioms`, or named by a task's
`environment` section) is held to the rule of the reserved namespace (`reserved`): it may
declare only fresh names of its own and use only those, the theories' operators and the
environment's vocabulary. Each of its axioms is then `proved` (Z3 derives it from the user
axioms before it, or from nothing), a `constraint` (it mentions the user's own symbols: the
constraints must have a model together), or `assumed` (a closed formula of the theories that
Z3 cannot prove: tested on 10,000 points first, see `points.py`); an axiom that mentions the
environment's vocabulary must be proved. `check_user_axioms` says why this makes the whole
set consistent whenever the kernel's own axioms are (docs/axioms.md, "Why this is sound").
"""

from __future__ import annotations

import hashlib
import itertools
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from godelmachine.errors import Pos, UserError
from godelmachine.lang.primitives import BASE
from godelmachine.lang.reader import SAtom, SList, SNode
from godelmachine.lang.syntax import COST_CALL, COST_FOR, COST_IF, COST_ITERATION, COST_LAMBDA
from godelmachine.logic import axiom_cache
from godelmachine.logic.points import POINTS, evaluate_on_points
from godelmachine.logic.semantics import SORTS, instantiate_template
from godelmachine.logic.smt import check_sat, prove
from godelmachine.logic.smtlib import Signature, TermReader, read_sexprs, symbol_of
from godelmachine.logic.terms import (
    BOOL,
    BV32,
    INT,
    And,
    Eq,
    Implies,
    Not,
    Term,
    app,
    forall,
    functions,
    int_,
    simplify,
    smtlib,
    sym,
)
from godelmachine.resources import data_dir

CLASSES = ("hardware", "reward", "environment", "uncertainty", "initial-state", "utility")
# The shipped files, in the order they are read (a file may use what an earlier one declares).
SHIPPED = ("uncertainty", "reward", "initial-state", "utility", "environment")
CONSISTENCY_RLIMIT = 5_000_000
REDUNDANCY_RLIMIT = 300_000
USER_PROOF_RLIMIT = 1_000_000  # Z3's budget to prove one user axiom (from nothing, or from those before it)
USER_CLASSES = ("environment", "reward", "uncertainty")  # utility, initial-state: the shipped files' alone
TRUST_LEVELS = ("assumed", "proved")  # `run --trust`: also tested assumptions, or proved user axioms only


# --- the kernel's reserved namespace -------------------------------------------------------

# Every name the kernel generates has one of these characters in it: the program symbols of
# the symbolic semantics (p<digest>.<fn>.val/.ok/.cost, .loopN.*), hw.* (the hardware),
# state.* (state2theorem), cex.* (counterexamples), track.* (unsat cores), distribution.*
# (the instance laws a theorem rests on), %arg.* (the primitives' templates).
KERNEL_SEPARATORS = ".%:#@$|/\\"
# A program's symbols start with p and its digest, whatever separator and length the kernel
# uses: p followed by 8 hex digits is the kernel's.
PROGRAM_SYMBOL = re.compile(r"p[0-9a-fA-F]{8}")
# The names without a separator that the shipped axioms and the kernel's rules give meaning to:
# the sort of solvers, the expectations the expectation rules define, the utility, the moments,
# the instance distribution, and the axioms the task generates (the machine looks some of them
# up by name: initial-solver-reward is the reward floor).
KERNEL_VOCABULARY = frozenset({"Program", "mean-cost", "mean-reward", "max-cost", "reward-over", "uniform-moment",
                               "instance", "reward-of-rule", "reward-rule-loops", "initial-solver-reward"})
# The environment's vocabulary: the reward of an output on an instance (the task's reward rule
# defines it) and the largest reward. A user's axiom may mention them only if Z3 proves it.
ENVIRONMENT_VOCABULARY = frozenset({"reward-of", "max-reward"})


def reserved(name: str) -> bool:
    """Is `name` the kernel's or the environment's, so that no user file may declare it?

    The one place that decides it (docs/axioms.md, "The reserved namespace"): a name the
    kernel could generate (it contains a separator of the kernel's, or starts like a program
    symbol), one the kernel's rules or the task give meaning to, or one the shipped axiom
    files declare (so a symbol added to or renamed in them is reserved without a word here)."""
    return (name in KERNEL_VOCABULARY or name in ENVIRONMENT_VOCABULARY
            or any(c in name for c in KERNEL_SEPARATORS) or PROGRAM_SYMBOL.match(name) is not None
            or name in shipped_vocabulary())


@lru_cache(maxsize=1)
def shipped_vocabulary() -> frozenset[str]:
    """The sorts, functions, constants, macros and axioms that the shipped files declare."""
    shipped = load_axioms(check=False)
    return frozenset(shipped.signature.sorts | set(shipped.signature.funcs) | set(shipped.signature.macros)
                     | set(shipped.axioms))


@dataclass(frozen=True)
class Axiom:
    name: str
    cls: str
    statement: Term
    source: str
    line: int
    status: str = "assumed"  # "assumed" | "proved" | "constraint" (a user axiom on the user's own symbols)
    proved_from: tuple[str, ...] = ()
    user: bool = False  # from a user's axiom file (not shipped, not generated from the task)
    evidence: str = ""  # how a user axiom was accepted: proved by Z3, tested on N points, a model found
    col: int = 0


@dataclass(frozen=True)
class Marginal:
    """The law of one instance variable: uniform on an integer range, uniform on all 32-bit
    words, or a finite table of (weight, value)."""

    kind: str  # "uniform-int" | "uniform-word" | "finite"
    lo: int = 0
    hi: int = 0
    table: tuple[tuple[Fraction, Term], ...] = ()

    def points(self, limit: int) -> list[tuple[Fraction, Term]] | None:
        if self.kind == "finite":
            return list(self.table)
        if self.kind == "uniform-int" and self.hi - self.lo + 1 <= limit:
            weight = Fraction(1, self.hi - self.lo + 1)
            return [(weight, int_(v)) for v in range(self.lo, self.hi + 1)]
        return None


@dataclass(frozen=True)
class Distribution:
    """An instance distribution: independent marginals, or one joint finite table."""

    name: str
    variables: tuple[tuple[str, str], ...]
    marginals: tuple[Marginal, ...] = ()  # one per variable, independent
    joint: tuple[tuple[Fraction, tuple[Term, ...]], ...] = ()  # or a joint table
    source: str = ""
    line: int = 0


@dataclass
class AxiomSet:
    signature: Signature = field(default_factory=Signature)
    axioms: dict[str, Axiom] = field(default_factory=dict)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of its text
    consistency: str = "unchecked"  # "sat" | "unknown: ..." after check_consistency
    user_files: list[str] = field(default_factory=list)  # the user's axiom files, in load order
    user_symbols: set[str] = field(default_factory=set)  # the sorts, functions and macros they declare
    trust: str = "assumed"
    excluded: dict[str, Axiom] = field(default_factory=dict)  # assumptions left out by --trust proved
    user_consistency: str = "no constraints"  # or "a model of the constraints found" (check_user_axioms)

    def __getitem__(self, name: str) -> Axiom:
        return self.axioms[name]

    def by_class(self, cls: str) -> list[Axiom]:
        return [a for a in self.axioms.values() if a.cls == cls]


# --- reading files ---------------------------------------------------------------------


class AxiomFileReader:
    def __init__(self, target: AxiomSet, source: str, user: bool = False) -> None:
        self.target = target
        self.source = source
        self.user = user
        self.reader = TermReader(target.signature, self.guard if user else None)

    # --- a user's file: the reserved namespace ---------------------------------------------

    def guard(self, name: str, pos: Pos | None, how: str) -> None:
        """A user's file uses only its own names, the theories' and the environment's
        vocabulary, and binds no reserved name."""
        if how == "use" and (name in self.target.user_symbols or name in ENVIRONMENT_VOCABULARY):
            return
        if how == "bind" and not reserved(name):
            return
        raise UserError(self.refusal(name, how), pos)

    def refusal(self, name: str, how: str) -> str:
        verb = {"use": "mention", "bind": "bind", "declare": "declare"}[how]
        if name in ENVIRONMENT_VOCABULARY:
            return (f"{name!r} is the environment's (the task defines it): a user file may mention it in an axiom "
                    f"that Z3 proves, not {verb} it")
        if reserved(name):
            return (f"{name!r} is in the kernel's reserved namespace: a user axiom file may not {verb} it "
                    "(it may declare fresh names of its own; see docs/axioms.md)")
        return (f"{name!r} is not this user's: a user axiom file may mention only the names user files declare, "
                "the theories' operators and the environment's vocabulary (reward-of, max-reward)")

    def declare_name(self, name: str, pos: Pos | None) -> None:
        if not self.user:
            return
        if reserved(name):
            raise UserError(self.refusal(name, "declare"), pos)
        known = name in self.target.signature.funcs or name in self.target.signature.sorts \
            or name in self.target.signature.macros
        if known and name not in self.target.user_symbols:
            raise UserError(self.refusal(name, "use"), pos)
        self.target.user_symbols.add(name)

    def read(self, text: str, expected_class: str | None = None) -> None:
        nodes = read_sexprs(text, self.source)
        if not nodes:
            raise UserError(f"{self.source}: empty axiom file; it must start with (class NAME)")
        cls = self.class_of(nodes[0])
        if self.user and cls not in USER_CLASSES:
            raise UserError(f"a user axiom file may be of class {', '.join(USER_CLASSES)}; {cls} is the shipped "
                            "files' alone", nodes[0].items[1].pos)  # type: ignore[union-attr]
        if self.user and self.source not in self.target.user_files:
            self.target.user_files.append(self.source)
        if expected_class is not None and cls != expected_class:
            raise UserError(f"this file must declare (class {expected_class})", nodes[0].pos)
        for node in nodes[1:]:
            self.form(node, cls)

    def class_of(self, node: SNode) -> str:
        if type(node) is not SList or len(node.items) != 2 or symbol_of(node.items[0]) != "class":
            raise UserError("an axiom file starts with (class NAME)", node.pos)
        cls = symbol_of(node.items[1])
        if cls not in CLASSES or cls == "hardware":
            allowed = ", ".join(c for c in CLASSES if c != "hardware")
            raise UserError(f"unknown class {cls!r}; one of {allowed} (hardware is generated)", node.items[1].pos)
        return cls  # type: ignore[return-value]

    def form(self, node: SNode, cls: str) -> None:
        if type(node) is not SList or not node.items or symbol_of(node.items[0]) is None:
            raise UserError("expected a form such as (axiom name term)", node.pos)
        head = symbol_of(node.items[0])
        handler = getattr(self, "form_" + (head or "").replace("-", "_"), None)
        if handler is None:
            raise UserError(f"unknown form {head!r}; expected declare-sort, declare-fun, declare-const, "
                            "define-fun, axiom or distribution", node.items[0].pos)
        handler(node, cls)

    def name_at(self, node: SList, i: int, what: str) -> str:
        if len(node.items) <= i or symbol_of(node.items[i]) is None:
            raise UserError(f"expected the {what}'s name", node.pos)
        return symbol_of(node.items[i])  # type: ignore[return-value]

    def form_declare_sort(self, node: SList, cls: str) -> None:
        name = self.name_at(node, 1, "sort")
        arity = node.items[2] if len(node.items) == 3 else None
        if arity is None or type(arity) is not SAtom or arity.value.text != "0":
            raise UserError("expected (declare-sort Name 0)", node.pos)
        self.declare_name(name, node.items[1].pos)
        self.target.signature.sorts.add(name)

    def form_declare_fun(self, node: SList, cls: str) -> None:
        if len(node.items) != 4 or type(node.items[2]) is not SList:
            raise UserError("expected (declare-fun name (Sort ...) Sort)", node.pos)
        name = self.name_at(node, 1, "function")
        self.declare_name(name, node.items[1].pos)
        args = tuple(self.reader.sort(s) for s in node.items[2].items)
        self.target.signature.declare(name, args, self.reader.sort(node.items[3]), node.items[1].pos)

    def form_declare_const(self, node: SList, cls: str) -> None:
        if len(node.items) != 3:
            raise UserError("expected (declare-const name Sort)", node.pos)
        name = self.name_at(node, 1, "constant")
        self.declare_name(name, node.items[1].pos)
        self.target.signature.declare(name, (), self.reader.sort(node.items[2]), node.items[1].pos)

    def form_define_fun(self, node: SList, cls: str) -> None:
        if len(node.items) != 5:
            raise UserError("expected (define-fun name ((x Sort) ...) Sort body)", node.pos)
        name = self.name_at(node, 1, "macro")
        self.declare_name(name, node.items[1].pos)
        params = self.reader.bound_variables(node.items[2]) if type(node.items[2]) is SList and node.items[2].items else []
        result = self.reader.sort(node.items[3])
        body = self.reader.term(node.items[4], {n: sym(n, s) for n, s in params})
        if body.sort != result:
            raise UserError(f"the body of {name} has sort {body.sort}, not {result}", node.items[4].pos)
        self.target.signature.macros[name] = (tuple(params), body)

    def form_axiom(self, node: SList, cls: str) -> None:
        if len(node.items) != 3:
            raise UserError("expected (axiom name term)", node.pos)
        name = self.name_at(node, 1, "axiom")
        if name in self.target.axioms:
            previous = self.target.axioms[name]
            raise UserError(f"axiom {name!r} is already defined at {previous.source}:{previous.line}", node.items[1].pos)
        if self.user and reserved(name):
            raise UserError(f"the axiom name {name!r} is in the kernel's reserved namespace (the kernel's own axioms and "
                            "the laws theorems rest on are named so); name it without . and the like",
                            node.items[1].pos)
        statement = self.reader.term(node.items[2])
        if statement.sort != BOOL:
            raise UserError(f"an axiom must be Bool, this term is {statement.sort}", node.items[2].pos)
        if self.user:  # what a macro expanded to is checked too
            for symbol in functions(statement):
                if symbol not in self.target.user_symbols and symbol not in ENVIRONMENT_VOCABULARY:
                    raise UserError(self.refusal(symbol, "use"), node.items[2].pos)
        line = node.pos.line if node.pos else 0
        col = node.pos.col if node.pos else 0
        self.target.axioms[name] = Axiom(name, cls, statement, self.source, line, user=self.user, col=col)

    def form_distribution(self, node: SList, cls: str) -> None:
        if self.user:
            raise UserError("a distribution is the task's (its instance section): a user axiom file may not declare one",
                            node.pos)
        if cls != "environment":
            raise UserError("distributions belong to the environment class", node.pos)
        if len(node.items) != 4:
            raise UserError("expected (distribution name ((x Sort) ...) spec)", node.pos)
        name = self.name_at(node, 1, "distribution")
        variables = tuple(self.reader.bound_variables(node.items[2]))
        spec = node.items[3]
        if type(spec) is not SList or not spec.items:
            raise UserError("expected (uniform-int x lo hi ...), (finite (weight value ...) ...) or (product ...)", spec.pos)
        kind = symbol_of(spec.items[0])
        line = node.pos.line if node.pos else 0
        if kind == "finite":
            distribution = Distribution(name, variables, joint=self.joint(variables, spec), source=self.source, line=line)
        elif kind in ("uniform-int", "product"):
            parts = [SList(tuple(spec.items[i:i + 4]), spec.items[i].pos) for i in range(1, len(spec.items), 3)] \
                if kind == "uniform-int" else list(spec.items[1:])
            if len(parts) != len(variables):
                raise UserError(f"expected one marginal for each of the {len(variables)} variable(s)", spec.pos)
            if kind == "uniform-int":  # (uniform-int x lo hi y lo hi): one (x lo hi) group per variable
                parts = [SList((spec.items[0],) + p.items[:3], p.pos) for p in parts]
            marginals = tuple(self.marginal(var, part) for var, part in zip(variables, parts))
            distribution = Distribution(name, variables, marginals=marginals, source=self.source, line=line)
        else:
            raise UserError(f"unknown distribution {kind!r}; expected uniform-int, finite or product", spec.items[0].pos)
        if name in self.target.distributions:
            raise UserError(f"distribution {name!r} is declared twice", node.items[1].pos)
        self.target.distributions[name] = distribution

    def marginal(self, variable: tuple[str, str], node: SNode) -> Marginal:
        var, sort = variable
        if type(node) is not SList or len(node.items) < 2 or symbol_of(node.items[1]) != var:
            raise UserError(f"expected a marginal for the variable {var} here", node.pos)
        kind = symbol_of(node.items[0])
        if kind == "uniform-int":
            if sort != INT or len(node.items) != 4:
                raise UserError(f"expected (uniform-int {var} lo hi) for an Int variable", node.pos)
            lo, hi = self.integer(node.items[2]), self.integer(node.items[3])
            if lo > hi:
                raise UserError(f"an empty range {lo}..{hi}", node.items[2].pos)
            return Marginal("uniform-int", lo, hi)
        if kind == "uniform-word":
            if sort != BV32 or len(node.items) != 2:
                raise UserError(f"expected (uniform-word {var}) for a (_ BitVec 32) variable", node.pos)
            return Marginal("uniform-word")
        if kind == "finite":
            rows = self.table([(var, sort)], node.items[2:], node)
            return Marginal("finite", table=tuple((w, values[0]) for w, values in rows))
        raise UserError(f"unknown marginal {kind!r}; expected uniform-int, uniform-word or finite", node.items[0].pos)

    def joint(self, variables: tuple[tuple[str, str], ...], spec: SList) -> tuple[tuple[Fraction, tuple[Term, ...]], ...]:
        return self.table(list(variables), spec.items[1:], spec)

    def table(self, variables: list[tuple[str, str]], rows_nodes: Iterable[SNode], whole: SNode
              ) -> tuple[tuple[Fraction, tuple[Term, ...]], ...]:
        rows = []
        for item in rows_nodes:
            if type(item) is not SList or len(item.items) != 1 + len(variables):
                raise UserError(f"expected (weight value ...) with {len(variables)} value(s)", item.pos)
            weight_node = item.items[0]
            weight_term = simplify(self.reader.term(weight_node))  # 0.25, or (/ 1 3)
            if not weight_term.is_const or weight_term.name < 0:
                raise UserError("expected a non-negative constant weight such as 0.25 or (/ 1 3)", weight_node.pos)
            values = tuple(simplify(self.reader.term(v)) for v in item.items[1:])
            for (var, sort), value in zip(variables, values):
                if value.sort != sort or not value.is_const:
                    raise UserError(f"expected a constant of sort {sort} for {var}", item.pos)
            rows.append((Fraction(weight_term.name), values))
        if not rows or sum(w for w, _ in rows) != 1:
            raise UserError("the weights of a finite distribution must add up to 1", whole.pos)
        return tuple(rows)

    def integer(self, node: SNode) -> int:
        term = self.reader.term(node)
        if term.sort != INT or not term.is_const:
            raise UserError("expected an integer constant", node.pos)
        return term.name


# --- the hardware class, generated from the primitive table ------------------------------


def hardware_axioms(target: AxiomSet) -> None:
    """One axiom per primitive and one for the special forms, from the tables themselves.

    For a primitive p with an SMT meaning: for all arguments, hw.ok.p is its no-trap
    condition, hw.val.p its value where it does not trap, and hw.cost.p its step cost. The
    symbolic semantics instantiates exactly these templates, and each definition theorem
    names the hardware axioms of the primitives it used.
    """
    table_file = "godelmachine/lang/primitives.py"
    lines = _primitive_lines()
    for prim in BASE.values():
        cost_name = f"hw.cost.{prim.name}"
        target.signature.declare(cost_name, (), INT)
        cost = Eq(app(cost_name, (), INT), int_(prim.cost))
        statement = cost
        if prim.smt is not None and all(t in SORTS for t in prim.params):
            sorts = tuple(SORTS[t] for t in prim.params)
            result_sort = SORTS[prim.result]
            variables = [(f"a{i}", s) for i, s in enumerate(sorts)]
            args = [sym(n, s) for n, s in variables]
            ok_name, val_name = f"hw.ok.{prim.name}", f"hw.val.{prim.name}"
            target.signature.declare(ok_name, sorts, BOOL)
            target.signature.declare(val_name, sorts, result_sort)
            ok = app(ok_name, args, BOOL)
            statement = And(cost, forall(variables, And(
                Eq(ok, instantiate_template(prim.smt_ok, sorts, args)),
                Implies(ok, Eq(app(val_name, args, result_sort), instantiate_template(prim.smt, sorts, args))),
            )))
        target.axioms[f"hw.{prim.name}"] = Axiom(f"hw.{prim.name}", "hardware", statement, table_file,
                                                 lines.get(prim.name, 0), "assumed")
    forms = {"if": COST_IF, "lambda": COST_LAMBDA, "call": COST_CALL, "for": COST_FOR, "iteration": COST_ITERATION}
    equations = []
    for form, cost in forms.items():
        target.signature.declare(f"hw.cost.{form}", (), INT)
        equations.append(Eq(app(f"hw.cost.{form}", (), INT), int_(cost)))
    target.axioms["hw.forms"] = Axiom("hw.forms", "hardware", And(*equations), "godelmachine/lang/syntax.py",
                                      _syntax_cost_line(), "assumed")


def _primitive_lines() -> dict[str, int]:
    """Line of each primitive's entry in the table's source, for `axioms list`."""
    from godelmachine.lang import primitives

    text = Path(primitives.__file__).read_text(encoding="utf-8")
    start = text.index("\n_CORE")
    found: dict[str, int] = {}
    for match in re.finditer(r'\(\s*"([^"]+)"', text[start:]):  # an entry's name may open its own line
        found.setdefault(match.group(1), text.count("\n", 0, start + match.start(1)) + 1)
    return found


def _syntax_cost_line() -> int:
    from godelmachine.lang import syntax

    text = Path(syntax.__file__).read_text(encoding="utf-8").splitlines()
    return next((i + 1 for i, line in enumerate(text) if line.startswith("COST_IF")), 0)


# --- loading a whole set -----------------------------------------------------------------


def shipped_axiom_files() -> list[Path]:
    """The axiom files under proofs/ (one per class), in class order."""
    directory = data_dir("proofs")
    return [directory / f"{cls}.axioms" for cls in SHIPPED if (directory / f"{cls}.axioms").is_file()]


def load_axioms(files: Iterable[Path | tuple[str, str]] = (), shipped: bool = True, check: bool = True,
                generated: Iterable[tuple[str, str]] = (), trust: str = "assumed", cache: bool = True) -> AxiomSet:
    """Hardware (generated), the shipped files, the kernel's `generated` texts (a task's
    environment and initial state, as (name, text) pairs), then the user's `files` (paths, or
    (name, text) pairs), which are held to the reserved namespace and tested. With `trust`
    "proved", the user's assumptions (and what was proved from them) are left out.

    The result depends only on the files' names and texts, so it is kept for the process, and
    the checks' outcomes between processes (godelmachine/logic/axiom_cache.py) unless `cache`
    is False."""
    if trust not in TRUST_LEVELS:
        raise UserError(f"--trust must be one of {', '.join(TRUST_LEVELS)}, not {trust!r}")
    sources: list[tuple[str, str]] = []
    shipped_files = [(f"proofs/{p.name}", p) for p in (shipped_axiom_files() if shipped else [])]
    kernel_sources = len(shipped_files) + len(tuple(generated))
    for name, path in [*shipped_files, *((None, g) for g in generated), *((None, f) for f in files)]:
        if isinstance(path, tuple):
            sources.append(path)
            continue
        try:
            sources.append((name or str(path), path.read_text(encoding="utf-8")))
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise UserError(f"{path}: cannot read the axiom file ({exc.strerror})") from None
    loaded = _load(tuple(sources), check, kernel_sources, cache and axiom_cache.enabled())
    return loaded if trust == "assumed" else _trusting_proved(loaded)


@lru_cache(maxsize=32)
def _load(sources: tuple[tuple[str, str], ...], check: bool, kernel_sources: int, cache: bool) -> AxiomSet:
    target = AxiomSet()
    hardware_axioms(target)
    for i, (name, text) in enumerate(sources):
        AxiomFileReader(target, name, user=i >= kernel_sources).read(text)
        target.files[name] = hashlib.sha256(text.encode()).hexdigest()
    if not check:
        return target
    key = axiom_cache.key(sources, kernel_sources) if cache else None
    checked = [name for name, a in target.axioms.items() if a.cls != "hardware"]
    kept = axiom_cache.recall(key, checked, set(target.axioms)) if key is not None else None
    if kept is not None:
        for name, (status, proved_from, evidence) in kept.outcomes.items():
            target.axioms[name] = replace(target.axioms[name], status=status, proved_from=proved_from, evidence=evidence)
        target.consistency, target.user_consistency = kept.consistency, kept.user_consistency
        return target
    check_consistency(target)
    mark_redundant(target)
    check_user_axioms(target)
    if key is not None:
        outcomes = {n: (target.axioms[n].status, target.axioms[n].proved_from, target.axioms[n].evidence) for n in checked}
        axiom_cache.remember(key, axiom_cache.Kept(outcomes, target.consistency, target.user_consistency))
    return target


@lru_cache(maxsize=256)
def decided(named: tuple[tuple[str, Term], ...], rlimit: int) -> tuple[str, tuple[str, ...]]:
    """Z3's answer and unsat core for `named` (kept for the process: the kernel's own axioms are
    checked once, whatever user files come after them)."""
    answer, core, _ = check_sat(named, rlimit)
    return answer, tuple(core)


# Who hears what the checks are doing (`axioms check` and `add` show it): set by `reporting`.
_REPORT: ContextVar[Callable[[str], None] | None] = ContextVar("axiom_checks_report", default=None)


@contextmanager
def reporting(report: Callable[[str], None]) -> Iterator[None]:
    """Within the block, each check of a set being loaded is announced to `report` before it runs."""
    token = _REPORT.set(report)
    try:
        yield
    finally:
        _REPORT.reset(token)


def note(text: str) -> None:
    report = _REPORT.get()
    if report is not None:
        report(text)


def check_consistency(target: AxiomSet) -> None:
    """Refuse a set of the kernel's own axioms that Z3 finds unsatisfiable, naming an unsat core."""
    note(f"the consistency of the kernel's {sum(1 for a in target.axioms.values() if not a.user)} axioms")
    named = tuple((a.name, a.statement) for a in target.axioms.values() if a.cls != "hardware" and not a.user)
    answer, core = decided(named, CONSISTENCY_RLIMIT)
    if answer == "unsat":
        raise UserError(f"the axioms are inconsistent: {places(target, core)} cannot all hold")
    target.consistency = "model found" if answer == "sat" else "no contradiction found within the budget"


def places(target: AxiomSet, names: Iterable[str]) -> str:
    return ", ".join(f"{n} ({target.axioms[n].source}:{target.axioms[n].line})" for n in names)


def mark_redundant(target: AxiomSet) -> None:
    """An axiom of the kernel's own that follows from the axioms before it is marked proved,
    naming the ones it follows from (an unsat core of them with its negation)."""
    earlier: list[Axiom] = []
    for name, axiom in list(target.axioms.items()):
        if axiom.cls == "hardware" or axiom.user:
            continue
        if earlier:
            note(f"whether {name} ({axiom.source}:{axiom.line}) follows from the axioms before it")
            core = derivation_core(earlier, axiom, REDUNDANCY_RLIMIT)
            if core is not None:
                target.axioms[name] = replace(axiom, status="proved", proved_from=core)
        earlier.append(axiom)


def derivation_core(premises: list[Axiom], axiom: Axiom, rlimit: int) -> tuple[str, ...] | None:
    """The names of premises Z3 derives `axiom` from (an unsat core), or None."""
    named = tuple((a.name, a.statement) for a in premises) + (("%goal", Not(axiom.statement)),)
    answer, core = decided(named, rlimit)
    if answer == "unsat" and "%goal" in core:
        return tuple(n for n in core if n != "%goal")
    return None


def check_user_axioms(target: AxiomSet) -> None:
    """Decide each user axiom, in order, and refuse a file that could make the set inconsistent.

    - An axiom mentioning the environment's vocabulary (reward-of, max-reward) must be proved
      from the axioms before it (the task's definition of the reward among them).
    - A closed formula of the theories (no symbol of the user's) is proved by Z3 from nothing
      or from the user axioms before it; else it is tested on POINTS points: false at one, it
      is refused with that counterexample, refuted by Z3 likewise; else it is *assumed*.
    - An axiom on the user's own symbols is proved from the user axioms before it, or is a
      *constraint*; the constraints must have a model together (Z3 finds one), or the file is
      refused: unsat with the core that conflicts, unknown because nothing may rest on a set
      that Z3 cannot show consistent.

    Why the whole set is then consistent whenever the kernel's own axioms are: the user's
    symbols are fresh (the reserved namespace), so a model of the constraints (over the
    standard integers, reals and bit-vectors) and any model of the kernel's axioms together
    make a model of both; a closed formula of the theories that is true holds in every model;
    a proved axiom follows from those before it. The one thing taken on trust is that each
    assumed closed formula is true: that is what "assumed" means, and what the points test."""
    earlier_user: list[Axiom] = []
    for name, axiom in list(target.axioms.items()):
        if not axiom.user:
            continue
        note(f"{name} ({axiom.source}:{axiom.line}): proving it, else testing it")
        mentioned = set(functions(axiom.statement))
        if mentioned & ENVIRONMENT_VOCABULARY:
            outcome = environment_lemma(target, axiom, sorted(mentioned & ENVIRONMENT_VOCABULARY))
        elif mentioned:
            core = derivation_core(earlier_user, axiom, USER_PROOF_RLIMIT) if earlier_user else None
            outcome = replace(axiom, status="proved", proved_from=core, evidence="proved by Z3 (rule smt)") \
                if core is not None else replace(axiom, status="constraint", evidence="a constraint on the user's symbols")
        else:
            outcome = closed_formula(axiom, earlier_user)
        target.axioms[name] = outcome
        earlier_user.append(outcome)
    constraints = [a for a in earlier_user if a.status == "constraint"]
    if not constraints:
        target.user_consistency = "no constraints"
        return
    note(f"the consistency of the user's {len(constraints)} constraint(s)")
    answer, core = decided(tuple((a.name, a.statement) for a in constraints), CONSISTENCY_RLIMIT)
    if answer == "unsat":
        raise UserError(f"the axioms are inconsistent: {places(target, core)} cannot all hold")
    if answer != "sat":
        raise UserError(f"the constraints {places(target, (a.name for a in constraints))} could not be shown "
                        "consistent: Z3 found neither a model of them nor a contradiction within its budget; nothing "
                        "may rest on them (simplify them, or drop the file)")
    target.user_consistency = "a model of the constraints found"
    for a in constraints:
        target.axioms[a.name] = replace(a, evidence="a constraint on the user's symbols; Z3 found a model of all "
                                                    "the constraints")


def position(axiom: Axiom) -> Pos:
    return Pos(axiom.source, axiom.line, axiom.col or 1)


def environment_lemma(target: AxiomSet, axiom: Axiom, names: list[str]) -> Axiom:
    earlier = list(itertools.takewhile(lambda a: a.name != axiom.name, target.axioms.values()))
    core = derivation_core([a for a in earlier if a.cls != "hardware"], axiom, USER_PROOF_RLIMIT)
    if core is None:
        raise UserError(f"{axiom.name} mentions {', '.join(names)}, the environment's vocabulary: such an axiom must "
                        "follow from the axioms before it (the task's reward rule defines reward-of, the reward axioms "
                        "max-reward), and Z3 could not derive it within its budget; it cannot be assumed", position(axiom))
    return replace(axiom, status="proved", proved_from=core, evidence="proved by Z3 (rule smt)")


def closed_formula(axiom: Axiom, earlier_user: list[Axiom]) -> Axiom:
    """A closed formula of the theories: proved by Z3, or tested and assumed, or refused."""
    tested = evaluate_on_points(axiom.statement, seed=f"{axiom.name}\n{smtlib(axiom.statement)}")
    if tested.counterexample is not None:
        raise UserError(f"{axiom.name} is false at {tested.describe_counterexample()} (found by testing it on "
                        f"points: it is refused)", position(axiom))
    core = derivation_core(earlier_user, axiom, USER_PROOF_RLIMIT)  # from nothing, or from the user's axioms before it
    if core is not None:
        how = f"proved by Z3 from {', '.join(core)} (rule smt)" if core else "proved by Z3 from nothing (rule smt)"
        return replace(axiom, status="proved", proved_from=core, evidence=how)
    result = prove([], axiom.statement, USER_PROOF_RLIMIT)  # its negation's model is a counterexample
    if result.status == "proved":
        return replace(axiom, status="proved", proved_from=(), evidence="proved by Z3 from nothing (rule smt)")
    if result.status == "refuted":
        shown = ", ".join(f"{n} = {v}" for n, v in result.counterexample)
        raise UserError(f"{axiom.name} is false at {shown} (Z3's counterexample: it is refused)", position(axiom))
    if not tested.enough:
        raise UserError(f"{axiom.name} cannot be tested: it has no value at most points (a quantifier inside, or a "
                        f"division by zero), and Z3 could not prove it ({result.reason}); an unproved axiom is "
                        f"accepted only after {POINTS:,} points", position(axiom))
    how = "all its points" if tested.exhaustive else f"{tested.points:,} points"
    return replace(axiom, status="assumed", evidence=f"assumed: true at {how}; Z3: {result.reason}")


def rests_on_assumptions(target: AxiomSet, names: Iterable[str]) -> list[Axiom]:
    """The user's assumed axioms that axioms `names` rest on, through what each was proved from."""
    found: dict[str, Axiom] = {}
    stack = list(names)
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        axiom = target.axioms.get(name) or target.excluded.get(name)
        if axiom is None or not axiom.user:
            continue
        if axiom.status == "assumed":
            found[name] = axiom
        stack.extend(axiom.proved_from)
    return [found[n] for n in sorted(found)]


def assumptions_of(target: AxiomSet, names: Iterable[str]) -> list[dict[str, object]]:
    """The `assumptions` of a switch record: name, file and line of each user assumption."""
    return [{"name": a.name, "file": a.source, "line": a.line} for a in rests_on_assumptions(target, names)]


def _trusting_proved(loaded: AxiomSet) -> AxiomSet:
    """--trust proved: the set without the user's assumptions and the user axioms proved from them."""
    excluded = {n: a for n, a in loaded.axioms.items() if a.user and rests_on_assumptions(loaded, [n])}
    return replace(loaded, axioms={n: a for n, a in loaded.axioms.items() if n not in excluded}, excluded=excluded,
                   trust="proved", files=dict(loaded.files), user_files=list(loaded.user_files),
                   user_symbols=set(loaded.user_symbols))


def describe(axiom: Axiom) -> str:
    return f"{axiom.name} [{axiom.cls}, {axiom.status}] {axiom.source}:{axiom.line}: {smtlib(axiom.statement)}"


__all__ = ["Axiom", "AxiomSet", "Distribution", "Marginal", "load_axioms", "CLASSES", "describe", "reserved",
           "assumptions_of", "rests_on_assumptions", "TRUST_LEVELS"]
