"""What the axiom set's checks decided, kept between processes.

Building a run's axiom set checks the kernel's own axioms for consistency, marks those that
follow from the ones before them, and decides each user axiom (godelmachine/logic/axioms.py):
seconds of Z3 for every start of every run, and half a minute for `axioms check` with a lemma.
Those outcomes are a function of the axiom texts, the project's code and Z3's version alone
(every query has a resource limit, so Z3's answers do not depend on the machine or its
load), so they are kept in `$XDG_CACHE_HOME/godelmachine` (default `~/.cache/godelmachine`),
one JSON file per set, named by the digest of:

- the name and SHA-256 of each source text (shipped files, the task's generated axioms, the
  user's files), in load order, and where the kernel's own end and the user's begin;
- the project's version and the SHA-256 of its code (every module of the godelmachine
  package: the checks, and the reader and primitives that make the statements they decide), so
  that a changed check is never answered by an old outcome;
- Z3's full version.

A file is used only when its recorded key is the one computed now and it gives an outcome for
exactly the axioms just read, each naming only axioms of the set; anything else (a missing,
unreadable, malformed or foreign file) is ignored and the checks run again. Only sets that
passed their checks are kept: a refusal is decided afresh each time, with its message.
`log verify` never reads the cache (it re-derives everything a log claims), and
`GODELMACHINE_CACHE=off` turns it off for any command. The cache is trusted as the installed
code is: whoever can write it can write the package, and a run's switches are re-derived
without it by `log verify`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import z3

from godelmachine.version import __version__

FORMAT = 1
STATUSES = ("assumed", "proved", "constraint")


def enabled() -> bool:
    return os.environ.get("GODELMACHINE_CACHE", "on").lower() not in ("off", "0", "no", "false")


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "godelmachine"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The project's version, its code (every module of the package), and Z3's version."""
    digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n{z3.get_full_version()}\n".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package)}\n".encode() + path.read_bytes())
    return digest.hexdigest()


def key(sources: tuple[tuple[str, str], ...], kernel_sources: int) -> str:
    named = [[name, hashlib.sha256(text.encode()).hexdigest()] for name, text in sources]
    return hashlib.sha256(json.dumps([code_digest(), kernel_sources, named]).encode()).hexdigest()


def _path(k: str) -> Path:
    return cache_dir() / f"axioms-{k}.json"


@dataclass(frozen=True)
class Kept:
    """The checks' outcomes for one set: each checked axiom's (status, proved_from, evidence),
    and the set's consistency and its user constraints' consistency."""

    outcomes: dict[str, tuple[str, tuple[str, ...], str]]
    consistency: str
    user_consistency: str


def recall(k: str, checked: list[str], known: set[str]) -> Kept | None:
    """The outcomes kept under key `k`, if they are for exactly the axioms `checked`, each
    naming only axioms in `known`; else None."""
    try:
        data = json.loads(_path(k).read_text(encoding="utf-8"))
        return _valid(data, k, checked, known)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _valid(data: Any, k: str, checked: list[str], known: set[str]) -> Kept | None:
    if type(data) is not dict or data.get("format") != FORMAT or data.get("key") != k:
        return None
    axioms = data["axioms"]
    if type(axioms) is not dict or sorted(axioms) != sorted(checked):
        return None
    if not all(type(data[f]) is str for f in ("consistency", "user_consistency")):
        return None
    outcomes = {}
    for name in checked:
        status, proved_from, evidence = axioms[name]
        if status not in STATUSES or type(evidence) is not str or type(proved_from) is not list:
            return None
        if not all(type(p) is str and p in known for p in proved_from):
            return None
        outcomes[name] = (status, tuple(proved_from), evidence)
    return Kept(outcomes, data["consistency"], data["user_consistency"])


def remember(k: str, kept: Kept) -> None:
    """Keep `kept` under `k` (written whole or not at all; a cache directory that cannot be
    written is no error)."""
    data = {"format": FORMAT, "key": k, "consistency": kept.consistency, "user_consistency": kept.user_consistency,
            "axioms": {name: [status, list(proved_from), evidence]
                       for name, (status, proved_from, evidence) in kept.outcomes.items()}}
    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache_dir(), suffix=".tmp", delete=False) as f:
            json.dump(data, f)
        os.replace(f.name, _path(k))
    except OSError:
        return


__all__ = ["Kept", "enabled", "cache_dir", "key", "recall", "remember"]
