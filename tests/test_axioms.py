"""Axiom files: the shipped classes, positioned errors, consistency, proved or assumed."""

from __future__ import annotations

from fractions import Fraction

import pytest

from godelmachine.errors import UserError
from godelmachine.lang.primitives import BASE
from godelmachine.logic.axioms import load_axioms
from godelmachine.logic.kernel import Kernel
from godelmachine.logic.terms import REAL, Eq, app, int_, real


def test_the_shipped_classes_and_the_generated_hardware() -> None:
    axioms = load_axioms()
    classes = {a.cls for a in axioms.axioms.values()}
    assert classes == {"hardware", "reward", "uncertainty", "initial-state", "utility"}
    assert {f"hw.{p}" for p in BASE} | {"hw.forms"} == {a.name for a in axioms.by_class("hardware")}
    add = axioms["hw.+"]
    assert add.source == "godelmachine/lang/primitives.py" and add.line > 0
    assert "(hw.ok.+ a0 a1)" in str(add.statement) and "(= hw.cost.+ 1)" in str(add.statement)
    assert axioms["wald-lower"].source == "proofs/utility.axioms" and axioms["wald-lower"].status == "assumed"
    assert set(axioms.files) == {"proofs/uncertainty.axioms", "proofs/reward.axioms", "proofs/initial-state.axioms",
                                 "proofs/utility.axioms"}


@pytest.mark.parametrize("text, message, line, col", [
    ("(axiom a true)", "an axiom file starts with (class NAME)", 1, 1),
    ("(class hardware)", "unknown class 'hardware'", 1, 8),
    ("(class environment)\n(axiom a (> max-reward 1))\n(axiom b (< nope 1.0))", "unknown symbol 'nope'", 3, 13),
    ("(class environment)\n(axiom a (+ 1 2))", "an axiom must be Bool", 2, 10),
    ("(class environment)\n(axiom a (and true 5))", "and cannot take arguments of sorts Bool, Int", 2, 10),
    ("(class environment)\n(declare-fun f (Bool) Int)\n(axiom a (> (f 5) 0))", "f cannot take arguments of sorts Int (expected Bool)", 3, 13),
    ("(class environment)\n(axiom a (forall ((x Foo)) true))", "unknown sort", 2, 22),
    ("(class environment)\n(axiom a (> max-reward 1.0)", "this '(' is never closed", 2, 1),
    ("(class environment)\n; a comment with a ( in it\n(axiom a \"(\" true))", "unexpected ')'", 3, 19),
    ("(class environment)\n(axiom max-reward-is-one true)", "already defined at proofs/reward.axioms:8", 2, 8),
    ("(class environment)\n(frobnicate)", "unknown form 'frobnicate'", 2, 2),
])
def test_positioned_errors(text: str, message: str, line: int, col: int) -> None:
    with pytest.raises(UserError) as info:
        load_axioms([("user.axioms", text)])
    assert message in info.value.message
    assert (info.value.pos.source, info.value.pos.line, info.value.pos.col) == ("user.axioms", line, col)


@pytest.mark.parametrize("text, message, line, col", [
    ("(class environment)\n(distribution instance ((n Int)) (finite ((/ 1 2) 0) ((/ 1 3) 1)))", "must add up to 1", 2, 34),
    ("(class environment)\n(distribution instance ((n Int)) (uniform-int n 5 1))", "an empty range 5..1", 2, 49),
])
def test_positioned_errors_in_a_tasks_distribution(text: str, message: str, line: int, col: int) -> None:
    with pytest.raises(UserError) as info:
        load_axioms(generated=[("task.axioms", text)], check=False)
    assert message in info.value.message
    assert (info.value.pos.source, info.value.pos.line, info.value.pos.col) == ("task.axioms", line, col)


def test_an_inconsistent_file_is_refused_naming_the_conflict() -> None:
    text = ("(class environment)\n(declare-const k Int)\n(axiom big (> k 3))\n(axiom unrelated (>= 1 0))\n"
            "(axiom small (< k 2))\n")
    with pytest.raises(UserError) as info:
        load_axioms([("both.axioms", text)])
    message = info.value.message
    assert "big (both.axioms:3), small (both.axioms:5) cannot all hold" in message and "unrelated" not in message


def test_a_redundant_axiom_is_marked_proved_and_one_on_the_users_symbols_is_a_constraint() -> None:
    text = ("(class environment)\n(axiom positive (> max-reward 0.0))\n"
            "(declare-const speed Real)\n(axiom fast (> speed 3.0))\n(axiom faster (> speed 2.0))\n")
    axioms = load_axioms([("extra.axioms", text)])
    assert axioms["positive"].status == "proved" and axioms["positive"].proved_from == ("max-reward-is-one",)
    assert axioms["fast"].status == "constraint" and "model" in axioms["fast"].evidence
    assert axioms["faster"].status == "proved" and axioms["faster"].proved_from == ("fast",)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_the_uniform_moments_are_the_true_moments(k: int) -> None:
    """The moment axioms (assumed) give E[x^k] exactly: checked against the sum for small ranges."""
    kernel = Kernel(load_axioms())
    axiom = kernel.axiom(f"uniform-moment-{k}")
    for lo, hi in [(0, 0), (0, 9), (-3, 4), (5, 17), (-10, -2)]:
        exact = Fraction(sum(x**k for x in range(lo, hi + 1)), hi - lo + 1)
        goal = Eq(app("uniform-moment", [int_(k), int_(lo), int_(hi)], REAL), real(exact))
        assert kernel.smt(goal, [axiom]).rule == "smt", (k, lo, hi)
