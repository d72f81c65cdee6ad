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
    log: Path = typer.Argument(..., metavar="LOG", help="A rewrite log (.jsonl) written by godelmachine run."),
    switch: Optional[int] = typer.Option(None, "--switch", metavar="N", help="Print switch N whole: theorem, derivation, axioms, rivals."),
    full: bool = typer.Option(False, "--full", metavar="", help="Print every statement whole (by default, a long one is cut at 160 characters)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON (always whole)."),
) -> None:
    """The run's header, its switches in a table and the refused candidates counted by reason."""
    from godelmachine.cli import report

    records = records_of(log)
    if switch is not None:
        show_switch(log, records, switch, as_json, full)
        return
    header, end = records[0], records[-1] if records[-1].get("type") == "end" else None
    rows, refusals = report.switch_rows(records), report.refusal_counts(records)
    if as_json:
        keep = ("task", "task_file", "seed", "lifetime", "share", "mode", "version", "z3", "axiom_files", "trust", "library")
        emit_json({"header": {k: header.get(k) for k in keep}, "switches": rows, "refusals": refusals, "end": end}, "log-show")
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print(f"[bold]{header['task']}[/] ({header['task_file']}), seed {header['seed']}, "
                  f"lifetime {header['lifetime']:,} steps, search share {header['share']}, mode {header['mode']}, "
                  f"godelmachine {header['version']}, z3 {header['z3']}")
    if header.get("library"):
        used = (end or {}).get("library_used", [])
        console.print(f"library {escape(header['library']['path'])}: {header['library']['entries']} entries, sha256 "
                      f"{header['library']['sha256'][:16]}…; lemmas re-made and used: "
                      f"{', '.join(u[:12] for u in used) or 'none'}", highlight=False, soft_wrap=True)
    if end is None:
        console.print("[red]the log has no end record: the run did not finish[/]")
    else:
        console.print(f"reward {end['reward']:,} over {end['instances']:,} instances; "
                      f"{end['switches']} switch(es), the first at " + (f"{end['first_switch']:,}" if end["first_switch"] else "-"))
        if end.get("first_trap"):
            counts = ", ".join(f"{t['kind']} at {t['position'] or '?'}: {t['count']:,}" for t in end["traps"])
            console.print(f"[red]the solver trapped[/] ({escape(counts)}); first: "
                          f"{escape(first_trap_line(end['first_trap']))}", highlight=False)
    # one block per switch rather than a table: nothing is cut or squeezed at any terminal width
    console.print("\n[bold]switches[/] (E\\[reward] from the switch on, as its proof bounds it):" if rows else "no switch")
    for r in rows:
        accepted = f"proof, {r['proof_size']} nodes, {len(r['axioms_used'])} axioms" if r["accepted"] == "proof" \
            else "[red]empirical sample, no proof[/]"
        console.print(f"  [bold]{r['n']}[/] at clock {r['clock']:,} by {escape(r['technique'])} ({accepted})", highlight=False)
        console.print(f"    {escape(r['summary'])}", highlight=False, soft_wrap=True)
        if r["utility_switch"] is not None:
            console.print(f"    switch ≥ {r['utility_switch']}, no switch ≤ {r['utility_no_switch']}", highlight=False)
    from godelmachine.cli.assumptions import rests_on

    for r in rows:  # as the log records them; `log verify` recomputes them from the certificates
        if r["assumptions"]:
            typer.echo(f"switch {r['n']} {rests_on(r['assumptions'])}")  # not wrapped: a path stays whole
    console.print("refused candidates: " + (", ".join(f"{k} {v}" for k, v in refusals.items()) or "none"))


def show_switch(log: Path, records: list[dict[str, Any]], n: int, as_json: bool, full: bool = False) -> None:
    from godelmachine.cli import report
    from godelmachine.cli.assumptions import rests_on
    from godelmachine.logic.axioms import assumptions_of
    from godelmachine.machine.axiom_set import log_axioms

    record = report.switch_numbered(records, n, str(log))
    rivals = report.refuted_examples(records, n)
    axioms = log_axioms(records[0])
    used = [report.axiom_origin(axioms, a) for a in record.get("axioms_used", [])]
    assumptions = assumptions_of(axioms, record.get("axioms_used", []))
    if as_json:
        emit_json({"switch": record, "axioms": used, "assumptions": assumptions, "refuted_rivals": rivals}, "log-show-switch")
        return
    typer.echo(f"switch {n} at clock {record['clock']:,}: {record['summary']} (technique {record['technique']})")
    typer.echo(f"accepted by: {record['accepted']}")
    if record.get("library"):
        typer.echo(f"the proof cites the lemmas of library entries {', '.join(record['library'])}, re-made by the run's "
                   "kernel from their certificates (their steps are in the derivation)")
    if record.get("accepted") == "proof":
        utility = record.get("utility") or {}
        typer.echo(f"expected reward from here: switch >= {utility.get('switch')}, no switch <= {utility.get('no_switch')}")
        if utility.get("mean_cost_before"):
            typer.echo(f"  as the proof bounds them: mean cost {utility['mean_cost_before']} steps before, "
                       f"{utility['mean_cost_after']} after; mean reward {utility['mean_reward']}; "
                       f"{utility['remaining']:,} steps left")
        labels = report.program_labels(record)
        legend = ", ".join(f"{label} = {prefix[:12]}…" for prefix, label in labels.items())
        typer.echo(f"\nprograms: {legend} (the solver before and after the switch)")
        target = report.relabel(record["target_theorem"], labels)
        typer.echo(f"\ntarget theorem:\n  {target}\n\nderivation ({record['proof_size']} nodes; each step once, "
                   f"premises by number{'' if full else '; --full for whole statements'}):")
        for line in report.derivation_lines(record["certificate"], None if full else 160, labels):
            typer.echo("  " + line)
        typer.echo("\naxioms it rests on:")
        for a in used:
            where = f"{a['file']}:{a['line']}" if a["line"] else f"{a['file']}"
            typer.echo(f"  {a['name']}  {where}  ({a['status']}{', user' if a['user'] else ''})")
        typer.echo(f"the switch {rests_on(assumptions)}")
    typer.echo("\ncode:\n" + report.code_diff(record))
    if rivals:
        law = axioms.distributions.get("instance")
        variables = [name for name, _ in law.variables] if law else []
        typer.echo("refused rivals (refuted, or unknown within their budget):")
        for r in rivals:
            typer.echo(f"  {r['candidate']}  [{r['technique']}]\n    {r['status']} by {r['rule']}: {r['reason']}")
            if r["counterexample"]:
                typer.echo(f"    counterexample: {report.counterexample_text(r['counterexample'], variables)}")


@log_app.command("diff")
def diff_command(
    log: Path = typer.Argument(..., metavar="LOG", help="A rewrite log."),
    n: int = typer.Argument(..., metavar="N", help="The switch number (1 is the first)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """The code before and after switch N, as a unified diff of the pretty-printed programs."""
    from godelmachine.cli import report

    record = report.switch_numbered(records_of(log), n, str(log))
    if as_json:
        emit_json({"n": n, "before": record["before"], "after": record["after"], "diff": report.code_diff(record)}, "log-diff")
    else:
        typer.echo(report.code_diff(record), nl=False)


@log_app.command("verify")
def verify_command(
    log: Path = typer.Argument(..., metavar="LOG", help="A rewrite log."),
    solver: str = typer.Option("z3", metavar="z3|cvc5", help="z3, or cvc5 for an independent second opinion on every SMT obligation."),
    replay: bool = typer.Option(False, "--replay", metavar="", help="Also re-execute the run from the header (as run --resume "
                                "does) and compare every record byte for byte; takes as long as the run."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
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
                   "assumptions": {str(n): a for n, a in result.assumptions.items()}}, "log-verify")
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
    log: Path = typer.Argument(..., metavar="LOG", help="A rewrite log."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The image to write (.png, .svg or .pdf)."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Draw the initial solver's reward with no "
                                  "search beside the machine's (it is run for the plot, on the batch path)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print what was written as JSON."),
) -> None:
    """Cumulative reward against the clock with the switches marked by number, the initial
    solver's reward beside it, and the solver's cost per instance below."""
    from godelmachine.cli.plot import plot_log

    records = records_of(log)
    plot_log(records, output, baseline)
    if as_json:
        emit_json({"log": str(log), "output": str(output), "bytes": output.stat().st_size}, "log-written")
    else:
        typer.echo(f"wrote {output}")


@log_app.command("report")
def report_command(
    log: Path = typer.Argument(..., metavar="LOG", help="A rewrite log."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The HTML page to write."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Draw the initial solver's reward with no "
                                  "search beside the machine's (it is run for the report)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print what was written as JSON."),
) -> None:
    """One self-contained HTML page to read and share a run: the reward chart, and each switch
    with its diff, target theorem, derivation, axioms and refused rivals."""
    from godelmachine.cli.html_report import render
    from godelmachine.cli.plot import baseline_samples, svg_of
    from godelmachine.machine.axiom_set import log_axioms

    records = records_of(log)
    page = render(records, str(log), log_axioms(records[0]),
                  svg_of(records, baseline_samples(records[0]) if baseline else None))
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{output}: cannot write the report ({exc.strerror})") from None
    if as_json:
        emit_json({"log": str(log), "output": str(output), "bytes": len(page.encode())}, "log-written")
    else:
        typer.echo(f"wrote {output}")


@log_app.command("export")
def export_command(
    log: Path = typer.Argument(..., metavar="LOG", help="A rewrite log."),
    smt2: Optional[Path] = typer.Option(None, "--smt2", metavar="DIR", help="The directory to write the .smt2 files into."),
    sygus: Optional[Path] = typer.Option(None, "--sygus", metavar="DIR", help="The directory to write each switch's SyGuS solution "
                                      "into (a run on a .sl problem)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the files written as JSON."),
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
        emit_json({"log": str(log), "directory": str(directory), "files": [str(p) for p in written]}, "log-export")
    else:
        what = "obligation(s)" if smt2 is not None else "solution(s)"
        typer.echo(f"wrote {len(written)} {what} to {directory}/")
