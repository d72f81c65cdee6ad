"""The programs a run may switch to: all of them, unless its task restricts its rewrites.

A SyGuS problem with a grammar (godelmachine/machine/sygus_grammar.py) restricts them to the
programs whose answer, written as a SyGuS term, the grammar derives. The restriction is
checked where a switchprog is set (`Searcher.set_switchprog` answers `(invalid ...)` for a
program outside it, before any proof is tried) and again by `log verify`; the synthesizer also
reads it, so that it enumerates only the operations the grammar has. That last part is an
over-approximation (a grammar's nonterminals may constrain more than which operations occur);
the check on the program is the exact one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from godelmachine.lang.program import Program


@dataclass(frozen=True)
class SearchSpace:
    description: str  # for messages: "the grammar of f in problem.sl"
    admits: Callable[[Program], str | None]  # None if the program is in the space, else why not
    primitives: frozenset[str]  # the primitives a synthesizer may apply
    conditionals: bool  # whether it may use `if`

    def excluded(self, names: frozenset[str] | set[str]) -> set[str]:
        """Of `names` (primitives, and `if`), those the space does not let a synthesizer use."""
        return {n for n in names if (n == "if" and not self.conditionals) or (n != "if" and n not in self.primitives)}


__all__ = ["SearchSpace"]
