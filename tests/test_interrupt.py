"""Ctrl-C: a real SIGINT to a real `godelmachine run` stops the run at a clean point, during a Z3
query too, with a log that is a prefix of the uninterrupted run's; `run --resume` then ends
with the uninterrupted log, byte for byte; a second Ctrl-C exits at once (issue 12 item 5).

The task sums fifth powers in a loop: the closed-form technique's induction proofs keep Z3 busy
for most of the run (queries of 20 to 600 ms here). The command line runs under a small wrapper
that writes a trace line when a Z3 query starts and ends and when a record is written, so that
the test can send the signal while a query is running, and check afterwards that it did.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import REPO

TASK = """(task pow5
  (description |the sum of i^5 for i = 1..n, in a loop|)
  (lifetime 3000000)
  (search-share 1 5)
  (instance ((n int)) (uniform-int n 0 1000))
  (solver
    (define (solve n)
      (for (i 1 n) (acc 0) (+ acc (* (* (* i i) (* i i)) i)))))
  (reward exact
    (define (check n y) (= (* 12 y) (* (* n n) (* (* (+ n 1) (+ n 1)) (- (+ (* 2 (* n n)) (* 2 n)) 1))))))
  (initial-reward 1)
  (techniques (closed-form 8) (algebraic 2) (share 1)))
"""

# `godelmachine ARGS...` with a trace: "s T" and "e T" around every Z3 query (T: the monotonic
# clock, shared by all processes), "r TYPE" for every record the run writes.
WRAPPER = """
import sys, time, z3
from godelmachine.machine import log
trace = open(sys.argv[1], "a", buffering=1)
check, write = z3.Solver.check, log.RunLog.write
def traced_check(self, *args):
    trace.write(f"s {time.monotonic()}\\n")
    try:
        return check(self, *args)
    finally:
        trace.write(f"e {time.monotonic()}\\n")
def traced_write(self, record):
    write(self, record)
    trace.write(f"r {record['type']}\\n")
z3.Solver.check, log.RunLog.write = traced_check, traced_write
from godelmachine.cli.main import main
sys.argv = ["godelmachine", *sys.argv[2:]]
main()
"""


class Run:
    """One `godelmachine run` under the wrapper, watched through its trace."""

    def __init__(self, tmp_path: Path, name: str, *args: str) -> None:
        self.trace = tmp_path / f"{name}.trace"
        self.process = subprocess.Popen([sys.executable, "-c", WRAPPER, str(self.trace), *args, "--json"], cwd=REPO,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.sent: list[float] = []

    def lines(self) -> list[str]:
        try:
            text = self.trace.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return text.split("\n")[:-1]

    def queries_in_run(self) -> int:
        """Z3 queries started since the header was written (the run's, not the axiom checks')."""
        lines = self.lines()
        if "r header" not in lines:
            return 0
        return sum(1 for line in lines[lines.index("r header"):] if line.startswith("s "))

    def wait_for(self, ready) -> None:
        deadline = time.monotonic() + 120
        while not ready():
            assert self.process.poll() is None, f"the run ended first: {self.process.stderr.read()}"
            assert time.monotonic() < deadline, "waited two minutes"
            time.sleep(0.001)

    def interrupt(self) -> None:
        self.sent.append(time.monotonic())
        self.process.send_signal(signal.SIGINT)

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=120)
        return self.process.returncode, out, err

    def spans(self) -> list[tuple[float, float | None]]:
        """(start, end) of every Z3 query, end None for one the process did not live to finish."""
        spans: list[tuple[float, float | None]] = []
        for line in self.lines():
            if line.startswith("s "):
                spans.append((float(line[2:]), None))
            elif line.startswith("e "):
                spans[-1] = (spans[-1][0], float(line[2:]))
        return spans

    def busy_at(self, moment: float) -> bool:
        """Was Z3 working on a query at `moment`?"""
        return any(start <= moment and (end is None or moment <= end) for start, end in self.spans())

    def queries_after(self, moment: float) -> int:
        return sum(1 for start, _ in self.spans() if start > moment)


def run_queries(trace: list[str]) -> list[float]:
    """The durations of the Z3 queries of a run (after its header), from a finished run's trace."""
    lines = trace[trace.index("r header"):]
    starts = [float(line[2:]) for line in lines if line.startswith("s ")]
    ends = [float(line[2:]) for line in lines if line.startswith("e ")]
    return [end - start for start, end in zip(starts, ends)]


def stopped_cleanly(code: int, out: str, err: str, log: Path, reference: bytes) -> int:
    """A clean stop: exit 130, the message, and a log of whole records that the uninterrupted
    run also wrote, ending at or before the clock the message names. The clock."""
    assert code == 130, err
    partial = log.read_bytes()
    assert partial.endswith(b"\n") and reference.startswith(partial)
    stopped = json.loads(out)
    assert stopped["interrupted"] is True and stopped["resume"] == f"godelmachine run --resume {log}"
    clock = stopped["clock"]
    assert f"interrupted at clock {clock}; resume with: godelmachine run --resume {log}" in err
    assert "stopping at the next clean point (Ctrl-C again to exit at once)" in err
    records = [json.loads(line) for line in reference.decode().splitlines()]
    written = partial.count(b"\n")
    assert records[written - 1].get("clock", 0) <= clock <= records[written]["clock"]
    return clock


def test_ctrl_c_stops_at_a_clean_point_during_z3_queries_and_the_resumed_run_ends_byte_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # every start decides its axiom checks with Z3 (the cache would answer them at once), so
    # that the first Ctrl-C below lands in those queries
    monkeypatch.setenv("GODELMACHINE_CACHE", "off")
    task = tmp_path / "pow5.task"
    task.write_text(TASK, encoding="utf-8")
    log = tmp_path / "run.jsonl"

    # the uninterrupted run, and which of its Z3 queries take long enough to be hit
    uninterrupted = Run(tmp_path, "reference", "run", str(task), "--log", str(tmp_path / "reference.jsonl"))
    code, _, err = uninterrupted.finish()
    assert code == 0, err
    reference = (tmp_path / "reference.jsonl").read_bytes()
    durations = run_queries(uninterrupted.lines())
    # the two longest queries (a fifth to half a second here), in the order they come
    longest = sorted(sorted(range(len(durations)), key=lambda i: durations[i])[-2:])
    assert len(longest) == 2 and min(durations[i] for i in longest) >= 0.05, durations
    earlier, later = (i + 1 for i in longest)  # numbered from 1: the n-th query of the run

    # 1. Ctrl-C while Z3 checks the axioms, before the run starts: it stops at clock 0
    first = Run(tmp_path, "1", "run", str(task), "--log", str(log))
    first.wait_for(lambda: len(first.lines()) > 0)
    first.interrupt()
    assert stopped_cleanly(*first.finish(), log, reference) == 0
    assert first.busy_at(first.sent[0]) and log.read_bytes().count(b"\n") == 1  # the header alone

    # 2. Ctrl-C in the middle of a Z3 query of a technique trial, in a resumed run: the trial
    #    stops right after the query, whose answer goes nowhere
    second = Run(tmp_path, "2", "run", "--resume", str(log))
    second.wait_for(lambda: second.queries_in_run() >= earlier)
    second.interrupt()
    clock = stopped_cleanly(*second.finish(), log, reference)
    assert clock > 0 and second.busy_at(second.sent[0]) and second.queries_after(second.sent[0]) == 0

    # 3. Ctrl-C twice in the middle of a later query: the second exits at once, mid-query
    third = Run(tmp_path, "3", "run", "--resume", str(log))
    third.wait_for(lambda: third.queries_in_run() >= later)
    third.interrupt()
    time.sleep(0.005)
    third.interrupt()
    code, _, err = third.finish()
    assert code == 130 and "interrupted again: exiting at once" in err
    assert third.spans()[-1][1] is None  # Z3 was still working on the query when the process exited
    partial = log.read_bytes()
    assert reference.startswith(partial[:partial.rfind(b"\n") + 1])

    # 4. Ctrl-C late in the run, when the searcher has stopped and only the solver runs: just
    #    after the first reward sample that follows the run's last Z3 query (about a third of
    #    the run is left then)
    trace = uninterrupted.lines()
    last_query = max(i for i, line in enumerate(trace) if line.startswith("s "))
    samples = trace[:last_query].count("r reward") + 1
    assert trace.count("r reward") >= samples + 5
    fourth = Run(tmp_path, "4", "run", "--resume", str(log), "--no-batch")  # one instance at a time: the batch
    # path would answer the rest of the run before the Ctrl-C lands (the log is the same either way)
    lines = reference.count(b"\n")
    fourth.wait_for(lambda: fourth.lines().count("r reward") >= samples)
    fourth.interrupt()
    clock = stopped_cleanly(*fourth.finish(), log, reference)
    assert not fourth.busy_at(fourth.sent[0]) and log.read_bytes().count(b"\n") < lines

    # the resumed run ends with the uninterrupted run's log, byte for byte
    last = Run(tmp_path, "5", "run", "--resume", str(log))
    code, out, err = last.finish()
    assert code == 0, err
    assert log.read_bytes() == reference
