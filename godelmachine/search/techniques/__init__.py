"""Untrusted: the proof techniques, one entry each: name, default prior, candidate generator, program.

A proof technique is a program of the machine language in this folder (`NAME.gm`, run with
`library.gm` before it), scheduled by BIOPS with its prior, and a generator of candidate
switchprogs that the program asks for with `(candidates 'NAME)`. The registry below is the one
place that lists them: the searcher's default priors, the names a task file may give under
`(techniques ...)`, and the generator behind `(candidates kind)` all come from it
(tests/test_registries.py checks that it and the `.gm` files name the same techniques).

A generator reads only its `Context`: the current solver, the instance distribution, the
proof searcher's share, and a runner that runs a program and charges the steps to the trial.
Nothing it proposes is believed: each candidate must still be proved by the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from godelmachine.lang.program import Program
from godelmachine.lang.values import Trap
from godelmachine.logic.axioms import Distribution
from godelmachine.logic.kernel import Kernel, support_points, term_value
from godelmachine.search import candidates, cegis
from godelmachine.search.candidates import Runner, Switchprog
from godelmachine.search.learned import Learned
from godelmachine.search.space import SearchSpace
from godelmachine.search.tactics import SMALL_SUPPORT

FOLDER = Path(__file__).resolve().parent
LIBRARY = FOLDER / "library.gm"  # the procedures every technique program may call


@dataclass(frozen=True)
class Context:
    """What a candidate generator may read."""

    solver: Program  # the current solver program
    distribution: Distribution  # the instances it is run on
    share: Fraction  # the proof searcher's share of the steps
    runner: Runner  # runner(program, name, args, fast=True): runs it, charging the trial's steps
    kernel: Kernel  # for a generator that checks its guesses (its work charged with `charge`)
    types: tuple[str, ...]  # the types of the solver's parameters (an instance's variables)
    charge: Callable[[int], None]  # charges other work (enumeration, the kernel's) to the trial
    memo: dict[Any, Any] = field(default_factory=dict)  # kept for this solver across trials (a search to go on with)
    left: Callable[[], int] | None = None  # the steps left to the trial (None: no trial, no limit)
    space: SearchSpace | None = None  # the task's restriction of its rewrites (None: any program)
    library: Learned | None = None  # what the run takes from the library of proven rewrites


Generator = Callable[[Context], list[Switchprog]]


@dataclass(frozen=True)
class ProofTechnique:
    name: str
    prior: int  # the default BIOPS prior (a task's `(techniques (name prior) ...)` overrides all of them)
    generate: Generator  # the candidates behind `(candidates 'name)`
    default: bool = True  # run by a task that names no techniques (else only when a task names it)

    @property
    def path(self) -> Path:
        """The technique program."""
        return FOLDER / f"{self.name}.gm"


def closed_form(c: Context) -> list[Switchprog]:
    """For a solver of one uniform integer input only: the fit needs its range."""
    ints = [m for m in c.distribution.marginals if m.kind == "uniform-int"]
    if len(ints) != 1 or len(c.distribution.marginals) != 1:
        return []
    return candidates.closed_form(c.solver, c.runner, ints[0].lo, ints[0].hi)


def policy(c: Context) -> list[Switchprog]:
    """For a small finite support only: the current policy is run on each of its points."""
    points = support_points(c.distribution, SMALL_SUPPORT)
    return candidates.policies(c.solver, c.runner, [tuple(term_value(v) for v in p) for _, p in points]) if points else []


# The order is the searcher's order of trials within a phase.
REGISTRY: dict[str, ProofTechnique] = {t.name: t for t in (
    ProofTechnique("closed-form", 4, closed_form),
    ProofTechnique("iterate", 4, lambda c: candidates.iterate(c.solver)),
    ProofTechnique("superopt", 2, lambda c: candidates.superopt(c.solver, c.runner)),
    ProofTechnique("synthesis", 2, lambda c: cegis.synthesize(c.solver, c.distribution, c.types, c.kernel, c.runner,
                                                              c.charge, c.memo, c.left, c.space, c.library)),
    ProofTechnique("algebraic", 2, lambda c: candidates.algebraic(c.solver)),
    ProofTechnique("comparators", 2, lambda c: candidates.comparators(c.solver)),
    ProofTechnique("policy", 2, policy),
    ProofTechnique("prune", 2, lambda c: candidates.pruning(c.solver)),
    ProofTechnique("share", 1, lambda c: candidates.share_cuts(c.share)),
)}


def generate(kind: str, context: Context) -> list[Switchprog]:
    """The candidates of the technique `kind`; a trap for a name the registry does not hold."""
    if kind not in REGISTRY:
        raise Trap("no-such-generator", f"no candidate generator {kind!r}")
    return REGISTRY[kind].generate(context)
