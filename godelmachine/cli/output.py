"""What the commands print alike: JSON for scripts, and a solver's first trap (`run` and `log show`)."""

from __future__ import annotations

import json
from typing import Any

import typer


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def first_trap_line(trap: dict[str, Any]) -> str:
    """`POS: trap: KIND: DETAIL (instance K: n = 2, at clock C)`, like `godelmachine eval` prints a trap."""
    arguments = ", ".join(f"{name} = {value}" for name, value in trap["arguments"])
    return (f"{trap['position'] or '?'}: trap: {trap['kind']}: {trap['detail']} "
            f"(instance {trap['instance']:,}: {arguments}, at clock {trap['clock']:,})")
