"""The Z3 wrapper: every query in a fresh context, on a deterministic budget, with a
three-valued answer, and exportable as standalone SMT-LIB 2.

- A fresh `z3.Context()` per query: Z3's resource count (`rlimit count`) accumulates per
  context, so a query's cost would otherwise depend on the context's history.
- Budgets are Z3's deterministic resource limit (`rlimit`), never wall-clock timeouts, and the
  random seed is fixed: the same query costs the same count and gets the same answer in every
  process.
- `prove` answers `proved` (the premises and the goal's negation are unsatisfiable),
  `refuted` (with a counterexample) or `unknown` (with Z3's reason, or the budget). Only
  `proved` ever becomes a theorem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import z3

from godelmachine.logic.terms import (
    BOOL,
    BUILTINS,
    INT,
    REAL,
    Not,
    Term,
    bv_width,
    declarations,
    forall,
    names,
    quantified_body,
    smtlib,
    substitute,
    sym,
)

RANDOM_SEED = 0
DEFAULT_RLIMIT = 20_000_000
# A safety net, not a budget: some of Z3's nonlinear procedures do not stop at the rlimit (a
# consistency check with one nonlinear integer lemma ran for more than ten minutes here). A
# query that reaches this wall-clock limit is `unknown`, a refusal like any other; only such
# a query makes a run depend on the machine's speed.
WALL_TIMEOUT_MS = 30_000

# Z3 takes SIGINT (Ctrl-C) as "cancel the query" and answers `unknown`, so an answer would depend
# on when a user pressed a key. With its handler off, a query runs to its end and the program's
# own handler decides what Ctrl-C does (godelmachine/machine/interrupt.py).
z3.set_param("ctrl_c", False)


@dataclass(frozen=True)
class SmtResult:
    status: str  # "proved" | "refuted" | "unknown"
    rlimit_used: int
    reason: str = ""
    counterexample: tuple[tuple[str, str], ...] = field(default=())

    @property
    def proved(self) -> bool:
        return self.status == "proved"


class Translator:
    """Terms into one Z3 context; shared subterms are translated once."""

    def __init__(self, ctx: z3.Context) -> None:
        self.ctx = ctx
        self.sorts: dict[str, z3.SortRef] = {}
        self.funcs: dict[tuple[str, tuple[str, ...], str], z3.FuncDeclRef] = {}
        self.memo: dict[int, z3.ExprRef] = {}

    def sort(self, name: str) -> z3.SortRef:
        if name not in self.sorts:
            width = bv_width(name)
            if name == INT:
                self.sorts[name] = z3.IntSort(self.ctx)
            elif name == REAL:
                self.sorts[name] = z3.RealSort(self.ctx)
            elif name == BOOL:
                self.sorts[name] = z3.BoolSort(self.ctx)
            elif width is not None:
                self.sorts[name] = z3.BitVecSort(width, self.ctx)
            else:
                self.sorts[name] = z3.DeclareSort(name, self.ctx)
        return self.sorts[name]

    def const(self, name: str, sort: str) -> z3.ExprRef:
        return z3.Const(name, self.sort(sort))

    def __call__(self, term: Term) -> z3.ExprRef:
        key = id(term)
        if key not in self.memo:
            self.memo[key] = self._translate(term)
        return self.memo[key]

    def _translate(self, t: Term) -> z3.ExprRef:
        ctx = self.ctx
        if t.kind == "const":
            if t.sort == BOOL:
                return z3.BoolVal(t.name, ctx)
            if t.sort == INT:
                return z3.IntVal(t.name, ctx)
            if t.sort == REAL:
                return z3.RealVal(f"{t.name.numerator}/{t.name.denominator}", ctx)
            return z3.BitVecVal(t.name, bv_width(t.sort), ctx)
        if t.kind == "sym":
            return self.const(t.name, t.sort)
        if t.kind in ("forall", "exists"):
            variables = [self.const(n, s) for n, s in t.name]
            body = Translator(ctx)
            body.sorts = self.sorts
            quantifier = z3.ForAll if t.kind == "forall" else z3.Exists
            return quantifier(variables, body(t.args[0]))
        args = [self(a) for a in t.args]
        if t.name in BUILTINS:
            return _BUILTIN_Z3[t.name](*args)
        key = (t.name, tuple(a.sort for a in t.args), t.sort)
        if key not in self.funcs:
            self.funcs[key] = z3.Function(t.name, *[self.sort(s) for s in key[1]], self.sort(t.sort))
        return self.funcs[key](*args)


def _chain(op: Any) -> Any:
    return lambda *xs: z3.And(*[op(a, b) for a, b in zip(xs, xs[1:])]) if len(xs) > 2 else op(xs[0], xs[1])


def _minus(*xs: Any) -> Any:
    if len(xs) == 1:
        return -xs[0]
    result = xs[0]
    for x in xs[1:]:
        result = result - x
    return result


def _product(*xs: Any) -> Any:
    result = xs[0]
    for x in xs[1:]:
        result = result * x
    return result


_BUILTIN_Z3: dict[str, Any] = {
    "not": z3.Not, "and": lambda *xs: z3.And(*xs), "or": lambda *xs: z3.Or(*xs), "=>": z3.Implies,
    "xor": z3.Xor, "=": _chain(lambda a, b: a == b), "distinct": lambda *xs: z3.Distinct(*xs), "ite": z3.If,
    "+": lambda *xs: z3.Sum(*xs) if len(xs) > 2 else xs[0] + xs[1], "-": _minus, "*": _product,
    "/": lambda a, b: a / b, "div": lambda a, b: a / b, "mod": lambda a, b: a % b, "abs": z3.Abs,
    "<": _chain(lambda a, b: a < b), "<=": _chain(lambda a, b: a <= b),
    ">": _chain(lambda a, b: a > b), ">=": _chain(lambda a, b: a >= b),
    "to_real": z3.ToReal, "to_int": z3.ToInt,
    "bvadd": lambda a, b: a + b, "bvsub": lambda a, b: a - b, "bvmul": lambda a, b: a * b,
    "bvudiv": z3.UDiv, "bvurem": z3.URem, "bvand": lambda a, b: a & b, "bvor": lambda a, b: a | b,
    "bvxor": lambda a, b: a ^ b, "bvnot": lambda a: ~a, "bvneg": lambda a: -a,
    "bvshl": lambda a, b: a << b, "bvlshr": z3.LShR, "bvashr": lambda a, b: a >> b,
    "bvult": z3.ULT, "bvule": z3.ULE, "bvugt": z3.UGT, "bvuge": z3.UGE,
    "bvslt": lambda a, b: a < b, "bvsle": lambda a, b: a <= b, "bvsgt": lambda a, b: a > b, "bvsge": lambda a, b: a >= b,
    "bv2nat": lambda a: z3.BV2Int(a, is_signed=False), "(_ int2bv 32)": lambda a: z3.Int2BV(a, 32),
}
assert set(_BUILTIN_Z3) == set(BUILTINS), "every builtin operator needs a Z3 translation"


def negated_goal(goal: Term, premises: Sequence[Term] = ()) -> tuple[Term, tuple[tuple[str, str, str], ...]]:
    """The goal's negation with its outer universal variables as constants (`cex.x`), so
    that a model of it names the counterexample; and (variable, sort, constant) for each.
    The constants are fresh: a name that occurs anywhere in the goal or the premises gets
    a suffix (`cex.x.1`), since a constant that is already there is not arbitrary."""
    variables, body = quantified_body(goal)
    used: set[str] = set().union(names(goal), *(names(p) for p in premises))
    constants = []
    for n, _ in variables:
        name, i = f"cex.{n}", 0
        while name in used:
            i += 1
            name = f"cex.{n}.{i}"
        used.add(name)
        constants.append(name)
    mapping = {sym(n, s): sym(c, s) for (n, s), c in zip(variables, constants)}
    return Not(substitute(body, mapping)), tuple((n, s, c) for (n, s), c in zip(variables, constants))


def _solver(ctx: z3.Context, rlimit: int) -> z3.Solver:
    solver = z3.Solver(ctx=ctx)
    solver.set("rlimit", rlimit)
    solver.set("random_seed", RANDOM_SEED)
    solver.set("timeout", WALL_TIMEOUT_MS)
    return solver


def _rlimit_count(solver: z3.Solver) -> int:
    stats = solver.statistics()
    return int(stats.get_key_value("rlimit count")) if "rlimit count" in stats.keys() else 0


def _show_value(value: z3.ExprRef) -> str:
    if z3.is_bv_value(value):
        return f"#x{value.as_long():0{value.size() // 4}x}"
    if z3.is_rational_value(value):
        fraction = Fraction(value.numerator_as_long(), value.denominator_as_long())
        return str(fraction)
    return str(value)


def prove(premises: Sequence[Term], goal: Term, rlimit: int = DEFAULT_RLIMIT) -> SmtResult:
    """Is `goal` implied by `premises`? Three-valued, on a budget of `rlimit`."""
    ctx = z3.Context()
    translate = Translator(ctx)
    solver = _solver(ctx, rlimit)
    for premise in premises:
        solver.add(translate(premise))
    negation, variables = negated_goal(goal, premises)
    solver.add(translate(negation))
    answer = solver.check()
    used = _rlimit_count(solver)
    if answer == z3.unsat:
        return SmtResult("proved", used)
    if answer == z3.sat:
        model = solver.model()
        values = tuple(
            (name, _show_value(model.eval(translate.const(constant, sort), model_completion=True)))
            for name, sort, constant in variables
        )
        return SmtResult("refuted", used, "the goal's negation is satisfiable", values)
    reason = solver.reason_unknown()
    if reason == "timeout":
        reason = f"wall-clock safety limit of {WALL_TIMEOUT_MS // 1000} s reached (Z3 did not stop at its rlimit)"
    elif reason in ("canceled", "resource limit reached") or used >= rlimit:
        reason = f"budget exhausted: rlimit {rlimit} spent"
    return SmtResult("unknown", used, reason)


def check_sat(named: Sequence[tuple[str, Term]], rlimit: int = DEFAULT_RLIMIT) -> tuple[str, list[str], int]:
    """Are the named formulas satisfiable together? ("sat"|"unsat"|"unknown", unsat core, rlimit used)."""
    ctx = z3.Context()
    translate = Translator(ctx)
    solver = _solver(ctx, rlimit)
    solver.set("unsat_core", True)
    for name, term in named:
        solver.assert_and_track(translate(term), z3.Bool(f"track.{name}", ctx))
    answer = solver.check()
    used = _rlimit_count(solver)
    if answer == z3.unsat:
        core = sorted(str(b)[len("track."):] for b in solver.unsat_core())
        return "unsat", core, used
    return ("sat" if answer == z3.sat else "unknown"), [], used


def to_smt2(premises: Sequence[Term], goal: Term, comment: str = "") -> str:
    """The query as a standalone SMT-LIB 2 script: `unsat` means the goal is proved."""
    negation, _ = negated_goal(goal, premises)
    assertions = [*premises, negation]
    lines = [f"; {line}" for line in comment.splitlines()] if comment else []
    lines += ["(set-info :smt-lib-version 2.6)", "(set-option :produce-models true)"]
    lines += declarations(assertions)
    lines += [f"(assert {smtlib(a)})" for a in assertions]
    lines += ["(check-sat)", "(exit)"]
    return "\n".join(lines) + "\n"


__all__ = ["SmtResult", "prove", "check_sat", "to_smt2", "Translator", "forall"]
