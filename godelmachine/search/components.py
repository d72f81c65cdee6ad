"""Untrusted: component-based synthesis of straight-line word programs (after Brahma).

Gulwani, Jha, Tiwari and Venkatesan, "Synthesis of loop-free programs" (PLDI 2011), give Z3 a
multiset of components and examples of the wanted function and let it solve for the wiring:
which earlier value each component reads. Here Z3 solves for the multiset too: a program of
`n` lines is a sketch in which every line's component is a variable over the library (the
primitive table's word operations), every argument is a variable over the parameters and the
earlier lines, and a shift's amount and a constant line's value are variables as well, so
constants are synthesized rather than listed. For a boolean answer the last line is one of
the table's word comparisons. One query then covers every multiset of `n` components, and the
caller asks for n = 1, 2, ... in turn: the programs of fewer lines, which are the more
probable ones, first.

The components' meaning is the primitive table's SMT-LIB text (`Primitive.smt`, `smt_ok`),
nothing kept by hand; a line whose component would trap on an example is not a solution. The
query is pure bit-vector logic (QF_BV, bit-blasted): line choices are small bit-vectors and a
shift amount is a 5-bit one. Every line must be read by a later line or be the answer, so an
n-line solution has n operations and constants, none dead. A solution fits the examples only: the caller grows them
with counterexamples (CEGIS) and the kernel proves what is proposed.

Every query runs in a fresh Z3 context with a fixed seed on an `rlimit`, whose count the
caller charges to the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import z3

from godelmachine.lang.primitives import Primitive, PrimitiveTable
from godelmachine.lang.values import Word
from godelmachine.logic.smt import RANDOM_SEED
from godelmachine.search.synthesis import COMMUTATIVE, TRAP

WIDTH = 32
CHOICE_WIDTH = 8  # line and component choices are 8-bit vectors: at most 255 of each
SHIFT_WIDTH = 5
COSTLY = frozenset({"w*", "wudiv", "wurem"})  # large circuits: in the library only where the definition uses them
IDEMPOTENT = frozenset({"wand", "wor", "wxor", "="})  # x op x needs no line: x, 0 or true  # the pseudo-component of a line that is a solved-for word constant
FORMALS = ("a", "b")


@dataclass(frozen=True)
class Component:
    """A primitive used as a line: its word arguments read earlier values; an `int` argument
    (a shift's amount) is a solved-for constant in [0, 31]."""

    name: str
    arity: int  # word arguments read
    shift: bool
    commutative: bool
    meaning: Any  # (ctx) -> ((args, amount) -> (value, ok))


def library(table: PrimitiveTable, uses: frozenset[str] = frozenset(), result: str = "word") -> list[Component]:
    """The table's operations over words with a fixed cost and an SMT meaning that make a
    `result` (word or bool): one or two word arguments, or a word and a shift amount. Those in
    `COSTLY` only if `uses` (the operations the definition itself uses) names them."""
    found = []
    for p in table.values():
        if p.variadic or p.context or p.cost_fn is not None or p.smt is None or p.result != result:
            continue
        if p.params in (("word",), ("word", "word")) or p.params == ("word", "int"):
            if p.name in COSTLY and p.name not in uses:
                continue
            shift = p.params == ("word", "int")
            if shift and "((_ int2bv 32) b)" not in p.smt:
                continue  # an amount it does not read as `_meaning` expects
            arity = 1 if shift else len(p.params)
            found.append(Component(p.name, arity, shift, p.name in COMMUTATIVE, _meaning(p)))
    if result == "bool" and "=" in table:
        found.append(Component("=", 2, False, True, lambda ctx: lambda args, amount: (args[0] == args[1], z3.BoolVal(True, ctx))))
    return found


@dataclass
class Outcome:
    term: tuple | None  # a term of godelmachine/search/synthesis.py, or None
    status: str  # "found" | "none" (no program of this many lines fits) | "unknown" (budget)
    rlimit_used: int


def synthesize(params: Sequence[str], examples: Sequence[tuple[tuple[Word, ...], Any]], words: Sequence[Component],
               lines: int, top: Sequence[Component] = (), rlimit: int = 5_000_000) -> Outcome:
    """A straight-line program over `params` (all words) of exactly `lines` operations from
    `words` (the last one from `top`, the comparisons, when a boolean is wanted) that gives
    every example's answer; an example whose answer is TRAP asks nothing."""
    ctx = z3.Context()
    solver = z3.SolverFor("QF_BV", ctx=ctx)  # bit-blasting to SAT: far faster here than the default
    solver.set("random_seed", RANDOM_SEED)
    solver.set("rlimit", rlimit)
    n_params = len(params)
    boolean = bool(top)
    n_word_lines = lines - 1 if boolean else lines
    if n_word_lines < 0 or (not boolean and lines < 1):
        return Outcome(None, "none", 0)
    menu: list[Component | None] = [*words, None]  # None: a constant line

    def choice(name: str) -> z3.BitVecRef:
        return z3.BitVec(name, CHOICE_WIDTH, ctx)

    ops = [choice(f"op{j}") for j in range(n_word_lines)]
    reads = [(choice(f"a{j}"), choice(f"b{j}")) for j in range(n_word_lines)]
    amounts = [z3.BitVec(f"s{j}", SHIFT_WIDTH, ctx) for j in range(n_word_lines)]
    constants = [z3.BitVec(f"k{j}", WIDTH, ctx) for j in range(n_word_lines)]
    meanings = {id(c): c.meaning(ctx) for c in [*words, *top]}
    for j in range(n_word_lines):
        solver.add(z3.ULT(ops[j], len(menu)))
        for k, c in enumerate(menu):
            a, b = reads[j]
            is_k = ops[j] == k
            if c is None:
                solver.add(z3.Implies(is_k, z3.And(a == 0, b == 0, amounts[j] == 0)))
                continue
            solver.add(z3.Implies(is_k, constants[j] == 0))
            solver.add(z3.Implies(is_k, z3.ULT(a, n_params + j)))
            if c.arity == 2:
                solver.add(z3.Implies(is_k, z3.ULT(b, n_params + j)))
                if c.commutative:  # one order; and x op x is x, 0 or a line of its own (w+ x x)
                    solver.add(z3.Implies(is_k, z3.ULT(a, b) if c.name in IDEMPOTENT else z3.ULE(a, b)))
            else:
                solver.add(z3.Implies(is_k, b == 0))
            if not c.shift:
                solver.add(z3.Implies(is_k, amounts[j] == 0))
            else:  # a shift by 0 is the argument itself: no line
                solver.add(z3.Implies(is_k, amounts[j] != 0))
    top_op = choice("top") if boolean else None
    top_reads = (choice("ta"), choice("tb"))
    n_values = n_params + n_word_lines
    if boolean:
        solver.add(z3.ULT(top_op, len(top)))
        solver.add(z3.ULT(top_reads[0], n_values), z3.ULT(top_reads[1], n_values), top_reads[0] != top_reads[1])
    # every line is read later (or is the answer): an n-line solution has n operations
    for j in range(n_word_lines):
        index = n_params + j
        readers = [z3.Or(reads[m][0] == index, reads[m][1] == index) for m in range(j + 1, n_word_lines)]
        if boolean:
            readers.append(z3.Or(top_reads[0] == index, top_reads[1] == index))
        elif j == n_word_lines - 1:
            continue
        solver.add(z3.Or(*readers) if readers else z3.BoolVal(False, ctx))

    for inputs, wanted in examples:
        if wanted is TRAP:
            continue
        values: list[z3.BitVecRef] = [z3.BitVecVal(w.bits, WIDTH, ctx) for w in inputs]
        for j in range(n_word_lines):
            a, b = (_select(r, values, ctx) for r in reads[j])
            shift = z3.ZeroExt(WIDTH - SHIFT_WIDTH, amounts[j])
            value: z3.BitVecRef = constants[j]
            for k, c in enumerate(words):
                v, ok = meanings[id(c)]((a, b), shift)
                value = z3.If(ops[j] == k, v, value)
                if not z3.is_true(ok):
                    solver.add(z3.Implies(ops[j] == k, ok))
            values.append(value)
        if boolean:
            a, b = (_select(r, values, ctx) for r in top_reads)
            answer = z3.BoolVal(False, ctx)
            for k, c in enumerate(top):
                v, _ = meanings[id(c)]((a, b), None)
                answer = z3.If(top_op == k, v, answer)
            solver.add(answer == z3.BoolVal(bool(wanted), ctx))
        else:
            solver.add(values[-1] == z3.BitVecVal(wanted.bits, WIDTH, ctx))
    answer = solver.check()
    used = _rlimit_used(solver)
    if answer == z3.unsat:
        return Outcome(None, "none", used)
    if answer != z3.sat:
        return Outcome(None, "unknown", used)
    model = solver.model()

    def number(v: z3.ExprRef) -> int:
        return model.eval(v, model_completion=True).as_long()

    def term(index: int) -> tuple:
        if index < n_params:
            return ("var", params[index])
        j = index - n_params
        c = menu[number(ops[j])]
        if c is None:
            return ("const", Word(number(constants[j])))
        args = [term(number(reads[j][0]))]
        if c.shift:
            args.append(("const", number(amounts[j])))
        elif c.arity == 2:
            args.append(term(number(reads[j][1])))
        return (c.name, *args)

    if boolean:
        c = top[number(top_op)]
        return Outcome((c.name, term(number(top_reads[0])), term(number(top_reads[1]))), "found", used)
    return Outcome(term(n_values - 1), "found", used)


def _select(choice: z3.BitVecRef, values: Sequence[z3.BitVecRef], ctx: z3.Context) -> z3.BitVecRef:
    selected = values[0]
    for i in range(1, len(values)):
        selected = z3.If(choice == i, values[i], selected)
    return selected


def _rlimit_used(solver: z3.Solver) -> int:
    stats = solver.statistics()
    return int(stats.get_key_value("rlimit count")) if "rlimit count" in stats.keys() else 0


def _meaning(p: Primitive) -> Any:
    """The primitive's value and no-trap condition as Z3 functions of its word arguments and a
    5-bit shift amount, read from its SMT-LIB text in the primitive table (an `int` argument
    `b` there is the amount: `((_ int2bv 32) b)` and `b`'s range are rewritten to it)."""

    def in_context(ctx: z3.Context) -> Any:
        word = z3.BitVecSort(WIDTH, ctx)
        a, b, amount = z3.Const("a", word), z3.Const("b", word), z3.Const("amount", word)
        result_sort = word if p.result == "word" else z3.BoolSort(ctx)
        r = z3.Const("r", result_sort)
        smt, ok_text = p.smt or "", p.smt_ok or "true"
        if p.params == ("word", "int"):
            smt = smt.replace("((_ int2bv 32) b)", "amount")
            ok_text = "true"  # the amount is 5 bits: always in [0, 31]
        decls = {"a": a, "b": b, "amount": amount, "r": r}
        (value_eq,) = z3.parse_smt2_string(f"(assert (= r {smt}))", decls=decls, ctx=ctx)
        (ok,) = z3.parse_smt2_string(f"(assert {ok_text})", decls=decls, ctx=ctx)
        value = value_eq.arg(1)

        def at(args: tuple[z3.ExprRef, ...], shift: z3.ExprRef | None) -> tuple[z3.ExprRef, z3.BoolRef]:
            pairs = [(a, args[0])] + ([(b, args[1])] if len(args) > 1 else []) + ([(amount, shift)] if shift is not None else [])
            return z3.substitute(value, *pairs), z3.substitute(ok, *pairs)

        return at

    return in_context


__all__ = ["Component", "library", "synthesize", "Outcome"]
