"""Hacker's Delight P1 to P25 as SyGuS-IF 2.1 problems: `benchmarks/sygus/pNN.sl`.

Run from the repository root: `python -m benchmarks.sygus.make` writes the 25 files,
`python -m benchmarks.sygus.make --check` only compares them with what it would write (exit
status 1 if one differs or is missing).

Each file's reference function `spec` is the naive specification that the P-task starts from:
the `spec` definition of the `(reward exact ...)` section of `benchmarks/hackers_delight/pNN.task`
(not the loop-free program of its `; loop-free:` line), read with the project's own task loader
and partially evaluated here into one SMT-LIB term:

- everything that does not depend on the instance is computed in Python with the machine's
  own semantics (the primitive table's `impl`): loop indices, integer arithmetic on them, bit
  masks such as `(wshl #x1 (- 31 i))`, tests on them; a `for` loop is unrolled, and each
  iteration's accumulator is bound by a `let` (`r_5`: r after the iteration i = 5), so the term
  stays linear in the size of the specification; a value used several times is let-bound too;
- the instance variables stay symbolic, as 32-bit vectors, and so does what depends on them:
  word operations become the bit-vector operations the primitive table maps them to (a shift
  by a computed amount is a shift by a literal, `(bvshl x #x00000003)`);
- an integer that depends on the instance (the index of a bit found by a loop, a count of
  bits, `word->int`) is carried with an interval of the values it can take, and written as a
  32-bit vector when that is exact: its arithmetic modulo 2^32 is then the integers', and a
  comparison is `bvult` (or `bvslt`) when both sides lie in [0, 2^32) (or [-2^31, 2^31)).
  Only where the interval does not allow that (P14 and P15: the sum of two words needs 33
  bits) is the integer written in Int, with `bv2nat` and `(_ int2bv 32)`, and the logic ALL.
  Two exact rewrites help: a comparison with an integer that is one of two constants by a
  test is split on the test (P17, P20: `(> zero t)`), and `s + c <= d` with constants c and d
  becomes `s <= d - c` (P19: `(<= (+ i k) 31)`, with k up to 2^32 - 1). In the branch of an
  `if` whose test bounds an integer, that integer's interval is narrowed (P19: the shift by
  `(+ i k)` happens only where the test has shown it below 32).

The partial evaluation refuses (ValueError) anything it cannot keep exact: a shift whose amount
may leave [0, 31], a division by a word that may be 0, an integer that may overflow the
machine's range; so what it writes never differs from the specification, which never traps on
these inputs. A helper definition called with symbolic words (P10 to P12: `leading-zeros`) is
written as its own `define-fun`. Synth-fun parameters are all `(_ BitVec 32)`: P19's `k`,
an `int` in the task, is the unsigned value of a 32-bit vector here (a comment in p19.sl says
so). tests/test_sygus_suite.py checks that the files are what this script writes and that Z3's
value of each reference equals the interpreter's value of the task's `spec` on 300 inputs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks import hackers_delight as suite
from godelmachine import load_task
from godelmachine.lang.primitives import BASE
from godelmachine.lang.syntax import Call, For, If, Let, Lit, PrimCall, Var
from godelmachine.lang.values import INT_MAX, INT_MIN, WORD_MASK, Trap, Word

HERE = Path(__file__).resolve().parent
BV = "(_ BitVec 32)"
SIGNED = (-(2**31), 2**31 - 1)
UNSIGNED = (0, WORD_MASK)
NAME_THRESHOLD = 5  # a term used more than once is let-bound when it has more nodes (leaves included) than this
RESERVED = frozenset({"let", "ite", "and", "or", "not", "true", "false", "_", "!", "as", "forall", "exists",
                      "par", "f", "spec", "Start", "StartBool", "StartBv", "Constant", "Variable"})


# --- terms: a hash-consed DAG of SMT-LIB applications ------------------------------------


class Node:
    """An SMT-LIB term: `op` applied to `args`, or a leaf (`args` empty, `op` its text)."""

    __slots__ = ("op", "args", "sort")

    def __init__(self, op: str, args: tuple["Node", ...], sort: str) -> None:
        self.op, self.args, self.sort = op, args, sort

    @property
    def leaf(self) -> bool:
        return not self.args

    def __repr__(self) -> str:
        return flat(self)


class Terms:
    """The interning table: equal terms are one node, so shared values are found by identity."""

    def __init__(self) -> None:
        self.table: dict[tuple[Any, ...], Node] = {}

    def mk(self, op: str, sort: str, *args: Node) -> Node:
        key = (op, sort, tuple(id(a) for a in args))
        node = self.table.get(key)
        if node is None:
            node = self.table[key] = Node(op, args, sort)
        return node

    def var(self, name: str, sort: str) -> Node:
        return self.mk(name, sort)

    def bv_lit(self, bits: int) -> Node:
        return self.mk(f"#x{bits & WORD_MASK:08x}", "bv")

    def int_lit(self, value: int) -> Node:
        return self.mk(str(value) if value >= 0 else f"(- {-value})", "int")

    def bool_lit(self, value: bool) -> Node:
        return self.mk("true" if value else "false", "bool")


def flat(node: Node) -> str:
    return node.op if node.leaf else f"({node.op} {' '.join(flat(a) for a in node.args)})"


def literal_bits(node: Node) -> int | None:
    return int(node.op[2:], 16) if node.leaf and node.op.startswith("#x") else None


@dataclass(frozen=True)
class IntSym:
    """An integer that depends on the instance: `bv` is it modulo 2^32, `it` is it in Int; it
    lies in [lo, hi]. `cases` (test, a, b): it is the constant a if test, else b. `offset`
    (base, c): it is base + c for a constant c."""

    bv: Node
    it: Node
    lo: int
    hi: int
    cases: tuple[Node, int, int] | None = None
    offset: tuple["IntSym", int] | None = None


Value = Any  # int | bool | Word | Node (sort bv or bool) | IntSym | tuple (a list)


def kind(v: Value) -> str:
    if isinstance(v, bool) or (isinstance(v, Node) and v.sort == "bool"):
        return "bool"
    if isinstance(v, Word) or (isinstance(v, Node) and v.sort == "bv"):
        return "word"
    if isinstance(v, (int, IntSym)):
        return "int"
    if isinstance(v, tuple):
        return "list"
    raise ValueError(f"unsupported value {v!r}")


def within(v: IntSym | int, bounds: tuple[int, int]) -> bool:
    lo, hi = (v, v) if isinstance(v, int) else (v.lo, v.hi)
    return bounds[0] <= lo and hi <= bounds[1]


# --- the partial evaluator -------------------------------------------------------------


class Unroller:
    def __init__(self, program: Any, terms: Terms) -> None:
        self.program = program
        self.t = terms
        self.suffix = ""
        self.hints: dict[int, tuple[int, str]] = {}  # id(node) -> (priority, name)
        self.facts: dict[int, list[tuple[int, int, int]]] = {}  # id(test) -> [(id(an IntSym's it), lo, hi)]: true if the test is
        self.helpers: dict[str, Any] = {}  # name -> (params, sort, body, interval or None), or None: inlined

    # names for let-bound terms
    def hint(self, value: Value, name: str, priority: int) -> None:
        if isinstance(value, tuple):
            for k, item in enumerate(value):
                self.hint(item, f"{name}_{k}", priority)
            return
        node = value.bv if isinstance(value, IntSym) else value
        if isinstance(node, Node) and not node.leaf:
            old = self.hints.get(id(node))
            if old is None or priority > old[0]:
                self.hints[id(node)] = (priority, name)

    # lifting constants into terms
    def word(self, v: Value) -> Node:
        if isinstance(v, Word):
            return self.t.bv_lit(v.bits)
        if isinstance(v, Node) and v.sort == "bv":
            return v
        raise ValueError(f"expected a word, got {v!r}")

    def boolean(self, v: Value) -> Node:
        if isinstance(v, bool):
            return self.t.bool_lit(v)
        if isinstance(v, Node) and v.sort == "bool":
            return v
        raise ValueError(f"expected a boolean, got {v!r}")

    def integer(self, v: Value) -> IntSym:
        if isinstance(v, IntSym):
            return v
        if isinstance(v, int) and not isinstance(v, bool):
            return IntSym(self.t.bv_lit(v), self.t.int_lit(v), v, v)
        raise ValueError(f"expected an integer, got {v!r}")

    # evaluation
    def eval(self, e: Any, env: dict[str, Value]) -> Value:
        kind = type(e)
        if kind is Lit:
            if isinstance(e.value, (bool, int, Word)):
                return e.value
            raise ValueError(f"unsupported literal {e.value!r}")
        if kind is Var:
            return env[e.name]
        if kind is Let:
            value = self.eval(e.value, env)
            self.hint(value, e.name + self.suffix, 1)
            return self.eval(e.body, {**env, e.name: value})
        if kind is If:
            test = self.eval(e.test, env)
            if isinstance(test, bool):
                return self.eval(e.then if test else e.other, env)
            then = self.eval(e.then, self.refine(env, self.facts.get(id(test), [])))
            return self.ite(test, then, self.eval(e.other, env))
        if kind is For:
            lo, hi = self.eval(e.lo, env), self.eval(e.hi, env)
            if not (isinstance(lo, int) and isinstance(hi, int)):
                raise ValueError("a loop's bounds depend on the instance")
            acc = self.eval(e.init, env)
            outer = self.suffix
            for i in range(lo, hi + 1):
                self.suffix = f"{outer}_{i}"
                acc = self.eval(e.body, {**env, e.var: i, e.acc: acc})
                self.hint(acc, f"{e.acc}{self.suffix}", 2)
            self.suffix = outer
            return acc
        if kind is PrimCall:
            return self.prim(e.prim.name, [self.eval(a, env) for a in e.args])
        if kind is Call:
            return self.call(e.name, [self.eval(a, env) for a in e.args])
        raise ValueError(f"unsupported form {kind.__name__}")

    def call(self, name: str, args: list[Value]) -> Value:
        definition = self.program.lookup(name)
        if args and all(isinstance(a, Node) and a.sort == "bv" for a in args):
            helper = self.helper(name)
            if helper is not None:
                params, sort, body, interval = helper
                node = self.t.mk(name, sort, *args)
                if interval is None:
                    return node
                return IntSym(node, self.t.mk("bv2nat", "int", node), *interval)
        return self.eval(definition.body, dict(zip(definition.params, args)))

    def helper(self, name: str) -> Any:
        """The definition as its own define-fun of words, or None if its value is not one."""
        if name not in self.helpers:
            definition = self.program.lookup(name)
            outer, self.suffix = self.suffix, ""
            try:
                value = self.eval(definition.body, {p: self.t.var(p, "bv") for p in definition.params})
            except ValueError:
                value = None  # not a function of words: inlined at each call
            finally:
                self.suffix = outer
            if isinstance(value, Node):
                self.helpers[name] = (definition.params, value.sort, value, None)
            elif isinstance(value, IntSym) and within(value, UNSIGNED):
                self.helpers[name] = (definition.params, "bv", value.bv, (value.lo, value.hi))
            else:
                self.helpers[name] = None
        return self.helpers[name]

    def refine(self, env: dict[str, Value], facts: list[tuple[int, int, int]]) -> dict[str, Value]:
        if not facts:
            return env

        def narrow(v: Value) -> Value:
            if isinstance(v, tuple):
                return tuple(narrow(x) for x in v)
            if isinstance(v, IntSym):
                for key, lo, hi in facts:
                    if key == id(v.it) and max(lo, v.lo) <= min(hi, v.hi):
                        v = replace(v, lo=max(lo, v.lo), hi=min(hi, v.hi))
            return v

        return {name: narrow(v) for name, v in env.items()}

    # if-then-else on a symbolic test
    def ite(self, c: Node, a: Value, b: Value) -> Value:
        if isinstance(a, tuple) or isinstance(b, tuple):
            if not (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)):
                raise ValueError("the branches give lists of different shapes")
            return tuple(self.ite(c, x, y) for x, y in zip(a, b))
        ka, kb = kind(a), kind(b)
        if ka != kb:
            raise ValueError(f"the branches give values of different types: {a!r}, {b!r}")
        if ka == "bool":
            return self.ite_bool(c, a, b)
        if ka == "word":
            x, y = self.word(a), self.word(b)
            return x if x is y else self.t.mk("ite", "bv", c, x, y)
        if isinstance(a, int) and isinstance(b, int) and a == b:
            return a
        x, y = self.integer(a), self.integer(b)
        cases = (c, a, b) if isinstance(a, int) and isinstance(b, int) else None
        return IntSym(self.t.mk("ite", "bv", c, x.bv, y.bv), self.t.mk("ite", "int", c, x.it, y.it),
                      min(x.lo, y.lo), max(x.hi, y.hi), cases=cases)

    def ite_bool(self, c: Node, a: Value, b: Value) -> Value:
        if a is b or (isinstance(a, bool) and a == b):
            return a
        if a is True and b is False:
            return c
        if a is False and b is True:
            return self.not_(c)
        if b is False:
            return self.and_(c, a)
        if a is True:
            return self.or_(c, b)
        if a is False:
            return self.and_(self.not_(c), b)
        if b is True:
            return self.or_(self.not_(c), a)
        return self.t.mk("ite", "bool", c, a, b)

    def not_(self, c: Value) -> Value:
        if isinstance(c, bool):
            return not c
        return c.args[0] if c.op == "not" else self.t.mk("not", "bool", c)

    def and_(self, a: Node, b: Node) -> Node:
        node = self.t.mk("and", "bool", a, b)
        self.facts[id(node)] = self.facts.get(id(a), []) + self.facts.get(id(b), [])
        return node

    def or_(self, a: Node, b: Node) -> Node:
        return self.t.mk("or", "bool", a, b)

    # the primitives
    def prim(self, name: str, args: list[Value]) -> Value:
        p = BASE[name]
        if all(isinstance(a, (bool, int, Word)) for a in args) and name != "list":
            try:
                return p.impl(*args)  # constants: the machine's own semantics
            except Trap as trap:
                raise ValueError(f"{name} traps on {args!r}: {trap}") from None
        if name in WORD2:
            return self.word2(WORD2[name], args[0], args[1])
        if name in ("wnot", "wneg"):
            return self.t.mk("bvnot" if name == "wnot" else "bvneg", "bv", self.word(args[0]))
        if name in ("wudiv", "wurem"):
            if not (isinstance(args[1], Word) and args[1].bits != 0):
                raise ValueError(f"{name} by a word that may be 0")
            return self.t.mk("bvudiv" if name == "wudiv" else "bvurem", "bv", self.word(args[0]), self.word(args[1]))
        if name in SHIFTS:
            return self.shift(SHIFTS[name], args[0], args[1])
        if name in WCMP:
            return self.wcmp(WCMP[name], args[0], args[1])
        if name == "=":
            return self.equal(args[0], args[1])
        if name == "not":
            return self.not_(args[0])
        if name in ("+", "-", "*"):
            return self.arith(name, self.integer(args[0]), self.integer(args[1]), args)
        if name in ("div", "mod"):
            return self.divide(name, self.integer(args[0]), args[1])
        if name in ("<", "<=", ">", ">="):
            return self.compare(name, args[0], args[1])
        if name == "word":
            return self.integer(args[0]).bv
        if name == "word->int":
            node = self.word(args[0])
            return IntSym(node, self.t.mk("bv2nat", "int", node), 0, upper_bound(node))
        if name == "list":
            return tuple(args)
        if name in ("car", "cdr"):
            if not (isinstance(args[0], tuple) and args[0]):
                raise ValueError(f"{name} of {args[0]!r}")
            return args[0][0] if name == "car" else args[0][1:]
        raise ValueError(f"primitive {name} on an instance-dependent value is not supported")

    def word2(self, op: str, a: Value, b: Value) -> Node:
        x, y = self.word(a), self.word(b)
        bx, by = literal_bits(x), literal_bits(y)
        if op in ("bvor", "bvxor", "bvadd"):
            if bx == 0:
                return y
            if by == 0:
                return x
        if op == "bvsub" and by == 0:
            return x
        if op == "bvand":
            if WORD_MASK in (bx, by):
                return y if bx == WORD_MASK else x
            if 0 in (bx, by):
                return self.t.bv_lit(0)
        return self.t.mk(op, "bv", x, y)

    def shift(self, op: str, a: Value, k: Value) -> Value:
        if isinstance(k, int):
            if not 0 <= k <= 31:
                raise ValueError(f"a shift by {k}")
            return self.word(a) if k == 0 else self.t.mk(op, "bv", self.word(a), self.t.bv_lit(k))
        k = self.integer(k)
        if not within(k, (0, 31)):
            raise ValueError(f"a shift by an amount in [{k.lo}, {k.hi}], not within [0, 31]")
        return self.t.mk(op, "bv", self.word(a), k.bv)

    def wcmp(self, op: str, a: Value, b: Value) -> Value:
        x, y = self.word(a), self.word(b)
        if op == "bvult" and literal_bits(y) == 0:
            return False  # nothing is below 0
        if op == "bvule" and literal_bits(x) == 0:
            return True
        return self.t.mk(op, "bool", x, y)

    def equal(self, a: Value, b: Value) -> Value:
        ka, kb = kind(a), kind(b)
        if ka != kb:
            raise ValueError(f"= of values of different types: {a!r}, {b!r}")
        if ka == "word":
            return self.t.mk("=", "bool", self.word(a), self.word(b))
        if ka == "bool":
            if isinstance(b, bool):
                a, b = b, a
            if isinstance(a, bool):
                return b if a else self.not_(b)
            return self.t.mk("=", "bool", a, b)
        return self.compare("=", a, b)

    def arith(self, op: str, x: IntSym, y: IntSym, raw: list[Value]) -> IntSym:
        if op in ("+", "-") and isinstance(raw[1], int) and raw[1] == 0:
            return x
        if op == "+" and isinstance(raw[0], int) and raw[0] == 0:
            return y
        bvop = {"+": "bvadd", "-": "bvsub", "*": "bvmul"}[op]
        if op == "*":
            corners = [x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi]
            lo, hi = min(corners), max(corners)
        elif op == "+":
            lo, hi = x.lo + y.lo, x.hi + y.hi
        else:
            lo, hi = x.lo - y.hi, x.hi - y.lo
        if lo < INT_MIN or hi > INT_MAX:
            raise ValueError(f"an integer {op} that may overflow: [{lo}, {hi}]")
        offset = None
        if op in ("+", "-") and isinstance(raw[1], int):
            c = raw[1] if op == "+" else -raw[1]
            offset = (x.offset[0], x.offset[1] + c) if x.offset else (x, c)
        elif op == "+" and isinstance(raw[0], int):
            offset = (y.offset[0], y.offset[1] + raw[0]) if y.offset else (y, raw[0])
        return IntSym(self.word2(bvop, x.bv, y.bv), self.t.mk(op, "int", x.it, y.it), lo, hi, offset=offset)

    def divide(self, op: str, x: IntSym, d: Value) -> IntSym:
        if not (isinstance(d, int) and d > 0):
            raise ValueError(f"{op} by an instance-dependent or non-positive divisor")
        it = self.t.mk(op, "int", x.it, self.t.int_lit(d))
        lo, hi = (x.lo // d, x.hi // d) if op == "div" else (0, d - 1)
        return IntSym(self.t.mk("(_ int2bv 32)", "bv", it), it, lo, hi)

    def compare(self, op: str, a: Value, b: Value) -> Value:
        """An integer comparison (op one of = < <= > >=), exact, in bit vectors where it can be."""
        if isinstance(a, int) and isinstance(b, int):
            return BASE[op].impl(a, b)
        x, y = self.integer(a), self.integer(b)
        # decided by the intervals
        decided = {"<": (x.hi < y.lo, x.lo >= y.hi), "<=": (x.hi <= y.lo, x.lo > y.hi),
                   ">": (x.lo > y.hi, x.hi <= y.lo), ">=": (x.lo >= y.hi, x.hi < y.lo),
                   "=": (x.lo == x.hi == y.lo == y.hi, x.hi < y.lo or y.hi < x.lo)}[op]
        if decided[0]:
            return True
        if decided[1]:
            return False
        # one of two constants by a test: compare each, when that decides one of them
        for cases, compare_with in ((x.cases, lambda v: self.compare(op, v, b)), (y.cases, lambda v: self.compare(op, a, v))):
            if cases is not None:
                test, p, q = cases
                first, second = compare_with(p), compare_with(q)
                if isinstance(first, bool) or isinstance(second, bool):
                    return self.ite_bool(test, first, second)
        for bounds, ops in ((UNSIGNED, UNSIGNED_OPS), (SIGNED, SIGNED_OPS)):
            if within(x, bounds) and within(y, bounds):
                node = self.t.mk(ops[op], "bool", x.bv, y.bv)
                for v, w, rel in ((a, b, op), (b, a, MIRROR[op])):
                    if isinstance(v, IntSym) and isinstance(w, int):
                        self.facts.setdefault(id(node), []).append((id(v.it), *bounds_of(rel, w)))
                return node
        # base + c compared with a constant d: base compared with d - c
        if isinstance(b, int) and x.offset is not None:
            return self.compare(op, x.offset[0], b - x.offset[1])
        if isinstance(a, int) and y.offset is not None:
            return self.compare(op, a - y.offset[1], y.offset[0])
        return self.t.mk(op, "bool", x.it, y.it)


WORD2 = {"w+": "bvadd", "w-": "bvsub", "w*": "bvmul", "wand": "bvand", "wor": "bvor", "wxor": "bvxor"}
SHIFTS = {"wshl": "bvshl", "wshr": "bvlshr", "wsar": "bvashr"}
WCMP = {"wult": "bvult", "wule": "bvule", "wslt": "bvslt", "wsle": "bvsle"}
UNSIGNED_OPS = {"=": "=", "<": "bvult", "<=": "bvule", ">": "bvugt", ">=": "bvuge"}
SIGNED_OPS = {"=": "=", "<": "bvslt", "<=": "bvsle", ">": "bvsgt", ">=": "bvsge"}
MIRROR = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def bounds_of(op: str, d: int) -> tuple[int, int]:
    """The values v with v op d, as an interval (what the then-branch of the test knows)."""
    return {"=": (d, d), "<": (INT_MIN, d - 1), "<=": (INT_MIN, d), ">": (d + 1, INT_MAX), ">=": (d, INT_MAX)}[op]


def upper_bound(node: Node) -> int:
    """An upper bound of a word term read as unsigned (for word->int's interval)."""
    bits = literal_bits(node)
    if bits is not None:
        return bits
    if node.op == "bvand":
        return min(upper_bound(a) for a in node.args)
    if node.op == "bvlshr" and literal_bits(node.args[1]) is not None:
        return WORD_MASK >> literal_bits(node.args[1])
    if node.op == "ite":
        return max(upper_bound(a) for a in node.args[1:])
    return WORD_MASK


# --- writing a term with let-bound shared parts ------------------------------------------------


def postorder(root: Node) -> list[Node]:
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args))
    return order


def render_body(root: Node, hints: dict[int, tuple[int, str]], taken: set[str]) -> str:
    order = postorder(root)
    uses: dict[int, int] = {}
    for node in order:
        for a in node.args:
            uses[id(a)] = uses.get(id(a), 0) + 1
    names: dict[int, str] = {}
    size: dict[int, int] = {}
    bindings: list[tuple[str, Node]] = []
    for node in order:
        size[id(node)] = 1 + sum(1 if id(a) in names else size[id(a)] for a in node.args)
        accumulator = hints.get(id(node), (0, ""))[0] >= 2
        if node.leaf or not (accumulator or (uses.get(id(node), 0) > 1 and size[id(node)] > NAME_THRESHOLD)):
            continue
        base = hints.get(id(node), (0, "v"))[1]
        name, n = (base, 1) if base != "v" else ("v1", 1)
        while name in taken or name in RESERVED:
            n += 1
            name = f"{base}_{n}" if base != "v" else f"v{n}"
        taken.add(name)
        names[id(node)] = name
        bindings.append((name, node))

    def text(node: Node, top: bool = False) -> str:
        if id(node) in names and not top:
            return names[id(node)]
        if node.leaf:
            return node.op
        return f"({node.op} {' '.join(text(a) for a in node.args)})"

    lines = [f"  (let (({name} {text(node, top=True)}))" for name, node in bindings]
    body = text(root)
    return "\n".join(lines + [f"  {body}" + ")" * len(bindings)])


def uses_int(roots: list[Node]) -> bool:
    return any(node.sort == "int" or node.op == "(_ int2bv 32)" for root in roots for node in postorder(root))


# --- the problem files ------------------------------------------------------------------------

GRAMMAR_BV = """\
  ((Start (_ BitVec 32)) (StartBool Bool))
  ((Start (_ BitVec 32) ({terminals} #x00000000 #x00000001 #xffffffff (Constant (_ BitVec 32))
      (bvnot Start) (bvneg Start) (bvand Start Start) (bvor Start Start) (bvxor Start Start)
      (bvadd Start Start) (bvsub Start Start) (bvmul Start Start) (bvudiv Start Start) (bvurem Start Start)
      (bvshl Start Start) (bvlshr Start Start) (bvashr Start Start) (ite StartBool Start Start)))
   (StartBool Bool ((= Start Start) (bvult Start Start) (bvule Start Start) (bvslt Start Start) (bvsle Start Start)
      (not StartBool) (and StartBool StartBool) (or StartBool StartBool)))))"""

GRAMMAR_BOOL = """\
  ((Start Bool) (StartBv (_ BitVec 32)))
  ((Start Bool ((= StartBv StartBv) (bvult StartBv StartBv) (bvule StartBv StartBv) (bvslt StartBv StartBv)
      (bvsle StartBv StartBv) (not Start) (and Start Start) (or Start Start)))
   (StartBv (_ BitVec 32) ({terminals} #x00000000 #x00000001 #xffffffff (Constant (_ BitVec 32))
      (bvnot StartBv) (bvneg StartBv) (bvand StartBv StartBv) (bvor StartBv StartBv) (bvxor StartBv StartBv)
      (bvadd StartBv StartBv) (bvsub StartBv StartBv) (bvmul StartBv StartBv) (bvudiv StartBv StartBv)
      (bvurem StartBv StartBv) (bvshl StartBv StartBv) (bvlshr StartBv StartBv) (bvashr StartBv StartBv)
      (ite Start StartBv StartBv)))))"""

SORTS = {"bv": BV, "bool": "Bool"}


def sl_path(number: int) -> Path:
    return HERE / f"p{number:02d}.sl"


def render(number: int) -> str:
    """The text of pNN.sl, from the P-task's specification."""
    path = suite.task_path(number)
    task = load_task(str(path))
    info = suite.header(number)
    program = task.reward_program
    terms = Terms()
    unroller = Unroller(program, terms)
    env: dict[str, Value] = {}
    notes: list[str] = []
    for name, kind in task.variables:
        node = terms.var(name, "bv")
        if kind == "word":
            env[name] = node
        elif kind == "int":
            env[name] = IntSym(node, terms.mk("bv2nat", "int", node), 0, WORD_MASK)
            notes.append(f"; {name} is an int in the task; here it is a 32-bit vector, the task's {name} being its unsigned value.")
        else:
            raise ValueError(f"{path}: instance variable {name} of type {kind}")
    spec = program.lookup("spec")
    if spec.params != tuple(name for name, _ in task.variables):
        raise ValueError(f"{path}: spec's parameters are not the instance variables")
    value = unroller.eval(spec.body, env)
    if isinstance(value, IntSym) or isinstance(value, (bool, int, Word, tuple)):
        raise ValueError(f"{path}: the specification's value is not a word or a boolean term: {value!r}")
    sort = value.sort
    if task.output_types != (("word",) if sort == "bv" else ("bool",)):
        raise ValueError(f"{path}: outputs {task.output_types}, but spec gives {sort}")

    params = [name for name, _ in task.variables]
    funs: list[str] = []
    roots: list[Node] = [value]
    for name, helper in unroller.helpers.items():
        if helper is None or not any(node.op == name for node in postorder(value)):
            continue
        hparams, hsort, body, _ = helper
        roots.append(body)
        signature = " ".join(f"({p} {BV})" for p in hparams)
        funs.append(f"(define-fun {name} ({signature}) {SORTS[hsort]}\n"
                    f"{render_body(body, unroller.hints, set(hparams) | {name})})")
    signature = " ".join(f"({p} {BV})" for p in params)
    funs.append(f"(define-fun spec ({signature}) {SORTS[sort]}\n{render_body(value, unroller.hints, set(params))})")
    logic = "ALL" if uses_int(roots) else "BV"
    grammar = (GRAMMAR_BV if sort == "bv" else GRAMMAR_BOOL).format(terminals=" ".join(params))
    statement = info["statement"] if info["statement"].endswith(".") else info["statement"] + "."
    lines = [
        f"; Hacker's Delight P{number:02d} (Gulwani et al., PLDI 2011): {statement}",
        f"; best-known: {info['best_known']}",
        f"; reference: the naive specification of benchmarks/hackers_delight/{path.name}, unrolled by benchmarks/sygus/make.py",
        *notes,
        f"(set-logic {logic})",
        *funs,
        f"(synth-fun f ({signature}) {SORTS[sort]}\n{grammar}",
        *(f"(declare-var {p} {BV})" for p in params),
        f"(constraint (= (f {' '.join(params)}) (spec {' '.join(params)})))",
        "(check-synth)",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sygus.make", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the files with what would be written; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for number in suite.problems():
        text, path = render(number), sl_path(number)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parents[1])}")
    if stale:
        print("out of date (run python -m benchmarks.sygus.make): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
