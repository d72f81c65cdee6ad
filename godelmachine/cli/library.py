"""`godelmachine library list | show | check | learn | remove | clear`: the library of proven rewrites.

What earlier runs proved, kept with its certificates (docs/library.md,
godelmachine/machine/library.py): `run --learn` and `library learn LOG` add to it, every later
run reads it (`run --library PATH`, `--no-library`), re-making each lemma it uses with its own
kernel. The library is, in order: `--library`, the environment variable GODELMACHINE_LIBRARY,
or $XDG_DATA_HOME/godelmachine/library (default ~/.local/share/godelmachine/library).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from godelmachine.cli.output import emit_json

library_app = typer.Typer(no_args_is_help=True, help="List, show, check, learn and remove the proven rewrites runs reuse.")

LIBRARY_OPTION = typer.Option(None, "--library", metavar="DIR", help="The library (default: the user's, docs/library.md).")


def library_path(option: Path | None) -> Path:
    from godelmachine.machine.library import default_path

    return option if option is not None else default_path()


def summary(entry: Any) -> dict[str, Any]:
    from godelmachine.lang.values import show

    code = entry.new.lookup(entry.function).code  # (define (name param ...) body)
    return {"id": entry.id, "function": entry.function, "types": list(entry.types), "new": show(code.tail.tail.head),
            "learned_from": entry.origin, "certificate_nodes": len(entry.certificate["nodes"]), "cost": entry.cost}


@library_app.command("list")
def list_command(
    library: Optional[Path] = LIBRARY_OPTION,
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Each entry: its id, the definition it rewrites, the new code, where it was learned."""
    from godelmachine.machine.library import load

    loaded = load(library_path(library))
    rows = [summary(e) for e in loaded.entries]
    if as_json:
        emit_json({"library": str(loaded.path), "sha256": loaded.sha256, "entries": rows}, "library-list")
        return
    if not rows:
        typer.echo(f"{loaded.path}: no entries (run --learn, or library learn LOG, adds some)")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{loaded.path} ({len(rows)} entries)")
    for column in ("id", "rewrites", "types", "into", "learned from"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(r["id"][:12], r["function"], " ".join(r["types"]), r["new"], r["learned_from"])
    Console().print(table)


@library_app.command("show")
def show_command(
    entry_id: str = typer.Argument(..., metavar="ID", help="An entry's id, or the start of one."),
    library: Optional[Path] = LIBRARY_OPTION,
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print the entry as JSON (its file's content and id)."),
) -> None:
    """One entry whole: the code before and after, the lemma and its certificate's steps."""
    from godelmachine.machine.library import load

    loaded = load(library_path(library))
    entry = loaded.find(entry_id)
    content = loaded.contents[loaded.entries.index(entry)]
    if as_json:
        emit_json({**content, "id": entry.id}, "library-entry")
        return
    typer.echo(f"entry {entry.id}")
    typer.echo(f"rewrites {entry.function} ({' '.join(entry.types)}), learned from {entry.origin}")
    typer.echo("\nbefore:\n" + entry.old.source().rstrip())
    typer.echo("\nafter:\n" + entry.new.source().rstrip())
    typer.echo(f"\nlemma (no new traps, the same results, on every input):\n  {content['lemma']}")
    nodes = entry.certificate["nodes"]
    typer.echo(f"\ncertificate: {len(nodes)} nodes, {entry.cost:,} steps to check when it was made")
    for i, node in enumerate(nodes, 1):
        premises = f" (from {', '.join(str(p + 1) for p in node['premises'])})" if node["premises"] else ""
        typer.echo(f"  {i}. {node['rule']}{premises}, {node['cost']:,} steps")


@library_app.command("check")
def check_command(
    library: Optional[Path] = LIBRARY_OPTION,
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Re-check every entry's certificate with a fresh kernel (as a run does before it uses the
    lemma); exit 1 if one is refused."""
    from godelmachine.logic.axioms import load_axioms
    from godelmachine.logic.certificates import check_certificate
    from godelmachine.logic.kernel import Kernel, Refused
    from godelmachine.logic.terms import smtlib

    loaded = load_library(library)
    kernel = Kernel(load_axioms(()))
    rows = []
    for entry, content in zip(loaded.entries, loaded.contents):
        programs = {entry.old.digest: entry.old, entry.new.digest: entry.new}
        try:
            made = smtlib(check_certificate(kernel, entry.certificate, programs).statement)
            reason = "" if made == content["lemma"] else "its lemma is not the certificate's theorem"
        except Refused as refused:
            reason = f"{refused.status}: {refused.reason}"
        rows.append({"id": entry.id, "checked": not reason, "reason": reason})
    failed = [r for r in rows if not r["checked"]]
    if as_json:
        emit_json({"library": str(loaded.path), "entries": rows}, "library-check")
    else:
        for r in rows:
            typer.echo(f"{r['id'][:12]}  {'checked' if r['checked'] else 'REFUSED: ' + r['reason']}")
        typer.echo(f"{len(rows) - len(failed)} of {len(rows)} entries check")
    if failed:
        raise typer.Exit(1)


def load_library(option: Path | None) -> Any:
    from godelmachine.machine.library import load

    return load(library_path(option))


@library_app.command("learn")
def learn_command(
    logs: list[Path] = typer.Argument(..., metavar="LOG...", help="Rewrite logs whose proven switches to learn from."),
    library: Optional[Path] = LIBRARY_OPTION,
    as_json: bool = typer.Option(False, "--json", metavar="", help="Print as JSON."),
) -> None:
    """Add what the logs' proven switches taught: each rewritten definition's lemma, proved
    again for it alone, with its certificate. The task files the logs name must be at hand."""
    from godelmachine.machine.library import learn_log

    path = library_path(library)
    done = [row for log in logs for row in learn_log(path, log)]
    if as_json:
        emit_json({"library": str(path), "learned": done}, "library-learn")
        return
    for row in done:
        typer.echo(f"{row['log']} switch {row['switch']}: {row['function']}: {row['note']}"
                   + (f" ({row['id'][:12]})" if row["id"] else ""))
    if not done:
        typer.echo(f"nothing to learn: no proven switch of {', '.join(map(str, logs))} rewrote a definition")


@library_app.command("remove")
def remove_command(
    entry_ids: list[str] = typer.Argument(..., metavar="ID...", help="Entries' ids, or their starts."),
    library: Optional[Path] = LIBRARY_OPTION,
) -> None:
    """Take entries out of the library."""
    from godelmachine.machine.library import remove

    loaded = load_library(library)
    entries = [loaded.find(i) for i in entry_ids]
    for entry in entries:
        remove(loaded.path, entry)
        typer.echo(f"removed {entry.id[:12]} ({entry.function}, learned from {entry.origin})")


@library_app.command("clear")
def clear_command(
    library: Optional[Path] = LIBRARY_OPTION,
    yes: bool = typer.Option(False, "--yes", metavar="", help="Do it: without it, clear only says what it would remove."),
) -> None:
    """Remove every entry of the library."""
    from godelmachine.machine.library import remove

    loaded = load_library(library)
    if not yes:
        typer.echo(f"{loaded.path}: {len(loaded.entries)} entries; give --yes to remove them all")
        return
    for entry in loaded.entries:
        remove(loaded.path, entry)
    typer.echo(f"{loaded.path}: removed {len(loaded.entries)} entries")


__all__ = ["library_app", "library_path"]
