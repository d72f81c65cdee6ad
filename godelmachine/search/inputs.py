"""Untrusted: the test inputs the searcher runs programs on before it asks the prover.

Edge values of each type (the words where bit tricks and bit loops go wrong or take longest:
0, 1, the top bit, all ones, alternating bits; small and negative integers), then random
values of the same seed in every run. The synthesizer's observational equivalence
(godelmachine/search/cegis.py) and the tactics' cost fits and tests before a proof
(godelmachine/search/tactics.py) both use them.
"""

from __future__ import annotations

import random
from typing import Any, Sequence

from godelmachine.lang.values import Word
from godelmachine.logic.axioms import Distribution
from godelmachine.logic.kernel import term_value

TESTS = 2  # random test inputs per definition (besides edge values); counterexamples add more
EDGE_WORDS = (0, 1, 2, 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 0x55555555, 0xAAAAAAAA, 0x0000FFFF, 0xFFFF0000)
EDGE_INTS = (0, 1, 2, 3, -1, -2, 7, 8, 31, 32, 100, -100)


def random_value(type_name: str, rng: random.Random) -> Any:
    if type_name == "word":
        return Word(rng.getrandbits(32) >> rng.randrange(32))
    if type_name == "bool":
        return rng.random() < 0.5
    return rng.randrange(-1000, 1001)


def helper_inputs(types: Sequence[str], rng: random.Random) -> list[tuple[Any, ...]]:
    """Edge values of each type, then random ones."""
    edges = {"word": [Word(w) for w in EDGE_WORDS], "int": list(EDGE_INTS), "bool": [False, True]}
    inputs = [tuple(edges[t][(i + k) % len(edges[t])] for k, t in enumerate(types))  # parameters apart: not x = y
              for i in range(max(len(edges[t]) for t in types))]
    inputs += [tuple(random_value(t, rng) for t in types) for _ in range(TESTS)]
    return list(dict.fromkeys(inputs))


def support_inputs(distribution: Distribution, rng: random.Random) -> list[tuple[Any, ...]]:
    """Inputs of `solve`: the ends of each integer range, the values of each table, edge
    words, and random points of the support."""
    columns: list[list[Any]] = []
    for m in distribution.marginals:
        if m.kind == "uniform-int":
            ends = [m.lo, m.hi, m.lo + 1, m.hi - 1, (m.lo + m.hi) // 2]
            columns.append([v for v in ends if m.lo <= v <= m.hi] + [rng.randint(m.lo, m.hi) for _ in range(TESTS)])
        elif m.kind == "uniform-word":
            columns.append([Word(w) for w in EDGE_WORDS] + [random_value("word", rng) for _ in range(TESTS)])
        else:
            columns.append([term_value(v) for _, v in m.table])
    if not columns:
        return []
    longest = max(len(c) for c in columns)
    inputs = [tuple(c[(i + k) % len(c)] for k, c in enumerate(columns)) for i in range(longest)]  # not x = y
    inputs += [tuple(rng.choice(c) for c in columns) for _ in range(TESTS)]
    return list(dict.fromkeys(inputs))
