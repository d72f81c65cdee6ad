"""Tactics: untrusted procedures that build proofs out of kernel rules.

A bug here can cost time (a proof not found, a wasted query), never soundness: every theorem
still comes out of the kernel. Each tactic reports what it spent through `spend`, which
charges the machine's clock (godelmachine/search/clock.py) and stops the technique that called it
when its budget is gone.

The tactics know the shape of a switch proof:

    facts        the semantics of the old and new solvers (definitions and loop lemmas proved
                 by induction, or evaluation on every instance of a small support)
    obligation   no new traps / the same results / a cost no greater, over the support
    reward-order the new solver earns at least what the old one earns (expectation is monotone)
    rewards      the mean rewards themselves, on a finite support (expect_finite)
    costs        bounds on the mean costs, the old solver's maximum cost, positivity
    target       the target theorem: switching at any time t1 <= D beats not switching

`TACTICS`, at the end, is the one table `apply-rule` dispatches on: each tactic's name, which
of its arguments are theorem handles, and the function that runs it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

from godelmachine.lang.execute import run
from godelmachine.lang.values import values_equal
from godelmachine.logic.axioms import Distribution
from godelmachine.logic.kernel import (
    Kernel,
    Refused,
    Theorem,
    induction_goals,
    monomial,
    solver_constant,
    support,
    support_points,
    term_value,
    value_term,
)
from godelmachine.logic.semantics import SORTS, is_loop_symbol
from godelmachine.logic.switch import target_statement
from godelmachine.logic.terms import (
    BOOL,
    INT,
    REAL,
    Add,
    And,
    Eq,
    Implies,
    Le,
    Lt,
    Mul,
    Term,
    ToReal,
    app,
    forall,
    int_,
    mk,
    quantified_body,
    real,
    smtlib,
    substitute,
    subterms,
    sym,
)
from godelmachine.search.clock import Budget, OutOfBudget
from godelmachine.search.inputs import EDGE_WORDS, support_inputs
from godelmachine.search.obligations import Solver, obligation_goal, search_counterexample
from godelmachine.search.polynomials import MAX_DEGREE, common_denominator, evaluate_poly, interpolate

SMALL_SUPPORT = 64  # supports this small are proved about by evaluation on every instance


@dataclass
class SwitchContext:
    """One candidate switch: the current solver (old) against the switchprog's (new)."""

    kernel: Kernel
    old: Solver
    new: Solver
    old_share: Fraction
    new_share: Fraction
    reward_floor: Theorem | None  # (>= (mean-reward OLD) r), if known
    readings: Callable[[str], Theorem]  # state2theorem
    lifetime: int
    reward_value: Callable[[tuple, Any], Fraction]  # expected reward of an output on an instance (untrusted)
    cache: dict[Any, Any] = field(default_factory=dict)
    lemmas: tuple[Theorem, ...] = ()  # the user's environment lemmas, cited in obligations and induction steps
    # lemmas instantiated from the library (godelmachine/search/learned.py), by the digests of
    # the old and the new solver: old and new agree on every input of their types
    learned: Mapping[tuple[str, str], Theorem] = field(default_factory=dict)
    library: Any = None  # the run's use of the library (a learned.Learned), for lemmas inside larger definitions

    @property
    def distribution(self) -> Distribution:
        return self.kernel.instance(self.old.types)


def charged(budget: Budget, call: Callable[[], Theorem]) -> Theorem:
    """Run one kernel call, charging its cost whether it proves or refuses: the cost of every
    theorem of its derivation that has not been paid for yet."""
    from godelmachine.logic.certificates import derivation

    try:
        theorem = call()
    except Refused as refusal:
        budget.spend(refusal.cost)
        raise
    cost = 0
    for t in derivation(theorem):
        if t not in budget.paid:
            budget.paid.add(t)
            cost += t.cost
    budget.spend(cost)
    return theorem


# --- facts about one solver ----------------------------------------------------------------


def facts(ctx: SwitchContext, side: Solver, method: str, budget: Budget, rlimit: int) -> list[Theorem]:
    """The solver's semantics: its definition and loop lemmas (`symbolic`), or evaluation on
    every instance of a small support (`evaluation`); `auto` picks evaluation when it can."""
    if method == "auto":
        method = "evaluation" if support_points(ctx.distribution, SMALL_SUPPORT) is not None else "symbolic"
    if method == "evaluation":
        points = support_points(ctx.distribution, SMALL_SUPPORT)
        if points is None:
            raise Refused("facts", "invalid", f"the support has more than {SMALL_SUPPORT} points")
        # one evaluation fact per instance, kept for the epoch: a trial that runs out of budget
        # leaves its facts to the next
        found = []
        for _, point in points:
            key = ("evaluation", side.program.digest, point)
            if key not in ctx.cache:
                left = budget.left()
                if left <= 0:
                    raise OutOfBudget()
                args = [[term_value(v) for v in point]]
                ctx.cache[key] = charged(budget, lambda: ctx.kernel.evaluation(side.program, side.name, side.types,
                                                                               args, left, left))
            found.append(ctx.cache[key])
        return found
    definition = charged(budget, lambda: ctx.kernel.definition(side.program, side.name, side.types))
    return [definition, *loop_lemmas(ctx, side, definition, budget, rlimit)]


def loop_lemmas(ctx: SwitchContext, side: Solver, definition: Theorem, budget: Budget, rlimit: int) -> list[Theorem]:
    """For each loop of unknown length, an invariant found by interpolation and proved by
    induction: D * acc(k) = poly(k), no trap, cost(k) = c * k, for k up to the support's bound."""
    loops = loop_calls(definition.statement)
    lemmas = []
    for base, head in loops:
        if not all(t.is_const for t in head):
            continue  # the loop starts from instance-dependent values: no lemma of this shape
        key = ("lemma", base, head)
        if key in ctx.cache:
            lemmas.append(ctx.cache[key])
            continue
        predicate = invariant(definition.statement, base, head, bound_of(ctx.distribution))
        if predicate is None:
            continue
        base_goal, step_goal, _ = induction_goals(predicate, "k")
        base_case = charged(budget, lambda: ctx.kernel.smt(base_goal, [definition, *ctx.lemmas], budget.rlimit(rlimit)))
        step = charged(budget, lambda: ctx.kernel.smt(step_goal, [definition, *ctx.lemmas], budget.rlimit(rlimit)))
        lemma = charged(budget, lambda: ctx.kernel.induction(predicate, "k", base_case, step))
        ctx.cache[key] = lemma
        lemmas.append(lemma)
    return lemmas


def loop_calls(statement: Term) -> list[tuple[str, tuple[Term, ...]]]:
    """(loop base name, head arguments) of each loop function applied in the function's equations."""
    found: list[tuple[str, tuple[Term, ...]]] = []
    first = statement.args[0] if statement.kind == "app" and statement.name == "and" else statement
    _, body = quantified_body(first)
    for t in subterms(body):
        if t.kind == "app" and is_loop_symbol(t.name) and t.name.endswith(".acc0"):
            entry = (t.name[: -len(".acc0")], t.args[:-1])
            if entry not in found:
                found.append(entry)
    return found


def bound_of(dist: Distribution) -> int:
    """The largest value of an Int instance variable on the support (a bound on loop counts)."""
    highs = [m.hi for m in dist.marginals if m.kind == "uniform-int"]
    highs += [int(v.name) for m in dist.marginals if m.kind == "finite" for _, v in m.table if v.sort == INT]
    highs += [int(v.name) for _, values in dist.joint for v in values if v.sort == INT]
    return max(highs + [0])


def invariant(statement: Term, base: str, head: tuple[Term, ...], bound: int) -> Term | None:
    """Interpolate acc(k) and cost(k) at k = 0..MAX_DEGREE + 1 from the loop's own definition, and
    state them as a polynomial (scaled to integers) and a linear cost."""
    from godelmachine.search.evaluate import LoopEvaluator

    evaluator = LoopEvaluator(statement)
    k = sym("k", INT)
    try:
        samples = [(j, evaluator.value(app(f"{base}.acc0", [*head, int_(j)], INT)),
                    evaluator.value(app(f"{base}.cost", [*head, int_(j)], INT))) for j in range(MAX_DEGREE + 2)]
    except (KeyError, AssertionError, TypeError):
        return None
    if any(a.sort != INT for _, a, _ in samples):
        return None
    coefficients = interpolate([(j, a.name) for j, a, _ in samples[:-1]])
    if evaluate_poly(coefficients, len(samples) - 1) != samples[-1][1].name:
        return None  # not a polynomial of degree MAX_DEGREE or less
    step = samples[1][2].name - samples[0][2].name
    if any(c.name != step * j for j, _, c in samples):
        return None  # the cost is not linear in k
    scale = common_denominator(coefficients)
    poly = Add(*(Mul(int_(int(c * scale)), power(k, i)) for i, c in enumerate(coefficients) if c)) if any(coefficients) else int_(0)
    acc = app(f"{base}.acc0", [*head, k], INT)
    ok = app(f"{base}.ok", [*head, k], BOOL)
    cost = app(f"{base}.cost", [*head, k], INT)
    return Implies(Le(k, int_(bound)), And(Eq(Mul(int_(scale), acc), poly), ok, Eq(cost, Mul(int_(step), k))))


def power(x: Term, n: int) -> Term:
    result = int_(1)
    for _ in range(n):
        result = Mul(result, x)
    return result


# --- obligations and rewards ---------------------------------------------------------------


def support_condition(dist: Distribution) -> Term:
    """The support of the instance distribution, over the obligations' variables x0, x1, ..."""
    mapping = {sym(n, s): sym(f"x{i}", s) for i, (n, s) in enumerate(dist.variables)}
    return substitute(support(dist), mapping)


def obligation(ctx: SwitchContext, kind: str, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem:
    """An obligation over the support. When Z3 says unknown, a search for a counterexample
    that the programs confirm (charged too) turns the refusal into `refuted` with it. A refusal
    names the obligation (`same-results: ...`), so that a log says which one failed."""
    try:
        return _obligation(ctx, kind, premises, budget, rlimit)
    except Refused as refused:
        raise Refused(refused.rule, refused.status, f"{kind}: {refused.reason}", refused.counterexample,
                      refused.cost) from None


def _obligation(ctx: SwitchContext, kind: str, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem:
    goal, definitions = obligation_goal(kind, ctx.kernel, ctx.old, ctx.new, extra=support_condition(ctx.distribution), facts=premises)
    lemma = ctx.learned.get((ctx.old.program.digest, ctx.new.program.digest))
    if lemma is not None and kind in ("no-new-traps", "same-results"):
        try:  # the lemma says it for every input: the symbols need not be unfolded
            return charged(budget, lambda: ctx.kernel.smt(goal, [lemma], budget.rlimit(LEMMA_RLIMIT)))
        except Refused:
            pass  # (charged) the usual way then
    if ctx.library is not None and kind == "same-results":
        folded = ctx.library.folded_obligation(goal, ctx.old, ctx.new, lambda call: ctx.library.charged(budget.spend, call),
                                               budget.rlimit)
        if folded is not None:
            return folded
    cited = [*definitions, *premises, *ctx.lemmas]
    if not any(p.rule == "evaluation" for p in premises):  # facts from runs on the whole support say it all
        tested_wrong(ctx, kind, budget)
    try:
        return by_cases(ctx, goal, cited, budget, rlimit)
    except Refused as refusal:
        if refusal.status != "unknown" or budget.left() <= 0:
            raise
        found, spent = search_counterexample(kind, ctx.kernel, goal, ctx.old, ctx.new, cited, budget.rlimit(rlimit),
                                             run_budget=max(1, budget.left()), spend=budget.spend)
        budget.spend(spent)
        if not found:
            raise
        raise Refused("smt", "refuted", "a counterexample on ground instances of the premises, confirmed on the "
                      "programs", found) from None


TEST_SHARE = 8  # testing before a proof takes at most this fraction of the obligation's budget
LEMMA_RLIMIT = 100_000  # Z3's budget for an obligation from a lemma of the library


def tested_wrong(ctx: SwitchContext, kind: str, budget: Budget) -> None:
    """Before the prover: run both programs on the support's edge and seeded random points
    (charged); Refused "refuted" with the first point where they break the obligation. A
    wrong candidate then costs a few runs, not a counterexample search by Z3 (which can cost
    more than a proof: a 32-bit popcount against a bit trick is a large SAT problem)."""
    if kind not in ("same-results", "no-new-traps") or not ctx.distribution.marginals:
        return
    allowance = budget.left() // TEST_SHARE
    for point in support_inputs(ctx.distribution, random.Random(TEST_SEED)):
        runs = []
        for side in (ctx.old, ctx.new):
            if allowance <= 0:
                return
            outcome = run(side.program, side.name, point, budget=allowance)
            budget.spend(outcome.steps)
            allowance -= outcome.steps
            runs.append(outcome)
        before, after = runs
        if before.kind != "value" or after.kind == "out-of-steps":
            continue
        if after.kind == "trap" or (kind == "same-results" and not values_equal(after.value, before.value)):
            found = tuple((f"x{i}", smtlib(value_term(v, t))) for i, (v, t) in enumerate(zip(point, ctx.old.types)))
            raise Refused("obligation", "refuted", f"{kind} fails at a tested point (the programs run on it)", found)


TEST_SEED = 2011
CASE_SPLIT_LIMIT = 8  # a finite instance variable with at most this many values is split on


def by_cases(ctx: SwitchContext, goal: Term, cited: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem:
    """|- goal (forall x in supp. ...) by smt: one query per value of a small finite instance
    variable, each about one branch of the solver, then the goal from the cases alone (they
    speak of the same symbols); one query when there is no such variable. A refutation's
    counterexample names every variable, the case's value included."""
    cases = case_split(ctx, goal)
    if not cases:
        return charged(budget, lambda: ctx.kernel.smt(goal, cited, budget.rlimit(rlimit)))
    proved = []
    for (variable, value), case in cases:
        try:
            proved.append(charged(budget, lambda: ctx.kernel.smt(case, cited, budget.rlimit(rlimit))))
        except Refused as refusal:
            if refusal.counterexample:
                refusal.counterexample = tuple(sorted(refusal.counterexample + ((variable, smtlib(value)),)))
            raise
    return charged(budget, lambda: ctx.kernel.smt(goal, proved, budget.rlimit(rlimit)))


def case_split(ctx: SwitchContext, goal: Term) -> list[tuple[tuple[str, Term], Term]]:
    """forall x. body  ->  [((xi, v), forall x'. body[xi := v]) for each value v of a small
    finite instance variable xi]."""
    dist = ctx.distribution
    index = next((i for i, m in enumerate(dist.marginals) if m.kind == "finite" and 1 < len(m.table) <= CASE_SPLIT_LIMIT), None)
    if index is None:
        return []
    names, body = quantified_body(goal)
    variable = sym(*names[index])
    rest = [v for i, v in enumerate(names) if i != index]
    return [((variable.name, value), forall(rest, substitute(body, {variable: value})))
            for _, value in dist.marginals[index].table]


def pointwise(ctx: SwitchContext, claim: Callable[[Term, Term], Term], kind: str) -> Term:
    """forall x in supp. claim(integrand of old, integrand of new)."""
    dist = ctx.distribution
    _, g_old = ctx.kernel.target(ctx.old.program, ctx.old.name, ctx.old.types, kind)
    _, g_new = ctx.kernel.target(ctx.new.program, ctx.new.name, ctx.new.types, kind)
    return forall(dist.variables, Implies(support(dist), claim(g_old, g_new)))


def reward_order(ctx: SwitchContext, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem:
    """(mean-reward old) <= (mean-reward new), from the obligations (no new traps, the same
    results) and the fact that rewards are never negative."""
    goal = pointwise(ctx, lambda old, new: Le(old, new), "reward")
    nonnegative = reward_nonnegative(ctx, budget, rlimit)
    cited = [p for p in premises if p.rule != "definition"]  # the obligations speak of the same symbols
    order = charged(budget, lambda: ctx.kernel.smt(goal, [*cited, nonnegative], budget.rlimit(rlimit)))
    return charged(budget, lambda: ctx.kernel.expect_monotone((ctx.old.program, ctx.old.name),
                                                              (ctx.new.program, ctx.new.name), ctx.old.types, "reward", order))


def reward_nonnegative(ctx: SwitchContext, budget: Budget, rlimit: int) -> Theorem:
    """forall instance, output. reward-of >= 0, from reward-of's rule (once per run)."""
    key = ("reward-nonnegative",)
    if key not in ctx.cache:
        signature = ctx.kernel.axioms.signature.funcs["reward-of"][0]
        names = [(f"r{i}", s) for i, s in enumerate(signature)]
        goal = forall(names, mk(">=", app("reward-of", [sym(n, s) for n, s in names], REAL), real(0)))
        rule = ctx.kernel.axiom("reward-of-rule")
        ctx.cache[key] = charged(budget, lambda: ctx.kernel.smt(goal, [rule], budget.rlimit(rlimit)))
    return ctx.cache[key]


def rewards(ctx: SwitchContext, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> list[Theorem]:
    """(= (mean-reward P) v) for both solvers, on a finite support: the sum over its points
    (expect_finite), evaluated from the facts and reward-of's rule."""
    if support_points(ctx.distribution, SMALL_SUPPORT) is None:
        raise Refused("rewards", "invalid", f"the support has more than {SMALL_SUPPORT} points")
    rule = ctx.kernel.axiom("reward-of-rule")
    found = []
    for side in ((ctx.old, ctx.new) if ctx.new.program is not ctx.old.program else (ctx.old,)):
        total = charged(budget, lambda: ctx.kernel.expect_finite(side.program, side.name, side.types, "reward"))
        value = Fraction(0)
        for weight, point in support_points(ctx.distribution, SMALL_SUPPORT) or []:
            args = tuple(term_value(v) for v in point)
            outcome = run(side.program, side.name, args, budget=max(1, budget.left()))
            budget.spend(outcome.steps)
            if outcome.kind == "value":
                value += weight * ctx.reward_value(args, outcome.value)
        goal = Eq(app("mean-reward", [solver_constant(side.program, side.name)], REAL), real(value))
        found.append(charged(budget, lambda: ctx.kernel.smt(goal, [total, *premises, rule], budget.rlimit(rlimit))))
    return found


# --- costs ---------------------------------------------------------------------------------


def costs(ctx: SwitchContext, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> list[Theorem]:
    """Bounds on the mean costs: new <= a, new >= 1, old >= b, and max-cost old <= c."""
    dist = ctx.distribution
    points = support_points(dist, SMALL_SUPPORT)
    if points is not None:  # the exact mean costs: sums over the support, evaluated from the facts
        means = []
        for side in (ctx.old, ctx.new):
            total = charged(budget, lambda: ctx.kernel.expect_finite(side.program, side.name, side.types, "cost"))
            known = recorded_costs(premises, side)
            value = sum((w * (known[p] if p in known else cost_at(side, tuple(term_value(v) for v in p), budget))
                         for w, p in points), Fraction(0))
            goal = Eq(app("mean-cost", [solver_constant(side.program, side.name)], REAL), real(value))
            means.append(charged(budget, lambda: ctx.kernel.smt(goal, [total, *premises], budget.rlimit(rlimit))))
        bound = max_cost(ctx, ctx.old, premises, budget, rlimit)
        return [*means, bound]
    upper = mean_cost(ctx, ctx.new, "<=", premises, budget, rlimit)
    lower = mean_cost(ctx, ctx.old, ">=", premises, budget, rlimit)
    return [upper, lower, max_cost(ctx, ctx.old, premises, budget, rlimit), positive(ctx, ctx.new, premises, budget, rlimit)]


def recorded_costs(premises: Sequence[Theorem], side: Solver) -> dict[tuple[Term, ...], int]:
    """The cost at each point that an evaluation fact about `side` records."""
    from godelmachine.logic.semantics import function_base

    name = f"{function_base(side.program, side.name)}.cost"
    found: dict[tuple[Term, ...], int] = {}
    for fact in premises:
        if fact.rule == "evaluation":
            for t in subterms(fact.statement):
                if t.kind == "app" and t.name == "=" and t.args[0].kind == "app" and t.args[0].name == name:
                    found[t.args[0].args] = t.args[1].name
    return found


def positive(ctx: SwitchContext, side: Solver, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem:
    """(mean-cost side) >= 1: every call costs at least its call step."""
    return bound_with(ctx, side, ">=", [((0,) * len(side.types), Fraction(1))], premises, budget, rlimit)


def bound_with(ctx: SwitchContext, side: Solver, relation: str, coefficients: list, premises: Sequence[Theorem],
               budget: Budget, rlimit: int) -> Theorem:
    """(mean-cost side) R E[model], from a proved pointwise bound cost(x) R model(x)."""
    pointwise_bound = pointwise_cost(ctx, side, relation, coefficients, premises, budget, rlimit)
    return charged(budget, lambda: ctx.kernel.expect_bound(side.program, side.name, side.types, "cost", relation,
                                                           coefficients, pointwise_bound))


def pointwise_cost(ctx: SwitchContext, side: Solver, relation: str, coefficients: list, premises: Sequence[Theorem],
                   budget: Budget, rlimit: int) -> Theorem:
    """forall x in supp. cost(x) R model(x), by smt from the side's definition."""
    dist = ctx.distribution
    key = ("pointwise", side.program.digest, relation, tuple((tuple(m), c) for m, c in coefficients))
    if key in ctx.cache:
        return ctx.cache[key]
    _, integrand = ctx.kernel.target(side.program, side.name, side.types, "cost")
    parts = [Mul(real(c), monomial(dist, m)) for m, c in coefficients]
    goal = forall(dist.variables, Implies(support(dist), mk(relation, integrand, Add(*parts) if parts else real(0))))
    definition = ctx.kernel.definition(side.program, side.name, side.types)
    result = by_cases(ctx, goal, [definition, *premises], budget, rlimit)
    ctx.cache[key] = result
    return result


def proven_model(ctx: SwitchContext, side: Solver, relation: str, premises: Sequence[Theorem], budget: Budget,
                 rlimit: int) -> tuple[list, Theorem]:
    """A cost model fitted on sampled instances (a polynomial of degree <= 3 in the first
    integer variable, one for each value of the finite variables) and the theorem that it bounds
    the cost everywhere on the support. When Z3 refutes the bound, the counterexample's cost
    moves the model's constant term, and the bound is tried again (a few rounds)."""
    key = ("model", side.program.digest, relation)
    if key in ctx.cache:
        return ctx.cache[key]
    coefficients = fit_cost(ctx, side, relation, budget)
    for attempt in range(REFINEMENTS + 1):
        try:
            theorem = pointwise_cost(ctx, side, relation, coefficients, premises, budget, rlimit)
            ctx.cache[key] = (coefficients, theorem)
            return coefficients, theorem
        except Refused as refusal:
            if refusal.status != "refuted" or not refusal.counterexample or attempt == REFINEMENTS:
                raise
            refined = refine(ctx, side, relation, coefficients, refusal.counterexample, budget, 2**attempt)
            if refined is None:
                raise
            coefficients = refined
    raise AssertionError("unreachable")


def mean_cost(ctx: SwitchContext, side: Solver, relation: str, premises: Sequence[Theorem], budget: Budget,
              rlimit: int) -> Theorem:
    """(mean-cost side) R E[model] for a proved cost model."""
    coefficients, pointwise_bound = proven_model(ctx, side, relation, premises, budget, rlimit)
    return charged(budget, lambda: ctx.kernel.expect_bound(side.program, side.name, side.types, "cost", relation,
                                                           coefficients, pointwise_bound))


REFINEMENTS = 8


def refine(ctx: SwitchContext, side: Solver, relation: str, coefficients: list, counterexample: tuple,
           budget: Budget, margin: int = 1) -> list | None:
    """Shift the model's constant term (for the counterexample's finite values) past the
    counterexample's real cost, by `margin` times the miss: a bound need not be tight, and
    galloping finds a valid one in a few rounds where Z3 would offer the next-worst input."""
    from godelmachine.search.obligations import value_of

    dist = ctx.distribution
    values = dict(counterexample)
    point = tuple(value_of(values[n], "word" if s.startswith("(_ BitVec") else "bool" if s == "Bool" else "int")
                  for n, s in dist.variables)
    actual = cost_at(side, point, budget)
    predicted = sum((c * monomial_value(spec, point) for spec, c in coefficients), Fraction(0))
    miss = actual - predicted
    if (relation == ">=" and miss >= 0) or (relation == "<=" and miss <= 0):
        return None  # the model was right there: the refutation is about something else
    constant = next((i for i, (spec, _) in enumerate(coefficients)
                     if all(isinstance(x, str) or x == 0 for x in spec) and monomial_value(spec, point)), None)
    if constant is None:
        return None
    adjusted = list(coefficients)
    spec, c = adjusted[constant]
    adjusted[constant] = (spec, c + miss * margin)
    return adjusted


def monomial_value(spec: tuple, point: tuple) -> Fraction:
    """A monomial (powers and indicators) at a point of Python values."""
    result = Fraction(1)
    for item, v in zip(spec, point):
        if isinstance(item, str):
            text = f"#x{v.bits:08x}" if hasattr(v, "bits") else ("true" if v else "false") if isinstance(v, bool) else str(v)
            if item[1:] != text:
                return Fraction(0)
        elif item:
            result *= Fraction(v) ** item
    return result


# The sampled instances of a cost model without an integer variable: the edge words first (a
# loop over the bits of a word is longest at the top bit or at zero), then spread-out words.
SAMPLES = len(EDGE_WORDS)


def fit_cost(ctx: SwitchContext, side: Solver, relation: str, budget: Budget) -> list:
    """Untrusted: run the solver on the smallest instances and fit its cost; the kernel then
    proves (or refutes) the fitted model over the whole support."""
    dist = ctx.distribution
    int_index = next((i for i, m in enumerate(dist.marginals) if m.kind == "uniform-int"), None)
    finite = [i for i, m in enumerate(dist.marginals) if m.kind == "finite"]
    cases = [[]] if not finite else [[(i, v) for i, (_, v) in zip(finite, combo)]
                                    for combo in _product([dist.marginals[i].table for i in finite])]
    coefficients: list = []
    for case in cases:
        if int_index is None:
            samples = [cost_at(side, instance(dist, case, None, None, seed), budget) for seed in range(SAMPLES)]
            value = max(samples) if relation == "<=" else min(samples)
            coefficients.append((monomial_spec(dist, case, int_index, 0), Fraction(value)))
            continue
        m = dist.marginals[int_index]
        xs = [x for x in range(m.lo, m.lo + 4) if x <= m.hi]  # the cheapest instances; Z3 checks the rest
        points = [(x, cost_at(side, instance(dist, case, int_index, x, 0), budget)) for x in xs]
        for d, c in enumerate(interpolate(points)):
            if c:
                coefficients.append((monomial_spec(dist, case, int_index, d), c))
        if not coefficients:
            coefficients.append((monomial_spec(dist, case, int_index, 0), Fraction(0)))
    return coefficients


def _product(tables: list) -> list:
    import itertools

    return list(itertools.product(*tables))


def monomial_spec(dist: Distribution, case: list, int_index: int | None, degree: int) -> tuple:
    from godelmachine.logic.terms import smtlib

    spec: list[int | str] = [0] * len(dist.variables)
    for i, value in case:
        spec[i] = "=" + smtlib(value)
    if int_index is not None:
        spec[int_index] = degree
    return tuple(spec)


def instance(dist: Distribution, case: list, int_index: int | None, x: int | None, seed: int) -> tuple:
    from godelmachine.lang.values import Word

    values: list[Any] = []
    for i, m in enumerate(dist.marginals):
        fixed = dict(case)
        if i in fixed:
            values.append(term_value(fixed[i]))
        elif i == int_index:
            values.append(x)
        elif m.kind == "uniform-int":
            values.append(m.lo)
        elif m.kind == "uniform-word":  # the words where bit loops take longest or shortest first
            values.append(Word(EDGE_WORDS[seed] if seed < len(EDGE_WORDS) else (0x9E3779B9 * (seed + 1)) & 0xFFFFFFFF))
        else:
            values.append(term_value(m.table[0][1]))
    return tuple(values)


def cost_at(side: Solver, args: tuple, budget: Budget) -> int:
    left = budget.left()
    if left <= 0:
        raise OutOfBudget()
    outcome = run(side.program, side.name, args, budget=left)
    budget.spend(outcome.steps)
    if outcome.kind == "out-of-steps":
        raise OutOfBudget()
    return outcome.steps


def max_cost(ctx: SwitchContext, side: Solver, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem:
    """(max-cost side) <= c: on a small support the largest cost of all instances, else the
    largest value of a proved upper cost model."""
    dist = ctx.distribution
    points = support_points(dist, SMALL_SUPPORT)
    if points is not None:
        known = recorded_costs(premises, side)
        c = max(known[p] if p in known else cost_at(side, tuple(term_value(v) for v in p), budget) for _, p in points)
        cited = list(premises)
    else:
        model, upper = proven_model(ctx, side, "<=", premises, budget, rlimit)
        c = int(max_of_model(dist, model)) + 1
        cited = [upper]
    _, integrand = ctx.kernel.target(side.program, side.name, side.types, "cost")
    goal = forall(dist.variables, Implies(support(dist), Le(integrand, real(c))))
    pointwise_bound = charged(budget, lambda: ctx.kernel.smt(goal, cited, budget.rlimit(rlimit)))
    return charged(budget, lambda: ctx.kernel.max_cost_bound(side.program, side.name, side.types, c, pointwise_bound))


def max_of_model(dist: Distribution, model: list) -> Fraction:
    """The largest value of a fitted cost model over the support (its integer variable at the
    range's ends; the model is monotone there for the costs we fit)."""
    best = Fraction(0)
    int_index = next((i for i, m in enumerate(dist.marginals) if m.kind == "uniform-int"), None)
    cases: dict[tuple, list] = {}
    for spec, c in model:
        key = tuple(s for i, s in enumerate(spec) if i != int_index)
        cases.setdefault(key, []).append((spec[int_index] if int_index is not None else 0, c))
    for terms in cases.values():
        ends = [dist.marginals[int_index].lo, dist.marginals[int_index].hi] if int_index is not None else [0]
        for x in ends:
            best = max(best, sum((c * Fraction(x) ** d for d, c in terms), Fraction(0)))
    return best


# --- the target theorem --------------------------------------------------------------------


def target_goal(ctx: SwitchContext, deadline: int, share_reading: Term, lifetime: Term) -> Term:
    """forall t1. t1 <= D => reward-over(new, (1 - s') (L - t1)) > reward-over(old, (1 - s) (L - t1))."""
    return target_statement(solver_constant(ctx.old.program, ctx.old.name), solver_constant(ctx.new.program, ctx.new.name),
                            share_reading, None if ctx.new_share == ctx.old_share else ctx.new_share, lifetime, deadline)


def target(ctx: SwitchContext, premises: Sequence[Theorem], deadline: int, budget: Budget, rlimit: int) -> Theorem:
    """The target theorem, from the facts and the utility, reward and state axioms."""
    if deadline > ctx.lifetime:
        raise Refused("target", "invalid", "the deadline is past the lifetime")
    kernel = ctx.kernel
    share = ctx.readings("share")
    lifetime = ctx.readings("lifetime")
    share_term = share.statement.args[0]
    lifetime_term = lifetime.statement.args[0]
    new = solver_constant(ctx.new.program, ctx.new.name)
    old = solver_constant(ctx.old.program, ctx.old.name)
    # the utility and reward axioms, instantiated at the two solvers (Z3 is far better at
    # nonlinear real arithmetic without quantifiers over programs)
    axioms = [kernel.instantiate(kernel.axiom("wald-lower"), [new]), kernel.instantiate(kernel.axiom("wald-upper"), [old]),
              kernel.axiom("max-reward-is-one")]
    axioms += [kernel.instantiate(kernel.axiom("mean-reward-is-bounded"), [p]) for p in (old, new)]
    floor = [ctx.reward_floor] if ctx.reward_floor is not None else []
    axioms += moment_axioms(kernel, [*premises, *floor])
    state = [share, lifetime]
    if ctx.new_share < ctx.old_share:  # the switch rule's condition for lowering the share
        exhausted = ctx.readings("exhausted")
        if exhausted.arg("value") != "True":
            raise Refused("target", "invalid", "the search share may be lowered only once every other technique is exhausted")
        state.append(exhausted)
    goal = target_goal(ctx, deadline, share_term, lifetime_term)
    return charged(budget, lambda: kernel.smt(goal, [*premises, *floor, *axioms, *state], budget.rlimit(rlimit)))


def moment_axioms(kernel: Kernel, premises: Sequence[Theorem]) -> list[Theorem]:
    """The uncertainty axioms for the moments that the premises mention, instantiated at their ranges."""
    found: list[Theorem] = []
    seen = set()
    for premise in premises:
        for t in subterms(premise.statement):
            if t.kind == "app" and t.name == "uniform-moment" and all(a.is_const for a in t.args) and t not in seen:
                seen.add(t)
                k, lo, hi = t.args
                found.append(kernel.instantiate(kernel.axiom(f"uniform-moment-{k.name}"), [lo, hi]))
    return found


def reward_floor_after(ctx: SwitchContext, premises: Sequence[Theorem], budget: Budget, rlimit: int) -> Theorem | None:
    """(>= (mean-reward new) r) for the reward floor r of the old solver, to carry over."""
    if ctx.reward_floor is None:
        return None
    r = ctx.reward_floor.statement.args[1]
    goal = mk(">=", app("mean-reward", [solver_constant(ctx.new.program, ctx.new.name)], REAL), r)
    try:
        return charged(budget, lambda: ctx.kernel.smt(goal, [*premises, ctx.reward_floor], budget.rlimit(rlimit)))
    except Refused:
        return None


# --- the table of tactics -------------------------------------------------------------------


@dataclass(frozen=True)
class Tactic:
    """One tactic of `apply-rule`, called as (apply-rule 'name arg ... steps): the last argument is
    always the step budget. The arguments at `handles` are theorem handles (or lists of them),
    which the searcher turns into theorems before `run` sees them; the others are data."""

    name: str
    handles: tuple[int, ...]
    run: Callable[[SwitchContext, list[Any], Budget, int], Any]  # (context, arguments, budget, rlimit)


def both_facts(c: SwitchContext, args: list[Any], budget: Budget, rlimit: int) -> list[Theorem]:
    """The facts about the old solver and, if the switchprog changes it, the new one."""
    return facts(c, c.old, args[0], budget, rlimit) + \
        (facts(c, c.new, args[0], budget, rlimit) if c.new.program is not c.old.program else [])


TACTICS: dict[str, Tactic] = {t.name: t for t in (
    Tactic("facts", (), both_facts),  # (apply-rule 'facts method steps)
    Tactic("obligation", (1,), lambda c, a, budget, rlimit: obligation(c, a[0], a[1], budget, rlimit)),  # kind facts
    Tactic("reward-order", (0,), lambda c, a, budget, rlimit: reward_order(c, a[0], budget, rlimit)),  # premises
    Tactic("rewards", (0,), lambda c, a, budget, rlimit: rewards(c, a[0], budget, rlimit)),  # facts
    Tactic("costs", (0,), lambda c, a, budget, rlimit: costs(c, a[0], budget, rlimit)),  # facts
    Tactic("target", (0,), lambda c, a, budget, rlimit: target(c, a[0], a[1], budget, rlimit)),  # premises deadline
)}


__all__ = ["SwitchContext", "Budget", "OutOfBudget", "TACTICS", "Tactic", "facts", "obligation", "reward_order", "rewards", "costs",
           "target", "target_goal", "target_statement", "reward_floor_after", "Lt", "SORTS", "ToReal"]
