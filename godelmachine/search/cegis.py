"""Untrusted: the `synthesis` technique's generator, counterexample-guided.

For every definition of the current solver whose parameters and result are integers, words or
booleans (one to three parameters), it proposes cheaper definitions synthesized from the
primitive table (`godelmachine/search/synthesis.py`):

1. the parameters' types, inferred from the code (`infer_types`: the solver's from the task,
   a helper's from the calls that reach it);
2. test inputs: edge values and seeded random values of each type (for `solve`, values of the
   instance distribution's support), and the definition's answers on them, run and charged;
3. enumeration in Levin order, one term per behaviour on the tests, of terms that answer as
   the definition does wherever it does not trap, and are cheaper on the tests;
4. each such term checked by the kernel's `smt` rule against the definition (no new traps,
   the same results, over all inputs of the types or the support): a counterexample joins the
   tests and enumeration goes on (CEGIS), so that no wrong term is proposed twice; a term the
   check proves, or cannot decide within its budget, is proposed.

Every step is charged: running the definition and the candidates (the runner), one step per
node and test input of the enumeration, and the kernel's work. A search cut off by the end of
a trial is kept in the proof searcher's cache for the solver and goes on in the next trial
(`Synthesis`), so its work is paid once. Nothing here is believed: the
technique program proves each proposal again as every technique does (`prove-equivalent-and-
faster`), then the target theorem.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from godelmachine.lang.primitives import BASE, PrimitiveTable
from godelmachine.lang.program import Program
from godelmachine.lang.syntax import Call, For, GlobalRef, If, Let, Lit, PrimCall, Var, children
from godelmachine.lang.values import show, type_name
from godelmachine.logic.axioms import Distribution
from godelmachine.logic.kernel import Kernel, Refused
from godelmachine.search import components
from godelmachine.search.candidates import Runner, Switchprog, clipped, definition, replace_definitions
from godelmachine.search.inputs import helper_inputs, support_inputs
from godelmachine.search.learned import Learned
from godelmachine.search.obligations import Solver, obligation_goal, value_of
from godelmachine.search.space import SearchSpace
from godelmachine.search.synthesis import TRAP, Enumerator, answers_as, shared, term_type
from godelmachine.search.tactics import support_condition

SCALARS = ("int", "word", "bool")
MAX_WEIGHT = 160  # description length (quarter bits) of the largest term tried: about 8 nodes
MAX_REFUTED = 24  # counterexamples per definition before the generator moves on
LEVEL_STEP = 8  # the definitions' enumerations advance together by this much description length
CHECK_RLIMIT = 2_000_000  # Z3's budget for checking one candidate
SEED = 2011  # test inputs are the same in every run
MIN_LINES = 3  # shorter programs are the enumeration's: it tries every term of up to about eight nodes
MAX_LINES = 8  # the longest straight-line program component-based synthesis asks Z3 for
LINES_BASE = 250_000  # Z3's first budget for a component-based query of a given length
LINES_RLIMIT = 50_000_000  # ... four times more after each unknown up to this, where the length is given up
LINES_MIN = 1_000  # a query is not started with less than this left in the trial
FIRST_EXAMPLES = 4  # test inputs a component-based search starts from


@dataclass(frozen=True)
class Target:
    """A definition to improve: its name, parameters, their types and its inputs' domain."""

    name: str
    params: tuple[str, ...]
    types: tuple[str, ...]
    inputs: list[tuple[Any, ...]]


# --- the types of the definitions ---------------------------------------------------------


def value_type(value: Any) -> str | None:
    """The value's type if it is one the grammar has (int, word, bool), else None."""
    name = type_name(value)
    return name if name in SCALARS else None


def infer_types(program: Program, entry: str, types: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The parameter types of every definition reached from `entry` by calls whose argument
    types are known (a helper called at two signatures, or through a closure, is left out)."""
    found: dict[str, tuple[str, ...]] = {entry: types}
    clashing: set[str] = set()
    results: dict[str, str | None] = {}
    for _ in range(3):  # a helper's result type can type a later call: a few rounds settle it
        for name, arg_types in list(found.items()):
            if name in clashing:
                continue
            d = program.lookup(name)
            calls: list[tuple[str, tuple[str | None, ...]]] = []
            results[name] = _type_of(d.body, dict(zip(d.params, arg_types)), results, calls)
            for callee, callee_types in calls:
                if callee not in program or None in callee_types:
                    continue
                known = found.setdefault(callee, callee_types)  # type: ignore[arg-type]
                if known != callee_types:
                    clashing.add(callee)
    return {n: t for n, t in found.items() if n not in clashing}


def _type_of(e: Any, env: dict[str, str | None], results: dict[str, str | None],
             calls: list[tuple[str, tuple[str | None, ...]]]) -> str | None:
    kind = type(e)
    if kind is Lit:
        return value_type(e.value)
    if kind is Var:
        return env.get(e.name)
    if kind is If:
        _type_of(e.test, env, results, calls)
        then, other = _type_of(e.then, env, results, calls), _type_of(e.other, env, results, calls)
        return then if then == other or other is None else (other if then is None else None)
    if kind is Let:
        return _type_of(e.body, {**env, e.name: _type_of(e.value, env, results, calls)}, results, calls)
    if kind is PrimCall:
        for a in e.args:
            _type_of(a, env, results, calls)
        return e.prim.result if e.prim.result in SCALARS else None
    if kind is Call:
        calls.append((e.name, tuple(_type_of(a, env, results, calls) for a in e.args)))
        return results.get(e.name)
    if kind is For:
        _type_of(e.lo, env, results, calls)
        _type_of(e.hi, env, results, calls)
        acc = _type_of(e.init, env, results, calls)
        _type_of(e.body, {**env, e.var: "int", e.acc: acc}, results, calls)
        return acc
    return None  # closures and their calls: not typed


# --- test inputs ----------------------------------------------------------------------------


def targets(program: Program, distribution: Distribution, types: tuple[str, ...]) -> list[Target]:
    rng = random.Random(SEED)
    found = []
    for name, arg_types in infer_types(program, "solve", types).items():
        d = program.lookup(name)
        if not 1 <= len(arg_types) <= 3 or any(t not in SCALARS for t in arg_types) or "@" in name:
            continue
        inputs = support_inputs(distribution, rng) if name == "solve" else helper_inputs(arg_types, rng)
        found.append(Target(name, d.params, arg_types, inputs))
    wrapped = wrapped_helper(program)
    return [t for t in found if t.name != wrapped or not any(s.name == "solve" for s in found)]


def wrapped_helper(program: Program) -> str | None:
    """The helper that `solve` only passes its parameters on to, in order, when nothing else
    uses it: its search is dominated by solve's (every term that can replace the helper can
    replace solve, whose inputs are the helper's or fewer, and saves the call), so it is not
    made twice."""
    solve = program.lookup("solve")
    body = solve.body
    if (type(body) is not Call or body.name not in program or body.name == "solve"
            or tuple(getattr(a, "name", None) if type(a) is Var else None for a in body.args) != solve.params):
        return None
    for name in program.names():
        if name == "solve":
            continue
        if any(type(e) in (Call, GlobalRef) and e.name == body.name for e in nodes(program.lookup(name).body)):
            return None
    return body.name


# --- the generator --------------------------------------------------------------------------


def synthesize(program: Program, distribution: Distribution, types: tuple[str, ...], kernel: Kernel,
               runner: Runner, charge: Callable[[int], None], memo: dict[Any, Any] | None = None,
               left: Callable[[], int] | None = None, space: SearchSpace | None = None,
               library: Learned | None = None) -> list[Switchprog]:
    """Proposals for the solver's definitions, in Levin order across them: every definition's
    enumeration is taken one level of description length further in turn, and the first level
    at which some definition has a checked proposal gives the proposals (cheapest first). An
    empty list: nothing cheaper up to `MAX_WEIGHT` for any definition, nor (for a definition
    of words) among straight-line programs of up to `MAX_LINES` operations that Z3 could
    decide within `LINES_RLIMIT`. `left` tells what is left of the trial (its clock's budget);
    without it a component-based query may take `LINES_RLIMIT`.

    With `memo` (the proof searcher's cache for this solver), a search that a trial's end cut
    off is kept there and goes on in the next trial where it stopped (OOPS's way rather than
    Levin's restart): its work is charged once, to the trial that did it.

    With `space` (a task's restriction of its rewrites, godelmachine/search/space.py) only the
    primitives it allows are enumerated or given to the components' sketch.

    With `library` (what the run takes from the library of proven rewrites,
    godelmachine/search/learned.py) a definition that an entry's old code matches is offered
    the entry's new code first, and the enumeration's prior favours the entries' fragments."""
    key = ("synthesis", program.digest)
    state = memo.get(key) if memo is not None else None
    if state is None:
        table = BASE if space is None else PrimitiveTable({n: p for n, p in BASE.items() if n in space.primitives})
        conditionals = space is None or space.conditionals
        state = Synthesis(program, distribution, types, kernel, runner, charge, left, table, conditionals, library)
        if memo is not None:
            memo[key] = state
    else:
        state.rebind(runner, charge, left)
    return state.run()


class Synthesis:
    """The searches for one solver's definitions and the level they have reached together."""

    def __init__(self, program: Program, distribution: Distribution, types: tuple[str, ...], kernel: Kernel,
                 runner: Runner, charge: Callable[[int], None], left: Callable[[], int] | None = None,
                 table: PrimitiveTable = BASE, conditionals: bool = True, library: Learned | None = None) -> None:
        searches = [TargetSearch(program, t, distribution if t.name == "solve" else None, kernel, runner, charge, left,
                                 table, conditionals, library)
                    for t in targets(program, distribution, types)]
        self.searches = [s for s in searches if not s.done]
        self.level = LEVEL_STEP
        self.found: dict[int, Switchprog] = {}  # search -> its proposal at this level

    def rebind(self, runner: Runner, charge: Callable[[int], None], left: Callable[[], int] | None = None) -> None:
        """The runner, the charge and the budget of the trial that goes on with the search."""
        for search in self.searches:
            search.runner, search.charge, search.left = runner, charge, left

    def run(self) -> list[Switchprog]:
        while self.level <= MAX_WEIGHT:
            for i, search in enumerate(self.searches):
                if i not in self.found and (proposal := search.advance(self.level)) is not None:
                    self.found[i] = proposal
            if self.found:
                return sorted(self.found.values(), key=lambda sp: sp["cost"])
            self.level += LEVEL_STEP
        return []


class TargetSearch:
    """The search for one definition, resumable level by level and across trials: the
    enumeration, restarted with each counterexample (the terms up to the level reached are
    enumerated again, and charged), and beside it, for a definition of words, component-based
    synthesis of straight-line programs of MIN_LINES, ... MAX_LINES lines
    (`godelmachine/search/components.py`).
    The two share the time equally, as two programs of the same prior do in Levin search: a
    component query is asked only when the steps it may take, added to those the component
    stage has taken, are no more than the enumeration has taken; once the enumeration has ended
    the component stage has all the time."""

    def __init__(self, program: Program, target: Target, distribution: Distribution | None, kernel: Kernel,
                 runner: Runner, charge: Callable[[int], None], left: Callable[[], int] | None = None,
                 table: PrimitiveTable = BASE, conditionals: bool = True, library: Learned | None = None) -> None:
        self.program, self.target, self.distribution = program, target, distribution
        self.library = library
        self.table = table
        self.kernel, self.runner, self.charge, self.left = kernel, runner, charge, left
        self.done = True
        answers = [runner(program, target.name, args) for args in target.inputs]
        if any(a.kind == "out-of-steps" for a in answers):
            return
        self.wanted = [_answer(a) for a in answers]
        kinds = {value_type(w) for w in self.wanted if w is not TRAP}
        if len(kinds) != 1 or None in kinds:
            return
        (self.result,) = kinds
        self.old_cost = sum(a.steps for a in answers)
        self.owed = 0
        fragments = library.fragments(table, lambda t, types: term_type(t, types, table)) if library else []
        self.enumerator = Enumerator(table, list(zip(target.params, target.types)), target.inputs,
                                     constants=literals(program.lookup(target.name).body), charge=self.owe,
                                     exclude=() if conditionals else ("if",), result=self.result, fragments=fragments)
        self.offers = library.offers(program, target.name, target.types) if library else []
        self.tried: set[str] = set()
        self.refuted = 0
        self.done = False
        self.enumerating = True
        self.spent = {"enumeration": 0, "lines": 0}  # steps each stage has charged
        self.restart()
        self.begin_lines()

    def size_limit(self) -> int:
        """The description length past which the search for this definition stops. A call of a
        straight-line term of k operations costs k + 1 steps, so only terms of fewer than
        (mean cost on the tests) - 1 operations can be cheaper, and such a term has at most
        3k + 1 nodes (an `if` has three arguments). Terms beyond that limit that would still be
        cheaper exist (a shared subterm is paid once, an `if` pays one branch), and are given
        up: the limit is the generator's choice, which lets it report `exhausted` for a cheap
        definition after little work (docs/machine.md, "Switching the search off honestly")."""
        inputs = len(self.enumerator.inputs)
        most_ops = math.ceil(self.old_cost / max(1, inputs)) - 2
        if most_ops < 1:
            return 0
        return min(MAX_WEIGHT, (3 * most_ops + 1) * max(self.enumerator.weight.values()))

    def restart(self) -> None:
        self.limit = self.size_limit()  # the tests (and so the definition's cost on them) changed
        self.stream = self.enumerator.terms(MAX_WEIGHT)
        self.pending: tuple[int, Any, str] | None = None

    def owe(self, steps: int) -> None:
        """The enumerator's charge: counted here and paid between terms (`settle`), so that a
        trial that ends while paying leaves the enumeration suspended, not closed."""
        self.owed += steps

    def settle(self) -> None:
        steps, self.owed = self.owed, 0
        if steps:
            self.pay("lines" if self.query is not None else "enumeration", steps)

    def pay(self, stage: str, steps: int) -> None:
        """Charge `steps` to the trial and count them to the stage."""
        self.spent[stage] += steps
        self.charge(steps)

    def stage_runner(self, stage: str) -> Runner:
        def runner(program: Program, name: str, args: tuple[Any, ...], fast: bool = True) -> Any:
            outcome = self.runner(program, name, args, fast)
            self.spent[stage] += outcome.steps
            return outcome
        return runner

    def advance(self, level: int) -> Switchprog | None:
        """Search up to description length `level`: the first proposal the kernel's check
        does not refute (the definition's search then ends for this solver), or None. The
        state changes only once a term is dealt with, so a trial's end (an exception from a
        charge) leaves the search where the next trial can go on."""
        if self.done:
            return None
        proposal = self.offered() if self.offers else None
        if proposal is None and not self.done and self.enumerating:
            proposal = self.enumerate(level)
        if proposal is None and not self.done and self.lines_open:
            proposal = self.advance_lines()
        if not self.enumerating and not self.lines_open:
            self.done = True
        return proposal

    def enumerate(self, level: int) -> Switchprog | None:
        target = self.target
        while not self.done:
            if self.pending is None:
                self.pending = next(self.stream, None)
                if self.pending is None:
                    self.settle()
                    self.enumerating = False
                    return None
            self.settle()
            weight, entry, kind = self.pending
            if weight > self.limit:  # no term from here on is cheaper, as far as size tells
                self.enumerating = False
                return None
            if weight > level:
                return None
            if kind != self.result or not answers_as(entry.values, self.wanted):
                self.pending = None
                continue
            body = shared(entry.term, target.params)
            text = show(body)
            if text in self.tried:
                self.pending = None
                continue
            switchprog: Switchprog = {"definitions": [definition(target.name, target.params, body)]}
            candidate = replace_definitions(self.program, switchprog)
            run = self.stage_runner("enumeration")
            cost = sum(run(candidate, target.name, args).steps for args in self.enumerator.inputs)
            if cost >= self.old_cost:  # cheaper on the tests, or of no use
                self.tried.add(text)
                self.pending = None
                continue
            counterexample = check(self.kernel, self.program, candidate, target, self.distribution,
                                   lambda n: self.pay("enumeration", n), self.left, self.library)
            if counterexample is None:
                self.done = True
                return {**switchprog, "cost": cost, "summary": f"{target.name}: -> {clipped(text)}"}
            self.tried.add(text)
            if self.refute(counterexample):
                self.restart()
        return None

    def offered(self) -> Switchprog | None:
        """The library's offers for this definition, before any term is enumerated: an
        entry's new code, if cheaper on the tests, with the entry's lemma instantiated for the
        two programs (its certificate replayed by the kernel, charged), or, if the replay is
        refused, checked by the kernel as a found term is. An offer is dropped only once dealt
        with, so a trial's end leaves it to the next."""
        target = self.target
        while self.offers and not self.done:
            offer = self.offers[0]
            switchprog: Switchprog = {"definitions": [offer.definition]}
            candidate = replace_definitions(self.program, switchprog)
            run = self.stage_runner("enumeration")
            cost = sum(run(candidate, target.name, args).steps for args in self.enumerator.inputs)
            counterexample = None
            if cost < self.old_cost:
                charge = lambda n: self.pay("enumeration", n)  # noqa: E731
                assert self.library is not None
                if self.library.instantiate(offer.entry, self.program, candidate, target.name, self.left, charge) is None:
                    counterexample = check(self.kernel, self.program, candidate, target, self.distribution, charge, self.left,
                                           self.library)
            self.offers.pop(0)
            self.tried.add(offer.text)
            if cost >= self.old_cost:
                continue
            if counterexample is None:
                self.done = True
                return {**switchprog, "cost": cost,
                        "summary": f"{target.name}: -> {clipped(offer.text, 50)}, from library entry {offer.entry.id[:8]}"}
            if self.refute(counterexample):
                self.restart()
        return None

    def refute(self, counterexample: tuple[Any, ...]) -> bool:
        """The counterexample joins the tests (and the component examples); False (and the
        search ends) past `MAX_REFUTED`."""
        answer = self.runner(self.program, self.target.name, counterexample)
        self.refuted += 1
        if self.refuted > MAX_REFUTED:
            self.done = True
            return False
        self.enumerator.add_input(counterexample)
        self.wanted.append(_answer(answer))
        self.old_cost += answer.steps
        self.examples.append((tuple(counterexample), self.wanted[-1]))
        return True

    # --- component-based synthesis: straight-line programs of words -----------------------

    def begin_lines(self) -> None:
        """For a definition of words (one to three word parameters, a word or boolean answer):
        the component library, and the first examples, spread over the tests (CEGIS adds the
        tests a program fails, then the kernel's counterexamples)."""
        self.words = components.library(self.table, uses=frozenset(operators(self.program.lookup(self.target.name).body)))
        self.top = components.library(self.table, result="bool") if self.result == "bool" else []
        self.lines_open = set(self.target.types) == {"word"} and self.result in ("word", "bool")
        self.asked: dict[int, int] = {}  # program length -> the largest budget Z3 answered unknown within
        self.settled: set[int] = set()  # lengths with no program (unsat) or given up (unknown at LINES_RLIMIT)
        self.query: tuple[int, components.Outcome, bool] | None = None  # a query's outcome, not yet paid for
        self.found: tuple | None = None  # a program Z3 found, not yet dealt with
        answered = [(i, w) for i, w in zip(self.enumerator.inputs, self.wanted) if w is not TRAP]
        spread = max(1, len(answered) // FIRST_EXAMPLES)
        self.examples = answered[::spread][:FIRST_EXAMPLES]

    def most_lines(self) -> int:
        """The longest program that can be cheaper: a call of n operations costs n + 1 steps."""
        most_ops = math.ceil(self.old_cost / max(1, len(self.enumerator.inputs))) - 2
        return min(MAX_LINES, most_ops)

    def advance_lines(self) -> Switchprog | None:
        """Ask Z3 for a program that fits the examples, for the open length whose next budget
        is least (LINES_BASE at first, four times more after each unknown, a length given up
        unknown at LINES_RLIMIT; a length with no program is settled); check one it finds on
        every test (the first it fails joins the examples), then by the kernel (a
        counterexample joins the examples and the tests). A query cut short by the trial's end
        is asked again in a later trial. Their share of the time gates the queries (the
        class's docstring), not the level of description length."""
        target = self.target
        while not self.done and self.lines_open:
            if self.found is not None:  # a program being checked when a trial ended
                proposal = self.try_lines(self.found)
                self.found = None
                if proposal is not None:
                    return proposal
                continue
            if self.query is None:
                open_lengths = [n for n in range(MIN_LINES, self.most_lines() + 1) if n not in self.settled]
                if not open_lengths:
                    self.lines_open = False
                    return None
                lines = min(open_lengths, key=lambda n: (self.asked.get(n, LINES_BASE // 4) * 4, n))
                wanted = min(LINES_RLIMIT, self.asked.get(lines, LINES_BASE // 4) * 4)
                if self.enumerating and self.spent["lines"] + wanted > self.spent["enumeration"]:
                    return None  # the enumeration's turn
                budget = wanted if self.left is None else min(wanted, self.left())
                if budget < LINES_MIN:  # (an rlimit of 0 is none at all): end the trial, go on in the next
                    self.charge(budget + 1)
                outcome = components.synthesize(target.params, self.examples, self.words, lines, self.top, budget)
                self.query = (lines, outcome, budget < wanted)
                self.owe(outcome.rlimit_used)
            self.settle()
            (lines, outcome, cut), self.query = self.query, None
            if outcome.term is None:
                if outcome.status == "none":
                    self.settled.add(lines)
                elif not cut:
                    self.asked[lines] = min(LINES_RLIMIT, self.asked.get(lines, LINES_BASE // 4) * 4)
                    if self.asked[lines] >= LINES_RLIMIT:
                        self.settled.add(lines)
                continue
            self.found = outcome.term
        return None

    def try_lines(self, term: tuple) -> Switchprog | None:
        target = self.target
        body = shared(term, target.params)
        text = show(body)
        switchprog: Switchprog = {"definitions": [definition(target.name, target.params, body)]}
        candidate = replace_definitions(self.program, switchprog)
        run = self.stage_runner("lines")
        runs = [run(candidate, target.name, args) for args in self.enumerator.inputs]
        failed = next((i for i, (r, w) in enumerate(zip(runs, self.wanted)) if not answers_as([_answer(r)], [w])), None)
        if failed is not None:
            self.examples.append((self.enumerator.inputs[failed], self.wanted[failed]))
            return None
        cost = sum(r.steps for r in runs)
        if cost >= self.old_cost:  # longer programs cost more still
            self.lines_open = False
            return None
        counterexample = check(self.kernel, self.program, candidate, target, self.distribution,
                               lambda n: self.pay("lines", n), self.left, self.library)
        if counterexample is None:
            self.done = True
            return {**switchprog, "cost": cost, "summary": f"{target.name}: -> {clipped(text)}"}
        self.tried.add(text)
        if self.refute(counterexample) and self.enumerating:
            self.restart()
        return None


def _answer(outcome: Any) -> Any:
    return outcome.value if outcome.kind == "value" else TRAP


def check(kernel: Kernel, old: Program, new: Program, target: Target, distribution: Distribution | None,
          charge: Callable[[int], None], left: Callable[[], int] | None = None,
          library: Learned | None = None) -> tuple[Any, ...] | None:
    """A counterexample to the candidate (no new traps, the same results), or None when the
    kernel proves both or cannot decide within its budget (the technique's proof decides).
    With `left` (what is left of the trial) the query's budget stays within it, since a charge
    past the trial's end would not be paid; one that the trial's end cut short ends the trial
    (the charge raises), and the candidate is checked again in full in a later one. With
    `library`, the same results are proved from the entries' lemmas where the old definition
    holds their old code (`Learned.folded_obligation`) before Z3 is asked alone."""
    extra = support_condition(distribution) if distribution is not None else None
    for kind in ("no-new-traps", "same-results"):
        rlimit = CHECK_RLIMIT if left is None else min(CHECK_RLIMIT, left())
        if rlimit < LINES_MIN:  # (an rlimit of 0 is none at all)
            charge(rlimit + 1)
        try:
            goal, needed = obligation_goal(kind, kernel, Solver(old, target.name, target.types),
                                           Solver(new, target.name, target.types), extra)
            if library is not None and kind == "same-results" and library.folded_obligation(
                    goal, Solver(old, target.name, target.types), Solver(new, target.name, target.types),
                    lambda call: library.charged(charge, call), lambda wanted: min(wanted, rlimit)) is not None:
                continue
            theorem = kernel.smt(goal, needed, rlimit)
            charge(theorem.cost)
        except Refused as refusal:
            charge(refusal.cost)
            if refusal.status == "unknown" and rlimit < CHECK_RLIMIT and refusal.reason.startswith("budget exhausted"):
                charge((left() if left is not None else 0) + 1)  # cut short by the trial's end
            if refusal.status != "refuted" or not refusal.counterexample:
                return None
            return inputs_of(refusal.counterexample, target.types)
    return None


def inputs_of(counterexample: Iterable[tuple[str, str]], types: Sequence[str]) -> tuple[Any, ...] | None:
    """The counterexample's values of x0, x1, ... (the obligation's variables), as values."""
    values: dict[int, Any] = {}
    for name, text in counterexample:
        base = name.rsplit(".", 1)[-1]
        if base.startswith("x") and base[1:].isdigit() and int(base[1:]) < len(types):
            values[int(base[1:])] = value_of(text, types[int(base[1:])])
    return tuple(values[i] for i in range(len(types))) if len(values) == len(types) else None


def operators(body: Any) -> Iterator[str]:
    """The primitives the definition's code applies."""
    for e in nodes(body):
        if type(e) is PrimCall:
            yield e.prim.name


def literals(body: Any) -> dict[str, list[Any]]:
    """The constants the definition's code uses, by type (the grammar's extra constants)."""
    found: dict[str, list[Any]] = {t: [] for t in SCALARS}
    for e in nodes(body):
        if type(e) is Lit:
            t = value_type(e.value)
            if t is not None and e.value not in found[t]:
                found[t].append(e.value)
    return found


def nodes(e: Any) -> Iterator[Any]:
    """Every node of an expression, the expression first."""
    yield e
    for child in children(e):
        yield from nodes(child)
