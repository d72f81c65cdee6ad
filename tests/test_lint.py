"""The linter (ruff, configured in pyproject.toml) finds nothing in the code, the tests and the benchmarks."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from cli_helpers import REPO


def test_ruff_finds_nothing() -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (it is in the `test` extra)")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "godelmachine", "tests", "benchmarks"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 0, f"ruff found problems:\n{result.stdout}\n{result.stderr}"
