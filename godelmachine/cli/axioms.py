"""`godelmachine axioms list | check | add | remove`: the axiom set, and extending it.

Users extend the machine's axiom set with files of the axiom syntax (docs/axioms.md). `axioms
add` installs a checked file into the user's axiom directory, and every later `godelmachine
run` loads the files there (its log's header names each with its SHA-256). The directory is,
in order: `--dir`, the environment variable GODELMACHINE_AXIOMS, or
$XDG_CONFIG_HOME/godelmachine/axioms (default ~/.config/godelmachine/axioms).

A user's file may declare only fresh names of its own and mention only those, the theories'
operators and the environment's vocabulary: everything the kernel generates or gives meaning
to is its reserved namespace (`godelmachine.logic.axioms.reserved`, docs/axioms.md). Its
axioms are proved, constraints on its own symbols (which must have a model), or assumptions
tested on 10,000 points; loading decides which, for `axioms check`, `axioms add` and every run
alike. `axioms add` checks the file together with the shipped axioms and every installed file,
and installs nothing if that set is refused.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from godelmachine.cli.output import emit_json
from godelmachine.errors import UserError

axioms_app = typer.Typer(no_args_is_help=True, help="List, check, add and remove axiom files.")


def user_axiom_dir(option: Path | None = None) -> Path:
    if option is not None:
        return option
    if os.environ.get("GODELMACHINE_AXIOMS"):
        return Path(os.environ["GODELMACHINE_AXIOMS"])
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "godelmachine" / "axioms"


def installed_files(directory: Path | None = None) -> tuple[Path, ...]:
    """The axiom files installed by `axioms add`, in name order (runs load them all)."""
    root = user_axiom_dir(directory)
    return tuple(sorted(root.glob("*.axioms"))) if root.is_dir() else ()


def readable(path: Path) -> Path:
    """`path`, if it can be read as UTF-8 text (else a UserError naming it)."""
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the axiom file ({exc.strerror})") from None
    return path


def axiom_set(task: str | None, extra: tuple[Path, ...], check: bool = True) -> Any:
    from godelmachine.logic.axioms import load_axioms
    from godelmachine.machine.axiom_set import task_axioms
    from godelmachine.machine.task import load_task

    extra = tuple(readable(path) for path in extra)
    if task is not None:
        return task_axioms(load_task(task), extra, check=check)
    return load_axioms(extra, check=check)


@axioms_app.command("list")
def list_command(
    task: Optional[str] = typer.Option(None, metavar="TASK", help="Include a task's environment and initial-state axioms."),
    log: Optional[Path] = typer.Option(None, metavar="LOG", help="Count the switches of this log that rest on each axiom."),
    directory: Optional[Path] = typer.Option(None, "--dir", metavar="DIR", help="The user's axiom directory."),
    hardware: bool = typer.Option(False, metavar="", help="Include the generated hardware axioms (one per primitive)."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Each axiom: name, class, file and line, proved or assumed, and the switches resting on it."""
    uses: dict[str, int] = {}
    if log is not None:
        from godelmachine.cli.log import records_of

        records = records_of(log)
        task = task or records[0]["task_file"]
        for r in records:
            if r.get("type") == "switch":
                for name in r.get("axioms_used", []):
                    uses[name] = uses.get(name, 0) + 1
    axioms = axiom_set(task, installed_files(directory))
    rows = [{"name": a.name, "class": a.cls, "file": a.source, "line": a.line, "status": a.status,
             "proved_from": list(a.proved_from), "user": a.user, "evidence": a.evidence,
             "switches": uses.get(a.name, 0) if log is not None else None}
            for a in axioms.axioms.values() if hardware or a.cls != "hardware"]
    if as_json:
        emit_json({"consistency": axioms.consistency, "axioms": rows}, "axioms-list")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Axioms ({axioms.consistency})")
    for column in ("name", "class", "file:line", "status", *(["switches"] if log is not None else [])):
        table.add_column(column)
    for r in rows:
        cells = [r["name"], r["class"], f"{r['file']}:{r['line']}", r["status"]]
        table.add_row(*cells, *([str(r["switches"])] if log is not None else []))
    Console().print(table)


def checked(file: Path, task: str | None, directory: Path | None) -> tuple[Any, list[Any]]:
    """The set with `file` added to the installed files (syntax, sorts, the reserved namespace,
    the tests of its assumptions and consistency checked, as a run would), and the file's axioms."""
    if not file.is_file():
        raise UserError(f"{file}: no such axiom file")
    existing = tuple(p for p in installed_files(directory) if p.name != file.name)
    axioms = with_progress(lambda: axiom_set(task, (*existing, file)))
    added = [a for a in axioms.axioms.values() if a.source == str(file)]
    return axioms, added


def with_progress(load: Callable[[], Any]) -> Any:
    """`load()`, showing on stderr (when it is a terminal) which check it is making: the checks of
    a set can take half a minute the first time (their outcomes are cached after)."""
    from rich.console import Console

    from godelmachine.logic.axioms import reporting

    console = Console(stderr=True)
    if not console.is_terminal:
        return load()
    with console.status("checking the axiom set") as status, reporting(lambda text: status.update(f"checking {text}")):
        return load()


def how_accepted(a: Any) -> str:
    if a.status == "proved":
        return f"proved from {', '.join(a.proved_from)} (rule smt)" if a.proved_from else "proved: it holds by itself (rule smt)"
    return a.evidence if a.status == "assumed" else f"constraint: {a.evidence}"


@axioms_app.command("check")
def check_command(
    file: Path = typer.Argument(..., metavar="FILE", help="An axiom file."),
    task: Optional[str] = typer.Option(None, metavar="TASK", help="Check against a task's axioms too."),
    directory: Optional[Path] = typer.Option(None, "--dir", metavar="DIR", help="The user's axiom directory."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Parse and sort-check a file against the reserved namespace, then decide each of its
    axioms: proved (and from what), a constraint on its own symbols, or an assumption tested on
    10,000 points; a false or inconsistent one is refused."""
    axioms, added = checked(file, task, directory)
    report = [{"name": a.name, "class": a.cls, "line": a.line, "status": a.status, "proved_from": list(a.proved_from),
               "evidence": a.evidence} for a in added]
    if as_json:
        emit_json({"file": str(file), "consistency": axioms.consistency, "user_constraints": axioms.user_consistency,
                   "axioms": report}, "axioms-check")
    else:
        for a in added:
            typer.echo(f"{file}:{a.line}: {a.name}: {how_accepted(a)}")
        typer.echo(f"consistent with the current set: {axioms.consistency}; the user's constraints: "
                   f"{axioms.user_consistency}")


@axioms_app.command("add")
def add_command(
    file: Path = typer.Argument(..., metavar="FILE", help="An axiom file to install."),
    task: Optional[str] = typer.Option(None, metavar="TASK", help="Check against a task's axioms too."),
    directory: Optional[Path] = typer.Option(None, "--dir", metavar="DIR", help="The user's axiom directory."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Check a file and install it into the user's axiom directory; later runs load it."""
    axioms, added = checked(file, task, directory)
    target_dir = user_axiom_dir(directory)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / (file.stem + ".axioms")
    shutil.copyfile(file, target)
    if as_json:
        emit_json({"installed": str(target), "axioms": [a.name for a in added], "consistency": axioms.consistency,
                   "assumed": [a.name for a in added if a.status == "assumed"]}, "axioms-add")
    else:
        assumed = [a.name for a in added if a.status == "assumed"]
        note = f"; {len(assumed)} of them assumed (tested, not proved): {', '.join(assumed)}" if assumed else ""
        typer.echo(f"installed {target} ({len(added)} axiom(s){note}); later runs load it")


@axioms_app.command("remove")
def remove_command(
    name: str = typer.Argument(..., metavar="NAME", help="The installed file's name (with or without .axioms)."),
    directory: Optional[Path] = typer.Option(None, "--dir", metavar="DIR", help="The user's axiom directory."),
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Take an installed axiom file out of the user's axiom directory."""
    target = user_axiom_dir(directory) / (name if name.endswith(".axioms") else name + ".axioms")
    if not target.is_file():
        known = ", ".join(p.stem for p in installed_files(directory)) or "none"
        raise UserError(f"no installed axiom file {name!r} in {user_axiom_dir(directory)} (installed: {known})")
    target.unlink()
    if as_json:
        emit_json({"removed": str(target)}, "axioms-remove")
    else:
        typer.echo(f"removed {target}")
