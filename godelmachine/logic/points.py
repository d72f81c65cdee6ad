"""Untrusted: evidence, not proof. A closed formula of the theories, tested on many points.

An axiom of a user's file that the kernel cannot prove is an *assumption* (docs/axioms.md).
Before one is accepted, `evaluate_on_points` evaluates it at `POINTS` points or more: for each
universally quantified variable, edge values (0, ±1, powers of two and of ten and their
neighbours, the ends of the machine's integer and word ranges) and seeded random values of
every magnitude. A point where the formula is false is a counterexample; it is shrunk
towards 0 (each integer variable by bisection, while the formula stays false there) so that
the message names the edge where the formula starts to fail.

The values are SMT-LIB's: mathematical integers, exact rationals, bit-vectors modulo 2^w.
A point where the formula's value is unspecified (a division by zero) or needs a quantifier
inside to be decided counts as untested. A formula whose every variable has a small finite
sort (Bool, narrow bit-vectors) is tested on all its points.

This module decides nothing about soundness: a formula that passes is still an assumption,
and every switch that rests on it says so.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterator

from godelmachine.logic.terms import BOOL, INT, REAL, Term, _fold, bv_width, const, smtlib

POINTS = 10_000
GRID = 2_000  # at most this many points of the edge values' grid come first

_SMALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 99, 100, 101, 127, 128,
          255, 256, 999, 1000, 1001, 1023, 1024, 4095, 4096, 65535, 65536, 65537, 10**6, 2**31 - 1, 2**31, 2**32 - 1,
          2**32, 2**53, 10**12, 2**62, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**20]
EDGE_INTS = sorted({s * v for v in _SMALL for s in (1, -1)})
EDGE_REALS = sorted({Fraction(v) for v in EDGE_INTS if abs(v) <= 2**32} |
                    {s * Fraction(1, d) for d in (2, 3, 4, 10, 1000) for s in (1, -1)})


class Undetermined(Exception):
    """The formula has no value at this point (division by zero, a quantifier inside)."""


@dataclass(frozen=True)
class Tested:
    points: int  # points at which the formula was evaluated (true or false)
    exhaustive: bool  # the points were the whole (finite) domain
    counterexample: tuple[tuple[str, str], ...] | None = None
    enough: bool = True  # every conjunct was evaluated at `count` points (or at all of its points)

    def describe_counterexample(self) -> str:
        return ", ".join(f"{n} = {v}" for n, v in self.counterexample or ())


def parts(statement: Term) -> Iterator[tuple[dict[str, str], Term]]:
    """The statement as conjuncts, each with the universal variables in force over it."""
    stack: list[tuple[dict[str, str], Term]] = [({}, statement)]
    while stack:
        variables, t = stack.pop()
        if t.kind == "forall":
            stack.append(({**variables, **dict(t.name)}, t.args[0]))
        elif t.kind == "app" and t.name == "and":
            stack.extend((variables, a) for a in reversed(t.args))
        else:
            yield variables, t


def evaluate(t: Term, env: dict[str, Term]) -> Term:
    """The constant `t` denotes when its free symbols have the constant values `env`."""
    kind = t.kind
    if kind == "const":
        return t
    if kind == "sym":
        if t.name not in env:
            raise Undetermined(f"the symbol {t.name} has no value")
        return env[t.name]
    if kind != "app":
        raise Undetermined("a quantifier inside the formula")
    name = t.name
    if name == "and":
        return const(all(evaluate(a, env).name for a in t.args), BOOL)
    if name == "or":
        return const(any(evaluate(a, env).name for a in t.args), BOOL)
    if name == "=>":
        return const((not evaluate(t.args[0], env).name) or bool(evaluate(t.args[1], env).name), BOOL)
    if name == "not":
        return const(not evaluate(t.args[0], env).name, BOOL)
    if name == "ite":
        return evaluate(t.args[1] if evaluate(t.args[0], env).name else t.args[2], env)
    args = [evaluate(a, env) for a in t.args]
    values = [a.name for a in args]
    if name == "=":
        return const(all(v == values[0] for v in values[1:]), BOOL)
    if name == "distinct":
        return const(len(set(values)) == len(values), BOOL)
    if name == "xor":
        return const(bool(values[0]) != bool(values[1]), BOOL)
    folded = _fold(name, tuple(args), t.sort)
    if folded is None or not folded.is_const:
        raise Undetermined(f"{name} is unspecified at these arguments")
    width = bv_width(folded.sort)
    if width is not None and not 0 <= folded.name < (1 << width):
        return const(folded.name % (1 << width), folded.sort)
    return folded


class Sampler:
    """Edge and random values of one sort, from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def edges(self, sort: str) -> list[Any]:
        width = bv_width(sort)
        if sort == BOOL:
            return [False, True]
        if sort == INT:
            return EDGE_INTS
        if sort == REAL:
            return EDGE_REALS
        assert width is not None, sort
        top = (1 << width) - 1
        values = {0, 1, 2, 3, top, top - 1, 1 << (width - 1), (1 << (width - 1)) - 1, (1 << (width - 1)) + 1}
        values |= {1 << i for i in range(width)} | {(1 << i) - 1 for i in range(width + 1)}
        return sorted(v & top for v in values)

    def domain(self, sort: str) -> list[Any] | None:
        width = bv_width(sort)
        if sort == BOOL:
            return [False, True]
        if width is not None and width <= 13:
            return list(range(1 << width))
        return None

    def random(self, sort: str) -> Any:
        rng = self.rng
        if rng.random() < 0.25:
            return rng.choice(self.edges(sort))
        if sort == BOOL:
            return rng.random() < 0.5
        if sort == INT:
            return self.integer()
        if sort == REAL:
            return Fraction(self.integer(), rng.choice([1, 1, 1, 2, 3, 4, 7, 10, 1000, rng.randrange(1, 10**6)]))
        width = bv_width(sort)
        assert width is not None
        if rng.random() < 0.3:  # a few bits set
            return sum(1 << rng.randrange(width) for _ in range(rng.randrange(1, 4))) & ((1 << width) - 1)
        return rng.randrange(1 << width)

    def integer(self) -> int:
        bits = self.rng.randrange(0, 66)
        value = self.rng.randrange(1 << bits) if bits else 0
        return -value if self.rng.random() < 0.5 else value


def _const(value: Any, sort: str) -> Term:
    return const(value, sort)


def evaluate_on_points(statement: Term, seed: str, count: int = POINTS) -> Tested:
    """Evaluate each conjunct of `statement` at `count` points or more (all of them, if its
    domain is smaller); the first false point found, shrunk, is the counterexample."""
    rng = random.Random(seed)
    sampler = Sampler(rng)
    tested, exhaustive = 0, True
    for variables, body in parts(statement):
        names = list(variables)
        sorts = [variables[n] for n in names]

        def holds(values: tuple[Any, ...]) -> bool | None:
            env = {n: _const(v, s) for n, s, v in zip(names, sorts, values)}
            try:
                return bool(evaluate(body, env).name)
            except Undetermined:
                return None

        def points() -> Iterator[tuple[Any, ...]]:
            domains = [sampler.domain(s) for s in sorts]
            if all(d is not None for d in domains) and _size(domains) <= count:
                yield from itertools.product(*domains)  # type: ignore[arg-type]
                return
            edges = [sampler.edges(s) for s in sorts]
            if _size(edges) <= GRID:
                yield from itertools.product(*edges)
            else:  # each variable's edges at least once, the others random
                for i, values in enumerate(edges):
                    for v in values:
                        yield tuple(v if j == i else sampler.random(s) for j, s in enumerate(sorts))
            while True:
                yield tuple(sampler.random(s) for s in sorts)

        domains = [sampler.domain(s) for s in sorts]
        whole = all(d is not None for d in domains) and _size(domains) <= count
        exhaustive = exhaustive and whole
        determined, attempts = 0, 0
        for values in points():
            attempts += 1
            answer = holds(values)
            if answer is False:
                shrunk = shrink(values, sorts, holds)
                shown = tuple((n, smtlib(_const(v, s))) for n, s, v in zip(names, sorts, shrunk))
                return Tested(tested + determined, False, shown)
            if answer is True:
                determined += 1
            if (not whole and determined >= count) or attempts >= 3 * count:
                break
        tested += determined
        if determined < (_size(domains) if whole else count):  # some point had no value
            return Tested(tested, False, None, enough=False)
    return Tested(tested, exhaustive)


def _size(lists: list[Any]) -> int:
    size = 1
    for values in lists:
        size *= len(values)
    return size


def shrink(values: tuple[Any, ...], sorts: list[str], holds: Any) -> tuple[Any, ...]:
    """A false point closer to 0: each Int variable bisected towards 0 while the formula stays
    false (the smallest such value when falsity is monotone in it)."""
    current = list(values)
    for i, sort in enumerate(sorts):
        if sort != INT or current[i] == 0:
            continue
        good, bad = 0, current[i]  # bisect between a value where it holds (or 0) and one where it fails
        if holds(tuple(current[:i] + [0] + current[i + 1:])) is False:
            current[i] = 0
            continue
        while abs(bad - good) > 1:
            middle = (good + bad) // 2 if bad > 0 else -((-good - bad) // 2)
            if holds(tuple(current[:i] + [middle] + current[i + 1:])) is False:
                bad = middle
            else:
                good = middle
        current[i] = bad
    return tuple(current)


__all__ = ["evaluate_on_points", "Tested", "POINTS", "evaluate", "Undetermined"]
