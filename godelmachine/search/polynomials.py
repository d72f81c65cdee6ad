"""Untrusted: exact polynomials through sample points, shared by a candidate generator and a tactic.

The closed-form generator (candidates.py) fits a polynomial to a solver's outputs, and the
loop-lemma tactic (tactics.py) fits one to a loop's accumulator before the kernel proves it
by induction. Both need the same few helpers; here they are, so that neither of those modules
imports the other.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

MAX_DEGREE = 4  # closed forms and loop invariants are polynomials of at most this degree


def interpolate(points: Sequence[tuple[int, int]]) -> list[Fraction]:
    """Coefficients c0, c1, ... of the polynomial through the points (Lagrange, exact)."""
    n = len(points)
    coefficients = [Fraction(0)] * n
    for i, (xi, yi) in enumerate(points):
        basis = [Fraction(1)]
        denominator = Fraction(1)
        for j, (xj, _) in enumerate(points):
            if i != j:
                basis = [Fraction(0)] + basis
                for d in range(len(basis) - 1):
                    basis[d] -= xj * basis[d + 1]
                denominator *= xi - xj
        for d in range(n):
            coefficients[d] += yi * basis[d] / denominator
    while len(coefficients) > 1 and coefficients[-1] == 0:
        coefficients.pop()
    return coefficients


def evaluate_poly(coefficients: Sequence[Fraction], x: int) -> Fraction:
    return sum((c * x**i for i, c in enumerate(coefficients)), Fraction(0))


def common_denominator(coefficients: Sequence[Fraction]) -> int:
    """The least integer that makes every coefficient an integer when multiplied by it."""
    return math.lcm(*(c.denominator for c in coefficients))
