"""Shared fixtures for the logic tests: an axiom set with an instance distribution."""

from __future__ import annotations

from functools import cache

from godelmachine.logic.axioms import AxiomSet, load_axioms

SUM_ENVIRONMENT = """(class environment)
; n is uniform on 0..1,000,000; the output of a solver is an Int.
(distribution instance ((n Int)) (uniform-int n 0 1000000))
(declare-fun reward-of (Int Int) Real)
(axiom reward-in-range (forall ((n Int) (y Int)) (and (<= 0.0 (reward-of n y)) (<= (reward-of n y) 1.0))))
"""

SMALL_ENVIRONMENT = """(class environment)
(distribution instance ((n Int)) (uniform-int n 0 12))
(declare-fun reward-of (Int Int) Real)
(axiom reward-is-exactness (forall ((n Int) (y Int)) (= (reward-of n y) (ite (= y (* n n)) 1.0 0.0))))
"""


# Both are passed as `generated`: they stand for a task's generated environment axioms, which
# declare the environment's vocabulary (reward-of, the instance distribution). A user's file may not.


@cache
def sum_axioms() -> AxiomSet:
    return load_axioms(generated=[("tests/sum-environment.axioms", SUM_ENVIRONMENT)])


@cache
def small_axioms() -> AxiomSet:
    return load_axioms(generated=[("tests/small-environment.axioms", SMALL_ENVIRONMENT)])


# Proofs for the logic tests, made the way the machine makes them: the goal from the proof
# searcher's own goal builder and counterexample search (godelmachine/search/obligations.py, as
# search/tactics.py's `obligation` uses them), and the proof from the kernel's rules directly.


def obligation(kind: str, kernel, old, new, extra=None, lemmas=(), rlimit=None):
    """The obligation's theorem by the kernel's `smt` rule; if Z3 answers unknown, the search
    for a counterexample that running both programs confirms turns the refusal into `refuted`."""
    from godelmachine.logic.kernel import Refused
    from godelmachine.search.obligations import obligation_goal, search_counterexample

    goal, definitions = obligation_goal(kind, kernel, old, new, extra)
    premises = [*definitions, *lemmas]
    budget = rlimit or kernel.rlimit
    try:
        return kernel.smt(goal, premises, budget)
    except Refused as refusal:
        if refusal.status != "unknown":
            raise
        found, _ = search_counterexample(kind, kernel, goal, old, new, premises, budget)
        if not found:
            raise
        raise Refused("smt", "refuted", "a counterexample on ground instances of the premises, confirmed on the "
                      "programs", found) from None


def induction(kernel, predicate, variable: str, premises, rlimit=None):
    """forall k >= 0. P(k): the base and the step each by the kernel's `smt`, then its `induction`."""
    from godelmachine.logic.kernel import induction_goals

    base_goal, step_goal, _ = induction_goals(predicate, variable)
    base = kernel.smt(base_goal, premises, rlimit)
    step = kernel.smt(step_goal, premises, rlimit)
    return kernel.induction(predicate, variable, base, step)


def mean_cost(kernel, solver, relation: str, coefficients, lemmas=(), rlimit=None):
    """(mean-cost P) R sum c_m E[x^m] by the kernel's `expect_bound`, from the same bound on the
    cost at every instance of the support, proved by its `smt`."""
    from godelmachine.logic.kernel import monomial, support
    from godelmachine.logic.terms import Add, Implies, Mul, forall, mk, real

    dist = kernel.instance(solver.types)
    _, integrand = kernel.target(solver.program, solver.name, solver.types, "cost")
    parts = [Mul(real(c), monomial(dist, m)) for m, c in coefficients]
    model = Add(*parts) if parts else real(0)
    pointwise = forall(dist.variables, Implies(support(dist), mk(relation, integrand, model)))
    definition = kernel.definition(solver.program, solver.name, solver.types)
    premise = kernel.smt(pointwise, [definition, *lemmas], rlimit)
    return kernel.expect_bound(solver.program, solver.name, solver.types, "cost", relation, coefficients, premise)
