"""The symbolic semantics: a program's outcome and exact step cost as terms over its inputs.

Part of the trusted core. `define_function(program, name, param_types)` evaluates a
definition symbolically, following the reference evaluator (`godelmachine/lang/interpreter.py`)
form by form, and returns defining equations for three function symbols of the inputs:

    P.f.ok(x)   : Bool   the run ends with a value (no trap)
    P.f.val(x)  : S      the value (for a list of k scalars: P.f.val.0 ... P.f.val.k-1)
    P.f.cost(x) : Int    the steps of the whole run (the entry call included), up to a trap

where P names the program by its digest. Integers are Z3 integers, each operation carrying
its range side-condition (from the primitive table's `smt_ok`), words are 32-bit vectors,
booleans are Bool; symbols, closures and lists of known length are tracked statically.

Loop-free code is encoded directly. A `for` loop with constant bounds and at most
UNROLL_LIMIT iterations is unrolled; any other loop gets its own function symbols
L.acc, L.ok, L.cost of the free scalars, the first index, the initial accumulator and an
iteration count k, defined by primitive recursion on k >= 0 (L(0) = start, L(k+1) = one more
iteration of the body on L(k)). Definitions by primitive recursion are conservative, so
adding them cannot make the logic inconsistent; facts about L for every k need the kernel's
induction rule. Recursive functions are outside the fragment (their definitions would not be
conservative): they are handled by the kernel's rule of evaluation on a finite domain.

Whatever falls outside the fragment raises `Unsupported`, which the kernel turns into a
refusal. The walker has one handler per syntax node kind, checked complete at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Sequence

from godelmachine.lang.primitives import Primitive
from godelmachine.lang.reader import read
from godelmachine.lang.syntax import (
    COST_CALL,
    COST_FOR,
    COST_IF,
    COST_ITERATION,
    COST_LAMBDA,
    NODE_KINDS,
    Apply,
    Call,
    For,
    GlobalRef,
    If,
    Lambda,
    Let,
    Lit,
    PrimCall,
    Var,
    free_variables,
)
from godelmachine.lang.values import MAX_CALL_DEPTH, Nil, Pair, Word
from godelmachine.logic.smtlib import Signature, parse_term
from godelmachine.logic.terms import (
    BOOL,
    BV32,
    FALSE,
    INT,
    TRUE,
    ZERO,
    Add,
    And,
    Eq,
    Implies,
    Ite,
    Le,
    Lt,
    Sub,
    Term,
    app,
    bv,
    const,
    forall,
    int_,
    sym,
)

UNROLL_LIMIT = 64
SORTS = {"int": INT, "word": BV32, "bool": BOOL}
SCALARS = tuple(SORTS)


class Unsupported(Exception):
    """The program is outside the symbolic fragment (a refusal, never a crash)."""


@dataclass(frozen=True)
class SV:
    """A symbolic value: a scalar term, a static symbol or list, a closure or a function."""

    kind: str  # int | word | bool | symbol | list | closure | function
    term: Term | None = None
    items: tuple["SV", ...] = ()
    name: str = ""
    closure: Any = None  # (Lambda node, environment) for a closure


@dataclass(frozen=True)
class Res:
    """The symbolic outcome of an expression: no trap (`ok`), its value, and its cost."""

    ok: Term
    value: SV | None  # None only when it always traps
    cost: Term


def scalar(kind: str, term: Term) -> SV:
    return SV(kind, term)


def static_value(value: Any) -> SV:
    """The symbolic form of a concrete value (a literal or a quoted datum)."""
    t = type(value)
    if t is bool:
        return SV("bool", const(value, BOOL))
    if t is int:
        return SV("int", int_(value))
    if t is Word:
        return SV("word", bv(value.bits))
    if t is str:
        return SV("symbol", name=value)
    if t is Pair or t is Nil:
        return SV("list", items=tuple(static_value(v) for v in value))
    raise Unsupported(f"a {t.__name__} value cannot be encoded")


def trap(cost: Term) -> Res:
    return Res(FALSE, None, cost)


@cache
def _template(text: str, sorts: tuple[str, ...]) -> Term:
    signature = Signature()
    scope = {name: sym(f"%arg.{name}", sort) for name, sort in zip("abc", sorts)}
    return parse_term(text, signature, scope, source="<primitive table>")


def instantiate_template(text: str, sorts: tuple[str, ...], args: list[Term]) -> Term:
    from godelmachine.logic.terms import substitute

    template = _template(text, sorts)
    return substitute(template, {sym(f"%arg.{n}", s): a for n, s, a in zip("abc", sorts, args)})


class Symbolic:
    """Evaluates definitions of one program symbolically; collects loop definitions."""

    def __init__(self, program: Any, loop_name: Callable[[int], str]) -> None:
        self.program = program
        self.loop_name = loop_name  # the base name of the Nth loop's symbols
        self.loop_definitions: list[Term] = []
        self.loops = 0
        self.primitives_used: set[str] = set()

    def eval(self, e: Any, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        return HANDLERS[type(e)](self, e, env, depth, stack)

    def sequence(self, results: list[Res]) -> tuple[Term, list[SV | None], Term]:
        """Operands evaluated left to right: a trap stops the charges after it."""
        ok, cost, values = TRUE, ZERO, []
        for r in results:
            cost = Add(cost, Ite(ok, r.cost, ZERO))
            ok = And(ok, r.ok)
            values.append(r.value)
        return ok, values, cost

    # --- handlers, one per node kind ------------------------------------------------------

    def lit(self, e: Lit, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        return Res(TRUE, static_value(e.value), ZERO)

    def var(self, e: Var, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        return Res(TRUE, env[e.name], ZERO)

    def global_ref(self, e: GlobalRef, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        return Res(TRUE, SV("function", name=e.name), ZERO)

    def if_(self, e: If, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        test = self.eval(e.test, env, depth, stack)
        if test.value is None or test.value.kind != "bool":
            return trap(test.cost)  # a test that is not a boolean traps, costing nothing more
        t = test.value.term
        assert t is not None
        if t is TRUE or t is FALSE:  # decided statically: only the taken branch exists
            branch = self.eval(e.then if t is TRUE else e.other, env, depth, stack)
            return Res(And(test.ok, branch.ok), branch.value, Add(test.cost, Ite(test.ok, Add(int_(COST_IF), branch.cost), ZERO)))
        then = self.eval(e.then, env, depth, stack)
        other = self.eval(e.other, env, depth, stack)
        value = merge(t, then.value, other.value)
        ok = And(test.ok, Ite(t, then.ok, other.ok))
        cost = Add(test.cost, Ite(test.ok, Add(int_(COST_IF), Ite(t, then.cost, other.cost)), ZERO))
        return Res(ok, value, cost)

    def let(self, e: Let, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        bound = self.eval(e.value, env, depth, stack)
        if bound.value is None:
            return bound
        body = self.eval(e.body, {**env, e.name: bound.value}, depth, stack)
        return Res(And(bound.ok, body.ok), body.value, Add(bound.cost, Ite(bound.ok, body.cost, ZERO)))

    def lambda_(self, e: Lambda, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        return Res(TRUE, SV("closure", closure=(e, env)), int_(COST_LAMBDA))

    def prim_call(self, e: PrimCall, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        ok, values, cost = self.sequence([self.eval(a, env, depth, stack) for a in e.args])
        if ok is FALSE or any(v is None for v in values):
            return trap(cost)
        prim = e.prim
        self.primitives_used.add(prim.name)
        result = apply_primitive(prim, values)  # type: ignore[arg-type]
        if result is None:
            return trap(cost)  # a type error: traps before the primitive's cost is charged
        prim_ok, value, prim_cost = result
        charge = prim_cost if isinstance(prim_cost, Term) else int_(prim_cost)
        return Res(And(ok, prim_ok), value, Add(cost, Ite(ok, charge, ZERO)))

    def call_(self, e: Call, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        ok, values, cost = self.sequence([self.eval(a, env, depth, stack) for a in e.args])
        if ok is FALSE or any(v is None for v in values):
            return trap(cost)
        definition = self.program.lookup(e.name)
        return self.invoke(e.name, definition.params, definition.body, {}, values, ok, cost, depth, stack)  # type: ignore[arg-type]

    def apply(self, e: Apply, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        results = [self.eval(e.fn, env, depth, stack)] + [self.eval(a, env, depth, stack) for a in e.args]
        ok, values, cost = self.sequence(results)
        if ok is FALSE or any(v is None for v in values):
            return trap(cost)
        fn, args = values[0], values[1:]
        assert fn is not None
        if fn.kind == "closure":
            node, closure_env = fn.closure
            params, body, name = node.params, node.body, "lambda"
        elif fn.kind == "function":
            definition = self.program.lookup(fn.name)
            params, body, closure_env, name = definition.params, definition.body, {}, fn.name
        else:
            return trap(cost)  # not a procedure
        if len(params) != len(args):
            return trap(cost)  # arity
        return self.invoke(name, params, body, closure_env, args, ok, cost, depth, stack)  # type: ignore[arg-type]

    def invoke(self, name: str, params: tuple[str, ...], body: Any, env: dict[str, SV], args: list[SV],
               ok: Term, cost: Term, depth: int, stack: tuple[str, ...]) -> Res:
        """A call: 1 step, the depth check, then the body inlined (recursion is refused)."""
        if name != "lambda" and name in stack:
            raise Unsupported(f"{name} is recursive; recursion is proved by evaluation on a finite domain")
        if len(stack) > 64:
            raise Unsupported("calls nested more than 64 deep")
        if depth >= MAX_CALL_DEPTH:
            return trap(Add(cost, Ite(ok, int_(COST_CALL), ZERO)))
        inner = {**env, **dict(zip(params, args))}
        result = self.eval(body, inner, depth + 1, stack + (name,))
        return Res(And(ok, result.ok), result.value, Add(cost, Ite(ok, Add(int_(COST_CALL), result.cost), ZERO)))

    def for_(self, e: For, env: dict[str, SV], depth: int, stack: tuple[str, ...]) -> Res:
        ok, values, cost = self.sequence([self.eval(x, env, depth, stack) for x in (e.lo, e.hi, e.init)])
        lo, hi, init = values
        if ok is FALSE or lo is None or hi is None or init is None or lo.kind != "int" or hi.kind != "int":
            return trap(cost)  # bounds that are not integers trap before the loop's cost
        assert lo.term is not None and hi.term is not None
        if lo.term.is_const and hi.term.is_const and hi.term.name - lo.term.name + 1 <= UNROLL_LIMIT:
            loop = self.unrolled(e, env, depth, stack, lo.term.name, hi.term.name, init)
        else:
            loop = self.recursive_loop(e, env, depth, stack, lo.term, hi.term, init)
        return Res(And(ok, loop.ok), loop.value, Add(cost, Ite(ok, Add(int_(COST_FOR), loop.cost), ZERO)))

    # --- loops -----------------------------------------------------------------------------

    def unrolled(self, e: For, env: dict[str, SV], depth: int, stack: tuple[str, ...], lo: int, hi: int, acc: SV) -> Res:
        ok, cost = TRUE, ZERO
        for i in range(lo, hi + 1):
            body = self.eval(e.body, {**env, e.var: SV("int", int_(i)), e.acc: acc}, depth, stack)
            cost = Add(cost, Ite(ok, Add(int_(COST_ITERATION), body.cost), ZERO))
            ok = And(ok, body.ok)
            if body.value is None or ok is FALSE:
                return trap(cost)
            acc = body.value
        return Res(ok, acc, cost)

    def recursive_loop(self, e: For, env: dict[str, SV], depth: int, stack: tuple[str, ...],
                       lo: Term, hi: Term, init: SV) -> Res:
        """A loop of unknown length: function symbols defined by primitive recursion."""
        self.loops += 1
        base = self.loop_name(self.loops)
        free = sorted(free_variables(e.body) - {e.var, e.acc})
        params: list[tuple[str, str]] = []
        actuals: list[Term] = []
        inner_env: dict[str, SV] = {}
        for name in free:
            value = env[name]
            if value.kind in SCALARS:
                bound = f"{base}.{name}"
                params.append((bound, SORTS[value.kind]))
                actuals.append(value.term)  # type: ignore[arg-type]
                inner_env[name] = SV(value.kind, sym(bound, SORTS[value.kind]))
            elif value.kind in ("symbol", "function"):
                inner_env[name] = value
            else:
                raise Unsupported(f"a loop whose body uses a {value.kind} variable {name!r}")
        shape = accumulator_shape(init)
        lo_var, k = sym(f"{base}.lo", INT), sym(f"{base}.k", INT)
        starts = [sym(f"{base}.a{j}", SORTS[kind]) for j, kind in enumerate(shape)]
        header = params + [(lo_var.name, INT)] + [(s.name, s.sort) for s in starts]

        def fn(suffix: str, sort: str) -> Callable[[list[Term], Term], Term]:
            return lambda head, count: app(f"{base}.{suffix}", [*head, count], sort)

        accs = [fn(f"acc{j}", SORTS[kind]) for j, kind in enumerate(shape)]
        ok_fn, cost_fn = fn("ok", BOOL), fn("cost", INT)
        head = [sym(n, s) for n, s in header]
        acc_k = build_accumulator(init, [acc(head, k) for acc in accs])
        body = self.eval(e.body, {**env, **inner_env, e.var: SV("int", Add(lo_var, k)), e.acc: acc_k}, depth, stack)
        if body.value is None or accumulator_shape(body.value) != shape:
            raise Unsupported("a loop body whose value changes type between iterations")
        next_k = Add(k, int_(1))
        step = And(
            *[Eq(acc(head, next_k), part) for acc, part in zip(accs, scalar_parts(body.value))],
            Eq(ok_fn(head, next_k), And(ok_fn(head, k), body.ok)),
            Eq(cost_fn(head, next_k), Add(cost_fn(head, k), Ite(ok_fn(head, k), Add(int_(COST_ITERATION), body.cost), ZERO))),
        )
        start = And(*[Eq(acc(head, ZERO), s) for acc, s in zip(accs, starts)], ok_fn(head, ZERO), Eq(cost_fn(head, ZERO), ZERO))
        self.loop_definitions.append(forall(header, start))
        self.loop_definitions.append(forall(header + [(k.name, INT)], Implies(Le(ZERO, k), step)))
        count = Ite(Le(lo, hi), Add(Sub(hi, lo), int_(1)), ZERO)
        actual_head = actuals + [lo] + scalar_parts(init)
        value = build_accumulator(init, [acc(actual_head, count) for acc in accs])
        return Res(ok_fn(actual_head, count), value, cost_fn(actual_head, count))


HANDLERS: dict[type, Callable[..., Res]] = {
    Lit: Symbolic.lit,
    Var: Symbolic.var,
    GlobalRef: Symbolic.global_ref,
    If: Symbolic.if_,
    Let: Symbolic.let,
    Lambda: Symbolic.lambda_,
    PrimCall: Symbolic.prim_call,
    Call: Symbolic.call_,
    Apply: Symbolic.apply,
    For: Symbolic.for_,
}
assert set(HANDLERS) == set(NODE_KINDS), "the symbolic semantics needs a handler for every node kind"


def accumulator_shape(value: SV) -> tuple[str, ...]:
    if value.kind in SCALARS:
        return (value.kind,)
    if value.kind == "list" and all(item.kind in SCALARS for item in value.items):
        return tuple(item.kind for item in value.items)
    raise Unsupported(f"a loop accumulator of kind {value.kind} (scalars or lists of scalars only)")


def scalar_parts(value: SV) -> list[Term]:
    return [value.term] if value.kind in SCALARS else [item.term for item in value.items]  # type: ignore[misc]


def build_accumulator(like: SV, parts: list[Term]) -> SV:
    if like.kind in SCALARS:
        return SV(like.kind, parts[0])
    return SV("list", items=tuple(SV(item.kind, part) for item, part in zip(like.items, parts)))


def merge(test: Term, a: SV | None, b: SV | None) -> SV | None:
    """The value of (if test a b); a branch that always traps contributes nothing."""
    if a is None or b is None:
        return a if b is None else b
    if a.kind != b.kind:
        raise Unsupported(f"branches of different types ({a.kind} and {b.kind})")
    if a.kind in SCALARS:
        return SV(a.kind, Ite(test, a.term, b.term))  # type: ignore[arg-type]
    if a.kind == "list":
        if len(a.items) != len(b.items):
            raise Unsupported("branches that make lists of different lengths")
        return SV("list", items=tuple(merge(test, x, y) for x, y in zip(a.items, b.items)))  # type: ignore[misc]
    if a == b:
        return a
    raise Unsupported(f"branches with different {a.kind} values")


_LIST_PRIMS = {"list", "cons", "car", "cdr", "null?", "pair?", "length", "nth", "append", "reverse"}
_TYPE_TESTS = {"int?": "int", "word?": "word", "bool?": "bool", "symbol?": "symbol", "list?": "list"}


def apply_primitive(prim: Primitive, args: list[SV]) -> tuple[Term, SV, int | Term] | None:
    """(no trap, value, cost) of a primitive on symbolic arguments; None for a type error."""
    kinds = [a.kind for a in args]
    if prim.name in _TYPE_TESTS:
        return TRUE, SV("bool", const(kinds[0] == _TYPE_TESTS[prim.name], BOOL)), prim.cost
    if prim.name in _LIST_PRIMS:
        return list_primitive(prim, args)
    if prim.name == "procedure?":
        return TRUE, SV("bool", const(kinds[0] in ("closure", "function"), BOOL)), prim.cost
    if prim.smt is None:
        raise Unsupported(f"primitive {prim.name} has no symbolic meaning")
    if prim.params == ("atom", "atom"):  # =: one atom type on both sides
        atoms = SCALARS + ("symbol",)
        if kinds[0] not in atoms or kinds[1] not in atoms:
            return None  # not atoms: a type error before the charge
        if kinds[0] != kinds[1]:
            return FALSE, SV("bool", FALSE), prim.cost  # atoms of two types: charged, then the trap
        if kinds[0] == "symbol":
            return TRUE, SV("bool", const(args[0].name == args[1].name, BOOL)), prim.cost
        types = (kinds[0], kinds[0])
    else:
        types = prim.params
        if tuple(kinds) != types:
            return None
    sorts = tuple(SORTS[t] for t in types)
    terms = [a.term for a in args]
    value = instantiate_template(prim.smt, sorts, terms)  # type: ignore[arg-type]
    ok = instantiate_template(prim.smt_ok, sorts, terms)  # type: ignore[arg-type]
    result_kind = types[0] if prim.result == "atom" else prim.result
    return ok, SV(result_kind, value), prim.cost


def list_primitive(prim: Primitive, args: list[SV]) -> tuple[Term, SV, int | Term] | None:
    """Lists have a length known statically, so list primitives act on the Python tuple."""
    name = prim.name
    if name in ("null?", "pair?"):
        empty = args[0].kind == "list" and not args[0].items
        answer = empty if name == "null?" else args[0].kind == "list" and bool(args[0].items)
        return TRUE, SV("bool", const(answer, BOOL)), prim.cost
    if name == "list":
        return TRUE, SV("list", items=tuple(args)), prim.cost + len(args)
    params = prim.params
    if any(p == "list" and a.kind != "list" for p, a in zip(params, args)):
        return None
    if name == "nth" and args[1].kind != "int":
        return None
    items = args[0].items if args[0].kind == "list" else ()
    if name == "cons":
        return TRUE, SV("list", items=(args[0],) + args[1].items), prim.cost
    if name in ("car", "cdr"):
        if not items:
            return FALSE, SV("list"), prim.cost  # empty-list trap, after the charge
        return TRUE, (items[0] if name == "car" else SV("list", items=items[1:])), prim.cost
    if name == "length":
        return TRUE, SV("int", int_(len(items))), prim.cost
    if name == "append":
        return TRUE, SV("list", items=items + args[1].items), prim.cost + len(items)
    if name == "reverse":
        return TRUE, SV("list", items=tuple(reversed(items))), prim.cost + len(items)
    index = args[1].term
    assert index is not None
    if index.is_const:
        i = index.name
        if not 0 <= i < len(items):
            return FALSE, SV("list"), prim.cost + max(0, min(i, len(items)))
        return TRUE, items[i], prim.cost + i
    # an index known only as a term: the element is an ite chain, the walk's cost min(i, n)
    if not items or any(item.kind not in SCALARS or item.kind != items[0].kind for item in items):
        raise Unsupported("nth with a variable index needs a list of scalars of one type")
    ok = And(Le(int_(0), index), Lt(index, int_(len(items))))
    value = items[-1].term
    for j in range(len(items) - 2, -1, -1):
        value = Ite(Eq(index, int_(j)), items[j].term, value)  # type: ignore[arg-type]
    walk = Ite(Lt(index, int_(0)), ZERO, Ite(Le(int_(len(items)), index), int_(len(items)), index))
    return ok, SV(items[0].kind, value), Add(int_(prim.cost), walk)  # type: ignore[return-value]


# --- definitions of a program's functions ------------------------------------------------


@dataclass(frozen=True)
class FunctionSemantics:
    """The defining equations of P.f.ok, P.f.val(.j) and P.f.cost, and their symbols."""

    name: str
    params: tuple[tuple[str, str], ...]  # (name, sort)
    ok: Term  # P.f.ok applied to the parameters
    values: tuple[Term, ...]  # P.f.val (one scalar) or P.f.val.j (a list's elements), applied
    cost: Term  # P.f.cost applied
    shape: str  # "int" | "word" | "bool" | "list:k" | "trap"
    statement: Term  # the conjunction of all defining equations
    primitives: frozenset[str]


# The names of the symbols the semantics defines (the freshness the kernel relies on, see
# docs/logic.md): P is `p` and the first 128 bits of the program's SHA-256 digest, in hex;
#     P.f.ok  P.f.cost  P.f.val  P.f.val.j           the function f of P
#     P.f@T1.T2@loopN.acc0 (.accJ, .ok, .cost)          f's Nth loop, f defined at types T1, T2
# A function whose name holds SEPARATOR is refused: so a loop symbol is no function's symbol,
# and each name says which program, function, signature and loop it belongs to.
PREFIX_HEX_DIGITS = 32
SEPARATOR = "@"


def digest_prefix(digest: str) -> str:
    return f"p{digest[:PREFIX_HEX_DIGITS]}"


def program_prefix(program: Any) -> str:
    return digest_prefix(program.digest)


def symbol_base(digest: str, name: str) -> str:
    """P.f, the start of every symbol of the function `name` of the program with `digest`."""
    if SEPARATOR in name:
        raise Unsupported(f"a function whose name contains {SEPARATOR!r} ({name!r}): the kernel reserves it")
    return f"{digest_prefix(digest)}.{name}"


def function_base(program: Any, name: str) -> str:
    return symbol_base(program.digest, name)


def loop_base(program: Any, name: str, types: Sequence[str], number: int) -> str:
    """P.f@T1.T2@loopN: the symbols of the Nth loop of f defined at the types T1, T2."""
    return f"{function_base(program, name)}{SEPARATOR}{'.'.join(types)}{SEPARATOR}loop{number}"


def is_loop_symbol(name: str) -> bool:
    return f"{SEPARATOR}loop" in name


def define_function(program: Any, name: str, param_types: tuple[str, ...]) -> FunctionSemantics:
    """The semantics of calling `name` from the top level, as defining equations."""
    if name not in program:
        raise Unsupported(f"the program has no definition named {name!r}")
    definition = program.lookup(name)
    if len(param_types) != len(definition.params):
        raise Unsupported(f"{name} takes {len(definition.params)} argument(s), {len(param_types)} types given")
    if unknown := [t for t in param_types if t not in SORTS]:
        raise Unsupported(f"unknown type {unknown[0]!r} (int, word or bool)")
    base = function_base(program, name)
    walker = Symbolic(program, lambda number: loop_base(program, name, param_types, number))
    params = tuple((f"{p}", SORTS[t]) for p, t in zip(definition.params, param_types))
    env = {p: SV(t, sym(p, SORTS[t])) for p, t in zip(definition.params, param_types)}
    body = walker.eval(definition.body, env, 1, (name,))
    args = [sym(p, s) for p, s in params]
    ok = app(f"{base}.ok", args, BOOL)
    cost = app(f"{base}.cost", args, INT)
    equations = [Eq(ok, body.ok), Eq(cost, Add(int_(COST_CALL), body.cost))]
    values: list[Term] = []
    if body.value is None:
        shape = "trap"
    elif body.value.kind in SCALARS:
        shape = body.value.kind
        values = [app(f"{base}.val", args, SORTS[shape])]
        equations.append(Eq(values[0], body.value.term))  # type: ignore[arg-type]
    elif body.value.kind == "list" and all(item.kind in SCALARS for item in body.value.items):
        shape = f"list:{len(body.value.items)}"
        for j, item in enumerate(body.value.items):
            values.append(app(f"{base}.val.{j}", args, SORTS[item.kind]))
            equations.append(Eq(values[-1], item.term))  # type: ignore[arg-type]
    else:
        raise Unsupported(f"{name} returns a {body.value.kind}; results must be scalars or lists of scalars")
    statement = And(forall(params, And(*equations)), *walker.loop_definitions)
    return FunctionSemantics(name, params, ok, tuple(values), cost, shape, statement,
                             frozenset(walker.primitives_used))


__all__ = ["define_function", "FunctionSemantics", "Unsupported", "SV", "program_prefix", "function_base", "loop_base",
           "symbol_base", "is_loop_symbol", "read"]
