"""The shape of every record of a rewrite log, checked before any command reads one.

A log that the machine did not write whole (edited by hand, cut short, from another program)
must give a positioned error, `LOG:LINE:1: error: ...` naming the record and the field, and
never a KeyError deep inside a report. This module checks what the readers (`log show`,
`diff`, `plot`, `verify`, `export`, `axioms list --log`) rely on: the record types and their
order, and each field they read with its JSON type, against the schema
godelmachine/schemas/log-record.schema.json (docs/schemas.md). Whether the values are *true*
(the proofs, the code chain, the hashes) is `log verify`'s business.

A new record type or field goes into that schema, or every log command refuses it; the phrase
an error uses for a field is the schema's `expected` for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from godelmachine import schemas
from godelmachine.errors import Pos, UserError

# The version of the log's shape, written in every header: a reader refuses a log of another.
SCHEMA: int = schemas.schema("log-record")["$defs"]["header"]["properties"]["schema"]["const"]
KINDS: dict[str, dict[str, Any]] = {kind: schemas.schema("log-record")["$defs"][kind]
                                    for kind in schemas.schema("log-record")["properties"]["type"]["enum"]}


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of the log at `path`, each checked by `check_records`.

    Records are split at "\\n" only: the log is written with `ensure_ascii=False`, so a string
    in a record (a |symbol| of the solver's source) may hold U+2028, U+0085 or \\x1c raw,
    which `str.splitlines` would take for line ends."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start}), so not a rewrite log") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the log ({exc.strerror})") from None
    lines = text.split("\n")
    records = parse_records(lines[:-1] if lines[-1] == "" else lines, str(path))
    check_records(records, str(path))
    return records


def parse_records(lines: list[str], path: str, note: str = "") -> list[dict[str, Any]]:
    """Each line as a JSON object with a type; a positioned UserError at the first that is not
    (`note` is added to the message of a line that is not JSON)."""
    records = []
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"not a JSON record ({exc.msg}){note}", Pos(path, number, exc.colno)) from None
        except RecursionError:  # json nests by recursion
            raise UserError("a record nested too deeply to read", Pos(path, number, 1)) from None
        if not isinstance(record, dict) or "type" not in record:
            raise UserError("a log record is a JSON object with a type", Pos(path, number, 1))
        records.append(record)
    return records


class Recovered:
    """The whole records of a log that a kill may have cut short (for `run --resume`), and what
    was torn off its end: the bytes after the last newline, never a whole record."""

    def __init__(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(f"{path}: cannot read the log ({exc.strerror})") from None
        self.whole_bytes = data.rfind(b"\n") + 1
        self.torn = data[self.whole_bytes:]
        self.lines = data[:self.whole_bytes].decode("utf-8", errors="replace").split("\n")[:-1]
        records = parse_records(self.lines, str(path), note="; only the last line can be torn by a kill")
        if not records or records[0]["type"] != "header":
            raise UserError(f"{path}: the log has no whole header record, so there is no run to resume")
        self.header: dict[str, Any] = records[0]
        self.complete = records[-1]["type"] == "end"


def check_records(records: list[dict[str, Any]], path: str) -> None:
    """Refuse, naming the line, a log whose records are not those the machine writes: a header
    first, then reward, refusals and switch records, then at most one end record, last; each
    record as the schema says, and each certificate node's premises earlier nodes."""
    if not records:
        raise UserError(f"{path}: the log is empty (a rewrite log starts with a header record)")
    for i, record in enumerate(records):
        pos = Pos(path, i + 1, 1)
        kind = record.get("type")
        if kind not in KINDS:
            raise UserError(f"unknown record type {kind!r} (a log has header, reward, refusals, switch and end records)", pos)
        if (i == 0) != (kind == "header"):
            raise UserError("the first record must be the header, and only the first" if i else
                            f"not a rewrite log: its first record is a {kind} record, not the header", pos)
        if i > 0 and records[i - 1].get("type") == "end":
            raise UserError("a record after the end record", pos)
        problem = first_problem(record, kind)
        if problem is not None:
            raise UserError(problem, pos)


def first_problem(record: dict[str, Any], kind: str) -> str | None:
    """What is wrong with the record, said of its first wrong field in the schema's order: it has
    no such field, or the field is not what the schema's `expected` says."""
    fields = list(KINDS[kind]["properties"])
    wrong: dict[str, str] = {}
    for error in schemas.validator("log-record").iter_errors(record):
        if error.validator == "required" and not error.path:
            name = next(n for n in error.validator_value if n not in record)
            wrong.setdefault(name, f"the {kind} record has no {name!r} field")
        elif error.path:
            name = str(error.path[0])
            wrong.setdefault(name, f"the {kind} record's {name!r} must be {KINDS[kind]['properties'][name]['expected']}, "
                                   f"not {shown(record[name])}")
    if kind == "switch" and "certificate" not in wrong and isinstance(record.get("certificate"), dict):
        nodes = record["certificate"]["nodes"]
        if any(p >= i for i, node in enumerate(nodes) for p in node["premises"]):
            wrong["certificate"] = (f"the switch record's 'certificate' must be "
                                    f"{KINDS['switch']['properties']['certificate']['expected']}, not {shown(record['certificate'])}")
    return min(wrong.items(), key=lambda item: fields.index(item[0]))[1] if wrong else None


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["SCHEMA", "read_records", "check_records", "Recovered"]
