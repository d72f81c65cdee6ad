"""Untrusted: the library's fragments, terms learned before that the synthesizer's prior favours.

Each new definition of a library entry (godelmachine/search/learned.py), as a term of the
synthesis grammar (`term_of`: `let` inlined), gives itself and each of its subterms with a
variable as a fragment: its variables made holes, counted over the entries. At a type that has
fragments, the enumeration (godelmachine/search/synthesis.py) chooses one with probability
LIBRARY_MASS, split among them by their counts (`fragment_weights`): OOPS's bias shift towards
code that solved earlier tasks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from godelmachine.lang.primitives import PrimitiveTable
from godelmachine.lang.syntax import If, Let, Lit, PrimCall, Var
from godelmachine.lang.values import show, type_name

SCALARS = ("int", "word", "bool")
LIBRARY_MASS = 1 / 8  # the prior probability, at a type that has fragments, of choosing one

Term = tuple  # synthesis terms: ("var", name) | ("const", value) | (op, child, ...); ("hole", i) in a fragment


@dataclass(frozen=True)
class Fragment:
    """A term learned before, with holes for its variables: a production of the grammar."""

    template: Term
    holes: tuple[str, ...]  # the holes' types
    result: str
    count: int  # how many entries it was found in

    @property
    def operations(self) -> int:
        def ops(t: Term) -> int:
            return 0 if t[0] in ("hole", "const") else 1 + sum(ops(c) for c in t[1:])
        return ops(self.template)


def term_of(e: Any, env: dict[str, Term], table: PrimitiveTable) -> Term | None:
    """The expression as a synthesis term over `env` (`let` inlined), or None if it is not one
    (a call, a loop, a primitive the grammar does not have)."""
    kind = type(e)
    if kind is Lit:
        return ("const", e.value) if type_name(e.value) in SCALARS else None
    if kind is Var:
        return env.get(e.name)
    if kind is Let:
        value = term_of(e.value, env, table)
        return None if value is None else term_of(e.body, {**env, e.name: value}, table)
    if kind is If:
        parts = [term_of(c, env, table) for c in (e.test, e.then, e.other)]
        return None if None in parts else ("if", *parts)
    if kind is PrimCall and e.prim.name in table:
        args = [term_of(a, env, table) for a in e.args]
        return None if None in args else (e.prim.name, *args)
    return None


def fragments(entries: list[Any], table: PrimitiveTable, type_of: Callable[[Term, dict[str, str]], str | None]
              ) -> list[Fragment]:
    """The new definitions' terms and their subterms with a variable and an operation (and more
    than one operation of variables), each with its variables made holes (numbered by first
    occurrence), counted over the entries."""
    counts: dict[tuple[Term, tuple[str, ...], str], int] = {}
    for entry in entries:
        d = entry.new.lookup(entry.function)
        if len(d.params) != len(entry.types):
            continue
        env = {p: ("var", p) for p in d.params}
        types = dict(zip(d.params, entry.types))
        body = term_of(d.body, env, table)
        if body is None:
            continue
        seen: set[tuple[Term, tuple[str, ...], str]] = set()
        for sub in subterms(body):
            result = type_of(sub, types)
            if result is None or sub[0] in ("var", "const") or not any(s[0] == "var" for s in subterms(sub)):
                continue
            if all(c[0] == "var" for c in sub[1:]):
                continue  # one operation of variables: the grammar's own production says as much, for less
            template, holes = abstracted(sub, types)
            seen.add((template, holes, result))
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    return [Fragment(t, h, r, n) for (t, h, r), n in sorted(counts.items(), key=lambda kv: (-kv[1], show_term(kv[0][0])))]


def subterms(t: Term) -> Iterator[Term]:
    yield t
    if t[0] not in ("var", "const", "hole"):
        for c in t[1:]:
            yield from subterms(c)


def abstracted(t: Term, types: dict[str, str]) -> tuple[Term, tuple[str, ...]]:
    """The term with each variable a hole, numbered by first occurrence."""
    order: list[str] = []

    def walk(u: Term) -> Term:
        if u[0] == "var":
            if u[1] not in order:
                order.append(u[1])
            return ("hole", order.index(u[1]))
        if u[0] == "const":
            return u
        return (u[0], *(walk(c) for c in u[1:]))

    template = walk(t)
    return template, tuple(types[n] for n in order)


def show_term(t: Term) -> str:
    if t[0] == "hole":
        return f"?{t[1]}"
    if t[0] in ("var", "const"):
        return str(t[1]) if t[0] == "var" else show(t[1])
    return f"({t[0]} {' '.join(show_term(c) for c in t[1:])})"


def fragment_weights(fragments: list[Fragment], scale: int) -> dict[int, int]:
    """Each fragment's description length in `scale`ths of a bit: at its result type a
    fragment is chosen with probability LIBRARY_MASS, and among the type's fragments in
    proportion to how many entries it was found in."""
    total: dict[str, int] = {}
    for f in fragments:
        total[f.result] = total.get(f.result, 0) + f.count
    return {i: max(1, round(scale * -math.log2(LIBRARY_MASS * f.count / total[f.result]))) for i, f in enumerate(fragments)}


__all__ = ["Fragment", "LIBRARY_MASS", "fragment_weights", "fragments", "show_term", "term_of"]
