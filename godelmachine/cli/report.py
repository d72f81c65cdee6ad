"""Reading a rewrite log for people: the switches in a table, one switch whole, a code diff.

Pure functions over the records of `godelmachine.machine.records.read_records`; the command line
renders what they return (as tables, or as JSON with `--json`).
"""

from __future__ import annotations

import difflib
from typing import Any

from godelmachine.errors import UserError


def header_of(records: list[dict[str, Any]], path: str) -> dict[str, Any]:
    if not records or records[0].get("type") != "header":
        raise UserError(f"{path}: not a rewrite log (its first record is not a header)")
    return records[0]


def switches_of(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("type") == "switch"]


def switch_numbered(records: list[dict[str, Any]], n: int, path: str) -> dict[str, Any]:
    switches = switches_of(records)
    if not 1 <= n <= len(switches):
        raise UserError(f"{path}: no switch {n} (the log has {len(switches)} switch{'es' if len(switches) != 1 else ''})")
    return switches[n - 1]


def switch_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per switch: when, what changed, the utility of both branches, the proof's size and axioms."""
    rows = []
    for r in switches_of(records):
        utility = r.get("utility") or {}
        rows.append({
            "n": r["n"], "clock": r["clock"], "technique": r["technique"], "summary": r["summary"],
            "accepted": "proof" if r.get("accepted") == "proof" else "empirical (no proof)",
            "utility_switch": utility.get("switch"), "utility_no_switch": utility.get("no_switch"),
            "proof_size": r.get("proof_size"), "axioms_used": r.get("axioms_used", []),
            "assumptions": r.get("assumptions", []),
        })
    return rows


def refusal_counts(records: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        if r.get("type") == "refusals":
            for status, n in r["counts"].items():
                counts[status] = counts.get(status, 0) + n
    return dict(sorted(counts.items()))


def refuted_examples(records: list[dict[str, Any]], n: int | None = None) -> list[dict[str, Any]]:
    """The refuted rivals of switch n (candidates refused since the switch before it), with their
    counterexamples; of the whole run when n is None."""
    found, current = [], 1
    for r in records:
        if r.get("type") == "switch":
            current += 1
        elif r.get("type") == "refusals" and (n is None or current == n):
            found.extend(r["examples"])
    return found


def derivation_lines(certificate: dict[str, Any], width: int = 160) -> list[str]:
    """The derivation as an indented tree, conclusion first: `rule: statement`, premises below.
    A node that appears again is shown once and then referred to by its number."""
    nodes = certificate["nodes"]
    lines: list[str] = []
    shown: set[int] = set()

    def walk(i: int, depth: int) -> None:
        node = nodes[i]
        statement = node["statement"]
        if len(statement) > width:
            statement = statement[:width - 3] + "..."
        pad = "  " * depth
        if i in shown:
            lines.append(f"{pad}[{i}] (shown above)")
            return
        shown.add(i)
        axioms = f"  {{{', '.join(node['axioms'])}}}" if node["rule"] == "axiom" else ""
        lines.append(f"{pad}[{i}] {node['rule']}: {statement}{axioms}")
        for p in node["premises"]:
            walk(p, depth + 1)

    walk(len(nodes) - 1, 0)
    return lines


def code_diff(record: dict[str, Any]) -> str:
    """The code before and after a switch, as a unified diff of the pretty-printed programs."""
    before = record["before"].splitlines(keepends=True)
    after = record["after"].splitlines(keepends=True)
    n = record["n"]
    text = "".join(difflib.unified_diff(before, after, f"before switch {n}", f"after switch {n}"))
    if record.get("share_before") != record.get("share_after"):
        text += f"proof search share: {record['share_before']} -> {record['share_after']}\n"
    return text
