"""Shared helpers for the tests."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI runs on 2 shared cores: no deadlines, a fixed derandomized profile for reproducible runs.
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Runs load the axiom files a user installed with `godelmachine axioms add`; the tests (and the
# command lines they start) must see none but their own.
os.environ["GODELMACHINE_AXIOMS"] = tempfile.mkdtemp(prefix="godelmachine-axioms-")
# Likewise the axiom checks' cache (godelmachine/logic/axiom_cache.py): the tests' own, empty at
# the start of each worker, never the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="godelmachine-cache-")
# And the library of proven rewrites (docs/library.md): an empty folder of the tests' own, so that
# no run reads the user's; a test that learns names its own library with --library.
os.environ["GODELMACHINE_LIBRARY"] = tempfile.mkdtemp(prefix="godelmachine-library-")
# Every `--json` output a test makes, in process or in a command line it starts, is checked
# against its schema (godelmachine/schemas/) before it is printed: a mismatch fails the test.
os.environ["GODELMACHINE_CHECK_SCHEMAS"] = "1"


# --- real runs of the machine, shared by the tests that read logs -------------------------

BANDIT_LIFETIME = 400_000  # bandit switches at about 10,000 steps; a short life keeps the suite fast


# name -> (its recorded log in tests/golden/, the `run` arguments); tests/test_golden_logs.py
GOLDEN_RUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bandit": ("bandit400k", ("bandit", "--lifetime", str(BANDIT_LIFETIME))),
    "sum-to-n": ("sum-to-n", ("sum-to-n",)),
    "rare": ("rare", ("rare",)),
    "rare-empirical": ("rare-empirical", ("rare", "--lifetime", "2000000", "--accept", "empirical")),
}
# the other built-in tasks, each run once by its test: bits and induce at a shorter life than
# their default that still holds both of their switches (bits 6 M: 2 switches from 1.35 M,
# about 13 s; induce 15 M: 2 switches from 7.1 M, about 40 s; at their defaults they took
# 100-120 s each on a slow day of the 2-core machine)
OTHER_GOLDEN_RUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fib": ("fib", ("fib",)),
    "induce": ("induce15m", ("induce", "--lifetime", "15000000")),
    "sort4": ("sort4", ("sort4",)),
    "bits": ("bits6m", ("bits", "--lifetime", "6000000")),
}


def run_cli(task: str, log: Path, *options: str) -> dict:
    from cli_helpers import gm

    done = gm("run", task, "--log", str(log), "--json", *options, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, Path]]:
    """Real runs through the command line, each with its log on disk (about a minute in all)."""
    root = tmp_path_factory.mktemp("runs")
    plan = {name: args for name, (_, args) in GOLDEN_RUNS.items()}
    plan["bandit-again"] = plan["bandit"]
    return {name: (run_cli(args[0], root / f"{name}.jsonl", *args[1:]), root / f"{name}.jsonl") for name, args in plan.items()}


@pytest.fixture(scope="session")
def local_ray():
    """A local Ray on two CPUs for the tests that run jobs as Ray tasks (one xdist group, "ray",
    so that one pytest worker starts it, once); `run_jobs` uses it rather than starting its own."""
    import ray

    from godelmachine.jobs import LOCAL, connect

    connect(ray, LOCAL, 2)
    yield LOCAL
    ray.shutdown()
