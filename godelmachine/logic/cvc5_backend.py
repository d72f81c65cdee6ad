"""cvc5 as a second opinion: the `smt` rule's query, as SMT-LIB text, decided by cvc5.

`godelmachine log verify --solver cvc5` gives the kernel `prove_cvc5` instead of Z3, so
every `smt` node of every certificate is decided by an independent solver from the same
standalone SMT-LIB script that `log export --smt2` writes. cvc5 is an optional extra
(`pip install 'godelmachine[cvc5]'`). Its budget is deterministic too: cvc5's resource limit
per query (`rlimit-per`), at `CVC5_RLIMIT_PER_Z3` cvc5 units per Z3 rlimit unit of the
original query. A query cvc5 cannot read (an operator it lacks) is refused as unknown with
cvc5's message, never skipped; unknown and sat are refusals, as with Z3.
"""

from __future__ import annotations

from typing import Sequence

from godelmachine.errors import UserError
from godelmachine.logic.smt import SmtResult, to_smt2
from godelmachine.logic.terms import Term

CVC5_RLIMIT_PER_Z3 = 10


def available() -> bool:
    try:
        import cvc5  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    if not available():
        raise UserError("cvc5 is not installed: pip install 'godelmachine[cvc5]' (or pip install cvc5)")


def prove_cvc5(premises: Sequence[Term], goal: Term, rlimit: int) -> SmtResult:
    return decide(to_smt2(premises, goal), rlimit * CVC5_RLIMIT_PER_Z3)


def decide(script: str, resource_limit: int) -> SmtResult:
    """Run an SMT-LIB script whose (check-sat) answers unsat when the goal is proved."""
    import cvc5

    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("rlimit-per", str(resource_limit))
    solver.setLogic("ALL")
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, script, "obligation.smt2")
    answers = []
    try:
        while True:
            command = parser.nextCommand()
            if command.isNull():
                break
            if str(command).startswith("(set-logic"):
                continue
            output = command.invoke(solver, symbols).strip()
            if str(command).startswith("(check-sat"):
                answers.append(output)
    except RuntimeError as exc:  # cvc5 raises CVC5ApiException (a RuntimeError) on what it cannot read
        return SmtResult("unknown", 0, f"cvc5 cannot read the query: {str(exc).splitlines()[0]}")
    answer = answers[-1] if answers else "no answer"
    if answer == "unsat":
        return SmtResult("proved", 0)
    if answer == "sat":
        return SmtResult("refuted", 0, "cvc5 finds the goal's negation satisfiable")
    return SmtResult("unknown", 0, f"cvc5 answers {answer} (resource limit {resource_limit})")
