"""The machine against cvc5's SyGuS solver on Hacker's Delight P1-P25, side by side.

The problems are `benchmarks/sygus/pNN.sl` (written by `python -m benchmarks.sygus.make`): each
reference function is the naive specification the project's P-task starts from, unrolled
into SMT-LIB, and each synth-fun has the full bit-vector grammar (every 32-bit operation,
`ite` over comparisons, the parameters, 0, 1, -1 and any constant).

Per problem, both get the same wall-clock budget (`BUDGET` seconds) and run at the same time,
one on each of the machine's two cores:

- cvc5 (its Python API, `sygus` on, the problem's own commands up to `check-synth`) in a child
  process that is killed at the budget: cvc5's own time limits do not stop `check-synth`.
- the machine (`load_task(FILE.sl)`, `Machine.run`) in this process, with the problem's
  lifetime (5,000,000 steps), stopped at its next clean point when the budget is over (as
  Ctrl-C stops it). Solved: a rewrite of the solver proved within the budget; its steps to
  that proof are the clock at its first switch.

Size is the number of operations in the solution's term with its lets expanded (literals and
parameters count 0), the same count for both: for cvc5 the term it prints, for the machine the
final solver written as a SyGuS term (`sygus.solution`). The machine's solution is also
checked to be derived by the grammar (its rewrites are restricted to it).
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

from rich.table import Table

from godelmachine.errors import UserError

SUITE = Path(__file__).resolve().parent / "sygus"
BUDGET = 60.0  # wall seconds per problem, for each tool
QUICK_PROBLEMS = (1,)
QUICK_BUDGET = 10.0


def problems() -> list[Path]:
    return sorted(SUITE.glob("p*.sl"))


def best_known(path: Path) -> int | None:
    match = re.search(r"^; best-known: (\d+)", path.read_text(encoding="utf-8"), re.M)
    return int(match.group(1)) if match else None


# --- size of a term -------------------------------------------------------------------


def term_size(text: str) -> int:
    """Operations in a define-fun's body, lets expanded (each use of a bound term counts it)."""
    from godelmachine.lang.reader import SList
    from godelmachine.logic.smtlib import read_sexprs, symbol_of

    (command,) = read_sexprs(text, "<solution>")
    assert type(command) is SList

    def size(e: Any, env: dict[str, int]) -> int:
        if type(e) is not SList:
            return env.get(symbol_of(e) or "", 0)
        head = symbol_of(e.items[0])
        if head == "let":
            inner = dict(env)
            for b in e.items[1].items:
                inner[symbol_of(b.items[0]) or ""] = size(b.items[1], env)
            return size(e.items[2], inner)
        if head == "_" or head == "-" and len(e.items) == 2 and type(e.items[1]) is not SList:
            return 0  # (_ bvN W), (- 5): literals
        return 1 + sum(size(a, env) for a in e.items[1:])

    return size(command.items[4], {})


def define_fun(output: str) -> str | None:
    """The (define-fun ...) in cvc5's answer to check-synth, or None (it answered fail or
    nothing)."""
    start = output.find("(define-fun")
    if start < 0:
        return None
    depth = 0
    for i in range(start, len(output)):
        depth += {"(": 1, ")": -1}.get(output[i], 0)
        if depth == 0:
            return output[start:i + 1]
    return None


# --- cvc5 ---------------------------------------------------------------------------


def _cvc5_child(path: str, queue: "multiprocessing.Queue[Any]") -> None:
    import cvc5

    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("sygus", "true")
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    parser.setFileInput(cvc5.InputLanguage.SYGUS_2_1, path)
    start = time.perf_counter()
    output = ""
    while True:
        command = parser.nextCommand()
        if command.isNull():
            break
        output = command.invoke(solver, symbols).strip() or output
    queue.put((output, time.perf_counter() - start))


def run_cvc5(path: Path, budget: float) -> dict[str, Any]:
    queue: multiprocessing.Queue[Any] = multiprocessing.Queue()
    child = multiprocessing.get_context("fork").Process(target=_cvc5_child, args=(str(path), queue))
    start = time.perf_counter()
    child.start()
    child.join(budget)
    wall = time.perf_counter() - start
    if child.is_alive():
        child.kill()
        child.join()
        return {"solved": False, "size": None, "wall": round(wall, 2), "answer": "timeout"}
    if queue.empty():
        return {"solved": False, "size": None, "wall": round(wall, 2), "answer": f"exit code {child.exitcode}"}
    output, wall = queue.get()
    solution = define_fun(output)
    if solution is None:
        return {"solved": False, "size": None, "wall": round(wall, 2), "answer": output[:200]}
    return {"solved": True, "size": term_size(solution), "wall": round(wall, 2), "answer": solution}


# --- the machine ----------------------------------------------------------------------


def run_machine(path: Path, budget: float) -> dict[str, Any]:
    from godelmachine.machine.interrupt import Interrupted, StopRequest
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.sygus import Unwritable, read_problem, solution
    from godelmachine.machine.sygus_grammar import in_grammar, read_grammar
    from godelmachine.machine.task import load_task

    start = time.perf_counter()
    task = load_task(str(path))
    stop = StopRequest()
    first: dict[str, Any] = {}

    def progress(machine: Any, result: Any) -> None:
        solver_switches = [s for s in result.switches if s.after.digest != s.before.digest]
        if solver_switches and not first:
            first.update(clock=solver_switches[0].clock, wall=time.perf_counter() - start)

    timer = threading.Timer(budget, lambda: setattr(stop, "requested", True))
    timer.start()
    machine = Machine(task, stop=stop)
    try:
        result = machine.run(progress)
        progress(machine, result)
    except Interrupted:
        pass
    finally:
        timer.cancel()
    wall = time.perf_counter() - start
    if not first:
        return {"solved": False, "size": None, "wall": round(wall, 2), "steps": None, "answer": None}
    problem = read_problem(path.read_text(encoding="utf-8"), str(path))
    grammar = read_grammar(problem)
    try:
        text = solution(machine.solver, problem)
    except Unwritable as why:
        return {"solved": True, "size": None, "wall": round(first["wall"], 2), "steps": first["clock"],
                "answer": f"no SyGuS term: {why}"}
    in_it = grammar is None or in_grammar(machine.solver, problem, grammar)[1] is None
    return {"solved": True, "size": term_size(text), "wall": round(first["wall"], 2), "steps": first["clock"],
            "answer": text, "in_grammar": in_it}


# --- the benchmark --------------------------------------------------------------------


def measure_problem(path: Path, budget: float) -> dict[str, Any]:
    """cvc5 in a child process and the machine here, at the same time."""
    box: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: box.update(cvc5=run_cvc5(path, budget)))
    thread.start()
    try:
        machine = run_machine(path, budget)
    except UserError as exc:  # a problem the machine cannot read is a row that says so, not a lost suite
        machine = {"solved": False, "size": None, "wall": None, "steps": None, "answer": f"error: {exc}"}
    thread.join()
    row = {"problem": path.stem, "best_known": best_known(path), "budget": budget, "machine": machine,
           "cvc5": box["cvc5"]}
    print(f"{path.stem}: machine {machine['solved']} {machine['size']} {machine['wall']} s, "
          f"cvc5 {box['cvc5']['solved']} {box['cvc5']['size']} {box['cvc5']['wall']} s", file=sys.stderr, flush=True)
    return row


def measure(quick: bool = False) -> list[dict[str, Any]]:
    paths = [SUITE / f"p{n:02d}.sl" for n in QUICK_PROBLEMS] if quick else problems()
    return [measure_problem(p, QUICK_BUDGET if quick else BUDGET) for p in paths]


def report(rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"SyGuS: the machine and cvc5, {rows[0]['budget'] if rows else BUDGET:.0f} s each per problem")
    for column in ("problem", "best", "machine", "size", "wall s", "steps to proof", "cvc5", "size ", "wall s "):
        table.add_column(column, justify="left" if column == "problem" else "right")

    def mark(r: dict[str, Any]) -> str:
        return "solved" if r["solved"] else "-"

    for row in rows:
        m, c = row["machine"], row["cvc5"]
        table.add_row(row["problem"], str(row["best_known"] or ""), mark(m), str(m["size"] or ""),
                      f"{m['wall']:.1f}" if m["solved"] else "", f"{m['steps']:,}" if m["steps"] else "",
                      mark(c), str(c["size"] or ""), f"{c['wall']:.1f}" if c["solved"] else "")
    solved_m = sum(r["machine"]["solved"] for r in rows)
    solved_c = sum(r["cvc5"]["solved"] for r in rows)
    both = [r for r in rows if r["cvc5"]["solved"]]
    table.caption = (f"machine {solved_m}/{len(rows)}, cvc5 {solved_c}/{len(rows)}; of cvc5's, the machine proves "
                     f"{sum(r['machine']['solved'] for r in both)}, at no larger size "
                     f"{sum(bool(r['machine']['solved'] and r['machine']['size'] is not None and r['machine']['size'] <= r['cvc5']['size']) for r in both)}")
    return table


__all__ = ["measure", "report", "measure_problem", "term_size"]
