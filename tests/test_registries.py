"""Each extension point of the proof searcher is one table, and each table is complete.

The technique registry names exactly the technique programs in its folder; the tactics'
table is what `apply-rule` dispatches on; certificate replay has a function for exactly the
rules the kernel can make (the kernel's `RULES`, which it checks each theorem against, and
which are exactly the rule names its code gives a theorem).
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from pathlib import Path

import pytest

from godelmachine.errors import UserError
from godelmachine.lang.values import Trap
from godelmachine.logic import kernel
from godelmachine.logic.certificates import REPLAY
from godelmachine.logic.terms import TRUE
from godelmachine.machine.task import technique_names
from godelmachine.search import techniques
from godelmachine.search.clock import Clock
from godelmachine.search.searcher import Searcher
from godelmachine.search.tactics import TACTICS


def test_the_technique_registry_names_exactly_the_technique_programs() -> None:
    programs = {p.stem for p in techniques.FOLDER.glob("*.gm")} - {"library"}
    assert set(techniques.REGISTRY) == programs
    assert all(t.path.is_file() and t.prior > 0 and callable(t.generate) for t in techniques.REGISTRY.values())
    assert technique_names() == sorted(programs)


def test_an_unknown_technique_or_generator_is_refused() -> None:
    with pytest.raises(UserError, match="unknown proof technique 'no-such'"):
        Searcher(None, Clock(1), None, [("no-such", Fraction(1))])  # type: ignore[arg-type]
    with pytest.raises(Trap) as trap:
        techniques.generate("no-such", None)  # type: ignore[arg-type]
    assert (trap.value.reason, trap.value.detail) == ("no-such-generator", "no candidate generator 'no-such'")


def test_every_rule_a_technique_program_applies_is_a_tactic_or_a_kernel_rule() -> None:
    applied = {m for p in techniques.FOLDER.glob("*.gm") for m in re.findall(r"\(apply-rule '([\w-]+)", p.read_text())}
    assert applied and applied <= set(TACTICS) | {"conjoin", "modus-ponens"}
    assert all(t.handles == tuple(sorted(set(t.handles))) for t in TACTICS.values())


def rules_the_kernel_code_gives() -> set[str]:
    """Every rule name kernel.py passes to `_theorem`, directly or through a function that
    passes its own `rule` parameter on (as `_from_smt` does), read off the source."""
    tree = ast.parse(Path(kernel.__file__).read_text(encoding="utf-8"))
    functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}

    def called(call: ast.Call) -> str:
        return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""

    def rule_arg(call: ast.Call) -> ast.expr:
        params = [a.arg for a in functions[called(call)].args.args if a.arg != "self"]
        i = params.index("rule")
        return call.args[i] if i < len(call.args) else next(k.value for k in call.keywords if k.arg == "rule")

    forwarding = {"_theorem"}
    for f in functions.values():
        for call in ast.walk(f):
            if isinstance(call, ast.Call) and called(call) == "_theorem":
                arg = rule_arg(call)
                if isinstance(arg, ast.Name) and arg.id == "rule":
                    forwarding.add(f.name)
    names = set()
    for f in functions.values():
        for call in ast.walk(f):
            if isinstance(call, ast.Call) and called(call) in forwarding and called(call) in functions:
                arg = rule_arg(call)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
                else:  # only a forwarding function may pass on a name it did not write
                    assert isinstance(arg, ast.Name) and arg.id == "rule" and f.name in forwarding, ast.unparse(call)
    return names


def test_the_kernel_rules_are_exactly_the_names_its_code_gives_a_theorem() -> None:
    assert rules_the_kernel_code_gives() == set(kernel.RULES)
    assert len(set(kernel.RULES)) == len(kernel.RULES)


def test_certificate_replay_covers_exactly_the_kernel_rules() -> None:
    assert set(REPLAY) == set(kernel.RULES)


def test_the_kernel_makes_no_theorem_of_a_rule_it_does_not_list() -> None:
    with pytest.raises(AssertionError, match="not a kernel rule"):
        kernel._theorem(TRUE, "trust-me", (), {})
    assert kernel._theorem(TRUE, "conjoin", (), {}).rule == "conjoin"
