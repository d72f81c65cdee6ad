"""The README's worked example of extending the axiom set: on proofs/examples/sum-of-cubes.task
the shipped axioms do not let the machine prove Nicomachus's closed form within the lifetime;
with the lemma of proofs/examples/cubes-lemma.axioms it does, and the switch rests on it."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import REPO
from godelmachine.machine.machine import Machine
from godelmachine.machine.records import read_records as read_log
from godelmachine.machine.task import load_task
from godelmachine.machine.verify import verify_log

EXAMPLES = REPO / "proofs" / "examples"
LEMMA = "consecutive-square-product-divisible-by-4"


def test_the_lemma_lets_the_machine_prove_the_closed_form(tmp_path: Path) -> None:
    task = load_task(str(EXAMPLES / "sum-of-cubes.task"))
    alone = Machine(task, log_path=tmp_path / "alone.jsonl").run()
    assert alone.switches == [] and alone.refusals.get("unknown", 0) > 0  # tried, could not prove in time

    lemma = EXAMPLES / "cubes-lemma.axioms"
    helped = Machine(task, axiom_files=(lemma,), log_path=tmp_path / "helped.jsonl").run()
    assert [s.technique for s in helped.switches] == ["closed-form", "share"]  # the search off once exhausted
    assert helped.reward > 100 * alone.reward
    switch = [r for r in read_log(tmp_path / "helped.jsonl") if r["type"] == "switch"][0]
    assert switch["accepted"] == "proof" and LEMMA in switch["axioms_used"]
    assert "(div (* (* (+ (* (+ n 2) n) 1) n) n) 4)" in switch["after"]
    assert verify_log(tmp_path / "helped.jsonl").switches == 2
