"""Refactoring keeps the machine's behaviour: runs of every built-in task write, byte for byte,
the logs recorded in `tests/golden/` (gzip-compressed JSON lines).

A log holds every clock reading, reward sample, refusal, switch, proof certificate and figure
of a run, so a change anywhere in the solver's execution, the clock, the proof searcher or the
kernel that alters what the machine does shows up here as the first record that differs.
Z3's resource counts (and so the clock) depend on Z3's version: the logs were recorded with
the Z3 their headers name, and under another Z3 the comparison is skipped, saying so.

When a change is meant to alter runs (a new technique, a new axiom), record the logs again
with `python tests/golden/record.py` and say in the commit why they changed.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import z3

from conftest import GOLDEN_RUNS, OTHER_GOLDEN_RUNS, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"


def golden(name: str) -> bytes:
    return gzip.decompress((GOLDEN / f"{name}.jsonl.gz").read_bytes())


def assert_same_log(made: bytes, name: str) -> None:
    recorded = golden(name)
    header = json.loads(recorded.split(b"\n", 1)[0])
    if header["z3"] != z3.get_version_string():
        pytest.skip(f"{name}: recorded with Z3 {header['z3']}, this is Z3 {z3.get_version_string()}")
    if made == recorded:
        return
    ours, theirs = made.split(b"\n"), recorded.split(b"\n")
    first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    mine = ours[first][:300].decode() if first < len(ours) else "(the log ends)"
    recorded_line = theirs[first][:300].decode() if first < len(theirs) else "(the log ends)"
    pytest.fail(f"{name}: record {first + 1} differs from tests/golden/{name}.jsonl.gz\n"
                f"  made:     {mine}\n  recorded: {recorded_line}")


# the session's shared runs (tests/conftest.py) are compared, at no extra cost
@pytest.mark.xdist_group("runs")
@pytest.mark.parametrize("name", ["bandit", "sum-to-n", "rare", "rare-empirical"])
def test_the_shared_runs_write_the_recorded_logs(runs, name):
    assert_same_log(runs[name][1].read_bytes(), GOLDEN_RUNS[name][0])


@pytest.mark.parametrize("task", list(OTHER_GOLDEN_RUNS))
def test_every_other_built_in_task_writes_its_recorded_log(task, tmp_path):
    name, args = OTHER_GOLDEN_RUNS[task]
    log = tmp_path / f"{name}.jsonl"
    run_cli(args[0], log, *args[1:])
    assert_same_log(log.read_bytes(), name)


def test_a_changed_record_is_reported_with_its_number():
    recorded = golden("fib")
    lines = recorded.split(b"\n")
    lines[3] = lines[3].replace(b'"clock":', b'"clock": ', 1)
    with pytest.raises(pytest.fail.Exception, match="record 4 differs"):
        assert_same_log(b"\n".join(lines), "fib")
