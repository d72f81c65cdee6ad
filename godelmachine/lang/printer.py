"""The pretty-printer for code: a datum laid out over lines, deterministically.

A form that fits in the width is printed on one line (exactly as `show` prints it). Otherwise
its head and the arguments that belong with it (the name of a `define`, the bindings of a
`let`, the test of an `if`, ...) stay on the first line and each further argument goes on its
own line, indented by two spaces. Reading the output back gives the same datum.
"""

from __future__ import annotations

from typing import Any

from godelmachine.lang.values import Pair, show

WIDTH = 92

# How many arguments stay on the head's line when a form is broken over lines.
_KEEP_ON_HEAD_LINE = {"define": 1, "lambda": 1, "let": 1, "for": 2, "if": 1, "quote": 1}


def pretty(datum: Any, width: int = WIDTH) -> str:
    return "\n".join(_lines(datum, width))


def _lines(datum: Any, width: int) -> list[str]:
    flat = show(datum)
    if len(flat) <= width or type(datum) is not Pair:
        return [flat]
    items = list(datum)
    head = items[0]
    keep = _KEEP_ON_HEAD_LINE.get(head, 0) if type(head) is str else 0
    first = "(" + " ".join(show(x) for x in items[: 1 + keep])
    lines = [first]
    for item in items[1 + keep:]:
        lines.extend("  " + line for line in _lines(item, width - 2))
    lines[-1] += ")"
    return lines


def pretty_program(codes: list[Any], width: int = WIDTH) -> str:
    """A whole program: its definitions separated by blank lines, ending with a newline."""
    return "\n\n".join(pretty(code, width) for code in codes) + "\n"
