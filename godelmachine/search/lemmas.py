"""Untrusted: an entry's lemma made for other programs, and its old value found in theirs.

`renamed_certificate` rewrites a library entry's certificate (godelmachine/search/learned.py) so
that it speaks of a run's programs instead of the entry's: symbols renamed (`renamer`), program
digests and function names swapped, each smt node's budget set from what it used. The kernel
replays the result node by node; a wrong renaming is a refusal, never a wrong theorem.

`fold` finds, in a term of the symbolic semantics, instances of an entry's old value (the
pattern, its parameters the pattern's variables; `matches`) and makes each an application of
the entry's own value symbol, innermost first.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from godelmachine.logic.semantics import SEPARATOR
from godelmachine.logic.terms import BUILTINS, Term, app, mk

RLIMIT_SLACK = 2  # a replayed smt node may use this many times what it used when it was made (renamed symbols)
Pattern = tuple[Any, Term, tuple[tuple[str, str], ...], str, str]  # (entry, old value, its variables, value symbol, sort)


TOKEN = re.compile(r"[^\s()|\"]+")


def renamer(bases: Mapping[str, str], names: Mapping[str, str]) -> Callable[[str], str]:
    """SMT-LIB text with the symbols of one program's functions renamed to another's (a
    symbol is its function's base, or the base followed by `.` or the loop separator) and the
    variables renamed by `names`."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in names:
            return names[token]
        head = token.split(".", 2)
        if len(head) >= 2:
            for old, new in bases.items():
                if token == old or token.startswith(old + ".") or token.startswith(old + SEPARATOR):
                    return new + token[len(old):]
        return token

    return lambda text: TOKEN.sub(one, text)


def renamed_certificate(cert: Mapping[str, Any], text: Callable[[str], str], digests: Mapping[str, str],
                        functions: Mapping[str, str], most: int | None = None) -> dict[str, Any]:
    """The certificate about other programs: statements and arguments renamed, each smt node's
    budget RLIMIT_SLACK times what it used when it was made (Z3's count can move with the
    names), and no more than `most`."""
    def budget(cost: int) -> int:
        wanted = RLIMIT_SLACK * cost + 1_000
        return max(1, min(wanted, most)) if most is not None else wanted

    def arg(key: str, value: Any, cost: int) -> Any:
        if key == "program" and isinstance(value, str):
            return digests.get(value, value)
        if key == "function" and isinstance(value, str):
            return functions.get(value, value)
        if key in ("types", "name"):
            return value
        if key == "rlimit" and type(value) is int:
            return budget(cost)
        if isinstance(value, str):
            return text(value)
        if isinstance(value, list):
            return [arg(key, v, cost) for v in value]
        return value

    return {"declarations": [text(d) for d in cert["declarations"]],
            "nodes": [{**n, "statement": text(n["statement"]),
                       "args": {k: arg(k, v, int(n.get("cost", 0))) for k, v in n["args"].items()}}
                      for n in cert["nodes"]]}


def fold(term: Term, patterns: list[Pattern]) -> tuple[Term, list[Any]]:
    """`term` with every instance of a pattern (an entry's old value, its parameters the
    pattern's variables) made an application of the entry's value symbol, innermost first."""
    used: list[Any] = []
    memo: dict[int, Term] = {}

    def walk(t: Term) -> Term:
        if id(t) in memo:
            return memo[id(t)]
        result = t
        if t.kind == "app":
            args = tuple(walk(a) for a in t.args)
            if any(a is not b for a, b in zip(args, t.args)):
                result = mk(t.name, *args) if t.name in BUILTINS else app(t.name, args, t.sort)
            for entry, pattern, variables, name, sort in patterns:
                if pattern.kind == "app" and pattern.name == result.name and pattern.sort == result.sort:
                    binding: dict[str, Term] = {}
                    if matches(pattern, result, {n for n, _ in variables}, binding, {}) and len(binding) == len(variables):
                        result = app(name, [binding[n] for n, _ in variables], sort)
                        if entry not in used:
                            used.append(entry)
                        break
        memo[id(t)] = result
        return result

    return walk(term), used


def matches(pattern: Term, term: Term, variables: set[str], binding: dict[str, Term],
            seen: dict[tuple[int, int], bool]) -> bool:
    """Does `term` instantiate `pattern` (its symbols in `variables` bound in `binding`)?"""
    if pattern.kind == "sym" and pattern.name in variables:
        bound = binding.setdefault(pattern.name, term)
        return bound is term and bound.sort == pattern.sort
    if pattern.kind != "app":  # a constant, or a symbol that is not a variable (a bound one is never folded into)
        return pattern is term
    key = (id(pattern), id(term))
    if key in seen:
        return seen[key]
    ok = (term.kind == "app" and pattern.name == term.name and pattern.sort == term.sort and len(pattern.args) == len(term.args)
          and all(matches(p, t, variables, binding, seen) for p, t in zip(pattern.args, term.args)))
    seen[key] = ok
    return ok


__all__ = ["Pattern", "RLIMIT_SLACK", "fold", "matches", "renamed_certificate", "renamer"]
