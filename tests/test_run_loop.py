"""The main loop's bookkeeping: every lifetime ends, the share of the steps after a switch is the
one the target theorem assumes, and a solver that traps is reported, not hidden.

Each runs a small task file made here (docs/tasks.md), in a second or two.
"""

from __future__ import annotations

import json
import signal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from godelmachine.cli.main import app
from godelmachine.machine.machine import Machine
from godelmachine.machine.records import read_records
from godelmachine.machine.task import load_task
from godelmachine.search.searcher import SwitchEvent


def task_file(tmp_path: Path, solver: str, share: str = "1 10", name: str = "tiny", extra: str = "") -> Path:
    """A small task whose only technique is closed-form, which has nothing to try on a loop-free
    solver: its searcher is then idle, and takes exactly its share of the steps."""
    path = tmp_path / f"{name}.task"
    path.write_text(f"(task {name}\n  (lifetime 20000)\n  (search-share {share})\n"
                    "  (instance ((n int)) (uniform-int n 0 10))\n"
                    f"  (solver\n    {solver})\n"
                    "  (reward exact (define (check n y) (= y (* 2 n))))\n"
                    f"{extra}  (techniques (closed-form 1)))\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A solver that never traps (one task file for the module: its axioms are checked once)."""
    return task_file(tmp_path_factory.mktemp("tiny"), "(define (solve n) (+ n n))")


# --- issue 20: a lifetime below 40 steps ------------------------------------------------------

def test_every_lifetime_ends_with_at_most_forty_reward_samples(tiny: Path, tmp_path: Path) -> None:
    """Reward samples were taken every lifetime // 40 steps: 0 below 40, and the loop wrote
    reward records forever. An alarm turns a loop that never ends into a failure."""

    def too_long(signum: int, frame: object) -> None:
        raise TimeoutError("a run with a lifetime below 40 steps did not end within 30 s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(30)
    try:
        for lifetime in (1, 39, 40):
            for search in (False, True):
                log = tmp_path / f"run-{lifetime}-{search}.jsonl"
                result = Machine(load_task(str(tiny)), lifetime=lifetime, search=search, log_path=log).run()
                types = [r["type"] for r in read_records(log)]
                assert result.clock == lifetime, (lifetime, search)
                assert types[0] == "header" and types[-1] == "end"
                assert 1 <= types.count("reward") <= min(40, lifetime), (lifetime, search, types.count("reward"))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- issue 20: a switch that raises the search share -----------------------------------------

def test_a_switch_that_raises_the_share_leaves_the_new_solver_its_modelled_steps(tiny: Path) -> None:
    """The target theorem gives the new solver (1 - s')(L - t1) of the steps after a switch at
    t1. Counted on the run's totals, raising s = 1/10 to s' = 1/2 at t1 = L/2 owed the searcher
    (s' - s)/(1 - s') t1 = 0.8 t1 steps at once, and left the new solver a fifth of its steps.
    The switch is made by the machine's own `switch`, with the share as its switchprog."""
    lifetime, t1, raised = 100_000, 50_000, Fraction(1, 2)
    machine = Machine(load_task(str(tiny)), lifetime=lifetime)
    at: dict[str, int] = {}

    def switch_at_t1(m: Machine, result) -> None:
        if not at and m.clock.now >= t1:
            event = SwitchEvent({"share": raised, "summary": f"share 1/10 -> {raised}"}, "test", None, None, [], m.clock.now)
            m.switch(event, result)
            at.update(clock=m.clock.now, solver=m.clock.solver_steps, search=m.clock.search_steps)

    result = machine.run(switch_at_t1)
    assert result.clock == lifetime and [s.share_after for s in result.switches] == [raised]
    # to within one technique trial (the searcher may overrun what it is owed by a trial, and
    # the balance is carried over the switch); on totals the gap was 0.8 t1 = 40,000 steps
    slack = 1_000
    assert abs(at["solver"] - (1 - Fraction(1, 10)) * at["clock"]) <= slack  # before: the old share
    modelled = (1 - raised) * (lifetime - at["clock"])
    assert abs(result.solver_steps - at["solver"] - modelled) <= slack, (result.solver_steps - at["solver"], modelled)
    assert abs(result.search_steps - at["search"] - raised * (lifetime - at["clock"])) <= slack
    assert result.traps == {} and result.first_trap is None  # a solver that never traps: no trap fields,
    assert all("traps" not in r and "first_trap" not in r for r in machine.log.records)  # the log's bytes as before


# --- issue 12 item 6: a solver that traps ---------------------------------------------------

TRAPPING = "(define (solve n) (if (< n 3) (+ n #t) (+ n n)))"  # a type error on n = 0, 1, 2


def test_a_solver_that_traps_is_reported_in_the_summary_the_json_and_the_log(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    task_file(tmp_path, TRAPPING)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    done = runner.invoke(app, ["run", "tiny.task", "--log", "json.jsonl", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    position = "tiny.task:6:35"  # the (+ n #t)
    [traps] = result["traps"]
    assert traps["kind"] == "type-error" and traps["position"] == position
    assert 0 < traps["count"] < result["instances"]  # some instances trap, the others earn
    assert result["reward"] == result["instances"] - traps["count"]
    first = result["first_trap"]
    assert first["kind"] == "type-error" and first["position"] == position
    assert first["detail"] == "+: argument 2 is a bool, not a int"
    [[name, value]] = first["arguments"]
    assert name == "n" and int(value) < 3 and first["instance"] >= 1

    records = read_records(tmp_path / "json.jsonl")
    end = records[-1]
    assert end["traps"] == result["traps"] and end["first_trap"] == first
    samples = [r for r in records if r["type"] == "reward"]
    assert samples[-1]["traps"] == traps["count"]
    assert all(r.get("traps", 0) <= traps["count"] for r in samples)

    shown = runner.invoke(app, ["run", "tiny.task", "--log", "text.jsonl"])
    assert shown.exit_code == 0
    assert f"WARNING: the solver trapped on {traps['count']:,} of {result['instances']:,} instances" in shown.output
    assert f"first trap: {position}: trap: type-error: +: argument 2 is a bool, not a int" in shown.output
    assert (tmp_path / "text.jsonl").read_bytes() == (tmp_path / "json.jsonl").read_bytes()  # deterministic
    logged = runner.invoke(app, ["log", "show", "json.jsonl"])
    assert logged.exit_code == 0 and "the solver trapped (type-error at tiny.task:6:35" in logged.output


def test_a_proven_switch_that_raises_the_share_is_accounted_from_its_clock(tmp_path: Path) -> None:
    """The same through the machine's own path: a solver that doubles n by a loop; after its
    first instance, the closed form with the share raised from 1/10 to 1/2 is set as the
    switchprog, proved and checked as a technique trial (`godelmachine.search.submit`), and
    switched in by the machine. From the switch on, the searcher takes s'/(1 - s') steps per
    solver step, plus what it was owed at the switch under the old share: the new solver keeps
    (1 - s')(L - t1) steps, less that balance (on totals the searcher took (s' - s)/(1 - s') t1
    steps more)."""
    from godelmachine.lang.execute import deep_recursion
    from godelmachine.lang.reader import read, to_value
    from godelmachine.search.submit import submit

    old, raised, lifetime = Fraction(1, 10), Fraction(1, 2), 200_000
    task = task_file(tmp_path, "(define (solve n) (for (i 1 n) (acc 0) (+ acc 2)))", name="loop",
                     extra="  (initial-reward 1)\n")
    machine = Machine(load_task(str(task)), lifetime=lifetime)
    switchprog = to_value(read("((define (solve n) (* 2 n)) (share 1 2))")[0])
    at: dict[str, int] = {}

    def switch_at_t1(m: Machine, result) -> None:
        if at or m.clock.now < lifetime // 2:
            return
        with deep_recursion():
            proved = submit(m.searcher, switchprog, "symbolic", m.clock.left())
        assert proved.accepted, proved.answer
        m.clock.charge(proved.steps)  # submit leaves its steps to the caller
        m.switch(proved.event, result)
        at.update(clock=m.clock.now, solver=m.clock.solver_steps, search=m.clock.search_steps)

    result = machine.run(switch_at_t1)
    [switch] = result.switches
    assert (switch.share_before, switch.share_after, switch.theorem is not None) == (old, raised, True)
    owed_at_switch = old / (1 - old) * at["solver"] - at["search"]  # the balance carried over
    solver, search = result.solver_steps - at["solver"], result.search_steps - at["search"]
    assert solver + search == lifetime - at["clock"]
    assert abs(search - (raised / (1 - raised) * solver + owed_at_switch)) <= 1_000, (solver, search, owed_at_switch)
