"""The library of proven rewrites (docs/library.md): steps to the first proven switch on the
second half of a family of tasks, with a library learned on the first half, against without.

The family is in benchmarks/library/: bit tasks of Hacker's Delight (Gulwani et al., PLDI 2011),
every task run with the general searcher only (`synthesis`, `share`: no hand-written idiom list),
seed 0, for its lifetime (20,000,000 steps; 40,000,000 for P10 and P11, whose rewrites take the
searcher about 16 and 2 million steps to find and prove).

- First half, learned from (`learn-*.task`): P1 turn off the rightmost 1 bit, P2 turn off the
  trailing 1s, P3 isolate the rightmost 1 bit, P5 right-propagate the rightmost 1 bit, P6 turn
  on the rightmost 0 bit, P10 nlz(x) = nlz(y) and P11 nlz(x) < nlz(y) (nlz: the number of
  leading zeros). Each is run without a library and what its proven switches taught is learned
  (`godelmachine.machine.library.learn`, as `run --learn` does).
- Second half (`use-*.task`), the family proper: thirteen tasks whose specifications hold the
  first half's code. Seven compose two of P1, P3 and P6 in one definition of two scans (turn
  off the rightmost 1 bit, then isolate the rightmost 1 bit of what is left, ...; the two
  orders whose result is a constant are left out); two use a first-half definition word for
  word as a helper inside a larger solver (`use-lowest-one-and`, `use-power-of-two`); four
  compare leading zeros otherwise (P12 nlz(x) <= nlz(y), and nlz(x) != nlz(y), > and >=).
- A control group, run and reported the same way but apart (`CONTROL`): four Hacker's Delight
  problems over the same bits (P4, P7, P8, P17) whose specifications hold none of the first
  half's code (they compute bit indices and masks of their own). They were the first tasks
  tried for the second half; they show what the library does where only its fragments apply.

Each second-half task runs twice in this process, without a library and with the one learned,
and the figure is the clock at the first proven switch (the steps of the solver, the proof
searcher and the prover, as the machine counts them). A run without a switch counts as its
lifetime (a lower bound, marked). Every log is checked again by `log verify` (a fresh kernel
re-checks each proof), and each run's reward is its number of instances (every answer right:
the tasks' rewards are exact), so a wrong acceptance would show.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

FAMILY = Path(__file__).resolve().parent / "library"
QUICK = {"first": ("learn-p03",), "second": ("use-lowest-one-and",), "lifetime": 400_000}
CONTROL = ("use-p04", "use-p07", "use-p08", "use-p17")  # second-half tasks whose specifications hold no learned code


def tasks(half: str) -> list[str]:
    prefix = "learn-" if half == "first" else "use-"
    return sorted(p.stem for p in FAMILY.glob(f"{prefix}*.task"))


def run(name: str, lifetime: int | None, library: Any, log: Path) -> tuple[Any, Any]:
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.task import load_task

    machine = Machine(load_task(str(FAMILY / f"{name}.task")), lifetime=lifetime, log_path=log, library=library)
    return machine, machine.run()


def figures(machine: Any, result: Any, log: Path, wall: float) -> dict[str, Any]:
    """The first proven switch, what its proof cost, and the checks of the run."""
    import json

    from godelmachine.machine.verify import verify_log

    first = next((s for s in result.switches if s.theorem is not None and s.before is not s.after), None)
    proof_cost = None
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    for r in records:
        if first is not None and r.get("type") == "switch" and r["n"] == first.number:
            proof_cost = sum(n["cost"] for n in r["certificate"]["nodes"])
    try:
        verify_log(log)
        verified = True
    except Exception:  # noqa: BLE001 - any failure to re-check is a failure of the run
        verified = False
    return {
        "first_switch": first.clock if first else None, "rewrite": first.summary if first else None,
        "proof_cost": proof_cost, "reward": result.reward, "instances": result.instances,
        "all_right": result.reward == result.instances, "verified": verified, "wall_seconds": round(wall, 1),
        "library_used": sorted(machine.learned.used) if machine.learned else [],
    }


def measure(quick: bool = False) -> list[dict[str, Any]]:
    from godelmachine.machine import library as store

    lifetime = QUICK["lifetime"] if quick else None
    first = QUICK["first"] if quick else tasks("first")
    second = QUICK["second"] if quick else tasks("second")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="godelmachine-library-bench-") as scratch:
        root = Path(scratch)
        shelf = root / "library"
        for name in first:
            started = time.perf_counter()
            machine, result = run(name, lifetime, None, root / f"{name}.jsonl")
            row = {"half": "first", "task": name,
                   **figures(machine, result, root / f"{name}.jsonl", time.perf_counter() - started), "learned": []}
            for s in result.switches:
                if s.theorem is not None and s.before is not s.after:
                    origin = {"task": machine.task.name, "seed": 0, "switch": s.number, "clock": s.clock}
                    for done in store.learn(shelf, machine.kernel, s.before, s.after, machine.task.types, origin):
                        row["learned"].append({"function": done.function, "id": done.id, "note": done.note})
            rows.append(row)
        library = store.load(shelf)
        for name in second:
            row: dict[str, Any] = {"half": "second", "task": name, "entries": len(library.entries)}
            for side, used in (("without", None), ("with", library)):
                log = root / f"{name}-{side}.jsonl"
                started = time.perf_counter()
                machine, result = run(name, lifetime, used, log)
                row[side] = figures(machine, result, log, time.perf_counter() - started)
                row["lifetime"] = result.lifetime
            rows.append(row)
    return rows


def steps(side: dict[str, Any], lifetime: int) -> int:
    """The first switch's clock, or the lifetime when there was none (a lower bound)."""
    return side["first_switch"] if side["first_switch"] is not None else lifetime


def totals(rows: list[dict[str, Any]], group: str = "family") -> dict[str, Any]:
    """The figures over the family's second half, the control group's, or `all` of it."""
    second = [r for r in rows if r["half"] == "second" and (group == "all" or (r["task"] in CONTROL) == (group == "control"))]
    without = [steps(r["without"], r["lifetime"]) for r in second]
    with_ = [steps(r["with"], r["lifetime"]) for r in second]
    ratios = [a / b for a, b in zip(without, with_)]
    runs = [r[side] for r in second for side in ("without", "with")] + [r for r in rows if r["half"] == "first"]
    return {
        "tasks": len(second), "mean_without": statistics.mean(without), "mean_with": statistics.mean(with_),
        "ratio_of_means": statistics.mean(without) / statistics.mean(with_),
        "geometric_mean_ratio": math.exp(statistics.mean(math.log(x) for x in ratios)),
        "helped": sum(1 for x in ratios if x >= 2), "not_found_without": sum(1 for r in second if r["without"]["first_switch"] is None),
        "not_found_with": sum(1 for r in second if r["with"]["first_switch"] is None),
        "wrong_acceptances": sum(1 for r in runs if not r["verified"] or not r["all_right"]),
    }


def why_not(row: dict[str, Any]) -> str:
    """Why the library did not help a task (a ratio under 2), from what the runs recorded."""
    with_, without = row["with"], row["without"]
    if with_["first_switch"] is None:
        return "no proven switch within the lifetime with the library either"
    if with_["proof_cost"] and with_["first_switch"] < 8 * with_["proof_cost"]:
        return (f"proof-bound: the switch's proof costs {with_['proof_cost']:,} steps of prover work, and BIOPS reaches a "
                "trial that long only so far into the run; a lemma re-made from the library costs what it cost to make")
    if without["first_switch"] is not None and without["first_switch"] < 400_000:
        return "cheap without a library already: the first switch comes at the first BIOPS phases that can hold its proof"
    return "the library's fragments did not shorten the term that switched"


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.console import Group
    from rich.table import Table

    learned = Table(title="First half: learned from (no library)")
    for column in ("task", "first switch", "rewrite", "entries learned", "checked"):
        learned.add_column(column)
    for r in rows:
        if r["half"] == "first":
            ids = ", ".join(f"{d['function']} {d['id'][:8]}" if d["id"] else f"{d['function']}: {d['note']}" for d in r["learned"])
            learned.add_row(r["task"], f"{r['first_switch']:,}" if r["first_switch"] else "-", r["rewrite"] or "-", ids or "-",
                            "yes" if r["verified"] and r["all_right"] else "NO")
    second = [r for r in rows if r["half"] == "second"]
    table = Table(title="Second half: steps to the first proven switch, without and with the library")
    for column in ("task", "without", "with", "ratio", "with: rewrite", "lemmas used", "checked"):
        table.add_column(column)
    for r in second:
        a, b = steps(r["without"], r["lifetime"]), steps(r["with"], r["lifetime"])
        mark = lambda side: "" if r[side]["first_switch"] is not None else " (none: >)"  # noqa: E731
        table.add_row(r["task"], f"{a:,}{mark('without')}", f"{b:,}{mark('with')}", f"{a / b:.1f}x", r["with"]["rewrite"] or "-",
                      ", ".join(u[:8] for u in r["with"]["library_used"]) or "-",
                      "yes" if all(r[s]["verified"] and r[s]["all_right"] for s in ("without", "with")) else "NO")
    parts: list[Any] = [learned, table]
    for group in ("family", "control", "all"):
        if not any(r["half"] == "second" and (group == "all" or (r["task"] in CONTROL) == (group == "control")) for r in rows):
            continue
        t = totals(rows, group)
        parts.append(f"{group}: mean steps to the first proven switch: {t['mean_without']:,.0f} without, {t['mean_with']:,.0f} "
                     f"with the library: {t['ratio_of_means']:.1f}x fewer (geometric mean of the ratios "
                     f"{t['geometric_mean_ratio']:.1f}x; {t['helped']} of {t['tasks']} tasks at least 2x); no switch within the "
                     f"lifetime: {t['not_found_without']} without, {t['not_found_with']} with; wrong acceptances: "
                     f"{t['wrong_acceptances']}")
        for r in second:
            if steps(r["without"], r["lifetime"]) < 2 * steps(r["with"], r["lifetime"]):
                parts.append(f"  {r['task']}: not helped: {why_not(r)}")
    return Group(*parts)


__all__ = ["CONTROL", "measure", "report", "totals", "tasks", "why_not"]
