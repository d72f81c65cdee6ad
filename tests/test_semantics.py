"""The symbolic semantics agrees with the interpreter: value, trap and exact step count.

The symbolic terms of a random program are evaluated at concrete inputs by folding constants
(the folding rules are checked against Z3 in tests/test_terms.py) and by running each loop's
recursive definition forward from 0 (godelmachine/search/evaluate.py); the result must be the
interpreter's outcome.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from godelmachine.lang.execute import run
from godelmachine.lang.primitives import BASE
from godelmachine.lang.program import Program
from godelmachine.lang.values import Nil, Pair, Word
from godelmachine.logic.semantics import SORTS, Unsupported, define_function, instantiate_template
from godelmachine.logic.smt import prove
from godelmachine.logic.terms import BOOL, BV32, INT, Eq, Term, const, int_, mk, sym
from godelmachine.search.evaluate import LoopEvaluator
from strategies import main_arguments, programs


def concrete(v: Any) -> Term:
    if type(v) is bool:
        return const(v, BOOL)
    if type(v) is int:
        return int_(v)
    return const(v.bits, BV32)


@settings(max_examples=2000, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(programs(), main_arguments())
def test_symbolic_semantics_agrees_with_the_interpreter(source: str, args: tuple[int, int]) -> None:
    program = Program.from_source(source, "<random>")
    try:
        sem = define_function(program, "main", ("int", "word"))
    except Unsupported:
        assume(False)
    x, bits = args
    outcome = run(program, "main", (x, Word(bits)), budget=1_000_000)
    assume(outcome.kind != "out-of-steps")
    evaluator = LoopEvaluator(sem.statement)
    inputs = {sym("x", INT): int_(x), sym("w", BV32): const(bits, BV32)}
    at = lambda symbol: evaluator.at(symbol, inputs)  # noqa: E731
    ok, cost = at(sem.ok), at(sem.cost)
    assert ok.name == (outcome.kind == "value"), (source, outcome)
    assert cost.name == outcome.steps, (source, outcome, cost)
    if outcome.kind == "value":
        expected = list(outcome.value) if type(outcome.value) in (Pair, Nil) else [outcome.value]
        assert [at(v) for v in sem.values] == [concrete(v) for v in expected], (source, outcome)


TEMPLATED = [p for p in BASE.values() if p.smt is not None and all(t in SORTS or t == "atom" for t in p.params)]


@settings(max_examples=40)
@given(data=st.data())
def test_primitive_smt_meaning_agrees_with_the_implementation(data: st.DataObject) -> None:
    """For each primitive: Z3 evaluates the SMT template (no folding of ours) to the result of
    the Python implementation, and the no-trap condition to whether it traps."""
    from godelmachine.lang.values import INT_MAX, INT_MIN, Trap
    from godelmachine.logic.terms import And, builtin, forall

    for prim in TEMPLATED:
        types = ["int" if t == "atom" else t for t in prim.params]
        args = []
        for t in types:
            if t == "int":
                args.append(data.draw(st.one_of(st.integers(-40, 40), st.integers(INT_MIN, INT_MAX))))
            elif t == "word":
                args.append(Word(data.draw(st.integers(0, 2**32 - 1))))
            else:
                args.append(data.draw(st.booleans()))
        if prim.name in ("wshl", "wshr", "wsar"):
            args[1] = data.draw(st.integers(-2, 33))
        sorts = tuple(SORTS[t] for t in types)
        variables = [sym(f"v{i}", s) for i, s in enumerate(sorts)]
        value = instantiate_template(prim.smt, sorts, variables)
        ok = instantiate_template(prim.smt_ok, sorts, variables)
        bindings = [builtin("=", v, concrete(a)) for v, a in zip(variables, args)]
        try:
            result = prim.impl(*args)
            traps = False
        except Trap:
            traps = True
        claim = builtin("not", ok) if traps else And(ok, Eq(value, concrete(result)))
        names = [(v.name, v.sort) for v in variables]
        goal = forall(names, mk("=>", And(*bindings), claim))
        assert prove([], goal, 2_000_000).proved, (prim.name, args)
