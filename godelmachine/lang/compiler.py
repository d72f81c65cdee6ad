"""The fast path: a program compiled to Python source, with exact step counts.

Each definition becomes one Python function, in one of two modes:

- *region* mode (the fast one): steps are counted by region, not one by one. The cost of
  everything a region always executes is known statically and added once on entering it (a
  function body, an `if` branch); a `for` loop adds the cost of all its iterations before it
  starts. The budget is checked on entering a function and before a loop, which bounds the
  work between two checks, and once more at the end of the run. It decides normal completion
  within the budget; the language is pure, so counting a region's steps early cannot change
  a completed run's value or step count.
- *precise* mode: every charge is made where the reference evaluator makes it, in the same
  order, each followed by the budget check. It runs when region mode passes the budget, and
  decides `out-of-steps` exactly: when its budget check fails, no operation before it trapped
  (its type checks come no later than the reference's), so the reference would run out too.

On any trap, either mode gives up, and `godelmachine.lang.execute.run` asks the reference
evaluator, whose outcome (reason, position, steps) is the definition.

Types are tracked where they are known (literals, primitive results, `let` and loop
variables), which removes type checks and keeps 32-bit words unboxed (a word is its bits, a
Python int) inside a function; words are boxed into `Word` in data and where a caller outside
the program or a closure receives them. In region mode a call whose arguments have known
unboxed types calls a *specialization* of its callee, compiled with those parameter types (no
checks of them, words passed and, when every path returns one, returned unboxed); the generic
form, with every parameter `any`, is what outside callers and closures call. The step counter
and the budget are cells of the closure the module's functions are made in.
Programs that use the reflection primitives are not compiled: they run on the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from godelmachine.lang.codegen import Names, test_facts
from godelmachine.lang.interpreter import Outcome
from godelmachine.lang.primitives import BASE, INT_RANGE_PY, UNBOXED_TYPES, Primitive, euclid_quotient, has_type
from godelmachine.lang.syntax import (
    COST_CALL,
    COST_FOR,
    COST_IF,
    COST_ITERATION,
    COST_LAMBDA,
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
    children,
    free_variables,
)
from godelmachine.lang.values import INT_MAX, INT_MIN, MAX_CALL_DEPTH, NIL, Nil, Pair, Procedure, Trap, Word

UNBOXED = UNBOXED_TYPES  # types whose Python form is known statically
_ATOMIC = re.compile(r"-?[A-Za-z_0-9]+")
_CONSTANT_TEST = re.compile(r"[-0-9 ()<=>!]+")  # a precondition over literals only
_INT_LITERAL = re.compile(r"\(?(-?[0-9]+)\)?")  # how c_Lit writes an integer
MAX_SPECIALIZATIONS = 64  # per program; past them, calls take the generic form
# The check before a call in region mode: the budget, and the callee's depth d + 1 < MAX_CALL_DEPTH
DEPTH_CHECK = f"if S > B or d >= {MAX_CALL_DEPTH - 1}: raise _BUDGET"
Key = tuple[str, tuple[str, ...]]  # a definition's name and its parameters' types


class FastAbort(Exception):
    """The fast path stops at a trap; the reference evaluator decides the outcome."""


class FastBudget(Exception):
    """Region mode passed the budget; precise mode decides the outcome."""


class FastOutOfSteps(Exception):
    """Precise mode ran out of steps exactly where the reference evaluator would."""


_ABORT = FastAbort()
_BUDGET = FastBudget()
_OOS = FastOutOfSteps()


class FastClosure(Procedure):
    __slots__ = ("fn",)

    def __init__(self, fn: Any, arity: int, name: str = "lambda") -> None:
        super().__init__(name, arity)
        self.fn = fn


@dataclass(frozen=True, slots=True)
class Code:
    """A compiled expression: statements to run first, then a Python expression of `type`.

    `cost` is the static step cost of what the expression always executes that the statements
    have not already counted; the enclosing region adds it on entry.
    """

    stmts: tuple[str, ...]
    expr: str
    type: str
    cost: int


def indent(lines: list[str] | tuple[str, ...]) -> list[str]:
    return ["    " + line for line in lines]


def box(code: str, type_: str) -> str:
    return f"_W({code})" if type_ == "word" else code


class NotCompilable(Exception):
    pass


class ModuleCompiler(Names):
    """Compiles a whole program into the source of one Python module."""

    def __init__(self, program: Any, precise: bool = False) -> None:
        super().__init__()
        self.program = program
        self.precise = precise
        self.names = {name: f"F{i}" for i, name in enumerate(program.names())}
        # (python name, type) -> unboxed expression, for checks already made on every path
        # that reaches the code being compiled (they dominate it).
        self.known: dict[tuple[str, str], str] = {}
        # The type each function returns (int, bool or, for a specialization, word; else any),
        # found by iteration. A function is a definition's generic form (every parameter
        # `any`, what outside callers call) or a specialization: the same definition compiled
        # for the unboxed types its arguments have at an internal call site (region mode only).
        self.returns: dict[Key, str] = {}
        self.specs: dict[Key, str] = {}  # specialization -> its Python name, in the order asked for
        self.returning = "any"  # the assumed return type of the function being compiled
        # (python name) -> bounds of the integer it holds, where they are known (loop variables,
        # sums of bounded integers, the tests of the ifs that dominate the code): an integer
        # operation whose result is within bounds needs no overflow check
        self.ranges: dict[str, tuple[int, int]] = {}

    def module(self) -> str:
        """Compile every function, assuming optimistically that each returns an int, until
        the return types are stable. A stable assumption holds on every run: a body whose type
        is T when every call returns its assumed type returns T, by induction on call depth.
        A function whose assumed type changes a second time is given `any` for good. The
        specializations are those the pass's call sites ask for; the iteration ends when a
        pass changes no assumption and meets no new function, so every function it compiled
        was compiled under the types its callers assumed. (Each pass changes an assumption or
        meets a new function, of which there are finitely many: the iteration ends.)"""
        changed: set[Key] = set()
        while True:
            self.specs = {}
            lines: list[str] = []
            found: dict[Key, str] = {}
            for definition in self.program.definitions():
                key = (definition.name, ("any",) * len(definition.params))
                lines += self.compile_function(key, self.names[definition.name], found) + [""]
            done = 0
            while done < len(self.specs):  # grows while specializations ask for others
                key, fname = list(self.specs.items())[done]
                lines += self.compile_function(key, fname, found) + [""]
                done += 1
            assumed = {key: type_ if type_ == self.returns.get(key, "int") or key not in changed else "any"
                       for key, type_ in found.items()}
            if all(type_ == self.returns.get(key, "int") for key, type_ in assumed.items()):
                break
            changed.update(key for key, type_ in assumed.items() if type_ != self.returns.get(key, "int"))
            self.returns.update(assumed)
        entries = []
        for name, fn in self.names.items():
            arity = len(self.program.lookup(name).params)
            lines.append(f"G_{fn} = _FC({fn}, {arity}, {name!r})")
            entries.append(fn)
        # The step counter S and the budget B are cells of one closure, not module globals: the
        # functions read and write them faster, and `_call` is the one way in from outside.
        call = ["def _call(f, args, budget):", "    nonlocal S, B", "    S, B = 0, budget",
                "    value = f(*args, 0)", "    return value, S"]
        return "\n".join(["def _module():", "    S = B = 0", *indent(lines), *indent(call),
                          f"    return _call, ({''.join(e + ', ' for e in entries)})"]) + "\n"

    def compile_function(self, key: Key, fname: str, found: dict[Key, str]) -> list[str]:
        """A definition's lines as the function `key`; its return type goes into `found`."""
        name, types = key
        definition = self.program.lookup(name)
        params = {p: (self.fresh("v"), t) for p, t in zip(definition.params, types)}
        generic = all(t == "any" for t in types)
        self.returning = self.returns.get(key, "int")
        lines, type_ = self.function(fname, params, definition.body, {})
        found[key] = type_ if type_ in ("int", "bool") or (type_ == "word" and not generic) else "any"
        return lines

    def callee(self, name: str, args: list[Code]) -> tuple[str, Key]:
        """The function a call to `name` with these arguments runs: the specialization for its
        arguments' unboxed types (asked for here if new), or the generic form."""
        types = tuple(a.type if a.type in UNBOXED else "any" for a in args)
        key = (name, types)
        if self.precise or all(t == "any" for t in types):
            return self.names[name], (name, ("any",) * len(args))
        if key not in self.specs:
            if len(self.specs) >= MAX_SPECIALIZATIONS:
                return self.names[name], (name, ("any",) * len(args))
            self.specs[key] = f"{self.names[name]}_{''.join(t[0] for t in types)}"
        return self.specs[key], key

    def function(self, fname: str, params: dict[str, tuple[str, str]], body: Any,
                 captured: dict[str, tuple[str, str]]) -> tuple[list[str], str]:
        """The lines of a Python function for `body`, and the type of what it returns."""
        env = {**captured, **params}
        saved, self.known = self.known, {}
        saved_ranges = dict(self.ranges)
        args = [py for py, _ in params.values()] + ["d"] + [f"{py}={py}" for py, _ in captured.values()]
        if self.precise:
            code = self.compile(body, env)
            lines = ["nonlocal S", f"S += {code.cost + COST_CALL}", "if S > B: raise _OOS", "if d >= MAXD: raise _ABORT",
                     *code.stmts, f"return {box(code.expr, code.type)}"]
            type_ = code.type
        else:
            returned: list[str] = []
            lines = ["nonlocal S", *self.tail(body, env, COST_CALL, returned)]
            type_ = returned[0] if len(set(returned)) == 1 else "any"  # every return boxes its value
        self.known, self.ranges = saved, saved_ranges
        return [f"def {fname}({', '.join(args)}):", *indent(lines)], type_

    def tail(self, e: Any, env: dict[str, tuple[str, str]], pending: int, returned: list[str]) -> list[str]:
        """Region mode's lines for an expression in tail position of a function, each path
        ending in a return. The static cost of the path so far (`pending`, from the call on)
        is charged once, where the path's region ends or before its first call; a region that
        calls checks the budget and the call depth there, so that the callee need not (its
        depth is d + 1 < MAXD). An arm without calls or loops is charged without a check."""
        if type(e) is If:
            lines: list[str] = []
            pending = self.flush(e.test, pending, lines)
            test_code = self.compile(e.test, env)
            test = self.coerce(test_code, "bool", lines)
            pending += test_code.cost + COST_IF
            arms = []
            for arm, truth in ((e.then, True), (e.other, False)):
                saved_known, saved_ranges = dict(self.known), dict(self.ranges)
                self.narrow(self.facts(e.test, env, truth))
                arms.append(self.tail(arm, env, pending, returned))
                self.known, self.ranges = saved_known, saved_ranges
            return [*lines, f"if {test}:", *indent(arms[0]), "else:", *indent(arms[1])]
        if type(e) is Let:
            lines = []
            pending = self.flush(e.value, pending, lines)
            value = self.compile(e.value, env)
            py = self.fresh("v")
            self.copy_range(value.expr, py)
            lines += [*value.stmts, f"{py} = {value.expr}"]
            return lines + self.tail(e.body, {**env, e.name: (py, value.type)}, pending + value.cost, returned)
        lines = []
        calls = has_call(e)
        code = self.compile(e, env)
        total = pending + code.cost
        if total:
            lines.append(f"S += {total}")
        if calls:
            lines.append(DEPTH_CHECK)
        returned.append(code.type)
        value = code.expr if code.type == self.returning == "word" else box(code.expr, code.type)
        return [*lines, *code.stmts, f"return {value}"]

    def flush(self, e: Any, pending: int, lines: list[str]) -> int:
        """Before code that calls: charge what the region owes so far and check; 0 left pending."""
        if not has_call(e):
            return pending
        lines += [f"S += {pending}", DEPTH_CHECK] if pending else \
            [DEPTH_CHECK]
        return 0

    # --- integer bounds ---------------------------------------------------------------------

    def range_of(self, expr: str) -> tuple[int, int] | None:
        literal = _INT_LITERAL.fullmatch(expr)
        if literal:
            value = int(literal.group(1))
            return (value, value)
        return self.ranges.get(expr)

    def copy_range(self, expr: str, name: str) -> None:
        bounds = self.range_of(expr)
        if bounds:
            self.ranges[name] = bounds

    def narrow(self, facts: list[tuple[str, int, int]]) -> None:
        for name, lo, hi in facts:
            known = self.ranges.get(name, (INT_MIN, INT_MAX))
            self.ranges[name] = (max(known[0], lo), min(known[1], hi))

    def facts(self, test: Any, env: dict[str, tuple[str, str]], truth: bool) -> list[tuple[str, int, int]]:
        """Bounds on integer variables where `test` is `truth` (codegen.test_facts)."""
        return test_facts(test, truth, lambda e: self.int_name(e, env) if type(e) is Var else None)

    def int_name(self, var: Var, env: dict[str, tuple[str, str]]) -> str | None:
        """The unboxed name of an integer variable, where its type is known."""
        py, type_ = env[var.name]
        if type_ == "int":
            return py
        return self.known.get((py, "int"))

    def charge(self, stmts: list[str], steps: int) -> int:
        """Steps to add to the region's static cost; in precise mode, charged here instead."""
        if not self.precise:
            return steps
        stmts += [f"S += {steps}", "if S > B: raise _OOS"]
        return 0

    # --- expressions --------------------------------------------------------------------

    def compile(self, e: Any, env: dict[str, tuple[str, str]]) -> Code:
        return getattr(self, "c_" + type(e).__name__)(e, env)

    def c_Lit(self, e: Lit, env: dict[str, tuple[str, str]]) -> Code:
        v = e.value
        if type(v) is bool:
            return Code((), repr(v), "bool", 0)
        if type(v) is int:
            return Code((), f"({v})" if v < 0 else str(v), "int", 0)
        if type(v) is Word:
            return Code((), str(v.bits), "word", 0)
        return Code((), self.constant(v), "any", 0)

    def c_Var(self, e: Var, env: dict[str, tuple[str, str]]) -> Code:
        py, type_ = env[e.name]
        if type_ == "any":  # a check that dominates this use may have fixed its type
            for known_type in UNBOXED:
                if (py, known_type) in self.known:
                    return Code((), self.known[py, known_type], known_type, 0)
        return Code((), py, type_, 0)

    def c_GlobalRef(self, e: GlobalRef, env: dict[str, tuple[str, str]]) -> Code:
        return Code((), f"G_{self.names[e.name]}", "any", 0)

    def c_If(self, e: If, env: dict[str, tuple[str, str]]) -> Code:
        stmts: list[str] = []
        test_code = self.compile(e.test, env)
        test = self.coerce(test_code, "bool", stmts)
        charge = self.charge(stmts, COST_IF)
        then = self.scoped(e.then, env, self.facts(e.test, env, True))
        other = self.scoped(e.other, env, self.facts(e.test, env, False))
        type_ = then.type if then.type == other.type else "any"
        result = self.fresh("t")
        stmts.append(f"if {test}:")
        stmts += indent(self.branch(then, type_, result))
        stmts.append("else:")
        stmts += indent(self.branch(other, type_, result))
        return Code(tuple(stmts), result, type_, test_code.cost + charge)

    def branch(self, code: Code, type_: str, result: str) -> list[str]:
        lines = [f"S += {code.cost}"] if code.cost else []
        expr = code.expr if code.type == type_ else box(code.expr, code.type)
        return lines + list(code.stmts) + [f"{result} = {expr}"]

    def c_Let(self, e: Let, env: dict[str, tuple[str, str]]) -> Code:
        value = self.compile(e.value, env)
        py = self.fresh("v")
        self.copy_range(value.expr, py)
        body = self.compile(e.body, {**env, e.name: (py, value.type)})
        stmts = (*value.stmts, f"{py} = {value.expr}", *body.stmts)
        return Code(stmts, body.expr, body.type, value.cost + body.cost)

    def c_Lambda(self, e: Lambda, env: dict[str, tuple[str, str]]) -> Code:
        captured = {name: env[name] for name in sorted(free_variables(e)) if name in env}
        params = {p: (self.fresh("v"), "any") for p in e.params}
        fname = self.fresh("L")
        saved, self.returning = self.returning, "any"  # a closure returns boxed values
        stmts = self.function(fname, params, e.body, captured)[0]
        self.returning = saved
        cost = self.charge(stmts, COST_LAMBDA)
        result = self.fresh("t")
        stmts.append(f"{result} = _FC({fname}, {len(e.params)})")
        return Code(tuple(stmts), result, "any", cost)

    def c_PrimCall(self, e: PrimCall, env: dict[str, tuple[str, str]]) -> Code:
        prim = e.prim
        if prim.context:
            raise NotCompilable(prim.name)
        args = [self.compile(arg, env) for arg in e.args]
        stmts: list[str] = []
        cost = sum(arg.cost for arg in args)
        if prim.name == "list" and prim is BASE["list"]:  # a list of known length: built in place
            stmts += [s for arg in args for s in arg.stmts]
            cost += self.charge(stmts, prim.cost + len(args))
            built = "_NIL"
            for arg in reversed(args):
                built = f"_Pair({box(arg.expr, arg.type)}, {built})"
            return Code(tuple(stmts), built, "any", cost)
        types = self.inline_types(prim, args)
        if types is None:
            stmts += [s for arg in args for s in arg.stmts]
            return self.via_wrapper(prim, args, stmts, cost)
        if any(p == "list" and a.type in UNBOXED for p, a in zip(prim.params, args)):
            stmts += [s for arg in args for s in arg.stmts] + ["raise _ABORT"]  # always a type error
            return Code(tuple(stmts), "None", "any", cost)
        exprs = [self.coerce(arg, t, stmts) for arg, t in zip(args, types)]
        if self.precise:  # the reference checks every argument's type before it charges: so must precise mode
            for i, (param, arg) in enumerate(zip(prim.params, args)):
                if param == "list" and arg.type == "any":
                    exprs[i] = self.atomic(exprs[i], stmts)
                    stmts.append(f"if not (type({exprs[i]}) is _Pair or type({exprs[i]}) is _Nil): raise _ABORT")
        cost += self.charge(stmts, prim.cost)
        templates = [prim.py or "", prim.py_pre or "", prim.py_post or ""]
        exprs = [self.atomic(x, stmts) if sum(t.count("{%d}" % i) for t in templates) > 1 or prim.py_pre else x
                 for i, x in enumerate(exprs)]
        if prim.py_pre:
            pre = prim.py_pre.format(*exprs)
            if prim.params[1:] == ("int",) and prim.name in ("wshl", "wshr", "wsar"):
                bounds = self.range_of(exprs[1])
                if bounds and 0 <= bounds[0] and bounds[1] <= 31:  # a shift amount always in range
                    self.known[pre, "pre"] = pre
            if _CONSTANT_TEST.fullmatch(pre) and eval(pre, {"__builtins__": {}}):  # noqa: S307 (digits and comparisons only)
                self.known[pre, "pre"] = pre  # true of literals: nothing to check
            if (pre, "pre") not in self.known:  # the same condition checked on every path here already
                stmts.append(f"if not ({pre}): raise _ABORT")
                self.known[pre, "pre"] = pre
        value = (prim.py or "").format(*exprs)
        result_type = types[0] if prim.result == "atom" else prim.result
        post = prim.py_post
        if prim.name in ("+", "-") and prim is BASE[prim.name] and not self.precise:
            post = self.sum_check(prim.name, exprs, value) if post else post
        if post:
            result = self.fresh("t")
            stmts.append(f"{result} = {value}")
            stmts.append(f"if not ({post.format(r=result)}): raise _ABORT")
            self.copy_range(value, result)
            value = result
        return Code(tuple(stmts), value, result_type if result_type in UNBOXED else "any", cost)

    def sum_check(self, op: str, exprs: list[str], value: str) -> str | None:
        """The overflow check of an integer sum or difference given the operands' bounds: none
        when the result is within range (its bounds recorded), one side when an operand's sign
        is known, else both sides."""
        a, b = self.range_of(exprs[0]), self.range_of(exprs[1])
        if a and b:
            lo, hi = (a[0] + b[0], a[1] + b[1]) if op == "+" else (a[0] - b[1], a[1] - b[0])
            if INT_MIN <= lo and hi <= INT_MAX:
                self.ranges[value] = (lo, hi)
                return None
        if b and (b[0] >= 0 or b[1] <= 0):  # the result moves one way from a
            upward = (b[0] >= 0) == (op == "+")
            return f"{{r}} <= {INT_MAX}" if upward else f"{INT_MIN} <= {{r}}"
        if op == "+" and a and (a[0] >= 0 or a[1] <= 0):
            return f"{{r}} <= {INT_MAX}" if a[0] >= 0 else f"{INT_MIN} <= {{r}}"
        return INT_RANGE_PY

    def inline_types(self, prim: Primitive, args: list[Code]) -> list[str] | None:
        """The unboxed types the template works on, or None to call the checked wrapper."""
        if prim.py is None or prim.variadic:
            return None
        if prim.params == ("atom", "atom"):
            a, b = args[0].type, args[1].type
            return [a, b] if a == b and a in UNBOXED else None
        if all(p in UNBOXED or p in ("any", "list") for p in prim.params):
            # `any` and `list` arguments stay boxed; the template's own test checks a list
            return [p if p in UNBOXED else "any" for p in prim.params]
        return None

    def via_wrapper(self, prim: Primitive, args: list[Code], stmts: list[str], cost: int) -> Code:
        """Call the primitive's implementation: check the types, charge, then act."""
        result = self.fresh("t")
        boxed = [self.atomic(box(a.expr, a.type), stmts) for a in args]
        if self.precise:
            has_type_fn = self.constant(has_type)
            stmts += [f"if not {has_type_fn}({b}, {prim.param_type(i)!r}): raise _ABORT" for i, b in enumerate(boxed)]
            dynamic = f" + {self.constant(prim.cost_fn)}({', '.join(boxed)})" if prim.cost_fn else ""
            stmts += [f"S += {prim.cost}{dynamic}", "if S > B: raise _OOS"]
            stmts.append(f"{result} = {self.constant(prim.impl)}({', '.join(boxed)})")
        else:
            cost += prim.cost
            stmts.append(f"{result} = {self.constant(checked_wrapper(prim))}({', '.join(boxed)})")
            if prim.cost_fn is not None:
                stmts.append(f"S += {self.constant(prim.cost_fn)}({', '.join(boxed)})")
        type_ = prim.result if prim.result in ("int", "bool") else "any"
        return Code(tuple(stmts), result, type_, cost)

    def c_Call(self, e: Call, env: dict[str, tuple[str, str]]) -> Code:
        args = [self.compile(arg, env) for arg in e.args]
        stmts = [s for arg in args for s in arg.stmts]
        result = self.fresh("t")
        fname, key = self.callee(e.name, args)
        call_args = [a.expr if t != "any" else box(a.expr, a.type) for a, t in zip(args, key[1])] + ["d + 1"]
        stmts.append(f"{result} = {fname}({', '.join(call_args)})")
        return Code(tuple(stmts), result, self.returns.get(key, "int"), sum(a.cost for a in args))

    def c_Apply(self, e: Apply, env: dict[str, tuple[str, str]]) -> Code:
        fn = self.compile(e.fn, env)
        args = [self.compile(arg, env) for arg in e.args]
        stmts = list(fn.stmts) + [s for arg in args for s in arg.stmts]
        if fn.type != "any":  # statically an int, word or bool: calling it always traps
            stmts.append("raise _ABORT")
            return Code(tuple(stmts), "None", "any", fn.cost + sum(a.cost for a in args))
        f = self.atomic(fn.expr, stmts)
        stmts.append(f"if type({f}) is not _FC or {f}.arity != {len(args)}: raise _ABORT")
        result = self.fresh("t")
        call_args = [box(a.expr, a.type) for a in args] + ["d + 1"]
        stmts.append(f"{result} = {f}.fn({', '.join(call_args)})")
        return Code(tuple(stmts), result, "any", fn.cost + sum(a.cost for a in args))

    def c_For(self, e: For, env: dict[str, tuple[str, str]]) -> Code:
        stmts: list[str] = []
        lo_code, hi_code = self.compile(e.lo, env), self.compile(e.hi, env)
        lo = self.atomic(self.coerce(lo_code, "int", stmts), stmts)
        hi = self.atomic(self.coerce(hi_code, "int", stmts), stmts)
        init = self.compile(e.init, env)
        stmts += init.stmts
        cost = lo_code.cost + hi_code.cost + init.cost + self.charge(stmts, COST_FOR)
        var, acc = self.fresh("v"), self.fresh("v")
        bounds = self.range_of(lo), self.range_of(hi)
        if bounds[0] or bounds[1]:  # lo <= var <= hi, and every integer is within range
            self.ranges[var] = (bounds[0][0] if bounds[0] else INT_MIN, bounds[1][1] if bounds[1] else INT_MAX)
        acc_type = init.type
        body = self.scoped(e.body, {**env, e.var: (var, "int"), e.acc: (acc, acc_type)})
        # Try the body's type, checking the initial value's: a check the reference does not
        # make (a loop that runs no time returns the initial value as it is), so region mode
        # only, where a failed check asks the reference; precise mode traps only where it does.
        if acc_type == "any" and body.type in UNBOXED and not self.precise:
            typed = self.scoped(e.body, {**env, e.var: (var, "int"), e.acc: (acc, body.type)})
            if typed.type == body.type:
                checked = self.coerce(Code((), init.expr, init.type, 0), body.type, stmts)  # aborts otherwise
                init = Code((), checked, body.type, init.cost)
                acc_type, body = body.type, typed
        if body.type != acc_type:  # the accumulator's type is not stable: keep it boxed
            acc_type = "any"
            body = self.scoped(e.body, {**env, e.var: (var, "int"), e.acc: (acc, acc_type)})
        init_expr = init.expr if init.type == acc_type else box(init.expr, init.type)
        body_expr = body.expr if body.type == acc_type else box(body.expr, body.type)
        stmts.append(f"{acc} = {init_expr}")
        iteration: list[str] = []
        if self.precise:
            self.charge(iteration, COST_ITERATION)
        else:
            stmts += [
                f"if {hi} >= {lo}:",
                f"    S += ({hi} - {lo} + 1) * {body.cost + COST_ITERATION}",
                "    if S > B: raise _BUDGET",
            ]
        stmts += [
            f"for {var} in range({lo}, {hi} + 1):",
            *indent([*iteration, *body.stmts, f"{acc} = {body_expr}"]),
        ]
        return Code(tuple(stmts), acc, acc_type, cost)

    # --- helpers ------------------------------------------------------------------------

    def scoped(self, e: Any, env: dict[str, tuple[str, str]], facts: list[tuple[str, int, int]] | None = None) -> Code:
        """Compile code that may not run (a branch, a loop body): its checks stay inside, and
        what its test says of integers (`facts`) holds inside only."""
        saved, saved_ranges = dict(self.known), dict(self.ranges)
        self.narrow(facts or [])
        code = self.compile(e, env)
        self.known, self.ranges = saved, saved_ranges
        return code

    def atomic(self, expr: str, stmts: list[str]) -> str:
        if _ATOMIC.fullmatch(expr):
            return expr
        temp = self.fresh("t")
        stmts.append(f"{temp} = {expr}")
        return temp

    def coerce(self, code: Code, type_: str, stmts: list[str]) -> str:
        """`code` as an unboxed value of `type_`, checking its type at run time if unknown."""
        stmts.extend(code.stmts)
        if code.type == type_:
            return code.expr
        if type_ == "any":
            return box(code.expr, code.type)
        if code.type != "any":
            stmts.append("raise _ABORT")  # statically the wrong type: this always traps
            return code.expr
        value = self.atomic(code.expr, stmts)
        if (value, type_) in self.known:
            return self.known[value, type_]
        if type_ == "word":
            stmts.append(f"if type({value}) is not _W: raise _ABORT")
            unboxed = self.fresh("u")
            stmts.append(f"{unboxed} = {value}.bits")
        else:
            stmts.append(f"if type({value}) is not {type_}: raise _ABORT")
            unboxed = value
        self.known[value, type_] = unboxed
        return unboxed


def has_call(e: Any) -> bool:
    """Does the expression call a definition or a procedure value (outside the bodies of the
    lambdas it makes, which are functions of their own)?"""
    if type(e) in (Call, Apply):
        return True
    if type(e) is Lambda:
        return False
    return any(has_call(child) for child in children(e))


def checked_wrapper(prim: Primitive) -> Any:
    impl, name = prim.impl, prim.name

    def wrapper(*args: Any) -> Any:
        for i, arg in enumerate(args):
            if not has_type(arg, prim.param_type(i)):
                raise _ABORT
        return impl(*args)

    wrapper.__name__ = f"prim_{name}"
    return wrapper


# The only builtins the generated code uses. It is made from the syntax tree alone (user
# names become F1, v2, ...; symbols and other data are constants K3 in the namespace; a
# definition's name appears only as a repr() string), never from user text; and it sees no
# other builtin, so even a bug in the compiler could not reach open, __import__ or eval.
GENERATED_CODE_BUILTINS = {"abs": abs, "bool": bool, "int": int, "max": max, "min": min, "range": range, "type": type}


class CompiledProgram:
    def __init__(self, program: Any, precise: bool) -> None:
        compiler = ModuleCompiler(program, precise)
        self.source = compiler.module()
        self.namespace: dict[str, Any] = {
            "__builtins__": dict(GENERATED_CODE_BUILTINS),
            "_W": Word, "_FC": FastClosure, "_ABORT": _ABORT, "_BUDGET": _BUDGET, "_OOS": _OOS,
            "_ediv": euclid_quotient, "_Pair": Pair, "_Nil": Nil, "_NIL": NIL,
            "MAXD": MAX_CALL_DEPTH, **compiler.constants,
        }
        mode = "precise" if precise else "region"
        exec(compile(self.source, f"<compiled {mode} {program.digest[:12]}>", "exec"), self.namespace)
        self._call, functions = self.namespace["_module"]()
        self.entry = dict(zip(compiler.names, functions))  # in the order module() lists them

    def call(self, name: str, args: tuple[Any, ...], budget: int) -> tuple[Any, int]:
        """The value of `name` on `args` and the steps it took; FastBudget, FastAbort or
        FastOutOfSteps (precise mode) where the fast path gives up."""
        return self._call(self.entry[name], args, budget)


def compiled(program: Any, precise: bool = False) -> CompiledProgram | None:
    """The program's compiled form, made once and kept on the program; None if it has none."""
    cache = program._compiled
    if cache is None:
        cache = program._compiled = {}
    if precise not in cache:
        try:
            cache[precise] = CompiledProgram(program, precise)
        except NotCompilable:
            cache[precise] = None
    return cache[precise]


def run_fast(program: Any, name: str, args: tuple[Any, ...], budget: int) -> Outcome | None:
    """The outcome of a run that completes or runs out of steps; None at a trap (ask the reference)."""
    module = compiled(program)
    if module is None:
        return None
    try:
        value, steps = module.call(name, args, budget)
        if steps <= budget:
            return Outcome("value", steps, value=value)
    except (FastAbort, Trap):
        return None
    except FastBudget:
        pass
    precise = compiled(program, precise=True)
    assert precise is not None
    try:
        precise.call(name, args, budget)
    except FastOutOfSteps:
        return Outcome("out-of-steps", budget)
    except (FastAbort, Trap):
        return None
    raise AssertionError("region mode passed the budget but precise mode completed within it")


__all__ = ["run_fast", "compiled", "FastClosure", "BASE"]
