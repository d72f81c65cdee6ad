"""`godelmachine log show | diff | verify`: reading and re-checking rewrite logs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from godelmachine.cli.output import emit_json, first_trap_line
from godelmachine.errors import UserError

log_app = typer.Typer(no_args_is_help=True, help="Read a rewrite log, diff a switch's code, re-check every proof.")


def records_of(path: Path) -> list[dict[str, Any]]:
    """The records of a log, each of the shape the machine writes (a UserError names the line)."""
    from godelmachine.machine.records import read_records

    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a log file")
    if not path.is_file():
        raise UserError(f"{path}: no such log file")
    return read_records(path)


@log_app.command("show")
def show_command(
    log: Path = typer.Argument(..., help="A rewrite log (.jsonl) written by godelmachine run."),
    switch: Optional[int] = typer.Option(None, "--switch", help="Print switch N whole: theorem, derivation, axioms, rivals."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The run's header, its switches in a table and the refused candidates counted by reason."""
    from godelmachine.cli import report

    records = records_of(log)
    if switch is not None:
        show_switch(log, records, switch, as_json)
        return
    header, end = records[0], records[-1] if records[-1].get("type") == "end" else None
    rows, refusals = report.switch_rows(records), report.refusal_counts(records)
    if as_json:
        keep = ("task", "task_file", "seed", "lifetime", "share", "mode", "version", "z3", "axiom_files", "trust")
        emit_json({"header": {k: header.get(k) for k in keep}, "switches": rows, "refusals": refusals, "end": end})
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{header['task']}[/] ({header['task_file']}), seed {header['seed']}, "
                  f"lifetime {header['lifetime']:,} steps, search share {header['share']}, mode {header['mode']}, "
                  f"godelmachine {header['version']}, z3 {header['z3']}")
    if end is None:
        console.print("[red]the log has no end record: the run did not finish[/]")
    else:
        console.print(f"reward {end['reward']:,} over {end['instances']:,} instances; "
                      f"{end['switches']} switch(es), the first at {end['first_switch'] or '-'}")
        if end.get("first_trap"):
            counts = ", ".join(f"{t['kind']} at {t['position'] or '?'}: {t['count']:,}" for t in end["traps"])
            from rich.markup import escape

            console.print(f"[red]the solver trapped[/] ({escape(counts)}); first: "
                          f"{escape(first_trap_line(end['first_trap']))}", highlight=False)
    table = Table(title="Switches")
    for column in ("#", "clock", "technique", "what changed", "E\\[reward] switch", "E\\[reward] no switch",
                   "proof nodes", "axioms used"):
        table.add_column(column)
    for r in rows:
        accepted = "" if r["accepted"] == "proof" else " [red](no proof)[/]"
        table.add_row(str(r["n"]), f"{r['clock']:,}", r["technique"], r["summary"] + accepted,
                      r["utility_switch"] or "-", r["utility_no_switch"] or "-", str(r["proof_size"] or "-"),
                      str(len(r["axioms_used"])))
    console.print(table)
    from godelmachine.cli.assumptions import rests_on

    for r in rows:  # as the log records them; `log verify` recomputes them from the certificates
        if r["assumptions"]:
            typer.echo(f"switch {r['n']} {rests_on(r['assumptions'])}")  # not wrapped: a path stays whole
    console.print("refused candidates: " + (", ".join(f"{k} {v}" for k, v in refusals.items()) or "none"))


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


def show_switch(log: Path, records: list[dict[str, Any]], n: int, as_json: bool) -> None:
    from godelmachine.cli import report
    from godelmachine.cli.assumptions import rests_on
    from godelmachine.logic.axioms import assumptions_of
    from godelmachine.machine.axiom_set import log_axioms

    record = report.switch_numbered(records, n, str(log))
    rivals = report.refuted_examples(records, n)
    axioms = log_axioms(records[0])
    used = [axiom_origin(axioms, a) for a in record.get("axioms_used", [])]
    assumptions = assumptions_of(axioms, record.get("axioms_used", []))
    if as_json:
        emit_json({"switch": record, "axioms": used, "assumptions": assumptions, "refuted_rivals": rivals})
        return
    typer.echo(f"switch {n} at clock {record['clock']:,}: {record['summary']} (technique {record['technique']})")
    typer.echo(f"accepted by: {record['accepted']}")
    if record.get("accepted") == "proof":
        utility = record.get("utility") or {}
        typer.echo(f"expected reward from here: switch >= {utility.get('switch')}, no switch <= {utility.get('no_switch')}")
        typer.echo(f"\ntarget theorem:\n  {record['target_theorem']}\n\nderivation ({record['proof_size']} nodes):")
        for line in report.derivation_lines(record["certificate"]):
            typer.echo("  " + line)
        typer.echo("\naxioms it rests on:")
        for a in used:
            typer.echo(f"  {a['name']}  {a['file']}:{a['line']}  ({a['status']}{', user' if a['user'] else ''})")
        typer.echo(f"the switch {rests_on(assumptions)}")
    typer.echo("\ncode:\n" + report.code_diff(record))
    if rivals:
        typer.echo("refuted rivals:")
        for r in rivals:
            typer.echo(f"  {r['candidate']}\n    {r['rule']}: {r['reason']}")
            for point in r["counterexample"]:
                typer.echo(f"    counterexample: {point}")


@log_app.command("diff")
def diff_command(
    log: Path = typer.Argument(..., help="A rewrite log."),
    n: int = typer.Argument(..., help="The switch number (1 is the first)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The code before and after switch N, as a unified diff of the pretty-printed programs."""
    from godelmachine.cli import report

    record = report.switch_numbered(records_of(log), n, str(log))
    if as_json:
        emit_json({"n": n, "before": record["before"], "after": record["after"], "diff": report.code_diff(record)})
    else:
        typer.echo(report.code_diff(record), nl=False)


@log_app.command("verify")
def verify_command(
    log: Path = typer.Argument(..., help="A rewrite log."),
    solver: str = typer.Option("z3", help="z3, or cvc5 for an independent second opinion on every SMT obligation."),
    replay: bool = typer.Option(False, "--replay", help="Also re-execute the run from the header (as run --resume "
                                "does) and compare every record byte for byte; takes as long as the run."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Re-check every proof certificate with a fresh kernel, replay the chain of programs and
    re-derive every figure the log claims (clocks, costs, utility, axioms used), from nothing
    but the log and the files it names (checked against its hashes)."""
    import time

    records_of(log)  # a malformed log is refused before the kernel is loaded

    from godelmachine.machine.verify import verify_log

    started = time.perf_counter()
    result = verify_log(log, solver=solver, replay=replay)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json({"ok": True, "switches": result.switches, "proven": result.proven, "empirical": result.empirical,
                   "certificate_nodes": result.nodes, "axiom_files": result.axioms, "solver": solver,
                   "replayed_records": result.replayed, "seconds": round(seconds, 3),
                   "assumptions": {str(n): a for n, a in result.assumptions.items()}})
        return
    from godelmachine.cli.assumptions import rests_on

    typer.echo(f"{log}: ok: {result.switches} switch(es) replayed, {result.proven} proof certificate(s) "
               f"({result.nodes} nodes) re-checked with a fresh kernel and {solver} in {seconds:.1f} s")
    if result.replayed is not None:
        typer.echo(f"{log}: the run re-executed from its header wrote the same {result.replayed} records, byte for byte")
    for n, assumptions in result.assumptions.items():
        if assumptions:
            typer.echo(f"switch {n} {rests_on(assumptions)}")
    if result.empirical:
        typer.echo(f"warning: {result.empirical} switch(es) were accepted empirically, without a proof", err=True)


@log_app.command("plot")
def plot_command(
    log: Path = typer.Argument(..., help="A rewrite log."),
    output: Path = typer.Option(..., "-o", "--output", help="The image to write (.png, .svg or .pdf)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Cumulative reward against the clock with the switches marked, and the solver's cost per
    instance below it."""
    from godelmachine.cli.plot import plot_log

    records = records_of(log)
    plot_log(records, output)
    if as_json:
        emit_json({"log": str(log), "output": str(output), "bytes": output.stat().st_size})
    else:
        typer.echo(f"wrote {output}")


@log_app.command("export")
def export_command(
    log: Path = typer.Argument(..., help="A rewrite log."),
    smt2: Optional[Path] = typer.Option(None, "--smt2", help="The directory to write the .smt2 files into."),
    sygus: Optional[Path] = typer.Option(None, "--sygus", help="The directory to write each switch's SyGuS solution "
                                      "into (a run on a .sl problem)."),
    as_json: bool = typer.Option(False, "--json", help="Print the files written as JSON."),
) -> None:
    """Every SMT obligation of every proof in the log as a standalone .smt2 file (unsat means
    proved), as the kernel sent it to Z3, which z3 and cvc5 read from the command line; or,
    for a run on a SyGuS problem, each switch's solver as a solution (define-fun f ...)."""
    from godelmachine.cli.export import export_smt2, export_sygus

    if (smt2 is None) == (sygus is None):
        raise UserError("give one of --smt2 DIR and --sygus DIR")
    records_of(log)
    directory = smt2 if smt2 is not None else sygus
    assert directory is not None
    written = export_smt2(log, directory) if smt2 is not None else export_sygus(log, directory)
    if as_json:
        emit_json({"log": str(log), "directory": str(directory), "files": [str(p) for p in written]})
    else:
        what = "obligation(s)" if smt2 is not None else "solution(s)"
        typer.echo(f"wrote {len(written)} {what} to {directory}/")
