"""`godelmachine sweep TASK --seeds 0..99`: one run per seed (and per --lifetime), serially or
as Ray tasks (--ray), every log kept in one directory, and a summary of the runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from godelmachine.cli.output import emit_json
from godelmachine.errors import EXIT_JOBS_FAILED, UserError


def sweep_command(
    task: str = typer.Argument(..., metavar="TASK", help="A built-in task (godelmachine tasks) or a task file."),
    seeds: str = typer.Option("0..9", metavar="SEEDS", help="Seeds: 0..99 (both ends included), 1,5,9, or both: 0..9,20."),
    lifetimes: list[int] = typer.Option(None, "--lifetime", min=1, metavar="STEPS",
                                        help="Steps to live (default: the task's); repeat it to sweep lifetimes too."),
    axioms: list[Path] = typer.Option(None, "--axioms", metavar="FILE", help="An extra axiom file for every run (repeatable), "
                                      "after those installed by `axioms add`."),
    accept: str = typer.Option("proof", metavar="proof|empirical", help="As for `run`."),
    search: bool = typer.Option(True, "--search/--no-search", metavar="", help="As for `run`."),
    trust: str = typer.Option("assumed", metavar="assumed|proved", help="As for `run`."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="DIR", help="Where the logs and summary.json go "
                                       "(default: runs/sweep-TASK)."),
    force: bool = typer.Option(False, "--force", metavar="", help="Overwrite logs that are there already."),
    ray: Optional[str] = typer.Option(None, "--ray", metavar="[ADDRESS]", help="Run the jobs as Ray tasks: on a local Ray "
                                      "started for them (--ray alone), or on the cluster at ADDRESS (auto, HOST:PORT)."),
    retries: int = typer.Option(2, min=0, max=10, metavar="N", help="With --ray: run a job whose worker died again, up to N times."),
    library: Optional[Path] = typer.Option(None, "--library", metavar="DIR", help="As for `run`: the library of proven rewrites."),
    no_library: bool = typer.Option(False, "--no-library", metavar="", help="As for `run`: reuse no library."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the summary as JSON."),
) -> None:
    """Run the machine once per seed, as independent jobs; keep every log and print what the
    runs have in common: the reward's mean, spread and range, the switches found and how often,
    and when the first switch came. A run's log is the same byte for byte, with or without --ray."""
    from godelmachine.cli.axioms import installed_files
    from godelmachine.cli.library import library_path
    from godelmachine.machine.axiom_set import task_axioms
    from godelmachine.machine.sweep import Plan, parse_seeds, summary
    from godelmachine.machine.task import load_task

    if accept not in ("proof", "empirical"):
        raise UserError(f"--accept must be proof or empirical, not {accept!r}")
    if trust not in ("assumed", "proved"):
        raise UserError(f"--trust must be assumed or proved, not {trust!r}")
    loaded = load_task(task)  # a bad task file stops the sweep here, with its position, before any job
    files = tuple(str(p) for p in (*installed_files(), *(axioms or ())))
    for f in files:
        if not Path(f).is_file():
            raise UserError(f"{f}: no such axiom file")
    if library is not None and no_library:
        raise UserError("--library and --no-library contradict each other")
    plan = Plan(task, parse_seeds(seeds), tuple(dict.fromkeys(lifetimes)) if lifetimes else (None,), files, accept,
                search, trust, None if no_library else library_texts(library_path(library)))
    task_axioms(loaded, tuple(map(Path, files)), trust=trust)  # a bad axiom file too: here, positioned, not once per run
    directory = out or Path("runs") / f"sweep-{loaded.name}"
    paths = {job.name: directory / log_name(job.args[1], job.args[2], len(plan.lifetimes) > 1) for job in plan.jobs()}
    there = [p for p in paths.values() if p.exists()]
    if there and not force:
        raise UserError(f"{there[0]}: a log is there already ({len(there)} of the sweep's {len(paths)}); "
                        "give --force to overwrite them, or --out another directory")
    directory.mkdir(parents=True, exist_ok=True)
    if accept == "empirical" and not as_json:
        typer.echo("WARNING: --accept empirical is UNSOUND: every run switches without proofs, on a sample of instances.",
                   err=True)
    ends = run_with_progress(plan, ray, retries, paths, quiet=as_json)
    result = summary(plan, ends)
    result["directory"] = str(directory)
    result["runs"] = [run_row(d, paths[d.job.name]) for d in ends]
    (directory / "summary.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if as_json:
        emit_json(result, "sweep")
    else:
        for line in summary_lines(result):
            typer.echo(line)
    if any(not d.ok for d in ends):
        raise typer.Exit(EXIT_JOBS_FAILED)


def library_texts(path: Path) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The library's entry files, read (and checked) once here; None if it has no entries."""
    from godelmachine.machine.library import load

    library = load(path)  # a bad entry stops the sweep here, named, before any job
    if not library.entries:
        return None
    files = sorted(path.glob("*.json"))
    return str(path.resolve()), tuple((str(f), f.read_text(encoding="utf-8")) for f in files)


def log_name(seed: int, lifetime: int | None, by_lifetime: bool) -> str:
    return f"seed{seed}" + (f"-life{lifetime}" if by_lifetime and lifetime else "") + ".jsonl"


def run_with_progress(plan: Any, ray: Optional[str], retries: int, paths: dict[str, Path], quiet: bool) -> list[Any]:
    """Every run's end, its log written as it ends."""

    def write(done: Any) -> None:
        if done.ok:
            paths[done.job.name].write_text(done.value["log"], encoding="utf-8")

    return run_with_bar(plan.jobs(), ray, "runs", retries=retries, on_done=write, quiet=quiet)


def run_with_bar(jobs: list[Any], ray: Optional[str], what: str, retries: int = 2,
                 on_done: Callable[[Any], None] | None = None, quiet: bool = False) -> list[Any]:
    """`run_jobs` with one progress bar over the jobs on stderr, and each lost attempt and each
    failure said as it happens (`sweep`, and the benchmarks made of jobs)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from godelmachine.jobs import LOCAL, run_jobs

    where = "serially" if ray is None else ("on a local Ray" if ray == LOCAL else f"on the Ray cluster at {ray}")
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("eta"), TimeRemainingColumn(), console=Console(stderr=True), disable=quiet) as progress:
        bar = progress.add_task(f"{len(jobs)} {what} {where}", total=len(jobs))

        def ended(done: Any) -> None:
            if on_done is not None:
                on_done(done)
            for lost in done.attempts:
                progress.console.print(f"{done.job.name}: an attempt was lost ({lost}); run again", highlight=False)
            if not done.ok:
                progress.console.print(f"[red]{done.job.name}: failed: {done.error}[/]", highlight=False)
            progress.advance(bar)

        return run_jobs(jobs, ray=ray, retries=retries, on_done=ended)


def run_row(done: Any, path: Path) -> dict[str, Any]:
    if not done.ok:
        return {"job": done.job.name, "ok": False, "error": done.error, "lost": done.attempts}
    row = {k: v for k, v in done.value.items() if k != "log"}
    return {"job": done.job.name, "ok": True, "log": str(path), "lost": done.attempts, **row}


def summary_lines(result: dict[str, Any]) -> list[str]:
    lines = [f"{result['task']}: {result['jobs']} runs, logs and summary.json in {result['directory']}"]
    for g in result["groups"]:
        lines.append(f"lifetime {g['lifetime']:,}: {g['ended']} of {g['jobs']} runs ended"
                     + (f", {len(g['failed'])} FAILED" if g["failed"] else ""))
        r = g["reward"]
        if r is not None:
            lines.append(f"  reward: mean {r['mean']:,}, stdev {r['stdev']:,}, range {r['min']:,} .. {r['max']:,} "
                         f"(median {r['median']:,})")
        f = g["first_switch"]
        lines.append(f"  first switch: at clock {f['min']:,} .. {f['max']:,} (median {f['median']:,}); "
                     f"{g['runs_without_switch']} run(s) without one" if f else "  no run switched")
        for s in g["switches"]:
            lines.append(f"  {s['runs']:>4} of {g['ended']} runs: {s['summary']} ({s['technique']})")
        for r in g["retried"]:
            lines.append(f"  {r['job']}: lost {len(r['lost'])} attempt(s), run again: {'; '.join(r['lost'])}")
        for failed in g["failed"]:
            lines.append(f"  FAILED {failed['job']}: {failed['error']}")
    return lines


__all__ = ["sweep_command", "run_with_bar"]
