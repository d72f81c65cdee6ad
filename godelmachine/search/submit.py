"""Untrusted: one switchprog submitted as a switch, outside the main loop (benchmarks, tests).

`submit` runs the proof searcher's own path for one given switchprog, as a technique trial:
`set-switchprog`, then the library's proof procedure (`prove-equivalent-and-faster` with
`symbolic` or `evaluation` facts, `prove-better-policy`, or the share technique's
`prove-share-change` with `auto` facts), then `check`; in a machine of mode `empirical`,
`check-empirically` instead of the proof (the library's `attempt` decides). Nothing
here builds a proof or decides acceptance: a switchprog is accepted only when `check` raises
the switch, exactly as in a run. The machine itself is not switched; its searcher's epoch
cache is kept, as between the trials of one epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from godelmachine.lang.interpreter import Evaluator
from godelmachine.lang.program import Program
from godelmachine.lang.values import show
from godelmachine.search.searcher import TECHNIQUES, Searcher, SwitchEvent

PROOFS = ("symbolic", "evaluation", "policy", "share")  # the library's proof procedures, by their facts

SUBMIT = """
(define (submit switchprog proof)
  (attempt switchprog (cond ((= proof 'policy) prove-better-policy)
                            ((= proof 'share) (lambda () (prove-share-change 'auto)))
                            (else (lambda () (prove-equivalent-and-faster proof))))))
"""


@dataclass
class Submission:
    """What became of a submitted switchprog."""

    accepted: bool
    answer: str  # "switch", or the procedure's answer: (refuted ...), (unknown ...), (refused ...), out-of-steps
    steps: int  # steps the trial took on the clock
    event: SwitchEvent | None  # the switch `check` (or `check-empirically`) accepted


def submission_program(searcher: Searcher) -> Program:
    """The technique library and `submit`, with the searcher's primitives (made once per searcher)."""
    program = getattr(searcher, "_submission_program", None)
    if program is None:
        library = (TECHNIQUES / "library.gm").read_text(encoding="utf-8")
        program = Program.from_source(library + SUBMIT, "godelmachine/search/submit.py", searcher.table)
        searcher._submission_program = program  # type: ignore[attr-defined]
    return program


def submit(searcher: Searcher, switchprog: Any, proof: str, budget: int) -> Submission:
    """Run one trial that sets `switchprog` (a datum: a list of `(define ...)` forms) and proves
    it with the procedure named by `proof`, within `budget` steps, on the searcher's clock. The
    clock reads the trial's steps while it runs (`state2theorem clock`, `check`), but is not
    charged with them: the caller decides (a test that switches the machine mid-run charges
    them; a campaign that submits one candidate after another keeps the clock where it stands)."""
    if proof not in PROOFS:
        raise ValueError(f"unknown proof procedure {proof!r}; expected one of {', '.join(PROOFS)}")
    evaluator = Evaluator(submission_program(searcher), budget)
    searcher.technique = f"submit-{proof}"
    with searcher.clock.trial(evaluator, charged=False):
        try:
            outcome = evaluator.run("submit", (switchprog, proof))
        except SwitchEvent as event:
            return Submission(True, "switch", evaluator.steps, event)
    answer = show(outcome.value) if outcome.kind == "value" else outcome.kind
    return Submission(False, answer, outcome.steps, None)
