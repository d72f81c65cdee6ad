"""Every primitive's Python implementation agrees with its compiled template.

(Its agreement with its SMT-LIB meaning is checked in tests/test_semantics.py.)
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from godelmachine.lang.primitives import BASE, UNBOXED_TYPES, Primitive, euclid_quotient, has_type
from godelmachine.lang.values import INT_MAX, INT_MIN, NIL, Nil, Pair, Trap, Word, make_list

TEMPLATED = [p for p in BASE.values() if p.py is not None and all(t in UNBOXED_TYPES + ("atom",) for t in p.params)]
LIST_TEMPLATED = [p for p in BASE.values() if p.py is not None and p not in TEMPLATED]

ints = st.one_of(st.integers(-40, 40), st.integers(INT_MIN, INT_MAX), st.sampled_from([INT_MIN, INT_MAX, 0, -1]))
words = st.integers(0, 2**32 - 1)
VALUES = {"int": ints, "word": words, "bool": st.booleans(), "atom": ints}


def evaluate_template(prim: Primitive, args: list) -> tuple[str, object]:
    namespace: dict = {"_ediv": euclid_quotient}
    names = [f"a{i}" for i in range(len(args))]
    namespace.update(zip(names, args))
    if prim.py_pre and not eval(prim.py_pre.format(*names), namespace):
        return ("trap", None)
    result = eval(prim.py.format(*names), namespace)
    if prim.py_post and not eval(prim.py_post.format(r=repr(result)), namespace):
        return ("trap", None)
    return ("value", result)


def evaluate_impl(prim: Primitive, args: list) -> tuple[str, object]:
    boxed = [Word(a) if t == "word" else a for a, t in zip(args, prim.params)]
    try:
        result = prim.impl(*boxed)
    except Trap:
        return ("trap", None)
    return ("value", result.bits if type(result) is Word else result)


@pytest.mark.parametrize("prim", TEMPLATED, ids=lambda p: p.name)
@settings(max_examples=300)
@given(data=st.data())
def test_template_agrees_with_implementation(prim: Primitive, data: st.DataObject) -> None:
    args = [data.draw(VALUES[t]) for t in prim.params]
    if prim.name in ("wshl", "wshr", "wsar"):
        args[1] = data.draw(st.one_of(st.integers(0, 31), st.integers(-3, 40)))
    assert evaluate_template(prim, args) == evaluate_impl(prim, args)


def test_every_primitive_documents_itself() -> None:
    for prim in BASE.values():
        assert prim.doc, prim.name
        assert prim.cost >= 1, prim.name
        assert all(t in ("int", "word", "bool", "symbol", "list", "atom", "any", "program", "procedure") for t in prim.params)


list_values = st.sampled_from([NIL, make_list([1]), make_list([1, "a", make_list([2])]), 5, True, "sym"])


@pytest.mark.parametrize("prim", LIST_TEMPLATED, ids=lambda p: p.name)
@settings(max_examples=100)
@given(data=st.data())
def test_list_templates_agree_with_implementation(prim: Primitive, data: st.DataObject) -> None:
    """Boxed arguments of any type: the template's own test must refuse what the type check would."""
    assert "list" not in prim.params or prim.py_pre, "a template with a list argument must test its type"
    args = [data.draw(list_values) for _ in prim.params]
    namespace = {"_Pair": Pair, "_Nil": Nil, **{f"a{i}": a for i, a in enumerate(args)}}
    names = [f"a{i}" for i in range(len(args))]
    if prim.py_pre and not eval(prim.py_pre.format(*names), namespace):
        template = ("trap", None)
    else:
        template = ("value", eval(prim.py.format(*names), namespace))
    typed = all(has_type(a, t) for a, t in zip(args, prim.params))
    try:
        expected = ("value", prim.impl(*args)) if typed else ("trap", None)
    except Trap:
        expected = ("trap", None)
    assert template == expected
