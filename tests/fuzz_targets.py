"""Fuzz targets, shared by tests/test_fuzz.py (hypothesis) and benchmarks/fuzz.py (atheris).

Each target runs one part of godelmachine on an input and fails (an AssertionError, or any
exception other than the language's own UserError) when an invariant breaks:

- `read_program`: text gives a program or a UserError positioned inside the text; a program
  prints and reads back to itself, and compiles;
- `run_source`: a program's run ends in a value, a trap of the documented kinds or out of
  steps, within its step budget, with a value of the language's own types within the size
  limit; both evaluators agree; and while it runs Python raises no audit event at all (no
  open, socket, import, exec, compile, subprocess);
- `read_axioms`: axiom-file text gives axioms that Z3 can take, or a positioned UserError;
- `read_task`: task-file text gives a task whose generated axioms read back, or a UserError.

`random_program` builds a program over the whole primitive table (reflection included) from
any source of choices: hypothesis draws, or atheris bytes.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from godelmachine.errors import UserError
from godelmachine.lang.compiler import compiled
from godelmachine.lang.execute import run
from godelmachine.lang.interpreter import Outcome
from godelmachine.lang.primitives import BASE, ProgramValue
from godelmachine.lang.program import Program
from godelmachine.lang.values import MAX_VALUE_SIZE, Nil, Pair, Procedure, Word, show, value_size

TRAPS = frozenset({"int-overflow", "division-by-zero", "type-error", "arity", "shift-range", "empty-list",
                   "index-range", "no-such-definition", "ill-formed-code", "depth-exceeded", "value-too-large"})

# Names a program might try in order to reach Python, and names the generated Python code uses.
PYTHON_NAMES = ["__import__", "open", "eval", "exec", "compile", "getattr", "setattr", "globals", "locals",
                "vars", "__builtins__", "__class__", "__subclasses__", "__globals__", "__dict__", "os", "sys",
                "subprocess", "socket", "print", "input", "breakpoint", "type", "object", "range", "exit",
                "_W", "_FC", "_ABORT", "_Pair", "_ediv", "S", "B", "MAXD", "F0", "G_F0", "K1", "v1", "t1", "d"]


# --- what an error and an outcome may be ------------------------------------------------------

def check_user_error(error: UserError, text: str, source: str) -> None:
    """A UserError names a spot inside the text (or no spot) and renders as a compiler message."""
    rendered = error.render()
    if error.pos is None:
        assert rendered.startswith("error: "), rendered
        return
    if error.pos.source != source:  # an error in text generated from the input (task axioms)
        return
    lines = text.split("\n")
    assert 1 <= error.pos.line <= len(lines), (error.pos, len(lines))
    assert 1 <= error.pos.col <= len(lines[error.pos.line - 1]) + 1, (error.pos, lines[error.pos.line - 1][:80])
    assert rendered.startswith(f"{source}:{error.pos.line}:{error.pos.col}: error: "), rendered[:200]


def check_value(value: Any) -> None:
    """Every part of a value is one of the language's own values: no Python object leaks out."""
    assert value_size(value) <= MAX_VALUE_SIZE
    stack = [value]
    while stack:
        v = stack.pop()
        if type(v) is Pair:
            stack.extend(v)
        else:
            assert type(v) in (int, bool, str, Word, Nil) or isinstance(v, (Procedure, ProgramValue)), type(v)


def check_outcome(outcome: Outcome, budget: int) -> None:
    assert outcome.kind in ("value", "trap", "out-of-steps"), outcome
    assert 0 <= outcome.steps <= budget, (outcome.steps, budget)
    if outcome.kind == "trap":
        assert outcome.reason in TRAPS, outcome.reason
    if outcome.kind == "out-of-steps":
        assert outcome.steps == budget
    if outcome.kind == "value":
        check_value(outcome.value)


# --- Python's audit hooks: nothing happens while a program runs --------------------------------

_events: list[str] | None = None
_hooked = False


def _audit(event: str, args: Any) -> None:
    if _events is not None and not (event == "object.__getattr__" and sys.gettrace() is not None):
        _events.append(event)  # (hypothesis's own tracer, when it explains a failure, reads frames)


@contextmanager
def audit_events() -> Iterator[list[str]]:
    """The audit events (open, socket.connect, import, exec, ...) raised inside the block."""
    global _events, _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    _events = []
    try:
        yield _events
    finally:
        _events = None


# --- the targets ------------------------------------------------------------------------------

def read_program(text: str) -> Program | None:
    try:
        program = Program.from_source(text, "fuzz.gm")
    except UserError as error:
        check_user_error(error, text, "fuzz.gm")
        return None
    again = Program.from_source(program.source(), "printed.gm")
    assert again == program and again.source() == program.source()
    compiled(program)
    compiled(program, precise=True)
    return program


def run_source(source: str, args: Sequence[Any] = (0, Word(0)), budget: int = 10_000) -> Outcome | None:
    try:
        program = Program.from_source(source, "fuzz.gm")
    except UserError as error:
        check_user_error(error, source, "fuzz.gm")
        return None
    if "main" not in program:
        return None
    arity = len(program.lookup("main").params)
    args = (tuple(args) + (0,) * arity)[:arity]
    compiled(program)  # compiling is the one place that runs exec (on generated code): before watching
    compiled(program, precise=True)
    with audit_events() as events:
        fast = run(program, "main", args, budget=budget, fast=True)
        reference = run(program, "main", args, budget=budget, fast=False)
    assert not events, f"a program's run raised audit events {sorted(set(events))}: {source}"
    check_outcome(fast, budget)
    check_outcome(reference, budget)
    assert (fast.kind, fast.steps, show(fast.value), fast.reason, fast.pos) == \
        (reference.kind, reference.steps, show(reference.value), reference.reason, reference.pos), (source, fast, reference)
    return reference


@cache
def shipped_axioms() -> Any:
    from godelmachine.logic.axioms import load_axioms

    return load_axioms(check=False)


def read_axioms(text: str) -> None:
    import z3

    from godelmachine.logic.axioms import AxiomFileReader, AxiomSet
    from godelmachine.logic.smt import Translator

    target = AxiomSet(signature=shipped_axioms().signature.copy())
    try:
        AxiomFileReader(target, "fuzz.axioms").read(text)
    except UserError as error:
        check_user_error(error, text, "fuzz.axioms")
        return
    translate = Translator(z3.Context())
    for axiom in target.axioms.values():
        translate(axiom.statement)


def read_term(text: str) -> None:
    import z3

    from godelmachine.logic.smt import Translator
    from godelmachine.logic.smtlib import parse_term

    try:
        term = parse_term(text, shipped_axioms().signature.copy(), source="fuzz.term")
    except UserError as error:
        check_user_error(error, text, "fuzz.term")
        return
    Translator(z3.Context())(term)


def read_task(text: str) -> None:
    from godelmachine.logic.axioms import AxiomFileReader, AxiomSet
    from godelmachine.machine.task import TaskReader

    try:
        task = TaskReader("fuzz.task", Path("fuzz.task")).read(text)
        environment = task.environment_axioms()
        initial_state = task.initial_state_axioms("p0.solve")
    except UserError as error:
        check_user_error(error, text, "fuzz.task")
        assert error.pos is None or error.pos.source == "fuzz.task", f"an error in generated text: {error.render()}"
        return
    target = AxiomSet(signature=shipped_axioms().signature.copy())
    AxiomFileReader(target, "fuzz.task (environment)").read(environment)  # accepted: must read back
    if initial_state is not None:
        AxiomFileReader(target, "fuzz.task (initial state)").read(initial_state)


# --- programs over the whole primitive table, from any source of choices ---------------------

class Choices:
    """`pick(options)` and `number(lo, hi)`: hypothesis draws or atheris bytes behind them."""

    def __init__(self, pick: Callable[[Sequence[Any]], Any], number: Callable[[int, int], int]) -> None:
        self.pick = pick
        self.number = number


INTS = ["0", "1", "-1", "2", "7", "31", "32", "-5", "100", "9223372036854775807", "-9223372036854775808", "4294967296"]
WORDS = ["#x00000000", "#x00000001", "#xffffffff", "#x80000000", "#b1010"]
DATA = ["'()", "'(1 2 3)", "'a", "'|/etc/passwd|", "'|__import__('os')|", "'(define (h a b) a)", "'((1) (2 (3)))", "'#t"]
SPECIAL = ["if", "cond", "and", "or", "let", "lambda", "for", "call", "apply", "quote-code", "eval-bounded",
           "program-set", "run-bounded", "grow"]


def random_program(c: Choices, depth: int = 4) -> str:
    """`(define (h a b) ...)` and `(define (main x w) ...)`: any primitive, any special form,
    recursion through h and main, closures, reflection; ill-typed as often as not."""
    h = random_expr(c, depth - 1, ["a", "b"])
    main = random_expr(c, depth, ["x", "w"])
    return f"(define (h a b) {h})\n(define (main x w) {main})\n"


def random_expr(c: Choices, depth: int, scope: list[str]) -> str:
    if depth <= 0 or c.number(0, 4) == 0:
        return random_leaf(c, scope)
    d = depth - 1
    e = lambda: random_expr(c, d, scope)  # noqa: E731
    kind = c.pick(["prim", "prim", "prim", *SPECIAL])
    if kind == "prim":
        prim = c.pick(list(BASE.values()))
        count = c.number(0, 3) if prim.variadic else len(prim.params)
        return f"({prim.name}{''.join(' ' + e() for _ in range(count))})"
    if kind == "if":
        return f"(if {e()} {e()} {e()})"
    if kind == "cond":
        return f"(cond ({e()} {e()}) (else {e()}))"
    if kind in ("and", "or"):
        return f"({kind} {e()} {e()})"
    if kind == "let":
        name = f"v{c.number(0, 3)}"
        return f"(let (({name} {e()})) {random_expr(c, d, [*scope, name])})"
    if kind == "lambda":
        name = f"p{c.number(0, 3)}"
        return f"((lambda ({name}) {random_expr(c, d, [*scope, name])}) {e()})"
    if kind == "for":
        i, acc = f"i{c.number(0, 3)}", f"acc{c.number(0, 3)}"
        hi = c.pick(["3", "10", "-1", e()])
        return f"(for ({i} {c.pick(['0', '1', '-2'])} {hi}) ({acc} {e()}) {random_expr(c, d, [*scope, i, acc])})"
    if kind == "call":
        return f"({c.pick(['h', 'main'])} {e()} {e()})"
    if kind == "apply":
        return f"({c.pick(['h', '(lambda (q r) q)', e()])} {e()} {e()})"
    if kind == "quote-code":
        return f"'{random_expr(c, d, [])}"
    if kind == "eval-bounded":
        return f"(eval-bounded '{random_expr(c, d, [])} {c.pick(['0', '5', '100', '100000', e()])})"
    if kind == "program-set":
        return f"(program-set (current-program) '(define ({c.pick(['h', 'main', 'zz'])} a b) {random_expr(c, d, ['a', 'b'])}))"
    if kind == "run-bounded":
        return f"(run-bounded (current-program) '{c.pick(['h', 'main', 'zz'])} (list {e()} {e()}) {c.pick(['10', '1000', e()])})"
    # grow: a list that doubles each iteration, for the value-size limit
    return f"(for (i 1 {c.pick(['5', '25', '40'])}) (acc '(x)) ({c.pick(['list', 'append', 'cons'])} acc acc))"


def random_leaf(c: Choices, scope: list[str]) -> str:
    kind = c.number(0, 6)
    if kind <= 1 and scope:
        return c.pick(scope)
    if kind == 2:
        return c.pick(INTS)
    if kind == 3:
        return c.pick(WORDS)
    if kind == 4:
        return c.pick(["#t", "#f", "h", "main"])
    if kind == 5:
        return c.pick(DATA)
    return str(c.number(-20, 20))
