"""Kill and resume: a run killed with SIGKILL anywhere and resumed with `run --resume` ends with
the log an uninterrupted run writes, byte for byte: no record torn, lost or duplicated."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from godelmachine.cli.main import app
from godelmachine.errors import GMError
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import load_task

TASK, LIFETIME = "fib", 1_500_000  # one proven switch at 1,050,316 steps, 44 records
KILLS = 22


def run_to(log: Path) -> None:
    Machine(load_task(TASK), lifetime=LIFETIME, log_path=log).run()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    log = tmp_path_factory.mktemp("reference") / "run.jsonl"
    run_to(log)
    return log.read_bytes()


def whole_lines(log: Path) -> int:
    try:
        return log.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def kill_after(log: Path, lines: int) -> bytes:
    """Run in a forked child and SIGKILL it as soon as its log holds `lines` whole records;
    what the kill left on disk."""
    pid = os.fork()
    if pid == 0:  # the child: run, and never return into pytest
        try:
            run_to(log)
        finally:
            os._exit(0)
    while whole_lines(log) < lines and os.waitpid(pid, os.WNOHANG) == (0, 0):
        time.sleep(0.0002)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return log.read_bytes()


def cli(*args: str) -> tuple[int, str]:
    """The command line in this process: exit code and output, a user error as main() prints it."""
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, GMError):
        return result.exception.exit_code, result.output + result.exception.render()
    return result.exit_code, result.output


def resume(log: Path) -> tuple[int, str]:
    return cli("run", "--resume", str(log), "--json")


def test_killed_runs_resume_to_the_uninterrupted_log(reference: bytes, tmp_path: Path) -> None:
    records = reference.count(b"\n")
    assert records >= 40 and b'"type":"switch"' in reference
    left_behind = set()
    for k in range(KILLS):
        log = tmp_path / f"kill{k}.jsonl"
        partial = kill_after(log, 1 + k * (records - 2) // (KILLS - 1))
        assert reference.startswith(partial[:partial.rfind(b"\n") + 1])  # whole records only, all the run's own
        left_behind.add(len(partial))
        code, output = resume(log)
        assert code == 0, output
        assert log.read_bytes() == reference, f"kill {k} at {len(partial)} bytes"
    assert len(left_behind) >= 20  # 20 or more different kill points


@pytest.mark.parametrize("cut", [0.3, 0.61, 0.97])
def test_a_torn_last_line_is_reported_and_repaired(reference: bytes, tmp_path: Path, cut: float) -> None:
    at = int(len(reference) * cut)
    assert reference[at - 1:at] != b"\n"  # the cut falls inside a record
    log = tmp_path / "torn.jsonl"
    log.write_bytes(reference[:at])
    code, output = cli("run", "--resume", str(log))
    assert code == 0, output
    torn = at - (reference.rfind(b"\n", 0, at) + 1)
    assert f"dropped a torn last line ({torn} bytes" in output
    assert log.read_bytes() == reference


def test_resuming_a_complete_run_changes_nothing(reference: bytes, tmp_path: Path) -> None:
    log = tmp_path / "done.jsonl"
    log.write_bytes(reference)
    code, output = resume(log)
    assert code == 0 and '"complete": true' in output
    assert log.read_bytes() == reference


def test_a_log_the_run_does_not_reproduce_is_refused_untouched(reference: bytes, tmp_path: Path) -> None:
    lines = reference.splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith(b'{"clock"') and b'"type":"reward"' in line)
    lines[n] = lines[n].replace(b'"reward":', b'"reward":1', 1)  # someone edited a reward
    edited = b"".join(lines[:n + 3])
    log = tmp_path / "edited.jsonl"
    log.write_bytes(edited)
    code, output = resume(log)
    assert code == 2
    assert f"{log}:{n + 1}:1: error: the resumed run's reward record differs in 'reward'" in output
    assert log.read_bytes() == edited  # nothing appended, nothing lost


def test_a_log_without_a_whole_header_cannot_be_resumed(reference: bytes, tmp_path: Path) -> None:
    log = tmp_path / "headless.jsonl"
    log.write_bytes(reference[:100])
    code, output = resume(log)
    assert code == 2 and "the log has no whole header record" in output


def test_resume_takes_its_settings_from_the_log(reference: bytes, tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(reference[:reference.index(b"\n") + 1])
    code, output = resume(log)
    assert code == 0
    assert log.read_bytes() == reference
    code, output = cli("run", "fib", "--seed", "3", "--resume", str(log))
    assert code == 2 and "--resume takes the task and every setting from the log; drop TASK, --seed" in output
