"""The batch path: one call of a program on a whole batch of arguments at once, with numpy.

A program is compiled, for given argument types, to Python source over numpy arrays: one array
per value, one element (a *lane*) per instance. 32-bit words are uint32 arrays and wrap as the
language's words do; integers are int64 arrays, with the interpreter's overflow checks made on
every lane; booleans are bool arrays; a list whose length and element types are known where it
is built (`(list a b)`, a quoted list of atoms, `cons` onto one) is a tuple of such values.

Control flow runs under masks. Every function takes the mask of the lanes that execute it;
`if` evaluates both arms, each under its own mask (an arm no lane takes is skipped), and
charges each lane only its own arm's steps; `for` gives every lane its own trip count and
iterates until all are done, each iteration under the mask of the lanes still looping. A call
to a helper is a call of its compiled function (one per tuple of argument types); recursion is
not compiled.

Each lane's step count is exact for a lane that completes: the interpreter charges, for a run
that neither traps nor runs out, the sum of the costs of the nodes it executes, whatever the
order, and the batch code adds exactly those costs under each lane's mask. A lane that would
trap (overflow, division by zero, a shift outside 0..31), that passes the budget, or whose
loop would run more than `LANE_TRIP_LIMIT` times is *deferred*: its result is not used, and the
caller runs that instance on the scalar path (`godelmachine.lang.execute.run`), whose outcome is
the definition. Deferring is always allowed (a check may be conservative: a product is
deferred from 2^62 on), so the batch path never decides a trap, only completions.

Programs it cannot take (closures, `apply`, reflection, symbols, lists of unknown length,
recursion, a type that differs between the arms of an `if`) raise `NotBatchable` with the
reason; they run on the scalar path unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from godelmachine.lang.codegen import Names, test_facts
from godelmachine.lang.primitives import BASE
from godelmachine.lang.syntax import COST_CALL, COST_FOR, COST_IF, COST_ITERATION, For, If, Let, Lit, PrimCall, Var
from godelmachine.lang.syntax import Call as CallNode
from godelmachine.lang.values import INT_MAX, INT_MIN, MAX_CALL_DEPTH, MAX_VALUE_SIZE, NIL, Nil, Pair, Word, make_list

BType = Union[str, tuple["BType", ...]]  # "int" | "word" | "bool" | a list of known shape
ATOMS = ("int", "word", "bool")
DTYPES = {"int": np.int64, "word": np.uint32, "bool": np.bool_}
LANE_TRIP_LIMIT = 4096  # a lane whose loop runs longer is deferred: one long lane would hold up the batch
PRODUCT_LIMIT = 2.0**62  # products whose float estimate reaches this are deferred (exact below 2^63)


class NotBatchable(Exception):
    """The program (for these argument types) has no batch form; the reason says why."""


@dataclass(frozen=True, slots=True)
class BCode:
    """Compiled code: statements, then an expression (a name or a constant) of `type`; `cost`
    is the static cost of what it always executes, charged by the enclosing region."""

    stmts: tuple[str, ...]
    expr: str
    type: BType
    cost: int


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """Per lane: the value (arrays, tuples of arrays for lists), the steps, and whether the lane
    was deferred to the scalar path (its value and steps are then meaningless)."""

    value: Any
    steps: np.ndarray
    deferred: np.ndarray
    type: BType


def indent(lines: list[str] | tuple[str, ...]) -> list[str]:
    return ["    " + line for line in lines]


def value_size(type_: BType) -> int:
    """The interpreter's size of a value of this type (a list counts its cells, its end and its atoms)."""
    if isinstance(type_, tuple):
        return 1 + sum(1 + value_size(t) for t in type_)
    return 1


def literal_type(value: Any) -> BType:
    t = type(value)
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is Word:
        return "word"
    if t is Pair or t is Nil:
        return tuple(literal_type(item) for item in value)
    raise NotBatchable(f"a literal {value!r} (only ints, words, booleans and lists of them)")


def uses(lines: list[str] | tuple[str, ...], name: str) -> bool:
    pattern = re.compile(rf"\b{name}\b")
    return any(pattern.search(line) for line in lines)


def costly(line: str) -> bool:
    """A line that starts a loop or calls a compiled function."""
    return line.lstrip().startswith("for ") or re.search(r"\bF\d+\(", line) is not None


class BatchCompiler(Names):
    """Compiles the definitions reachable from one entry, for given argument types."""

    def __init__(self, program: Any) -> None:
        super().__init__()
        self.program = program
        self.functions: dict[tuple[Any, ...], tuple[str, BType]] = {}  # (name, types, ranges) -> function
        self.active: list[str] = []  # the definitions being compiled (a call back to one is recursion)
        self.lines: list[str] = []
        self.ranges: dict[str, tuple[int, int]] = {}  # python name -> bounds of the int it holds on every lane
        self.costly: set[str] = set()  # functions that loop or call: worth running on their lanes only
        # primitive applications already made on every lane the code being compiled runs on
        self.cse: dict[tuple[str, tuple[str, ...]], tuple[str, BType, int]] = {}

    def function(self, name: str, types: tuple[BType, ...],
                 ranges: tuple[tuple[int, int] | None, ...] = ()) -> tuple[str, BType]:
        key = (name, types, ranges)
        if key in self.functions:
            return self.functions[key]
        if name in self.active:
            raise NotBatchable(f"{name} is recursive")
        if len(self.active) + 1 >= MAX_CALL_DEPTH:
            raise NotBatchable("calls nested too deeply")
        definition = self.program.lookup(name)
        if len(definition.params) != len(types):
            raise NotBatchable(f"{name} is called with {len(types)} argument(s)")
        self.active.append(name)
        params = {p: (self.fresh("a"), t) for p, t in zip(definition.params, types)}
        for (py, _), bounds in zip(params.values(), ranges):
            if bounds is not None:
                self.ranges[py] = bounds
        saved, self.cse = self.cse, {}
        code = self.compile(definition.body, params, "m")
        self.cse = saved
        self.active.pop()
        fn = self.fresh("F")
        if any(costly(line) for line in code.stmts):
            self.costly.add(fn)
        self.lines += [
            f"def {fn}({', '.join(py for py, _ in params.values())}, m):",
            *indent([f"_np.add(S, {code.cost + COST_CALL}, out=S, where=m)", *code.stmts, f"return {code.expr}"]),
            "",
        ]
        self.functions[key] = (fn, code.type)
        return fn, code.type

    # --- expressions: each under the mask named `m` -------------------------------------

    def compile(self, e: Any, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        handler = getattr(self, "c_" + type(e).__name__, None)
        if handler is None:
            raise NotBatchable(f"procedure values ({type(e).__name__.lower()}): closures and calls through values")
        return handler(e, env, m)

    def c_Lit(self, e: Lit, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        type_ = literal_type(e.value)
        return BCode((), self.literal(e.value, type_), type_, 0)

    def literal(self, value: Any, type_: BType) -> str:
        if isinstance(type_, tuple):
            items = [self.literal(v, t) for v, t in zip(value, type_)]
            return "(" + "".join(f"{x}, " for x in items) + ")"
        bits = value.bits if type_ == "word" else value
        name = self.constant(DTYPES[type_](bits))  # type: ignore[index]
        if type_ == "int":
            self.ranges[name] = (value, value)
        return name

    def c_Var(self, e: Var, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        py, type_ = env[e.name]
        return BCode((), py, type_, 0)

    def c_Let(self, e: Let, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        value = self.compile(e.value, env, m)
        py = self.fresh("v")
        if value.expr in self.ranges:
            self.ranges[py] = self.ranges[value.expr]
        body = self.compile(e.body, {**env, e.name: (py, value.type)}, m)
        return BCode((*value.stmts, f"{py} = {value.expr}", *body.stmts), body.expr, body.type, value.cost + body.cost)

    def c_If(self, e: If, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        test = self.compile(e.test, env, m)
        if test.type != "bool":
            raise NotBatchable("an if whose test is not a boolean")
        t, result = self.fresh("c"), self.fresh("r")
        stmts = [*test.stmts, f"{t} = {test.expr}"]
        results = []
        for arm_expr, negate in ((e.then, ""), (e.other, "~")):
            mask = self.fresh("m")
            arm = self.scoped(arm_expr, env, mask, self.facts(e.test, env, not negate))
            lines = [f"_np.add(S, {arm.cost}, out=S, where={mask})"] if arm.cost else []
            lines += arm.stmts
            if uses(lines, mask):  # the arm charges, defers or loops: it needs its lanes
                stmts.append(f"{mask} = {m} & {negate}{t}")
            if any(costly(line) for line in lines):  # a loop or a call: run it only if some lane takes the arm
                arm_result = self.fresh("r")
                stmts += [f"if _np.any({mask}):", *indent([*lines, f"{arm_result} = {arm.expr}"]),
                          "else:", *indent([f"{arm_result} = {self.zero(arm.type)}"])]
            else:
                stmts += lines
                arm_result = arm.expr
            results.append((arm_result, arm.type))
        (then, then_type), (other, other_type) = results
        if then_type != other_type:
            raise NotBatchable("an if whose arms differ in type")
        stmts.append(f"{result} = _where({t}, {then}, {other})")
        return BCode(tuple(stmts), result, then_type, test.cost + COST_IF)

    def scoped(self, e: Any, env: dict[str, tuple[str, BType]], m: str,
               facts: list[tuple[str, int, int]] = ()) -> BCode:  # type: ignore[assignment]
        """Code that runs on some lanes only (an arm, a loop body): what it computes is not
        reused after it, and what its test says of integers (`facts`) holds inside only."""
        saved_cse, saved_ranges = dict(self.cse), dict(self.ranges)
        for name, lo, hi in facts:
            known = self.ranges.get(name, (INT_MIN, INT_MAX))
            self.ranges[name] = (max(known[0], lo), min(known[1], hi))
        code = self.compile(e, env, m)
        self.cse = saved_cse
        for name, _, _ in facts:
            if name in saved_ranges:
                self.ranges[name] = saved_ranges[name]
            else:
                self.ranges.pop(name, None)
        return code

    def facts(self, test: Any, env: dict[str, tuple[str, BType]], truth: bool) -> list[tuple[str, int, int]]:
        """Bounds on integers computed already that hold where `test` is `truth` (codegen.test_facts)."""
        return test_facts(test, truth, lambda e: self.name_of(e, env))

    def name_of(self, e: Any, env: dict[str, tuple[str, BType]]) -> str | None:
        """The name holding the value of an expression compiled already (a variable, or a
        primitive application found by its arguments' names), if it is an integer."""
        if type(e) is Var:
            py, type_ = env[e.name]
            return py if type_ == "int" else None
        if type(e) is PrimCall:
            names = [self.name_of(a, env) for a in e.args]
            if None not in names:
                found = self.cse.get((e.prim.name, tuple(names)))  # type: ignore[arg-type]
                return found[0] if found and found[1] == "int" else None
        return None

    def zero(self, type_: BType) -> str:
        if isinstance(type_, tuple):
            return "(" + "".join(f"{self.zero(t)}, " for t in type_) + ")"
        return self.constant(DTYPES[type_](0))

    def c_Call(self, e: CallNode, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        args = [self.compile(arg, env, m) for arg in e.args]
        fn, type_ = self.function(e.name, tuple(a.type for a in args), tuple(self.ranges.get(a.expr) for a in args))
        result = self.fresh("r")
        arguments = "".join(a.expr + ", " for a in args)
        call = f"_compact({fn}, {m}, {self.zero(type_)}, {arguments})" if fn in self.costly else f"{fn}({arguments}{m})"
        stmts = [s for a in args for s in a.stmts] + [f"{result} = {call}"]
        return BCode(tuple(stmts), result, type_, sum(a.cost for a in args))

    def c_For(self, e: For, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        lo, hi, init = (self.compile(x, env, m) for x in (e.lo, e.hi, e.init))
        if lo.type != "int" or hi.type != "int":
            raise NotBatchable("a for loop whose bounds are not integers")
        var, acc, trip, k = (self.fresh(b) for b in ("v", "v", "n", "k"))
        bounds = self.ranges.get(lo.expr), self.ranges.get(hi.expr)
        fixed = None  # the trip count, when the bounds are constants: every lane of m runs it
        if bounds[0] and bounds[1] and bounds[0][0] == bounds[0][1] and bounds[1][0] == bounds[1][1]:
            fixed = max(0, bounds[1][0] - bounds[0][0] + 1)
            if fixed > LANE_TRIP_LIMIT:
                fixed = None
        if bounds[0] and bounds[1]:
            self.ranges[var] = (bounds[0][0], bounds[1][1])
        mk = m if fixed is not None else self.fresh("m")
        body = self.scoped(e.body, {**env, e.var: (var, "int"), e.acc: (acc, init.type)}, mk)
        if body.type != init.type:
            raise NotBatchable("a for loop whose accumulator changes type")
        per_iteration = COST_ITERATION + body.cost
        stmts = [*lo.stmts, *hi.stmts, *init.stmts,
                 f"{trip} = _trips({lo.expr}, {hi.expr}, {m}, {per_iteration})",
                 f"{acc} = {init.expr}"]
        if fixed is not None:  # lanes outside m are not looked at: no mask per iteration
            stmts += [f"for {k} in range({fixed}):",
                      *indent([f"{var} = {lo.expr} + _I64({k})", *body.stmts, f"{acc} = {body.expr}"])]
        else:
            stmts += [f"for {k} in range(int(_np.max({trip}, initial=0))):",
                      *indent([f"{mk} = {trip} > {k}", f"{var} = {lo.expr} + _I64({k})", *body.stmts,
                               f"{acc} = _where({mk}, {body.expr}, {acc})"])]
        return BCode(tuple(stmts), acc, init.type, lo.cost + hi.cost + init.cost + COST_FOR)

    def c_PrimCall(self, e: PrimCall, env: dict[str, tuple[str, BType]], m: str) -> BCode:
        prim = e.prim
        if BASE.get(prim.name) is not prim or prim.name not in PRIMS:
            raise NotBatchable(f"the primitive {prim.name}")
        args = [self.compile(arg, env, m) for arg in e.args]
        types = tuple(a.type for a in args)
        stmts = [s for a in args for s in a.stmts]
        exprs = [a.expr for a in args]
        cost = sum(a.cost for a in args) + prim.cost
        key = (prim.name, tuple(exprs))
        if key in self.cse:  # made already on every lane that runs this (and its traps deferred)
            done, type_, extra_cost = self.cse[key]
            return BCode(tuple(stmts), done, type_, cost + extra_cost)
        make = PRIMS[prim.name]
        expr, type_, extra_cost = make(self, exprs, types, m, stmts)
        result = self.fresh("t")
        stmts.append(f"{result} = {expr}")
        if expr in self.ranges:
            self.ranges[result] = self.ranges[expr]
        elif prim.name in RESULT_RANGES:
            self.ranges[result] = RESULT_RANGES[prim.name]
        self.cse[key] = (result, type_, extra_cost)
        return BCode(tuple(stmts), result, type_, cost + extra_cost)

    def defer(self, stmts: list[str], condition: str, m: str) -> None:
        """Lanes of `m` where `condition` holds trap on the scalar path: hand them over to it."""
        stmts.append(f"_np.logical_or(D, {condition}, out=D, where={m})")


# --- primitives: (compiler, argument exprs, argument types, mask, statements) -> (expr, type, extra cost)

def _same(types: tuple[BType, ...], *expected: str) -> None:
    if types != expected:
        raise NotBatchable(f"arguments of types {types} where {expected} are expected (a type error)")


def _int2(op: str, overflow: str) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        _same(types, "int", "int")
        r = c.fresh("t")
        stmts.append(f"{r} = {x[0]} {op} {x[1]}")
        a, b = c.ranges.get(x[0]), c.ranges.get(x[1])
        if a and b:  # both bounded: the result's bounds, and no overflow check if they are in range
            lo, hi = (a[0] + b[0], a[1] + b[1]) if op == "+" else (a[0] - b[1], a[1] - b[0])
            if INT_MIN <= lo and hi <= INT_MAX:
                c.ranges[r] = (lo, hi)
                return r, "int", 0
        c.defer(stmts, one_sided(op, x, r, a, b) or overflow.format(a=x[0], b=x[1], r=r), m)
        return r, "int", 0
    return make


def one_sided(op: str, x: list[str], r: str, a: tuple[int, int] | None, b: tuple[int, int] | None) -> str | None:
    """The overflow test when the sign of an operand is known: the wrapped result passes the
    other operand on the wrong side (b >= 0: a + b wraps iff r < a, a - b wraps iff r > a)."""
    if b and (b[0] >= 0 or b[1] <= 0):
        wrong = "<" if (b[0] >= 0) == (op == "+") else ">"
        return f"({r} {wrong} {x[0]})"
    if op == "+" and a and (a[0] >= 0 or a[1] <= 0):
        return f"({r} {'<' if a[0] >= 0 else '>'} {x[1]})"
    return None


def _times(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
    _same(types, "int", "int")
    c.defer(stmts, f"_np.abs(_np.multiply({x[0]}, {x[1]}, dtype=_F64)) >= {PRODUCT_LIMIT!r}", m)
    return f"({x[0]} * {x[1]})", "int", 0


def _divmod(quotient: bool) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        _same(types, "int", "int")
        a, b = x
        c.defer(stmts, f"({b} == 0)" + (f" | (({a} == {INT_MIN}) & ({b} == -1))" if quotient else ""), m)
        safe, r = c.fresh("t"), c.fresh("t")
        stmts += [f"{safe} = _np.where({b} == 0, _I64(1), {b})", f"{r} = {a} % {safe}"]
        if quotient:  # floor quotient, one up where the floor remainder is negative: a = b q + r, 0 <= r < |b|
            return f"({a} // {safe} + ({r} < 0))", "int", 0
        return f"_np.where({r} < 0, {r} - {safe}, {r})", "int", 0
    return make


def _word_divide(op: str) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        _same(types, "word", "word")
        c.defer(stmts, f"({x[1]} == 0)", m)
        safe = c.fresh("t")
        stmts.append(f"{safe} = _np.where({x[1]} == 0, _U32(1), {x[1]})")
        return f"({x[0]} {op} {safe})", "word", 0
    return make


def _int1(expr: str) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        _same(types, "int")
        c.defer(stmts, f"({x[0]} == {INT_MIN})", m)
        return expr.format(x[0]), "int", 0
    return make


def _typed(params: tuple[str, ...], result: str, expr: str) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        _same(types, *params)
        return expr.format(*x), result, 0
    return make


def _shift(expr: str) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        _same(types, "word", "int")
        bounds = c.ranges.get(x[1])
        if bounds and 0 <= bounds[0] and bounds[1] <= 31:  # always a valid amount
            return expr.format(x[0], x[1]), "word", 0
        bad, k = c.fresh("t"), c.fresh("t")
        stmts.append(f"{bad} = ({x[1]}).astype(_U64) > 31")  # negative amounts are huge as unsigned
        c.defer(stmts, bad, m)
        stmts.append(f"{k} = _np.where({bad}, _I64(0), {x[1]})")
        return expr.format(x[0], k), "word", 0
    return make


def _equal(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
    if types[0] != types[1] or types[0] not in ATOMS:
        raise NotBatchable(f"= on values of types {types} (a type error)")
    return f"({x[0]} == {x[1]})", "bool", 0


def _list(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
    if value_size(types) > MAX_VALUE_SIZE:
        raise NotBatchable("a list larger than the value-size limit")
    return "(" + "".join(f"{e}, " for e in x) + ")", types, len(x)


def _cons(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
    if not isinstance(types[1], tuple):
        raise NotBatchable("cons onto a list of unknown shape")
    shape = (types[0], *types[1])
    if value_size(shape) > MAX_VALUE_SIZE:
        raise NotBatchable("a list larger than the value-size limit")
    return f"(({x[0]},) + {x[1]})", shape, 0


def _part(first: bool) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        shape = types[0]
        if not isinstance(shape, tuple) or not shape:
            raise NotBatchable("car or cdr of something other than a non-empty list (a trap)")
        return (f"{x[0]}[0]", shape[0], 0) if first else (f"{x[0]}[1:]", shape[1:], 0)
    return make


def _static(test: Any, result: str = "bool") -> Any:
    """A primitive whose answer the argument types decide."""
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        value = test(types)
        if value is None:
            raise NotBatchable("a list primitive on a value that is not a list (a type error)")
        return c.constant(DTYPES[result](value)), result, 0
    return make


def _list_op(name: str) -> Any:
    def make(c: BatchCompiler, x: list[str], types: tuple[BType, ...], m: str, stmts: list[str]) -> tuple[str, BType, int]:
        if not all(isinstance(t, tuple) for t in types):
            raise NotBatchable(f"{name} of values that are not lists (a type error)")
        first: tuple[BType, ...] = types[0]  # type: ignore[assignment]
        if name == "reverse":
            return f"{x[0]}[::-1]", first[::-1], len(first)
        shape = first + types[1]  # type: ignore[operator]
        if value_size(shape) > MAX_VALUE_SIZE:
            raise NotBatchable("a list larger than the value-size limit")
        return f"({x[0]} + {x[1]})", shape, len(first)
    return make


def _is_list(types: tuple[BType, ...]) -> bool:
    return isinstance(types[0], tuple)


def _length(types: tuple[BType, ...]) -> int | None:
    return len(types[0]) if isinstance(types[0], tuple) else None


RESULT_RANGES = {"word->int": (0, 2**32 - 1), "word->sint": (-(2**31), 2**31 - 1)}
WORD_SHL = "((({0}).astype(_I64) << {1}) & 0xFFFFFFFF).astype(_U32)"
WORD_SHR = "((({0}).astype(_I64) >> {1})).astype(_U32)"
WORD_SAR = "((({0}).astype(_I32).astype(_I64) >> {1}) & 0xFFFFFFFF).astype(_U32)"

PRIMS: dict[str, Any] = {
    "+": _int2("+", "((({a} ^ {r}) & ({b} ^ {r})) < 0)"),
    "-": _int2("-", "((({a} ^ {b}) & ({a} ^ {r})) < 0)"),
    "*": _times,
    "div": _divmod(True),
    "mod": _divmod(False),
    "neg": _int1("(-{0})"),
    "abs": _int1("_np.abs({0})"),
    "min": _typed(("int", "int"), "int", "_np.minimum({0}, {1})"),
    "max": _typed(("int", "int"), "int", "_np.maximum({0}, {1})"),
    "<": _typed(("int", "int"), "bool", "({0} < {1})"), "<=": _typed(("int", "int"), "bool", "({0} <= {1})"),
    ">": _typed(("int", "int"), "bool", "({0} > {1})"), ">=": _typed(("int", "int"), "bool", "({0} >= {1})"),
    "=": _equal,
    "not": _typed(("bool",), "bool", "(~{0})"),
    "w+": _typed(("word", "word"), "word", "({0} + {1})"),
    "w-": _typed(("word", "word"), "word", "({0} - {1})"),
    "w*": _typed(("word", "word"), "word", "({0} * {1})"),
    "wand": _typed(("word", "word"), "word", "({0} & {1})"),
    "wor": _typed(("word", "word"), "word", "({0} | {1})"),
    "wxor": _typed(("word", "word"), "word", "({0} ^ {1})"),
    "wudiv": _word_divide("//"),
    "wurem": _word_divide("%"),
    "wneg": _typed(("word",), "word", "(_U0 - {0})"),
    "wnot": _typed(("word",), "word", "(~{0})"),
    "wshl": _shift(WORD_SHL),
    "wshr": _shift(WORD_SHR),
    "wsar": _shift(WORD_SAR),
    "wult": _typed(("word", "word"), "bool", "({0} < {1})"),
    "wule": _typed(("word", "word"), "bool", "({0} <= {1})"),
    "wslt": _typed(("word", "word"), "bool", "(({0}).astype(_I32) < ({1}).astype(_I32))"),
    "wsle": _typed(("word", "word"), "bool", "(({0}).astype(_I32) <= ({1}).astype(_I32))"),
    "word": _typed(("int",), "word", "(({0}) & 0xFFFFFFFF).astype(_U32)"),
    "word->int": _typed(("word",), "int", "({0}).astype(_I64)"),
    "word->sint": _typed(("word",), "int", "({0}).astype(_I32).astype(_I64)"),
    "list": _list,
    "cons": _cons,
    "car": _part(True),
    "cdr": _part(False),
    "null?": _static(lambda t: t[0] == () if isinstance(t[0], tuple) else False),
    "pair?": _static(lambda t: bool(t[0]) if isinstance(t[0], tuple) else False),
    "list?": _static(_is_list),
    "int?": _static(lambda t: t[0] == "int"),
    "word?": _static(lambda t: t[0] == "word"),
    "bool?": _static(lambda t: t[0] == "bool"),
    "symbol?": _static(lambda t: False),
    "procedure?": _static(lambda t: False),
    "program?": _static(lambda t: False),
    "length": _static(_length, "int"),
    "append": _list_op("append"),
    "reverse": _list_op("reverse"),
}


# --- running -------------------------------------------------------------------------------

def _where(test: Any, a: Any, b: Any) -> Any:
    if type(a) is tuple:
        return tuple(_where(test, x, y) for x, y in zip(a, b))
    return np.where(test, a, b)


def _take(value: Any, lanes: np.ndarray) -> Any:
    if type(value) is tuple:
        return tuple(_take(v, lanes) for v in value)
    return value if np.ndim(value) == 0 else value[lanes]


def _scatter(zero: Any, lanes: np.ndarray, value: Any, n: int) -> Any:
    if type(zero) is tuple:
        return tuple(_scatter(z, lanes, v, n) for z, v in zip(zero, value))
    full = np.full(n, zero)
    full[lanes] = value
    return full


def _lanes(value: Any, type_: BType, n: int) -> Any:
    """The value with one element per lane (constants broadcast)."""
    if isinstance(type_, tuple):
        return tuple(_lanes(v, t, n) for v, t in zip(value, type_))
    return np.broadcast_to(np.asarray(value, dtype=DTYPES[type_]), (n,))


def lane_value(value: Any, type_: BType, i: int) -> Any:
    """Lane i's value as the interpreter represents it."""
    if isinstance(type_, tuple):
        return make_list(lane_value(v, t, i) for v, t in zip(value, type_)) if type_ else NIL
    x = value[i]
    if type_ == "int":
        return int(x)
    if type_ == "word":
        return Word(int(x))
    return bool(x)


class BatchProgram:
    """One definition of a program compiled for a batch, for fixed argument types."""

    def __init__(self, program: Any, name: str, types: tuple[BType, ...],
                 ranges: tuple[tuple[int, int] | None, ...] = ()) -> None:
        compiler = BatchCompiler(program)
        self.entry, self.type = compiler.function(name, types, ranges)
        self.source = "\n".join(compiler.lines) + "\n"
        self.namespace: dict[str, Any] = {
            "__builtins__": {"int": int, "range": range},
            "_np": np, "_I64": np.int64, "_I32": np.int32, "_U32": np.uint32, "_U64": np.uint64, "_F64": np.float64,
            "_U0": np.uint32(0), "_where": _where, "_trips": self.trips, "_compact": self.compact,
            "S": None, "D": None, "B": 0,
            **compiler.constants,
        }
        exec(compile(self.source, f"<batch {program.digest[:12]} {name}>", "exec"), self.namespace)
        self.function = self.namespace[self.entry]

    def trips(self, lo: Any, hi: Any, m: np.ndarray, per_iteration: int) -> np.ndarray:
        """Each lane's trip count, 0 where the lane does not run the loop; lanes whose loop is
        too long for the batch, or would pass the budget, are deferred."""
        ns = self.namespace
        steps, deferred = ns["S"], ns["D"]
        lo, hi = np.broadcast_to(lo, m.shape), np.broadcast_to(hi, m.shape)
        span = hi.astype(np.float64) - lo.astype(np.float64)  # no overflow, and exact where it matters
        long = m & (span >= LANE_TRIP_LIMIT)
        count = np.where(m & ~long & ~deferred & (hi >= lo), hi - lo + 1, 0)
        over = m & (steps + count * per_iteration > ns["B"])
        deferred |= long | over
        count[long | over] = 0
        np.add(steps, count * per_iteration, out=steps)
        return count

    def compact(self, fn: Any, m: np.ndarray, zero: Any, *args: Any) -> Any:
        """Call `fn` on the lanes of m only, when they are fewer than half: a function that loops
        then does its work on those lanes alone (a cond whose arms call looping helpers)."""
        lanes = np.flatnonzero(m)
        if 2 * len(lanes) > len(m):
            return fn(*args, m)
        if len(lanes) == 0:  # no lane calls: nothing runs, nothing is charged
            return _scatter(zero, lanes, zero, len(m))
        ns = self.namespace
        steps, deferred = ns["S"], ns["D"]
        ns["S"], ns["D"] = steps[lanes], deferred[lanes]
        try:
            value = fn(*(_take(a, lanes) for a in args), np.ones(len(lanes), np.bool_))
        finally:
            steps[lanes], deferred[lanes] = ns["S"], ns["D"]
            ns["S"], ns["D"] = steps, deferred
        return _scatter(zero, lanes, value, len(m))

    def call(self, args: tuple[Any, ...], n: int, budget: int) -> BatchOutcome:
        """Run on n lanes (each argument an array of n elements, or one value for all)."""
        steps, deferred = np.zeros(n, np.int64), np.zeros(n, np.bool_)
        self.namespace.update(S=steps, D=deferred, B=budget)
        with np.errstate(all="ignore"):
            value = self.function(*args, np.ones(n, np.bool_))
        deferred |= steps > budget
        return BatchOutcome(_lanes(value, self.type, n), steps, deferred, self.type)


def batched(program: Any, name: str, types: tuple[BType, ...],
            ranges: tuple[tuple[int, int] | None, ...] = ()) -> BatchProgram | str:
    """The batch form of `name` for these argument types (and bounds on the integer arguments,
    which every lane must keep: they spare overflow checks), made once and kept on the program;
    the reason why not, as a string, when it has none."""
    cache = program._compiled
    if cache is None:
        cache = program._compiled = {}
    key = ("batch", name, types, ranges)
    if key not in cache:
        try:
            cache[key] = BatchProgram(program, name, types, ranges)
        except NotBatchable as exc:
            cache[key] = str(exc)
    return cache[key]


__all__ = ["BatchProgram", "BatchOutcome", "NotBatchable", "batched", "lane_value"]
