"""A derivation written out as JSON is checked again by a fresh kernel; tampering is caught."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import pytest

from godelmachine.lang.program import Program
from godelmachine.logic.axioms import load_axioms
from godelmachine.logic.certificates import certificate, check_certificate, derivation
from godelmachine.logic.kernel import Kernel, Refused, StateReading
from logic_helpers import SUM_ENVIRONMENT, mean_cost, obligation, sum_axioms
from test_rewrites import SUMS, in_range, loop_lemma, solver


@pytest.fixture(scope="module")
def proof():
    kernel = Kernel(sum_axioms(), rlimit=2_000_000)
    loop, closed = solver(SUMS, "sum"), solver(SUMS, "closed")
    lemma = loop_lemma(kernel, loop, 10**6)
    results = obligation("same-results", kernel, loop, closed, extra=in_range(0, 10**6), lemmas=[lemma])
    mean = mean_cost(kernel, loop, "=", [((0,), Fraction(2)), ((1,), Fraction(2))], lemmas=[lemma])
    both = kernel.conjoin(results, mean)
    programs = {loop.program.digest: loop.program, closed.program.digest: closed.program}
    return both, json.loads(json.dumps(certificate(both))), programs


def fresh() -> Kernel:
    return Kernel(load_axioms(generated=[("tests/sum-environment.axioms", SUM_ENVIRONMENT)]))


def test_a_fresh_kernel_makes_the_same_theorem(proof) -> None:
    theorem, cert, programs = proof
    again = check_certificate(fresh(), cert, programs)
    assert again.statement is theorem.statement
    assert [n["rule"] for n in cert["nodes"]] == [t.rule for t in derivation(theorem)]
    assert {"definition", "smt", "induction", "expect_bound", "conjoin"} <= {n["rule"] for n in cert["nodes"]}
    assert sum(n["cost"] for n in cert["nodes"]) == sum(t.cost for t in derivation(again))


def test_an_edited_statement_is_caught(proof) -> None:
    _, cert, programs = proof
    bad = copy.deepcopy(cert)
    last = bad["nodes"][-1]
    last["statement"] = last["statement"].replace("2.0", "3.0", 1)
    with pytest.raises(Refused, match=f"node {len(bad['nodes']) - 1} \\(conjoin\\): the rule makes a different statement"):
        check_certificate(fresh(), bad, programs)


def test_a_rule_the_kernel_does_not_have_is_refused(proof) -> None:
    _, cert, programs = proof
    for rule in ("trust-me", "instantiate ", ["smt"], None):
        forged = copy.deepcopy(cert)
        forged["nodes"][-1]["rule"] = rule
        with pytest.raises(Refused, match="unknown rule"):
            check_certificate(fresh(), forged, programs)


def test_an_edited_goal_is_refuted_again(proof) -> None:
    _, cert, programs = proof
    bad = copy.deepcopy(cert)
    index, node = next((i, n) for i, n in enumerate(bad["nodes"]) if n["rule"] == "smt" and "uniform" not in n["args"]["goal"]
                       and "(= (" in n["args"]["goal"])
    node["args"]["goal"] = node["statement"] = node["args"]["goal"].replace("(= (", "(distinct (", 1)
    with pytest.raises(Refused) as refused:
        check_certificate(fresh(), bad, programs)
    assert refused.value.reason.startswith(f"node {index} (smt): ")
    assert refused.value.status in ("refuted", "unknown")


def test_a_swapped_program_is_caught(proof) -> None:
    _, cert, programs = proof
    loop_digest = next(n["args"]["program"] for n in cert["nodes"] if n["rule"] == "definition")
    swapped = dict(programs)
    swapped[loop_digest] = Program.from_source("(define (solve n) (for (i 1 n) (acc 0) (+ acc 1)))")
    with pytest.raises(Refused, match="node 0 \\(definition\\)"):
        check_certificate(fresh(), cert, swapped)
    with pytest.raises(Refused, match="no program with digest"):
        check_certificate(fresh(), cert, {})


def test_state_facts_need_confirmation() -> None:
    kernel = Kernel(sum_axioms(), state=lambda field: StateReading(7, field, 1234))
    cert = certificate(kernel.state2theorem("clock"))
    with pytest.raises(Refused, match="not confirmed"):
        check_certificate(fresh(), cert, {})
    again = check_certificate(fresh(), cert, {}, confirm_state=lambda r: (r.reading, r.field, r.value) == (7, "clock", 1234))
    assert str(again.statement) == "(= (state.clock 7) 1234)"


@pytest.mark.parametrize("value", [Fraction(1, 3), Fraction(-7, 2), Fraction(5), Fraction(0)])
def test_a_rational_constant_reads_back_as_the_constant_that_show_wrote(value):
    from godelmachine.logic.smtlib import Signature, parse_term
    from godelmachine.logic.terms import real, smtlib

    assert parse_term(smtlib(real(value)), Signature()) is real(value)


def test_a_division_by_a_zero_constant_is_not_read_as_a_constant():
    from godelmachine.logic.smtlib import Signature, parse_term

    term = parse_term("(/ 1.0 0.0)", Signature())
    assert not term.is_const and term.name == "/"
