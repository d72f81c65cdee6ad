"""The rewrite log: append-only JSONL, each record flushed and synced to disk as it is written.

One JSON object per line, keys sorted, no spaces, so that the same run always writes the same
bytes. Record types (the schema is documented in docs/log.md, and checked by records.py):

    header    task, seed, versions, lifetime, share, axiom files and their SHA-256, initial solver
    reward    periodic samples: clock, instances, reward
    switch    clock, technique, switchprog, code before and after, target theorem, the proof
              certificate, axioms used, state readings, the utility bounds of both branches
    refusals  candidates refused since the last such record, counted by status, with examples
    end       clock, instances, reward, switches, time to the first switch

Resuming (`godelmachine run --resume LOG`) re-executes the run from its header: the run is
deterministic, so it writes the same records again, and `RunLog` checks each one against the
record already on disk instead of writing it, then appends from the first record the log does
not have. The log is its own checkpoint (see docs/log.md for why there is no other).
"""

from __future__ import annotations

import json
import os
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from godelmachine.errors import Pos, UserError

if TYPE_CHECKING:
    from godelmachine.machine.records import Recovered


def encode(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ResumeMismatch(UserError):
    """The resumed run wrote a record other than the one the log has at that line."""


class RunLog:
    """Writes records to `path` (or only keeps them, when `path` is None). With `resume`, the
    records already in the file are expected again, in order, and only checked."""

    def __init__(self, path: Path | None, resume: "Recovered | None" = None) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []
        self.file = None
        self.expected: deque[str] = deque()
        self.line = 0
        if resume is not None:  # without a path: a replay, which only compares (log verify --replay)
            self.expected.extend(resume.lines)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if resume is not None:
                with open(path, "r+b") as f:  # drop a torn last line: it is not a record
                    f.truncate(resume.whole_bytes)
                    os.fsync(f.fileno())
            self.file = open(path, "a" if resume is not None else "w", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.line += 1
        text = encode(record)
        if self.expected:
            on_disk = self.expected.popleft()
            if on_disk != text:
                raise ResumeMismatch(mismatch(on_disk, text), Pos(str(self.path), self.line, 1))
            return
        if self.file is not None:
            self.file.write(text + "\n")
            self.file.flush()
            os.fsync(self.file.fileno())

    def abandon(self) -> None:
        """Close the file of a run that stopped before its end (Ctrl-C): every record written is
        already flushed and synced, and the records a resumed run still expected stay as they are."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def close(self) -> None:
        if self.expected:
            raise ResumeMismatch("the log has records after the resumed run's end",
                                 Pos(str(self.path), self.line + 1, 1))
        if self.file is not None:
            self.file.close()
            self.file = None


def mismatch(on_disk: str, written: str) -> str:
    """Which field of a record differs between the log and the resumed run."""
    a, b = json.loads(on_disk), json.loads(written)
    if a.get("type") != b.get("type"):
        return f"the log has a {a.get('type')} record here, the resumed run wrote a {b.get('type')} record"
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            shown = [json.dumps(x)[:80] for x in (a.get(key), b.get(key))]
            return (f"the resumed run's {a['type']} record differs in {key!r}: {shown[0]} in the log, {shown[1]} now "
                    "(a different version, task file or axiom file?)")
    return "the resumed run's record differs from the log's"
