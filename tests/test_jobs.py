"""Independent jobs serially and as Ray tasks (godelmachine/jobs.py), `godelmachine sweep`, and
`python -m benchmarks scaling`: results and logs are the same byte for byte whichever way the
jobs ran, a job whose worker is killed runs again and is reported, and none is dropped.

The tests that need Ray share one local Ray on two CPUs (the `local_ray` fixture)."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli_helpers import REPO
from godelmachine.cli.main import app
from godelmachine.errors import EXIT_JOBS_FAILED, UserError
from godelmachine.jobs import LOCAL, Job, ray_address_given, run_jobs
from godelmachine.machine.sweep import parse_seeds

sys.path.insert(0, str(REPO))

ray_tests = pytest.mark.xdist_group("ray")


def test_seeds_read_as_ranges_and_lists() -> None:
    assert parse_seeds("0..3") == (0, 1, 2, 3)
    assert parse_seeds("5, 1..2,5") == (5, 1, 2)  # in the order given, each once
    assert parse_seeds("-2..-1") == (-2, -1)
    for text, message in [("3..1", "the range 3..1 (column 1) is empty: 3 is above 1"),
                          ("0..4,x", "'x' (column 6) is not a seed or a range"), ("1...3", "'1...3'"),
                          ("0..99999999", "more than 100,000 seeds")]:
        with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_seeds(text)


def test_a_bare_ray_option_means_a_local_ray() -> None:
    assert ray_address_given(["sweep", "x", "--ray"]) == ["sweep", "x", "--ray", LOCAL]
    assert ray_address_given(["sweep", "--ray", "x"]) == ["sweep", "--ray", LOCAL, "x"]  # x is the task
    assert ray_address_given(["sweep", "--ray", "--json", "x"]) == ["sweep", "--ray", LOCAL, "--json", "x"]
    assert ray_address_given(["--ray", "10.0.0.5:6379"]) == ["--ray", "10.0.0.5:6379"]
    assert ray_address_given(["--ray", "auto", "x"]) == ["--ray", "auto", "x"]
    assert ray_address_given(["--ray", "ray://head:10001"]) == ["--ray", "ray://head:10001"]


def test_serial_jobs_report_a_failure_and_go_on() -> None:
    seen: list[str] = []
    ends = run_jobs([Job("a", abs, (-3,)), Job("b", int, ("x",)), Job("c", max, (1, 2))],
                    on_done=lambda d: seen.append(d.job.name))
    assert [d.value for d in ends] == [3, None, 2] and seen == ["a", "b", "c"]
    assert ends[1].error == "ValueError: invalid literal for int() with base 10: 'x'" and not ends[1].ok


def sweep(tmp_path: Path, *args: str, lifetime: int = 600_000) -> Any:
    return CliRunner().invoke(app, ["sweep", "sum-to-n", "--lifetime", str(lifetime), *args])


def test_a_sweep_that_loses_a_run_says_so_and_keeps_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from godelmachine.machine import sweep as module

    real = module.run_one

    def flaky(task: str, seed: int, *rest: Any) -> Any:
        if seed == 1:
            raise RuntimeError("disk full")
        return real(task, seed, *rest)

    monkeypatch.setattr(module, "run_one", flaky)
    out = tmp_path / "sweep"
    result = sweep(tmp_path, "--seeds", "0..2", "--out", str(out), "--json")
    assert result.exit_code == EXIT_JOBS_FAILED
    summary = json.loads(result.stdout)
    assert summary == json.loads((out / "summary.json").read_text())
    group = summary["groups"][0]
    assert (group["jobs"], group["ended"]) == (3, 2)
    assert group["failed"] == [{"job": "seed 1, lifetime 600,000", "error": "RuntimeError: disk full", "lost": []}]
    assert sorted(p.name for p in out.iterdir()) == ["seed0.jsonl", "seed2.jsonl", "summary.json"]
    assert [r["ok"] for r in summary["runs"]] == [True, False, True]
    again = sweep(tmp_path, "--seeds", "0..2", "--out", str(out))
    assert isinstance(again.exception, UserError) and "a log is there already (2 of the sweep's 3)" in str(again.exception)


@ray_tests
def test_a_job_whose_worker_is_killed_runs_again_and_none_is_dropped(local_ray: str, tmp_path: Path) -> None:
    marker = tmp_path / "killed-once"

    def dies_once(x: int) -> int:
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return 2 * x

    def always_dies() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def raises() -> None:
        raise ValueError("bad input")

    ended: list[str] = []
    ends = run_jobs([Job("once", dies_once, (21,)), Job("always", always_dies), Job("raises", raises), Job("abs", abs, (-3,))],
                    ray=local_ray, retries=2, on_done=lambda d: ended.append(d.job.name))
    assert sorted(ended) == ["abs", "always", "once", "raises"]  # every job ends, once
    once, always, raised, plain = ends
    assert once.ok and once.value == 42 and len(once.attempts) == 1 and "WorkerCrashedError" in once.attempts[0]
    assert not always.ok and len(always.attempts) == 3 and always.error.startswith("lost 3 times")
    assert not raised.ok and raised.error == "ValueError: bad input" and raised.attempts == []  # not run again
    assert plain.ok and plain.value == 3


@ray_tests
def test_a_sweep_on_ray_writes_the_serial_sweeps_logs_byte_for_byte(local_ray: str, tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "ray"
    lifetime = 2_000_000  # sum-to-n proves its closed form at 1.1 M to 1.8 M steps on these seeds
    assert sweep(tmp_path, "--seeds", "0..3", "--out", str(serial), "--json", lifetime=lifetime).exit_code == 0
    done = sweep(tmp_path, "--seeds", "0..3", "--out", str(parallel), "--json", "--ray", local_ray, lifetime=lifetime)
    assert done.exit_code == 0
    logs = sorted(p.name for p in serial.glob("*.jsonl"))
    assert logs == [f"seed{s}.jsonl" for s in range(4)] == sorted(p.name for p in parallel.glob("*.jsonl"))
    for name in logs:
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name
    single = tmp_path / "run3.jsonl"  # and a sweep's run is the run `godelmachine run` makes
    ran = CliRunner().invoke(app, ["run", "sum-to-n", "--seed", "3", "--lifetime", str(lifetime), "--log", str(single), "--json"])
    assert ran.exit_code == 0 and single.read_bytes() == (serial / "seed3.jsonl").read_bytes()

    def figures(path: Path) -> Any:
        summary = json.loads((path / "summary.json").read_text())
        return summary["groups"], [{k: v for k, v in r.items() if k not in ("wall_seconds", "log")} for r in summary["runs"]]

    assert figures(serial) == figures(parallel)
    group = figures(serial)[0][0]
    assert group["ended"] == 4 and group["failed"] == [] and group["reward"]["min"] <= group["reward"]["max"]
    assert [s["runs"] for s in group["switches"] if s["technique"] == "closed-form"] == [4]  # every seed proves it


@ray_tests
def test_the_scaling_benchmark_finds_ray_and_serial_results_identical(local_ray: str) -> None:
    from benchmarks import scaling

    rows = scaling.measure(quick=True, ray=local_ray)
    assert [r["identical"] for r in rows] == [True, True] and all(r["jobs_results"] > 0 for r in rows)
