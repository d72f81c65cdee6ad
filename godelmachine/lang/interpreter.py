"""The interpreter (the reference evaluator): the definition of what a program computes and what it costs.

A plain walker over syntax nodes, one handler per node kind, written for clarity. The fast path
(`godelmachine/lang/compiler.py`) must agree with it on every program, value and step count;
whenever the fast path traps or runs out of steps, this evaluator runs again to give the
precise outcome.

Order of every step (it decides the step count of a trap): a form evaluates its operands left
to right, checks their types (a wrong type traps and costs nothing more), charges its own cost,
then acts. The budget is exceeded when the count would pass it; the outcome is then
`out-of-steps` with the count equal to the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from godelmachine.errors import Pos, UserError
from godelmachine.lang.primitives import has_type
from godelmachine.lang.reader import from_value
from godelmachine.lang.syntax import (
    COST_CALL,
    COST_FOR,
    COST_IF,
    COST_ITERATION,
    COST_LAMBDA,
    Apply,
    Call,
    Definition,
    For,
    GlobalRef,
    If,
    Lambda,
    Let,
    Lit,
    PrimCall,
    Var,
    analyze_expression,
)
from godelmachine.lang.values import (
    MAX_CALL_DEPTH,
    OutOfSteps,
    Procedure,
    Trap,
    make_list,
    type_name,
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a run ended: `value`, `trap` (with reason and position) or `out-of-steps`."""

    kind: str
    steps: int
    value: Any = None
    reason: str = ""
    detail: str = ""
    pos: Pos | None = None

    def as_datum(self) -> Any:
        """The outcome as the language sees it: (value V steps), (trap reason steps), ..."""
        if self.kind == "value":
            return make_list(("value", self.value, self.steps))
        if self.kind == "trap":
            return make_list(("trap", self.reason, self.steps))
        return make_list(("out-of-steps", self.steps))


class Closure(Procedure):
    __slots__ = ("params", "body", "env")

    def __init__(self, params: tuple[str, ...], body: Any, env: dict[str, Any]) -> None:
        super().__init__("lambda", len(params))
        self.params = params
        self.body = body
        self.env = env


class FunctionValue(Procedure):
    """A top-level definition used as a value."""

    __slots__ = ("definition",)

    def __init__(self, definition: Definition) -> None:
        super().__init__(definition.name, len(definition.params))
        self.definition = definition


class Evaluator:
    def __init__(self, program: Any, budget: int, depth: int = 0) -> None:
        self.program = program
        self.defs = program._defs
        self.budget = budget
        self.steps = 0
        self.depth = depth

    # --- running ------------------------------------------------------------------------

    def run(self, name: str, args: tuple[Any, ...]) -> Outcome:
        definition = self.defs[name]
        try:
            value = self.call(definition.params, definition.body, {}, args, definition.pos)
        except Trap as trap:
            return Outcome("trap", self.steps, reason=trap.reason, detail=trap.detail, pos=trap.pos)
        except OutOfSteps:
            return Outcome("out-of-steps", self.budget)
        return Outcome("value", self.steps, value=value)

    def charge(self, n: int) -> None:
        self.steps += n
        if self.steps > self.budget:
            self.steps = self.budget
            raise OutOfSteps()

    def eval(self, e: Any, env: dict[str, Any]) -> Any:
        return _HANDLERS[type(e)](self, e, env)

    def call(self, params: tuple[str, ...], body: Any, env: dict[str, Any], args: tuple[Any, ...], pos: Pos | None) -> Any:
        self.charge(COST_CALL)
        if self.depth >= MAX_CALL_DEPTH:
            raise Trap("depth-exceeded", f"more than {MAX_CALL_DEPTH} nested calls", pos)
        self.depth += 1
        inner = dict(env)
        inner.update(zip(params, args))
        value = self.eval(body, inner)
        self.depth -= 1
        return value

    # --- one handler per node kind ------------------------------------------------------

    def lit(self, e: Lit, env: dict[str, Any]) -> Any:
        return e.value

    def var(self, e: Var, env: dict[str, Any]) -> Any:
        return env[e.name]

    def global_ref(self, e: GlobalRef, env: dict[str, Any]) -> Any:
        return FunctionValue(self.defs[e.name])

    def if_(self, e: If, env: dict[str, Any]) -> Any:
        test = self.eval(e.test, env)
        if type(test) is not bool:
            raise Trap("type-error", f"if: the test is a {type_name(test)}, not a bool", e.pos)
        self.charge(COST_IF)
        return self.eval(e.then if test else e.other, env)

    def let(self, e: Let, env: dict[str, Any]) -> Any:
        value = self.eval(e.value, env)
        inner = dict(env)
        inner[e.name] = value
        return self.eval(e.body, inner)

    def lambda_(self, e: Lambda, env: dict[str, Any]) -> Any:
        self.charge(COST_LAMBDA)
        return Closure(e.params, e.body, env)

    def prim_call(self, e: PrimCall, env: dict[str, Any]) -> Any:
        args = [self.eval(arg, env) for arg in e.args]
        prim = e.prim
        for i, arg in enumerate(args):
            expected = prim.param_type(i)
            if not has_type(arg, expected):
                raise Trap("type-error", f"{prim.name}: argument {i + 1} is a {type_name(arg)}, not a {expected}", e.pos)
        try:
            self.charge(prim.cost + (prim.cost_fn(*args) if prim.cost_fn else 0))
            return prim.impl(self, *args) if prim.context else prim.impl(*args)
        except Trap as trap:
            if trap.pos is None:
                trap.pos = e.pos
            raise

    def call_(self, e: Call, env: dict[str, Any]) -> Any:
        args = [self.eval(arg, env) for arg in e.args]
        definition = self.defs[e.name]
        return self.call(definition.params, definition.body, {}, args, e.pos)

    def apply(self, e: Apply, env: dict[str, Any]) -> Any:
        fn = self.eval(e.fn, env)
        args = [self.eval(arg, env) for arg in e.args]
        if not isinstance(fn, Procedure):
            raise Trap("type-error", f"a {type_name(fn)} is not a procedure", e.pos)
        if fn.arity != len(args):
            raise Trap("arity", f"{fn.name} takes {fn.arity} argument(s), given {len(args)}", e.pos)
        if type(fn) is Closure:
            return self.call(fn.params, fn.body, fn.env, args, e.pos)
        if type(fn) is FunctionValue:
            d = fn.definition
            return self.call(d.params, d.body, {}, args, e.pos)
        raise Trap("type-error", f"{fn!r} cannot be called here", e.pos)

    def for_(self, e: For, env: dict[str, Any]) -> Any:
        lo = self.eval(e.lo, env)
        hi = self.eval(e.hi, env)
        acc = self.eval(e.init, env)
        if type(lo) is not int or type(hi) is not int:
            raise Trap("type-error", "for: the bounds must be integers", e.pos)
        self.charge(COST_FOR)
        for i in range(lo, hi + 1):
            self.charge(COST_ITERATION)
            # A fresh environment per iteration: a closure made in the body keeps its own i.
            inner = dict(env)
            inner[e.var] = i
            inner[e.acc] = acc
            acc = self.eval(e.body, inner)
        return acc

    # --- nested runs for the reflection primitives --------------------------------------

    def eval_nested(self, code: Any, budget: int) -> Any:
        """`eval-bounded`: analyze built code in this program's scope and run it."""
        try:
            node = from_value(code)
            expr = analyze_expression(node, {n: len(d.params) for n, d in self.defs.items()}, self.program.prims)
        except (ValueError, UserError) as exc:
            return make_list(("ill-formed", getattr(exc, "message", str(exc))))
        return self.nested(self.program, budget, lambda inner: inner.eval(expr, {}))

    def run_nested(self, program: Any, name: str, args: Any, budget: int) -> Any:
        """`run-bounded`: call a definition of a program value."""
        if name not in program:
            raise Trap("no-such-definition", f"no definition named {name!r}")
        definition = program.lookup(name)
        arg_values = tuple(args)
        if len(arg_values) != len(definition.params):
            raise Trap("arity", f"{name} takes {len(definition.params)} argument(s), given {len(arg_values)}")
        return self.nested(
            program, budget,
            lambda inner: inner.call(definition.params, definition.body, {}, arg_values, definition.pos),
        )

    def nested(self, program: Any, budget: int, body: Callable[["Evaluator"], Any]) -> Any:
        budget = max(budget, 0)
        remaining = self.budget - self.steps
        inner = Evaluator(program, min(budget, remaining), self.depth)
        try:
            outcome = Outcome("value", 0, value=body(inner))
        except Trap as trap:
            outcome = Outcome("trap", 0, reason=trap.reason)
        except OutOfSteps:
            if budget > remaining:  # the caller's own budget ran out first
                self.charge(remaining + 1)
            outcome = Outcome("out-of-steps", 0)
        self.charge(inner.steps)
        return Outcome(outcome.kind, inner.steps, outcome.value, outcome.reason).as_datum()


_HANDLERS: dict[type, Callable[[Evaluator, Any, dict[str, Any]], Any]] = {
    Lit: Evaluator.lit,
    Var: Evaluator.var,
    GlobalRef: Evaluator.global_ref,
    If: Evaluator.if_,
    Let: Evaluator.let,
    Lambda: Evaluator.lambda_,
    PrimCall: Evaluator.prim_call,
    Call: Evaluator.call_,
    Apply: Evaluator.apply,
    For: Evaluator.for_,
}
