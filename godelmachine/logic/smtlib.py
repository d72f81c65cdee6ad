"""Reading terms of the logic from SMT-LIB text, sort-checked, with positioned errors.

Used for axiom files, for the SMT meaning of primitives in the primitive table, and for
reading proof certificates back from a log. The lexical syntax is SMT-LIB 2
(`grammars/axioms.lark`); a term is SMT-LIB's, with `let`, `forall`, `exists`, indexed
`(_ int2bv 32)` and `(_ bvN 32)`, and one convenience: where an arithmetic operator or a
comparison mixes Int and Real arguments, or divides with `/`, the Int ones are converted with
`to_real`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any, Callable

from lark import Lark, Tree
from lark.exceptions import UnexpectedInput

from godelmachine.errors import Pos, UserError, remember_source
from godelmachine.lang.reader import SAtom, SList, SNode
from godelmachine.logic.terms import (
    BOOL,
    BUILTINS,
    FALSE,
    INT,
    REAL,
    TRUE,
    SortError,
    Term,
    ToReal,
    app,
    builtin,
    bv_sort,
    const,
    exists,
    forall,
    substitute,
    sym,
)
from godelmachine.resources import grammar_text


@dataclass(frozen=True, slots=True)
class Atom:
    kind: str  # num | dec | hex | bin | str | kw | sym
    text: str


# Terms nest at most this deep, in the text and after macros are expanded: every walker over
# terms (the reader, the printer, the Z3 translation) recurses once per level, and Python's
# default recursion limit must hold for all of them (Z3's own Python API fails near 250).
MAX_TERM_NESTING = 200
MAX_BV_WIDTH = 65_536  # bits of a bit-vector sort or literal
MAX_DIGITS = 1_000  # digits of a numeral or decimal

_KINDS = {"NUMERAL": "num", "DECIMAL": "dec", "HEX": "hex", "BINARY": "bin", "STRING": "str",
          "KEYWORD": "kw", "SYMBOL": "sym", "QUOTED_SYMBOL": "sym"}


@cache
def _parser() -> Lark:
    return Lark(grammar_text("axioms.lark"), parser="lalr", propagate_positions=True)


def read_sexprs(text: str, source: str) -> tuple[SNode, ...]:
    remember_source(source, text)
    _scan_parentheses(text, source)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        message = "unexpected end of file (a '(' is not closed)" if token is not None and token.type == "$END" else (
            f"unexpected {str(token)!r}" if token is not None else "unexpected character")
        raise UserError(message, Pos(source, exc.line, exc.column)) from None
    return tuple(_convert(child, source) for child in tree.children)


def _scan_parentheses(text: str, source: str) -> None:
    """Name the spot of a stray ')', of a '(' that is never closed (strings, |symbols| and
    comments skipped), which the parser alone would report at the end of the file, or of
    nesting deeper than MAX_TERM_NESTING."""
    opened: list[tuple[int, int]] = []
    line, col, i = 1, 0, 0
    closers = {'"': '"', "|": "|", ";": "\n"}
    while i < len(text):
        ch = text[i]
        col += 1
        if ch in closers:
            end = text.find(closers[ch], i + 1)
            end = len(text) - 1 if end < 0 else end - (1 if ch == ";" else 0)
            skipped = text[i:end + 1]
            if "\n" in skipped:
                line += skipped.count("\n")
                col = len(skipped) - skipped.rfind("\n") - 1
            else:
                col += len(skipped) - 1
            i = end
        elif ch == "\n":
            line, col = line + 1, 0
        elif ch == "(":
            opened.append((line, col))
            if len(opened) > MAX_TERM_NESTING:
                raise UserError(f"nesting deeper than {MAX_TERM_NESTING} parentheses", Pos(source, line, col))
        elif ch == ")":
            if not opened:
                raise UserError("unexpected ')' with no '(' to close", Pos(source, line, col))
            opened.pop()
        i += 1
    if opened:
        raise UserError("this '(' is never closed", Pos(source, *opened[-1]))


def _convert(node: Tree, source: str) -> SNode:
    if node.data == "list":
        pos = Pos(source, node.meta.line, node.meta.column) if not node.meta.empty else None
        return SList(tuple(_convert(child, source) for child in node.children), pos)
    (token,) = node.children
    text = str(token)
    if token.type == "QUOTED_SYMBOL":
        text = text[1:-1]
    return SAtom(Atom(_KINDS[token.type], text), Pos(source, token.line, token.column))


def symbol_of(node: SNode) -> str | None:
    if type(node) is SAtom and node.value.kind == "sym":
        return node.value.text
    return None


@dataclass
class Signature:
    """Declared sorts, functions (name -> (argument sorts, result sort)) and macros."""

    sorts: set[str] = field(default_factory=set)
    funcs: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    macros: dict[str, tuple[tuple[tuple[str, str], ...], Term]] = field(default_factory=dict)

    def copy(self) -> "Signature":
        return Signature(set(self.sorts), dict(self.funcs), dict(self.macros))

    def declare(self, name: str, args: tuple[str, ...], result: str, pos: Pos | None = None) -> None:
        if name in BUILTINS or name in ("true", "false"):
            raise UserError(f"{name!r} is a builtin and cannot be declared", pos)
        if name.startswith("%"):
            raise UserError(f"symbols starting with '%' are reserved, got {name!r}", pos)
        previous = self.funcs.get(name)
        if previous is not None and previous != (args, result):
            raise UserError(f"{name!r} is already declared with another signature", pos)
        self.funcs[name] = (args, result)


_ARITH = {"+", "-", "*", "/", "<", "<=", ">", ">=", "=", "distinct"}


class TermReader:
    def __init__(self, signature: Signature, guard: Callable[[str, Pos | None, str], None] | None = None) -> None:
        self.signature = signature
        # Called with (name, position, "use" | "bind") for every declared sort, function,
        # constant or macro a term uses and every variable it binds; it raises to refuse one
        # (user axiom files: the kernel's reserved namespace, godelmachine/logic/axioms.py).
        self.guard = guard or (lambda name, pos, how: None)

    def sort(self, node: SNode) -> str:
        name = symbol_of(node)
        if name in (INT, REAL, BOOL):
            return name
        if name is not None and name in self.signature.sorts:
            self.guard(name, node.pos, "use")
            return name
        if type(node) is SList and len(node.items) == 3 and symbol_of(node.items[0]) == "_" \
                and symbol_of(node.items[1]) == "BitVec" and type(node.items[2]) is SAtom \
                and node.items[2].value.kind == "num":
            return self.bv_sort(self.width(node.items[2]), node)
        raise UserError("unknown sort (expected Int, Real, Bool, (_ BitVec n) or a declared sort)", node.pos)

    def width(self, node: SAtom) -> int:
        text = node.value.text
        if len(text) > 6 or not 1 <= int(text) <= MAX_BV_WIDTH:
            raise UserError(f"a bit-vector width must be 1 to {MAX_BV_WIDTH} bits, not {text}", node.pos)
        return int(text)

    def bv_sort(self, width: int, node: SNode) -> str:
        if width > MAX_BV_WIDTH:
            raise UserError(f"a bit-vector literal of more than {MAX_BV_WIDTH} bits", node.pos)
        return bv_sort(width)

    def term(self, node: SNode, scope: dict[str, Term] | None = None) -> Term:
        return self._term(node, scope or {})

    def _term(self, node: SNode, scope: dict[str, Term]) -> Term:
        if type(node) is SAtom:
            return self._atom(node, scope)
        if not node.items:
            raise UserError("empty term ()", node.pos)
        head = node.items[0]
        name = symbol_of(head)
        if name in ("forall", "exists"):
            return self._quantifier(node, scope, name)
        if name == "let":
            return self._let(node, scope)
        if name == "!":
            if len(node.items) < 2:
                raise UserError("expected (! term :attribute value ...)", node.pos)
            return self._term(node.items[1], scope)
        if name == "_":
            return self._indexed_constant(node)
        if type(head) is SList:
            indexed = self._indexed_operator(head)
            args = [self._term(a, scope) for a in node.items[1:]]
            return self._apply(indexed, args, node.pos)
        if name is None:
            raise UserError("expected an operator or a function name", head.pos)
        args = [self._term(a, scope) for a in node.items[1:]]
        if name in self.signature.macros:
            self.guard(name, head.pos, "use")
            params, body = self.signature.macros[name]
            if [a.sort for a in args] != [s for _, s in params]:
                raise UserError(f"{name} expects arguments of sorts {', '.join(s for _, s in params)}", node.pos)
            expanded = substitute(body, {sym(p, s): a for (p, s), a in zip(params, args)})
            if term_depth(expanded) > MAX_TERM_NESTING:
                raise UserError(f"{name}: the expanded macro nests deeper than {MAX_TERM_NESTING} levels", node.pos)
            return expanded
        if name not in BUILTINS and name in self.signature.funcs:
            self.guard(name, head.pos, "use")
        return self._apply(name, args, node.pos)

    def _apply(self, name: str, args: list[Term], pos: Pos | None) -> Term:
        if name == "-" and len(args) == 1:
            a = args[0]
            if a.is_const and a.sort in (INT, REAL):
                return const(-a.name, a.sort)
            return builtin("-", const(0, a.sort), a) if a.sort in (INT, REAL) else self._fail(name, args, pos)
        if name == "/" and len(args) == 2 and all(a.is_const and a.sort in (INT, REAL) for a in args) and args[1].name:
            return const(Fraction(args[0].name) / args[1].name, REAL)  # a rational literal, as terms.smtlib writes it
        if name in ("and", "or") and not args:
            raise UserError(f"{name} needs at least one argument", pos)
        if name in BUILTINS:
            if (name in _ARITH and {a.sort for a in args} == {INT, REAL}) or name == "/":
                args = [ToReal(a) if a.sort == INT else a for a in args]
            try:
                return builtin(name, *args)
            except SortError as exc:
                raise UserError(str(exc), pos) from None
        if name not in self.signature.funcs:
            raise UserError(f"unknown function {name!r}", pos)
        expected, result = self.signature.funcs[name]
        if tuple(a.sort for a in args) != expected:
            return self._fail(name, args, pos, expected)
        return app(name, args, result)

    def _fail(self, name: str, args: list[Term], pos: Pos | None, expected: tuple[str, ...] | None = None) -> Term:
        got = ", ".join(a.sort for a in args) or "none"
        want = f" (expected {', '.join(expected) or 'none'})" if expected is not None else ""
        raise UserError(f"{name} cannot take arguments of sorts {got}{want}", pos)

    def _atom(self, node: SAtom, scope: dict[str, Term]) -> Term:
        atom: Atom = node.value
        if atom.kind in ("num", "dec") and len(atom.text) > MAX_DIGITS:
            raise UserError(f"a number of more than {MAX_DIGITS} digits", node.pos)
        if atom.kind == "num":
            return const(int(atom.text), INT)
        if atom.kind == "dec":
            return const(Fraction(atom.text), REAL)
        if atom.kind == "hex":
            return const(int(atom.text[2:], 16), self.bv_sort(4 * (len(atom.text) - 2), node))
        if atom.kind == "bin":
            return const(int(atom.text[2:], 2), self.bv_sort(len(atom.text) - 2, node))
        if atom.kind != "sym":
            raise UserError(f"a {atom.kind} cannot be a term", node.pos)
        name = atom.text
        if name in scope:
            return scope[name]
        if name == "true":
            return TRUE
        if name == "false":
            return FALSE
        if name in self.signature.funcs:
            self.guard(name, node.pos, "use")
            args, result = self.signature.funcs[name]
            if args:
                raise UserError(f"{name} takes {len(args)} argument(s)", node.pos)
            return sym(name, result)
        if name in self.signature.macros and not self.signature.macros[name][0]:
            self.guard(name, node.pos, "use")
            return self.signature.macros[name][1]
        raise UserError(f"unknown symbol {name!r}", node.pos)

    def bound_variables(self, node: SNode) -> list[tuple[str, str]]:
        if type(node) is not SList or not node.items:
            raise UserError("expected a list of sorted variables ((x Int) ...)", node.pos)
        variables = []
        for item in node.items:
            if type(item) is not SList or len(item.items) != 2 or symbol_of(item.items[0]) is None:
                raise UserError("expected a sorted variable (x Sort)", item.pos)
            name = symbol_of(item.items[0])
            assert name is not None
            if name.startswith("%"):
                raise UserError(f"symbols starting with '%' are reserved, got {name!r}", item.pos)
            self.guard(name, item.items[0].pos, "bind")
            variables.append((name, self.sort(item.items[1])))
        return variables

    def _quantifier(self, node: SList, scope: dict[str, Term], kind: str) -> Term:
        if len(node.items) != 3:
            raise UserError(f"expected ({kind} ((x Sort) ...) body)", node.pos)
        variables = self.bound_variables(node.items[1])
        inner = dict(scope)
        inner.update({name: sym(name, sort) for name, sort in variables})
        body = self._term(node.items[2], inner)
        if body.sort != BOOL:
            raise UserError(f"the body of {kind} must be Bool, not {body.sort}", node.items[2].pos)
        return forall(variables, body) if kind == "forall" else exists(variables, body)

    def _let(self, node: SList, scope: dict[str, Term]) -> Term:
        if len(node.items) != 3 or type(node.items[1]) is not SList:
            raise UserError("expected (let ((x term) ...) body)", node.pos)
        inner = dict(scope)
        bound: set[str] = set()
        for binding in node.items[1].items:
            if type(binding) is not SList or len(binding.items) != 2 or symbol_of(binding.items[0]) is None:
                raise UserError("expected a binding (x term)", binding.pos)
            name = symbol_of(binding.items[0])
            if name in bound:
                raise UserError(f"{name!r} is bound twice in one let", binding.pos)
            bound.add(name)  # type: ignore[arg-type]
            self.guard(name, binding.items[0].pos, "bind")  # type: ignore[arg-type]
            inner[name] = self._term(binding.items[1], scope)  # type: ignore[index]
        return self._term(node.items[2], inner)

    def _indexed_operator(self, node: SNode) -> str:
        if type(node) is SList and [symbol_of(x) for x in node.items[:2]] == ["_", "int2bv"] and len(node.items) == 3:
            width = node.items[2]
            if type(width) is SAtom and width.value.text == "32":
                return "(_ int2bv 32)"
        raise UserError("unsupported indexed operator (only (_ int2bv 32))", node.pos)

    def _indexed_constant(self, node: SList) -> Term:
        # (_ bvN W): the bit-vector N of width W, N < 2^W
        if len(node.items) == 3 and (name := symbol_of(node.items[1])) and re.fullmatch(r"bv[0-9]+", name) \
                and len(name) <= MAX_DIGITS and type(node.items[2]) is SAtom and node.items[2].value.kind == "num":
            width = self.width(node.items[2])
            sort = self.bv_sort(width, node)
            if int(name[2:]).bit_length() > width:
                raise UserError(f"{name[2:]} does not fit in {width} bits", node.pos)
            return const(int(name[2:]), sort)
        raise UserError("unsupported indexed term (expected (_ bvN width))", node.pos)


def term_depth(term: Term) -> int:
    """The nesting depth of a term (a leaf is 1), counted without recursion."""
    depths: dict[int, int] = {}
    stack: list[tuple[Term, bool]] = [(term, False)]
    while stack:
        t, done = stack.pop()
        if id(t) in depths:
            continue
        if done or not t.args:
            depths[id(t)] = 1 + max((depths[id(a)] for a in t.args), default=0)
        else:
            stack.append((t, True))
            stack.extend((a, False) for a in t.args if id(a) not in depths)
    return depths[id(term)]


def parse_term(text: str, signature: Signature, scope: dict[str, Term] | None = None, source: str = "<term>") -> Term:
    nodes = read_sexprs(text, source)
    if len(nodes) != 1:
        raise UserError(f"expected one term, got {len(nodes)}")
    return TermReader(signature).term(nodes[0], scope)


def declarations_signature(lines: list[str]) -> Signature:
    """The signature that `terms.declarations` lines declare."""
    signature = Signature()
    reader = TermReader(signature)
    for node in read_sexprs("\n".join(lines), "<declarations>"):
        assert type(node) is SList
        head = symbol_of(node.items[0])
        if head == "declare-sort":
            signature.sorts.add(symbol_of(node.items[1]) or "")
        elif head == "declare-fun":
            args = tuple(reader.sort(s) for s in node.items[2].items)  # type: ignore[union-attr]
            signature.funcs[symbol_of(node.items[1]) or ""] = (args, reader.sort(node.items[3]))
    return signature


__all__ = ["Atom", "Signature", "TermReader", "parse_term", "read_sexprs", "symbol_of", "declarations_signature", "Any"]
