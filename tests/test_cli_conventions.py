"""What every command does alike: --version, help that names values (never Python types),
`tasks` one line per task, and a run that does not overwrite an earlier run's log."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from cli_helpers import gm
from godelmachine.cli.main import app
from godelmachine.machine.task import builtin_tasks
from godelmachine.version import __version__

COMMANDS = [(), ("eval",), ("primitives",), ("tasks",), ("schema",), ("sweep",), ("check",), ("run",), ("log",), ("log", "show"), ("log", "diff"), ("log", "report"),
            ("log", "verify"), ("log", "plot"), ("log", "export"), ("axioms",), ("axioms", "list"),
            ("axioms", "check"), ("axioms", "add"), ("axioms", "remove"), ("library",), ("library", "list"),
            ("library", "show"), ("library", "check"), ("library", "learn"), ("library", "remove"), ("library", "clear")]


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith(f"godelmachine {__version__} (z3 ")


def test_help_shows_no_python_type_names() -> None:
    for command in COMMANDS:
        result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.output
        found = re.findall(r"<(?:str|int|bool|path|float|list\[[^\]]*\])[^>]*>", result.output)
        assert found == [], (command, found)


def test_tasks_prints_one_line_per_task() -> None:
    result = CliRunner().invoke(app, ["tasks"], terminal_width=40)  # narrow: still one line each
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == list(builtin_tasks())
    assert "10,000,000 steps  share 1/5" in next(line for line in lines if line.startswith("sum-to-n"))


def test_a_run_does_not_overwrite_a_log_without_force(tmp_path: Path) -> None:
    log = tmp_path / "bandit.jsonl"
    log.write_text("an earlier run's log\n")
    refused = gm("run", "bandit", "--lifetime", "20000", "--log", str(log))
    assert refused.returncode == 2 and f"{log}: a log is there already" in refused.stderr and "--force" in refused.stderr
    assert log.read_text() == "an earlier run's log\n"  # untouched
    forced = gm("run", "bandit", "--lifetime", "20000", "--log", str(log), "--force", "--json")
    assert forced.returncode == 0, forced.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[0]["type"] == "header" and records[-1]["type"] == "end"


def test_check_reads_a_task_and_runs_its_solver_on_samples(tmp_path: Path) -> None:
    task = tmp_path / "div.task"
    task.write_text("(task div\n  (lifetime 1000)\n  (instance ((n int)) (uniform-int n -5 5))\n"
                    "  (solver (define (solve n) (div 10 n)))\n  (reward exact (define (check n y) (= y (div 10 n)))))\n")
    done = gm("check", str(task), "--samples", "200", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (trap,) = report["traps"]  # n = 0, about one sample in eleven
    assert trap["trap"] == "division-by-zero" and trap["position"] == f"{task}:4:29" and trap["first_instance"] == "n = 0"
    assert report["answered"] + trap["count"] == 200 and 5 <= trap["count"] <= 40
    assert report["cost"] == {"min": 2, "mean": 2.0, "max": 2} and report["mean_expected_reward"] == "1"
    text = gm("check", str(task))
    assert "trap: division-by-zero at" in text.stdout and "cost per instance: 2 to 2 steps" in text.stdout
    broken = tmp_path / "broken.task"
    broken.write_text(task.read_text().replace("(uniform-int n -5 5)", "(uniform-int n 5 -5)"))
    refused = gm("check", str(broken))
    assert refused.returncode == 2 and f"{broken}:3:38: error: the range of n is empty" in refused.stderr
