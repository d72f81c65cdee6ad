"""Every kernel query can be written as standalone SMT-LIB 2 that another solver accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from godelmachine.lang.program import Program
from godelmachine.logic.kernel import Kernel, rewrite_rules, unfold, z3_premises
from godelmachine.logic.smt import to_smt2
from godelmachine.search.obligations import Solver, obligation_goal
from logic_helpers import sum_axioms

POPCOUNT = open(Path(__file__).resolve().parent.parent / "examples" / "popcount.gm").read()


def z3_binary() -> str:
    found = shutil.which("z3") or str(Path(sys.executable).parent / "z3")
    assert Path(found).exists(), "the z3-solver wheel ships a z3 executable next to the interpreter"
    return found


def answer(script: str, tmp_path: Path) -> str:
    path = tmp_path / "query.smt2"
    path.write_text(script)
    result = subprocess.run([z3_binary(), str(path)], capture_output=True, text=True, timeout=120)
    return result.stdout.strip()


def test_exported_obligations_get_the_same_answer_from_the_z3_executable(tmp_path: Path) -> None:
    kernel = Kernel(sum_axioms())
    program = Program.from_source(POPCOUNT)
    loop, swar = Solver(program, "popcount-loop", ("word",)), Solver(program, "popcount-swar", ("word",))
    for kind, expected in [("same-results", "unsat"), ("cost-not-greater", "sat")]:
        # cost-not-greater from the cheap SWAR to the loop is false: the loop costs more
        old, new = (loop, swar) if kind == "same-results" else (swar, loop)
        goal, premises = obligation_goal(kind, kernel, old, new)
        rules = rewrite_rules(premises)
        script = to_smt2(z3_premises(premises, rules), unfold(goal, rules), comment=f"{kind}\nunsat means proved")
        assert script.startswith(f"; {kind}\n")
        assert answer(script, tmp_path) == expected
