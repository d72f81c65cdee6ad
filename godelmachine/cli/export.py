"""`log export --smt2`: every obligation a log's proofs rest on, as standalone SMT-LIB scripts;
`log export --sygus`: each switch of a run on a SyGuS problem as a solution.

The certificates are replayed by a fresh kernel (as `log verify` does), and each `smt` node's
query is written as posed, before the kernel's own simplification: the premises as their
theorems state them (a program's definition as quantified equations), then the goal's
negation, then (check-sat). `unsat` means the node is proved. (The kernel unfolds the
definitions into the goal before it asks Z3, which often decides the query outright: written
that way, a third of a run's files would be `(assert false)`, leaving an outside solver
nothing to re-check.)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from godelmachine.errors import UserError
from godelmachine.lang.program import Program
from godelmachine.logic.certificates import derivation
from godelmachine.logic.kernel import Theorem
from godelmachine.logic.smt import to_smt2
from godelmachine.logic.terms import smtlib
from godelmachine.machine import sygus, sygus_grammar
from godelmachine.machine.records import read_records


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
            premises, goal = [p.statement for p in node.premises], node.statement
            comment = (f"{log}: switch {n}, certificate node {index} (rule smt, rlimit {node.arg('rlimit')})\n"
                       "the query as posed: the premises as their theorems state them (definitions as quantified\n"
                       "equations), then the goal's negation; the kernel sent Z3 the same query with the\n"
                       "definitions unfolded into the goal. unsat means the goal follows from the premises\n"
                       f"goal: {smtlib(node.statement)[:400]}")
            path = directory / f"switch-{n}-node-{index:03d}.smt2"
            path.write_text(to_smt2(premises, goal, comment=comment), encoding="utf-8")
            written.append(path)

    verify_log(log, on_switch=write)
    return written


def export_sygus(log: Path, directory: Path) -> list[Path]:
    """Each switch that changed the solver of a run on a SyGuS problem, as the problem's
    solution `(define-fun f ...)` in `switch-N.sl` (a switch whose solver has no SyGuS term,
    such as a loop, is named in a comment in place of the define-fun). With a grammar, the
    solution is spelled as the grammar derives it."""
    records = read_records(log)
    header = records[0]
    task_file = Path(str(header.get("task_file", "")))
    if task_file.suffix != ".sl":
        raise UserError(f"{log}: the run's task {task_file} is not a SyGuS problem (.sl)")
    try:
        text = task_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{task_file}: cannot be read ({exc})") from None
    if hashlib.sha256(text.encode()).hexdigest() != header.get("task_sha256"):
        raise UserError(f"{task_file} has changed since the run (its SHA-256 differs from the log's header)")
    problem = sygus.read_problem(text, str(task_file))
    grammar = sygus_grammar.read_grammar(problem)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{directory}: cannot make the directory ({exc.strerror})") from None
    written: list[Path] = []
    switches = [r for r in records if r["type"] == "switch"]
    for n, record in enumerate(switches, 1):
        if record["after"] == record["before"]:
            continue
        comment = f"; {log}: switch {n} at clock {record['clock']}, by {record['technique']}\n"
        after = Program.from_source(record["after"])
        if grammar is not None:  # spelled as the grammar derives it
            spelled, why = sygus_grammar.in_grammar(after, problem, grammar)
            body = spelled or f"; not in the problem's grammar: {why}"
        else:
            try:
                body = sygus.solution(after, problem)
            except sygus.Unwritable as exc:
                body = f"; no SyGuS term for this solver: {exc}"
        path = directory / f"switch-{n}.sl"
        path.write_text(comment + body + "\n", encoding="utf-8")
        written.append(path)
    return written
