"""Terms: printing and reading back, and every simplification rule checked against Z3."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from godelmachine.logic.smt import prove
from godelmachine.logic.smtlib import Signature, parse_term
from godelmachine.logic.terms import (
    BOOL,
    BUILTINS,
    BV32,
    INT,
    Term,
    app,
    builtin,
    bv,
    const,
    forall,
    int_,
    mk,
    simplify,
    smtlib,
    sym,
    upper_bound,
)

X, Y = sym("x", BV32), sym("y", BV32)
N, M = sym("n", INT), sym("m", INT)
P = sym("p", BOOL)

bv_unary = ["bvnot", "bvneg"]
bv_binary = ["bvadd", "bvsub", "bvmul", "bvand", "bvor", "bvxor", "bvudiv", "bvurem", "bvshl", "bvlshr", "bvashr"]
bv_compare = ["bvult", "bvule", "bvslt", "bvsle", "bvugt", "bvuge", "bvsgt", "bvsge"]
int_binary = ["+", "-", "*", "div", "mod"]
int_compare = ["<", "<=", ">", ">="]


def bv_terms(builder) -> st.SearchStrategy[Term]:
    leaves = st.one_of(st.sampled_from([X, Y]), st.integers(0, 2**32 - 1).map(bv),
                       st.sampled_from([bv(0), bv(1), bv(31), bv(0xFFFFFFFF), bv(0x80000000)]))
    return st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(st.sampled_from(bv_unary), inner).map(lambda a: builder(a[0], a[1])),
        st.tuples(st.sampled_from(bv_binary), inner, inner).map(lambda a: builder(a[0], a[1], a[2])),
        inner.map(lambda a: builder("(_ int2bv 32)", builder("bv2nat", a))),
    ), max_leaves=8)




def int_terms(builder) -> st.SearchStrategy[Term]:
    leaves = st.one_of(st.sampled_from([N, M]), st.integers(-50, 50).map(int_))
    return st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(st.sampled_from(int_binary), inner, inner).map(lambda a: builder(a[0], a[1], a[2])),
        bv_terms(builder).map(lambda t: builder("bv2nat", t)),
        st.tuples(inner, inner, st.sampled_from(int_compare), inner, inner).map(
            lambda a: builder("ite", builder(a[2], a[0], a[1]), a[3], a[4])),
    ), max_leaves=8)


def raw(name: str, *args: Term) -> Term:
    return builtin(name, *args)


@settings(max_examples=400)
@given(st.one_of(bv_terms(raw), int_terms(raw)))
def test_simplification_is_an_identity(term: Term) -> None:
    """Rebuilding a term with the simplifying constructors gives an equal term, by Z3."""
    simplified = simplify(term)
    goal = forall([("x", BV32), ("y", BV32), ("n", INT), ("m", INT)], mk("=", term, simplified))
    assert prove([], goal, 5_000_000).proved, (smtlib(term), smtlib(simplified))


@settings(max_examples=300)
@given(bv_terms(mk))
def test_upper_bound_is_sound(term: Term) -> None:
    bound = upper_bound(term)
    goal = forall([("x", BV32), ("y", BV32)], raw("bvule", term, bv(bound)))
    assert prove([], goal, 5_000_000).proved, (smtlib(term), bound)


@settings(max_examples=300)
@given(st.one_of(bv_terms(mk), int_terms(mk)))
def test_show_then_read_gives_the_same_term(term: Term) -> None:
    scope = {"x": X, "y": Y, "n": N, "m": M}
    assert parse_term(smtlib(term), Signature(), scope) is term


def test_shared_subterms_print_once() -> None:
    t = X
    for _ in range(40):  # a term with 2^40 paths: its text must stay small
        t = raw("bvadd", t, t)
    text = smtlib(t)
    assert len(text) < 3000 and text.count("let") == 39  # every bvadd but the outermost is shared
    assert parse_term(text, Signature(), {"x": X}) is t


def test_quantifiers_declarations_and_reals() -> None:
    signature = Signature()
    signature.declare("f", (INT,), INT)
    t = parse_term("(forall ((k Int)) (=> (>= k 0) (> (f k) (- 3))))", signature)
    assert t.kind == "forall" and smtlib(t) == "(forall ((k Int)) (=> (>= k 0) (> (f k) (- 3))))"
    assert smtlib(parse_term("(+ 1 2.5)", signature)) == "(+ 1.0 (/ 5.0 2.0))" or parse_term("(+ 1 2.5)", signature).is_const
    assert app("f", [int_(1)], INT).sort == INT and const(True, BOOL) is parse_term("true", signature)
    assert set(BUILTINS) >= {"bvadd", "bv2nat", "(_ int2bv 32)", "ite", "=>"}


def test_a_non_ascii_symbol_prints_quoted_and_reads_back() -> None:
    e = sym("é", INT)
    text = smtlib(raw("+", e, e))
    assert "|é|" in text
    assert parse_term(text, Signature(), {"é": e}) is raw("+", e, e)
