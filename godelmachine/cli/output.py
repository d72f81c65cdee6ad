"""What the commands print alike: JSON for scripts, and a solver's first trap (`run` and `log show`)."""

from __future__ import annotations

import json
import os
from typing import Any

import typer


def emit_json(data: Any, schema: str) -> None:
    """Print `data`, the shape godelmachine/schemas/SCHEMA.schema.json documents. With
    GODELMACHINE_CHECK_SCHEMAS=1 (the tests set it) it is checked against that schema first, and
    a mismatch is a bug in godelmachine (exit 70), never printed."""
    if os.environ.get("GODELMACHINE_CHECK_SCHEMAS"):
        from godelmachine import schemas

        wrong = schemas.problems(data, schema)
        if wrong:
            raise AssertionError(f"the --json output does not match its schema {schema}: {'; '.join(wrong[:3])}")
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def first_trap_line(trap: dict[str, Any]) -> str:
    """`POS: trap: KIND: DETAIL (instance K: n = 2, at clock C)`, like `godelmachine eval` prints a trap."""
    arguments = ", ".join(f"{name} = {value}" for name, value in trap["arguments"])
    return (f"{trap['position'] or '?'}: trap: {trap['kind']}: {trap['detail']} "
            f"(instance {trap['instance']:,}: {arguments}, at clock {trap['clock']:,})")
