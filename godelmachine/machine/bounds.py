"""Reading numbers off proved facts, for people: the log's and the summary's utility figures.

Not part of any proof: the machine switches on the kernel's theorem, and these figures only
restate, as decimals, the bounds that theorem rests on (mean costs, maximum cost, mean reward).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from godelmachine.logic.certificates import derivation
from godelmachine.logic.kernel import Theorem
from godelmachine.logic.terms import Term

FUNCTIONS = ("mean-cost", "mean-reward", "max-cost")
FLIP = {"<=": ">=", ">=": "<=", "=": "=", "<": ">=", ">": "<="}


def proven_bounds(theorem: Theorem | None, programs: dict[str, Any]) -> dict[tuple[str, str, str], Fraction]:
    """(function, relation, program constant) -> the number, for each fact of the derivation of
    the form (R (f P) e) with e a closed numeric expression."""
    found: dict[tuple[str, str, str], Fraction] = {}
    if theorem is None:
        return found
    for t in derivation(theorem):
        s = t.statement
        if s.kind != "app" or s.name not in FLIP or len(s.args) != 2:
            continue
        for side, other, relation in ((s.args[0], s.args[1], s.name), (s.args[1], s.args[0], FLIP[s.name])):
            if side.kind == "app" and side.name in FUNCTIONS and len(side.args) == 1 and side.args[0].kind == "sym":
                value = number(other)
                if value is not None:
                    key = (side.name, relation if relation in ("<=", ">=", "=") else relation, side.args[0].name)
                    found[key] = value
    return found


def number(t: Term) -> Fraction | None:
    if t.is_const:
        return Fraction(t.name) if not isinstance(t.name, bool) else None
    if t.kind != "app":
        return None
    if t.name == "uniform-moment":
        k, lo, hi = (a.name for a in t.args)
        return Fraction(sum(x**k for x in range(lo, hi + 1)), hi - lo + 1) if hi - lo < 10**7 else _moment(k, lo, hi)
    args = [number(a) for a in t.args]
    if any(a is None for a in args):
        return None
    if t.name == "+":
        return sum(args, Fraction(0))  # type: ignore[arg-type]
    if t.name == "*":
        result = Fraction(1)
        for a in args:
            result *= a  # type: ignore[operator]
        return result
    if t.name == "-":
        return -args[0] if len(args) == 1 else args[0] - sum(args[1:], Fraction(0))  # type: ignore[operator]
    if t.name == "/" and args[1]:
        return args[0] / args[1]  # type: ignore[operator]
    if t.name == "to_real":
        return args[0]
    return None


def _moment(k: int, lo: int, hi: int) -> Fraction:
    """E[x^k] for x uniform on lo..hi, by Faulhaber's sums (k <= 3)."""
    def s(m: int) -> int:
        return [m + 1, m * (m + 1) // 2, m * (m + 1) * (2 * m + 1) // 6, (m * (m + 1) // 2) ** 2][k]

    return Fraction(s(hi) - s(lo - 1), hi - lo + 1)
