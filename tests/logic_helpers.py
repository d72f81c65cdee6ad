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
