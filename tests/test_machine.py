"""The Gödel machine end to end: real runs of built-in tasks through the command line, their
logs read back, every proof certificate re-checked by a fresh kernel, byte-identical logs for
the same seed, proof-gating against the unsound empirical mode, and tampered logs refused.

The real runs are made once per session by the `runs` fixture (tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from cli_helpers import gm
from conftest import BANDIT_LIFETIME
from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word
from godelmachine.logic.axioms import Distribution, Marginal
from godelmachine.logic.terms import BOOL, BV32, INT, bv, const
from godelmachine.machine.machine import Machine
from godelmachine.machine.records import read_records as read_log
from godelmachine.machine.task import BERNOULLI_SCALE, TaskReader, chance, draw_instances, load_task

pytestmark = pytest.mark.xdist_group("runs")  # they share the session fixture `runs`


def switches(log: Path) -> list[dict]:
    return [r for r in read_log(log) if r["type"] == "switch"]


# --- determinism ---------------------------------------------------------------------------

def test_the_same_task_and_seed_give_a_byte_identical_log_in_two_processes(runs):
    first, second = runs["bandit"][1].read_bytes(), runs["bandit-again"][1].read_bytes()
    assert first == second
    assert len(switches(runs["bandit"][1])) >= 1


def test_a_log_is_whole_json_records_from_header_to_end(runs):
    for result, log in runs.values():
        records = read_log(log)
        assert records[0]["type"] == "header" and records[-1]["type"] == "end"
        assert records[-1]["reward"] == result["reward"] and records[-1]["clock"] == result["lifetime"]
        clocks = [r["clock"] for r in records[1:]]
        assert clocks == sorted(clocks)  # one clock, never going back


# --- proof-gated switches ------------------------------------------------------------------

def test_every_proven_switch_rechecks_with_a_fresh_kernel_from_the_log_alone(runs):
    for name in ("bandit", "sum-to-n", "rare"):
        log = runs[name][1]
        done = gm("log", "verify", str(log), "--json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["ok"] and report["proven"] == len(switches(log)) >= 1 and report["empirical"] == 0


def test_the_machine_rewrites_its_solver_and_its_searcher_and_beats_no_search(runs):
    result, log = runs["sum-to-n"]
    records = switches(log)
    assert [r["technique"] for r in records] == ["closed-form", "share"]
    assert "for" in records[0]["before"] and "for" not in records[0]["after"]
    assert records[1]["share_after"] == "0"  # the proof searcher gave its own time back, on a proof
    task = load_task("sum-to-n")
    baseline = Machine(task, seed=0, search=False).run()
    assert result["reward"] > 100 * baseline.reward
    final = Program.from_source(records[-1]["after"])
    for n in (0, 1, 7, 1000, task_max(task)):
        assert run(final, "solve", [n]).value == n * (n + 1) // 2


def task_max(task) -> int:
    return task.distribution.marginals[0].hi


def test_bandit_switches_to_the_best_arm_and_then_stops_searching(runs):
    result, log = runs["bandit"]
    records = switches(log)
    assert records[0]["after"].strip() == "(define (solve t) 2)"
    assert records[-1]["share_after"] == "0"
    assert result["reward"] > Machine(load_task("bandit"), seed=0, lifetime=BANDIT_LIFETIME, search=False).run().reward


def test_a_wrong_idiom_is_refuted_with_a_counterexample_and_a_right_one_proved(runs):
    result, log = runs["rare"]
    refused = [e for r in read_log(log) if r["type"] == "refusals" for e in r["examples"]]
    zero = [e for e in refused if e["status"] == "refuted" and any("#x00000000" in str(v) for p in e["counterexample"] for v in p)]
    assert zero, "the wrong pow2 idiom must be refuted at a zero word"
    final = Program.from_source(switches(log)[-1]["after"])
    initial = Program.from_source(read_log(log)[0]["solver"])
    for x, m in [(0, 0), (0, 0xFFFFFFFF), (1, 0), (8, 0xFFFFFFFF), (0x80000000, 0xFFFFFFFF), (6, 0xFFFFFFFF), (5, 4)]:
        args = [Word(x), Word(m)]
        assert run(final, "solve", args).value == run(initial, "solve", args).value


def test_empirical_acceptance_takes_the_wrong_idiom_that_the_proof_mode_refuses(runs):
    result, log = runs["rare-empirical"]
    records = switches(log)
    assert records and all(r["accepted"].startswith("empirical") for r in records)
    after = Program.from_source(records[0]["after"])
    initial = Program.from_source(read_log(log)[0]["solver"])
    assert result["reward"] < result["instances"]  # the wrong answers earned nothing
    wrong = run(after, "solve", [Word(5), Word(0)]).value
    assert wrong != run(initial, "solve", [Word(5), Word(0)]).value  # 0 is no power of two
    done = gm("log", "verify", str(log), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["empirical"] == len(records)


# --- tampering -----------------------------------------------------------------------------

def tampered(log: Path, tmp_path: Path, change) -> Path:
    records = read_log(log)
    change(records)
    out = tmp_path / "tampered.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return out


def test_verify_refuses_a_certificate_whose_statement_was_changed(runs, tmp_path):
    def change(records):
        node = next(r for r in records if r["type"] == "switch")["certificate"]["nodes"][0]
        node["statement"] = node["statement"].replace("1000.0", "100.0", 1).replace("(/ 1.0 3.0)", "(/ 1.0 2.0)", 1)

    done = gm("log", "verify", str(tampered(runs["bandit"][1], tmp_path, change)))
    assert done.returncode == 2
    assert "switch 1: the certificate does not check: node 0" in done.stderr


def test_verify_refuses_code_that_is_not_what_the_switchprog_makes(runs, tmp_path):
    def change(records):
        record = next(r for r in records if r["type"] == "switch")
        record["after"] = record["after"].replace("2", "1")

    done = gm("log", "verify", str(tampered(runs["bandit"][1], tmp_path, change)))
    assert done.returncode == 2
    assert "switch 1: the switchprog applied to the code before does not give the code after" in done.stderr


def test_verify_refuses_a_switch_at_a_clock_its_state_readings_do_not_fit(runs, tmp_path):
    def change(records):
        record = next(r for r in records if r["type"] == "switch")
        record["clock"] = 1  # the clock reading in the certificate is later than this

    done = gm("log", "verify", str(tampered(runs["bandit"][1], tmp_path, change)))
    assert done.returncode == 2 and "switch 1" in done.stderr and "not confirmed" in done.stderr


def test_verify_refuses_a_log_with_a_switch_record_dropped(runs, tmp_path):
    def change(records):
        records.remove(next(r for r in records if r["type"] == "switch" and r["n"] == 1))

    done = gm("log", "verify", str(tampered(runs["bandit"][1], tmp_path, change)))
    assert done.returncode == 2
    assert "switch 2: the code before the switch is not the code after the previous one" in done.stderr


def test_verify_refuses_a_log_whose_axiom_file_changed(runs, tmp_path):
    def change(records):
        files = records[0]["axiom_files"]
        files["proofs/utility.axioms"] = "0" * 64

    done = gm("log", "verify", str(tampered(runs["bandit"][1], tmp_path, change)))
    assert done.returncode == 2
    assert "proofs/utility.axioms: its SHA-256 differs" in done.stderr


def verify_fails(log: Path, tmp_path: Path, change) -> str:
    """The message of log verify (in this process) on the log with `change` made to it."""
    from godelmachine.machine.verify import VerifyFailed, verify_log

    with pytest.raises(VerifyFailed) as failed:
        verify_log(tampered(log, tmp_path, change))
    return failed.value.message


def test_verify_refuses_a_switch_moved_past_the_deadline_its_theorem_covers(runs, tmp_path):
    def change(records):
        record = next(r for r in records if r["type"] == "switch")
        deadline = re.search(r"\(<= t1 ([0-9.]+)\)", record["target_theorem"]).group(1)
        record["clock"] = int(float(deadline)) + 1  # still after its clock reading, and before the next record

    message = verify_fails(runs["bandit"][1], tmp_path, change)
    assert "switch 1: the switch happened at clock" in message and "not at the" in message


def test_verify_refuses_a_log_whose_last_switch_record_was_deleted(runs, tmp_path):
    def change(records):
        records.remove([r for r in records if r["type"] == "switch"][-1])

    def and_its_refusals(records):
        last = records.index([r for r in records if r["type"] == "switch"][-1])
        del records[last - 1 if records[last - 1]["type"] == "refusals" else last:last + 1]

    message = verify_fails(runs["bandit"][1], tmp_path, change)
    assert "a refusals record (clock" in message and "is written just before a switch or the end" in message
    message = verify_fails(runs["bandit"][1], tmp_path, and_its_refusals)
    assert "the end record: it counts 2 switch(es)" in message and "the log has 1" in message


def test_verify_refuses_edited_utility_figures_and_emptied_axioms_used(runs, tmp_path):
    def utility(records):
        next(r for r in records if r["type"] == "switch")["utility"]["switch"] = "1e+09"

    def axioms_used(records):
        next(r for r in records if r["type"] == "switch")["axioms_used"] = []

    assert "switch 1: the record's utility is" in verify_fails(runs["bandit"][1], tmp_path, utility)
    assert "switch 1: the record's axioms_used is []" in verify_fails(runs["bandit"][1], tmp_path, axioms_used)


def test_verify_measures_certificate_costs_again_and_bounds_the_rlimits(runs, tmp_path):
    def smt_node(records) -> dict:
        return next(n for n in next(r for r in records if r["type"] == "switch")["certificate"]["nodes"]
                    if n["rule"] == "smt")

    def cost(records):
        smt_node(records)["cost"] = 10**12

    def rlimit(records):
        smt_node(records)["args"]["rlimit"] = 10**15

    assert "costs" in (m := verify_fails(runs["bandit"][1], tmp_path, cost)) and "not the 1000000000000 logged" in m
    assert "more than the lifetime could pay" in verify_fails(runs["bandit"][1], tmp_path, rlimit)


def test_verify_confirms_that_the_searcher_was_exhausted_before_the_share_was_cut(runs, tmp_path):
    """The share switch rests on a reading (state.exhausted r) = true; the log confirms it only
    if every technique but `share` is listed exhausted in that epoch at or before reading r."""
    log = runs["sum-to-n"][1]
    cut = switches(log)[-1]
    assert cut["share_after"] == "0" and cut["exhausted"]
    assert any(r["field"] == "exhausted" and r["value"] == "True" for r in cut["state_readings"])

    def share_cut(records):
        return [r for r in records if r["type"] == "switch"][-1]

    def forget_one(records):
        share_cut(records)["exhausted"].pop()

    def later(records):
        share_cut(records)["exhausted"][-1]["reading"] += 3

    def unknown(records):
        share_cut(records)["exhausted"][-1]["technique"] = "oracle"

    def no_list(records):
        del share_cut(records)["exhausted"]

    for change in (forget_one, later, no_list):
        assert "is not confirmed" in verify_fails(log, tmp_path, change)
    assert "not one of the run's" in verify_fails(log, tmp_path, unknown)


def test_verify_checks_the_clock_accounting_between_records(runs, tmp_path):
    def reward(records):
        records[-1]["reward"] += 1000

    def backwards(records):
        [r for r in records if r["type"] == "reward"][5]["clock"] = 1

    def refusals(records):
        next(r for r in records if r["type"] == "refusals")["clock"] -= 1

    assert "the last reward sample" in verify_fails(runs["bandit"][1], tmp_path, reward)
    assert "before the previous record's" in verify_fails(runs["bandit"][1], tmp_path, backwards)
    assert "just before a switch or the end, at the same clock" in verify_fails(runs["bandit"][1], tmp_path, refusals)


def test_verify_replay_reexecutes_the_run_and_finds_the_first_record_that_differs(runs, tmp_path):
    from godelmachine.machine.log import encode

    log = runs["bandit"][1]
    done = gm("log", "verify", str(log), "--replay", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["replayed_records"] == len(read_log(log))
    records = read_log(log)
    line = next(i for i, r in enumerate(records) if r["type"] == "switch")
    records[line]["technique"] = "share"  # nothing else checks which technique found it
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(encode(r) + "\n" for r in records), encoding="utf-8")
    assert gm("log", "verify", str(edited)).returncode == 0
    done = gm("log", "verify", str(edited), "--replay")
    assert done.returncode == 2 and f"{edited}:{line + 1}:1: error: replay:" in done.stderr
    assert "'technique'" in done.stderr


# --- the command line ----------------------------------------------------------------------

def test_log_show_and_diff_read_a_real_log(runs):
    log = runs["sum-to-n"][1]
    shown = json.loads(gm("log", "show", str(log), "--json").stdout)
    assert [s["technique"] for s in shown["switches"]] == ["closed-form", "share"]
    assert float(shown["switches"][0]["utility_switch"]) > float(shown["switches"][0]["utility_no_switch"])
    one = gm("log", "show", str(log), "--switch", "1")
    assert one.returncode == 0 and "target theorem:" in one.stdout and "wald-lower" in one.stdout
    assert "proofs/utility.axioms:" in one.stdout
    diff = gm("log", "diff", str(log), "1")
    assert diff.returncode == 0 and diff.stdout.startswith("--- before switch 1")
    assert any(line.startswith("-") and "for" in line for line in diff.stdout.splitlines())
    missing = gm("log", "diff", str(log), "9")
    assert missing.returncode == 2 and "no switch 9 (the log has 2 switches)" in missing.stderr


def test_run_refuses_an_unknown_task_by_name():
    done = gm("run", "no-such-task")
    assert done.returncode == 2
    assert "unknown task 'no-such-task'" in done.stderr and "Traceback" not in done.stderr


def test_tasks_lists_every_built_in_task_with_a_description():
    listed = json.loads(gm("tasks", "--json").stdout)
    names = {t["name"] for t in listed}
    assert {"sum-to-n", "fib", "bits", "bandit", "sort4", "induce", "rare"} <= names
    assert all(t["description"] for t in listed)


# --- the task's instances and rewards ------------------------------------------------------

EVERY_MARGINAL = """(task every
  (lifetime 1000)
  (instance ((k int) (w word) (b bool) (c word))
    (product (uniform-int k -3 2) (uniform-word w) (finite b (1 3 #t) (2 3 #f)) (finite c (1 #x0000002a))))
  (solver (define (solve k w b c) k))
  (reward exact (define (check k w b c y) (= y k))))
"""


def test_a_task_writes_its_instance_section_once_as_the_kernels_distribution_and_draws_from_it(tmp_path):
    task = TaskReader("every.task", tmp_path / "every.task").read(EVERY_MARGINAL)
    assert task.distribution_form == (
        "(distribution instance ((k Int) (w (_ BitVec 32)) (b Bool) (c (_ BitVec 32))) (product (uniform-int k (- 3) 2) "
        "(uniform-word w) (finite b ((/ 1 3) true) ((/ 2 3) false)) (finite c ((/ 1 1) #x0000002a))))")
    assert task.environment_axioms().splitlines()[2] == task.distribution_form
    assert task.distribution == Distribution(
        "instance", (("k", INT), ("w", BV32), ("b", BOOL), ("c", BV32)),
        (Marginal("uniform-int", -3, 2), Marginal("uniform-word"),
         Marginal("finite", table=((Fraction(1, 3), const(True, BOOL)), (Fraction(2, 3), const(False, BOOL)))),
         Marginal("finite", table=((Fraction(1), bv(42)),))),
        source="every.task (environment)", line=3)
    drawn = task.draw(np.random.default_rng(7), 500)
    assert len(drawn) == 500 and all(len(point) == 4 for point in drawn)
    assert {k for k, _, _, _ in drawn} == set(range(-3, 3))
    assert all(type(w) is Word and type(b) is bool and c == Word(42) for _, w, b, c in drawn)
    assert {b for _, _, b, _ in drawn} == {True, False}
    rng = np.random.default_rng(7)  # the same numpy calls in the same order: the same instances
    expected = list(zip([int(v) for v in rng.integers(-3, 2, size=500, endpoint=True)],
                        [Word(int(v)) for v in rng.integers(0, 2**32, size=500, dtype=np.int64)],
                        [(True, False)[int(i)] for i in rng.choice(2, size=500, p=np.array([1 / 3, 2 / 3]))],
                        [Word(42) for _ in rng.choice(1, size=500, p=np.array([1.0]))]))
    assert drawn == expected
    joint = Distribution("instance", (("k", INT),), joint=((Fraction(1), (const(1, INT),)),))
    with pytest.raises(ValueError, match="independent marginals"):
        draw_instances(joint, np.random.default_rng(0), 1)


def test_the_machine_draws_from_the_very_distribution_its_kernel_reasons_about():
    task = load_task("rare")
    machine = Machine(task, search=False)
    assert machine.distribution is machine.kernel.instance(task.types)
    assert machine.distribution is machine.axioms.distributions["instance"]
    assert machine.distribution == task.distribution
    assert machine.axioms.files[task.environment_source] == hashlib.sha256(
        task.environment_axioms().encode()).hexdigest()
    sample = machine.empirical_sample(64)
    assert sample == task.draw(np.random.default_rng([0, 2]), 64)
    assert {m for _, m in sample} <= {Word(0), Word(0xFFFFFFFF)}


def test_the_bernoulli_scale_is_one_name_for_the_axioms_the_expected_and_the_drawn_reward():
    task = load_task("bandit")
    assert "(/ (to_real " in task.environment_axioms() and f") {BERNOULLI_SCALE}.0) 0.0)" in task.environment_axioms()
    assert [task.expected_reward((0,), arm) for arm in (0, 1, 2, 3)] == \
        [Fraction(200, BERNOULLI_SCALE), Fraction(500, BERNOULLI_SCALE), Fraction(800, BERNOULLI_SCALE), 0]
    assert [chance(v) for v in (-5, 0, 1, BERNOULLI_SCALE, BERNOULLI_SCALE + 1, None, True)] == \
        [0, 0, 1, BERNOULLI_SCALE, BERNOULLI_SCALE, 0, 0]
    rng = np.random.default_rng(3)
    rewards = [task.reward((0,), 2, rng) for _ in range(2000)]
    assert 0.75 < sum(rewards) / len(rewards) < 0.85
    assert task.reward((0,), 3, rng) == 0  # no chance: nothing drawn
    untouched = np.random.default_rng(3)
    assert rng.random() == [untouched.random() for _ in range(2001)][-1]
