"""The axiom checks' cache (godelmachine/logic/axiom_cache.py): a second start reads the
outcomes instead of deciding them again, and a cache that does not fit is ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from godelmachine.logic import axiom_cache, axioms
from godelmachine.machine.axiom_set import task_axioms
from godelmachine.machine.task import load_task

LEMMA = """(class environment)
(declare-fun twice (Int) Int)
(axiom twice-def (forall ((n Int)) (= (twice n) (* 2 n))))
(axiom doubling (forall ((a Int)) (= (+ a a) (* 2 a))))
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    axioms._load.cache_clear()  # the in-process memo would answer before the cache is asked
    yield tmp_path / "cache" / "godelmachine"
    axioms._load.cache_clear()


@pytest.fixture
def lemma(tmp_path: Path) -> Path:
    path = tmp_path / "lemma.axioms"
    path.write_text(LEMMA, encoding="utf-8")
    return path


def outcomes(a: axioms.AxiomSet) -> dict[str, tuple]:
    return {n: (x.status, x.proved_from, x.evidence) for n, x in a.axioms.items()}


def test_a_second_build_reads_the_outcomes_the_first_decided(cache: Path, lemma: Path, monkeypatch) -> None:
    task = load_task("sum-to-n")
    first = task_axioms(task, (lemma,))
    (entry,) = cache.glob("axioms-*.json")
    assert first.axioms["twice-def"].status == "constraint" and first.axioms["doubling"].status == "proved"
    axioms._load.cache_clear()
    decided = []
    monkeypatch.setattr(axioms, "check_consistency", lambda target: decided.append(target))
    second = task_axioms(task, (lemma,))
    assert decided == [] and outcomes(second) == outcomes(first)
    assert (second.consistency, second.user_consistency) == (first.consistency, first.user_consistency)


@pytest.mark.parametrize("spoil", [
    lambda d: {**d, "key": "0" * 64},  # another set's entry under this name
    lambda d: {**d, "axioms": {n: o for n, o in list(d["axioms"].items())[1:]}},  # an axiom missing
    lambda d: {**d, "axioms": {**d["axioms"], "doubling": ["proved", ["no-such-axiom"], ""]}},
    lambda d: {**d, "axioms": {**d["axioms"], "doubling": ["believed", [], ""]}},
    lambda d: {**d, "format": 0},
    lambda d: "not an object",
])
def test_a_cache_that_does_not_fit_is_ignored_and_the_checks_run_again(cache: Path, lemma: Path, spoil) -> None:
    task = load_task("sum-to-n")
    first = task_axioms(task, (lemma,))
    (entry,) = cache.glob("axioms-*.json")
    entry.write_text(json.dumps(spoil(json.loads(entry.read_text()))), encoding="utf-8")
    axioms._load.cache_clear()
    assert outcomes(task_axioms(task, (lemma,))) == outcomes(first)
    assert json.loads(entry.read_text())["axioms"] == {n: [s, list(p), e] for n, (s, p, e) in outcomes(first).items()
                                                       if first.axioms[n].cls != "hardware"}  # written afresh


def test_a_changed_file_is_a_new_entry_and_a_refused_one_none(cache: Path, lemma: Path) -> None:
    task = load_task("sum-to-n")
    task_axioms(task, (lemma,))
    lemma.write_text(LEMMA.replace("(* 2 a)", "(* 3 a)"), encoding="utf-8")  # false: refused, not kept
    axioms._load.cache_clear()
    with pytest.raises(axioms.UserError, match="doubling is false"):
        task_axioms(task, (lemma,))
    assert len(list(cache.glob("axioms-*.json"))) == 1


def test_log_verify_decides_every_check_again(cache: Path, tmp_path: Path) -> None:
    """An entry spoiled with a fitting key is what a run would read; `log verify` does not."""
    from godelmachine.machine.axiom_set import log_axioms

    task = load_task("sum-to-n")
    first = task_axioms(task, ())
    (entry,) = cache.glob("axioms-*.json")
    data = json.loads(entry.read_text())
    data["consistency"] = "taken from the cache"
    entry.write_text(json.dumps(data), encoding="utf-8")
    axioms._load.cache_clear()
    assert task_axioms(task, ()).consistency == "taken from the cache"
    header = {"task": "sum-to-n", "task_file": task.path, "task_sha256": task.digest, "axiom_files": first.files}
    assert log_axioms(header, task, cache=False).consistency == first.consistency


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GODELMACHINE_CACHE", "off")
    task_axioms(load_task("sum-to-n"), ())
    assert not cache.exists()


def test_a_second_process_reads_the_entry_the_first_wrote(tmp_path: Path) -> None:
    """Two processes: the first writes the entry, the second reads it and leaves it as it is
    (the file is replaced, a new inode, only when the checks run)."""
    code = ("from godelmachine.machine.axiom_set import task_axioms; from godelmachine.machine.task import load_task; "
            "print(task_axioms(load_task('bits'), ()).consistency)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def start() -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout

    first = start()
    (entry,) = (tmp_path / "godelmachine").glob("axioms-*.json")
    written = entry.stat().st_ino
    assert start() == first and first.strip()
    assert entry.stat().st_ino == written and json.loads(entry.read_text())["format"] == axiom_cache.FORMAT
