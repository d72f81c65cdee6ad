"""The one clock (godelmachine/search/clock.py): what it reads inside and outside a trial, and
budgets as views of it."""

from __future__ import annotations

import pytest

from godelmachine.lang.interpreter import Evaluator
from godelmachine.lang.program import Program
from godelmachine.lang.values import OutOfSteps
from godelmachine.search.clock import Budget, Clock, OutOfBudget

TRIAL = Program.from_source("(define (technique) 0)")


def test_the_clock_splits_solver_and_search_steps() -> None:
    clock = Clock(1_000)
    clock.charge_solver(300)
    clock.charge(50)
    assert (clock.now, clock.solver_steps, clock.search_steps, clock.left()) == (350, 300, 50, 650)


def test_inside_a_trial_the_clock_reads_the_trials_steps_and_charges_them_at_its_end() -> None:
    clock = Clock(1_000)
    clock.charge_solver(100)
    evaluator = Evaluator(TRIAL, 40)
    with clock.trial(evaluator):
        evaluator.charge(7)
        clock.charge(3)  # search work inside the trial is counted by the trial's evaluator
        assert (clock.now, evaluator.steps, clock.search_steps) == (110, 10, 0)
        with pytest.raises(OutOfSteps):  # and stops the trial at its budget
            clock.charge(31)
    assert (clock.now, clock.search_steps) == (140, 40)


def test_a_trial_off_the_books_is_read_but_not_charged() -> None:
    clock = Clock(1_000)
    evaluator = Evaluator(TRIAL, 40)
    with clock.trial(evaluator, charged=False):
        evaluator.charge(5)
        assert clock.now == 5
    assert clock.now == 0


def test_a_budget_is_the_clock_with_a_limit() -> None:
    clock = Clock(1_000)
    budget = clock.budget(100)
    budget.spend(60)
    assert (budget.left(), clock.now, budget.paid is clock.paid) == (40, 60, True)
    clock.charge_solver(50)  # anything that advances the clock spends the view too
    assert budget.left() == 0
    with pytest.raises(OutOfBudget):
        budget.rlimit(10)
    assert Budget(clock, until=clock.lifetime).left() == 890
