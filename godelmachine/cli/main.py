"""The command line: `godelmachine eval | primitives | tasks | schema | check | run | sweep | log | axioms`.

Every command takes `--json`. Errors never print a Python traceback: a user's mistake prints
like a compiler message and exits 2, a trap exits 1, a budget or resource limit exits 3, and a
bug in godelmachine exits 70 (set GODELMACHINE_DEBUG=1 to see its traceback). Ctrl-C exits 130:
a run stops at a clean point and says how to resume it; a second Ctrl-C exits at once.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Optional

import typer

from godelmachine.cli.axioms import axioms_app, installed_files
from godelmachine.cli.library import library_app, library_path
from godelmachine.cli.log import log_app
from godelmachine.cli.output import emit_json, first_trap_line
from godelmachine.cli.sweep import sweep_command
from godelmachine.errors import EXIT_INTERNAL, EXIT_LIMIT, GMError, TrapError, UserError
from godelmachine.lang.values import DEFAULT_BUDGET, LIMIT_TRAPS, show

# Help names every argument and option value by its metavar (TASK, FILE, STEPS, proof|empirical),
# never by a Python type: typer would print `<str>` after an argument's name and `<bool>` after
# a flag such as --help (tests/test_cli_conventions.py reads every command's help for such names).
if hasattr(typer.core.TyperArgument, "display_type_rich"):
    _option_type = typer.core.TyperOption.display_type_rich
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    typer.core.TyperOption.display_type_rich = (  # type: ignore[method-assign]
        lambda self, ctx: None if self.is_flag and self.metavar is None else _option_type(self, ctx))

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="A Gödel machine: a solver that rewrites itself only on a Z3-checked proof that the rewrite helps.",
)


def print_version(value: bool) -> None:
    if value:
        import z3

        from godelmachine.version import __version__

        typer.echo(f"godelmachine {__version__} (z3 {z3.get_version_string()}, Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=print_version, is_eager=True, metavar="",
                                 help="Print the version (and z3's and Python's) and exit."),
) -> None:
    """A Gödel machine: a solver that rewrites itself only on a Z3-checked proof that the rewrite helps."""


def read_text(path: Path) -> str:
    """A user's file as text, or a UserError that names it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from None


@app.command("eval")
def eval_command(
    file: Path = typer.Argument(..., metavar="FILE", help="A program of the machine language (.gm)."),
    args: list[str] = typer.Argument(None, metavar="ARG", help="Arguments for the entry function, as data: 42, #x0000ffff, '(1 2)."),
    entry: str = typer.Option("main", metavar="NAME", help="The definition to call."),
    budget: int = typer.Option(DEFAULT_BUDGET, min=0, metavar="STEPS", help="The step budget."),
    reference: bool = typer.Option(False, metavar="", help="Use the reference evaluator, not the compiled fast path."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the outcome as JSON."),
) -> None:
    """Run a program's entry function and print its value and exact step count."""
    from godelmachine.lang.execute import run
    from godelmachine.lang.program import Program
    from godelmachine.lang.reader import read, to_value

    program = Program.from_source(read_text(file), str(file))
    if entry not in program:
        raise UserError(f"{file}: no definition named {entry!r} to run (use --entry)")
    values = []
    for i, text in enumerate(args or []):
        nodes = read(text, f"<argument {i + 1}>")
        if len(nodes) != 1:
            raise UserError(f"argument {i + 1} must be exactly one datum, got {len(nodes)}: {text!r}")
        values.append(to_value(nodes[0]))
    outcome = run(program, entry, values, budget=budget, fast=not reference)
    if as_json:
        record = {"outcome": outcome.kind, "steps": outcome.steps}
        if outcome.kind == "value":
            record["value"] = show(outcome.value)
        elif outcome.kind == "trap":
            record.update(reason=outcome.reason, detail=outcome.detail, position=str(outcome.pos) if outcome.pos else None)
        else:
            record["budget"] = budget
        emit_json(record, "eval")
    elif outcome.kind == "value":
        typer.echo(show(outcome.value))
        typer.echo(f"steps: {outcome.steps}")
    if outcome.kind == "trap":
        error = TrapError(outcome.reason, f"{outcome.reason}: {outcome.detail} (after {outcome.steps} steps)",
                          outcome.pos, limit=outcome.reason in LIMIT_TRAPS)
        if as_json:
            raise typer.Exit(error.exit_code)
        raise error
    if outcome.kind == "out-of-steps":
        if not as_json:
            typer.echo(f"out of steps: the budget of {budget} steps is spent (raise it with --budget)", err=True)
        raise typer.Exit(EXIT_LIMIT)


@app.command("primitives")
def primitives_command(as_json: bool = typer.Option(False, "--json", help="Print the table as JSON.")) -> None:
    """The primitive table: every primitive's types, step cost and meaning."""
    from rich.console import Console
    from rich.table import Table

    from godelmachine.lang.primitives import BASE

    if as_json:
        emit_json([
            {"name": p.name, "params": list(p.params), "variadic": p.variadic, "result": p.result,
             "cost": p.cost, "cost_extra": p.cost_doc, "smt": p.smt, "smt_ok": p.smt_ok, "doc": p.doc}
            for p in BASE.values()
        ], "primitives")
        return
    table = Table(title="Primitives (godelmachine/lang/primitives.py)")
    for column in ("name", "arguments", "result", "steps", "meaning"):
        table.add_column(column)
    for p in BASE.values():
        params = f"{p.params[0]} ..." if p.variadic else " ".join(p.params)
        table.add_row(p.name, params, p.result, p.describe_cost(), p.doc)
    Console().print(table)


@app.command("tasks")
def tasks_command(as_json: bool = typer.Option(False, "--json", help="Print the list as JSON.")) -> None:
    """The built-in tasks, one line each: name, default lifetime, search share, description."""
    from godelmachine.machine.task import builtin_tasks, load_task

    tasks = [load_task(name) for name in builtin_tasks()]
    if as_json:
        emit_json([{"name": t.name, "description": t.description.strip("|"), "lifetime": t.lifetime,
                    "search_share": str(t.search_share), "file": t.path} for t in tasks], "tasks")
        return
    width = max(len(t.name) for t in tasks)
    for t in tasks:  # one line each, whatever the terminal's width: a script may cut or grep them
        typer.echo(f"{t.name:<{width}}  {t.lifetime:>11,} steps  share {str(t.search_share):<4}  {t.description.strip('|')}")


@app.command("schema")
def schema_command(
    name: Optional[str] = typer.Argument(None, metavar="NAME", help="A schema's name (without one, the list)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the list as JSON (a schema is JSON already)."),
) -> None:
    """The JSON Schemas of the log's records and of every command's --json output (docs/schemas.md):
    the list, or one schema whole."""
    from godelmachine import schemas

    if name is not None:
        if name not in schemas.names():
            raise UserError(f"no schema {name!r}; the schemas are {', '.join(schemas.names())}")
        typer.echo(schemas.text(name), nl=False)
        return
    listed = [{"name": n, "title": schemas.schema(n)["title"]} for n in schemas.names()]
    if as_json:
        emit_json(listed, "schema-list")
        return
    width = max(len(n) for n in schemas.names())
    for entry in listed:
        typer.echo(f"{entry['name']:<{width}}  {entry['title']}")


@app.command("check")
def check_command(
    task: str = typer.Argument(..., metavar="TASK", help="A task file (or a built-in task's name)."),
    samples: int = typer.Option(32, min=1, max=10_000, metavar="N", help="Instances the solver answers."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the report as JSON."),
) -> None:
    """Check a task before spending a lifetime on it: the file as a run reads it, its axioms, and
    its solver on a few sampled instances (cost, traps, expected reward)."""
    from godelmachine.cli.check import check_task, report_lines

    report = check_task(task, samples)
    if as_json:
        emit_json(report, "check")
        return
    for line in report_lines(report):
        typer.echo(line)


@app.command("run")
def run_command(
    task: Optional[str] = typer.Argument(None, metavar="TASK", help="A built-in task (godelmachine tasks) or a task file."),
    lifetime: Optional[int] = typer.Option(None, min=1, metavar="STEPS", help="Steps to live (default: the task's)."),
    seed: int = typer.Option(0, metavar="N", help="Seeds the instances, the rewards and every sample."),
    axioms: list[Path] = typer.Option(None, "--axioms", metavar="FILE", help="An extra axiom file (repeatable), after those installed by `axioms add`."),
    log: Optional[Path] = typer.Option(None, metavar="LOG", help="The rewrite log (default: runs/TASK-seedSEED.jsonl)."),
    accept: str = typer.Option("proof", metavar="proof|empirical", help="proof (sound), or empirical (an UNSOUND baseline: no proofs)."),
    search: bool = typer.Option(True, "--search/--no-search", metavar="", help="Run the proof searcher at all."),
    trust: str = typer.Option("assumed", metavar="assumed|proved", help="assumed: user axioms Z3 could not prove may be used once tested "
                              "(each switch says so); proved: only proved user axioms and constraints."),
    resume: Optional[Path] = typer.Option(None, metavar="LOG", help="Continue the run whose log this is (a killed run); takes everything else from the log."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the result as JSON (no live display)."),
    force: bool = typer.Option(False, "--force", metavar="", help="Overwrite the log if there is one already."),
    batch: bool = typer.Option(True, "--batch/--no-batch", metavar="", help="Answer many instances at once with numpy where the "
                               "solver allows it (the log is byte for byte the same either way)."),
    library: Optional[Path] = typer.Option(None, "--library", metavar="DIR", help="The library of proven rewrites to reuse "
                                           "(default: the user's, docs/library.md)."),
    no_library: bool = typer.Option(False, "--no-library", metavar="", help="Reuse no library."),
    learn: bool = typer.Option(False, "--learn", metavar="", help="At the end, add what the run's proven switches taught "
                               "to the library (--library's, else the user's)."),
) -> None:
    """Run the Gödel machine on a task.

    The solver works, the proof searcher looks for provably better rewrites of the machine's
    own code, and the machine switches when the kernel proves one."""
    from godelmachine.machine.interrupt import StopRequest, sigint_stops

    if resume is not None:
        given = {"TASK": task is not None, "--lifetime": lifetime is not None, "--seed": seed != 0, "--force": force,
                 "--axioms": bool(axioms), "--log": log is not None, "--accept": accept != "proof", "--no-search": not search,
                 "--trust": trust != "assumed", "--library": library is not None, "--no-library": no_library}
        if any(given.values()):
            raise UserError(f"--resume takes the task and every setting from the log; drop {', '.join(k for k, v in given.items() if v)}")
    else:
        if task is None:
            raise UserError("name a task (godelmachine tasks lists them) or give --resume LOG")
        if accept not in ("proof", "empirical"):
            raise UserError(f"--accept must be proof or empirical, not {accept!r}")
        if library is not None and no_library:
            raise UserError("--library and --no-library contradict each other")
    stop = StopRequest()
    with sigint_stops(stop):  # from here on, Ctrl-C stops the run at a clean point (machine/interrupt.py)
        run_machine(task, lifetime, seed, axioms, log, accept, search, trust, resume, as_json, stop, batch, force,
                    None if no_library else library_path(library), learn_into=library_path(library) if learn else None)


def run_machine(task: Optional[str], lifetime: Optional[int], seed: int, axioms: Optional[list[Path]], log: Optional[Path],
                accept: str, search: bool, trust: str, resume: Optional[Path], as_json: bool, stop: Any,
                batch: bool = True, force: bool = False, library: Optional[Path] = None,
                learn_into: Optional[Path] = None) -> None:
    from godelmachine.machine import library as store
    from godelmachine.machine.interrupt import EXIT_INTERRUPTED, Interrupted
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.task import load_task

    if resume is not None:
        machine = resumed_machine(resume, as_json, stop, batch)
        if machine is None:
            return
        path = resume
    else:
        assert task is not None
        loaded = load_task(task)
        path = log or Path("runs") / f"{loaded.name}-seed{seed}{'-empirical' if accept == 'empirical' else ''}.jsonl"
        if path.exists() and not force:
            raise UserError(f"{path}: a log is there already (an earlier run's); give --force to overwrite it, "
                            "or --log another file")
        extra = (*installed_files(), *(axioms or ()))  # `axioms add` files, then --axioms
        machine = Machine(loaded, seed=seed, lifetime=lifetime, axiom_files=extra, log_path=path,
                          mode=accept, search=search, trust=trust, stop=stop, batch=batch,
                          library=store.load(library) if library is not None else None)
    if machine.mode == "empirical" and not as_json:
        typer.echo("WARNING: --accept empirical is UNSOUND: it switches without proofs, on a sample of instances.", err=True)
    from godelmachine.cli.assumptions import run_summary, summary_lines

    try:
        if as_json:
            result = machine.run()
            record = result_record(result, path)
            summary = run_summary(machine.axioms, result.switches, map(str, installed_files()))
            for s in record["switches"]:
                s["assumptions"] = summary["switch_assumptions"].get(s["n"], [])
            record.update(library_record(machine, result, learn_into))
            emit_json({**record, **{k: v for k, v in summary.items() if k != "switch_assumptions"}}, "run")
        else:
            result = run_with_progress(machine)
            show_result(result, path)
            for line in summary_lines(run_summary(machine.axioms, result.switches, map(str, installed_files()))):
                typer.echo(line)
            for line in library_lines(library_record(machine, result, learn_into)):
                typer.echo(line)
    except Interrupted as stopped:
        import shlex

        command = f"godelmachine run --resume {shlex.quote(str(path))}"
        if as_json:
            emit_json({"interrupted": True, "clock": stopped.clock, "log": str(path), "resume": command}, "run")
        typer.echo(f"interrupted at clock {stopped.clock}; resume with: {command}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None


def library_record(machine: Any, result: Any, learn_into: Optional[Path]) -> dict[str, Any]:
    """The library the run used and the entries whose lemmas it instantiated, and, with
    `learn_into`, what its proven switches taught (learned into that library now)."""
    from godelmachine.machine.library import learn

    record: dict[str, Any] = {}
    if machine.library is not None:
        record["library"] = {**machine.library.header(), "used": sorted(machine.learned.used)}
    if learn_into is not None:
        record["learned"] = [
            {"switch": s.number, "function": done.function, "id": done.id, "note": done.note}
            for s in result.switches if s.theorem is not None and s.before is not s.after
            for done in learn(learn_into, machine.kernel, s.before, s.after, machine.task.types,
                              {"task": machine.task.name, "task_file": machine.task.path, "seed": machine.seed,
                               "switch": s.number, "clock": s.clock})]
        record["learned_into"] = str(learn_into)
    return record


def library_lines(record: dict[str, Any]) -> list[str]:
    lines = []
    if "library" in record:
        used = record["library"]["used"]
        lines.append(f"library: {record['library']['path']} ({record['library']['entries']} entries; "
                     f"{len(used)} lemma(s) re-made and used: {', '.join(u[:12] for u in used) or 'none'})")
    for row in record.get("learned", []):
        lines.append(f"learned from switch {row['switch']}: {row['function']}: {row['note']}"
                     + (f" ({row['id'][:12]})" if row["id"] else ""))
    if "learned_into" in record and not record["learned"]:
        lines.append(f"learned nothing: no proven switch rewrote a definition (library {record['learned_into']})")
    return lines


def resumed_machine(path: Path, as_json: bool, stop: Any = None, batch: bool = True) -> Any:
    """The machine that continues the run logged at `path`, or None if that run had ended."""
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.records import Recovered

    recovered = Recovered(path)
    if recovered.torn:
        typer.echo(f"{path}: dropped a torn last line ({len(recovered.torn)} bytes, cut off by the kill); "
                   f"{len(recovered.lines)} whole records kept", err=True)
    if recovered.complete:
        if recovered.torn:  # an end record followed by bytes: repair the file all the same
            with open(path, "r+b") as f:
                f.truncate(recovered.whole_bytes)
        message = f"{path}: the run is complete (the log ends with its end record); nothing to resume"
        emit_json({"log": str(path), "complete": True}, "run") if as_json else typer.echo(message)
        return None
    if not as_json:
        typer.echo(f"{path}: re-executing {len(recovered.lines)} logged records, checking each, then continuing", err=True)
    return Machine.resume(recovered, path, stop, batch)


def run_with_progress(machine: Any) -> Any:
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.table import Column
    from rich.text import Text

    from godelmachine.machine.interrupt import Interrupted

    class Activity(ProgressColumn):
        """What the proof searcher is doing, read at each refresh (a trial can last seconds)."""

        def render(self, task: Any) -> Text:
            doing = "" if task.finished else machine.searcher.activity_text()
            return Text(doing, style="dim", overflow="ellipsis", no_wrap=True)

    columns = [TextColumn("[bold]{task.description}"), BarColumn(bar_width=20),
               TextColumn("clock {task.completed:,.0f} / {task.total:,.0f}"), TextColumn("reward {task.fields[reward]:,}"),
               TextColumn("switches {task.fields[switches]}"), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
               Activity(table_column=Column(ratio=1, no_wrap=True))]
    with Progress(*columns, transient=False, expand=True) as progress:
        bar = progress.add_task(machine.task.name, total=machine.lifetime, reward=0, switches=0)
        shown = {"at": 0.0}

        def update(m: Any, result: Any) -> None:  # called after each instance, trial or batch of instances
            now = time.monotonic()
            if now - shown["at"] >= 0.1 or m.clock.now >= m.lifetime:
                shown["at"] = now
                progress.update(bar, completed=min(m.clock.now, m.lifetime), reward=result.reward, switches=len(result.switches))

        try:
            result = machine.run(update)
        except Interrupted as stopped:  # Ctrl-C: the bar shows where the run stopped
            progress.update(bar, completed=stopped.clock)
            raise
        progress.update(bar, completed=machine.lifetime, reward=result.reward, switches=len(result.switches))
    return result


def result_record(result: Any, path: Path) -> dict[str, Any]:
    return {
        "task": result.task, "seed": result.seed, "mode": result.mode, "lifetime": result.lifetime,
        "reward": result.reward, "instances": result.instances, "solver_steps": result.solver_steps,
        "search_steps": result.search_steps, "first_switch": result.first_switch,
        "wall_seconds": round(result.wall_seconds, 3), "log": str(path), "refusals": result.refusals,
        "traps": result.trap_counts(), "first_trap": result.first_trap, "execution": result.execution,
        "switches": [{"n": s.number, "clock": s.clock, "technique": s.technique, "summary": s.summary,
                      "share": str(s.share_after), "proved": s.theorem is not None} for s in result.switches],
    }


def show_result(result: Any, path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if result.mode == "empirical":
        console.print("[bold red]UNSOUND RUN (--accept empirical): switches below were accepted WITHOUT proof[/]")
    summary = Table(title=f"{result.task} (seed {result.seed}, lifetime {result.lifetime:,} steps)", show_header=False)
    summary.add_column("")
    summary.add_column("", justify="right")
    summary.add_row("reward", f"{result.reward:,}")
    summary.add_row("instances answered", f"{result.instances:,}")
    summary.add_row("solver steps / proof-search steps", f"{result.solver_steps:,} / {result.search_steps:,}")
    summary.add_row("time to first switch", f"{result.first_switch:,} steps" if result.first_switch else "no switch")
    summary.add_row("refused candidates", ", ".join(f"{k} {v}" for k, v in sorted(result.refusals.items())) or "none")
    summary.add_row("solver traps", ", ".join(f"{t['kind']} at {t['position'] or '?'}: {t['count']:,}"
                                              for t in result.trap_counts()) or "none")
    summary.add_row("wall time", f"{result.wall_seconds:.1f} s")
    console.print(summary)
    if result.first_trap is not None:
        console.print(f"[bold red]WARNING: the solver trapped on {result.trapped:,} of {result.instances:,} instances "
                      "(each earned nothing)[/]", highlight=False)
        console.print(f"first trap: {first_trap_line(result.first_trap)}", highlight=False, markup=False)
    if result.switches:
        switches = Table(title="Switches")
        for column in ("#", "clock", "technique", "what changed", "accepted by"):  # numbers whole, text wrapped
            switches.add_column(column, no_wrap=column in ("#", "clock"), overflow="fold")
        for s in result.switches:
            switches.add_row(str(s.number), f"{s.clock:,}", s.technique, s.summary,
                             "proof" if s.theorem is not None else "[red]empirical sample (no proof)[/]")
        console.print(switches)
    console.print(f"log: {path}")


app.command("sweep")(sweep_command)
app.add_typer(log_app, name="log")
app.add_typer(axioms_app, name="axioms")
app.add_typer(library_app, name="library")


def main() -> None:
    from godelmachine.jobs import ray_address_given

    try:
        app(args=ray_address_given(sys.argv[1:]))
    except GMError as exc:
        typer.echo(exc.render(), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in godelmachine, never the user's fault
        if os.environ.get("GODELMACHINE_DEBUG"):
            traceback.print_exc()
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (this is a bug in godelmachine; "
                   "set GODELMACHINE_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_INTERNAL)



