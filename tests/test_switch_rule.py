"""The switch rule (godelmachine/logic/switch.py): what a switchprog does and which shares it may
set, through the proof searcher's own path (`set-switchprog` in a technique trial), and the
programs a switch record must hold for its certificate to be checked from the log alone."""

from __future__ import annotations

from fractions import Fraction

import pytest

from godelmachine.lang.execute import deep_recursion
from godelmachine.lang.program import Program
from godelmachine.lang.values import make_list
from godelmachine.logic.certificates import check_certificate, derivation
from godelmachine.logic.kernel import Kernel
from godelmachine.logic.switch import InvalidSwitchprog, Switchprog, from_log, share_of
from godelmachine.machine.machine import Machine, RunResult
from godelmachine.machine.task import load_task
from godelmachine.search.candidates import datum
from godelmachine.search.submit import submit


def switchprog(*forms: str):
    return make_list([datum(f) for f in forms])


@pytest.fixture(scope="module")
def bandit() -> Machine:
    return Machine(load_task("bandit"), lifetime=400_000)


# the worst arm (20 % against the cycling policy's 50 %), bought with a share that credits the
# new solver with ten times the remaining steps: proved and executed before the rule
WORSE_ARM = "(define (solve t) 0)"


@pytest.mark.parametrize("share", ["(share -9 1)", "(share 1 0)", "(share 1 1)", "(share 3 2)", "(share a 2)",
                                   "(share 1 2 3)"])
def test_set_switchprog_answers_invalid_to_a_share_outside_0_1(bandit, share):
    with deep_recursion():
        answer = submit(bandit.searcher, switchprog(WORSE_ARM, share), "policy", 2_000_000)
    assert not answer.accepted and answer.event is None
    assert answer.answer.startswith("(invalid") and "share" in answer.answer, answer.answer


def test_a_share_in_range_is_taken_and_a_worse_arm_is_still_refused(bandit):
    with deep_recursion():
        answer = submit(bandit.searcher, switchprog(WORSE_ARM, "(share 1 4)"), "policy", 2_000_000)
    assert not answer.accepted and not answer.answer.startswith("(invalid"), answer.answer


def test_the_rule_reads_shares_and_costs_switchprogs():
    assert share_of(0, 1) == 0 and share_of(1, 20) == Fraction(1, 20)
    for p, q in [(-1, 1), (1, 0), (1, 1), (5, 4), (True, 2), ("a", 2)]:
        with pytest.raises(InvalidSwitchprog):
            share_of(p, q)
    with pytest.raises(InvalidSwitchprog):
        from_log([], "-1/2")
    rule = from_log(["(define (solve t) 2)"], None)
    assert rule.cost == 1 + 6 and rule.share_after(Fraction(1, 10)) == Fraction(1, 10)
    assert rule.apply(Program.from_source("(define (solve t) t)")).source().strip() == "(define (solve t) 2)"
    assert Switchprog(share=Fraction(0)).cost == 1
    with pytest.raises(InvalidSwitchprog):
        Switchprog((datum("(define (solve t t) 1)"),)).apply(Program.from_source("(define (solve t) t)"))


def test_a_switch_record_holds_every_program_its_certificate_mentions(tmp_path):
    """A refused candidate's facts, cached in the epoch (the old solver's cost model), carry
    into the next candidate's proof: the record must hold that candidate's code too, or the
    log does not check ("no program with digest ...", seen on a real rare log)."""
    machine = Machine(load_task("sum-to-n"), log_path=tmp_path / "run.jsonl")
    machine.log.write(machine.header())
    with deep_recursion():
        slower = submit(machine.searcher, switchprog("(define (solve n) (+ 0 (for (i 1 n) (acc 0) (+ acc i))))"),
                        "symbolic", 4_000_000)
        closed = submit(machine.searcher, switchprog("(define (solve n) (div (* n (+ n 1)) 2))"), "symbolic", 4_000_000)
    assert not slower.accepted and closed.accepted, (slower.answer, closed.answer)
    solvers = {machine.solver.digest}
    machine.switch(closed.event, RunResult("sum-to-n", 0, machine.lifetime, 0, 0, 0, 0, 0))
    record = machine.log.records[-1]
    nodes = record["certificate"]["nodes"]
    mentioned = {n["args"]["program"] for n in nodes if "program" in n["args"]}
    assert len(mentioned) == 3  # the old solver, the closed form and the slower candidate
    assert mentioned <= set(record["programs"]) | solvers
    programs = {d: Program.from_source(s) for d, s in record["programs"].items()}
    assert all(p.digest == d for d, p in programs.items())
    theorem = check_certificate(Kernel(machine.axioms), record["certificate"], programs, confirm_state=lambda r: True)
    assert theorem.statement is closed.event.theorem.statement
    assert len(derivation(theorem)) == len(nodes)


def test_the_rule_licenses_exactly_the_switch_the_theorem_was_proved_for(bandit):
    """The searcher's check and log verify ask one function; it refuses the same theorem for
    any other solver pair, share, lifetime, switchprog cost, or state readings it does not trust."""
    from godelmachine.logic.kernel import Refused
    from godelmachine.logic.switch import Switch, licence

    with deep_recursion():
        proved = submit(bandit.searcher, switchprog("(define (solve t) 2)"), "policy", 2_000_000)
    assert proved.accepted, proved.answer
    old, new = bandit.solver, proved.event.context.new.program
    share, cost, trusted = bandit.share, Switchprog((datum("(define (solve t) 2)"),)).cost, (lambda r: True)
    granted = licence(proved.event.theorem, Switch(old, new, share, share, bandit.lifetime, cost, trusted))
    assert granted.time == granted.clock_reading.value + cost <= granted.deadline
    wrong = {
        "another solver": Switch(old, Program.from_source("(define (solve t) 1)"), share, share, bandit.lifetime, cost, trusted),
        "another share": Switch(old, new, share, Fraction(0), bandit.lifetime, cost, trusted),
        "another lifetime": Switch(old, new, share, share, bandit.lifetime + 1, cost, trusted),
        "another cost": Switch(old, new, share, share, bandit.lifetime, cost + 1, trusted),
        "no clock reading trusted": Switch(old, new, share, share, bandit.lifetime, cost, lambda r: r.field != "clock"),
        "no share reading trusted": Switch(old, new, share, share, bandit.lifetime, cost, lambda r: r.field != "share"),
    }
    for name, switch in wrong.items():
        with pytest.raises(Refused):
            licence(proved.event.theorem, switch)
            pytest.fail(name)
    with pytest.raises(Refused, match="modus ponens"):
        licence(proved.event.target, Switch(old, new, share, share, bandit.lifetime, cost, trusted))


def test_the_share_is_lowered_only_with_the_same_solver_and_an_exhausted_searcher(tmp_path):
    """Switching the search off is proved against never switching again; that comparison is
    honest only when the searcher cannot switch to a better solver, so the rule asks for a
    current reading that every other technique is exhausted, and for the solver unchanged."""
    from godelmachine.logic.kernel import Refused
    from godelmachine.logic.switch import Switch, licence

    machine = Machine(load_task("sum-to-n"), log_path=tmp_path / "run.jsonl")
    machine.log.write(machine.header())
    searcher = machine.searcher
    with deep_recursion():
        closed = submit(searcher, switchprog("(define (solve n) (div (* n (+ n 1)) 2))"), "symbolic", 4_000_000)
        machine.switch(closed.event, RunResult("sum-to-n", 0, machine.lifetime, 0, 0, 0, 0, 0))
        early = submit(searcher, switchprog("(share 0 1)"), "share", 4_000_000)
        assert not early.accepted and "exhausted" in early.answer, early.answer
        # the closed form with share 0 in one switchprog: refused, exhausted or not
        searcher.exhausted.update(t.name for t in searcher.techniques)
        both = submit(searcher, switchprog("(define (solve n) (div (* (+ n 1) n) 2))", "(share 0 1)"), "symbolic", 4_000_000)
        assert not both.accepted and "must not change the solver" in both.answer, both.answer
        cut = submit(searcher, switchprog("(share 0 1)"), "share", 4_000_000)
    assert cut.accepted, cut.answer
    solver, share, lifetime = machine.solver, machine.share, machine.lifetime
    granted = licence(cut.event.theorem, Switch(solver, solver, share, Fraction(0), lifetime, 1, lambda r: True))
    assert granted.time <= granted.deadline
    wrong = {
        "the exhausted reading not current": Switch(solver, solver, share, Fraction(0), lifetime, 1,
                                                    lambda r: r.field != "exhausted"),
        "another solver": Switch(solver, Program.from_source("(define (solve n) 0)"), share, Fraction(0), lifetime, 1,
                                 lambda r: True),
    }
    for name, switch in wrong.items():
        with pytest.raises(Refused):
            licence(cut.event.theorem, switch)
            pytest.fail(name)
