"""What the two compilers (the fast path, godelmachine/lang/compiler.py, and the batch path,
godelmachine/lang/batch.py) share: fresh names and constants for the code they generate, and
the bounds on integers that the test of an `if` gives its arms."""

from __future__ import annotations

from typing import Any, Callable

from godelmachine.lang.primitives import BASE
from godelmachine.lang.syntax import If, Lit, PrimCall
from godelmachine.lang.values import INT_MAX, INT_MIN

MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}  # c op x is x MIRRORED[op] c
NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


class Names:
    """Fresh names for generated code, and the constants it refers to by name."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.counter = 0

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def constant(self, value: Any) -> str:
        name = self.fresh("K")
        self.constants[name] = value
        return name


def test_facts(test: Any, truth: bool, name_of: Callable[[Any], str | None]) -> list[tuple[str, int, int]]:
    """Bounds (name, lo, hi) on integers that hold where `test` evaluates to `truth`: from a
    comparison of an expression (`name_of` gives the name holding its value, or None) with an
    integer literal, through `not`, `(if A B #f)` (and) and `(if A #t B)` (or)."""
    if type(test) is If and type(test.other) is Lit and test.other.value is False and truth:
        return test_facts(test.test, True, name_of) + test_facts(test.then, True, name_of)
    if type(test) is If and type(test.then) is Lit and test.then.value is True and not truth:
        return test_facts(test.test, False, name_of) + test_facts(test.other, False, name_of)
    if type(test) is not PrimCall or test.prim is not BASE.get(test.prim.name):
        return []
    op = test.prim.name
    if op == "not":
        return test_facts(test.args[0], not truth, name_of)
    if op not in NEGATED or len(test.args) != 2:
        return []
    a, b = test.args
    if type(b) is Lit and type(b.value) is int:
        name, c = name_of(a), b.value
    elif type(a) is Lit and type(a.value) is int:
        name, c, op = name_of(b), a.value, MIRRORED[op]
    else:
        return []
    if name is None:
        return []
    op = op if truth else NEGATED[op]
    lo, hi = {"<": (INT_MIN, c - 1), "<=": (INT_MIN, c), ">": (c + 1, INT_MAX), ">=": (c, INT_MAX)}[op]
    return [(name, lo, hi)]
