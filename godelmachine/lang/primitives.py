"""The primitive table: the single source of truth for every primitive of the machine language.

Each entry says, in one place:

- `params`, `result`: the argument and result types (`int`, `word`, `bool`, `symbol`, `list`,
  `atom`, `any`, `program`, `procedure`); a wrong argument type traps with `type-error`;
- `cost`: the steps it takes (plus `cost_fn` of the arguments for the few that walk a list);
- `impl`: what it does, in Python, on checked arguments; it raises `Trap` to trap;
- `smt`, `smt_ok`: the same meaning as SMT-LIB terms over the arguments `a`, `b`, `c`: its
  value, and the condition under which it does *not* trap. The hardware axioms and the
  symbolic semantics (`godelmachine/logic/`) are generated from these strings;
- `py`, `py_pre`, `py_post`: the same meaning as a Python expression for the compiled fast
  path, on unboxed values (a word is its bits; other values are as they are), with the
  conditions that must hold before and after (`{r}` is the result); `py_pre` must check the
  type of every `list` argument. Any failure there makes the fast path hand over to the
  reference evaluator, which then reports the precise trap.

Tests check, primitive by primitive, that `impl`, `smt` and `py` agree on random arguments.
The interpreter's step count follows from this table and the special-form costs in
`godelmachine/lang/syntax.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from godelmachine.lang.values import (
    INT_MAX,
    INT_MIN,
    NIL,
    WORD_BITS,
    Nil,
    Pair,
    Procedure,
    Trap,
    Word,
    make_list,
    value_size,
    values_equal,
)

TYPES = ("int", "word", "bool", "symbol", "list", "atom", "any", "program", "procedure")
UNBOXED_TYPES = ("int", "word", "bool")  # types whose compiled form is a plain Python value


class ProgramValue:
    """Marker base class of `godelmachine.lang.program.Program` (so this table needs no import)."""

    __slots__ = ()


def has_type(value: Any, type_name: str) -> bool:
    t = type(value)
    if type_name == "any":
        return True
    if type_name == "int":
        return t is int
    if type_name == "word":
        return t is Word
    if type_name == "bool":
        return t is bool
    if type_name == "symbol":
        return t is str
    if type_name == "list":
        return t is Pair or t is Nil
    if type_name == "atom":
        return t is int or t is bool or t is Word or t is str
    if type_name == "procedure":
        return isinstance(value, Procedure)
    if type_name == "program":
        return isinstance(value, ProgramValue)
    raise ValueError(f"unknown type {type_name!r}")


@dataclass(frozen=True)
class Primitive:
    name: str
    params: tuple[str, ...]
    result: str
    cost: int
    impl: Callable[..., Any]
    doc: str
    cost_fn: Callable[..., int] | None = None
    cost_doc: str = ""
    smt: str | None = None
    smt_ok: str = "true"
    py: str | None = None
    py_pre: str | None = None
    py_post: str | None = None
    variadic: bool = False
    context: bool = False

    @property
    def arity(self) -> int | None:
        return None if self.variadic else len(self.params)

    def accepts(self, nargs: int) -> bool:
        return self.variadic or nargs == len(self.params)

    def param_type(self, i: int) -> str:
        return self.params[0] if self.variadic else self.params[i]

    def describe_cost(self) -> str:
        return f"{self.cost}" + (f" + {self.cost_doc}" if self.cost_doc else "")


@dataclass(frozen=True)
class PrimitiveTable(Mapping[str, Primitive]):
    """An immutable name -> Primitive mapping; `extend` hands extra primitives to a program."""

    entries: Mapping[str, Primitive] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Primitive:
        return self.entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __hash__(self) -> int:
        return hash(tuple(self.entries))

    def extend(self, extra: Iterable[Primitive]) -> "PrimitiveTable":
        entries = dict(self.entries)
        for prim in extra:
            if prim.name in entries:
                raise ValueError(f"primitive {prim.name!r} is defined twice")
            entries[prim.name] = prim
        return PrimitiveTable(entries)


# --- helpers shared by the implementations ---------------------------------------------

INT_RANGE_PY = f"{INT_MIN} <= {{r}} <= {INT_MAX}"


def int_range_smt(term: str) -> str:
    return f"(and (<= (- {-INT_MIN}) {term}) (<= {term} {INT_MAX}))"


def checked_int(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    raise Trap("int-overflow", f"integer result {value} is outside [{INT_MIN}, {INT_MAX}]")


def euclid_quotient(a: int, b: int) -> int:
    """SMT-LIB's `div` for b != 0: the q with a = b*q + r and 0 <= r < |b|."""
    return a // b if b > 0 else -(a // -b)


def euclid_div(a: int, b: int) -> int:
    if b == 0:
        raise Trap("division-by-zero", "division by zero")
    return checked_int(euclid_quotient(a, b))


def euclid_mod(a: int, b: int) -> int:
    if b == 0:
        raise Trap("division-by-zero", "division by zero")
    return a % abs(b)


def shift_amount(k: int) -> int:
    if 0 <= k < WORD_BITS:
        return k
    raise Trap("shift-range", f"shift amount {k} is outside [0, {WORD_BITS - 1}]")


def _signed(bits: int) -> int:
    return bits - (1 << WORD_BITS) if bits >> (WORD_BITS - 1) else bits


def _atom_equal(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        raise Trap("type-error", f"= compares values of one type, got {type(a).__name__} and {type(b).__name__}")
    return a == b


def _car(xs: Pair | Nil) -> Any:
    if type(xs) is Nil:
        raise Trap("empty-list", "car of the empty list")
    return xs.head


def _cdr(xs: Pair | Nil) -> Pair | Nil:
    if type(xs) is Nil:
        raise Trap("empty-list", "cdr of the empty list")
    return xs.tail


def _nth(xs: Pair | Nil, i: int) -> Any:
    if not 0 <= i < xs.length:
        raise Trap("index-range", f"index {i} is outside a list of length {xs.length}")
    cell: Any = xs
    for _ in range(i):
        cell = cell.tail
    return cell.head


def _append(xs: Pair | Nil, ys: Pair | Nil) -> Pair | Nil:
    result = ys
    for item in reversed(list(xs)):
        result = Pair(item, result)
    return result


def _reverse(xs: Pair | Nil) -> Pair | Nil:
    result: Pair | Nil = NIL
    for item in xs:
        result = Pair(item, result)
    return result


def _word_sint(w: Word) -> int:
    return _signed(w.bits)


W = "& 0xFFFFFFFF"
LIST_PY = "(type({{{0}}}) is _Pair or type({{{0}}}) is _Nil)"  # the compiled type test of a list argument
SIGN = "0x80000000"


def _int2(name: str, op: str, fn: Callable[[int, int], int], doc: str, smt: str | None = None) -> Primitive:
    term = smt or f"({op} a b)"
    return Primitive(
        name, ("int", "int"), "int", 1, lambda a, b: checked_int(fn(a, b)), doc,
        smt=term, smt_ok=int_range_smt(term), py=f"({{0}} {op} {{1}})", py_post=INT_RANGE_PY,
    )


def _cmp(name: str, op: str, smt_op: str) -> Primitive:
    fn = {"<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__}[op]
    return Primitive(
        name, ("int", "int"), "bool", 1, lambda a, b: fn(a, b), f"integer comparison a {op} b",
        smt=f"({smt_op} a b)", py=f"({{0}} {op} {{1}})",
    )


def _word2(name: str, smt_op: str, py: str, fn: Callable[[int, int], int], doc: str) -> Primitive:
    return Primitive(
        name, ("word", "word"), "word", 1, lambda a, b: Word(fn(a.bits, b.bits)), doc,
        smt=f"({smt_op} a b)", py=py,
    )


def _wcmp(name: str, smt_op: str, py: str, fn: Callable[[int, int], bool], doc: str) -> Primitive:
    return Primitive(
        name, ("word", "word"), "bool", 1, lambda a, b: fn(a.bits, b.bits), doc,
        smt=f"({smt_op} a b)", py=py,
    )


def _shift(name: str, smt_op: str, py: str, fn: Callable[[int, int], int], doc: str) -> Primitive:
    return Primitive(
        name, ("word", "int"), "word", 1, lambda a, k: Word(fn(a.bits, shift_amount(k))), doc,
        smt=f"({smt_op} a ((_ int2bv 32) b))", smt_ok="(and (<= 0 b) (<= b 31))",
        py=py, py_pre="0 <= {1} <= 31",
    )


def _is(name: str, type_name: str) -> Primitive:
    return Primitive(
        name, ("any",), "bool", 1, lambda v: has_type(v, type_name), f"is the value a {type_name}?"
    )


def _wudiv(a: int, b: int) -> int:
    if b == 0:
        raise Trap("division-by-zero", "word division by zero")
    return a // b


def _wurem(a: int, b: int) -> int:
    if b == 0:
        raise Trap("division-by-zero", "word remainder by zero")
    return a % b


_CORE: list[Primitive] = [
    # integers: exact, trapping outside [INT_MIN, INT_MAX]
    _int2("+", "+", int.__add__, "integer sum"),
    _int2("-", "-", int.__sub__, "integer difference"),
    _int2("*", "*", int.__mul__, "integer product"),
    Primitive(
        "div", ("int", "int"), "int", 1, euclid_div,
        "Euclidean quotient (SMT-LIB div): a = b*q + r with 0 <= r < |b|; traps on b = 0",
        smt="(div a b)", smt_ok=f"(and (not (= b 0)) {int_range_smt('(div a b)')})",
        py="_ediv({0}, {1})", py_pre="{1} != 0", py_post=INT_RANGE_PY,
    ),
    Primitive(
        "mod", ("int", "int"), "int", 1, euclid_mod,
        "Euclidean remainder (SMT-LIB mod), in [0, |b|); traps on b = 0",
        smt="(mod a b)", smt_ok="(not (= b 0))", py="({0} % abs({1}))", py_pre="{1} != 0",
    ),
    Primitive(
        "neg", ("int",), "int", 1, lambda a: checked_int(-a), "integer negation",
        smt="(- a)", smt_ok=int_range_smt("(- a)"), py="(-{0})", py_post=INT_RANGE_PY,
    ),
    Primitive(
        "abs", ("int",), "int", 1, lambda a: checked_int(abs(a)), "absolute value",
        smt="(ite (< a 0) (- a) a)", smt_ok=int_range_smt("(ite (< a 0) (- a) a)"),
        py="abs({0})", py_post=INT_RANGE_PY,
    ),
    Primitive("min", ("int", "int"), "int", 1, min, "the smaller integer", smt="(ite (<= a b) a b)", py="min({0}, {1})"),
    Primitive("max", ("int", "int"), "int", 1, max, "the larger integer", smt="(ite (>= a b) a b)", py="max({0}, {1})"),
    _cmp("<", "<", "<"),
    _cmp("<=", "<=", "<="),
    _cmp(">", ">", ">"),
    _cmp(">=", ">=", ">="),
    Primitive(
        "=", ("atom", "atom"), "bool", 1, _atom_equal,
        "equality of two atoms of one type (int, word, bool or symbol); traps on mixed types",
        smt="(= a b)", py="({0} == {1})",
    ),
    Primitive("not", ("bool",), "bool", 1, lambda a: not a, "boolean negation", smt="(not a)", py="(not {0})"),
    # 32-bit words: arithmetic wraps modulo 2^32
    _word2("w+", "bvadd", f"(({{0}} + {{1}}) {W})", lambda a, b: a + b, "word sum, wrapping"),
    _word2("w-", "bvsub", f"(({{0}} - {{1}}) {W})", lambda a, b: a - b, "word difference, wrapping"),
    _word2("w*", "bvmul", f"(({{0}} * {{1}}) {W})", lambda a, b: a * b, "word product, wrapping"),
    _word2("wand", "bvand", "({0} & {1})", int.__and__, "bitwise and"),
    _word2("wor", "bvor", "({0} | {1})", int.__or__, "bitwise or"),
    _word2("wxor", "bvxor", "({0} ^ {1})", int.__xor__, "bitwise exclusive or"),
    Primitive(
        "wudiv", ("word", "word"), "word", 1, lambda a, b: Word(_wudiv(a.bits, b.bits)),
        "unsigned word quotient; traps on division by zero",
        smt="(bvudiv a b)", smt_ok="(not (= b #x00000000))", py="({0} // {1})", py_pre="{1} != 0",
    ),
    Primitive(
        "wurem", ("word", "word"), "word", 1, lambda a, b: Word(_wurem(a.bits, b.bits)),
        "unsigned word remainder; traps on division by zero",
        smt="(bvurem a b)", smt_ok="(not (= b #x00000000))", py="({0} % {1})", py_pre="{1} != 0",
    ),
    Primitive("wneg", ("word",), "word", 1, lambda a: Word(-a.bits), "two's complement negation", smt="(bvneg a)", py=f"((-{{0}}) {W})"),
    Primitive("wnot", ("word",), "word", 1, lambda a: Word(~a.bits), "bitwise complement", smt="(bvnot a)", py=f"((~{{0}}) {W})"),
    _shift("wshl", "bvshl", f"(({{0}} << {{1}}) {W})", lambda a, k: a << k, "shift left by k in [0, 31]"),
    _shift("wshr", "bvlshr", "({0} >> {1})", lambda a, k: a >> k, "logical shift right by k in [0, 31]"),
    _shift("wsar", "bvashr", f"((({{0}} - (({{0}} >> 31) << 32)) >> {{1}}) {W})",
           lambda a, k: _signed(a) >> k, "arithmetic shift right by k in [0, 31]"),
    _wcmp("wult", "bvult", "({0} < {1})", int.__lt__, "unsigned a < b"),
    _wcmp("wule", "bvule", "({0} <= {1})", int.__le__, "unsigned a <= b"),
    _wcmp("wslt", "bvslt", f"(({{0}} ^ {SIGN}) < ({{1}} ^ {SIGN}))", lambda a, b: _signed(a) < _signed(b), "signed a < b"),
    _wcmp("wsle", "bvsle", f"(({{0}} ^ {SIGN}) <= ({{1}} ^ {SIGN}))", lambda a, b: _signed(a) <= _signed(b), "signed a <= b"),
    Primitive("word", ("int",), "word", 1, lambda a: Word(a), "the integer modulo 2^32, as a word",
              smt="((_ int2bv 32) a)", py=f"({{0}} {W})"),
    Primitive("word->int", ("word",), "int", 1, lambda a: a.bits, "the word as an unsigned integer",
              smt="(bv2nat a)", py="{0}"),
    Primitive("word->sint", ("word",), "int", 1, _word_sint, "the word as a signed (two's complement) integer",
              smt="(ite (bvslt a #x00000000) (- (bv2nat a) 4294967296) (bv2nat a))", py="({0} - (({0} >> 31) << 32))"),
    # lists: immutable, proper
    Primitive("list", ("any",), "list", 1, lambda *xs: make_list(xs), "a list of the arguments",
              variadic=True, cost_fn=lambda *xs: len(xs), cost_doc="one per element"),
    Primitive("cons", ("any", "list"), "list", 1, Pair, "a list with one more element in front",
              py="_Pair({0}, {1})", py_pre=f"{LIST_PY.format(1)}"),
    Primitive("car", ("list",), "any", 1, _car, "the first element; traps on the empty list",
              py="{0}.head", py_pre="type({0}) is _Pair"),
    Primitive("cdr", ("list",), "list", 1, _cdr, "all but the first element; traps on the empty list",
              py="{0}.tail", py_pre="type({0}) is _Pair"),
    Primitive("null?", ("any",), "bool", 1, lambda v: type(v) is Nil, "is the value the empty list?",
              py="(type({0}) is _Nil)"),
    Primitive("pair?", ("any",), "bool", 1, lambda v: type(v) is Pair, "is the value a non-empty list?",
              py="(type({0}) is _Pair)"),
    Primitive("length", ("list",), "int", 1, lambda xs: xs.length, "the number of elements",
              py="{0}.length", py_pre=LIST_PY.format(0)),
    Primitive("nth", ("list", "int"), "any", 1, _nth, "the element at index i (from 0); traps outside",
              cost_fn=lambda xs, i: max(0, min(i, xs.length)), cost_doc="one per element skipped"),
    Primitive("append", ("list", "list"), "list", 1, _append, "the elements of a, then those of b",
              cost_fn=lambda xs, ys: xs.length, cost_doc="one per element of the first list"),
    Primitive("reverse", ("list",), "list", 1, _reverse, "the elements in reverse order",
              cost_fn=lambda xs: xs.length, cost_doc="one per element"),
    Primitive("equal?", ("any", "any"), "bool", 1, values_equal, "structural equality of any two values",
              cost_fn=lambda a, b: min(value_size(a), value_size(b)), cost_doc="the size of the smaller value"),
    _is("int?", "int"),
    _is("word?", "word"),
    _is("bool?", "bool"),
    _is("symbol?", "symbol"),
    _is("list?", "list"),
    _is("procedure?", "procedure"),
    _is("program?", "program"),
    # code is data: reading, building and running code (see godelmachine/lang/program.py)
    Primitive("definitions", (), "list", 1, lambda ctx: make_list(ctx.program.names()),
              "the names of the running program's definitions", context=True),
    Primitive("code-of", ("symbol",), "list", 1, lambda ctx, name: ctx.program.get_code(name),
              "the code of a definition of the running program, as a quoted (define ...) form", context=True),
    Primitive("current-program", (), "program", 1, lambda ctx: ctx.program,
              "the running program as a program value", context=True),
    Primitive("program-names", ("program",), "list", 1, lambda p: make_list(p.names()),
              "the names of a program's definitions", cost_fn=lambda p: len(p.names()), cost_doc="one per definition"),
    Primitive("program-get", ("program", "symbol"), "list", 1, lambda p, name: p.get_code(name),
              "the (define ...) form of a definition; traps with no-such-definition"),
    Primitive("program-set", ("program", "list"), "program", 1, lambda p, code: p.set_code(code),
              "a new program whose definition of the same name is replaced; traps with ill-formed-code",
              cost_fn=lambda p, code: value_size(code), cost_doc="the size of the code"),
    Primitive("program-add", ("program", "list"), "program", 1, lambda p, code: p.add_code(code),
              "a new program with one more definition; traps with ill-formed-code",
              cost_fn=lambda p, code: value_size(code), cost_doc="the size of the code"),
    Primitive("eval-bounded", ("any", "int"), "list", 1, lambda ctx, code, budget: ctx.eval_nested(code, budget),
              "evaluate built code in the running program under its own budget: "
              "(value V steps), (trap reason steps), (out-of-steps steps) or (ill-formed message)",
              cost_fn=lambda code, budget: value_size(code), cost_doc="the size of the code, then the nested run's steps",
              context=True),
    Primitive("run-bounded", ("program", "symbol", "list", "int"), "list", 1,
              lambda ctx, p, name, args, budget: ctx.run_nested(p, name, args, budget),
              "call a definition of a program value under its own budget; result as for eval-bounded",
              cost_doc="the nested run's steps", context=True),
]

BASE = PrimitiveTable({p.name: p for p in _CORE})
