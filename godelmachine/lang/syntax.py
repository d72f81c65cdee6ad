"""Syntax: the forms of the machine language, their step costs, and the analyzer.

The analyzer turns S-expression data (`godelmachine/lang/reader.py`) into frozen syntax nodes
that keep their position, resolving every name: a local variable, a top-level definition or a
primitive. A malformed form is a `UserError` at its position.

    program    := (define (name param ...) body) ...
    expression := integer | word | #t | #f | name | 'datum | (quote datum)
                | (if test then else)
                | (cond (test expr) ... (else expr))
                | (and expr ...) | (or expr ...)
                | (let ((name expr) ...) body)          ; bindings are sequential
                | (lambda (param ...) body)
                | (for (i lo hi) (acc init) body)       ; i = lo, lo+1, ..., hi
                | (primitive arg ...) | (function arg ...) | (expr arg ...)

Step costs of the special forms (the primitives' costs are in the primitive table). Arguments
are evaluated left to right and their own costs are added:

| form | steps |
| --- | --- |
| literal, variable, quote, `let` binding | 0 |
| `if` (and each `cond` test, each `and`/`or` operand but the last) | 1 |
| `lambda` (making a closure) | 1 |
| a call of a definition or a closure | 1, then the body |
| `for` | 1 to enter, then 1 per iteration plus the body |

`cond`, `and` and `or` are written in terms of `if`: `(and a b)` is `(if a b #f)`, `(or a b)`
is `(if a #t b)`, `(cond (t1 e1) (else e2))` is `(if t1 e1 e2)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Union

from godelmachine.errors import Pos, UserError
from godelmachine.lang.primitives import Primitive, PrimitiveTable
from godelmachine.lang.reader import SAtom, SList, SNode, to_value
from godelmachine.lang.values import MAX_NESTING

COST_IF = 1
COST_LAMBDA = 1
COST_CALL = 1
COST_FOR = 1
COST_ITERATION = 1

SPECIAL_FORMS = frozenset({"define", "lambda", "let", "if", "cond", "else", "and", "or", "quote", "for"})


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class Var:
    name: str
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class GlobalRef:
    """A top-level function used as a value."""

    name: str
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class If:
    test: "Expr"
    then: "Expr"
    other: "Expr"
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class Let:
    name: str
    value: "Expr"
    body: "Expr"
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class Lambda:
    params: tuple[str, ...]
    body: "Expr"
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class PrimCall:
    prim: Primitive
    args: tuple["Expr", ...]
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a top-level definition by name."""

    name: str
    args: tuple["Expr", ...]
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class Apply:
    """A call of a computed procedure (a closure or a function value)."""

    fn: "Expr"
    args: tuple["Expr", ...]
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class For:
    var: str
    lo: "Expr"
    hi: "Expr"
    acc: str
    init: "Expr"
    body: "Expr"
    pos: Pos | None


Expr = Union[Lit, Var, GlobalRef, If, Let, Lambda, PrimCall, Call, Apply, For]
NODE_KINDS: tuple[type, ...] = (Lit, Var, GlobalRef, If, Let, Lambda, PrimCall, Call, Apply, For)


@dataclass(frozen=True, slots=True)
class Definition:
    """`(define (name param ...) body)`: `code` is the whole form as a runtime datum."""

    name: str
    params: tuple[str, ...]
    body: Expr
    code: Any
    pos: Pos | None


def definition_header(node: SNode) -> tuple[str, tuple[str, ...], Pos | None]:
    """Name and parameters of a `(define (name param ...) body)` form, checked."""
    if type(node) is not SList or not node.items or _symbol(node.items[0]) != "define":
        raise UserError("expected a definition (define (name param ...) body)", node.pos)
    if len(node.items) != 3:
        raise UserError("a definition is (define (name param ...) body), with one body expression", node.pos)
    head = node.items[1]
    if type(head) is SAtom and type(head.value) is str:
        raise UserError(f"write (define ({head.value}) expr) to define a constant function", head.pos)
    if type(head) is not SList or not head.items:
        raise UserError("expected (name param ...) after define", head.pos)
    name = _binder(head.items[0], "function name")
    params = tuple(_binder(p, "parameter") for p in head.items[1:])
    _no_duplicates(params, head.items[1:])
    return name, params, head.pos


def analyze_definition(node: SNode, arities: Mapping[str, int], prims: PrimitiveTable) -> Definition:
    name, params, _ = definition_header(node)
    body = check_depth(Analyzer(arities, prims).expr(node.items[2], frozenset(params)))
    return Definition(name, params, body, to_value(node), node.pos)


def analyze_expression(node: SNode, arities: Mapping[str, int], prims: PrimitiveTable) -> Expr:
    return check_depth(Analyzer(arities, prims).expr(node, frozenset()))


def children(e: Expr) -> tuple[Expr, ...]:
    if type(e) in (Lit, Var, GlobalRef):
        return ()
    if type(e) is If:
        return (e.test, e.then, e.other)
    if type(e) is Let:
        return (e.value, e.body)
    if type(e) is Lambda:
        return (e.body,)
    if type(e) is For:
        return (e.lo, e.hi, e.init, e.body)
    if type(e) is Apply:
        return (e.fn, *e.args)
    return e.args


def free_variables(e: Expr) -> set[str]:
    """Local variables that `e` uses but does not bind."""
    if type(e) is Var:
        return {e.name}
    if type(e) is Let:
        return free_variables(e.value) | (free_variables(e.body) - {e.name})
    if type(e) is Lambda:
        return free_variables(e.body) - set(e.params)
    if type(e) is For:
        inner = free_variables(e.body) - {e.var, e.acc}
        return inner | free_variables(e.lo) | free_variables(e.hi) | free_variables(e.init)
    return set().union(*(free_variables(child) for child in children(e)))


def check_depth(root: Expr) -> Expr:
    """Refuse syntax nested deeper than MAX_NESTING nodes (each `let` binding, `cond` clause and
    `and`/`or` operand is one level): it bounds the evaluators' Python recursion."""
    stack = [(root, 1)]
    while stack:
        e, depth = stack.pop()
        if depth > MAX_NESTING:
            raise UserError(f"expression nested more than {MAX_NESTING} levels deep "
                            "(let bindings, cond clauses and and/or operands count as levels)", e.pos)
        stack.extend((child, depth + 1) for child in children(e))
    return root


def _symbol(node: SNode) -> str | None:
    return node.value if type(node) is SAtom and type(node.value) is str else None


def _binder(node: SNode, what: str) -> str:
    name = _symbol(node)
    if name is None:
        raise UserError(f"expected a name for the {what}", node.pos)
    if name in SPECIAL_FORMS:
        raise UserError(f"{name!r} is a special form and cannot be a {what}", node.pos)
    return name


def _no_duplicates(names: tuple[str, ...], nodes: tuple[SNode, ...]) -> None:
    seen: set[str] = set()
    for name, node in zip(names, nodes):
        if name in seen:
            raise UserError(f"{name!r} is bound twice", node.pos)
        seen.add(name)


class Analyzer:
    """Resolves names and checks the shape of each form. `arities` are the top-level functions."""

    def __init__(self, arities: Mapping[str, int], prims: PrimitiveTable) -> None:
        self.arities = arities
        self.prims = prims

    def local_name(self, node: SNode, what: str) -> str:
        name = _binder(node, what)
        if name in self.prims:
            raise UserError(f"{name!r} is a primitive and cannot be rebound", node.pos)
        return name

    def expr(self, node: SNode, scope: frozenset[str]) -> Expr:
        if type(node) is SAtom:
            return self.atom(node, scope)
        if not node.items:
            raise UserError("empty combination (); write '() for the empty list", node.pos)
        head = _symbol(node.items[0])
        if head in SPECIAL_FORMS:
            return getattr(self, "form_" + head)(node, scope)
        args = tuple(self.expr(arg, scope) for arg in node.items[1:])
        if head is not None and head not in scope:
            if head in self.prims:
                prim = self.prims[head]
                if not prim.accepts(len(args)):
                    raise UserError(f"{head} takes {prim.arity} argument(s), given {len(args)}", node.pos)
                return PrimCall(prim, args, node.pos)
            if head in self.arities:
                if self.arities[head] != len(args):
                    raise UserError(f"{head} takes {self.arities[head]} argument(s), given {len(args)}", node.pos)
                return Call(head, args, node.pos)
            raise UserError(f"unknown function {head!r}", node.items[0].pos)
        return Apply(self.expr(node.items[0], scope), args, node.pos)

    def atom(self, node: SAtom, scope: frozenset[str]) -> Expr:
        value = node.value
        if type(value) is not str:
            return Lit(value, node.pos)
        if value in scope:
            return Var(value, node.pos)
        if value in SPECIAL_FORMS:
            raise UserError(f"{value!r} is a special form, not a value", node.pos)
        if value in self.arities:
            return GlobalRef(value, node.pos)
        if value in self.prims:
            raise UserError(f"primitive {value!r} cannot be used as a value; wrap it in a lambda", node.pos)
        raise UserError(f"unknown name {value!r}", node.pos)

    def expect(self, node: SList, count: int, shape: str) -> None:
        if len(node.items) != count:
            raise UserError(f"expected {shape}", node.pos)

    def form_quote(self, node: SList, scope: frozenset[str]) -> Expr:
        self.expect(node, 2, "(quote datum)")
        return Lit(to_value(node.items[1]), node.pos)

    def form_if(self, node: SList, scope: frozenset[str]) -> Expr:
        self.expect(node, 4, "(if test then else)")
        test, then, other = (self.expr(x, scope) for x in node.items[1:])
        return If(test, then, other, node.pos)

    def form_cond(self, node: SList, scope: frozenset[str]) -> Expr:
        clauses = node.items[1:]
        if not clauses:
            raise UserError("cond needs at least an (else expr) clause", node.pos)
        for clause in clauses:
            if type(clause) is not SList or len(clause.items) != 2:
                raise UserError("a cond clause is (test expr) or (else expr)", clause.pos)
        last = clauses[-1]
        if _symbol(last.items[0]) != "else":
            raise UserError("cond must end with an (else expr) clause", last.pos)
        result = self.expr(last.items[1], scope)
        for clause in reversed(clauses[:-1]):
            if _symbol(clause.items[0]) == "else":
                raise UserError("else must be the last cond clause", clause.pos)
            result = If(self.expr(clause.items[0], scope), self.expr(clause.items[1], scope), result, clause.pos)
        return result

    def form_and(self, node: SList, scope: frozenset[str]) -> Expr:
        return self.chain(node, scope, is_and=True)

    def form_or(self, node: SList, scope: frozenset[str]) -> Expr:
        return self.chain(node, scope, is_and=False)

    def chain(self, node: SList, scope: frozenset[str], is_and: bool) -> Expr:
        parts = [self.expr(x, scope) for x in node.items[1:]]
        if not parts:
            return Lit(is_and, node.pos)
        result = parts[-1]
        for part in reversed(parts[:-1]):
            short = Lit(not is_and, node.pos)
            result = If(part, result, short, node.pos) if is_and else If(part, short, result, node.pos)
        return result

    def form_let(self, node: SList, scope: frozenset[str]) -> Expr:
        self.expect(node, 3, "(let ((name expr) ...) body)")
        bindings = node.items[1]
        if type(bindings) is not SList:
            raise UserError("expected a list of bindings ((name expr) ...)", bindings.pos)
        steps: list[tuple[str, Expr, Pos | None]] = []
        inner = scope
        for binding in bindings.items:
            if type(binding) is not SList or len(binding.items) != 2:
                raise UserError("a binding is (name expr)", binding.pos)
            name = self.local_name(binding.items[0], "variable")
            steps.append((name, self.expr(binding.items[1], inner), binding.pos))
            inner = inner | {name}
        result = self.expr(node.items[2], inner)
        for name, value, pos in reversed(steps):
            result = Let(name, value, result, pos)
        return result

    def form_lambda(self, node: SList, scope: frozenset[str]) -> Expr:
        self.expect(node, 3, "(lambda (param ...) body)")
        params_node = node.items[1]
        if type(params_node) is not SList:
            raise UserError("expected a parameter list (param ...)", params_node.pos)
        params = tuple(self.local_name(p, "parameter") for p in params_node.items)
        _no_duplicates(params, params_node.items)
        return Lambda(params, self.expr(node.items[2], scope | set(params)), node.pos)

    def form_for(self, node: SList, scope: frozenset[str]) -> Expr:
        self.expect(node, 4, "(for (i lo hi) (acc init) body)")
        header, accum = node.items[1], node.items[2]
        if type(header) is not SList or len(header.items) != 3:
            raise UserError("expected (i lo hi) after for", header.pos)
        if type(accum) is not SList or len(accum.items) != 2:
            raise UserError("expected (acc init) after the loop range", accum.pos)
        var = self.local_name(header.items[0], "loop variable")
        acc = self.local_name(accum.items[0], "accumulator")
        if acc == var:
            raise UserError("the accumulator and the loop variable need different names", accum.pos)
        lo = self.expr(header.items[1], scope)
        hi = self.expr(header.items[2], scope)
        init = self.expr(accum.items[1], scope)
        body = self.expr(node.items[3], scope | {var, acc})
        return For(var, lo, hi, acc, init, body, node.pos)

    def form_define(self, node: SList, scope: frozenset[str]) -> Expr:
        raise UserError("define is only allowed at the top level of a program", node.pos)

    def form_else(self, node: SList, scope: frozenset[str]) -> Expr:
        raise UserError("else is only allowed as the last clause of cond", node.pos)
