"""The language by example: (program, expected value, expected steps), on both evaluators.

Steps are counted by hand from the cost table in godelmachine/lang/syntax.py (a call 1, an if 1,
a lambda 1, a loop 1 plus 1 per iteration) and the primitive table (1 per primitive, plus the
walk of `nth`, `append`, `reverse`, `list`, `equal?`, and the size of built code: one per atom
and one per list in it).
"""

from __future__ import annotations

import pytest

from helpers import datum, run_both

# (program text, arguments, printed value, steps)
VALUES = [
    ("(define (main) 42)", (), "42", 1),
    ("(define (main) (+ 1 2))", (), "3", 2),
    ("(define (main) (if (< 1 2) 10 20))", (), "10", 3),
    ("(define (main) (let ((x (* 3 4))) (- x 2)))", (), "10", 3),
    ("(define (main) (let ((x 1) (y (+ x 1))) (list x y)))", (), "(1 2)", 1 + 1 + 3),
    ("(define (main) ((lambda (x) (* x x)) 7))", (), "49", 4),
    ("(define (main) (and #t #f))", (), "#f", 2),
    ("(define (main) (or #f #f #t))", (), "#t", 3),
    ("(define (main) (and))", (), "#t", 1),
    ("(define (main) (cond ((= 1 2) 'a) ((= 1 1) 'b) (else 'c)))", (), "b", 5),
    ("(define (main) 'sym)", (), "sym", 1),
    ("(define (main) '(a (b 1) #t #x0000000f))", (), "(a (b 1) #t #x0000000f)", 1),
    ("(define (main) (div -7 2))", (), "-4", 2),
    ("(define (main) (mod -7 2))", (), "1", 2),
    ("(define (main) (div 7 -2))", (), "-3", 2),
    ("(define (main) (div -7 -2))", (), "4", 2),
    ("(define (main) (mod 7 -2))", (), "1", 2),
    ("(define (main) (list (abs -5) (neg 5) (min 3 4) (max 3 4)))", (), "(5 -5 3 4)", 1 + 4 + 5),
    ("(define (main) (w+ #xffffffff #x00000002))", (), "#x00000001", 2),
    ("(define (main) (w- #x00000000 #x00000001))", (), "#xffffffff", 2),
    ("(define (main) (w* #x80000000 #x00000002))", (), "#x00000000", 2),
    ("(define (main) (wneg #x00000001))", (), "#xffffffff", 2),
    ("(define (main) (wnot #x0f0f0f0f))", (), "#xf0f0f0f0", 2),
    ("(define (main) (wshl #x00000001 31))", (), "#x80000000", 2),
    ("(define (main) (wshr #x80000000 31))", (), "#x00000001", 2),
    ("(define (main) (wsar #x80000000 31))", (), "#xffffffff", 2),
    ("(define (main) (list (wult #xffffffff #x00000001) (wslt #xffffffff #x00000001)))", (), "(#f #t)", 1 + 2 + 3),
    ("(define (main) (list (word -1) (word->int #xffffffff) (word->sint #xffffffff)))", (), "(#xffffffff 4294967295 -1)", 1 + 3 + 4),
    ("(define (main) (wudiv #x00000007 #x00000002))", (), "#x00000003", 2),
    ("(define (main) (= 'a 'a))", (), "#t", 2),
    ("(define (main) (= #x00000001 #x00000001))", (), "#t", 2),
    ("(define (main) (cons 1 '(2 3)))", (), "(1 2 3)", 2),
    ("(define (main) (list (car '(1 2)) (cdr '(1 2))))", (), "(1 (2))", 1 + 2 + 3),
    ("(define (main) (append '(1 2) '(3)))", (), "(1 2 3)", 1 + 1 + 2),
    ("(define (main) (reverse '(1 2 3)))", (), "(3 2 1)", 1 + 1 + 3),
    ("(define (main) (nth '(a b c) 2))", (), "c", 1 + 1 + 2),
    ("(define (main) (length '(a b c)))", (), "3", 2),
    ("(define (main) (equal? '(1 (2)) '(1 (2))))", (), "#t", 1 + 1 + 4),
    ("(define (main) (list (null? '()) (pair? '()) (int? 1) (word? 1) (symbol? 'a) (list? '())))", (), "(#t #f #t #f #t #t)", 1 + 6 + 7),
    # loops: 1 to enter, then per iteration 1 + the body
    ("(define (main n) (for (i 1 n) (acc 0) (+ acc i)))", (10,), "55", 1 + 1 + 10 * 2),
    ("(define (main n) (for (i 1 n) (acc 0) (+ acc i)))", (0,), "0", 2),
    ("(define (main) (for (i 3 1) (acc 'none) i))", (), "none", 2),
    ("(define (main) (for (i 0 2) (acc '()) (cons i acc)))", (), "(2 1 0)", 2 + 3 * 2),
    # closures keep the value they captured, even a loop variable
    ("(define (main) (for (i 0 2) (acc '()) (cons (lambda () i) acc)))", (), None, 2 + 3 * 3),
    ("(define (main) (let ((fs (for (i 0 2) (acc '()) (cons (lambda () i) acc)))) (list ((car fs)) ((nth fs 2)))))", (),
     "(2 0)", 1 + (2 + 3 * 3) + 1 + 1 + 1 + (1 + 2) + 1 + 1),
    # recursion: fib(n) costs C(n) = 3 for n < 2, else 6 + C(n-1) + C(n-2)
    ("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))", (3,), "2", 21),
    ("(define (f x) (* x 2)) (define (main) (f (f 3)))", (), "12", 1 + 2 * 2),
    ("(define (f x) (* x 2)) (define (main) ((lambda (g) (g 5)) f))", (), "10", 1 + 1 + 1 + 2),
    # the compiler's return-type inference settles when a caller's type flips with its callee's
    ("(define (g a b) #t) (define (main) (and (or (= 1 2) (= 1 1)) (g 1 2)))", (), "#t", 1 + 3 + 1 + 1),
    # code is data
    ("(define (sq x) (* x x)) (define (main) (code-of 'sq))", (), "(define (sq x) (* x x))", 2),
    ("(define (main) (eval-bounded '(+ 1 2) 100))", (), "(value 3 1)", 1 + 1 + 4 + 1),
    ("(define (main) (eval-bounded '(car '()) 100))", (), "(trap empty-list 1)", 1 + 1 + 5 + 1),
    ("(define (main) (eval-bounded '(+ 1 2) 0))", (), "(out-of-steps 0)", 1 + 1 + 4),
    ("(define (main) (eval-bounded '(+ 1 nope) 10))", (), "(ill-formed |unknown name 'nope'|)", 1 + 1 + 4),
    ("(define (sq x) (* x x)) (define (main) (run-bounded (current-program) 'sq '(4) 10))", (), "(value 16 2)", 1 + 1 + 1 + 2),
    ("(define (sq x) (* x x)) (define (main) (program-names (program-set (current-program) '(define (sq x) (+ x x)))))",
     (), "(sq main)", 1 + 1 + (1 + 9) + (1 + 2)),
]


@pytest.mark.parametrize("source, args, printed, steps", VALUES)
def test_value_and_steps(source: str, args: tuple, printed: str | None, steps: int) -> None:
    entry = "main" if "(define (main" in source else source.split()[1].strip("(")
    outcome = run_both(source, args, entry=entry)
    assert outcome.kind == "value", outcome
    if printed is not None:
        assert outcome.value == datum(printed)
    assert outcome.steps == steps


# (program text, trap reason, steps, line, column)
TRAPS = [
    ("(define (main) (* 9223372036854775807 2))", "int-overflow", 2, 1, 16),
    ("(define (main) (- -9223372036854775808 1))", "int-overflow", 2, 1, 16),
    ("(define (main) (neg -9223372036854775808))", "int-overflow", 2, 1, 16),
    ("(define (main) (div -9223372036854775808 -1))", "int-overflow", 2, 1, 16),
    ("(define (main) (div 1 0))", "division-by-zero", 2, 1, 16),
    ("(define (main) (mod 1 0))", "division-by-zero", 2, 1, 16),
    ("(define (main) (wudiv #x00000001 #x00000000))", "division-by-zero", 2, 1, 16),
    ("(define (main) (wshl #x00000001 32))", "shift-range", 2, 1, 16),
    ("(define (main) (wshr #x00000001 -1))", "shift-range", 2, 1, 16),
    ("(define (main) (+ 1 #t))", "type-error", 1, 1, 16),
    ("(define (main) (+ 1 #x00000001))", "type-error", 1, 1, 16),
    ("(define (main) (= 1 #t))", "type-error", 2, 1, 16),
    ("(define (main) (if 1 2 3))", "type-error", 1, 1, 16),
    ("(define (main) (car '()))", "empty-list", 2, 1, 16),
    ("(define (main) (nth '(1) 1))", "index-range", 3, 1, 16),
    ("(define (main) (5 1))", "type-error", 1, 1, 16),
    ("(define (main) ((lambda (x) x) 1 2))", "arity", 2, 1, 16),
    ("(define (main) (for (i 1 'a) (acc 0) acc))", "type-error", 1, 1, 16),
    ("(define (main) (+ 1 (car '())))", "empty-list", 2, 1, 21),
    ("(define (main) (code-of 'nope))", "no-such-definition", 2, 1, 16),
    ("(define (main) (program-set (current-program) '(define (main) (nope))))", "ill-formed-code", 2 + 1 + 6, 1, 16),
    ("(define (f n) (f (+ n 1))) (define (main) (f 0))", "depth-exceeded", 1 + 1 + 3999 * 2, 1, 15),
    ("(define (main) (for (i 1 25) (a '(x)) (append a a)))", "value-too-large", None, 1, 39),
]


@pytest.mark.parametrize("source, reason, steps, line, col", TRAPS)
def test_traps(source: str, reason: str, steps: int | None, line: int, col: int) -> None:
    outcome = run_both(source)
    assert (outcome.kind, outcome.reason) == ("trap", reason), outcome
    if steps is not None:
        assert outcome.steps == steps
    assert (outcome.pos.line, outcome.pos.col) == (line, col)


def test_out_of_steps_reports_the_budget() -> None:
    source = "(define (main) (for (i 1 1000) (a 0) (+ a i)))"
    outcome = run_both(source, budget=100)
    assert (outcome.kind, outcome.steps) == ("out-of-steps", 100)
    assert run_both(source, budget=2002).kind == "value"  # 1 + 1 + 1000 * 2 steps exactly
    assert run_both(source, budget=2001).kind == "out-of-steps"


def test_trap_before_budget_is_a_trap_and_after_is_out_of_steps() -> None:
    # The loop body traps at i = 5; steps before the trap: 1 + 1 + 4 * 3 + 1 + 1 (the trapping div).
    source = "(define (main) (for (i 1 10) (a 0) (+ a (div 1 (- 5 i)))))"
    trap = run_both(source, budget=100)
    assert (trap.kind, trap.reason, trap.steps) == ("trap", "division-by-zero", 1 + 1 + 4 * 4 + 1 + 1 + 1)
    assert run_both(source, budget=trap.steps - 1).kind == "out-of-steps"
    assert run_both(source, budget=trap.steps).kind == "trap"


def test_infinite_loop_ends_out_of_steps() -> None:
    source = "(define (spin n) (spin2 n)) (define (spin2 n) (if (< n 0) n (spin n))) (define (main) (for (i 0 9223372036854775806) (a 0) a))"
    assert run_both(source, budget=10_000).kind == "out-of-steps"
