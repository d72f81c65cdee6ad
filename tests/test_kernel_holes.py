"""Each hole of issue 20 (and issue 12 item 7): a derivation of `false` (or of a wrong theorem)
through the kernel's public rules that the kernel of main accepted, and that is refused now.

Every test here failed on the kernel before the fix (each derived the bad theorem)."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import pytest

from godelmachine.lang.program import Program
from godelmachine.lang.values import Word
from godelmachine.logic.certificates import certificate, check_certificate
from godelmachine.logic.kernel import Kernel, Refused, StateReading, Theorem
from godelmachine.logic.semantics import function_base, loop_base, program_prefix
from godelmachine.logic.terms import (
    FALSE,
    INT,
    TRUE,
    Add,
    Eq,
    Lt,
    Term,
    app,
    bv,
    exists,
    forall,
    int_,
    smtlib,
    subterms,
    sym,
)
from logic_helpers import sum_axioms

X, Y = sym("x", INT), sym("y", INT)


@pytest.fixture(scope="module")
def kernel() -> Kernel:
    return Kernel(sum_axioms(), rlimit=2_000_000)


def no_false(kernel: Kernel, *theorems: Theorem) -> None:
    """`false` does not follow from the theorems (Z3 does not prove it)."""
    with pytest.raises(Refused):
        kernel.smt(FALSE, [kernel.conjoin(*theorems)] if len(theorems) > 1 else list(theorems))


# --- 1. instantiate captured ------------------------------------------------------------


def test_1_instantiate_renames_a_bound_variable_that_would_capture(kernel: Kernel) -> None:
    unbounded = kernel.smt(forall([("x", INT)], exists([("y", INT)], Lt(X, Y))))
    at_y = kernel.instantiate(unbounded, [Y])  # main: (exists ((y Int)) (< y y))
    variables, body = at_y.statement.name, at_y.statement.args[0]
    assert at_y.statement.kind == "exists" and variables[0][0] != "y"
    assert body is Lt(Y, sym(variables[0][0], INT))
    no_false(kernel, at_y)


def test_1_a_zero_argument_application_is_the_symbol_z3_sees(kernel: Kernel) -> None:
    """(c) and c are the same constant to Z3, so they must be the same term: otherwise
    forall c. c = (c) is valid for Z3 and instantiates to 0 = (c) and 1 = (c)."""
    assert app("c", [], INT) is sym("c", INT)
    c, c_app = sym("c", INT), Term("app", "c", (), INT)
    claim = kernel.smt(forall([("c", INT)], Lt(c, Add(c_app, int_(1)))))  # Z3 reads (c) as the bound c
    assert kernel.instantiate(claim, [int_(0)]).statement is TRUE  # main: (< 0 (+ c 1)), false at c = -5


# --- 2. smt's counterexample constants were not fresh -----------------------------------


def test_2_counterexample_constants_are_fresh(kernel: Kernel) -> None:
    claim = forall([("x", INT)], Eq(X, sym("cex.x", INT)))  # main: "proved"
    with pytest.raises(Refused) as refused:
        kernel.smt(claim)
    assert refused.value.status == "refuted" and refused.value.counterexample[0][0] == "x"
    with pytest.raises(Refused):  # the clash hidden in a premise
        kernel.smt(forall([("x", INT)], Eq(X, int_(0))), [kernel.smt(Eq(sym("cex.x", INT), sym("cex.x", INT)))])


def test_2_a_bound_variable_named_like_a_counterexample_constant(kernel: Kernel) -> None:
    claim = forall([("x", INT)], exists([("cex.x", INT)], Lt(X, sym("cex.x", INT))))
    assert kernel.smt(claim).statement is claim  # true, and still proved
    with pytest.raises(Refused):
        kernel.smt(forall([("x", INT)], exists([("cex.x", INT)], Lt(sym("cex.x", INT), sym("cex.x", INT)))))


# --- 3. definitional rewriting matched by name only -------------------------------------

TYPED = Program.from_source("(define (f x) (if (int? x) 1 2))")


def test_3_rewriting_checks_argument_sorts(kernel: Kernel) -> None:
    at_int = kernel.definition(TYPED, "f", ["int"])
    at_word = kernel.definition(TYPED, "f", ["word"])
    val = function_base(TYPED, "f") + ".val"
    on_word = Eq(app(val, [bv(0)], INT), int_(1))  # main: rewritten with the int equations
    with pytest.raises(Refused):
        kernel.smt(on_word, [at_word, at_int])
    two = kernel.smt(Eq(app(val, [bv(0)], INT), int_(2)), [at_word, at_int])
    no_false(kernel, two, at_int)


def test_3_rewriting_checks_arity(kernel: Kernel) -> None:
    program = Program.from_source("(define (g a b) (+ a b))")
    definition = kernel.definition(program, "g", ["int", "int"])
    short = app(function_base(program, "g") + ".val", [int_(1)], INT)
    b = sym("b", INT)
    claim = forall([("b", INT)], Eq(short, app("+", [int_(1), b], INT)))  # main: b captured, proved
    with pytest.raises(Refused):
        kernel.smt(claim, [definition])


# --- 4. definition symbols collided ----------------------------------------------------

LOOP = "(define (f n) (for (i 1 n) (acc 0) (+ acc i)))\n"


def test_4_a_function_named_like_a_loop_does_not_share_its_symbols(kernel: Kernel) -> None:
    program = Program.from_source(LOOP + "(define (|f.loop1| lo a k) 7)\n(define (|f@int@loop1| lo a k) 7)\n")
    loop_def = kernel.definition(program, "f", ["int"])
    for name in ("f.loop1", "f@int@loop1"):
        try:
            impostor = kernel.definition(program, name, ["int", "int", "int"])
        except Refused:
            continue
        base = function_base(program, name)
        for suffix in ("cost", "ok"):
            symbol = base + "." + suffix
            if any(t.kind == "app" and t.name == symbol for t in subterms(loop_def.statement)):
                pytest.fail(f"{symbol} is defined by both definitions")
        no_false(kernel, loop_def, impostor)
    cost = app(loop_base(program, "f", ["int"], 1) + ".cost", [int_(1), int_(0), int_(0)], INT)
    assert kernel.smt(Eq(cost, int_(0)), [loop_def]).statement is Eq(cost, int_(0))


def test_4_two_signatures_do_not_share_loop_symbols(kernel: Kernel) -> None:
    program = Program.from_source("(define (h x n) (let ((g (if (int? x) 'a 'b)))"
                                  " (for (i 1 n) (acc 0) (if (= g 'a) (+ acc 1) (+ acc 2)))))")
    at_int = kernel.definition(program, "h", ["int", "int"])
    at_word = kernel.definition(program, "h", ["word", "int"])
    acc_int = app(loop_base(program, "h", ["int", "int"], 1) + ".acc0", [int_(1), int_(0), int_(1)], INT)
    acc_word = app(loop_base(program, "h", ["word", "int"], 1) + ".acc0", [int_(1), int_(0), int_(1)], INT)
    assert acc_int is not acc_word
    one = kernel.smt(Eq(acc_int, int_(1)), [at_int])
    two = kernel.smt(Eq(acc_word, int_(2)), [at_word])
    no_false(kernel, one, two, at_int, at_word)


def test_4_the_program_prefix_has_128_bits() -> None:
    assert program_prefix(TYPED) == "p" + TYPED.digest[:32]


# --- 5. evaluation did not check its points ---------------------------------------------


def test_5_evaluation_checks_points_against_types_and_arity(kernel: Kernel) -> None:
    program = Program.from_source("(define (f x) (if (bool? x) 0 1))")
    with pytest.raises(Refused, match="not an int"):  # main: |- f.val(1) = 0
        kernel.evaluation(program, "f", ["int"], [[True]], budget=100)
    with pytest.raises(Refused, match="not a word"):
        kernel.evaluation(program, "f", ["word"], [[5]], budget=100)
    with pytest.raises(Refused, match="2 values for 1"):
        kernel.evaluation(program, "f", ["int"], [[1, 2]], budget=100)
    with pytest.raises(Refused, match="takes 1"):
        kernel.evaluation(program, "f", ["int", "int"], [[1, 2]], budget=100)
    with pytest.raises(Refused, match="unknown type"):
        kernel.evaluation(program, "f", ["list"], [[1]], budget=100)
    good = kernel.evaluation(program, "f", ["word"], [[Word(5)]], budget=100)
    val = function_base(program, "f") + ".val"
    assert kernel.smt(Eq(app(val, [bv(5)], INT), int_(1)), [good]).rule == "smt"


# --- 6. expect_bound accepted any relation ----------------------------------------------


def test_6_expect_bound_takes_only_relations_that_carry_to_means(kernel: Kernel) -> None:
    from fractions import Fraction

    from godelmachine.logic.kernel import support

    program = Program.from_source("(define (c n) 5)")
    dist = kernel.instance(["int"])
    _, integrand = kernel.target(program, "c", ["int"], "cost")
    from godelmachine.logic.terms import Implies, mk, real

    pointwise = kernel.smt(forall(dist.variables, Implies(support(dist), mk("distinct", integrand, real(0)))),
                           [kernel.definition(program, "c", ["int"])])
    with pytest.raises(Refused, match="relation"):  # main: |- (distinct (mean-cost P) 0.0)
        kernel.expect_bound(program, "c", ["int"], "cost", "distinct", [], pointwise)
    with pytest.raises(Refused, match="relation"):
        kernel.expect_bound(program, "c", ["int"], "cost", "bvult", [], pointwise)
    from godelmachine.lang.execute import run

    steps = run(program, "c", (0,)).steps
    for relation in ("=", "<=", ">="):
        exact = kernel.smt(forall(dist.variables, Implies(support(dist), mk(relation, integrand, real(steps)))),
                           [kernel.definition(program, "c", ["int"])])
        made = kernel.expect_bound(program, "c", ["int"], "cost", relation, [((0,), Fraction(steps))], exact)
        assert smtlib(made.statement).startswith(f"({relation} (mean-cost")


# --- 7. certificate replay crashed ------------------------------------------------------


def test_7_replay_refuses_bad_certificates_cleanly(kernel: Kernel) -> None:
    theorem = kernel.instantiate(kernel.smt(forall([("x", INT)], exists([("y", INT)], Lt(X, Y)))), [Y])
    cert = json.loads(json.dumps(certificate(theorem)))
    assert check_certificate(Kernel(sum_axioms()), cert, {}).statement is theorem.statement
    bad_cases = []
    for edit in (
        lambda c: c["nodes"][1]["args"].__setitem__("terms", ["(undeclared"]),
        lambda c: c["nodes"][1]["args"].__setitem__("terms", ["nope"]),
        lambda c: c["nodes"][0]["args"].__setitem__("goal", "(+ 1 #x00000001)"),
        lambda c: c["nodes"][0].__setitem__("statement", "(((("),
        lambda c: c.__setitem__("declarations", ["(declare-fun"]),
        lambda c: c["nodes"][1].__setitem__("premises", [5]),
        lambda c: c["nodes"][1].__setitem__("args", None),
        lambda c: c["nodes"][0]["args"].__setitem__("rlimit", "many"),
        lambda c: c["nodes"].__setitem__(0, 42),
    ):
        bad = copy.deepcopy(cert)
        edit(bad)
        bad_cases.append(bad)
    typed = certificate(kernel.smt(Eq(app(function_base(TYPED, "f") + ".val", [bv(0)], INT), int_(2)),
                                   [kernel.definition(TYPED, "f", ["word"])]))
    typed["nodes"][0]["args"]["types"] = ["int"]  # main: SortError
    bad_cases.append(typed)
    for i, bad in enumerate(bad_cases):
        with pytest.raises(Refused, match=r"node \d+|declarations") as refused:
            check_certificate(Kernel(sum_axioms()), bad, {TYPED.digest: TYPED})
        assert refused.value.status == "invalid" or refused.value.status in ("refuted", "unknown"), i


# --- issue 12 item 7: only kernel rules make theorems -----------------------------------


def test_theorems_cannot_be_copied_replaced_or_pickled(kernel: Kernel) -> None:
    truth = kernel.smt(TRUE)
    with pytest.raises(TypeError):
        dataclasses.replace(truth, statement=FALSE)
    with pytest.raises(TypeError):
        copy.copy(truth)
    with pytest.raises(TypeError):
        copy.deepcopy(truth)
    with pytest.raises(TypeError):
        pickle.dumps(truth)
    with pytest.raises((TypeError, AttributeError)):
        truth.statement = FALSE  # type: ignore[misc]
    with pytest.raises(TypeError):
        Theorem(FALSE, "forged", (), frozenset(), (), 0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        class Forged(Theorem):  # noqa: F841
            pass


def test_state_facts_are_made_only_by_the_kernel_with_a_reading_or_a_confirmation(kernel: Kernel) -> None:
    import godelmachine.logic.kernel as kernel_module

    assert not hasattr(kernel_module, "state_fact")
    reading = StateReading(3, "clock", 99)
    with pytest.raises(Refused, match="not confirmed"):
        kernel.confirmed_state(reading, lambda r: False)
    assert smtlib(kernel.confirmed_state(reading, lambda r: True).statement) == "(= (state.clock 3) 99)"


# --- found by the kernel fuzzer ---------------------------------------------------------


def test_a_name_bound_at_one_sort_and_used_inside_at_another_is_refused(kernel: Kernel) -> None:
    """(forall ((k Int)) (=> (< k k) (< k k))) with k a Real inside: Z3 reads the inner k as
    a free constant, the text (and so a certificate) as the bound Int; main proved it, and
    its certificate replayed to another statement."""
    from godelmachine.logic.terms import BOOL, REAL, Implies

    k = sym("k", REAL)
    with pytest.raises(Refused, match="bound at one sort"):
        kernel.smt(forall([("k", INT)], Implies(Lt(k, k), Lt(k, k))))
    with pytest.raises(Refused, match="bound at one sort"):
        kernel.smt(exists([("k", INT), ("k", BOOL)], sym("k", BOOL)))
    with pytest.raises(Refused, match="bound at one sort"):
        kernel.induction(Lt(k, k), "k", kernel.smt(TRUE), kernel.smt(TRUE))


def test_a_name_free_at_two_sorts_is_refused_and_cannot_be_written(kernel: Kernel) -> None:
    """(<= (to_real y) y) with one y an Int, the other a Real: two constants to Z3, one name
    in SMT-LIB text; main proved it and its certificate declared y once, so it replayed to
    another statement."""
    from godelmachine.logic.terms import REAL, Implies, SortError, ToReal, functions, mk

    y_int, y_real = sym("y", INT), sym("y", REAL)
    claim = Implies(mk("<=", ToReal(y_int), y_real), mk("<=", ToReal(y_int), y_real))
    with pytest.raises(Refused, match="two sorts"):
        kernel.smt(claim)
    with pytest.raises(SortError, match="two signatures"):
        functions(claim)
    x_real = sym("x", REAL)
    lemma = kernel.smt(forall([("x", REAL)], mk("or", mk("<=", x_real, x_real), mk("<=", y_int, int_(0)))))
    with pytest.raises(Refused, match="two sorts"):
        kernel.instantiate(lemma, [y_real])
