"""The Program value: lookup, replace and add return new programs; programs are always well-formed."""

from __future__ import annotations

import pytest

from godelmachine.errors import UserError
from godelmachine.lang.execute import run
from godelmachine.lang.program import Program

SOURCE = """
(define (square x) (* x x))
(define (main x) (+ (square x) 1))
"""


def test_replace_returns_a_new_program_and_keeps_the_old() -> None:
    old = Program.from_source(SOURCE)
    new = old.replace("(define (square x) (let ((y x)) (* y y)))")
    assert run(old, "main", (5,)).value == run(new, "main", (5,)).value == 26
    assert old.lookup("square").code != new.lookup("square").code
    assert old.digest != new.digest
    assert new.names() == old.names()


def test_add_then_call_the_new_definition() -> None:
    program = Program.from_source(SOURCE).add("(define (cube x) (* x (square x)))")
    assert program.names() == ("square", "main", "cube")
    assert run(program, "cube", (3,)).value == 27


def test_edits_that_would_break_the_program_are_refused() -> None:
    program = Program.from_source(SOURCE)
    with pytest.raises(UserError, match=r"square takes 2 argument\(s\), given 1"):
        program.replace("(define (square x y) (* x y))")  # main calls square with one argument
    with pytest.raises(UserError, match="no definition named 'cube' to replace"):
        program.replace("(define (cube x) x)")
    with pytest.raises(UserError, match="already defines 'main'"):
        program.add("(define (main x) x)")
    with pytest.raises(UserError, match="unknown name 'z'"):
        program.replace("(define (square x) z)")


def test_source_round_trip_and_digest_are_stable() -> None:
    program = Program.from_source(SOURCE)
    assert Program.from_source(program.source()).digest == program.digest
    assert program.digest == Program.from_source(SOURCE.replace("\n", "\n\n  ")).digest


def test_a_running_program_reads_and_rewrites_its_own_code() -> None:
    source = SOURCE + """
(define (faster)
  (program-set (current-program) (list 'define '(square x) '(* x x))))
(define (main2) (run-bounded (faster) 'main '(7) 100))
"""
    outcome = run(Program.from_source(source), "main2", ())
    assert outcome.value.head == "value" and outcome.value.tail.head == 50
