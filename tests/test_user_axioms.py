"""A user's axiom files (issue 12, items 2 and 3): the kernel's reserved namespace, the tests an
unproved axiom must pass before it is assumed, `axioms add` against everything installed, and
a switch that rests on an assumption saying so everywhere (record, summary, log show, verify);
`run --trust proved` leaves assumptions out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli_helpers import REPO
from godelmachine.cli.axioms import axiom_set
from godelmachine.cli.main import app
from godelmachine.errors import GMError, UserError
from godelmachine.logic.axioms import assumptions_of, load_axioms, reserved
from godelmachine.logic.kernel import Kernel, Refused
from godelmachine.logic.points import POINTS, Undetermined, evaluate, evaluate_on_points
from godelmachine.logic.semantics import function_base
from godelmachine.logic.smt import prove
from godelmachine.logic.smtlib import Signature, parse_term
from godelmachine.logic.terms import Term, bv, int_, mk, smtlib, substitute, sym
from godelmachine.machine.records import read_records
from godelmachine.machine.task import load_task
from godelmachine.machine.verify import verify_log
from test_terms import bv_terms, int_terms, raw

# True, and Z3 proves it neither from nothing nor within its budget: an assumption.
FERMAT = """(class environment)
; Fermat's last theorem for cubes: true, and Z3 cannot prove it within its budget
(axiom fermat-cubes
  (forall ((x Int) (y Int) (z Int))
    (=> (and (> x 0) (> y 0) (> z 0)) (distinct (+ (* x x x) (* y y y)) (* z z z)))))
"""
# 1^3 + ... + n^3 = n^2 (n + 1)^2 / 4 stays below 21,157,237,707,355,467,081 for 0 <= n < 95,913
# only; Z3 finds neither a proof nor a counterexample (before, it was simply assumed).
FALSE_LEMMA = """(class environment)
(axiom sums-of-cubes-stay-small
  (forall ((n Int)) (=> (<= 0 n) (< (div (* n n (+ n 1) (+ n 1)) 4) 21157237707355467081))))
"""
# The sum 1 + ... + n on a small range: the closed-form technique switches within 1 M steps.
SMALL_SUM = """(task small-sum
  (description |the sum 1 + 2 + ... + n, n uniform on 0..1000; the initial solver loops|)
  (lifetime 1000000)
  (search-share 1 5)
  (instance ((n int)) (uniform-int n 0 1000))
  (solver (define (solve n) (for (i 1 n) (acc 0) (+ acc i))))
  (reward exact (define (check n y) (= (* 2 y) (* n (+ n 1)))))
  (initial-reward 1)
  (techniques (closed-form 8)))
"""


@pytest.fixture(scope="module")
def small_sum(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The task file, at one path for the module (its axiom set is loaded once)."""
    path = tmp_path_factory.mktemp("task") / "small-sum.task"
    path.write_text(SMALL_SUM, encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str]:
    """The command line in this process (the axiom sets it loads are kept between calls)."""
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, GMError):
        return result.exception.exit_code, result.output + result.exception.render()
    return result.exit_code, result.output


def refusal(text: str, task: str | None = None, tmp_path: Path | None = None, name: str = "user.axioms") -> UserError:
    with pytest.raises(UserError) as info:
        if task is None:
            load_axioms([(name, text)])
        else:
            assert tmp_path is not None
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            axiom_set(task, (path,))  # what `axioms check --task` and a run load
    return info.value


# --- item 2: the reserved namespace ----------------------------------------------------------

@pytest.mark.parametrize("name", [
    "p3a35d43b5e9a.solve.val", "p3a35d43b5e9a.solve", "p" + "ab" * 32 + ":solve", "p0123abcd_solve", "hw.cost.+",
    "state.clock", "cex.n", "track.x", "distribution.instance", "%arg.a", "mean-cost", "mean-reward", "max-cost",
    "reward-over", "uniform-moment", "Program", "instance", "reward-of", "max-reward", "my.lemma",
    "wald-lower", "mean-reward-is-bounded",  # declared by the shipped files
    "initial-solver-reward", "reward-of-rule",  # generated from the task
])
def test_the_kernels_names_are_reserved(name: str) -> None:
    assert reserved(name)


@pytest.mark.parametrize("name", ["speed", "k", "my-lemma", "pow2", "fermat-cubes", "p12", "popcount?"])
def test_a_users_own_names_are_not(name: str) -> None:
    assert not reserved(name)


def test_a_false_fact_about_the_initial_solvers_semantics_is_refused(tmp_path: Path) -> None:
    """The attack of issue 12, item 2: declare the generated program symbol of bits's initial
    solver and state one false ground fact about it (it passed `axioms check` before)."""
    task = load_task("bits")
    prefix = function_base(task.solver, "solve")
    text = (f"(class environment)\n(declare-fun {prefix}.val ((_ BitVec 32) (_ BitVec 32)) (_ BitVec 32))\n"
            f"(axiom wrong (= ({prefix}.val #x00000000 #x00000000) #x00000001))\n")
    error = refusal(text, "bits", tmp_path)
    assert (error.pos.source, error.pos.line, error.pos.col) == (str(tmp_path / "user.axioms"), 2, 14)
    assert "kernel's reserved namespace" in error.message and prefix in error.message


@pytest.mark.parametrize("text, line, col, says", [
    ("(class environment)\n(axiom cheat (forall ((p Program) (T Real)) (>= (reward-over p T) T)))", 2, 26,
     "'Program' is in the kernel's reserved namespace"),
    ("(class environment)\n(declare-const s Program)\n(axiom a true)", 2, 18, "'Program' is in the kernel's"),
    ("(class environment)\n(axiom frozen (forall ((r Int)) (= (state.clock r) 0)))", 2, 37,
     "'state.clock' is in the kernel's reserved namespace: a user axiom file may not mention it"),
    ("(class environment)\n(axiom cheap (= hw.cost.+ 0))", 2, 17, "'hw.cost.+'"),
    ("(class environment)\n(axiom m (= (uniform-moment 1 0 2) 5.0))", 2, 14, "'uniform-moment'"),
    ("(class environment)\n(declare-const cex.n Int)", 2, 16, "may not declare it"),
    ("(class environment)\n(axiom a (forall ((cex.t1 Real)) (> cex.t1 0.0)))", 2, 20, "may not bind it"),
    ("(class environment)\n(declare-fun reward-of (Int Int) Real)", 2, 14, "'reward-of' is the environment's"),
    ("(class environment)\n(axiom hw.extra true)", 2, 8, "the axiom name 'hw.extra'"),
    ("(class environment)\n(distribution instance ((n Int)) (uniform-int n 0 5))", 2, 1, "a distribution is the task's"),
    ("(class utility)\n(axiom a true)", 1, 8, "a user axiom file may be of class"),
    ("(class reward)\n(define-fun mean-cost ((x Int)) Int x)", 2, 13, "may not declare it"),
])
def test_a_user_file_that_declares_or_mentions_a_reserved_name_is_refused(text: str, line: int, col: int,
                                                                          says: str) -> None:
    error = refusal(text)
    assert says in error.message
    assert (error.pos.source, error.pos.line, error.pos.col) == ("user.axioms", line, col)


# --- item 3: an unproved axiom is an assumption ------------------------------------------------

def test_a_false_lemma_that_holds_for_small_n_is_refused_with_its_counterexample() -> None:
    lemma = "(forall ((n Int)) (=> (<= 0 n) (< (div (* n n (+ n 1) (+ n 1)) 4) 21157237707355467081)))"
    assert evaluate_on_points(parse_term(lemma, Signature()), "seed").counterexample == (("n", "95913"),)
    error = refusal(FALSE_LEMMA)
    assert "sums-of-cubes-stay-small is false at n = 95913" in error.message
    assert (error.pos.line, error.pos.col) == (2, 1)


def test_the_point_test_uses_edges_and_covers_small_domains() -> None:
    word = parse_term("(forall ((x (_ BitVec 32))) (= (bvand x (bvsub x #x00000001)) #x00000000))", Signature())
    assert evaluate_on_points(word, "s").counterexample == (("x", "#x00000003"),)
    booleans = evaluate_on_points(parse_term("(forall ((a Bool) (b Bool)) (= (and a b) (not (or (not a) (not b)))))",
                                       Signature()), "s")
    assert booleans.exhaustive and booleans.points == 4 and booleans.counterexample is None
    nested = evaluate_on_points(parse_term("(forall ((x Int)) (exists ((y Int)) (> y x)))", Signature()), "s")
    assert not nested.enough


def test_an_unproved_true_lemma_is_assumed_after_its_tests_and_trust_proved_leaves_it_out() -> None:
    text = FERMAT + "(axiom fermat-cubes-small (distinct (+ 1 8) 27))\n"
    axioms = load_axioms([("fermat.axioms", text)])
    lemma = axioms["fermat-cubes"]
    assert lemma.status == "assumed" and lemma.user and f"true at {POINTS:,} points" in lemma.evidence
    assert assumptions_of(axioms, ["fermat-cubes", "max-reward-is-one"]) == [
        {"name": "fermat-cubes", "file": "fermat.axioms", "line": 3}]
    proved = load_axioms([("fermat.axioms", text)], trust="proved")
    assert "fermat-cubes" not in proved.axioms and "fermat-cubes-small" in proved.axioms
    with pytest.raises(Refused, match="a user's assumption, left out by --trust proved"):
        Kernel(proved).axiom("fermat-cubes")


def test_the_worked_examples_lemma_is_proved_by_itself() -> None:
    lemma = (REPO / "proofs" / "examples" / "cubes-lemma.axioms").read_text(encoding="utf-8")
    axioms = load_axioms([("cubes-lemma.axioms", lemma)])
    assert axioms["consecutive-square-product-divisible-by-4"].status == "proved"
    assert axioms["consecutive-square-product-divisible-by-4"].proved_from == ()


def test_constraints_z3_cannot_show_consistent_are_refused() -> None:
    text = ("(class environment)\n(declare-const x Int)\n(declare-const y Int)\n(declare-const z Int)\n"
            "(axiom cubes (and (> x 0) (> y 0) (> z 0) (= (+ (* x x x) (* y y y)) (* z z z))))\n")
    assert "could not be shown consistent" in refusal(text).message


def test_an_axiom_on_the_environments_vocabulary_must_be_proved(tmp_path: Path, small_sum: Path) -> None:
    good = "(class environment)\n(axiom reward-at-most-one (forall ((n Int) (y Int)) (<= (reward-of n y) 1.0)))\n"
    path = tmp_path / "good.axioms"
    path.write_text(good, encoding="utf-8")
    assert axiom_set(str(small_sum), (path,))["reward-at-most-one"].status == "proved"
    bad = "(class environment)\n(axiom always-paid (forall ((n Int) (y Int)) (= (reward-of n y) 1.0)))\n"
    error = refusal(bad, str(small_sum), tmp_path, "bad.axioms")
    assert "mentions reward-of, the environment's vocabulary" in error.message and error.pos.line == 2


def test_axioms_add_refuses_a_file_that_contradicts_the_installed_set_and_installs_nothing(tmp_path: Path) -> None:
    """Issue 12, item 3: after a nonlinear lemma, a file with no model (a counterexample to
    Fermat's last theorem for cubes) was installed ("no contradiction found within the budget")."""
    installed = tmp_path / "installed"
    lemma = REPO / "proofs" / "examples" / "cubes-lemma.axioms"
    code, first = cli("axioms", "add", str(lemma), "--dir", str(installed))
    assert code == 0 and "installed" in first, first
    (tmp_path / "triple.axioms").write_text(
        "(class environment)\n(declare-const a Int)\n(declare-const b Int)\n(declare-const c Int)\n"
        "(axiom a-triple (and (> a 0) (> b 0) (> c 0) (= (+ (* a a a) (* b b b)) (* c c c))))\n", encoding="utf-8")
    code, second = cli("axioms", "add", str(tmp_path / "triple.axioms"), "--dir", str(installed))
    assert code == 2 and "the constraints a-triple" in second and "could not be shown consistent" in second
    assert sorted(p.name for p in installed.iterdir()) == ["cubes-lemma.axioms"]
    (tmp_path / "both.axioms").write_text("(class environment)\n(declare-const k Int)\n(axiom big (> k 3))\n",
                                          encoding="utf-8")
    assert cli("axioms", "add", str(tmp_path / "both.axioms"), "--dir", str(installed))[0] == 0
    (tmp_path / "other.axioms").write_text("(class environment)\n(axiom small (< k 2))\n", encoding="utf-8")
    code, third = cli("axioms", "add", str(tmp_path / "other.axioms"), "--dir", str(installed))
    assert code == 2 and "inconsistent: big (" in third and "small (" in third, third
    assert sorted(p.name for p in installed.iterdir()) == ["both.axioms", "cubes-lemma.axioms"]


def test_a_switch_resting_on_an_assumption_says_so_everywhere(tmp_path: Path, small_sum: Path) -> None:
    task, lemma, log = small_sum, tmp_path / "fermat.axioms", tmp_path / "run.jsonl"
    lemma.write_text(FERMAT, encoding="utf-8")
    where = {"name": "fermat-cubes", "file": str(lemma), "line": 3}
    code, output = cli("run", str(task), "--axioms", str(lemma), "--log", str(log), "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["user_axiom_files"] == [{"file": str(lemma), "sha256": summary["user_axiom_files"][0]["sha256"],
                                            "installed": False, "axioms": 1}]
    assert summary["switches"] and summary["switches"][0]["assumptions"] == [where]
    (switch, *_) = [r for r in read_records(log) if r["type"] == "switch"]
    assert switch["assumptions"] == [where] and "fermat-cubes" in switch["axioms_used"]
    code, table = cli("log", "show", str(log))
    assert code == 0 and f"switch 1 rests on 1 assumption: fermat-cubes at {lemma}:3" in table, table
    code, shown = cli("log", "show", str(log), "--switch", "1")
    assert code == 0 and f"the switch rests on 1 assumption: fermat-cubes at {lemma}:3" in shown, shown
    code, verified = cli("log", "verify", str(log))
    assert code == 0 and f"switch 1 rests on 1 assumption: fermat-cubes at {lemma}:3" in verified, verified
    # the record's assumptions emptied: verify recomputes them from the certificate
    records = log.read_text(encoding="utf-8").splitlines()
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(line.replace(json.dumps([where], sort_keys=True, separators=(",", ":")), "[]") if '"switch"' in line
                                  else line for line in records) + "\n", encoding="utf-8")
    assert [r for r in read_records(tampered) if r["type"] == "switch"][0]["assumptions"] == []
    with pytest.raises(UserError, match="assumptions are not the user assumptions its certificate rests on"):
        verify_log(tampered)

    trusted = tmp_path / "trusted.jsonl"
    code, text = cli("run", str(task), "--axioms", str(lemma), "--log", str(trusted), "--trust", "proved")
    assert code == 0 and f"user axiom files: {lemma} (given, 1 axiom(s))" in text, text
    assert f"--trust proved: 1 user assumption(s) left out: fermat-cubes at {lemma}:3" in text
    records = read_records(trusted)
    assert records[0]["trust"] == "proved"
    switches = [r for r in records if r["type"] == "switch"]
    assert switches and all(r["assumptions"] == [] and "fermat-cubes" not in r["axioms_used"] for r in switches)
    assert verify_log(trusted).switches == len(switches)


@settings(max_examples=120, deadline=None)
@given(st.one_of(bv_terms(raw), int_terms(raw)), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
       st.integers(-2**40, 2**40), st.integers(-60, 60))
def test_the_point_evaluator_agrees_with_z3(term: Term, x: int, y: int, n: int, m: int) -> None:
    """The values the point test computes are SMT-LIB's, as Z3 computes them."""
    env = {"x": bv(x), "y": bv(y), "n": int_(n), "m": int_(m)}
    try:
        value = evaluate(term, env)
    except Undetermined:  # a division by zero: SMT-LIB leaves it unspecified
        return
    ground = substitute(term, {sym(k, v.sort): v for k, v in env.items()})
    assert prove([], mk("=", ground, value), 2_000_000).proved, (smtlib(term), env, smtlib(value))


def test_the_checks_say_what_they_are_checking(tmp_path: Path) -> None:
    """`axioms check` shows each check as it starts (godelmachine/logic/axioms.py, `reporting`):
    the kernel's consistency, the redundancy of each shipped axiom, each user axiom."""
    from godelmachine.logic.axioms import reporting

    user = tmp_path / "mine.axioms"
    user.write_text("(class environment)\n(declare-const my-k Int)\n(axiom my-k-is-big (> my-k 3))\n"
                    "(axiom squares-grow (forall ((n Int)) (>= (* n n) 0)))\n")
    heard: list[str] = []
    with reporting(heard.append):
        load_axioms([user], cache=False)
    assert heard[0].startswith("the consistency of the kernel's") and any("follows from the axioms before it" in h for h in heard)
    assert [h.split(" ")[0] for h in heard if str(user) in h] == ["my-k-is-big", "squares-grow"]
    assert heard[-1] == "the consistency of the user's 1 constraint(s)"
    heard.clear()
    load_axioms([user], cache=False)  # no one listening: nothing heard, the same set
    assert heard == []
