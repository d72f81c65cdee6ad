"""What a run rests on besides the kernel's own axioms: the user's axiom files, and the user
assumptions (axioms Z3 did not prove, accepted after testing) that each switch's proof uses.

The run summary (`godelmachine run`, text and --json), `log show` and `log verify` print these;
the switch record keeps them in its `assumptions` field (docs/log.md)."""

from __future__ import annotations

from typing import Any, Iterable

from godelmachine.logic.axioms import AxiomSet, assumptions_of


def rests_on(assumptions: list[dict[str, Any]]) -> str:
    """"rests on 1 assumption: NAME at FILE:LINE" (or on none)."""
    if not assumptions:
        return "rests on no assumption of the user's"
    places = ", ".join(f"{a['name']} at {a['file']}:{a['line']}" for a in assumptions)
    return f"rests on {len(assumptions)} assumption{'s' if len(assumptions) != 1 else ''}: {places}"


def user_files(axioms: AxiomSet, installed: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The user's axiom files a run loaded, in load order, each with its SHA-256, where it came
    from (installed by `axioms add`, or given) and how many axioms it holds."""
    installed = set(installed)
    counts: dict[str, int] = {}
    for a in [*axioms.axioms.values(), *axioms.excluded.values()]:
        if a.user:
            counts[a.source] = counts.get(a.source, 0) + 1
    return [{"file": f, "sha256": axioms.files[f], "installed": f in installed, "axioms": counts.get(f, 0)}
            for f in axioms.user_files]


def run_summary(axioms: AxiomSet, switches: Iterable[Any], installed: Iterable[str] = ()) -> dict[str, Any]:
    """The run summary's account of the user's axioms: files, trust, what --trust proved left
    out, and for each proved switch the user assumptions it rests on."""
    return {
        "user_axiom_files": user_files(axioms, installed),
        "trust": axioms.trust,
        "assumptions_excluded": [{"name": a.name, "file": a.source, "line": a.line}
                                 for a in sorted(axioms.excluded.values(), key=lambda a: a.name)],
        "switch_assumptions": {s.number: assumptions_of(axioms, s.theorem.axioms)
                               for s in switches if s.theorem is not None},
    }


def summary_lines(summary: dict[str, Any]) -> list[str]:
    files = summary["user_axiom_files"]
    shown = ", ".join(f"{f['file']} ({'installed' if f['installed'] else 'given'}, {f['axioms']} axiom(s))"
                      for f in files)
    lines = [f"user axiom files: {shown or 'none'}"]
    if summary["trust"] == "proved":
        excluded = summary["assumptions_excluded"]
        lines.append(f"--trust proved: {len(excluded)} user assumption(s) left out"
                     + (": " + ", ".join(f"{a['name']} at {a['file']}:{a['line']}" for a in excluded) if excluded else ""))
    for n, assumptions in summary["switch_assumptions"].items():
        if assumptions:
            lines.append(f"switch {n} {rests_on(assumptions)}")
    return lines


__all__ = ["rests_on", "run_summary", "summary_lines", "user_files"]
