"""Untrusted: program synthesis over the primitive table, for any definition of any task.

The grammar is read from the primitive table (`godelmachine/lang/primitives.py`), never kept
by hand: every primitive whose arguments and result are integers, words or booleans, whose
cost does not depend on its arguments and which has an SMT meaning (so that the kernel can
reason about the programs built from it), at each of those types for the polymorphic ones
(`=`), plus `if`, the definition's parameters, and constants (a few of each type and those
the definition itself uses).

The order is Levin's (and OOPS's): a term's prior probability under the grammar is the
product, over its nodes, of one over the number of choices at the node's type, and terms are
enumerated by increasing description length, -log2 of that prior, counted in `SCALE`ths of a
bit. Every candidate's trial is the same (running it on the test inputs, one step per node
and input), so trying programs in order of their prior gives each the time Levin search
would.

Enumeration is bottom-up with observational equivalence: of the terms that give the same
values (or traps) on the test inputs, only the first, so the most probable, is kept as a
subterm of larger ones. `Enumerator.matches` yields the terms that agree with the wanted
outputs on every test input where the definition does not trap. A counterexample (an input
on which a proposed term is wrong) is added with `add_input`; the enumeration then starts
again on the larger set, where the wrong term and everything equivalent to it on the old set
now differ (counterexample-guided inductive synthesis). Nothing here is believed: every
candidate goes to the kernel as every other technique's does.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from godelmachine.lang.primitives import Primitive, PrimitiveTable
from godelmachine.lang.syntax import COST_IF
from godelmachine.lang.values import Trap, Word, make_list, type_name
from godelmachine.search.fragments import LIBRARY_MASS, fragment_weights, subterms

TYPES = ("int", "word", "bool")
SCALE = 4  # description lengths are counted in quarter bits
COMMUTATIVE = frozenset({"+", "*", "min", "max", "=", "w+", "w*", "wand", "wor", "wxor"})
BASIC_CONSTANTS: dict[str, tuple[Any, ...]] = {
    "word": (Word(0), Word(1), Word(0xFFFFFFFF)),
    "int": (0, 1, 2, 31),
    "bool": (),  # #t and #f are what a test answers; as subterms they only fold away
}


class _Trapped:
    """The value of a term on an input where it traps (one for every kind of trap)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "TRAP"


TRAP = _Trapped()


@dataclass(frozen=True)
class Production:
    """One way to make a term of type `result`: a primitive (at given argument types) or `if`."""

    op: str
    params: tuple[str, ...]
    result: str
    cost: int
    impl: Callable[..., Any] | None  # None for `if`
    template: tuple | None = None  # a fragment learned before (godelmachine/search/fragments.py), with holes
    operations: int = 1  # operations evaluated per input when it is applied


def productions(table: PrimitiveTable) -> list[Production]:
    """The grammar's operations, from the primitive table."""
    found = []
    for p in table.values():
        if not _synthesizable(p):
            continue
        if p.params and all(t == "atom" for t in p.params):  # = on atoms: one production per type
            found += [Production(p.name, (t,) * len(p.params), p.result, p.cost, p.impl) for t in TYPES]
        else:
            found.append(Production(p.name, p.params, p.result, p.cost, p.impl))
    found += [Production("if", ("bool", t, t), t, COST_IF, None) for t in TYPES]
    return found


def fragment_productions(fragments: Sequence[Any], base: Sequence[Production]) -> list[Production]:
    """The library's fragments (godelmachine/search/fragments.py) that use only the grammar's
    operations, each a production whose arguments fill its holes (named `libI`, I its index
    in `fragments`)."""
    impls = {p.op: p.impl for p in base if p.impl is not None}
    allowed = set(impls) | ({"if"} if any(p.op == "if" for p in base) else set())
    made = []
    for i, f in enumerate(fragments):
        ops = {t[0] for t in subterms(f.template)} - {"hole", "const"}
        if f.result not in TYPES or any(t not in TYPES for t in f.holes) or ops - allowed:
            continue
        made.append(Production(f"lib{i}", f.holes, f.result, 0, _evaluator(f.template, impls), f.template, f.operations))
    return made


def _evaluator(template: tuple, impls: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    def value(t: tuple, args: tuple[Any, ...]) -> Any:
        if t[0] == "hole":
            return args[t[1]]
        if t[0] == "const":
            return t[1]
        if t[0] == "if":
            return value(t[2], args) if value(t[1], args) else value(t[3], args)
        return impls[t[0]](*(value(c, args) for c in t[1:]))
    return lambda *args: value(template, args)


def term_type(term: Term, types: dict[str, str], table: PrimitiveTable) -> str | None:
    """The type of a term over variables of `types` (None: not a type of the grammar)."""
    if term[0] == "var":
        return types.get(term[1])
    if term[0] == "const":
        return name if (name := type_name(term[1])) in TYPES else None
    if term[0] == "if":
        return term_type(term[2], types, table)
    p = table.get(term[0])
    return p.result if p is not None and p.result in TYPES else None


def fill(template: Term, args: Sequence[Term]) -> Term:
    """A fragment's term with its holes filled."""
    if template[0] == "hole":
        return args[template[1]]
    if template[0] == "const":
        return template
    return (template[0], *(fill(c, args) for c in template[1:]))


def _synthesizable(p: Primitive) -> bool:
    return (not p.variadic and not p.context and p.cost_fn is None and p.smt is not None and bool(p.params)
            and p.result in TYPES and all(t in TYPES or t == "atom" for t in p.params))


# --- terms ---------------------------------------------------------------------------------

Term = tuple  # ("var", name) | ("const", value) | (op, child, ...)


def is_leaf(term: Term) -> bool:
    return term[0] in ("var", "const")


def datum(term: Term) -> Any:
    """The term as code of the machine language (a datum, as a definition's body)."""
    if term[0] == "var" or term[0] == "const":
        return term[1]
    return make_list([term[0], *(datum(c) for c in term[1:])])


def operations(term: Term) -> int:
    """Operations (primitive applications and `if`s) in the term, each node once."""
    return 0 if is_leaf(term) else 1 + sum(operations(c) for c in term[1:])


def shared(term: Term, params: Sequence[str]) -> Any:
    """The term as code, with each repeated subterm computed once by `let` (sequential, inner
    first). Only subterms outside every `if` branch are bound: a binding is evaluated always,
    and a subterm of a branch might trap where the branch is not taken."""
    counts: Counter[Term] = Counter()

    def count(t: Term, guarded: bool) -> None:
        if is_leaf(t):
            return
        if not guarded:
            counts[t] += 1
        for i, c in enumerate(t[1:]):
            count(c, guarded or (t[0] == "if" and i > 0))

    count(term, False)
    repeated = [t for t, n in counts.items() if n > 1]
    if not repeated:
        return datum(term)
    repeated.sort(key=operations)  # inner subterms first: a binding may use the ones before it
    taken = set(params)
    names: dict[Term, str] = {}
    for t in repeated:
        names[t] = next(f"t{i}" for i in itertools.count(1) if f"t{i}" not in taken)
        taken.add(names[t])

    def render(t: Term, skip: Term | None = None) -> Any:
        if t in names and t is not skip and t != skip:
            return names[t]
        if is_leaf(t):
            return t[1]
        return make_list([t[0], *(render(c) for c in t[1:])])

    bindings = [make_list([names[t], render(t, skip=t)]) for t in repeated]
    return make_list(["let", make_list(bindings), render(term)])


# --- evaluation on the test inputs ---------------------------------------------------------


def apply(production: Production, columns: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The production's values on every input, given its arguments' values (TRAP propagates;
    `if` takes only the branch its test picks)."""
    if production.impl is None:
        tests, thens, elses = columns
        return tuple(TRAP if t is TRAP else (a if t else b) for t, a, b in zip(tests, thens, elses))
    fn = production.impl
    out = []
    for args in zip(*columns):
        if TRAP in args:
            out.append(TRAP)
            continue
        try:
            out.append(fn(*args))
        except Trap:
            out.append(TRAP)
    return tuple(out)


@dataclass
class Entry:
    term: Term
    values: tuple[Any, ...]
    serial: int  # order of discovery: a commutative operation takes its arguments in this order

    @property
    def constant(self) -> bool:
        """A constant leaf (the only terms without variables: a term whose arguments are all
        constants is never built, since its value is some constant's)."""
        return self.term[0] == "const"


def _key(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Values as a dict key that keeps True apart from 1 (booleans and integers never meet in
    one type's bank, but `if` tests and results could)."""
    return tuple((type(v).__name__, v) if v is not TRAP else ("trap",) for v in values)


class Enumerator:
    """Terms of the grammar over `variables`, in order of description length, one per
    behaviour on the test inputs. `charge(n)` is called with the steps each batch of
    evaluations takes (one per node and input).

    With `fragments` (terms learned before, godelmachine/search/fragments.py) the prior shifts
    towards them, as OOPS's does towards code that solved earlier tasks: at a type that has
    fragments, one is chosen with probability LIBRARY_MASS (`fragment_weights`), the grammar's
    own choices share the rest."""

    def __init__(self, table: PrimitiveTable, variables: Sequence[tuple[str, str]], inputs: Sequence[tuple[Any, ...]],
                 constants: dict[str, Iterable[Any]] | None = None, charge: Callable[[int], None] = lambda n: None,
                 exclude: Iterable[str] = (), result: str | None = None, fragments: Sequence[Any] = ()) -> None:
        self.productions = [p for p in productions(table) if p.op not in set(exclude)]
        learned = fragment_productions(fragments, self.productions)
        self.variables = list(variables)
        extra = constants or {}
        self.constants = {t: list(dict.fromkeys([*BASIC_CONSTANTS[t], *extra.get(t, ())])) for t in TYPES}
        self.inputs = [tuple(i) for i in inputs]
        self.charge = charge
        choices = Counter(p.result for p in self.productions)
        for _, t in self.variables:
            choices[t] += 1
        for t in TYPES:
            choices[t] += len(self.constants[t])
        shifted = {p.result for p in learned}
        self.weight = {t: max(1, round(SCALE * math.log2(max(2, choices[t]) / (1 - LIBRARY_MASS if t in shifted else 1))))
                       for t in TYPES}
        self.pweight = {p: self.weight[p.result] for p in self.productions}
        weights = fragment_weights([fragments[int(p.op[3:])] for p in learned], SCALE)
        self.pweight.update({p: weights[i] for i, p in enumerate(learned)})
        self.productions += learned
        self.gap = self._gaps(result)

    def _lightest(self) -> dict[str, float]:
        """The least description length of a term of each type."""
        least = {t: float(self.weight[t]) if self.constants[t] or any(vt == t for _, vt in self.variables)
                 else math.inf for t in TYPES}
        for _ in TYPES:  # a fixpoint: each round can only lower a type through another's
            for p in self.productions:
                least[p.result] = min(least[p.result], self.pweight[p] + sum(least[t] for t in p.params))
        return least

    def _gaps(self, result: str | None) -> dict[str, float]:
        """For each type, the least description length that a term of the type needs around
        it to become part of a term of type `result` (0 for `result` itself, and for every type
        when no result is given): a term of weight w is of use only once terms of `result` up to
        w + gap are enumerated, so it is made then (type relevance within the remaining weight,
        the ordering of the enumeration within each type unchanged)."""
        if result is None:
            return {t: 0 for t in TYPES}
        least = self._lightest()
        gap = {t: 0 if t == result else math.inf for t in TYPES}
        for _ in TYPES:
            for p in self.productions:
                for i, t in enumerate(p.params):
                    others = sum(least[u] for j, u in enumerate(p.params) if j != i)
                    gap[t] = min(gap[t], self.pweight[p] + others + gap[p.result])
        return gap

    def add_input(self, point: tuple[Any, ...]) -> None:
        """A counterexample: enumeration starts again with it among the test inputs."""
        self.inputs.append(tuple(point))

    def terms(self, max_weight: int) -> Iterator[tuple[int, Entry, str]]:
        """(key, entry, type) of every kept term whose key, its weight plus its type's gap, is
        at most `max_weight`, lowest key first; within a type, lightest first (so the key of a
        term of the result type is its weight, and every such term up to a weight comes after
        all the terms it could be made of)."""
        banks: dict[str, dict[int, list[Entry]]] = {t: {} for t in TYPES}
        seen: dict[str, set[tuple[Any, ...]]] = {t: set() for t in TYPES}
        serial = itertools.count()
        n = len(self.inputs)

        def keep(t: str, w: int, term: Term, values: tuple[Any, ...]) -> Entry | None:
            key = _key(values)
            if key in seen[t]:
                return None
            seen[t].add(key)
            entry = Entry(term, values, next(serial))
            banks[t].setdefault(w, []).append(entry)
            return entry

        # at one key, a type of larger gap first: its terms are lighter, and may be arguments
        # of the others' (with no result type, every gap is 0 and this is the weight order)
        order = sorted((t for t in TYPES if self.gap[t] < math.inf), key=lambda t: -self.gap[t])
        for key in range(1, max_weight + 1):
            for t in order:
                weight = key - int(self.gap[t])
                if weight == self.weight[t]:
                    leaves = [(("var", name), tuple(i[k] for i in self.inputs))
                              for k, (name, vt) in enumerate(self.variables) if vt == t]
                    leaves += [(("const", c), (c,) * n) for c in self.constants[t]]
                    for term, values in leaves:
                        entry = keep(t, weight, term, values)
                        if entry is not None:
                            yield key, entry, t
                yield from self._made(t, key, weight, banks, keep)

    def _made(self, t: str, key: int, weight: int, banks: dict[str, dict[int, list[Entry]]],
              keep: Callable[[str, int, Term, tuple[Any, ...]], Entry | None]) -> Iterator[tuple[int, Entry, str]]:
        """The kept terms of type `t` and `weight` made by a production."""
        n = len(self.inputs)
        for p in self.productions:
            if p.result != t:
                continue
            rest = weight - self.pweight[p]
            if rest <= 0:
                continue
            for children in self._splits(banks, p, rest):
                if p.op in COMMUTATIVE and children[0].serial > children[1].serial:
                    continue
                if all(c.constant for c in children):  # constant folding: the value is a constant's
                    continue
                self.charge(n * p.operations)
                values = apply(p, [c.values for c in children])
                args = tuple(c.term for c in children)
                entry = keep(p.result, weight, fill(p.template, args) if p.template is not None else (p.op, *args), values)
                if entry is not None:
                    yield key, entry, p.result

    @staticmethod
    def _splits(banks: dict[str, dict[int, list[Entry]]], p: Production, rest: int) -> Iterator[tuple[Entry, ...]]:
        """Every choice of arguments whose weights add up to `rest`."""
        def parts(i: int, left: int) -> Iterator[tuple[Entry, ...]]:
            if i == len(p.params):
                if left == 0:
                    yield ()
                return
            bank = banks[p.params[i]]
            for w in sorted(bank):
                if w > left:
                    break
                for entry in bank[w]:
                    for tail in parts(i + 1, left - w):
                        yield (entry, *tail)

        return parts(0, rest)

    def matches(self, wanted: Sequence[Any], result: str, max_weight: int) -> Iterator[Entry]:
        """Terms of type `result` that give `wanted[i]` on input i wherever it is not TRAP (the
        definition traps there, and anything may be answered), never trapping elsewhere."""
        for _, entry, t in self.terms(max_weight):
            if t == result and answers_as(entry.values, wanted):
                yield entry


def answers_as(values: Sequence[Any], wanted: Sequence[Any]) -> bool:
    """The term's values are the wanted answers wherever the definition does not trap (there,
    anything may be answered), and the term does not trap elsewhere."""
    return all(w is TRAP or (v is not TRAP and type(v) is type(w) and v == w) for v, w in zip(values, wanted))


__all__ = ["Enumerator", "answers_as", "Entry", "Production", "productions", "fragment_productions", "fill", "term_type",
           "datum", "shared", "operations", "TRAP", "TYPES"]
