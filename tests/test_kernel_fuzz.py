"""The kernel fuzzer: random rule applications, as an adversarial tactic would make them,
must never reach `false` (issue 20).

A hypothesis state machine holds a pool of theorems and applies the kernel's public rules to
random well-sorted terms: terms built from the pool's own subterms (bound variables become
free symbols, applications are re-applied at other argument sorts and arities), constants,
and names chosen to clash (`x`, `y`, `cex.x`, `x!1`, `s.loop1`, the pool's bound names).
The rules: smt (small budgets), instantiate, conjoin, conjunct, modus_ponens, induction,
definition of small programs at several type signatures (one whose loop is shadowed by a
function named like it, one whose loop body depends on a type decided statically),
evaluation at random points (ill-typed ones and ones of the wrong length too), and
expect_bound with random relations (and expect_finite, which states the exact mean).

After every example: no theorem states `false`, Z3 does not prove `false` from the pool's
statements (given to it directly, without the kernel's rewriting), and the certificate of
the whole pool replays with a fresh kernel to the same statement or is refused cleanly. A
kernel rule may refuse, never raise anything but `Refused`.

In the suite it runs SUITE_EXAMPLES examples of up to STEPS rules (derandomized);
`python -m benchmarks kernel_fuzz` runs it longer. KERNEL_FUZZ_RULES=smt,instantiate,...
restricts the rules; with that and the module's NAMES, FUNCTIONS and REPLAY set, it was run
against main's kernel to measure how many examples each hole of issue 20 took to be found.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any, Callable, Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word
from godelmachine.logic.axioms import load_axioms
from godelmachine.logic.certificates import certificate, check_certificate
from godelmachine.logic.kernel import Kernel, Refused, Theorem, induction_goals, monomial, support
from godelmachine.logic.smt import SmtResult, prove
from godelmachine.logic.terms import (
    BOOL,
    BUILTINS,
    BV32,
    FALSE,
    INT,
    REAL,
    SortError,
    Term,
    app,
    const,
    exists,
    forall,
    mk,
    subterms,
    sym,
)

SUITE_EXAMPLES = 300
STEPS = 15
RLIMIT = 100_000
CHECK_RLIMIT = 100_000

ENVIRONMENT = """(class environment)
(distribution instance ((n Int)) (finite ((/ 1 2) 0) ((/ 1 2) 1)))
(declare-fun reward-of (Int Int) Real)
(axiom reward-is-output (forall ((n Int) (y Int)) (= (reward-of n y) (to_real y))))
"""

PROGRAMS = [Program.from_source(text) for text in (
    "(define (f x) (if (int? x) 1 2))",  # its value depends on its parameter's type
    "(define (g a b) (+ a b))",
    # a loop, and functions named like its symbols (f.loop1 was the loop's name on main)
    "(define (s n) (for (i 1 n) (acc 0) (+ acc i)))\n(define (|s.loop1| a b c) 7)\n(define (|s@int@loop1| a b c) 7)",
    # a loop whose body depends on a type test decided before the loop
    "(define (h x n) (let ((t (if (int? x) 'a 'b))) (for (i 1 n) (acc 0) (if (= t 'a) (+ acc 1) (+ acc 2)))))",
    "(define (r n) n)\n(define (c n) (if (= n 0) 5 (+ 5 1)))",
)]
FUNCTIONS = [(p, name) for p in PROGRAMS for name in p.names()]
ONE_INT = [(p, name) for p, name in FUNCTIONS if len(p.lookup(name).params) == 1]
TYPES = ["int", "int", "word", "bool"]
NAMES = ["x", "y", "k", "n", "b", "cex.x", "cex.y", "x!1", "y!1", "s.loop1"]
CONSTANTS = {INT: [0, 1, 2, -1, 7], BOOL: [True, False], BV32: [0, 1, 2**32 - 1], REAL: [0, Fraction(1, 2), 1]}
RELATIONS = ["<=", ">=", "=", "<", ">", "distinct", "distinct", "bvule"]
ENABLED = set(filter(None, os.environ.get("KERNEL_FUZZ_RULES", "").split(",")))
REPLAY = True  # replay the pool's certificate after each example


class MemoProver:
    """Z3 (smt.prove), remembering answers: the same query gets Z3's same answer, and replay
    re-asks nothing it was asked already (a query costs ~25 ms here, mostly the fresh context)."""

    def __init__(self) -> None:
        self.answers: dict[tuple, SmtResult] = {}

    def __call__(self, premises: Sequence[Term], goal: Term, rlimit: int) -> SmtResult:
        key = (tuple(premises), goal, rlimit)
        if key not in self.answers:
            self.answers[key] = prove(premises, goal, rlimit)
        return self.answers[key]


PROVER = MemoProver()
STATS: dict[str, int] = {}


def count(what: str) -> None:
    STATS[what] = STATS.get(what, 0) + 1


def enabled(name: str) -> Callable[[Any], bool]:
    return lambda self: not ENABLED or name in ENABLED


class KernelFuzz(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        count("examples")
        self.kernel = Kernel(load_axioms(shipped=False, generated=[("fuzz-environment.axioms", ENVIRONMENT)]), rlimit=RLIMIT, prover=PROVER)
        self.pool: list[Theorem] = []

    # --- drawing terms ------------------------------------------------------------------

    def subterms_of(self, sort: str) -> list[Term]:
        """The pool's subterms of this sort (once each, in the order found), constants and
        quantified formulas left out."""
        found: dict[Term, None] = {}
        for t in self.pool:
            found.update((s, None) for s in subterms(t.statement) if s.sort == sort and s.kind in ("sym", "app"))
        return list(found)

    def bound_names(self) -> list[str]:
        return sorted({n for t in self.pool for s in subterms(t.statement) if s.kind in ("forall", "exists") for n, _ in s.name})

    def signatures(self, sort: str) -> list[tuple[str, tuple[str, ...]]]:
        """(name, argument sorts) of the pool's declared functions with this result sort."""
        return sorted({(s.name, tuple(a.sort for a in s.args)) for t in self.pool for s in subterms(t.statement)
                       if s.kind == "app" and s.name not in BUILTINS and s.sort == sort})

    def term(self, data: Any, sort: str, depth: int = 2, scope: Sequence[tuple[str, str]] = ()) -> Term:
        """A random term of `sort`: an operator, a variable of `scope` (often), a clashing
        name, a pool subterm, a constant, or a pool function re-applied (at any of its
        signatures, sometimes with an argument too few)."""
        in_scope = [n for n, s in scope if s == sort]
        kinds = ["op"] * 3 * (depth > 0) + ["scope"] * 3 * bool(in_scope) + ["name", "name", "pool", "const"] + \
            ["reapply"] * (depth > 0)
        kind = data.draw(st.sampled_from(kinds))
        if kind == "scope":
            return sym(data.draw(st.sampled_from(in_scope)), sort)
        if kind == "name":
            return sym(data.draw(st.sampled_from(self.clashing([n for n, _ in scope]))), sort)
        if kind == "pool" and (found := self.subterms_of(sort)):
            return data.draw(st.sampled_from(found))
        if kind == "reapply" and (signature := self.reapplied(data, sort)):
            name, sorts = signature
            return app(name, [self.term(data, s, depth - 1, scope) for s in sorts], sort)
        if kind in ("op", "reapply") and depth > 0:
            try:
                return self.operator(data, sort, depth, scope)
            except SortError:
                pass
        return const(data.draw(st.sampled_from(CONSTANTS[sort])), sort)

    def reapplied(self, data: Any, sort: str) -> tuple[str, tuple[str, ...]] | None:
        """A pool function and argument sorts to apply it at: often a function the pool uses
        at several signatures (a program's function defined at two types), sometimes with
        its last argument dropped."""
        signatures = self.signatures(sort)
        if not signatures:
            return None
        overloaded = [s for s in signatures if sum(n == s[0] for n, _ in signatures) > 1]
        name, sorts = data.draw(st.sampled_from(overloaded if overloaded and data.draw(st.integers(0, 3)) else signatures))
        if sorts and data.draw(st.integers(0, 4)) == 0:
            sorts = sorts[:-1]
        return name, sorts

    def clashing(self, scope: Sequence[str]) -> list[str]:
        """Names that clash: the variables in scope, the names the kernel would make from
        them (cex.x for a counterexample, x!1 for a renaming), fixed ones and the pool's
        bound names."""
        return [*scope, *(f"cex.{v}" for v in scope), *(f"{v}!1" for v in scope), *NAMES, *self.bound_names()]

    def operator(self, data: Any, sort: str, depth: int, scope: Sequence[tuple[str, str]]) -> Term:
        sub = lambda s: self.term(data, s, depth - 1, scope)  # noqa: E731
        if sort == BOOL:
            op = data.draw(st.sampled_from(["<", "=", "distinct", "<=", "and", "or", "not", "=>", "bvult"]))
            if op in ("and", "or", "=>"):
                return mk(op, sub(BOOL), sub(BOOL))
            if op == "not":
                return mk(op, sub(BOOL))
            if op == "bvult":
                return mk(op, sub(BV32), sub(BV32))
            side = data.draw(st.sampled_from([INT, INT, REAL] + ([BV32, BOOL] if op in ("=", "distinct") else [])))
            return mk(op, sub(side), sub(side))
        if sort in (INT, REAL):
            op = data.draw(st.sampled_from(["+", "-", "*", "ite"] + (["to_real"] if sort == REAL else [])))
            if op == "ite":
                return mk(op, sub(BOOL), sub(sort), sub(sort))
            if op == "to_real":
                return mk(op, sub(INT))
            return mk(op, sub(sort), sub(sort))
        return mk(data.draw(st.sampled_from(["bvadd", "bvand"])), sub(sort), sub(sort))

    def formula(self, data: Any) -> Term:
        """A goal: a quantifier prefix over clashing names, then either a relation between
        two atoms (the shape in which names clash) or a random Bool term over them."""
        prefix = data.draw(st.sampled_from([["forall", "exists"], ["forall"], ["exists"], ["forall", "exists"], [],
                                            ["forall", "forall"], ["exists", "forall"]]))
        variables = [(data.draw(st.sampled_from(NAMES[:3] + self.bound_names())), data.draw(st.sampled_from([INT, INT, INT, BOOL])))
                     for _ in prefix]
        if data.draw(st.booleans()):
            relation = data.draw(st.sampled_from(["<", "distinct", "=", "<="]))
            first = self.atom(data, INT, variables, reapply=data.draw(st.booleans()))
            second = self.atom(data, INT, variables) if data.draw(st.booleans()) else \
                const(data.draw(st.sampled_from(CONSTANTS[INT])), INT)
            body = mk(relation, first, second)
        else:
            body = self.term(data, BOOL, data.draw(st.sampled_from([1, 1, 2])), variables)
        for q, v in reversed(list(zip(prefix, variables))):
            body = (forall if q == "forall" else exists)([v], body)
        return body

    def atom(self, data: Any, sort: str, scope: Sequence[tuple[str, str]], reapply: bool = False) -> Term:
        """A variable in scope, a name made from one (cex.x, x!1), a pool function
        re-applied, or any term."""
        in_scope = [n for n, s in scope if s == sort]
        derived = [f"{prefix}{n}{suffix}" for n, _ in scope for prefix, suffix in (("cex.", ""), ("", "!1"))]
        kind = "reapply" if reapply else data.draw(st.sampled_from(["scope", "scope", "derived", "derived", "reapply", "any"]))
        if kind == "scope" and in_scope:
            return sym(data.draw(st.sampled_from(in_scope)), sort)
        if kind == "derived" and derived:
            return sym(data.draw(st.sampled_from(derived)), sort)
        if kind == "reapply" and (signature := self.reapplied(data, sort)):
            name, sorts = signature
            other = [self.atom(data, s, scope) if s == INT else self.term(data, s, 0, scope) for s in sorts]
            return app(name, other, sort)
        return self.term(data, sort, 0, scope)

    def theorem(self, data: Any) -> Theorem:
        return data.draw(st.sampled_from(self.pool))

    def add(self, make: Callable[[], Theorem], rule_name: str) -> Theorem | None:
        """Apply a rule: a theorem joins the pool; Refused is fine; anything else is a bug."""
        try:
            made = make()
        except Refused:
            count(f"{rule_name} refused")
            return None
        count(f"{rule_name} made")
        assert made.statement is not FALSE, f"{rule_name} made false"
        if all(t.statement is not made.statement for t in self.pool):
            self.pool.append(made)
        return made

    # --- the rules ------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        self.pool.append(self.kernel.axiom("reward-is-output"))

    @precondition(enabled("definition"))
    @rule(data=st.data())
    def definition(self, data: Any) -> None:
        defined = [(p, n) for p, n in FUNCTIONS for t in self.pool
                   if t.rule == "definition" and t.arg("program") == p.digest and t.arg("function") == n]
        program, name = data.draw(st.sampled_from(defined if defined and data.draw(st.booleans()) else FUNCTIONS))
        types = [data.draw(st.sampled_from(TYPES)) for _ in program.lookup(name).params]  # often another signature
        self.add(lambda: self.kernel.definition(program, name, types), "definition")

    @precondition(enabled("evaluation"))
    @rule(data=st.data())
    def evaluation(self, data: Any) -> None:
        program, name = data.draw(st.sampled_from(FUNCTIONS))
        arity = len(program.lookup(name).params) + data.draw(st.sampled_from([0, 0, 0, 1, -1]))
        types = [data.draw(st.sampled_from(TYPES)) for _ in range(max(0, arity))]
        typed = {"int": st.integers(-3, 3), "bool": st.booleans(), "word": st.integers(0, 3).map(Word)}
        value = st.one_of(*typed.values())
        point = st.tuples(*(typed[t] for t in types)).map(list) | st.lists(value, min_size=len(types), max_size=len(types) + 1)
        points = data.draw(st.lists(point, min_size=1, max_size=2))
        self.add(lambda: self.kernel.evaluation(program, name, types, points, budget=2_000), "evaluation")

    @precondition(enabled("smt"))
    @rule(data=st.data())
    def smt(self, data: Any) -> None:
        goal = self.formula(data)
        premises = data.draw(st.lists(st.sampled_from(self.pool), max_size=3, unique_by=id)) if self.pool else []
        used = {t.name for t in subterms(goal) if t.kind == "app"}
        defining = [t for t in self.pool if t.rule in ("definition", "evaluation")
                    and any(s.kind == "app" and s.name in used for s in subterms(t.statement))]
        if defining and data.draw(st.booleans()):  # the definitions of the goal's functions, as a tactic gives them
            premises = defining[-3:]
        lemma = self.add(lambda: self.kernel.smt(goal, premises), "smt")
        if lemma is not None and lemma.statement.kind == "forall" and data.draw(st.booleans()):
            self.instantiate_at(data, lemma)  # a lemma, used at once (as a tactic uses one)

    @precondition(lambda self: enabled("instantiate")(self) and any(t.statement.kind == "forall" for t in self.pool))
    @rule(data=st.data())
    def instantiate(self, data: Any) -> None:
        candidates = [t for t in self.pool if t.statement.kind == "forall"]
        nested = [t for t in candidates if any(s.kind in ("forall", "exists") for s in subterms(t.statement.args[0]))]
        self.instantiate_at(data, data.draw(st.sampled_from(nested if nested and data.draw(st.integers(0, 3)) else candidates)))

    def instantiate_at(self, data: Any, theorem: Theorem) -> None:
        """Instantiate with terms that are mostly names bound inside the statement."""
        variables, body = theorem.statement.name, theorem.statement.args[0]
        inner = sorted({n for t in subterms(body) if t.kind in ("forall", "exists") for n, _ in t.name})
        clashing = inner or self.clashing([n for n, _ in variables])
        terms = [sym(data.draw(st.sampled_from(clashing)), s) if data.draw(st.sampled_from([True, True, True, False]))
                 else self.term(data, s, 1) for _, s in variables[:data.draw(st.integers(1, len(variables)))]]
        self.add(lambda: self.kernel.instantiate(theorem, terms), "instantiate")

    @precondition(lambda self: enabled("conjoin")(self) and len(self.pool) >= 2)
    @rule(data=st.data())
    def conjoin(self, data: Any) -> None:
        parts = data.draw(st.lists(st.sampled_from(self.pool), min_size=2, max_size=3))
        self.add(lambda: self.kernel.conjoin(*parts), "conjoin")

    @precondition(lambda self: enabled("conjunct")(self) and bool(self.pool))
    @rule(data=st.data())
    def conjunct(self, data: Any) -> None:
        theorem = self.theorem(data)
        index = data.draw(st.integers(0, 3))
        self.add(lambda: self.kernel.conjunct(theorem, index), "conjunct")

    @precondition(lambda self: enabled("modus_ponens")(self) and bool(self.pool))
    @rule(data=st.data())
    def modus_ponens(self, data: Any) -> None:
        implication, antecedent = self.theorem(data), self.theorem(data)
        self.add(lambda: self.kernel.modus_ponens(implication, antecedent), "modus_ponens")

    @precondition(enabled("induction"))
    @rule(data=st.data())
    def induction(self, data: Any) -> None:
        variable = data.draw(st.sampled_from(["k", "x", "cex.k"]))
        predicate = self.term(data, BOOL, 2, [(variable, INT)])
        premises = data.draw(st.lists(st.sampled_from(self.pool), max_size=2, unique_by=id)) if self.pool else []
        try:
            base_goal, step_goal, _ = induction_goals(predicate, variable)
        except SortError:
            return
        base = self.add(lambda: self.kernel.smt(base_goal, premises), "smt")
        step = self.add(lambda: self.kernel.smt(step_goal, premises), "smt")
        if base is not None and step is not None:
            self.add(lambda: self.kernel.induction(predicate, variable, base, step), "induction")

    @precondition(enabled("expect_bound"))
    @rule(data=st.data())
    def expect_bound(self, data: Any) -> None:
        """A pointwise bound g(n) R p(n) on the support {0, 1}, where p is the line through
        g's own values, or through them swapped or shifted (the bounds a tactic tries)."""
        program, name = data.draw(st.sampled_from(ONE_INT))
        kind = data.draw(st.sampled_from(["cost", "reward"]))
        relation = data.draw(st.sampled_from(RELATIONS))
        values = []
        for n in (0, 1):
            outcome = run(program, name, (n,), budget=1_000)
            ok = outcome.kind == "value" and type(outcome.value) is int
            values.append(Fraction(outcome.steps) if kind == "cost" else Fraction(outcome.value if ok else 0))
        shape = data.draw(st.sampled_from(["exact", "swapped", "shifted"]))
        if shape == "swapped":
            values.reverse()
        elif shape == "shifted":
            values = [v + data.draw(st.sampled_from([-1, 1])) for v in values]
        coefficients = [((0,), values[0]), ((1,), values[1] - values[0])]
        types = ["int"]
        try:
            dist = self.kernel.instance(types)
            _, integrand = self.kernel.target(program, name, types, kind)
            polynomial = mk("+", *(mk("*", const(c, REAL), monomial(dist, m)) for m, c in coefficients))
            pointwise_goal = forall(dist.variables, mk("=>", support(dist), mk(relation, integrand, polynomial)))
        except (Refused, SortError):
            return
        premises = [self.kernel.definition(program, name, types), self.kernel.axiom("reward-is-output")]
        pointwise = self.add(lambda: self.kernel.smt(pointwise_goal, premises), "smt")
        if pointwise is not None:
            self.add(lambda: self.kernel.expect_bound(program, name, types, kind, relation, coefficients, pointwise),
                     "expect_bound")
            self.add(lambda: self.kernel.expect_finite(program, name, types, kind), "expect_finite")

    # --- what must hold -------------------------------------------------------------------

    def teardown(self) -> None:
        if not self.pool:
            return
        statements = [t.statement for t in self.pool]
        assert FALSE not in statements
        verdict = prove(statements, FALSE, CHECK_RLIMIT)
        assert verdict.status != "proved", "Z3 proves false from the pool:\n" + "\n".join(str(t) for t in self.pool)
        if not REPLAY:
            return
        programs = {p.digest: p for p in PROGRAMS}
        whole = self.kernel.conjoin(*self.pool)
        try:
            cert = certificate(whole)
        except (SortError, ValueError):  # a statement SMT-LIB cannot write (a name at two sorts)
            count("certificate not writable")
            return
        fresh = Kernel(self.kernel.axioms, rlimit=RLIMIT, prover=PROVER)
        try:
            again = check_certificate(fresh, cert, programs)
        except Refused:
            count("replay refused")
            return
        assert again.statement is whole.statement, "the certificate replays to another statement"
        count("replayed")


KernelFuzz.TestCase.settings = settings(max_examples=SUITE_EXAMPLES, stateful_step_count=STEPS, deadline=None,
                                        suppress_health_check=list(HealthCheck))
TestKernelFuzz = KernelFuzz.TestCase
