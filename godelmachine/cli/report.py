"""Reading a rewrite log for people: the switches in a table, one switch whole, a code diff.

Pure functions over the records of `godelmachine.machine.records.read_records`; the command line
renders what they return (as tables, or as JSON with `--json`).
"""

from __future__ import annotations

import difflib
import re
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


def derivation_steps(certificate: dict[str, Any]) -> list[dict[str, Any]]:
    """The derivation as numbered steps, each node once, premises before the steps that use
    them and the conclusion last: {"n", "rule", "statement", "premises" (step numbers), "axioms"}.
    Only the nodes the conclusion rests on are kept; steps are numbered from 1 in that order."""
    nodes = certificate["nodes"]
    order: list[int] = []
    seen: set[int] = set()
    stack: list[tuple[int, bool]] = [(len(nodes) - 1, False)]
    while stack:  # depth first, a node after its premises (no recursion: derivations can be deep)
        i, expanded = stack.pop()
        if expanded:
            order.append(i)
            continue
        if i in seen:
            continue
        seen.add(i)
        stack.append((i, True))
        stack.extend((p, False) for p in reversed(nodes[i]["premises"]) if p not in seen)
    number = {i: k + 1 for k, i in enumerate(order)}
    return [{"n": number[i], "rule": nodes[i]["rule"], "statement": nodes[i]["statement"],
             "premises": [number[p] for p in nodes[i]["premises"]],
             "axioms": nodes[i]["axioms"] if nodes[i]["rule"] == "axiom" else []} for i in order]


def derivation_lines(certificate: dict[str, Any], width: int | None = 160,
                     labels: dict[str, str] | None = None) -> list[str]:
    """The derivation as a numbered list, `n. rule (from 2, 5): statement`, the conclusion last.
    Statements longer than `width` are cut with an ellipsis (None: never); `labels` renames
    program symbols (see program_labels)."""
    lines = []
    for step in derivation_steps(certificate):
        statement = relabel(step["statement"], labels or {})
        if width is not None and len(statement) > width:
            statement = statement[:width - 1] + "…"
        source = f" (from {', '.join(map(str, step['premises']))})" if step["premises"] else ""
        axioms = f" {{{', '.join(step['axioms'])}}}" if step["axioms"] else ""
        lines.append(f"{step['n']:>3}. {step['rule']}{source}{axioms}: {statement}")
    return lines


def program_labels(record: dict[str, Any]) -> dict[str, str]:
    """The symbol prefixes of a switch's two programs (pDIGEST, as the kernel names them) and
    what to call them: `before` and `after` the switch."""
    from godelmachine.lang.program import Program
    from godelmachine.logic.semantics import program_prefix

    labels = {}
    for key in ("before", "after"):
        try:
            labels[program_prefix(Program.from_source(record[key], f"<{key} switch {record['n']}>"))] = key
        except (KeyError, UserError):
            continue
    return labels


def relabel(text: str, labels: dict[str, str]) -> str:
    """`text` with each program prefix pDIGEST replaced by its label (`before.solve`)."""
    if not labels:
        return text
    return re.sub(r"\bp[0-9a-f]{12,}\b", lambda m: next((v for k, v in labels.items() if m.group(0).startswith(k)),
                                                        m.group(0)), text)


def counterexample_text(points: list[list[str]], variables: list[str]) -> str:
    """A refuted rival's counterexample in the task's names: the obligations quantify over the
    solver's arguments as x0, x1, ..., which are the task's instance variables in order
    (`op = 3, x = #x00000000`); other names are printed as the prover gave them."""
    def name(n: str) -> str:
        index = n[1:]
        return variables[int(index)] if n.startswith("x") and index.isdigit() and int(index) < len(variables) else n

    return ", ".join(f"{name(n)} = {v}" for n, v in points)


def axiom_origin(axioms: Any, name: str) -> dict[str, Any]:
    """Where an axiom a proof rests on comes from: file, line, proved, assumed or a constraint,
    and whether it is a user's. A `distribution.NAME` is the task's instance law, assumed like
    every environment axiom the task generates."""
    if name in axioms.axioms:
        a = axioms.axioms[name]
        return {"name": name, "file": a.source, "line": a.line, "status": a.status, "user": a.user,
                "evidence": a.evidence}
    law = axioms.distributions.get(name.removeprefix("distribution."))
    return {"name": name, "file": law.source if law else None, "line": law.line if law else None,
            "status": "assumed" if law else "unknown", "user": False, "evidence": ""}


def code_diff(record: dict[str, Any]) -> str:
    """The code before and after a switch, as a unified diff of the pretty-printed programs."""
    before = record["before"].splitlines(keepends=True)
    after = record["after"].splitlines(keepends=True)
    n = record["n"]
    text = "".join(difflib.unified_diff(before, after, f"before switch {n}", f"after switch {n}"))
    if record.get("share_before") != record.get("share_after"):
        text += f"proof search share: {record['share_before']} -> {record['share_after']}\n"
    return text
