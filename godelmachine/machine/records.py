"""The shape of every record of a rewrite log, checked before any command reads one.

A log that the machine did not write whole (edited by hand, cut short, from another program)
must give a positioned error, `LOG:LINE:1: error: ...` naming the record and the field, and
never a KeyError deep inside a report. This module checks what the readers (`log show`,
`diff`, `plot`, `verify`, `export`, `axioms list --log`) rely on: the record types and their
order, and each field they read with its JSON type (docs/log.md is the schema). Whether the
values are *true* (the proofs, the code chain, the hashes) is `log verify`'s business.

A new record type or field must be added to RECORD_FIELDS, or every log command refuses it.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from godelmachine.errors import Pos, UserError

# The version of the log's shape, written in every header: a reader refuses a log of another.
SCHEMA = 1


def _int(v: Any) -> bool:
    return type(v) is int


def _count(v: Any) -> bool:
    return type(v) is int and v >= 0


def _positive(v: Any) -> bool:
    return type(v) is int and v > 0


def _str(v: Any) -> bool:
    return type(v) is str


def _fraction(v: Any) -> bool:
    try:
        return type(v) is str and 0 <= Fraction(v) < 1
    except (ValueError, ZeroDivisionError):
        return False


def _strs(v: Any) -> bool:
    return type(v) is list and all(type(x) is str for x in v)


def _str_map(kind: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: type(v) is dict and all(type(k) is str and kind(x) for k, x in v.items())


def _optional(kind: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: v is None or kind(v)


def _readings(v: Any) -> bool:
    return type(v) is list and len(v) == 2 and all(_count(x) for x in v)


def _exhaustions(v: Any) -> bool:
    return type(v) is list and all(type(e) is dict and _str(e.get("technique")) and _count(e.get("clock"))
                                   and _count(e.get("reading")) for e in v)


def _techniques(v: Any) -> bool:
    return type(v) is list and all(type(t) is list and len(t) == 2 and _strs(t) for t in v)


def _switchprog(v: Any) -> bool:
    return type(v) is dict and _strs(v.get("definitions")) and _optional(_fraction)(v.get("share"))


def _examples(v: Any) -> bool:
    return type(v) is list and all(
        type(e) is dict and all(_str(e.get(k)) for k in ("technique", "candidate", "rule", "status", "reason"))
        and type(e.get("counterexample")) is list for e in v)


def _traps(v: Any) -> bool:
    return type(v) is list and all(
        type(t) is dict and _str(t.get("kind")) and _optional(_str)(t.get("position")) and _positive(t.get("count"))
        for t in v)


def _first_trap(v: Any) -> bool:
    return type(v) is dict and _str(v.get("kind")) and _count(v.get("clock")) and _positive(v.get("instance")) \
        and type(v.get("arguments")) is list


def _certificate(v: Any) -> bool:
    """Declarations, and nodes whose premises are earlier nodes (a derivation, not a cycle)."""
    if type(v) is not dict or not _strs(v.get("declarations")) or type(v.get("nodes")) is not list or not v["nodes"]:
        return False
    return all(
        type(node) is dict and _str(node.get("rule")) and _str(node.get("statement")) and _strs(node.get("axioms"))
        and type(node.get("premises")) is list and all(type(p) is int and 0 <= p < i for p in node["premises"])
        for i, node in enumerate(v["nodes"]))


# (what the field must be, as the error message says it) for each field of each record type
Field = tuple[Callable[[Any], bool], str]
COUNT: Field = (_count, "an integer >= 0")
TEXT: Field = (_str, "a string")
SHARE: Field = (_fraction, "a fraction in [0, 1) such as \"1/5\"")
COUNTS: Field = (_str_map(_count), "an object of integers >= 0")

RECORD_FIELDS: dict[str, dict[str, Field]] = {
    "header": {
        "schema": (lambda v: v == SCHEMA, f"{SCHEMA}, the schema this version reads"), "version": TEXT, "z3": TEXT, "task": TEXT, "task_file": TEXT,
        "task_sha256": TEXT, "seed": (_int, "an integer"), "lifetime": (_positive, "an integer > 0"), "share": SHARE,
        "mode": (lambda v: v in ("proof", "empirical"), "proof or empirical"),
        "search": (lambda v: type(v) is bool, "true or false"), "axiom_files": (_str_map(_str), "an object of strings"),
        "axiom_consistency": TEXT, "trust?": (lambda v: v in ("assumed", "proved"), "assumed or proved"), "techniques": (_techniques, "a list of [name, prior] strings"), "solver": TEXT,
    },
    "reward": {"clock": COUNT, "instances": COUNT, "reward": COUNT, "solver_steps?": COUNT, "traps?": COUNT},
    "refusals": {"clock": COUNT, "counts": COUNTS, "examples": (_examples, "a list of refused candidates")},
    "switch": {
        "n": (_positive, "an integer > 0"), "clock": COUNT, "technique": TEXT, "summary": TEXT,
        "switchprog": (_switchprog, "an object with definitions (strings) and a share"),
        "before": TEXT, "after": TEXT, "share_before": SHARE, "share_after": SHARE, "switch_cost": COUNT,
        "readings": (_readings, "a pair of integers >= 0"), "accepted": TEXT,
        "exhausted?": (_exhaustions, "a list of {technique, clock, reading}"),
    },
    "end": {
        "clock": COUNT, "instances": COUNT, "reward": COUNT, "solver_steps": COUNT, "search_steps": COUNT,
        "switches": COUNT, "first_switch": (_optional(_count), "an integer >= 0 or null"), "refusals": COUNTS,
        "traps?": (_traps, "a list of traps (kind, position, count)"),
        "first_trap?": (_first_trap, "a trapping instance (kind, clock, instance, arguments, ...)"),
    },
}
# A name ending in "?" is a field that may be missing (logs written before it was added; the
# traps fields are written only by a run whose solver trapped).
# the fields of a switch accepted by proof, on top of the switch's own
PROOF_FIELDS: dict[str, Field] = {
    "target_theorem": (_optional(_str), "a string or null"), "theorem": TEXT,
    "certificate": (_certificate, "a certificate: declarations, and nodes whose premises are earlier nodes"),
    "axioms_used": (_strs, "a list of strings"), "proof_size": COUNT,
    "assumptions?": (lambda v: type(v) is list and all(type(a) is dict and _str(a.get("name")) and _str(a.get("file"))
                                                       and _count(a.get("line")) for a in v),
                     "a list of {name, file, line}"),
    "programs": (_str_map(_str), "an object of strings"), "state_readings": (lambda v: type(v) is list, "a list"),
    "utility": (lambda v: type(v) is dict, "an object"),
}


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
    first, then reward, refusals and switch records, then at most one end record, last."""
    if not records:
        raise UserError(f"{path}: the log is empty (a rewrite log starts with a header record)")
    for i, record in enumerate(records):
        pos = Pos(path, i + 1, 1)
        kind = record.get("type")
        if kind not in RECORD_FIELDS:
            raise UserError(f"unknown record type {kind!r} (a log has header, reward, refusals, switch and end records)", pos)
        if (i == 0) != (kind == "header"):
            raise UserError("the first record must be the header, and only the first" if i else
                            f"not a rewrite log: its first record is a {kind} record, not the header", pos)
        if i > 0 and records[i - 1].get("type") == "end":
            raise UserError("a record after the end record", pos)
        fields = RECORD_FIELDS[kind]
        if kind == "switch" and record.get("accepted") == "proof":
            fields = {**fields, **PROOF_FIELDS}
        for name, (ok, what) in fields.items():
            if name.endswith("?"):
                name = name[:-1]
                if name not in record:
                    continue
            if name not in record:
                raise UserError(f"the {kind} record has no {name!r} field", pos)
            if not ok(record[name]):
                shown = repr(record[name]) if len(repr(record[name])) <= 60 else repr(record[name])[:57] + "..."
                raise UserError(f"the {kind} record's {name!r} must be {what}, not {shown}", pos)


__all__ = ["SCHEMA", "read_records", "check_records", "RECORD_FIELDS", "PROOF_FIELDS", "Recovered"]
