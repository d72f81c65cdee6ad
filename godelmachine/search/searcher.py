"""The proof searcher: technique programs, the six instructions, and bias-optimal scheduling.

Untrusted: a bug here costs time, never soundness; only `check` can end a search with a
switch, and `check` accepts nothing but a kernel theorem with the target statement.

Proof techniques are programs of the machine language (`godelmachine/search/techniques/`),
run by the reference evaluator with extra primitives:

    the Gödel machine's six instructions
      (get-axiom name)          -> a theorem handle
      (apply-rule rule arg ...) -> (proved h) | (refuted (var value) ...) | (unknown why) | (invalid why)
      (delete-theorem h)        -> #t
      (set-switchprog sp)       -> #t | (invalid why)
      (check h)                 -> switches (the technique never returns), or (refused why)
      (state2theorem field)     -> a theorem handle: clock, share, lifetime or exhausted
    and helpers
      (candidates kind)         -> switchprogs proposed by the technique's generator (godelmachine/search/techniques/)
      (remaining-steps) (deadline) (empirical?) (check-empirically) (solver-code) (mean-cost-estimate)

`apply-rule` takes the kernel's rules and tactics (godelmachine/search/tactics.py): facts,
obligation, reward-order, rewards, costs, target, conjoin, modus-ponens. Their steps,
Z3's work included, are charged to the machine's clock (godelmachine/search/clock.py) through
a budget, a view of the clock with a limit.

The searcher does not see the machine. It is given the clock, the run's constants
(`RunConstants`: the kernel, the instance types, the acceptance mode, ...) and, at each reset
after a switch, the epoch it searches in (`Epoch`: the current solver, share, reward floor and
the epoch's first state reading). The machine takes from it only `trial`, `idle`, `reset`, `take_refusals` and the
techniques (for the log's header); a `SwitchEvent` carries what the machine needs of a switch.

BIOPS (Schmidhuber's bias-optimal proof search): in phase i = 0, 1, 2, ... each technique w
runs afresh for 2^i * P(w) * BASE steps. A technique that has tried everything it knows
reports `exhausted` and waits for the next switch; one that has nothing to try until another
technique is exhausted reports `wait`. When every technique is exhausted or waiting, the
searcher is idle and its share passes unused. After a switch the phase carries on where
it was (rather than starting again at 0): proofs about the rewritten solver tend to need about
as much as the last one did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Sequence

from godelmachine.lang.execute import run
from godelmachine.lang.interpreter import Evaluator
from godelmachine.lang.primitives import BASE as BASE_PRIMITIVES
from godelmachine.lang.primitives import Primitive
from godelmachine.lang.program import Program
from godelmachine.lang.values import OutOfSteps, Trap, make_list, show, values_equal
from godelmachine.logic.kernel import Kernel, Refused, StateReading, Theorem
from godelmachine.logic.switch import (
    InvalidSwitchprog,
    Switch,
    Switchprog,
    licence,
    searcher_exhausted,
    share_of,
    switch_time,
    target_readings,
)
from godelmachine.logic.terms import INT, Le, app, mk, real
from godelmachine.search import tactics, techniques
from godelmachine.search.clock import Budget, Clock, OutOfBudget
from godelmachine.search.learned import Learned
from godelmachine.search.obligations import Solver
from godelmachine.search.space import SearchSpace
from godelmachine.search.tactics import SwitchContext

TECHNIQUES = techniques.FOLDER
BIOPS_BASE = 2**14  # steps of a technique with prior 1 in phase 0
EMPIRICAL_SAMPLE = 16  # instances the unsound empirical baseline compares a candidate on
PROBE_BUDGET = 1_000_000  # steps of one run of a candidate generator
MAX_KNOWN_OUTCOMES = 500_000  # generator runs remembered (see Searcher.outcomes)


@dataclass
class SwitchEvent(Exception):
    """`check` accepted: the machine executes the switchprog now."""

    switchprog: dict[str, Any]
    technique: str
    theorem: Theorem | None  # the kernel's theorem that the switch helps (None when empirical)
    target: Theorem | None
    premises: list[Theorem]
    clock: int  # the clock when check read it
    context: SwitchContext | None = None  # the switch proved (for the reward floor carried over)

    def rule(self) -> Switchprog:
        """The switchprog as the switch rule reads it."""
        return Switchprog.of(self.switchprog)


@dataclass(frozen=True)
class RunConstants:
    """What the proof searcher knows of the run, fixed for its whole life."""

    kernel: Kernel
    types: tuple[str, ...]  # the types of an instance's variables
    expected_reward: Callable[[tuple, Any], Fraction]  # of an output on an instance (untrusted)
    empirical_sample: Callable[[int], list[tuple[Any, ...]]]  # instances drawn for the empirical baseline
    mode: str = "proof"  # or "empirical": the unsound baseline, on purpose
    lemmas: tuple[Theorem, ...] = ()  # the user's environment lemmas, cited in obligations
    # every program set as a switchprog's, by digest: the machine's switch records look up here
    # the programs a certificate mentions
    programs: dict[str, Program] = field(default_factory=dict)
    space: SearchSpace | None = None  # the programs the task lets it switch to (None: any)
    library: Learned | None = None  # what the run takes from the library of proven rewrites


@dataclass(frozen=True)
class Epoch:
    """What holds from one switch to the next: the solver the searcher tries to improve, the
    share of the steps it has, the reward floor proved for that solver, and the number of the
    epoch's first state reading (readings before it are stale)."""

    solver: Program
    share: Fraction
    reward_floor: Theorem | None = None
    first_reading: int = 0


@dataclass
class Technique:
    name: str
    prior: Fraction
    program: Program


@dataclass
class Refusal:
    technique: str
    candidate: str
    rule: str
    status: str
    reason: str
    counterexample: tuple = ()


class Searcher:
    def __init__(self, constants: RunConstants, clock: Clock, epoch: Epoch,
                 technique_priors: Sequence[tuple[str, Fraction]] = (),
                 evaluator: Callable[[Program, int], Evaluator] | None = None) -> None:
        self.constants = constants
        self.clock = clock
        # makes the evaluator of a trial from (program, budget); the machine's also stops a
        # trial on Ctrl-C (godelmachine/machine/interrupt.py)
        self.new_evaluator = evaluator or Evaluator
        self.table = BASE_PRIMITIVES.extend(self.primitives())
        library = techniques.LIBRARY.read_text(encoding="utf-8")
        priors = dict(technique_priors) or {name: Fraction(t.prior) for name, t in techniques.REGISTRY.items() if t.default}
        total = sum(priors.values())
        self.techniques = []
        for name, prior in priors.items():
            if name not in techniques.REGISTRY:
                from godelmachine.errors import UserError

                raise UserError(f"unknown proof technique {name!r} (see godelmachine/search/techniques/)")
            source = library + "\n" + techniques.REGISTRY[name].path.read_text(encoding="utf-8")
            program = Program.from_source(source, f"godelmachine/search/techniques/{name}.gm", self.table)
            self.techniques.append(Technique(name, prior / total, program))
        self.reset(epoch)
        # What the searcher is doing, for people watching a run (never read by the machine):
        # the technique and its BIOPS phase, the candidate switchprog, the tactic being run.
        self.activity: list[str] = ["", "", ""]
        # Outcomes of the generators' runs, by program digest, name and arguments, kept across
        # epochs: a run is deterministic, and one that ended within a limit ends the same way
        # within any limit as large. It saves wall time only; the clock is charged the same.
        self.outcomes: dict[Any, tuple[Any, Any]] = {}
        self.refusals: list[Refusal] = []
        self.summaries: dict[str, str] = {}

    def reset(self, epoch: Epoch) -> None:
        """A new epoch (after a switch): a fresh theorem store, caches and exhausted set. The
        phase carries over: proofs about the rewritten solver tend to be as hard as the last."""
        self.epoch = epoch
        self.store: list[Any] = []
        self.switchprog: dict[str, Any] | None = None
        self.context: SwitchContext | None = None
        self.phase, self.index = getattr(self, "phase", 0), 0
        self.exhausted: set[str] = set()
        self.waiting: set[str] = set()
        self.cache: dict[Any, Any] = {}
        self.technique = ""

    # --- scheduling ----------------------------------------------------------------------

    def idle(self) -> bool:
        """Has every technique either tried everything (exhausted) or nothing to try until
        something changes (waiting)?"""
        return all(t.name in self.exhausted or t.name in self.waiting for t in self.techniques)

    def search_exhausted(self) -> bool:
        """Has every technique but `share` tried everything it knows for this solver? (What
        `state2theorem exhausted` reads; the switch rule lowers the share only then.)"""
        return searcher_exhausted([t.name for t in self.techniques], lambda name: name in self.exhausted)

    def next_trial(self, limit: int) -> tuple[Technique, int]:
        while True:
            if self.index >= len(self.techniques):
                self.index = 0
                if BIOPS_BASE * 2**self.phase < limit * len(self.techniques):  # no budget beyond the lifetime
                    self.phase += 1
            technique = self.techniques[self.index]
            self.index += 1
            if technique.name not in self.exhausted and technique.name not in self.waiting:
                budget = int(BIOPS_BASE * 2**self.phase * technique.prior * len(self.techniques))
                return technique, max(budget, 1)

    def trial(self) -> SwitchEvent | None:
        """Run the next technique afresh, within what is left of the lifetime, on the clock
        (which its steps advance); the switch, if it made one."""
        limit = self.clock.left()
        technique, budget = self.next_trial(limit)
        evaluator = self.new_evaluator(technique.program, min(budget, limit))
        self.technique = technique.name
        self.activity = [f"{technique.name}, phase {self.phase}", "", ""]
        with self.clock.trial(evaluator):
            try:
                outcome = evaluator.run("technique", ())
            except SwitchEvent as event:
                return event
        if outcome.kind == "value" and outcome.value == "exhausted":
            self.exhausted.add(technique.name)
            self.waiting.clear()  # what waited on the others may have something to try now
        elif outcome.kind == "value" and outcome.value == "wait":
            self.waiting.add(technique.name)
        return None

    def activity_text(self) -> str:
        """`proving obligation same-results for clear-lowest: -> (wand x ...) [superopt, phase 3]`."""
        technique, candidate, doing = self.activity
        if not technique:
            return ""
        if not candidate:
            return f"looking for candidates [{technique}]"
        return f"{'proving ' + doing if doing else 'trying'} for {candidate} [{technique}]"

    def take_refusals(self) -> list[Refusal]:
        """The refusals since the last call (the machine logs them before a switch and at the end)."""
        refusals, self.refusals = self.refusals, []
        return refusals

    # --- the primitives handed to technique programs ----------------------------------------

    def primitives(self) -> list[Primitive]:
        def prim(name: str, params: tuple[str, ...], fn: Callable[..., Any], doc: str, variadic: bool = False) -> Primitive:
            return Primitive(name, params, "any", 1, fn, doc, variadic=variadic, context=True)

        return [
            prim("get-axiom", ("symbol",), self.get_axiom, "a theorem handle for an axiom"),
            prim("apply-rule", ("any",), self.apply_rule, "apply a kernel rule or tactic to handles", variadic=True),
            prim("delete-theorem", ("int",), self.delete_theorem, "forget a theorem handle"),
            prim("set-switchprog", ("any",), self.set_switchprog, "make a candidate the switchprog"),
            prim("check", ("int",), self.check, "switch if the handle is the target theorem for the switchprog"),
            prim("state2theorem", ("symbol",), self.state_theorem, "a theorem about the machine's state"),
            prim("candidates", ("symbol",), self.candidates, "switchprogs proposed by a generator"),
            prim("remaining-steps", (), lambda ctx: ctx.budget - ctx.steps, "steps left to this trial"),
            prim("deadline", (), self.deadline, "a clock by which this trial's switch should happen"),
            prim("empirical?", (), lambda ctx: self.constants.mode == "empirical", "is this run unsound on purpose?"),
            prim("check-empirically", (), self.check_empirically, "switch if the candidate looks better on samples"),
            prim("solver-code", (), lambda ctx: make_list(d.code for d in self.epoch.solver.definitions()),
                 "the current solver's definitions"),
            prim("others-exhausted?", (), lambda ctx: all(t.name in self.exhausted for t in self.techniques
                                                          if t.name != self.technique),
                 "have the other techniques tried everything they know for this solver?"),
            prim("mean-cost-estimate", ("int",), self.mean_cost_estimate,
                 "the current solver's mean cost on a few samples, or limit + 1 if an instance takes more"),
        ]

    def deadline(self, ctx: Evaluator) -> int:
        """Now, plus what is left of this trial, but at most an eighth of the remaining life: a
        target theorem must hold for a switch at any time up to it, and a switch near the end
        of life cannot pay for itself."""
        now = self.clock.now
        return now + min(ctx.budget - ctx.steps + 10_000, (self.clock.lifetime - now) // 8)

    def handle(self, item: Any) -> int:
        self.store.append(item)
        return len(self.store) - 1

    def theorems(self, value: Any) -> list[Theorem]:
        """The theorems a handle, or a list of handles, stands for."""
        if type(value) is int:
            if not 0 <= value < len(self.store) or self.store[value] is None:
                raise Trap("no-such-theorem", f"no theorem with handle {value}")
            item = self.store[value]
            return list(item) if isinstance(item, list) else [item]
        if hasattr(value, "head") or type(value).__name__ == "Nil":
            return [t for v in value for t in self.theorems(v)]
        raise Trap("type-error", "expected a theorem handle or a list of handles")

    def budget(self, ctx: Evaluator, steps: int) -> Budget:
        """The clock, for `steps` more at most, and no more than is left of the trial."""
        return self.clock.budget(min(ctx.budget - ctx.steps, max(0, steps)))

    def get_axiom(self, ctx: Evaluator, name: str) -> Any:
        try:
            return self.handle(self.constants.kernel.axiom(name))
        except Refused as refusal:
            return make_list(["invalid", refusal.reason])

    def delete_theorem(self, ctx: Evaluator, h: int) -> bool:
        if 0 <= h < len(self.store):
            self.store[h] = None
        return True

    def state_theorem(self, ctx: Evaluator, field_name: str) -> Any:
        try:
            return self.handle(self.constants.kernel.state2theorem(field_name))
        except Refused as refusal:
            return make_list(["invalid", refusal.reason])

    def set_switchprog(self, ctx: Evaluator, value: Any) -> Any:
        """Make `value` the switchprog, or answer (invalid why): code that does not fit the
        solver, or a share outside 0 <= s < 1 (the switch rule's, godelmachine/logic/switch.py)."""
        constants, epoch = self.constants, self.epoch
        try:
            switchprog = self.decode(value)
            new_program = self.rule(switchprog).apply(epoch.solver)
        except InvalidSwitchprog as exc:
            return make_list(["invalid", str(exc)])
        space = constants.space
        if space is not None and new_program is not epoch.solver and (why := space.admits(new_program)) is not None:
            return make_list(["invalid", f"outside {space.description}: {why}"])
        switchprog["summary"] = self.summaries.get(show(value), "a switchprog built by the technique")
        new_share = switchprog.get("share", epoch.share)
        types = constants.types
        self.switchprog = switchprog
        self.activity[1:] = [switchprog["summary"], ""]
        self.context = SwitchContext(
            kernel=constants.kernel, old=Solver(epoch.solver, "solve", types), new=Solver(new_program, "solve", types),
            old_share=epoch.share, new_share=new_share, reward_floor=epoch.reward_floor,
            readings=lambda f: constants.kernel.state2theorem(f), lifetime=self.clock.lifetime,
            reward_value=constants.expected_reward, cache=self.cache, lemmas=constants.lemmas,
            learned=constants.library.lemmas if constants.library is not None else {},
            library=constants.library,
        )
        constants.programs.setdefault(new_program.digest, new_program)
        return True

    def decode(self, value: Any) -> dict[str, Any]:
        """A switchprog datum: ((define ...) ...), or ((share p q)); candidates come as datums too.
        InvalidSwitchprog if it is not a list of those, or the share is not in [0, 1)."""
        definitions, result = [], {}
        try:
            items_of = [list(item) for item in value]
        except TypeError:
            raise InvalidSwitchprog("a switchprog is a list of definitions and at most one (share p q)") from None
        for item, items in zip(value, items_of):
            if items and items[0] == "share":
                if len(items) != 3 or "share" in result:
                    raise InvalidSwitchprog("a switchprog has at most one share, written (share p q)")
                result["share"] = share_of(items[1], items[2])
            else:
                definitions.append(item)
        if definitions:
            result["definitions"] = definitions
        return result

    @staticmethod
    def rule(switchprog: dict[str, Any]) -> Switchprog:
        """The switchprog as the switch rule reads it."""
        return Switchprog.of(switchprog)

    def encode(self, switchprog: dict[str, Any]) -> Any:
        parts = list(switchprog.get("definitions", []))
        if "share" in switchprog:
            share = switchprog["share"]
            parts.append(make_list(["share", share.numerator, share.denominator]))
        return make_list(parts)

    def candidates(self, ctx: Evaluator, kind: str) -> Any:
        key = ("candidates", kind, self.epoch.solver.digest)
        if key not in self.cache:
            budget = self.budget(ctx, ctx.budget - ctx.steps)

            def runner(program: Program, name: str, args: tuple, fast: bool = True) -> Any:
                limit = max(1, min(budget.left(), PROBE_BUDGET))
                key = (program.digest, name, tuple((type(a), a) for a in args))
                known = self.outcomes.get(key)
                if known is not None and known[0] is program.prims and known[1].steps <= limit:
                    outcome = known[1]  # the run ended (a value or a trap) within this limit: the same again
                else:
                    outcome = run(program, name, args, budget=limit, fast=fast)
                    if outcome.kind != "out-of-steps" and len(self.outcomes) < MAX_KNOWN_OUTCOMES:
                        self.outcomes[key] = (program.prims, outcome)
                budget.spend(outcome.steps)
                return outcome

            found = self.generate(kind, runner, budget.spend, budget.left)
            self.cache[key] = found
            for sp in found:  # the generator's one-line summary, found again when the candidate is set
                self.summaries[show(self.encode(sp))] = sp.get("summary", "")
        return make_list(self.encode(sp) for sp in self.cache[key])

    def generate(self, kind: str, runner: Callable[..., Any], charge: Callable[[int], None],
                 left: Callable[[], int] | None = None) -> list[dict[str, Any]]:
        """The candidates of the technique `kind` (godelmachine/search/techniques/) for the current solver."""
        kernel, types = self.constants.kernel, self.constants.types
        context = techniques.Context(self.epoch.solver, kernel.instance(types), self.epoch.share, runner, kernel, types, charge,
                                     self.cache, left, self.constants.space, self.constants.library)
        return techniques.generate(kind, context)

    def refusal(self, rule: str, refused: Refused) -> Any:
        summary = self.switchprog.get("summary", "") if self.switchprog else ""
        self.refusals.append(Refusal(self.technique, summary, rule, refused.status, refused.reason, refused.counterexample))
        if refused.status == "refuted":
            return make_list(["refuted", *(make_list([n, v]) for n, v in refused.counterexample)])
        return make_list([refused.status, refused.reason])

    # --- apply-rule ------------------------------------------------------------------------

    def apply_rule(self, ctx: Evaluator, rule: str, *args: Any) -> Any:
        if self.context is None and rule not in ("conjoin", "modus-ponens"):
            return make_list(["invalid", "set a switchprog first"])
        try:
            if rule == "conjoin":
                return make_list(["proved", self.handle(self.constants.kernel.conjoin(*self.theorems(list(args))))])
            if rule == "modus-ponens":
                a, b = self.theorems(args[0])[0], self.theorems(args[1])[0]
                return make_list(["proved", self.handle(self.constants.kernel.modus_ponens(a, b))])
            result = self.tactic(ctx, rule, list(args))
        except Refused as refused:
            return self.refusal(rule, refused)
        except OutOfBudget:
            self.clock.charge(ctx.budget - ctx.steps + 1)  # the trial's budget is spent: this raises
            raise OutOfSteps() from None
        return make_list(["proved", self.handle(result)])

    def tactic(self, ctx: Evaluator, rule: str, args: list[Any]) -> Any:
        """Run a tactic of the table (godelmachine/search/tactics.py), or return its result from
        this epoch's cache (keyed by the theorems behind the handles, so a technique that starts
        again finds its earlier work)."""
        c = self.context
        assert c is not None
        if rule not in tactics.TACTICS:
            raise Refused(rule, "invalid", f"no rule or tactic named {rule!r}")
        entry = tactics.TACTICS[rule]
        if not args or type(args[-1]) is not int:
            raise Refused(rule, "invalid", "the last argument is the step budget")
        parts: list[Any] = [rule, c.new.program.digest, c.new_share]
        for i, a in enumerate(args[:-1]):
            parts.append(tuple(id(t) for t in self.theorems(a)) if i in entry.handles else show(a))
        key = tuple(parts)
        if key in self.cache:
            self.clock.charge(1)
            cached = self.cache[key]
            if isinstance(cached, Refused):
                raise cached
            return cached
        steps = args[-1]
        budget = self.budget(ctx, steps)
        self.activity[2] = f"{rule} {show(args[0])}" if rule in ("obligation", "facts") else rule
        try:
            result = entry.run(c, [self.theorems(a) if i in entry.handles else a for i, a in enumerate(args[:-1])],
                               budget, max(1, steps))
        except Refused as refused:
            if refused.status != "unknown":
                self.cache[key] = refused
            raise
        self.cache[key] = result
        return result

    # --- check -----------------------------------------------------------------------------

    def check(self, ctx: Evaluator, h: int) -> Any:
        """The Gödel machine's check: is h the target theorem for this switchprog, now? The
        switch rule (godelmachine/logic/switch.py) decides; this only reads the clock, proves
        that the switch time is within the deadline and instantiates the target there."""
        c, kernel = self.context, self.constants.kernel
        if c is None or self.switchprog is None:
            return make_list(["refused", "no switchprog is set"])
        (target,) = self.theorems(h)[:1] or [None]
        if target is None:
            return make_list(["refused", "the theorem is not a target theorem"])
        switch = self.switch_rule()
        try:
            _, _, deadline = target_readings(target, switch)
        except Refused as refused:
            return make_list(["refused", refused.reason])
        self.clock.charge(1)
        clock = kernel.state2theorem("clock")
        t1 = switch_time(clock.statement.args[0], switch.cost)
        try:
            in_time = kernel.smt(Le(t1, real(deadline)), [clock], 10_000)
            self.clock.charge(in_time.cost)
            final = kernel.modus_ponens(kernel.instantiate(target, [t1]), in_time)
            licence(final, switch)
        except Refused as refused:
            return self.refusal("check", refused)
        now = self.clock.now
        if now + switch.cost > deadline:  # the switchprog would finish past the deadline
            return make_list(["refused", f"the switch would end at {now + switch.cost}, past the deadline {deadline}"])
        raise SwitchEvent(self.switchprog, self.technique, final, target, [], now, c)

    def switch_rule(self) -> Switch:
        """This epoch's switch as the switch rule sees it: a state reading is current if it was
        read in this epoch and holds the machine's share or lifetime (any clock of the epoch)."""
        epoch, lifetime, c = self.epoch, self.clock.lifetime, self.context
        assert c is not None and self.switchprog is not None

        def current(reading: StateReading) -> bool:
            if reading.reading < epoch.first_reading:
                return False
            if reading.field == "share":
                return reading.value == epoch.share
            if reading.field == "lifetime":
                return reading.value == lifetime
            if reading.field == "exhausted":  # an exhausted technique stays so until the next switch
                return reading.value is True
            return reading.field == "clock"

        return Switch(c.old.program, c.new.program, c.old_share, c.new_share, lifetime, self.switch_cost(), current)

    def switch_cost(self) -> int:
        """Steps to execute the switchprog: the switch rule's (one per node of its code, plus one)."""
        return self.rule(self.switchprog or {}).cost

    def check_empirically(self, ctx: Evaluator) -> Any:
        """The unsound baseline (--accept empirical): accept a switchprog that agrees with the
        current solver on a sample of instances and is faster on them. No proof."""
        c = self.context
        if c is None or self.switchprog is None:
            return make_list(["refused", "no switchprog is set"])
        if c.new.program is c.old.program:
            raise SwitchEvent(self.switchprog, self.technique, None, None, [], self.clock.now, c)
        old_steps = new_steps = 0
        for instance in self.constants.empirical_sample(EMPIRICAL_SAMPLE):
            before = run(c.old.program, "solve", instance, budget=max(1, ctx.budget - ctx.steps))
            self.clock.charge(before.steps)
            after = run(c.new.program, "solve", instance, budget=max(1, ctx.budget - ctx.steps))
            self.clock.charge(after.steps)
            if before.kind != after.kind or (before.kind == "value" and not values_equal(before.value, after.value)):
                return make_list(["refused", "differs on a sampled instance"])
            old_steps, new_steps = old_steps + before.steps, new_steps + after.steps
        if new_steps >= old_steps:
            return make_list(["refused", "not faster on the sample"])
        raise SwitchEvent(self.switchprog, self.technique, None, None, [], self.clock.now, c)

    def mean_cost_estimate(self, ctx: Evaluator, limit: int) -> int:
        """The current solver's mean steps on a few sampled instances (a technique's heuristic,
        untrusted); limit + 1 as soon as one instance takes more than `limit` steps."""
        total = 0
        sample = self.constants.empirical_sample(8)
        for instance in sample:
            outcome = run(self.epoch.solver, "solve", instance, budget=max(1, min(limit, ctx.budget - ctx.steps)))
            self.clock.charge(outcome.steps)
            if outcome.kind == "out-of-steps":
                return limit + 1
            total += outcome.steps
        return total // max(1, len(sample))


__all__ = ["Searcher", "RunConstants", "Epoch", "SwitchEvent", "Refusal", "OutOfSteps", "real", "app", "INT", "mk", "StateReading", "Kernel"]
