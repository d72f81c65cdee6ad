"""The rewrite log: append-only JSONL, each record flushed and synced to disk as it is written.

One JSON object per line, keys sorted, no spaces, so that the same run always writes the same
bytes. Record types (the schema is documented in docs/log.md):

    header    task, seed, versions, lifetime, share, axiom files and their SHA-256, initial solver
    reward    periodic samples: clock, instances, reward
    switch    clock, technique, switchprog, code before and after, target theorem, the proof
              certificate, axioms used, state readings, the utility bounds of both branches
    refusals  candidates refused since the last such record, counted by status, with examples
    end       clock, instances, reward, switches, time to the first switch
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SCHEMA = 1


def encode(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class RunLog:
    """Writes records to `path` (or only keeps them, when `path` is None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []
        self.file = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.file = open(path, "w", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        if self.file is not None:
            self.file.write(encode(record) + "\n")
            self.file.flush()
            os.fsync(self.file.fileno())

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def read_log(path: Path) -> list[dict[str, Any]]:
    """The records of a log; a UserError names the first line that is not a record."""
    from godelmachine.errors import Pos, UserError

    records = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the log ({exc})") from None
    for number, line in enumerate(text.splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"not a JSON record ({exc.msg})", Pos(str(path), number, exc.colno)) from None
        if not isinstance(record, dict) or "type" not in record:
            raise UserError("a log record is a JSON object with a type", Pos(str(path), number, 1))
        records.append(record)
    return records
