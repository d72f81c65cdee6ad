"""The machine's one clock: every step of a run is charged here, and budgets are views of it.

A run's time is one count of steps. The machine owns the clock; the proof searcher, the
tactics and the machine's own work after a switch charge it, and nothing else keeps time:

    solver instances       charge_solver(steps)
    technique trials       trial(evaluator): while a trial runs its evaluator counts its steps
                           (the interpreter's, and everything the trial's primitives charge);
                           the clock reads them as they go, and adds them when the trial ends
    idle search time, the switchprog's cost, the reward floor proved after a switch,
    tactics' kernel and Z3 work
                           charge(steps), directly or through a Budget

`now` is therefore the same reading everywhere: between trials, the solver's and the search's
steps so far; inside a trial, those plus the trial's own steps (what `state2theorem clock`
reads). The clock knows the lifetime, what is left of it, the split between solver and search
steps, and the theorems whose cost it has been charged already (`paid`: a theorem cited again
costs nothing more).

A `Budget` is the clock with a limit: what a tactic (or the machine's reward-floor proof) may
still spend before the clock reads `until`, charged to the clock. It lives here, below the
machine (`godelmachine/machine/`), so that the proof searcher can be given the clock without
the machine.
"""

from __future__ import annotations

import weakref
from contextlib import contextmanager
from typing import Iterator

from godelmachine.lang.interpreter import Evaluator
from godelmachine.logic.kernel import RLIMIT_PER_STEP, Theorem


class OutOfBudget(Exception):
    """The technique's budget cannot pay for the next step."""


class Clock:
    """Steps since the run started, split into the solver's and the proof searcher's."""

    __slots__ = ("lifetime", "solver_steps", "search_steps", "running", "paid")

    def __init__(self, lifetime: int) -> None:
        self.lifetime = lifetime
        self.solver_steps = 0
        self.search_steps = 0  # search steps of finished trials, idle time, switches and floor proofs
        self.running: Evaluator | None = None  # the technique trial under way, which counts its own steps
        self.paid: weakref.WeakSet[Theorem] = weakref.WeakSet()  # theorems whose cost has been charged

    @property
    def now(self) -> int:
        """The clock's reading: every step so far, those of the trial under way included."""
        if self.running is None:  # between trials: the main loop reads this once or twice per instance
            return self.solver_steps + self.search_steps
        return self.solver_steps + self.search_steps + self.running.steps

    def left(self) -> int:
        """Steps left to the end of the lifetime."""
        return self.lifetime - self.now

    def charge_solver(self, steps: int) -> None:
        """A solver instance took `steps`."""
        self.solver_steps += steps

    def charge(self, steps: int) -> None:
        """Search work took `steps`. Inside a trial the trial's evaluator counts them, and stops
        the trial (OutOfSteps) when its budget is spent, or at a requested Ctrl-C."""
        if self.running is not None:
            self.running.charge(steps)
        else:
            self.search_steps += steps

    @contextmanager
    def trial(self, evaluator: Evaluator, charged: bool = True) -> Iterator[Evaluator]:
        """While inside, `evaluator` runs a technique trial on this clock: the clock reads its
        steps as they go. When the trial ends they are charged as search steps; `charged=False`
        leaves them to the caller (a switchprog submitted outside the main loop,
        godelmachine/search/submit.py). A trial stopped by an exception (Ctrl-C) charges nothing:
        the machine cannot go on."""
        self.running = evaluator
        try:
            yield evaluator
        finally:
            self.running = None
        if charged:
            self.search_steps += evaluator.steps

    def budget(self, steps: int) -> "Budget":
        """A view of the clock that may spend `steps` more from now (a trial's evaluator still
        stops the trial at its own budget)."""
        return Budget(self, self.now + steps)


class Budget:
    """The clock with a limit: what a tactic may still spend before the clock reads `until`,
    charged to the clock; `paid` is the clock's set of theorems already paid for."""

    __slots__ = ("clock", "until")

    def __init__(self, clock: Clock, until: int) -> None:
        self.clock = clock
        self.until = until

    @property
    def paid(self) -> weakref.WeakSet[Theorem]:
        return self.clock.paid

    def left(self) -> int:
        return max(0, self.until - self.clock.now)

    def spend(self, steps: int) -> None:
        self.clock.charge(steps)

    def rlimit(self, wanted: int) -> int:
        """Z3's resource limit for a query that wants `wanted`, within what is left."""
        left = self.left()
        if left <= 0:
            raise OutOfBudget()
        return max(1, min(wanted, left * RLIMIT_PER_STEP))


__all__ = ["Clock", "Budget", "OutOfBudget"]
