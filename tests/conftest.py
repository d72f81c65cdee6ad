"""Shared helpers for the tests."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs on 2 shared cores: no deadlines, a fixed derandomized profile for reproducible runs.
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
