"""Reading numbers off proved facts, for people: the log's and the summary's utility figures.

Not part of any proof: the machine switches on the kernel's theorem, and these figures only
restate, as decimals, the bounds that theorem rests on (mean costs, maximum cost, mean reward).
"""

from __future__ import annotations

import decimal
from fractions import Fraction
from typing import Any

from godelmachine.logic.certificates import derivation
from godelmachine.logic.kernel import Theorem
from godelmachine.logic.semantics import function_base
from godelmachine.logic.terms import Term

FUNCTIONS = ("mean-cost", "mean-reward", "max-cost")
FLIP = {"<=": ">=", ">=": "<=", "=": "=", "<": ">=", ">": "<="}


def proven_bounds(theorem: Theorem | None, programs: dict[str, Any]) -> dict[tuple[str, str, str], Fraction]:
    """(function, relation, program constant) -> the number, for each fact of the derivation of
    the form (R (f P) e) with e a closed numeric expression; where several facts bound the same
    thing, the tightest (the largest lower bound, the smallest upper bound): a derivation often
    holds a trivial bound too (a cost of at least 1), which must not stand for the real one."""
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
                    key = (side.name, relation, side.args[0].name)
                    known = found.get(key)
                    if known is None or (relation == ">=" and value > known) or (relation == "<=" and value < known):
                        found[key] = value
    return found


def utility_figures(target: Theorem | None, before: Any, after: Any, share_before: Fraction, share_after: Fraction,
                    remaining: int) -> dict[str, Any]:
    """The expected reward of both branches from the switch on, as the target's proof bounds
    them: u[switch] >= (1 - s') T / mu' * rho' - 1 and u[no switch] <= ((1 - s) T + c) / mu * rho,
    T the remaining steps (a switch record's `utility`, which `log verify` computes again)."""
    facts = proven_bounds(target, {p.digest: p for p in (before, after)})
    old, new = function_base(before, "solve"), function_base(after, "solve")
    rho = facts.get(("mean-reward", ">=", old)) or facts.get(("mean-reward", "=", old))
    rho_new = facts.get(("mean-reward", "=", new)) or rho
    mu_new = facts.get(("mean-cost", "<=", new)) or facts.get(("mean-cost", "=", new))
    mu_old = facts.get(("mean-cost", ">=", old)) or facts.get(("mean-cost", "=", old))
    c = facts.get(("max-cost", "<=", old))
    if rho is None or rho_new is None or c is None or not mu_new or not mu_old:
        return {"switch": None, "no_switch": None, "remaining": remaining}
    switch = (1 - share_after) * remaining / mu_new * rho_new - 1
    stay = ((1 - share_before) * remaining + c) / mu_old * rho
    return {"switch": figure(switch), "no_switch": figure(stay), "remaining": remaining,
            "mean_cost_before": figure(mu_old), "mean_cost_after": figure(mu_new), "mean_reward": figure(rho)}


def figure(x: Fraction) -> str:
    """A bound as people read it: an integer whole, else a decimal of 6 significant digits,
    never in scientific notation (1234567/7 is 176367, 1/3 is 0.333333)."""
    if x.denominator == 1:
        return str(x.numerator)
    with decimal.localcontext(prec=6):
        return format(decimal.Decimal(x.numerator) / decimal.Decimal(x.denominator), "f")


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
