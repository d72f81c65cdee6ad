"""The switch rule, trusted: what a switchprog does, and whether a theorem licenses it.

The proof searcher's `check` and `godelmachine log verify` both decide with the functions
here, so that the machine and the checker of its log cannot disagree about what a switch is.

What a switchprog does. A switchprog is a list of definitions, each replacing the solver's
definition of that name (or adding one), and at most one new search share s' with
0 <= s' < 1 (the share the proof searcher gets of every later step; 1 would leave the solver
nothing, and the target theorem credits the new solver with (1 - s') of the remaining steps,
which a share outside the range makes meaningless). Executing it costs one step per node of
its code, plus one.

Whether a theorem licenses it. The theorem must be

    modus_ponens(instantiate(T, [t1]), |- t1 <= D)    with t1 = to_real(state.clock(r) + c)

where T is the target theorem for exactly this pair of solvers and shares (`target_statement`),
its share term a state reading of the current share and its lifetime the current lifetime, r a
clock reading, c the switchprog's cost and D the deadline T names. The caller says which state
readings are current (the searcher: those of this epoch with the machine's values; the
checker of a log: those the log confirms).

A switchprog that lowers the share must change nothing else, and its theorem must rest on a
current reading (state.exhausted r) = true: every proof technique but `share` had tried
everything it knows for the current solver. The target theorem compares switching with never
switching again; for a share cut that is the honest comparison only when the branch that
keeps searching cannot switch to a better solver. The machine's code makes it so: the
scheduler runs no exhausted technique again before a switch (godelmachine/search/searcher.py,
`next_trial`), and `share` proposes nothing but share cuts, which earn less later than now
(docs/machine.md, "Switching the search off honestly"). This is an axiom about the machine's
own code, like the hardware axioms, built into the rule rather than stated in a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Sequence

from godelmachine.lang.program import Program
from godelmachine.lang.reader import from_value, read, to_value
from godelmachine.lang.syntax import definition_header
from godelmachine.lang.values import value_size
from godelmachine.logic.kernel import Refused, StateReading, Theorem, solver_constant
from godelmachine.logic.terms import (
    REAL,
    Add,
    Implies,
    Le,
    Mul,
    Term,
    ToReal,
    app,
    forall,
    int_,
    mk,
    real,
    substitute,
    sym,
)

# The one proof technique whose switches only cut the search share; every other technique
# must be exhausted before the share may be lowered (`search_off_licensed`).
SHARE_TECHNIQUE = "share"


def searcher_exhausted(techniques: Sequence[str], exhausted: Callable[[str], bool]) -> bool:
    """The value of (state.exhausted r): has every technique but `share` reported exhausted?"""
    return all(exhausted(name) for name in techniques if name != SHARE_TECHNIQUE)


class InvalidSwitchprog(ValueError):
    """A switchprog that cannot be executed: code that does not fit, or a share out of range."""


# --- what a switchprog does ----------------------------------------------------------------


@dataclass(frozen=True)
class Switchprog:
    """Definitions (datums, `(define (name param ...) body)`) and the new share, or None to keep it."""

    definitions: tuple[Any, ...] = ()
    share: Fraction | None = None

    @property
    def cost(self) -> int:
        """Steps to execute it: one per node of its code, plus one."""
        return 1 + sum(value_size(d) for d in self.definitions)

    def apply(self, program: Program) -> Program:
        """The solver after the switchprog (InvalidSwitchprog if a definition does not fit)."""
        from godelmachine.errors import UserError

        result = program
        try:
            for code in self.definitions:
                node = from_value(code)
                name = definition_header(node)[0]
                result = result.replace(node) if name in result else result.add(node)
        except (UserError, ValueError, AttributeError, TypeError) as exc:
            raise InvalidSwitchprog(getattr(exc, "message", str(exc))) from None
        return result

    def share_after(self, share: Fraction) -> Fraction:
        return share if self.share is None else self.share

    @classmethod
    def of(cls, switchprog: dict[str, Any]) -> "Switchprog":
        """The rule's switchprog from the searcher's dict: `definitions` (datums) and `share`."""
        return cls(tuple(switchprog.get("definitions", ())), switchprog.get("share"))


def valid_share(share: Any) -> Fraction:
    """A search share: a fraction with 0 <= s < 1 (InvalidSwitchprog otherwise)."""
    if not isinstance(share, Fraction) or not 0 <= share < 1:
        raise InvalidSwitchprog(f"a search share must be a fraction s with 0 <= s < 1, not {share}")
    return share


def share_of(p: Any, q: Any) -> Fraction:
    """The share of a switchprog's `(share p q)`: integers p, q with q != 0 and 0 <= p/q < 1."""
    if type(p) is not int or type(q) is not int:
        raise InvalidSwitchprog("(share p q) takes two integers")
    if q == 0:
        raise InvalidSwitchprog("(share p q) with q = 0 is no fraction")
    return valid_share(Fraction(p, q))


def from_log(definitions: Sequence[str], share: str | None, source: str = "<switchprog>") -> Switchprog:
    """The switchprog of a switch record: definitions as source text, the share as text or null."""
    from godelmachine.errors import UserError

    datums = []
    for text in definitions:
        nodes = read(text, source=source)
        if len(nodes) != 1:
            raise UserError(f"{source}: a switchprog definition is one form, not {len(nodes)}")
        datums.append(to_value(nodes[0]))
    try:
        new_share = None if share is None else valid_share(Fraction(share))
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidSwitchprog(str(exc)) from None
    return Switchprog(tuple(datums), new_share)


# --- the target theorem ------------------------------------------------------------------


def target_statement(old: Term, new: Term, share_reading: Term, new_share: Fraction | None, lifetime: Term,
                     deadline: int | Fraction) -> Term:
    """forall t1. t1 <= D => reward-over(new, (1 - s') (L - t1)) > reward-over(old, (1 - s) (L - t1)):
    the target theorem for switching from solver `old` to `new` (and to share `new_share`, if
    the switchprog sets one; else s' = s) at any time t1 up to `deadline`."""
    t1 = sym("t1", REAL)
    remaining = mk("-", ToReal(lifetime), t1)
    old_share = mk("-", real(1), share_reading)
    kept = old_share if new_share is None else real(1 - new_share)
    better = mk(">", app("reward-over", [new, Mul(kept, remaining)], REAL),
                app("reward-over", [old, Mul(old_share, remaining)], REAL))
    return forall([("t1", REAL)], Implies(Le(t1, real(deadline)), better))


def target_deadline(statement: Term) -> Fraction | None:
    """D, if the statement has the target theorem's shape forall t1. t1 <= D => ..., else None.
    (Only the shape: whether it is the target of a given switch is `target_statement`'s.)"""
    if statement.kind != "forall" or statement.name != (("t1", REAL),) or len(statement.args) != 1:
        return None
    body = statement.args[0]
    if body.kind != "app" or body.name != "=>" or len(body.args) != 2:
        return None
    bound = body.args[0]
    if bound.kind != "app" or bound.name != "<=" or len(bound.args) != 2 or bound.args[0] is not sym("t1", REAL):
        return None
    deadline = bound.args[1]
    return Fraction(deadline.name) if deadline.kind == "const" and deadline.sort == REAL else None


def switch_time(clock: Term, cost: int) -> Term:
    """The time the target theorem is instantiated at: a clock reading plus the switchprog's cost."""
    return ToReal(Add(clock, int_(cost)))


# --- the licence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Switch:
    """One switch as the rule sees it: the solvers before and after, the shares, the lifetime
    and the switchprog's cost; `current(reading)` says whether a state reading is a reading of
    the current state (its share, its lifetime, a clock of this epoch)."""

    before: Program
    after: Program
    share: Fraction
    new_share: Fraction
    lifetime: int
    cost: int
    current: Callable[[StateReading], bool]
    entry: str = "solve"


@dataclass(frozen=True)
class Licence:
    """What a licensing theorem establishes: the target, its deadline, the clock reading it was
    instantiated at, and the time of the switch it covers (reading + cost <= deadline)."""

    target: Theorem
    deadline: Fraction
    clock_reading: StateReading
    time: int
    in_time: Theorem  # |- t1 <= D, the last premise


def reading_of(fact: Theorem) -> StateReading:
    return StateReading.parse(fact.arg("reading"), fact.arg("field"), fact.arg("value"))


def state_facts(theorem: Theorem) -> list[Theorem]:
    from godelmachine.logic.certificates import derivation

    return [t for t in derivation(theorem) if t.rule == "state2theorem"]


def target_readings(target: Theorem, switch: Switch) -> tuple[Theorem, Theorem, Fraction]:
    """The current share and lifetime facts a target theorem for `switch` rests on, and its
    deadline; Refused("check", "invalid", why) if it is not the target theorem of this switch."""
    deadline = target_deadline(target.statement)
    if deadline is None:
        raise Refused("check", "invalid", "the theorem is not a target theorem")
    facts = [t for t in state_facts(target) if switch.current(reading_of(t))]
    shares = [t for t in facts if t.arg("field") == "share" and reading_of(t).value == switch.share]
    lifetimes = [t for t in facts if t.arg("field") == "lifetime" and reading_of(t).value == switch.lifetime]
    if not shares or not lifetimes:
        raise Refused("check", "invalid", "the target theorem does not rest on the current share and lifetime")
    old, new = solver_constant(switch.before, switch.entry), solver_constant(switch.after, switch.entry)
    kept = None if switch.new_share == switch.share else switch.new_share
    lifetime = lifetimes[0].statement.args[0]
    for share in shares:
        if target.statement is target_statement(old, new, share.statement.args[0], kept, lifetime, deadline):
            return share, lifetimes[0], deadline
    raise Refused("check", "invalid", "the theorem is not the target theorem of this switch (solvers, shares or lifetime differ)")


def licence(theorem: Theorem, switch: Switch) -> Licence:
    """Does `theorem` license `switch`? The Licence if so; Refused("check", "invalid", why) if not.

    It must be modus ponens of the target theorem of exactly this switch (`target_readings`),
    instantiated at a current clock reading plus the switchprog's cost, with the theorem that
    this time is within the target's deadline."""
    if theorem.rule != "modus_ponens" or len(theorem.premises) != 2 or theorem.premises[0].rule != "instantiate":
        raise Refused("check", "invalid", "the theorem does not end in the check's modus ponens of an instantiated target")
    instance, in_time = theorem.premises
    target = instance.premises[0]
    _, _, deadline = target_readings(target, switch)
    if switch.new_share < switch.share:
        search_off_licensed(theorem, switch)
    for fact in state_facts(theorem):
        reading = reading_of(fact)
        if reading.field != "clock" or not switch.current(reading):
            continue
        t1 = switch_time(fact.statement.args[0], switch.cost)
        if instance.statement is substitute(target.statement.args[0], {sym("t1", REAL): t1}):
            time = reading.value + switch.cost
            if time > deadline:  # the in-time theorem says otherwise; a kernel bug would show here
                raise Refused("check", "invalid", f"the switch time {time} is past the deadline {deadline}")
            return Licence(target, deadline, reading, time, in_time)
    raise Refused("check", "invalid", "the target theorem is not applied at the switch time (a clock reading + the switchprog's cost)")


def search_off_licensed(theorem: Theorem, switch: Switch) -> None:
    """A lower share: the switchprog keeps the solver, and the theorem rests on a current reading
    that the searcher was exhausted (Refused("check", "invalid", why) if not)."""
    if switch.after.digest != switch.before.digest:
        raise Refused("check", "invalid", "a switchprog that lowers the search share must not change the solver")
    if not any(fact.arg("field") == "exhausted" and reading_of(fact).value is True and switch.current(reading_of(fact))
               for fact in state_facts(theorem)):
        raise Refused("check", "invalid", "lowering the search share needs a current reading that every other proof "
                      "technique is exhausted (state.exhausted); the searcher may still find a better solver")


def mentioned_programs(node_args: Sequence[dict[str, Any]]) -> set[str]:
    """The digests of the programs that certificate nodes (their rule arguments) speak of."""
    found: set[str] = set()
    for args in node_args:
        if isinstance(args.get("program"), str):
            found.add(args["program"])
        for key in ("first", "second"):
            if isinstance(args.get(key), list) and args[key] and isinstance(args[key][0], str):
                found.add(args[key][0])
    return found


__all__ = ["SHARE_TECHNIQUE", "searcher_exhausted", "Switchprog", "InvalidSwitchprog", "share_of", "valid_share", "from_log", "target_statement",
           "target_deadline", "switch_time", "Switch", "Licence", "licence", "target_readings", "search_off_licensed", "mentioned_programs"]
