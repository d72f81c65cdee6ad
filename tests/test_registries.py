"""Each extension point of the proof searcher is one table, and each table is complete.

The technique registry names exactly the technique programs in its folder; the tactics'
table is what `apply-rule` dispatches on; certificate replay has a function for exactly the
rules the kernel can make (the kernel's `RULES`, which it checks each theorem against, and
which are exactly the rule names its code gives a theorem).
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from godelmachine.errors import UserError
from godelmachine.lang.values import Trap
from godelmachine.machine.task import technique_names
from godelmachine.search import techniques
from godelmachine.search.searcher import Searcher
from godelmachine.search.tactics import TACTICS


def test_the_technique_registry_names_exactly_the_technique_programs() -> None:
    programs = {p.stem for p in techniques.FOLDER.glob("*.gm")} - {"library"}
    assert set(techniques.REGISTRY) == programs
    assert all(t.path.is_file() and t.prior > 0 and callable(t.generate) for t in techniques.REGISTRY.values())
    assert technique_names() == sorted(programs)


def test_an_unknown_technique_or_generator_is_refused() -> None:
    with pytest.raises(UserError, match="unknown proof technique 'no-such'"):
        Searcher(None, [("no-such", Fraction(1))])
    with pytest.raises(Trap) as trap:
        techniques.generate("no-such", None)  # type: ignore[arg-type]
    assert (trap.value.reason, trap.value.detail) == ("no-such-generator", "no candidate generator 'no-such'")


def test_every_rule_a_technique_program_applies_is_a_tactic_or_a_kernel_rule() -> None:
    applied = {m for p in techniques.FOLDER.glob("*.gm") for m in re.findall(r"\(apply-rule '([\w-]+)", p.read_text())}
    assert applied and applied <= set(TACTICS) | {"conjoin", "modus-ponens"}
    assert all(t.handles == tuple(sorted(set(t.handles))) for t in TACTICS.values())
