"""The machine's batch path: solver instances evaluated many at a time, consumed on the exact clock.

The scalar main loop (godelmachine/machine/machine.py) runs one instance, charges its steps,
and after each one decides what comes next: a reward sample when the clock passes the next
sample point, a technique trial when the proof searcher is owed steps, idle search time when
the searcher has nothing left to try, the end when the lifetime is spent. The batch path gives
the same run, record for record:

- `InstanceStream` draws the instances exactly as the scalar loop did (the same numpy calls on
  the same generator, `BATCH` at a time), as columns.
- `BatchPath` evaluates the current solver and the reward rule on the next lanes of the stream
  with the numpy back end (godelmachine/lang/batch.py): per lane, the steps, the reward (or the
  bernoulli chance) and whether the lane must run on the scalar path (a trap, a budget, a long
  loop). Lanes evaluated and not yet consumed stay valid until the solver changes.
- `walk` finds how many of those lanes the scalar loop would have run before doing anything
  else, from the running sums of their steps: the first lane after which a sample is due or the
  lifetime ends, the first lane before which the searcher is owed steps, the first deferred
  lane. While the searcher is idle (every technique exhausted or waiting, which lasts until
  the next switch, since only a trial changes it), the idle time it takes after each instance is
  a closed form of the solver's running total, so that walk passes over idle charges too.
  `walk_reference` is the same walk one lane at a time, the loop's own logic; it decides when
  the numbers are too large for int64, and the tests hold the two equal.

The machine then charges the clock, counts the instances and rewards (bernoulli rewards draw
from the reward generator in instance order, only for the instances that completed, as the
scalar loop draws them) and goes on. A deferred lane runs on the scalar path, which also counts
its traps. Logs are byte-identical either way; tests/test_batch_run.py runs every built-in task
both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from godelmachine.lang.batch import batched
from godelmachine.lang.program import Program
from godelmachine.machine.task import BERNOULLI_SCALE, REWARD_BUDGET, Task, draw_columns, finite_table, python_values

BATCH = 256  # instances drawn from the generator at a time (a fixed size keeps runs reproducible)
FIRST_LANES = 256  # lanes evaluated at first for a new solver; doubled each time all are used
MAX_LANES = 65536
MOSTLY_DEFERRED = 0.5  # a solver deferring more of its lanes than this runs on the scalar path


def share_lag(share: Fraction, solver: int, search: int, base_solver: int, base_search: int,
              carry: Fraction | int) -> Fraction | int:
    """How far the search steps lag their share: solver steps * s - search steps * (1 - s) since
    the share was last changed, plus the balance carried over then, in units of 1/denominator."""
    n, rest = share.numerator, share.denominator - share.numerator
    lag = (solver - base_solver) * n - (search - base_search) * rest
    return lag + carry * rest if carry else lag  # carry is the int 0 until a switch changes the share to one not 0


def owed_steps(share: Fraction, solver: int, search: int, base_solver: int, base_search: int,
               carry: Fraction | int) -> int:
    """Steps the proof searcher is owed: its share s of the steps since the share was last
    changed, s/(1-s) per solver step, counted exactly (share_lag), plus the balance carried
    over from before that change."""
    if share == 0:
        return 0
    lag = share_lag(share, solver, search, base_solver, base_search, carry)
    rest = share.denominator - share.numerator
    return -(-lag // rest) if lag > 0 else 0


@dataclass(frozen=True)
class WalkState:
    """The clock and the share's accounts before the next instance (the searcher owes nothing)."""

    solver: int
    search: int
    lifetime: int
    next_sample: int
    share: Fraction
    base_solver: int
    base_search: int
    carry: Fraction | int
    idle: bool

    def owed(self, solver: int, search: int) -> int:
        return owed_steps(self.share, solver, search, self.base_solver, self.base_search, self.carry)


@dataclass(frozen=True)
class Walk:
    """What the scalar loop does with the next lanes: `lanes` run (the last one out of steps
    when `completed` is one less), `solver_steps` and idle `search_steps` charged."""

    lanes: int
    completed: int
    solver_steps: int
    search_steps: int


def walk_reference(steps: np.ndarray, ok: np.ndarray, st: WalkState) -> Walk:
    """The main loop's decisions, one lane at a time."""
    solver, search = st.solver, st.search
    lanes = completed = 0
    target = min(st.next_sample, st.lifetime)
    for s, fine in zip(steps.tolist(), ok.tolist()):
        if not fine:
            break
        lanes += 1
        budget = st.lifetime - solver - search
        if s > budget:  # out of steps: the lifetime ends in this instance
            solver += budget
            break
        solver += s
        completed += 1
        if solver + search >= target:
            break
        owed = st.owed(solver, search)
        if owed > 0:
            if not st.idle:
                break
            search += min(owed, st.lifetime - solver - search)
            if solver + search >= target:
                break
    return Walk(lanes, completed, solver - st.solver, search - st.search)


def walk(steps: np.ndarray, ok: np.ndarray, st: WalkState) -> Walk:
    """`walk_reference`, with numpy on the running sums."""
    n = len(steps)
    if n == 0:
        return Walk(0, 0, 0, 0)
    if float(steps.max()) * n + st.lifetime > 2.0**60:
        return walk_reference(steps, ok, st)
    sums = np.concatenate((np.zeros(1, np.int64), np.cumsum(steps, dtype=np.int64)))
    first_bad = n if ok.all() else int(np.argmin(ok))
    now, target = st.solver + st.search, min(st.next_sample, st.lifetime)
    if st.share == 0 or not st.idle:
        lanes = min(first_bad, int(np.searchsorted(sums[1:], target - now, side="left")) + 1, n)
        if st.share != 0:  # the first lane before which the searcher is owed steps
            lag = share_lag(st.share, st.solver, st.search, st.base_solver, st.base_search, st.carry)
            lanes = min(lanes, int(np.searchsorted(sums, (-lag) // st.share.numerator, side="right")))
        if lanes and now + int(sums[lanes]) > st.lifetime:
            return Walk(lanes, lanes - 1, st.lifetime - now, 0)
        return Walk(lanes, lanes, int(sums[lanes]), 0)
    return idle_walk(sums, first_bad, st)


def idle_walk(sums: np.ndarray, first_bad: int, st: WalkState) -> Walk:
    """The walk while the searcher is idle: after each instance it takes what it is owed, so
    its total is then base_search + ceil((solver - base_solver) s/(1-s) + carry), capped by
    the lifetime."""
    n = len(sums) - 1
    share, carry = st.share, Fraction(st.carry)
    rest = share.denominator - share.numerator
    scale = abs(carry.numerator) * rest + (abs(st.solver) + int(sums[-1]) + abs(st.base_solver)) * share.numerator * carry.denominator
    if scale > 2**60 or rest * carry.denominator > 2**60:
        return walk_reference(np.diff(sums), np.arange(n) < first_bad, st)
    solver = st.solver + sums[1:]  # the solver's total after each lane
    numerator = (solver - st.base_solver) * (share.numerator * carry.denominator) + carry.numerator * rest
    owed_total = st.base_search + (-((-numerator) // (rest * carry.denominator)))
    search = np.minimum(np.maximum(st.search, owed_total), st.lifetime - solver)  # after the idle charge
    before = np.concatenate((np.array([st.search], np.int64), search[:-1]))  # before it
    after_instance = first_true(solver + before >= min(st.next_sample, st.lifetime), n)
    after_charge = first_true(solver + search >= min(st.next_sample, st.lifetime), n)
    key = min(3 * first_bad, 3 * after_instance + 1, 3 * after_charge + 2)
    lane, event = divmod(key, 3)
    if lane >= n:  # every lane ran, each with its idle charge
        return Walk(n, n, int(sums[n]), int(search[n - 1]) - st.search)
    searched = int(before[lane]) if event < 2 else int(search[lane])
    if event == 0:  # stop before a deferred lane
        return Walk(lane, lane, int(sums[lane]), searched - st.search)
    if event == 1 and int(solver[lane]) + searched > st.lifetime:  # out of steps in this lane
        return Walk(lane + 1, lane, st.lifetime - searched - st.solver, searched - st.search)
    return Walk(lane + 1, lane + 1, int(sums[lane + 1]), searched - st.search)


def first_true(flags: np.ndarray, default: int) -> int:
    index = int(np.argmax(flags))
    return index if flags[index] else default


class InstanceStream:
    """The run's instances in drawing order, drawn `BATCH` at a time (as the scalar loop drew
    them), kept as columns until used."""

    def __init__(self, task: Task, distribution: Any, rng: np.random.Generator) -> None:
        self.distribution, self.rng = distribution, rng
        self.columns: list[np.ndarray] | None = None  # until the first draw
        self.start = self.size = 0

    def __len__(self) -> int:
        return self.size - self.start

    def ensure(self, count: int) -> None:
        if len(self) >= count:
            return
        draws = -(-(count - len(self)) // BATCH)
        chunks = [draw_columns(self.distribution, self.rng, BATCH) for _ in range(draws)]
        if self.columns is not None:
            chunks.insert(0, [column[self.start:] for column in self.columns])
        self.columns = [np.concatenate([chunk[i] for chunk in chunks]) for i in range(len(chunks[0]))]
        self.size, self.start = len(self) + BATCH * draws, 0

    def lanes(self, count: int) -> list[np.ndarray]:
        self.ensure(count)
        assert self.columns is not None
        return [column[self.start:self.start + count] for column in self.columns]

    def next(self) -> tuple[Any, ...]:
        """The next instance, as the interpreter's values, used up."""
        self.ensure(1)
        assert self.columns is not None
        instance = tuple(python_values(column[self.start:self.start + 1])[0] for column in self.columns)
        self.start += 1
        return instance

    def advance(self, count: int) -> None:
        self.start += count


@dataclass
class Ahead:
    """Lanes evaluated for one solver and not used yet: steps, whether each can be taken from
    the batch, and its reward (exact: 0 or 1; bernoulli: the chance out of BERNOULLI_SCALE)."""

    solver: Program
    steps: np.ndarray
    ok: np.ndarray
    reward: np.ndarray

    def advance(self, count: int) -> None:
        self.steps, self.ok, self.reward = self.steps[count:], self.ok[count:], self.reward[count:]


class BatchPath:
    """Which solvers run on the batch path, their evaluated lanes, and the run's counts."""

    def __init__(self, task: Task, stream: InstanceStream, enabled: bool = True) -> None:
        self.task, self.stream, self.enabled = task, stream, enabled
        self.ahead: Ahead | None = None
        self.next_lanes = FIRST_LANES
        self.scalar_reasons: dict[str, str] = {}  # solver digest -> why it runs on the scalar path
        self.instances = {"batch": 0, "scalar": 0}
        self.ranges = tuple(marginal_range(m) for m in stream.distribution.marginals)  # the instance integers' bounds

    def lanes_for(self, solver: Program, budget: int) -> Ahead | None:
        """Evaluated lanes for `solver` (evaluating more when they are used up); None when the
        solver runs on the scalar path."""
        if not self.enabled:
            return None
        if self.ahead is not None and self.ahead.solver is solver and len(self.ahead.steps):
            return self.ahead
        if self.ahead is None or self.ahead.solver is not solver:
            self.next_lanes = FIRST_LANES
        self.ahead = None
        if solver.digest in self.scalar_reasons:
            return None
        ahead = self.evaluate(solver, self.next_lanes, budget)
        if isinstance(ahead, str):
            self.scalar_reasons[solver.digest] = ahead
            return None
        self.ahead, self.next_lanes = ahead, min(2 * self.next_lanes, MAX_LANES)
        return ahead

    def evaluate(self, solver: Program, n: int, budget: int) -> Ahead | str:
        task = self.task
        columns = self.stream.lanes(n)
        if any(column.dtype == object for column in columns):
            return "instance integers beyond 64 bits"
        program = batched(solver, "solve", task.types, self.ranges)
        if isinstance(program, str):
            return program
        out = program.call(tuple(columns), n, budget)
        outputs = out.value if isinstance(out.type, tuple) and out.type else (out.value,)
        output_types = out.type if isinstance(out.type, tuple) and out.type else (out.type,)
        ok = ~out.deferred
        reward = np.zeros(n, np.int64)
        if len(columns) + len(outputs) == task.reward_arity:  # else the rule traps: no reward
            rule = batched(task.reward_program, task.reward_entry, (*task.types, *output_types), self.ranges)
            if isinstance(rule, str):
                return f"the reward rule: {rule}"
            verdict = rule.call((*columns, *outputs), n, REWARD_BUDGET)
            ok &= ~verdict.deferred
            reward = rewards(task.reward_kind, verdict.value, verdict.type, n)
        if ok.mean() < 1 - MOSTLY_DEFERRED:
            return "most instances need the scalar path (long loops, traps or budgets)"
        return Ahead(solver, out.steps, ok, reward)

    def summary(self) -> dict[str, Any]:
        """For `--json`: instances run each way, and why solvers ran on the scalar path."""
        return {"enabled": self.enabled, "instances": dict(self.instances),
                "scalar_solvers": [{"solver": digest, "reason": reason} for digest, reason in self.scalar_reasons.items()]}


def marginal_range(m: Any) -> tuple[int, int] | None:
    """Bounds of an integer instance variable, from its law."""
    if m.kind == "uniform-int":
        return (m.lo, m.hi)
    if m.kind == "finite":
        values = finite_table(m)[1]
        if values.dtype == np.int64:
            return (int(values.min()), int(values.max()))
    return None


def rewards(kind: str, value: Any, type_: Any, n: int) -> np.ndarray:
    """The reward rule's values as rewards: exact, 1 where it is true; bernoulli, the chance
    clamped to 0..BERNOULLI_SCALE where it is an integer (anything else is no reward)."""
    if kind == "exact" and type_ == "bool":
        return np.asarray(value, np.int64)
    if kind != "exact" and type_ == "int":
        return np.clip(value, 0, BERNOULLI_SCALE).astype(np.int64)
    return np.zeros(n, np.int64)


def draw_rewards(kind: str, chances: np.ndarray, rng: np.random.Generator) -> int:
    """The reward of completed instances in order: exact rewards as they are; bernoulli ones
    draw from `rng` where the chance is strictly between 0 and certain, as the scalar loop does."""
    if kind == "exact":
        return int(chances.sum())
    uncertain = (chances > 0) & (chances < BERNOULLI_SCALE)
    draws = rng.random(size=int(uncertain.sum()))
    return int((chances == BERNOULLI_SCALE).sum()) + int((draws * BERNOULLI_SCALE < chances[uncertain]).sum())
