"""Untrusted: definitions up to the names of their functions and variables.

`canonical` writes a definition, with the helpers it calls, with functions f0, f1, ... and
variables v0, v1, ...: two definitions of one key are the same code up to names, and the
original names in the same order give the renaming from one to the other (`correspondence`).
The library (godelmachine/search/learned.py) matches a run's definitions against its entries'
this way, and renames an entry's new code into the run's names (`rename_datum`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from godelmachine.lang.program import Program
from godelmachine.lang.syntax import Apply, Call, For, GlobalRef, If, Lambda, Let, Lit, PrimCall, Var
from godelmachine.lang.values import show, type_name


@dataclass(frozen=True)
class Shape:
    """A definition with the helpers it calls, written with functions f0, f1, ... (in the order
    they are reached) and variables v0, v1, ... (in the order they are bound): two
    definitions of the same key are the same code up to names. `functions` and `binders` are
    the original names in that order."""

    key: str
    functions: tuple[str, ...]
    binders: tuple[str, ...]


def canonical(program: Program, name: str) -> Shape:
    functions: list[str] = [name]
    binders: list[str] = []

    def function(n: str) -> str:
        if n not in functions:
            functions.append(n)
        return f"f{functions.index(n)}"

    def bind(env: dict[str, str], n: str) -> dict[str, str]:
        binders.append(n)
        return {**env, n: f"v{len(binders) - 1}"}

    def walk(e: Any, env: dict[str, str]) -> str:
        kind = type(e)
        if kind is Lit:
            return f"'{type_name(e.value)}:{show(e.value)}"
        if kind is Var:
            return env.get(e.name, f"?{e.name}")
        if kind is GlobalRef:
            return f"#{function(e.name)}"
        if kind is If:
            return f"(if {walk(e.test, env)} {walk(e.then, env)} {walk(e.other, env)})"
        if kind is Let:
            value = walk(e.value, env)
            inner = bind(env, e.name)
            return f"(let {inner[e.name]} {value} {walk(e.body, inner)})"
        if kind is Lambda:
            inner = env
            for p in e.params:
                inner = bind(inner, p)
            return f"(lambda ({' '.join(inner[p] for p in e.params)}) {walk(e.body, inner)})"
        if kind is PrimCall:
            return f"({e.prim.name}{''.join(' ' + walk(a, env) for a in e.args)})"
        if kind is Call:
            return f"({function(e.name)}{''.join(' ' + walk(a, env) for a in e.args)})"
        if kind is Apply:
            return f"(apply {walk(e.fn, env)}{''.join(' ' + walk(a, env) for a in e.args)})"
        if kind is For:
            lo, hi, init = walk(e.lo, env), walk(e.hi, env), walk(e.init, env)
            inner = bind(bind(env, e.var), e.acc)
            return f"(for {inner[e.var]} {lo} {hi} {inner[e.acc]} {init} {walk(e.body, inner)})"
        raise TypeError(f"no canonical form for {kind.__name__}")

    parts = []
    done = 0
    while done < len(functions):
        if functions[done] not in program:
            return Shape(f"?{functions[done]}", tuple(functions), tuple(binders))
        d = program.lookup(functions[done])
        env: dict[str, str] = {}
        for p in d.params:
            env = bind(env, p)
        parts.append(f"(f{done} ({' '.join(env[p] for p in d.params)}) {walk(d.body, env)})")
        done += 1
    return Shape(" ".join(parts), tuple(functions), tuple(binders))


def closure(program: Program, name: str) -> Program:
    """The definition `name` and the helpers it reaches, as a program of their own."""
    shape = canonical(program, name)
    return Program.from_source("\n".join(show(program.lookup(n).code) for n in shape.functions), "<closure>",
                               program.prims)


def correspondence(pairs: list[tuple[Shape, Shape]]) -> dict[str, str] | None:
    """The variables' renaming that the shapes' binders give, or None if a name would go to
    two names."""
    names: dict[str, str] = {}
    for source, target in pairs:
        for a, b in zip(source.binders, target.binders):
            if names.setdefault(a, b) != b:
                return None
    return names


def rename_datum(code: Any, names: Mapping[str, str]) -> Any:
    """Code (a datum) with its symbols renamed."""
    from godelmachine.lang.values import Pair, make_list

    if isinstance(code, str):
        return names.get(code, code)
    if isinstance(code, Pair):
        return make_list(rename_datum(item, names) for item in code)
    return code


__all__ = ["Shape", "canonical", "closure", "correspondence", "rename_datum"]
