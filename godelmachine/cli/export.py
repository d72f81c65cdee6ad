"""`log export --smt2`: every obligation a log's proofs rest on, as standalone SMT-LIB scripts.

The certificates are replayed by a fresh kernel (as `log verify` does), and each `smt` node's
query is written exactly as the kernel sends it to the solver: the premises (definitions
unfolded), then the goal's negation, then (check-sat). `unsat` means the node is proved.
"""

from __future__ import annotations

from pathlib import Path

from godelmachine.errors import UserError
from godelmachine.logic.certificates import derivation
from godelmachine.logic.kernel import Theorem, smt_query
from godelmachine.logic.smt import to_smt2
from godelmachine.logic.terms import smtlib


def export_smt2(log: Path, directory: Path) -> list[Path]:
    from godelmachine.machine.verify import verify_log

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{directory}: cannot make the directory ({exc.strerror})") from None
    written: list[Path] = []

    def write(n: int, theorem: Theorem) -> None:
        for index, node in enumerate(derivation(theorem)):
            if node.rule != "smt":
                continue
            premises, goal = smt_query(node.statement, node.premises)
            comment = (f"{log}: switch {n}, certificate node {index} (rule smt, rlimit {node.arg('rlimit')})\n"
                       f"goal: {smtlib(node.statement)[:400]}\nunsat means the goal follows from the premises")
            path = directory / f"switch-{n}-node-{index:03d}.smt2"
            path.write_text(to_smt2(premises, goal, comment=comment), encoding="utf-8")
            written.append(path)

    verify_log(log, on_switch=write)
    return written
