"""The reader: source text to S-expression data that remember their line and column.

`read(text, source)` parses with the lark grammar `grammars/machine.lark` and returns a tuple of
`SNode`s. Atoms are classified (integer, word, boolean, symbol) by `values.classify_atom_text`,
which the printer shares. The structural errors a user makes most (an unclosed or stray
parenthesis, nesting too deep) are found by a scan before lark runs, so that the message
points at the parenthesis itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Union

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from godelmachine.errors import Pos, UserError, remember_source
from godelmachine.lang.values import (
    MAX_NESTING,
    NIL,
    Nil,
    Pair,
    Word,
    classify_atom_text,
    make_list,
)
from godelmachine.resources import grammar_text


@dataclass(frozen=True, slots=True)
class SAtom:
    value: Any  # int | bool | Word | str (a symbol)
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class SList:
    items: tuple["SNode", ...]
    pos: Pos | None


SNode = Union[SAtom, SList]

_BAR_SYMBOL = re.compile(r"\|(?:[^|\\\n]|\\.)*\|")
_ESCAPES = {"n": "\n", "|": "|", "\\": "\\"}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


@cache
def _parser() -> Lark:
    return Lark(grammar_text("machine.lark"), parser="lalr", propagate_positions=True)


def read(text: str, source: str = "<input>") -> tuple[SNode, ...]:
    """Read every datum of `text`; a UserError names the spot of the first problem."""
    remember_source(source, text)
    _scan_parentheses(text, source)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise UserError(_lark_message(exc), Pos(source, exc.line, exc.column)) from None
    return tuple(_convert(child, source) for child in tree.children)


def _lark_message(exc: UnexpectedInput) -> str:
    token = getattr(exc, "token", None)
    if token is not None and token.type == "$END":
        return "a quote ' with nothing after it"
    if token is not None:
        return f"unexpected {str(token)!r}"
    return "unexpected character"


_TOO_DEEP = f"nesting deeper than {MAX_NESTING} levels (parentheses, and quotes: 'x is (quote x))"


def _scan_parentheses(text: str, source: str) -> None:
    """Find a stray ')', an unclosed '(' or nesting deeper than MAX_NESTING.

    A quote counts as a level too: `'x` reads as `(quote x)`, so a run of quotes nests as
    deeply as that many parentheses would (and the reader's own recursion follows it)."""
    opened: list[tuple[int, int, int]] = []  # line, column and levels (1 + the quotes before it)
    depth = quotes = 0  # levels open, and quotes waiting for their datum
    line, col = 1, 0
    suspect: tuple[int, int] | None = None  # the first '(' that a later line's indentation says was left open
    line_start = True
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col += 1
        if line_start and ch not in " \t\r\f\n":
            line_start = False
            if ch == "(" and suspect is None:  # a line opening at or left of a '(' still open on an earlier line
                suspect = next(((ln, c) for ln, c, _ in reversed(opened) if ln < line and c >= col), None)
        if ch == "\n":
            line, col = line + 1, 0
            line_start = True
        elif ch in " \t\r\f":
            pass
        elif ch == ";":
            while i + 1 < n and text[i + 1] != "\n":
                i += 1
        elif ch == "'":
            quotes += 1
            if depth + quotes > MAX_NESTING:
                raise UserError(_TOO_DEEP, Pos(source, line, col))
        elif ch == "|":
            end = _BAR_SYMBOL.match(text, i)
            if end is None:
                raise UserError("a |symbol| is not closed on its line", Pos(source, line, col))
            col += end.end() - 1 - i
            i = end.end() - 1
            quotes = 0
        elif ch == "(":
            opened.append((line, col, 1 + quotes))
            depth += 1 + quotes
            quotes = 0
            if depth > MAX_NESTING:
                raise UserError(_TOO_DEEP, Pos(source, line, col))
        elif ch == ")":
            if not opened:
                raise UserError("unexpected ')' with no '(' to close", Pos(source, line, col))
            depth -= opened.pop()[2]
            quotes = 0
        else:  # a character of an atom: the quotes before it apply to it
            quotes = 0
        i += 1
    if opened:
        if suspect is not None:  # indentation says where the ')' is missing; the count alone cannot
            raise UserError("this '(' is probably never closed (a later line starts at its column, as if it had been)",
                            Pos(source, *suspect))
        line, col, _ = opened[-1]
        raise UserError("this '(' is never closed", Pos(source, line, col))


def _convert(node: Tree | Token, source: str) -> SNode:
    if isinstance(node, Token):  # an ATOM or BAR_SYMBOL token inside `atom`
        raise AssertionError("tokens are wrapped in atom trees")
    pos = Pos(source, node.meta.line, node.meta.column) if not node.meta.empty else None
    if node.data == "list":
        return SList(tuple(_convert(child, source) for child in node.children), pos)
    if node.data == "quoted":
        quote_token, datum = node.children
        pos = Pos(source, quote_token.line, quote_token.column)
        return SList((SAtom("quote", pos), _convert(datum, source)), pos)
    (token,) = node.children
    pos = Pos(source, token.line, token.column)
    if token.type == "BAR_SYMBOL":
        return SAtom(_unescape(str(token)[1:-1]), pos)
    try:
        return SAtom(classify_atom_text(str(token)), pos)
    except ValueError as exc:
        raise UserError(str(exc), pos) from None


# --- data with positions <-> runtime values -------------------------------------------


def to_value(node: SNode) -> Any:
    """The runtime value of a datum (positions dropped): lists become `Pair` lists."""
    if type(node) is SAtom:
        return node.value
    return make_list(to_value(item) for item in node.items)


def from_value(value: Any, depth: int = 0) -> SNode:
    """A runtime datum as an SNode without positions (for code built by a program).

    Raises ValueError if the value is not code-shaped data or is nested too deeply.
    """
    if depth > MAX_NESTING:
        raise ValueError(f"built code is nested deeper than {MAX_NESTING}")
    if type(value) is Pair or type(value) is Nil:
        return SList(tuple(from_value(item, depth + 1) for item in value), None)
    if type(value) in (int, bool, str, Word):
        return SAtom(value, None)
    raise ValueError(f"a {type(value).__name__} value cannot appear in code")


__all__ = ["SAtom", "SList", "SNode", "read", "to_value", "from_value", "classify_atom_text", "NIL", "Pair"]
