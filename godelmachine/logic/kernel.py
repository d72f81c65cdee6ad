"""The trusted kernel: the only code that makes theorems.

A `Theorem` can be made only by the rules below (see the class for what Python enforces).
Each theorem carries its statement, the rule that made it, its premises, the axioms it rests
on, the arguments the rule needs to check it again, and what it cost on the machine's clock.
A rule that cannot make its theorem raises `Refused`, naming the rule and the reason, with
Z3's counterexample when there is one. `unknown` or an exhausted budget is a refusal, never
a proof.

    axiom            |- A                      A is in the loaded axiom set
    smt              P1 ... Pn |- G            Z3: P1 & ... & Pn & not G is unsat (on a budget)
    instantiate      forall x. A |- A[x := t]
    conjoin          A, B |- A & B
    conjunct         A1 & ... & An |- Ai
    modus_ponens     A => B, A |- B
    induction        |- P(0), |- forall k >= 0. P(k) => P(k+1)  |- forall k >= 0. P(k)
    definition       |- the defining equations of a program's function (symbolic semantics)
    evaluation       |- P.f.ok/val/cost at each point of a finite domain (the interpreter)
    state2theorem    |- a fact read off the machine's state (clock, share, lifetime, exhausted)
    expect_bound     forall x in supp. g(x) R p(x) |- mean(g) R E[p]   (R in <=, >=, =, <, >; p a
                     combination of powers and indicators of the instance variables)
    expect_finite    |- mean(g) = sum_i w_i g(x_i)                  (a finite support)
    expect_monotone  forall x in supp. g1(x) <= g2(x) |- mean(g1) <= mean(g2)
    max_cost_bound   forall x in supp. cost(x) <= c |- max-cost <= c

`smt` first rewrites the goal and the other premises with the equations of the definitions
among its premises (an exact rewrite: the definitions prove each term and its rewriting
equivalent), so that Z3 sees the programs' terms, simplified, rather than having to
instantiate quantified definitions; those equations are then not sent to Z3 (the loop
definitions of a definition still are). docs/logic.md lists each rule's side conditions and
the freshness of names the kernel relies on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Sequence

from godelmachine.logic.axioms import AxiomSet, Distribution
from godelmachine.logic.semantics import (
    SORTS,
    FunctionSemantics,
    Unsupported,
    define_function,
    function_base,
    symbol_base,
)
from godelmachine.logic.smt import DEFAULT_RLIMIT, SmtResult, prove
from godelmachine.logic.terms import (
    BOOL,
    BUILTINS,
    BV32,
    FALSE,
    INT,
    REAL,
    TRUE,
    Add,
    And,
    Eq,
    Implies,
    Ite,
    Le,
    Mul,
    Or,
    Term,
    ToReal,
    ambiguous,
    app,
    const,
    forall,
    free_symbols,
    int_,
    mk,
    quantified_body,
    real,
    smtlib,
    substitute,
    sym,
)

# The clock's exchange rate for prover work: one step per this many units of Z3's
# deterministic resource count (`rlimit count`).
RLIMIT_PER_STEP = 1

class Theorem:
    """|- statement, made only by a kernel rule (through `_theorem`), with the rule, its
    premises, the axioms it rests on, the rule's arguments and its cost on the clock.

    What Python enforces: calling Theorem(...), subclassing it, assigning or deleting an
    attribute, copy.copy, copy.deepcopy, pickle and dataclasses.replace all raise, so no
    ordinary route makes a Theorem of a statement that no rule made. What it cannot: code
    that sets out to forge one with object.__new__(Theorem) and object.__setattr__ (as
    `_theorem` does), or through gc, ctypes or the interpreter's internals. As in
    knuckledragger's kernel, the guard is against mistakes and search code that uses the
    kernel's API, not against code that breaks Python's object model; the check that needs
    no trust in Python objects is the certificate, replayed by a fresh kernel."""

    __slots__ = ("statement", "rule", "premises", "axioms", "args", "cost", "__weakref__")
    statement: Term
    rule: str
    premises: tuple["Theorem", ...]
    axioms: frozenset[str]
    args: tuple[tuple[str, Any], ...]
    cost: int

    def __new__(cls, *args: Any, **kwargs: Any) -> "Theorem":
        raise TypeError("a Theorem is made only by a kernel rule")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        raise TypeError("Theorem cannot be subclassed: a Theorem is made only by a kernel rule")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("theorems are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("theorems are immutable")

    def __copy__(self) -> "Theorem":
        raise TypeError("a Theorem is not copied: use the same object (it is immutable)")

    def __deepcopy__(self, memo: Any) -> "Theorem":
        raise TypeError("a Theorem is not copied: use the same object (it is immutable)")

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("a Theorem is not pickled: write its certificate and replay it")

    def arg(self, name: str) -> Any:
        return dict(self.args)[name]

    def __str__(self) -> str:
        return f"|- {smtlib(self.statement)}   [{self.rule}]"

    def __repr__(self) -> str:
        return f"Theorem({smtlib(self.statement)!r}, rule={self.rule!r})"


class Refused(Exception):
    """A rule did not make its theorem: status `refuted`, `unknown` or `invalid`."""

    def __init__(self, rule: str, status: str, reason: str, counterexample: tuple = (), cost: int = 0) -> None:
        super().__init__(f"{rule}: {status}: {reason}")
        self.rule = rule
        self.status = status
        self.reason = reason
        self.counterexample = counterexample
        self.cost = cost


# The rules drawn at the top, the only names a theorem's `rule` can hold: certificate replay has one
# function for each (tests/test_registries.py checks both, and that the code uses no other).
RULES = ("axiom", "smt", "instantiate", "conjoin", "conjunct", "modus_ponens", "induction", "definition",
         "evaluation", "state2theorem", "expect_bound", "expect_finite", "expect_monotone", "max_cost_bound")


def _theorem(statement: Term, rule: str, premises: Sequence[Theorem], args: dict[str, Any], cost: int = 0,
             axioms: frozenset[str] = frozenset()) -> Theorem:
    if rule not in RULES:
        raise AssertionError(f"{rule!r} is not a kernel rule (kernel.RULES)")
    rests_on = axioms.union(*(p.axioms for p in premises)) if premises else axioms
    theorem = object.__new__(Theorem)
    for name, value in (("statement", statement), ("rule", rule), ("premises", tuple(premises)),
                        ("axioms", rests_on), ("args", tuple(args.items())), ("cost", cost)):
        object.__setattr__(theorem, name, value)
    return theorem


def steps_for(rlimit_used: int) -> int:
    return -(-rlimit_used // RLIMIT_PER_STEP)


@dataclass
class StateReading:
    """What state2theorem reports: reading number, field and value."""

    reading: int
    field: str
    value: Any

    @classmethod
    def parse(cls, reading: int, field: str, text: str) -> "StateReading":
        """A reading from its record (a certificate node's arguments): the value as `_state_fact`
        wrote it, str() of a Fraction, an int or a bool (ValueError for any other text)."""
        if field == "share":
            return cls(reading, field, Fraction(text))
        if field == "exhausted":
            if text not in ("True", "False"):
                raise ValueError(f"an exhausted reading is True or False, not {text!r}")
            return cls(reading, field, text == "True")
        return cls(reading, field, int(text))


class Kernel:
    def __init__(self, axioms: AxiomSet, rlimit: int = DEFAULT_RLIMIT,
                 state: Callable[[str], StateReading] | None = None,
                 prover: Callable[[Sequence[Term], Term, int], SmtResult] = prove) -> None:
        self.axioms = axioms
        self.rlimit = rlimit
        self.state = state
        self.prover = prover  # Z3 (smt.prove); `log verify --solver cvc5` checks with cvc5 instead
        self._definitions: dict[tuple[str, str, tuple[str, ...]], tuple[Theorem, FunctionSemantics]] = {}

    # --- axioms and propositional rules ---------------------------------------------------

    def axiom(self, name: str) -> Theorem:
        """|- A for an axiom A of the loaded set."""
        if name in self.axioms.excluded:  # an assumption (or rests on one), and the run trusts proved axioms only
            raise Refused("axiom", "invalid", f"{name!r} is a user's assumption, left out by --trust proved")
        if name not in self.axioms.axioms:
            raise Refused("axiom", "invalid", f"there is no axiom named {name!r}")
        return _theorem(self.axioms[name].statement, "axiom", (), {"name": name}, axioms=frozenset({name}))

    def instantiate(self, theorem: Theorem, terms: Sequence[Term]) -> Theorem:
        """forall x1..xn. A |- A[x1 := t1, ..., xk := tk], keeping x(k+1)..xn quantified."""
        variables, body = quantified_body(theorem.statement)
        if len(terms) > len(variables):
            raise Refused("instantiate", "invalid", f"{len(terms)} terms for {len(variables)} quantified variables")
        for (name, sort), term in zip(variables, terms):
            if term.sort != sort:
                raise Refused("instantiate", "invalid", f"{name} has sort {sort}, the term has sort {term.sort}")
            unambiguous("instantiate", term)
        mapping = {sym(n, s): t for (n, s), t in zip(variables, terms)}
        statement = forall(variables[len(terms):], substitute(body, mapping))
        unambiguous("instantiate", statement)
        return _theorem(statement, "instantiate", (theorem,), {"terms": [smtlib(t) for t in terms]})

    def conjoin(self, *theorems: Theorem) -> Theorem:
        """A1, ..., An |- A1 & ... & An."""
        return _theorem(And(*(t.statement for t in theorems)), "conjoin", theorems, {})

    def conjunct(self, theorem: Theorem, index: int) -> Theorem:
        """A1 & ... & An |- Ai."""
        s = theorem.statement
        if not (s.kind == "app" and s.name == "and" and 0 <= index < len(s.args)):
            raise Refused("conjunct", "invalid", f"the statement is not a conjunction with a part {index}")
        return _theorem(s.args[index], "conjunct", (theorem,), {"index": index})

    def modus_ponens(self, implication: Theorem, antecedent: Theorem) -> Theorem:
        """A => B, A |- B."""
        s = implication.statement
        if not (s.kind == "app" and s.name == "=>" and s.args[0] is antecedent.statement):
            raise Refused("modus_ponens", "invalid", "the first theorem is not an implication from the second")
        return _theorem(s.args[1], "modus_ponens", (implication, antecedent), {})

    # --- Z3 ------------------------------------------------------------------------------

    def smt(self, goal: Term, premises: Sequence[Theorem] = (), rlimit: int | None = None) -> Theorem:
        """P1 ... Pn |- G when Z3 finds P1 & ... & Pn & not G unsatisfiable within `rlimit`."""
        budget = rlimit or self.rlimit
        if goal.sort != BOOL:
            raise Refused("smt", "invalid", f"the goal has sort {goal.sort}, not Bool")
        unambiguous("smt", goal)
        result = self.prover(*smt_query(goal, premises), budget)
        if result.status == "proved" and steps_for(result.rlimit_used) > steps_for(budget):
            # Z3 checks its rlimit now and then, and can finish a little past it: a proof that
            # cost more than its budget is refused like one that ran out (log verify agrees)
            raise Refused("smt", "unknown", f"budget exhausted: rlimit {budget} spent ({result.rlimit_used} used)",
                          cost=steps_for(result.rlimit_used))
        return self._from_smt("smt", result, goal, premises, {"goal": smtlib(goal), "rlimit": budget})

    def _from_smt(self, rule: str, result: SmtResult, goal: Term, premises: Sequence[Theorem],
                  args: dict[str, Any]) -> Theorem:
        cost = steps_for(result.rlimit_used)
        if result.status != "proved":
            raise Refused(rule, result.status, result.reason, result.counterexample, cost)
        return _theorem(goal, rule, premises, args, cost)

    def induction(self, predicate: Term, variable: str, base: Theorem, step: Theorem) -> Theorem:
        """|- P(0) and |- forall k. (0 <= k & P(k)) => P(k+1) give |- forall k. 0 <= k => P(k).

        `induction_goals` builds the two statements; prove each (usually by smt) first."""
        base_goal, step_goal, conclusion = induction_goals(predicate, variable)
        unambiguous("induction", conclusion)
        if base.statement is not base_goal:
            raise Refused("induction", "invalid", "the base theorem is not P(0)")
        if step.statement is not step_goal:
            raise Refused("induction", "invalid", "the step theorem is not forall k >= 0. P(k) => P(k+1)")
        return _theorem(conclusion, "induction", (base, step), {"variable": variable, "predicate": smtlib(predicate)})

    # --- programs --------------------------------------------------------------------------

    def definition(self, program: Any, name: str, types: Sequence[str]) -> Theorem:
        """|- the defining equations of P.name.ok, .val and .cost (godelmachine/logic/semantics.py)."""
        return self.semantics(program, name, types)[0]

    def semantics(self, program: Any, name: str, types: Sequence[str]) -> tuple[Theorem, FunctionSemantics]:
        key = (program.digest, name, tuple(types))
        if key not in self._definitions:
            check_function("definition", program, name, types)
            try:
                sem = define_function(program, name, tuple(types))
            except Unsupported as exc:
                raise Refused("definition", "invalid", str(exc)) from None
            used = frozenset({f"hw.{p}" for p in sem.primitives} | {"hw.forms"})
            args = {"program": program.digest, "function": name, "types": list(types)}
            self._definitions[key] = (_theorem(sem.statement, "definition", (), args, axioms=used), sem)
        return self._definitions[key]

    def evaluation(self, program: Any, name: str, types: Sequence[str], points: Sequence[Sequence[Any]],
                   budget: int, total: int | None = None) -> Theorem:
        """|- ok, value and cost of P.name at each point, by running the interpreter there
        (each run within `budget` steps, all of them within `total`)."""
        from godelmachine.lang.execute import run

        base = check_function("evaluation", program, name, types)
        facts, steps, shape = [], 0, None
        limit = total if total is not None else budget * max(1, len(points))
        for point in points:
            check_point(point, types)
            args = [value_term(v, t) for v, t in zip(point, types)]
            outcome = run(program, name, tuple(point), budget=min(budget, limit - steps))
            steps += outcome.steps
            if outcome.kind == "out-of-steps":
                raise Refused("evaluation", "unknown", f"out of steps at {point} (budget {budget}, total {limit})",
                              cost=steps)
            ok = outcome.kind == "value"
            fact = [Eq(app(f"{base}.ok", args, BOOL), const(ok, BOOL)), Eq(app(f"{base}.cost", args, INT), int_(outcome.steps))]
            if ok:
                values, this_shape = result_terms(outcome.value)
                if shape not in (None, this_shape):
                    raise Refused("evaluation", "invalid", f"{name} returns values of different types", cost=steps)
                shape = this_shape
                names = [f"{base}.val"] if len(values) == 1 and not this_shape.startswith("list") else \
                    [f"{base}.val.{j}" for j in range(len(values))]
                fact += [Eq(app(n, args, v.sort), v) for n, v in zip(names, values)]
            facts.append(And(*fact))
        args_record = {"program": program.digest, "function": name, "types": list(types),
                       "points": [[smtlib(value_term(v, t)) for v, t in zip(p, types)] for p in points], "budget": budget,
                       "total": limit}
        return _theorem(And(*facts), "evaluation", (), args_record, cost=steps, axioms=frozenset({"hw.forms"}))

    # --- the machine's state ---------------------------------------------------------------

    def state2theorem(self, field_name: str) -> Theorem:
        """|- a fact about the current state: (= (state.clock r) c), (= (state.share r) s),
        (= state.lifetime T), (= (state.exhausted r) b); r numbers the reading, so the fact
        stays true. (state.exhausted r) is whether, at reading r, every proof technique but
        `share` had reported that it tried everything it knows for the current solver (the
        switch rule, godelmachine/logic/switch.py, says what that licenses)."""
        if self.state is None:
            raise Refused("state2theorem", "invalid", "this kernel has no machine state to read")
        return _state_fact(self.state(field_name))

    def confirmed_state(self, reading: StateReading, confirm: Callable[[StateReading], bool]) -> Theorem:
        """state2theorem again, for a recorded reading (certificate replay): the fact is
        made only if `confirm` (the caller's check against the run's record) accepts it."""
        if not confirm(reading):
            raise Refused("state2theorem", "invalid", f"the state fact {reading.field} = {reading.value} at reading "
                          f"{reading.reading} is not confirmed")
        return _state_fact(reading)

    # --- expectations under the instance distribution --------------------------------------

    def expect_bound(self, program: Any, name: str, types: Sequence[str], kind: str, relation: str,
                     coefficients: Sequence[tuple[Monomial, Fraction]], premise: Theorem) -> Theorem:
        """forall x in supp. g(x) R sum c_m x^m  |-  mean(g) R sum c_m E[x^m], for a relation R
        that carries from every point of the support to the mean: <=, >=, =, < or >."""
        if relation not in MEAN_RELATIONS:
            raise Refused("expect_bound", "invalid", f"the relation {relation!r} does not carry from points to means "
                          f"(one of {', '.join(MEAN_RELATIONS)})")
        dist = self.instance(types)
        target, integrand = self.target(program, name, types, kind)
        polynomial = Add(*(Mul(real(c), monomial(dist, m)) for m, c in coefficients)) if coefficients else real(0)
        expected = forall(dist.variables, Implies(support(dist), mk(relation, integrand, polynomial)))
        if premise.statement is not expected:
            raise Refused("expect_bound", "invalid", "the premise is not the pointwise bound of the integrand")
        moments = [Mul(real(c), moment(dist, m)) for m, c in coefficients]
        statement = mk(relation, target, Add(*moments) if moments else real(0))
        args = {"program": program.digest, "function": name, "types": list(types), "kind": kind, "relation": relation,
                "coefficients": [[list(m), str(c)] for m, c in coefficients]}
        return _theorem(statement, "expect_bound", (premise,), args, axioms=frozenset({f"distribution.{dist.name}"}))

    def expect_finite(self, program: Any, name: str, types: Sequence[str], kind: str) -> Theorem:
        """|- mean(g) = sum_i w_i g(x_i) over the support's points (at most 10,000)."""
        dist = self.instance(types)
        target, integrand = self.target(program, name, types, kind)
        points = support_points(dist)
        if points is None:
            raise Refused("expect_finite", "invalid", "the support has more than 10,000 points")
        variables = [sym(n, s) for n, s in dist.variables]
        total = Add(*(Mul(real(w), substitute(integrand, dict(zip(variables, values)))) for w, values in points))
        args = {"program": program.digest, "function": name, "types": list(types), "kind": kind}
        return _theorem(Eq(target, total), "expect_finite", (), args, axioms=frozenset({f"distribution.{dist.name}"}))

    def expect_monotone(self, first: tuple[Any, str], second: tuple[Any, str], types: Sequence[str], kind: str,
                        premise: Theorem) -> Theorem:
        """forall x in supp. g1(x) <= g2(x)  |-  mean(g1) <= mean(g2)."""
        dist = self.instance(types)
        target1, integrand1 = self.target(first[0], first[1], types, kind)
        target2, integrand2 = self.target(second[0], second[1], types, kind)
        expected = forall(dist.variables, Implies(support(dist), Le(integrand1, integrand2)))
        if premise.statement is not expected:
            raise Refused("expect_monotone", "invalid", "the premise is not the pointwise order of the integrands")
        args = {"first": [first[0].digest, first[1]], "second": [second[0].digest, second[1]], "types": list(types), "kind": kind}
        return _theorem(Le(target1, target2), "expect_monotone", (premise,), args, axioms=frozenset({f"distribution.{dist.name}"}))

    def max_cost_bound(self, program: Any, name: str, types: Sequence[str], bound: int, premise: Theorem) -> Theorem:
        """forall x in supp. P.name.cost(x) <= c  |-  (max-cost P) <= c."""
        dist = self.instance(types)
        _, integrand = self.target(program, name, types, "cost")
        expected = forall(dist.variables, Implies(support(dist), Le(integrand, real(bound))))
        if premise.statement is not expected:
            raise Refused("max_cost_bound", "invalid", "the premise is not a bound on the cost over the support")
        solver = solver_constant(program, name)
        statement = Le(app("max-cost", [solver], REAL), real(bound))
        args = {"program": program.digest, "function": name, "types": list(types), "bound": bound}
        return _theorem(statement, "max_cost_bound", (premise,), args, axioms=frozenset({f"distribution.{dist.name}"}))

    def instance(self, types: Sequence[str]) -> Distribution:
        dist = self.axioms.distributions.get("instance")
        if dist is None:
            raise Refused("expectation", "invalid", "the environment axioms declare no `instance` distribution")
        if [s for _, s in dist.variables] != [SORTS[t] for t in types]:
            raise Refused("expectation", "invalid", "the function's parameters do not match the instance variables")
        return dist

    def target(self, program: Any, name: str, types: Sequence[str], kind: str) -> tuple[Term, Term]:
        """(mean-cost P) or (mean-reward P), and the integrand whose expectation it is."""
        dist = self.instance(types)
        base = check_function("expectation", program, name, types)
        solver = solver_constant(program, name)
        args = [sym(n, s) for n, s in dist.variables]
        if kind == "cost":
            return app("mean-cost", [solver], REAL), ToReal(app(f"{base}.cost", args, INT))
        if kind != "reward":
            raise Refused("expectation", "invalid", f"unknown kind {kind!r} (cost or reward)")
        signature = self.axioms.signature.funcs.get("reward-of")
        if signature is None:
            raise Refused("expectation", "invalid", "the environment axioms declare no reward-of")
        outputs = signature[0][len(args):]
        if signature[0][:len(args)] != tuple(a.sort for a in args) or not outputs or signature[1] != REAL:
            raise Refused("expectation", "invalid", "reward-of must take the instance, then the output, to Real")
        names = [f"{base}.val"] if len(outputs) == 1 else [f"{base}.val.{j}" for j in range(len(outputs))]
        values = [app(n, args, s) for n, s in zip(names, outputs)]
        reward = app("reward-of", [*args, *values], REAL)
        return app("mean-reward", [solver], REAL), Ite(app(f"{base}.ok", args, BOOL), reward, real(0))


# --- helpers (part of the kernel: they build the statements its rules check) --------------


def induction_goals(predicate: Term, variable: str) -> tuple[Term, Term, Term]:
    """P(0); forall k. (0 <= k & P(k)) => P(k+1); and the conclusion forall k. 0 <= k => P(k)."""
    k = sym(variable, INT)
    base = substitute(predicate, {k: int_(0)})
    step = forall([(variable, INT)], Implies(And(Le(int_(0), k), predicate), substitute(predicate, {k: Add(k, int_(1))})))
    return base, step, forall([(variable, INT)], Implies(Le(int_(0), k), predicate))


def solver_constant(program: Any, name: str) -> Term:
    """The Program constant naming a solver: a program and its entry function."""
    return sym(function_base(program, name), "Program")


MEAN_RELATIONS = ("<=", ">=", "=", "<", ">")


def unambiguous(rule: str, term: Term) -> None:
    """A term given to a rule uses each name at one sort only, where it is bound or free
    (else Z3, substitution and the certificate's text would each read it their own way)."""
    if (name := ambiguous(term)) is not None:
        raise Refused(rule, "invalid", f"{name!r} is used at two sorts (bound at one sort and used inside the binder "
                      "at another, or free at two)")


def check_function(rule: str, program: Any, name: str, types: Sequence[str]) -> str:
    """P.f, after checking that the program defines f with one parameter per type, each
    type one of int, word, bool, and that f's name leaves the kernel's symbols unambiguous."""
    if name not in program:
        raise Refused(rule, "invalid", f"the program has no definition named {name!r}")
    arity = len(program.lookup(name).params)
    if len(types) != arity:
        raise Refused(rule, "invalid", f"{name} takes {arity} argument(s), {len(types)} types given")
    if unknown := [t for t in types if t not in SORTS]:
        raise Refused(rule, "invalid", f"unknown type {unknown[0]!r} (int, word or bool)")
    try:
        return function_base(program, name)
    except Unsupported as exc:
        raise Refused(rule, "invalid", str(exc)) from None


def check_point(point: Sequence[Any], types: Sequence[str]) -> None:
    """Each value of an evaluation point has its declared type, one value per type."""
    from godelmachine.lang.values import INT_MAX, INT_MIN, Word

    if len(point) != len(types):
        raise Refused("evaluation", "invalid", f"{len(point)} values for {len(types)} parameters at {point!r}")
    for value, t in zip(point, types):
        fits = (type(value) is int and INT_MIN <= value <= INT_MAX) if t == "int" else \
            type(value) is Word if t == "word" else type(value) is bool
        if not fits:
            raise Refused("evaluation", "invalid", f"{value!r} is not {'an' if t == 'int' else 'a'} {t} value")


def value_term(value: Any, type_name: str) -> Term:
    from godelmachine.lang.values import Word

    if type_name == "word":
        return const(value.bits if isinstance(value, Word) else value, BV32)
    return const(value, SORTS[type_name])


def term_value(term: Term) -> Any:
    """The machine language's value of a constant term (an Int, a word, a Bool): value_term's inverse."""
    from godelmachine.lang.values import Word

    if not term.is_const:
        raise ValueError(f"{smtlib(term)} is not a constant")
    return Word(term.name) if term.sort == BV32 else term.name


def result_terms(value: Any) -> tuple[list[Term], str]:
    from godelmachine.lang.values import Pair, Word

    def scalar(v: Any) -> Term:
        if type(v) is bool:
            return const(v, BOOL)
        if type(v) is int:
            return int_(v)
        if type(v) is Word:
            return const(v.bits, BV32)
        raise Refused("evaluation", "invalid", f"a result {v!r} cannot be stated as a term")

    if type(value) is Pair:
        return [scalar(v) for v in value], f"list:{value.length}"
    return [scalar(value)], {bool: "bool", int: "int"}.get(type(value), "word")


def support(dist: Distribution) -> Term:
    variables = [sym(n, s) for n, s in dist.variables]
    if dist.joint:
        return Or(*(And(*(Eq(x, v) for x, v in zip(variables, values))) for _, values in dist.joint))
    parts = []
    for x, m in zip(variables, dist.marginals):
        if m.kind == "uniform-int":
            parts.append(And(Le(int_(m.lo), x), Le(x, int_(m.hi))))
        elif m.kind == "finite":
            parts.append(Or(*(Eq(x, v) for _, v in m.table)))
    return And(*parts)


def support_points(dist: Distribution, limit: int = 10_000) -> list[tuple[Fraction, tuple[Term, ...]]] | None:
    """(weight, values) for every point of the support, if there are at most `limit`."""
    if dist.joint:
        return list(dist.joint)
    import itertools

    marginals = [m.points(limit) for m in dist.marginals]
    if any(m is None for m in marginals):
        return None
    size = 1
    for m in marginals:
        size *= len(m)  # type: ignore[arg-type]
    if size > limit:
        return None
    points = []
    for combination in itertools.product(*marginals):  # type: ignore[arg-type]
        weight = Fraction(1)
        for w, _ in combination:
            weight *= w
        points.append((weight, tuple(v for _, v in combination)))
    return points


# A monomial gives, for each instance variable, a power (0 to 3) or "=v", the indicator of the
# variable being the constant v (written as SMT-LIB text).
Monomial = Sequence[int | str]


def monomial(dist: Distribution, spec: Monomial) -> Term:
    if len(spec) != len(dist.variables):
        raise Refused("expect_bound", "invalid", "a monomial needs one power or indicator per instance variable")
    result = real(1)
    for (name, sort), item in zip(dist.variables, spec):
        x = sym(name, sort)
        if isinstance(item, str):
            result = Mul(result, Ite(Eq(x, indicator_value(item, sort)), real(1), real(0)))
        elif not 0 <= item <= 3 or (item and sort != INT):
            raise Refused("expect_bound", "invalid", f"a power {item} of {name}: Int variables take 0 to 3, others 0")
        else:
            for _ in range(item):
                result = Mul(result, ToReal(x))
    return result


def indicator_value(text: str, sort: str) -> Term:
    from godelmachine.logic.smtlib import Signature, parse_term

    if not text.startswith("="):
        raise Refused("expect_bound", "invalid", f"an indicator is written =value, not {text!r}")
    value = parse_term(text[1:], Signature(), source="<monomial>")
    if not value.is_const or value.sort != sort:
        raise Refused("expect_bound", "invalid", f"the indicator {text!r} is not a constant of sort {sort}")
    return value


def moment(dist: Distribution, spec: Monomial) -> Term:
    """E[monomial]: for a joint table, the weighted sum; for independent marginals, the product
    of each variable's moment (an uncertainty-axiom term for a power of a uniform integer)."""
    if dist.joint:
        variables = [sym(n, s) for n, s in dist.variables]
        term = monomial(dist, spec)
        return Add(*(Mul(real(w), substitute(term, dict(zip(variables, values)))) for w, values in dist.joint))
    result = real(1)
    for (name, sort), m, item in zip(dist.variables, dist.marginals, spec):
        if isinstance(item, str):
            value = indicator_value(item, sort)
            if m.kind == "finite":
                factor = real(sum((w for w, v in m.table if v is value), Fraction(0)))
            elif m.kind == "uniform-int":
                factor = real(Fraction(1, m.hi - m.lo + 1) if m.lo <= value.name <= m.hi else 0)
            else:
                factor = real(Fraction(1, 2**32))
        elif item == 0:
            continue
        elif m.kind == "uniform-int":
            factor = app("uniform-moment", [int_(item), int_(m.lo), int_(m.hi)], REAL)
        else:  # a power of a finite variable: its weighted sum
            factor = real(sum((w * Fraction(v.name) ** item for w, v in m.table), Fraction(0)))
        result = Mul(result, factor)
    return result


def smt_query(goal: Term, premises: Sequence[Theorem]) -> tuple[list[Term], Term]:
    """What the `smt` rule sends the solver: the premises (definitions unfolded) and the goal."""
    rules = rewrite_rules(premises)
    return z3_premises(premises, rules), unfold(goal, rules)


def _state_fact(reading: StateReading) -> Theorem:
    """The statement of a state reading (the kernel's state2theorem and confirmed_state)."""
    r, value = int_(reading.reading), reading.value
    if reading.field == "clock":
        statement = Eq(app("state.clock", [r], INT), int_(value))
    elif reading.field == "share":
        statement = Eq(app("state.share", [r], REAL), real(Fraction(value)))
    elif reading.field == "lifetime":
        statement = Eq(sym("state.lifetime", INT), int_(value))
    elif reading.field == "exhausted" and type(value) is bool:
        statement = Eq(app("state.exhausted", [r], BOOL), TRUE if value else FALSE)
    else:
        raise Refused("state2theorem", "invalid", f"unknown state field {reading.field!r}")
    args = {"field": reading.field, "reading": reading.reading, "value": str(value)}
    return _theorem(statement, "state2theorem", (), args)


def definition_equations(theorem: Theorem) -> "Rules":
    """The equations f(x1..xn) = rhs that a `definition` theorem states for its own
    function's symbols, keyed by f's name, argument sorts and result sort: a rule rewrites
    only an application of exactly that signature. The left side's arguments must be the
    equation's quantified variables, distinct, in order, and the right side may use no
    other free symbol (so that rewriting neither drops an argument nor captures one)."""
    base = symbol_base(theorem.arg("program"), theorem.arg("function")) + "."
    return dict(_equations(theorem.statement, base))


@functools.lru_cache(maxsize=1024)
def _equations(statement: Term, base: str) -> "Rules":
    """definition_equations of a statement (terms are hash-consed: an equal statement is the
    same object), made once: every `smt` query with a definition premise asks for them twice."""
    rules: Rules = {}
    for part in conjuncts(statement):
        variables, body = quantified_body(part)
        params = tuple(sym(n, s) for n, s in variables)
        for equation in conjuncts(body):
            if equation.kind == "app" and equation.name == "=" and equation.args[0].kind == "app":
                lhs, rhs = equation.args
                if lhs.name.startswith(base) and lhs.args == params and len(set(params)) == len(params) \
                        and free_symbols(rhs) <= set(params):
                    rules[rule_key(lhs)] = (variables, rhs)
    return rules


def rule_key(t: Term) -> tuple[str, tuple[str, ...], str]:
    return t.name, tuple(a.sort for a in t.args), t.sort


Rules = dict[tuple[str, tuple[str, ...], str], tuple[tuple[tuple[str, str], ...], Term]]


def rewrite_rules(premises: Sequence[Theorem]) -> Rules:
    rules: Rules = {}
    for premise in premises:
        if premise.rule == "definition":
            rules.update(definition_equations(premise))
    return rules


def z3_premises(premises: Sequence[Theorem], rules: Rules) -> list[Term]:
    """What Z3 is given: each premise rewritten by `unfold`, except that of a `definition`
    premise only the loop definitions are kept (its function equations did the rewriting)."""
    kept = []
    for premise in premises:
        if premise.rule != "definition":
            kept.append(unfold(premise.statement, rules))
            continue
        equations = set(definition_equations(premise))
        for part in conjuncts(premise.statement):
            _, body = quantified_body(part)
            if not any(e.kind == "app" and e.name == "=" and e.args[0].kind == "app" and rule_key(e.args[0]) in equations
                       for e in conjuncts(body)):
                kept.append(part)
    return kept


def conjuncts(t: Term) -> tuple[Term, ...]:
    return t.args if t.kind == "app" and t.name == "and" else (t,)


def unfold(goal: Term, rules: Rules) -> Term:
    """Rewrite applications of functions defined by `definition` premises with their bodies."""
    if not rules:
        return goal
    memo: dict[int, Term] = {}

    def walk(t: Term) -> Term:
        if id(t) in memo:
            return memo[id(t)]
        if t.kind in ("const", "sym"):
            result = t
        elif t.kind in ("forall", "exists"):
            result = Term(t.kind, t.name, (walk(t.args[0]),), t.sort)
        else:
            args = tuple(walk(a) for a in t.args)
            if rule_key(t) in rules:
                variables, rhs = rules[rule_key(t)]
                result = substitute(rhs, {sym(n, s): a for (n, s), a in zip(variables, args)})
            elif args == t.args:
                result = t
            elif t.name in BUILTINS:
                result = mk(t.name, *args)
            else:
                result = app(t.name, args, t.sort)
        memo[id(t)] = result
        return result

    return walk(goal)


__all__ = ["Kernel", "Theorem", "Refused", "StateReading", "RLIMIT_PER_STEP", "TRUE"]
