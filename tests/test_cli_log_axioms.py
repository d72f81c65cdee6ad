"""`godelmachine log plot | export | verify --solver cvc5` on real logs, and `godelmachine
axioms list | check | add | remove` on real axiom files, through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cli_helpers import gm
from godelmachine.logic.cvc5_backend import decide
from godelmachine.machine.records import read_records as read_log

pytestmark = pytest.mark.xdist_group("runs")  # they share the session fixture `runs`

LEMMA = """(class reward)
; follows from max-reward-is-one
(axiom max-reward-positive (> max-reward 0.0))
; a constraint on a constant of the file's own
(declare-const patience Int)
(axiom patient (> patience 3))
"""


def smt_nodes(log: Path) -> int:
    return sum(1 for r in read_log(log) if r["type"] == "switch"
               for node in r["certificate"]["nodes"] if node["rule"] == "smt")


# --- log plot, export, verify with cvc5 ----------------------------------------------------

def test_log_plot_writes_a_png_that_is_not_blank(runs, tmp_path):
    import matplotlib.image

    out = tmp_path / "run.png"
    done = gm("log", "plot", str(runs["sum-to-n"][1]), "-o", str(out))
    assert done.returncode == 0, done.stderr
    image = matplotlib.image.imread(out)
    assert image.shape[0] >= 500 and image.shape[1] >= 800
    assert float(np.std(image[..., :3])) > 0.05  # lines, labels and text, not one flat colour


def test_log_export_writes_every_obligation_and_z3_and_cvc5_prove_each_from_the_file(runs, tmp_path):
    log = runs["sum-to-n"][1]
    done = gm("log", "export", str(log), "--smt2", str(tmp_path / "smt2"), "--json")
    assert done.returncode == 0, done.stderr
    files = [Path(f) for f in json.loads(done.stdout)["files"]]
    assert len(files) == smt_nodes(log) > 0
    assert not [p for p in files if "(assert false)" in p.read_text()]  # as posed: nothing decided before the solver
    z3 = Path(sys.executable).parent / "z3"
    for path in files[:8]:
        answer = subprocess.run([str(z3), "-smt2", str(path)], capture_output=True, text=True, timeout=120)
        assert answer.stdout.splitlines()[0] == "unsat", (path, answer.stdout, answer.stderr)
        assert decide(path.read_text(), 50_000_000).status == "proved", path


def test_log_verify_with_cvc5_rechecks_every_obligation_with_the_second_solver(runs):
    done = gm("log", "verify", str(runs["bandit"][1]), "--solver", "cvc5", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["solver"] == "cvc5" and report["proven"] >= 1


def test_cvc5_refuses_what_is_false_and_names_what_it_cannot_read():
    false = "(declare-const x Int)\n(assert (not (> (* x x) -1)))\n(assert (> x 3))\n(check-sat)\n"
    assert decide("(declare-const x Int)\n(assert (> x 3))\n(check-sat)\n", 1_000_000).status == "refuted"
    assert decide(false, 1_000_000).status == "proved"  # x*x > -1 always: its negation is unsat
    unreadable = decide("(declare-const x Int)\n(assert (frobnicate x))\n(check-sat)\n", 1_000_000)
    assert unreadable.status == "unknown" and "cannot read" in unreadable.reason and "frobnicate" in unreadable.reason


def test_log_commands_name_a_missing_or_corrupt_log(tmp_path):
    missing = gm("log", "show", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such log file" in missing.stderr
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text('{"type": "header"}\n{"type": "rew', encoding="utf-8")
    done = gm("log", "verify", str(corrupt))
    assert done.returncode == 2 and f"{corrupt}:2:" in done.stderr and "Traceback" not in done.stderr


# --- axioms ----------------------------------------------------------------------------------

def axioms(*args: str, directory: Path) -> subprocess.CompletedProcess[str]:
    return gm("axioms", *args, "--dir", str(directory))


def test_axioms_check_proves_a_lemma_from_the_set_and_marks_a_constraint(tmp_path):
    lemma = tmp_path / "lemma.axioms"
    lemma.write_text(LEMMA, encoding="utf-8")
    done = axioms("check", str(lemma), "--json", directory=tmp_path / "installed")
    assert done.returncode == 0, done.stderr
    report = {a["name"]: a for a in json.loads(done.stdout)["axioms"]}
    assert report["max-reward-positive"]["status"] == "proved"
    assert report["max-reward-positive"]["proved_from"] == ["max-reward-is-one"]
    assert report["patient"]["status"] == "constraint"


def test_axioms_check_refuses_an_inconsistent_file_naming_the_conflict(tmp_path):
    bad = tmp_path / "both.axioms"
    bad.write_text("(class reward)\n(declare-const k Int)\n(axiom big (> k 3))\n(axiom small (< k 2))\n",
                   encoding="utf-8")
    done = axioms("check", str(bad), directory=tmp_path / "installed")
    assert done.returncode == 2
    assert f"inconsistent: big ({bad}:3), small ({bad}:4)" in done.stderr


def test_axioms_check_gives_a_positioned_sort_error(tmp_path):
    typo = tmp_path / "typo.axioms"
    typo.write_text("(class reward)\n(declare-fun f (Bool) Real)\n(axiom broken (>= (f 3) 0.0))\n", encoding="utf-8")
    done = axioms("check", str(typo), directory=tmp_path / "installed")
    assert done.returncode == 2
    assert f"{typo}:3:19: error: f cannot take arguments of sorts Int" in done.stderr


def test_axioms_add_refuses_an_axiom_about_the_utility_or_the_clock(tmp_path):
    installed = tmp_path / "installed"
    for name, text in [
        ("cheat", "(class environment)\n(axiom cheat (forall ((p Program) (T Real)) (>= (reward-over p T) T)))\n"),
        ("clock", "(class environment)\n(axiom frozen (forall ((r Int)) (= (state.clock r) 0)))\n"),
        ("utility", "(class utility)\n(axiom more (= max-reward 1.0))\n"),
    ]:
        path = tmp_path / f"{name}.axioms"
        path.write_text(text, encoding="utf-8")
        done = axioms("add", str(path), directory=installed)
        assert done.returncode == 2 and ("kernel's reserved namespace" in done.stderr
                                         or "a user axiom file may be of class" in done.stderr), (name, done.stderr)
    assert not installed.exists() or not list(installed.iterdir())


def test_axioms_add_installs_a_file_that_later_runs_load_and_remove_takes_it_out(tmp_path):
    installed = tmp_path / "installed"
    lemma = tmp_path / "lemma.axioms"
    lemma.write_text(LEMMA, encoding="utf-8")
    assert axioms("add", str(lemma), directory=installed).returncode == 0
    listed = json.loads(axioms("list", "--json", directory=installed).stdout)["axioms"]
    assert {"max-reward-positive", "patient"} <= {a["name"] for a in listed}
    log = tmp_path / "bandit.jsonl"
    env_run = subprocess.run([sys.executable, "-m", "godelmachine", "run", "bandit", "--lifetime", "100000",
                              "--log", str(log), "--json"], capture_output=True, text=True, timeout=600,
                             env={**os.environ, "GODELMACHINE_AXIOMS": str(installed)})
    assert env_run.returncode == 0, env_run.stderr
    assert str(installed / "lemma.axioms") in read_log(log)[0]["axiom_files"]
    assert gm("log", "verify", str(log)).returncode == 0
    assert axioms("remove", "lemma", directory=installed).returncode == 0
    again = axioms("remove", "lemma", directory=installed)
    assert again.returncode == 2 and "no installed axiom file 'lemma'" in again.stderr


def test_axioms_list_counts_the_switches_that_rest_on_each_axiom(runs, tmp_path):
    log = runs["sum-to-n"][1]
    done = axioms("list", "--log", str(log), "--json", directory=tmp_path / "installed")
    assert done.returncode == 0, done.stderr
    rows = {a["name"]: a for a in json.loads(done.stdout)["axioms"]}
    proven = sum(1 for r in read_log(log) if r["type"] == "switch" and r["accepted"] == "proof")
    assert rows["wald-lower"]["switches"] == proven and rows["wald-lower"]["file"] == "proofs/utility.axioms"
    assert rows["uniform-moment-0"]["class"] == "uncertainty"
