"""SyGuS grammars (godelmachine/machine/sygus_grammar.py): which programs a problem's grammar
derives, how they are spelled, what is refused when the problem is read, and runs that keep
inside the grammar, checked again by `log verify`."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cli_helpers import gm
from godelmachine.errors import UserError
from godelmachine.lang.program import Program
from godelmachine.machine.machine import Machine
from godelmachine.machine.sygus import read_problem
from godelmachine.machine.sygus_grammar import in_grammar, read_grammar
from godelmachine.machine.task import load_task
from godelmachine.machine.verify import VerifyFailed, verify_log

BV = "(_ BitVec 32)"
REFERENCE = f"(define-fun ref ((x {BV}) (y {BV})) {BV} (bvand x (bvneg x)))"

# SyGuS-IF 2.1: the nonterminals declared, then their rules
GRAMMAR_V2 = f"""
  ((Start {BV}) (B Bool))
  ((Start {BV} ((Variable {BV}) (Constant {BV}) (bvand Start Start) (bvneg Start) (ite B Start Start)))
   (B Bool ((bvugt Start Start) (distinct Start Start))))"""
# SyGuS-IF 1.0: the rules alone
GRAMMAR_V1 = f"""
  ((Start {BV} (x y (Constant {BV}) (bvand Start Start) (bvneg Start) (ite B Start Start)))
   (B Bool ((bvugt Start Start) (distinct Start Start))))"""
# two nonterminals that bound the shape, not only the operations: (bvand A A) with A x or -x
SHAPED = f"""
  ((Start {BV}) (A {BV}))
  ((Start {BV} ((bvand A A))) (A {BV} (x (bvneg x))))"""


def problem(grammar: str, reference: str = REFERENCE, params: str = f"(x {BV}) (y {BV})", args: str = "x y") -> str:
    declared = "\n".join(f"(declare-var {p.split()[0].strip('(')} {BV})" for p in params.split(") (") if p)
    return (f"(set-logic BV)\n{reference}\n(synth-fun f ({params}) {BV}{grammar})\n{declared}\n"
            f"(constraint (= (ref {args}) (f {args})))\n(check-synth)\n")


def check(text: str, source: str, tmp_path) -> tuple:
    path = tmp_path / source
    path.write_text(text, encoding="utf-8")
    p = read_problem(text, str(path))
    grammar = read_grammar(p)
    assert grammar is not None
    return p, grammar


def admitted(p, grammar, solver: str) -> tuple[str | None, str | None]:
    return in_grammar(Program.from_source(solver), p, grammar)


@pytest.mark.parametrize("grammar", [GRAMMAR_V2, GRAMMAR_V1], ids=["v2.1", "v1.0"])
def test_the_grammar_derives_programs_spelled_its_way_and_refuses_the_others(grammar, tmp_path):
    p, g = check(problem(grammar), "p.sl", tmp_path)
    spelled, why = admitted(p, g, "(define (solve x y) (wand x (wneg x)))")
    assert why is None and spelled.endswith("\n  (bvand x (bvneg x)))")
    # a mirrored comparison and a literal: spelled as the grammar has them
    spelled, why = admitted(p, g, "(define (solve x y) (if (wult y x) x #x00000005))")
    assert why is None and "(ite (bvugt x y) x #x00000005)" in spelled
    spelled, why = admitted(p, g, "(define (solve x y) (if (not (= x y)) y (wneg #xffffffff)))")
    assert why is None and "(ite (distinct x y) y (bvneg #xffffffff))" in spelled
    # a helper is inlined and its let expanded before the grammar looks
    spelled, why = admitted(p, g, "(define (solve x y) (h x)) (define (h v) (wand v (wneg v)))")
    assert why is None and "(bvand x (bvneg x))" in spelled
    for outside in ("(wor x y)", "(w+ x #x00000001)", "(if (wule x y) x y)"):
        spelled, why = admitted(p, g, f"(define (solve x y) {outside})")
        assert spelled is None and "does not derive" in why, outside
    spelled, why = admitted(p, g, "(define (solve x y) (for (i 0 3) (r x) (wand r (wneg r))))")
    assert spelled is None and "no SyGuS term" in why


def test_nonterminals_constrain_the_shape_not_only_the_operations(tmp_path):
    p, g = check(problem(SHAPED), "shaped.sl", tmp_path)
    assert admitted(p, g, "(define (solve x y) (wand x (wneg x)))")[1] is None
    assert admitted(p, g, "(define (solve x y) (wand (wneg x) (wneg x)))")[1] is None
    assert admitted(p, g, "(define (solve x y) (wand x (wneg (wneg x))))")[0] is None
    assert admitted(p, g, "(define (solve x y) (wand x y))")[0] is None


@pytest.mark.parametrize("grammar, at, says", [
    (GRAMMAR_V2.replace("(bvneg Start)", "(bvsaddo Start Start)"), "bvsaddo", "unsupported operation 'bvsaddo'"),
    (GRAMMAR_V2.replace("(bvugt Start Start)", "(bvadd Start Start)"), "(bvadd Start Start)", "makes a (_ BitVec 32)"),
    (GRAMMAR_V2.replace("((Start (_ BitVec 32)) (B Bool))", "((B Bool) (Start (_ BitVec 32)))"),
     "((B Bool) (Start", "not those given rules, in that order"),
    (GRAMMAR_V2.replace("(ite B Start Start)", "(ite B Start Start) (bvand Start C)"), "C)", "unknown name 'C'"),
    (GRAMMAR_V2.replace("((Start (_ BitVec 32)) (B Bool))\n  ", "").replace(
        "((Start (_ BitVec 32) ((Variable", "((B Bool ((bvugt Start Start))) (Start (_ BitVec 32) ((Variable")
     .replace("(B Bool ((bvugt Start Start) (distinct Start Start)))", ""), "((B Bool ((bvugt", "start symbol B"),
])
def test_a_bad_grammar_gets_a_positioned_error(grammar, at, says, tmp_path):
    text = problem(grammar)
    path = tmp_path / "bad.sl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_task(str(path))
    error = caught.value
    before = text[:text.index(at)]
    assert (error.pos.line, error.pos.col) == (before.count("\n") + 1, len(before) - before.rfind("\n")), \
        (error.pos, error.message)
    assert says in error.message


# turn off the rightmost 1 bit, stated bit by bit for the lowest two; the machine's shortest
# answer, (wand x (w+ x #xffffffff)), is outside a grammar without bvadd and bvsub
TURN_OFF = (f"(define-fun ref ((x {BV})) {BV}\n  (ite (= (bvand x #x00000001) #x00000001) (bvand x #xfffffffe)\n"
            "  (ite (= (bvand x #x00000002) #x00000002) (bvand x #xfffffffd) (bvand x (bvsub x #x00000001)))))")
NO_ADD = f"""
  ((Start {BV}))
  ((Start {BV} (x #x00000001 (bvand Start Start) (bvxor Start Start) (bvor Start Start) (bvneg Start) (bvnot Start))))"""


def test_a_run_switches_only_inside_the_grammar_and_log_verify_checks_it(tmp_path):
    path = tmp_path / "turn-off.sl"
    path.write_text(problem(NO_ADD, TURN_OFF, f"(x {BV})", "x"), encoding="utf-8")
    log = tmp_path / "run.jsonl"
    done = gm("run", str(path), "--lifetime", "1500000", "--log", str(log), "--json", timeout=900)
    assert done.returncode == 0, done.stderr
    solvers = [r for r in map(json.loads, log.read_text().splitlines()) if r["type"] == "switch" and r["after"] != r["before"]]
    assert solvers, "no switch of the solver inside the grammar"
    p, g = check(path.read_text(), "turn-off.sl", tmp_path)
    for record in solvers:
        spelled, why = in_grammar(Program.from_source(record["after"]), p, g)
        assert why is None and "bvadd" not in spelled and "bvsub" not in spelled
    verified = gm("log", "verify", str(log), "--json", timeout=600)
    assert verified.returncode == 0 and json.loads(verified.stdout)["proven"] >= len(solvers)
    exported = gm("log", "export", str(log), "--sygus", str(tmp_path / "solutions"), "--json")
    first = json.loads(exported.stdout)["files"][0]
    assert "(define-fun f ((x (_ BitVec 32))) (_ BitVec 32)" in open(first, encoding="utf-8").read()


def test_a_machine_that_ignored_the_grammar_is_caught_by_log_verify(tmp_path):
    """The same problem, run by a machine whose task has had its grammar taken away: it
    switches to (wand x (w+ x #xffffffff)), and `log verify`, which reads the grammar from the
    problem file again, refuses the log."""
    path = tmp_path / "turn-off.sl"
    path.write_text(problem(NO_ADD, TURN_OFF, f"(x {BV})", "x"), encoding="utf-8")
    task = dataclasses.replace(load_task(str(path)), space=None)
    log = tmp_path / "ignored.jsonl"
    result = Machine(task, lifetime=400_000, log_path=log).run()
    assert any("w+" in s.after.source() or "w-" in s.after.source() for s in result.switches)
    with pytest.raises(VerifyFailed, match="outside the grammar of f"):
        verify_log(log)


def test_a_solver_whose_inlined_term_explodes_is_refused_not_expanded(tmp_path):
    """Forty helpers, each calling the next twice: 2^40 calls inlined. The check refuses it at
    once instead of writing the term out."""
    p, g = check(problem(GRAMMAR_V2), "p.sl", tmp_path)
    helpers = " ".join(f"(define (h{i} v) (wand (h{i + 1} v) (h{i + 1} (wneg v))))" for i in range(40))
    solver = f"(define (solve x y) (h0 x)) {helpers} (define (h40 v) v)"
    spelled, why = admitted(p, g, solver)
    assert spelled is None and "inlined calls" in why
