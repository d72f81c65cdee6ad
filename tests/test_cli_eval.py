"""`godelmachine eval`: the shipped examples, exact steps, and clean failures with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import REPO, gm

# (example, arguments, printed value, steps): the steps are checked by hand in the comments.
EXAMPLES = [
    # main 1 + list 3 + sum-loop (1 + 1 + 1000 * 2) + sum-closed (1 + 3)
    ("sum.gm", ["1000"], "(500500 500500)", 1 + 3 + 2002 + 4),
    ("fib.gm", ["20"], "(6765 6765)", None),
    ("popcount.gm", ["#xdeadbeef"], "(24 24)", None),
    ("reflect.gm", [], "((define (fourth x) (let ((y (* x x))) (* y y))) (value 81 5) (value 81 3))", None),
]


@pytest.mark.parametrize("example, args, printed, steps", EXAMPLES)
def test_examples(example: str, args: list[str], printed: str, steps: int | None) -> None:
    result = gm("eval", f"examples/{example}", *args)
    assert result.returncode == 0, result.stderr
    value, step_line = result.stdout.splitlines()
    assert value == printed
    if steps is not None:
        assert step_line == f"steps: {steps}"
    reference = gm("eval", "--reference", f"examples/{example}", *args)
    assert reference.stdout == result.stdout


def test_json_output() -> None:
    result = gm("eval", "--json", "examples/sum.gm", "10")
    assert json.loads(result.stdout) == {"outcome": "value", "value": "(55 55)", "steps": 1 + 3 + 22 + 4}


@pytest.mark.parametrize("source, code, first_line", [
    ("(define (main) (+ 1 2)", 2, "bad.gm:1:1: error: this '(' is never closed"),
    ("(define (main) (car '()))", 1, "bad.gm:1:16: trap: empty-list: car of the empty list (after 2 steps)"),
    ("(define (main) (spin 0)) (define (spin n) (spin (+ n 1)))", 3,
     "bad.gm:1:43: trap: depth-exceeded: more than 4000 nested calls (after 8000 steps)"),
    ("(define (main) (for (i 0 9223372036854775806) (a 0) a))", 3,
     "out of steps: the budget of 10000000 steps is spent (raise it with --budget)"),
    # iteration k costs 2 + 2^(k-1) and makes a list of 2^k + 1 nodes: the 20th passes the limit
    ("(define (main) (for (i 1 30) (a '(x)) (append a a)))", 3,
     f"bad.gm:1:39: trap: value-too-large: a list would exceed 1000000 nodes (after {2 + 20 * 2 + 2**20 - 1} steps)"),
])
def test_failures_are_one_positioned_line_and_an_exit_code(tmp_path: Path, source: str, code: int, first_line: str) -> None:
    (tmp_path / "bad.gm").write_text(source)
    result = gm("eval", "bad.gm", cwd=tmp_path)
    assert result.returncode == code
    assert result.stderr.splitlines()[0] == first_line
    assert "Traceback" not in result.stderr


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    missing = gm("eval", "nope.gm", cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (2, "error: nope.gm: no such file")
    bad_arg = gm("eval", str(REPO / "examples/sum.gm"), "(1")
    assert bad_arg.returncode == 2
    assert bad_arg.stderr.startswith("<argument 1>:1:1: error: this '(' is never closed")
    arity = gm("eval", str(REPO / "examples/sum.gm"))
    assert arity.returncode == 2 and "main takes 1 argument(s), given 0" in arity.stderr
    binary = tmp_path / "blob.gm"
    binary.write_bytes(b"\xff\xfe\x00")
    result = gm("eval", str(binary))
    assert result.returncode == 2 and "not UTF-8 text" in result.stderr
