"""Fuzzing the readers and the interpreter (issue 7, item 4).

Random bytes, random text and mutated real files given to the language reader, the axiom
reader and the task reader give nothing but the language's own UserError, positioned inside
the text. Random programs over the whole primitive table (and the typed ones of
tests/strategies.py) end in a value, a trap or out of steps, within their step budget, with
values of the language's own types within the size limit; recursion ends in depth-exceeded,
never a RecursionError; and no program reaches Python: names like __import__ or open are
unknown, names that could inject code never reach the generated Python source, and while a
program runs Python raises no audit event (no file, socket, import, exec or subprocess).

The targets are in tests/fuzz_targets.py. GODELMACHINE_FUZZ_EXAMPLES=N runs each fuzzer here
N times, randomly (`benchmarks/fuzz.py` runs the same targets under atheris).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import REPO
from fuzz_targets import (
    PYTHON_NAMES,
    Choices,
    check_outcome,
    random_program,
    read_axioms,
    read_program,
    read_task,
    read_term,
    run_source,
)
from godelmachine.errors import UserError
from godelmachine.lang import compiler
from godelmachine.lang.execute import run
from godelmachine.lang.primitives import TYPES
from godelmachine.lang.program import Program
from godelmachine.lang.values import MAX_CALL_DEPTH, MAX_VALUE_SIZE, Word
from helpers import datum
from strategies import main_arguments, programs

LONG_RUN = int(os.environ.get("GODELMACHINE_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int) -> settings:
    """`examples` in the suite; GODELMACHINE_FUZZ_EXAMPLES of them, not derandomized, on demand."""
    if LONG_RUN:
        return settings(max_examples=LONG_RUN, deadline=None, derandomize=False, database=None,
                        suppress_health_check=list(HealthCheck))
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))


# --- inputs: real files, and mutations of them ---------------------------------------------------

def corpus(*patterns: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for pattern in patterns for p in sorted(REPO.glob(pattern))]


PROGRAMS = corpus("examples/*.gm", "godelmachine/search/techniques/*.gm")
AXIOM_FILES = corpus("proofs/*.axioms")
TASK_FILES = corpus("godelmachine/tasks/*.task")
TOKENS = ["(", ")", "'", "|", "#x", "#b", "#t", "#f", ";", "\n", "\r", "\t", " ", "\\", '"', "\x00", "\x0c", "\u2028",
          "é", "١", "²", "9223372036854775808", "-0", "0.5", "(_ BitVec 0)", "(_ bv9 2)", "(!)", "(and)", "define",
          "lambda", "let", "if", "cond", "else", "for", "quote", "eval-bounded", "program-set", "__import__",
          "forall", "exists", "axiom", "declare-fun", "Int", "Real", "Bool", "%x", "'" * 120, "(" * 120, "1" * 5000]


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    """A real file with a few random edits: a slice deleted, duplicated or replaced by a token."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = min(len(text), i + draw(st.integers(0, 40)))
        edit = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if edit == "delete":
            text = text[:i] + text[j:]
        elif edit == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
        elif edit == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[j:]
    return text


def any_text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
                     st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))


# --- (a) the language's reader and analyzer -------------------------------------------------------

@fuzz(300)
@given(any_text())
def test_random_text_reads_as_a_program_or_a_positioned_user_error(text: str) -> None:
    read_program(text)


@fuzz(200)
@given(mutated(PROGRAMS))
def test_mutated_programs_read_or_give_a_positioned_user_error(text: str) -> None:
    read_program(text)


@pytest.mark.parametrize("text, message, line, col", [
    ("'" * 5000 + "x", "nesting deeper than 100 levels", 1, 101),
    ("(define (main) " + "'" * 200 + "x)", "nesting deeper than 100 levels", 1, 15 + 100),
    ("(define (main) " + "1" * 5000 + ")", "integer literal 11111111111111111111...(5000 characters) is outside", 1, 16),
])
def test_regression_quotes_and_long_numbers_are_user_errors(text: str, message: str, line: int, col: int) -> None:
    """Found by fuzzing: a run of quotes was a RecursionError, a 5,000-digit literal quoted
    Python's own int-conversion limit."""
    with pytest.raises(UserError) as info:
        Program.from_source(text, "fuzz.gm")
    assert message in info.value.message and (info.value.pos.line, info.value.pos.col) == (line, col)


def test_regression_the_quoted_line_is_the_line_of_the_position() -> None:
    """Found by fuzzing: a form feed, \\x1c or U+2028 inside a line made the caret quote
    another line (lines are counted at newlines only)."""
    for separator in ("\x0c", "\x1c", "\u2028", "\x85"):
        text = f"; a comment with {separator} inside\n(define (main) (nope))"
        with pytest.raises(UserError) as info:
            Program.from_source(text, "fuzz.gm")
        assert info.value.render().splitlines()[1:] == ["  (define (main) (nope))", " " * (2 + 16) + "^"]


# --- (b) the interpreter: values, traps, steps, depth and size ------------------------------------

def hypothesis_choices(draw: st.DrawFn) -> Choices:
    return Choices(lambda options: draw(st.sampled_from(list(options))), lambda lo, hi: draw(st.integers(lo, hi)))


@st.composite
def whole_table_programs(draw: st.DrawFn) -> str:
    return random_program(hypothesis_choices(draw), depth=draw(st.integers(1, 5)))


BUDGETS = st.sampled_from([0, 1, 7, 100, 2_000, 20_000])


@fuzz(200)
@given(whole_table_programs(), main_arguments(), BUDGETS)
def test_random_programs_over_the_whole_table_end_within_their_budgets(source: str, args: tuple[int, int],
                                                                      budget: int) -> None:
    run_source(source, (args[0], Word(args[1])), budget)


@fuzz(200)
@given(programs(), main_arguments(), BUDGETS)
def test_random_typed_programs_end_within_their_budgets(source: str, args: tuple[int, int], budget: int) -> None:
    run_source(source, (args[0], Word(args[1])), budget)


DEEP_BODY = "(+ 1 " * 25 + "(f (+ n 1))" + ")" * 25  # each call nests 26 levels of Python recursion


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("source, reason", [
    ("(define (f n) (f (+ n 1))) (define (main) (f 0))", "depth-exceeded"),
    (f"(define (f n) {DEEP_BODY}) (define (main) (f 0))", "depth-exceeded"),
    ("(define (main) ((lambda (g) (g g)) (lambda (g) (g g))))", "depth-exceeded"),
    ("(define (main) (for (i 1 40) (a '(x)) (list a a)))", "value-too-large"),
    ("(define (main) (for (i 1 40) (a '(x)) (cons a a)))", "value-too-large"),
])
def test_depth_and_size_limits_are_traps_in_both_evaluators(source: str, reason: str, fast: bool) -> None:
    outcome = run(Program.from_source(source, "limits.gm"), "main", (), budget=50_000_000, fast=fast)
    check_outcome(outcome, 50_000_000)
    assert (outcome.kind, outcome.reason) == ("trap", reason), outcome
    if reason == "depth-exceeded":
        assert f"more than {MAX_CALL_DEPTH} nested calls" in outcome.detail
    else:
        assert f"a list would exceed {MAX_VALUE_SIZE} nodes" in outcome.detail


@pytest.mark.parametrize("source", [f"(define (main x) ({prim} x))" for prim in ("car", "cdr", "length")] + [
    "(define (main x) (cons 1 x))",
    "(define (h a b) a) (define (main x) (or (h '(1) (cons 0 x)) 0))",  # the program the fuzzer found
])
def test_regression_precise_mode_checks_a_list_argument_before_it_charges(source: str) -> None:
    """Found by fuzzing: with the budget spent exactly by the call, precise mode charged the
    primitive before checking that its argument is a list, and reported out-of-steps where
    the reference evaluator traps with type-error (which costs nothing)."""
    outcome = run_source(source, (5,), budget=1)
    assert outcome is not None and (outcome.kind, outcome.reason, outcome.steps) == ("trap", "type-error", 1)


def test_regression_a_definitions_parameter_cannot_rebind_a_primitive() -> None:
    """Found by fuzzing: let and lambda refused to rebind a primitive, but a definition's
    parameter named + made (+ + 1) a call of an integer."""
    with pytest.raises(UserError) as info:
        Program.from_source("(define (f +) (+ + 1))", "rebind.gm")
    assert (info.value.message, info.value.pos.col) == ("'+' is a primitive and cannot be rebound", 12)


@pytest.mark.parametrize("budget", [0, 1, 99, 12_345])
def test_a_program_that_never_halts_stops_at_its_budget_exactly(budget: int) -> None:
    source = "(define (main) (spin 0)) (define (spin n) (if #t (for (i 0 9223372036854775806) (a 0) a) 0))"
    for fast in (True, False):
        outcome = run(Program.from_source(source), "main", (), budget=budget, fast=fast)
        assert (outcome.kind, outcome.steps) == ("out-of-steps", budget)


# --- (c) the sandbox: no way from a program to Python ---------------------------------------------

@pytest.mark.parametrize("name", PYTHON_NAMES)
def test_python_names_are_unknown_to_programs(name: str) -> None:
    for use, message in [(f"({name} 1)", f"unknown function {name!r}"), (name, f"unknown name {name!r}")]:
        with pytest.raises(UserError) as info:
            Program.from_source(f"(define (main) {use})", "sandbox.gm")
        assert info.value.message == message


@pytest.mark.parametrize("name", PYTHON_NAMES)
def test_python_names_as_the_programs_own_names_and_data_are_plain_names_and_symbols(name: str) -> None:
    source = (f"(define (|{name}| |{name}x|) (let ((|{name}y| '|{name}|)) (list |{name}x| |{name}y|)))"
              f"(define (main) (|{name}| 7))")
    outcome = run_source(source, (), 1_000)
    assert outcome is not None and outcome.kind == "value" and outcome.value == datum(f"(7 |{name}|)")


HOSTILE = st.lists(st.sampled_from(list("ab_'\"\\\n\r{}()#;:.=+ ") + ["__", "import", "os", "')", '"""']),
                   min_size=1, max_size=12).map("".join)


GENERATED_NAME = re.compile(r"F[0-9]+_[iwba]+|(F|G_F|v|t|u|L|K)[0-9]+")
ATTRIBUTES = {"head", "tail", "length", "bits", "fn", "arity"}


def check_generated_source(program: Program, module: compiler.CompiledProgram) -> None:
    """The generated Python is made of the compiler's own names only (F1, v2, t3, K4, the
    namespace's helpers and the allowed builtins), and its only strings are the names of the
    program's definitions (as repr) and type names: no user text is ever code."""
    allowed = set(module.namespace) | set(compiler.GENERATED_CODE_BUILTINS) | {"d", "S", "B", "_module", "_call", "f", "args",
                                                                               "budget", "value"}
    for node in ast.walk(ast.parse(module.source)):
        names = ([node.id] if isinstance(node, ast.Name) else [node.name] if isinstance(node, ast.FunctionDef)
                 else [node.arg] if isinstance(node, ast.arg) else node.names if isinstance(node, (ast.Global, ast.Nonlocal)) else [])
        for name in names:
            assert GENERATED_NAME.fullmatch(name) or name in allowed, name
        if isinstance(node, ast.Attribute):
            assert node.attr in ATTRIBUTES, node.attr
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value in program.names() or node.value in TYPES, node.value
        assert not isinstance(node, (ast.Import, ast.ImportFrom, ast.Lambda, ast.JoinedStr)), ast.dump(node)


@fuzz(100)
@given(st.lists(HOSTILE, min_size=4, max_size=4, unique=True))
def test_names_that_could_inject_python_never_reach_the_generated_source(names: list[str]) -> None:
    """Definitions, parameters, let variables and quoted symbols named with quotes, newlines,
    backslashes, braces and dunders: the program runs, and its generated Python holds none
    of them except a definition's name as a repr() string."""
    from godelmachine.lang.values import show_symbol

    f, p, v, s = (show_symbol(n) for n in names)
    source = f"(define ({f} {p}) (let (({v} (+ {p} 1))) (list {v} '{s} {f})))\n(define (main) ({f} 41))\n"
    try:
        program = Program.from_source(source, "hostile.gm")
    except UserError:
        return  # a name that is a special form, a primitive or a literal: refused by the reader
    for precise in (False, True):
        check_generated_source(program, compiler.compiled(program, precise))
    outcome = run_source(source, (), 100)
    assert outcome is not None and outcome.kind == "value" and outcome.value.head == 42


@fuzz(150)
@given(st.one_of(programs(), whole_table_programs()))
def test_generated_python_is_made_of_the_compilers_own_names(source: str) -> None:
    try:
        program = Program.from_source(source, "random.gm")
    except UserError:
        return
    for precise in (False, True):
        module = compiler.compiled(program, precise)
        if module is not None:
            check_generated_source(program, module)


def test_the_generated_code_sees_only_the_builtins_it_needs() -> None:
    program = Program.from_source("(define (main x) (for (i 0 x) (a 0) (max (abs a) (min i 3))))")
    module = compiler.compiled(program)
    assert set(module.namespace["__builtins__"]) == {"abs", "bool", "int", "max", "min", "range", "type"}
    assert module.call("main", (5,), 1000)[0] == 3


def test_only_the_compiler_calls_exec_and_only_on_the_code_it_generated() -> None:
    """No module of godelmachine calls eval, exec, compile, __import__ or open on anything
    a program could make, except the two compilers' exec of their own generated modules
    (compiler.py, the fast path; batch.py, the numpy batch path), and compiler.py's eval of a
    precondition it wrote over integer literals only."""
    calls = []
    for path in sorted((REPO / "godelmachine").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("eval", "exec", "compile", "__import__"):
                calls.append((path.relative_to(REPO).as_posix(), node.func.id, ast.unparse(node.args[0])))
    assert sorted(calls) == [("godelmachine/lang/batch.py", "compile", "self.source"),
                             ("godelmachine/lang/batch.py", "exec", "compile(self.source, f'<batch {program.digest[:12]} "
                              "{name}>', 'exec')"),
                             ("godelmachine/lang/compiler.py", "compile", "self.source"),
                             ("godelmachine/lang/compiler.py", "eval", "pre"),
                             ("godelmachine/lang/compiler.py", "exec", "compile(self.source, f'<compiled {mode} "
                              "{program.digest[:12]}>', 'exec')")]


# --- (d) the logic's reader: axiom files, terms, task files ---------------------------------------

@fuzz(200)
@given(st.one_of(any_text(), mutated(AXIOM_FILES)))
def test_random_and_mutated_axiom_files_read_or_give_a_positioned_user_error(text: str) -> None:
    read_axioms(text)


@fuzz(200)
@given(st.one_of(any_text(), mutated(["(forall ((x Int)) (=> (> x 0) (>= (* x x) x)))",
                                      "(let ((a (bvadd #x00000001 #x00000002))) (= (bv2nat a) 3))",
                                      "(and (= ((_ int2bv 32) 5) (_ bv5 32)) (< 1.5 (/ 7 2)))"])))
def test_random_terms_read_or_give_a_positioned_user_error(text: str) -> None:
    read_term(text)


@fuzz(200)
@given(st.one_of(any_text(), mutated(TASK_FILES)))
def test_random_and_mutated_task_files_load_or_give_a_positioned_user_error(text: str) -> None:
    read_task(text)


@pytest.mark.parametrize("term, message", [
    ("(" * 300 + ")" * 300, "nesting deeper than 200 parentheses"),
    ("(!)", "expected (! term :attribute value ...)"),
    ("1" * 2000, "a number of more than 1000 digits"),
    ("(_ |bv²| 32)", "unsupported indexed term (expected (_ bvN width))"),
    ("(_ bv9 2)", "9 does not fit in 2 bits"),
    ("(forall ((x (_ BitVec 0))) true)", "a bit-vector width must be 1 to 65536 bits, not 0"),
    ("(and)", "and needs at least one argument"),
    ("(let ((x 1) (x true)) x)", "'x' is bound twice in one let"),
])
def test_regression_terms_that_crashed_the_reader_or_z3(term: str, message: str) -> None:
    """Found by fuzzing: each was a RecursionError, IndexError, ValueError or a Z3Exception."""
    with pytest.raises(UserError) as info:
        read_term_strict(term)
    assert info.value.message == message


def read_term_strict(text: str) -> None:
    from godelmachine.logic.smtlib import Signature, parse_term

    parse_term(text, Signature())


@pytest.mark.parametrize("instance, message", [
    ("(instance ((n int)) (finite n (1 0 0) (1 1 1)))", "the denominator of a weight (p q value) must be positive"),
    ("(instance ((n int)) (finite n (1 2 abc) (1 2 1)))", "expected a value of type int, got abc"),
    ("(instance ((n int)) (finite n ((1 2) 0) ((1 2) 1)))",
     "expected a row (weight value) or (p q value), with integers p and q"),
    ("(instance ((n int)) (finite n (-1 0) (2 1)))", "a weight must not be negative"),
    ("(instance ((n int) (n int)) (product (uniform-int n 0 1) (uniform-int n 0 1)))",
     "the instance variable 'n' is declared twice"),
    ("(instance ((|n Int)) (axiom cheat false) (x| int)) (uniform-int |n Int)) (axiom cheat false) (x| 0 1))",
     "an instance variable must be a plain name"),
])
def test_regression_task_files_that_crashed_or_injected_into_the_generated_axioms(instance: str, message: str) -> None:
    """Found by fuzzing: a zero denominator, a symbol or a list as a weight was a Python
    exception; a variable's name was pasted into the generated axiom text unchecked."""
    text = (f"(task t (lifetime 100) {instance} (solver (define (solve n) n))"
            " (reward exact (define (check n y) (= y n))))")
    with pytest.raises(UserError) as info:
        from godelmachine.machine.task import TaskReader

        TaskReader("t.task", Path("t.task")).read(text)
    assert info.value.message.startswith(message) and info.value.pos.source == "t.task"
