"""Malformed programs: each gives one positioned error with the expected message."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from godelmachine.errors import UserError
from godelmachine.lang.program import Program

# (source, part of the message, line, column)
ERRORS = [
    ("(define (main) (+ 1 2)", "this '(' is never closed", 1, 1),
    ("(define (main) 1))", "unexpected ')'", 1, 18),
    ("(define (main)\n  (foo 1))", "unknown function 'foo'", 2, 4),
    ("(define (main) y)", "unknown name 'y'", 1, 16),
    ("(define (main) (+ 1))", "+ takes 2 argument(s), given 1", 1, 16),
    ("(define (f x) x) (define (main) (f 1 2))", "f takes 1 argument(s), given 2", 1, 33),
    ("(define (main) ())", "empty combination", 1, 16),
    ("(define (main) (if #t 1))", "expected (if test then else)", 1, 16),
    ("(define (main) (let ((x)) x))", "a binding is (name expr)", 1, 22),
    ("(define (main) (let ((+ 1)) 1))", "'+' is a primitive and cannot be rebound", 1, 23),
    ("(define (main) (lambda (x x) x))", "'x' is bound twice", 1, 27),
    ("(define (main) (cond ((= 1 1) 2)))", "cond must end with an (else expr) clause", 1, 22),
    ("(define (main) (cond (else 1) ((= 1 1) 2)))", "cond must end with an (else expr) clause", 1, 31),
    ("(define (main) (for (i 0) (a 0) a))", "expected (i lo hi) after for", 1, 21),
    ("(define (main) (for (i 0 3) (i 0) i))", "different names", 1, 29),
    ("(define (main) (define (g) 1))", "define is only allowed at the top level", 1, 16),
    ("(define main 5)", "write (define (main) expr) to define a constant function", 1, 9),
    ("(define (main) 1) (define (main) 2)", "'main' is defined twice", 1, 19),
    ("(define (car x) x)", "'car' is a primitive and cannot be redefined", 1, 9),
    ("(define (main) 99999999999999999999)", "outside the integer range", 1, 16),
    ("(define (main) #x123456789)", "at most 8 hex digits", 1, 16),
    ("(define (main) #q1)", "unknown literal", 1, 16),
    ("(define (main) 12abc)", "malformed number", 1, 16),
    ("(define (main) car)", "primitive 'car' cannot be used as a value", 1, 16),
    ("(define (main) (quote))", "expected (quote datum)", 1, 16),
    ("(define (main) |abc)", "not closed on its line", 1, 16),
    ("(define (main) ')", "unexpected ')'", 1, 17),
    ("(define (main) 1 2)", "with one body expression", 1, 1),
    ("42", "expected a definition", 1, 1),
    ("(" * 101 + ")" * 101, "nesting deeper than 100", 1, 101),
    ("(define (main) (let (" + " ".join(f"(v{i} {i})" for i in range(101)) + ") 0))", "nested more than 100 levels", 1, 902),
]


@pytest.mark.parametrize("source, message, line, col", ERRORS)
def test_positioned_error(source: str, message: str, line: int, col: int) -> None:
    with pytest.raises(UserError) as info:
        Program.from_source(source, "bad.gm")
    error = info.value
    assert message in error.message
    assert (error.pos.source, error.pos.line, error.pos.col) == ("bad.gm", line, col)
    rendered = error.render()
    assert rendered.startswith(f"bad.gm:{line}:{col}: error: ")
    caret_line = rendered.splitlines()[-1]
    assert caret_line.index("^") == col + 1  # two spaces of indent, then the column


@settings(max_examples=2000)
@given(st.text(alphabet=st.sampled_from(list("()'; \n|#xabt0123456789-+*define lambda if let for")), max_size=80))
def test_any_text_reads_or_fails_with_a_positioned_error(text: str) -> None:
    try:
        Program.from_source(text, "fuzz.gm")
    except UserError as error:
        assert error.pos is None or error.pos.line >= 1


@settings(max_examples=500)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash_the_reader(blob: bytes) -> None:
    try:
        Program.from_source(blob.decode("utf-8", errors="replace"), "fuzz.gm")
    except UserError:
        pass
