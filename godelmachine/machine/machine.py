"""The Gödel machine: a solver and a proof searcher sharing one clock, and proof-gated switches.

The state is the solver program, the proof searcher (its techniques, their priors and its
share of the steps), the clock, the reward history and the axiom set. Time is one clock in
steps: the solver's interpreter steps, the technique programs' steps, and the prover's work
(Z3's resource count at `RLIMIT_PER_STEP`, interpreter steps of evaluation proofs) all
advance it. The lifetime is a number of steps. The clock is one object (`Clock`,
godelmachine/search/clock.py) that the machine owns and hands to the proof searcher; the
searcher sees nothing else of the machine but the run's constants and, after each switch, the
new epoch (`RunConstants`, `Epoch`).

The main loop gives the proof searcher `share` of the steps: after each solver instance the
searcher is owed share/(1 - share) of its steps, and runs technique trials while it is owed
time. When a technique's `check` accepts a target theorem, the machine executes the
switchprog (which costs steps too) and logs the switch with its proof certificate. A
searcher with nothing left to try still takes its share, idle: only a proven switch can give
that time back to the solver.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import numpy as np

from godelmachine.lang.compiler import FastAbort, FastBudget, compiled
from godelmachine.lang.execute import deep_recursion, run
from godelmachine.lang.interpreter import Outcome
from godelmachine.lang.program import Program
from godelmachine.lang.values import Trap, show
from godelmachine.logic.axioms import AxiomSet, assumptions_of
from godelmachine.logic.certificates import certificate, derivation
from godelmachine.logic.kernel import Kernel, Refused, StateReading, Theorem
from godelmachine.logic.switch import mentioned_programs
from godelmachine.logic.terms import smtlib
from godelmachine.machine.axiom_set import extra_axiom_files, task_axioms, task_of, user_lemmas
from godelmachine.machine.batch_run import BatchPath, InstanceStream, WalkState, draw_rewards, owed_steps, walk
from godelmachine.machine.interrupt import Interrupted, StopRequest, TrialEvaluator
from godelmachine.machine.library import Library, log_library
from godelmachine.machine.log import RunLog
from godelmachine.machine.records import SCHEMA, Recovered
from godelmachine.machine.task import Task, draw_instances
from godelmachine.search import tactics
from godelmachine.search.clock import Budget, Clock
from godelmachine.search.learned import Learned
from godelmachine.search.searcher import Epoch, RunConstants, Searcher, SwitchEvent
from godelmachine.version import __version__

REWARD_SAMPLES = 40  # reward records per lifetime


@dataclass
class Switch:
    number: int
    clock: int
    technique: str
    summary: str
    before: Program
    after: Program
    share_before: Fraction
    share_after: Fraction
    theorem: Theorem | None


@dataclass
class RunResult:
    """What a run did. `clock`, `solver_steps` and `search_steps` are the clock's at the end;
    during the run (in a progress callback) read them from `Machine.clock`."""

    task: str
    seed: int
    lifetime: int
    clock: int
    instances: int
    reward: int
    solver_steps: int
    search_steps: int
    switches: list[Switch] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0
    mode: str = "proof"
    traps: dict[tuple[str, str | None], int] = field(default_factory=dict)  # (kind, position) -> instances
    first_trap: dict[str, Any] | None = None  # the first instance that trapped: when, where, on what
    execution: dict[str, Any] = field(default_factory=dict)  # instances on the batch and scalar paths, and why

    @property
    def first_switch(self) -> int | None:
        return self.switches[0].clock if self.switches else None

    @property
    def trapped(self) -> int:
        return sum(self.traps.values())

    def trap_counts(self) -> list[dict[str, Any]]:
        """The solver's traps by kind and source position, in the order they first happened."""
        return [{"kind": kind, "position": position, "count": n} for (kind, position), n in self.traps.items()]


class Machine:
    def __init__(self, task: Task, seed: int = 0, lifetime: int | None = None, axiom_files: tuple[Path, ...] = (),
                 log_path: Path | None = None, mode: str = "proof", search: bool = True,
                 resume: Recovered | None = None, trust: str = "assumed", stop: StopRequest | None = None,
                 batch: bool = True, library: Library | None = None) -> None:
        if mode not in ("proof", "empirical"):
            raise ValueError(f"unknown acceptance mode {mode!r}")
        self.task = task
        self.seed = seed
        self.lifetime = lifetime or task.lifetime
        self.mode = mode
        self.search = search
        self.solver = task.solver
        self.share = task.search_share if search else Fraction(0)
        self.trust = trust
        self.clock = Clock(self.lifetime)  # the one clock: everything that takes steps charges it
        self.axioms = self.load_axioms(axiom_files)
        self.kernel = Kernel(self.axioms, state=self.read_state)
        # the instances come from the very distribution the kernel's expectation rules reason about
        self.distribution = self.kernel.instance(task.types)
        task.check_outputs(draw_instances(self.distribution, np.random.default_rng([0, 99]), 4))  # its own stream
        self.lemmas = user_lemmas(self.kernel, (*task.environment_files, *axiom_files))
        self.reward_floor = self.kernel.axiom("initial-solver-reward") if "initial-solver-reward" in self.axioms.axioms else None
        self.stop = stop or StopRequest()  # set by Ctrl-C: stop at the next clean point (interrupt.py)
        self.readings: list[StateReading] = []
        self.epoch_reading = 0  # the first state reading since the last switch
        self.exhaustions: list[dict[str, Any]] = []  # this epoch's: technique, clock, reading
        self.programs: dict[str, Program] = {self.solver.digest: self.solver}  # every solver and candidate set
        self.chain: set[str] = {self.solver.digest}  # the solvers so far (the log's switch records hold them)
        # the library of proven rewrites, if it has entries (godelmachine/machine/library.py)
        self.library = library if library is not None and library.entries else None
        self.learned = Learned(list(self.library.entries), self.kernel, self.clock.paid, programs=self.programs) \
            if self.library else None
        self.searcher = Searcher(self.search_constants(), self.clock, self.epoch(), task.techniques,
                                 evaluator=lambda program, budget: TrialEvaluator(program, budget, self.stop, self.clock))
        self.instance_rng = np.random.default_rng([seed, 0])
        self.reward_rng = np.random.default_rng([seed, 1])
        self.sample_rng = np.random.default_rng([seed, 2])
        self.stream = InstanceStream(task, self.distribution, self.instance_rng)
        self.batch = BatchPath(task, self.stream, enabled=batch)  # the numpy path; off: one instance at a time
        self.log = RunLog(log_path, resume)
        self.share_base_solver = self.share_base_search = 0  # solver and search steps when the share last changed
        self.share_carry: Fraction | int = 0  # what the searcher was owed then (see rebase_share)

    @classmethod
    def resume(cls, recovered: Recovered, path: Path, stop: StopRequest | None = None, batch: bool = True) -> "Machine":
        """The machine of the run whose log is at `path`, set to re-execute it from its header:
        the task file and axiom files the header names (checked by SHA-256), its seed,
        lifetime, mode and search setting. Its log checks the records already on disk."""
        header = recovered.header
        task = task_of(header)
        return cls(task, seed=header["seed"], lifetime=header["lifetime"], axiom_files=extra_axiom_files(header, task),
                   log_path=path, mode=header["mode"], search=header["search"], resume=recovered,
                   trust=header.get("trust", "assumed"), stop=stop, batch=batch, library=log_library(header))

    def load_axioms(self, extra: tuple[Path, ...]) -> AxiomSet:
        return task_axioms(self.task, extra, trust=self.trust)

    # --- what the proof searcher is given -----------------------------------------------------

    def search_constants(self) -> RunConstants:
        """What the proof searcher knows of the run, for the whole run."""
        return RunConstants(self.kernel, self.task.types, self.task.expected_reward, self.empirical_sample,
                            self.mode, self.lemmas, self.programs, self.task.space, self.learned)

    def epoch(self) -> Epoch:
        """What the proof searcher searches from, until the next switch."""
        return Epoch(self.solver, self.share, self.reward_floor, self.epoch_reading)

    # --- the state, as state2theorem reads it -------------------------------------------------

    def read_state(self, field_name: str) -> StateReading:
        values = {"clock": self.clock.now, "share": self.share, "lifetime": self.lifetime,
                  "exhausted": self.searcher.search_exhausted()}
        if field_name not in values:
            raise Refused("state2theorem", "invalid", f"no state field {field_name!r}")
        reading = StateReading(len(self.readings), field_name, values[field_name])
        self.readings.append(reading)
        return reading

    def empirical_sample(self, count: int) -> list[tuple[Any, ...]]:
        return draw_instances(self.distribution, self.sample_rng, count)

    # --- running --------------------------------------------------------------------------

    def run(self, progress: Callable[["Machine", RunResult], None] | None = None) -> RunResult:
        """Run to the end of the lifetime. When `self.stop` is requested (Ctrl-C), stop at the
        next clean point instead, close the log (a prefix of the uninterrupted run's log) and
        raise `Interrupted`; the machine cannot go on, `run --resume` continues from the log."""
        with deep_recursion():
            try:
                return self.main_loop(progress)
            except Interrupted:
                self.log.abandon()
                raise

    def main_loop(self, progress: Callable[["Machine", RunResult], None] | None) -> RunResult:
        started = time.perf_counter()
        result = RunResult(self.task.name, self.seed, self.lifetime, 0, 0, 0, 0, 0, mode=self.mode)
        self.log.write(self.header())
        interval = max(1, self.lifetime // REWARD_SAMPLES)  # a lifetime below 40 samples every step
        next_sample = interval
        clock = self.clock
        while clock.now < self.lifetime:
            if self.stop.requested:  # a clean point: between instances, trials and idle time
                raise Interrupted(clock.now)
            owed = self.owed_to_search()
            if owed > 0:
                if self.searcher.idle():  # nothing left to try: the share passes idle
                    clock.charge(min(owed, clock.left()))
                    continue
                event = self.searcher.trial()  # charges the clock with its steps
                if event is not None:
                    self.switch(event, result)
                else:
                    self.note_exhausted()
            else:
                self.run_instances(result, next_sample)
            while clock.now >= next_sample and next_sample <= self.lifetime:
                sample = {"type": "reward", "clock": clock.now, "instances": result.instances,
                          "reward": result.reward, "solver_steps": clock.solver_steps}
                if result.traps:  # only a run whose solver trapped has the field
                    sample["traps"] = result.trapped
                self.log.write(sample)
                next_sample += interval
            if progress is not None:
                progress(self, result)
        result.clock, result.solver_steps, result.search_steps = clock.now, clock.solver_steps, clock.search_steps
        result.execution = self.batch.summary()
        self.flush_refusals(result)
        self.log.write(self.end(result))
        self.log.close()
        result.wall_seconds = time.perf_counter() - started
        return result

    def note_exhausted(self) -> None:
        """Log-to-be: the technique a trial found exhausted, with the clock and the number the
        next state reading will have (from it on, `state2theorem exhausted` may count it)."""
        known = {e["technique"] for e in self.exhaustions}
        for name in sorted(self.searcher.exhausted - known):
            self.exhaustions.append({"technique": name, "clock": self.clock.now, "reading": len(self.readings)})

    def owed_to_search(self) -> int:
        """Steps the proof searcher is owed (batch_run.owed_steps): its share of the steps since
        the share was last changed, plus the balance carried over from before that change
        (`rebase_share`)."""
        return owed_steps(self.share, self.clock.solver_steps, self.clock.search_steps, self.share_base_solver,
                          self.share_base_search, self.share_carry)

    def rebase_share(self, share_after: Fraction) -> None:
        """A switch that changes the share starts the share's count again from its clock: the
        target theorem gives the new solver (1 - s')(L - t1) of the steps after the switch at
        t1, so s' applies to the steps from t1 on, not to the whole run (counted on totals, a
        raised share would owe the searcher (s' - s)/(1 - s') t1 steps at once, taken from the
        new solver). What the searcher was owed (or had overdrawn) at the switch, at most about
        one instance or one trial, is carried over. Unchanged shares and shares set to 0 (every
        built-in technique's) count exactly as on totals."""
        s = self.share
        if share_after == s:
            return
        owed: Fraction | int = 0
        if s != 0:
            owed = s / (1 - s) * (self.clock.solver_steps - self.share_base_solver) \
                - (self.clock.search_steps - self.share_base_search) + self.share_carry
        self.share_base_solver, self.share_base_search = self.clock.solver_steps, self.clock.search_steps
        self.share_carry = owed if owed else 0

    def run_instances(self, result: RunResult, next_sample: int) -> None:
        """Run the next instances: on the batch path, every one the loop would run before it has
        something else to do (batch_run.walk); else one, on the scalar path."""
        ahead = self.batch.lanes_for(self.solver, self.clock.left())
        if ahead is not None:
            state = WalkState(self.clock.solver_steps, self.clock.search_steps, self.lifetime, next_sample, self.share,
                              self.share_base_solver, self.share_base_search, self.share_carry,
                              self.share != 0 and self.searcher.idle())
            done = walk(ahead.steps, ahead.ok, state)
            if done.lanes:
                self.clock.charge_solver(done.solver_steps)
                self.clock.charge(done.search_steps)  # idle search time between the instances
                result.instances += done.completed
                result.reward += draw_rewards(self.task.reward_kind, ahead.reward[:done.completed], self.reward_rng)
                self.batch.instances["batch"] += done.lanes
                self.stream.advance(done.lanes)
                ahead.advance(done.lanes)
                return
            ahead.advance(1)  # the next lane needs the scalar path
        self.batch.instances["scalar"] += 1
        self.run_instance(result, self.stream.next())

    def run_instance(self, result: RunResult, instance: tuple[Any, ...]) -> None:
        budget = self.clock.left()
        module = compiled(self.solver)
        outcome = None
        if module is not None:  # the compiled solver, called directly; run() decides the edge cases
            try:
                value, steps = module.call("solve", instance, budget)
                if steps <= budget:
                    outcome = Outcome("value", steps, value=value)
            except (FastAbort, FastBudget, Trap):
                pass
        if outcome is None:
            outcome = run(self.solver, "solve", instance, budget=budget)
        self.clock.charge_solver(outcome.steps)
        if outcome.kind == "value":
            result.instances += 1
            result.reward += self.task.reward(instance, outcome.value, self.reward_rng)
        elif outcome.kind == "trap":
            result.instances += 1
            self.count_trap(result, instance, outcome)

    def count_trap(self, result: RunResult, instance: tuple[Any, ...], outcome: Outcome) -> None:
        """A solver instance trapped (it earns nothing): count it by kind and position, and keep
        the first one whole. Only the trapping instances come here; the fast path is untouched."""
        key = (outcome.reason, str(outcome.pos) if outcome.pos else None)
        result.traps[key] = result.traps.get(key, 0) + 1
        if result.first_trap is None:
            result.first_trap = {
                "instance": result.instances, "clock": self.clock.now - outcome.steps, "kind": outcome.reason,
                "detail": outcome.detail, "position": key[1], "steps": outcome.steps,
                "arguments": [[name, show(value)] for (name, _), value in zip(self.task.variables, instance)],
            }

    # --- switches -------------------------------------------------------------------------

    def switch(self, event: SwitchEvent, result: RunResult) -> None:
        """Execute the switchprog (the switch rule's, godelmachine/logic/switch.py), log the
        switch at the clock when the switchprog has run, then carry the reward floor over."""
        before, share_before = self.solver, self.share
        rule = event.rule()
        after = rule.apply(before)
        share_after = rule.share_after(self.share)
        self.clock.charge(rule.cost)
        context = event.context
        number = len(result.switches) + 1
        summary = event.switchprog.get("summary", "")
        self.flush_refusals(result)
        self.log.write(self.switch_record(number, event, before, after, share_before, share_after, summary))
        result.switches.append(Switch(number, self.clock.now, event.technique, summary, before, after, share_before,
                                      share_after, event.theorem))
        self.rebase_share(share_after)
        floor = None  # the old solver's reward floor, proved for the new one (search steps after the switch)
        if event.theorem is not None and context is not None and context.reward_floor is not None:
            budget = Budget(self.clock, until=self.lifetime)  # what is left of the lifetime
            floor = tactics.reward_floor_after(context, self.theorems_of(event.target), budget, 100_000)
        self.solver, self.share = after, share_after
        self.chain.add(after.digest)
        self.programs.setdefault(after.digest, after)
        self.epoch_reading = len(self.readings)
        self.exhaustions = []
        self.reward_floor = floor if floor is not None else (self.reward_floor if after is before else None)
        self.searcher.reset(self.epoch())

    def theorems_of(self, target: Theorem | None) -> list[Theorem]:
        """The premises a target theorem was proved from (for carrying the reward floor over)."""
        return list(target.premises) if target is not None else []

    # --- log records ----------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        import z3

        header = {
            "type": "header", "schema": SCHEMA, "version": __version__, "z3": z3.get_version_string(),
            "task": self.task.name, "task_file": self.task.path, "task_sha256": self.task.digest,
            "seed": self.seed, "lifetime": self.lifetime, "share": str(self.share), "mode": self.mode,
            "search": self.search, "axiom_files": dict(sorted(self.axioms.files.items())),
            "axiom_consistency": self.axioms.consistency, "trust": self.trust,
            "techniques": [[t.name, str(t.prior)] for t in self.searcher.techniques],
            "solver": self.solver.source(),
        }
        if self.library is not None:
            header["library"] = self.library.header()
        return header

    def switch_record(self, number: int, event: SwitchEvent, before: Program, after: Program,
                      share_before: Fraction, share_after: Fraction, summary: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "type": "switch", "n": number, "clock": self.clock.now, "technique": event.technique, "summary": summary,
            "switchprog": {"definitions": [show(d) for d in event.switchprog.get("definitions", [])],
                           "share": str(share_after) if share_after != share_before else None},
            "before": before.source(), "after": after.source(),
            "share_before": str(share_before), "share_after": str(share_after),
            "switch_cost": event.rule().cost, "readings": [self.epoch_reading, len(self.readings)],
            "exhausted": self.exhaustions,
        }
        if event.theorem is None:
            record["accepted"] = "empirical: agreed with the solver on a sample and was faster (no proof)"
            return record
        theorems = derivation(event.theorem)
        if self.learned is not None and (entries := self.learned.entries_in(event.theorem)):
            record["library"] = entries
        record.update({
            "accepted": "proof",
            "target_theorem": smtlib(event.target.statement) if event.target else None,
            "theorem": smtlib(event.theorem.statement),
            "certificate": certificate(event.theorem),
            "axioms_used": sorted(event.theorem.axioms),
            "assumptions": assumptions_of(self.axioms, event.theorem.axioms),
            "proof_size": len(theorems),
            "programs": self.record_programs(theorems, before, after),
            "state_readings": [{"reading": t.arg("reading"), "field": t.arg("field"), "value": t.arg("value")}
                               for t in theorems if t.rule == "state2theorem"],
            "utility": self.utility_bounds(event, before, after, share_before, share_after),
        })
        return record

    def record_programs(self, theorems: list[Theorem], before: Program, after: Program) -> dict[str, str]:
        """digest -> source of the solvers before and after, and of every other program the
        proof speaks of that no earlier switch record holds (a candidate a cached fact was
        proved about): the log holds every program its certificates mention."""
        mentioned = mentioned_programs([dict(t.args) for t in theorems])
        others = sorted(d for d in mentioned - self.chain - {before.digest, after.digest} if d in self.programs)
        return {p.digest: p.source() for p in (before, after, *(self.programs[d] for d in others))}

    def utility_bounds(self, event: SwitchEvent, before: Program, after: Program, share_before: Fraction,
                       share_after: Fraction) -> dict[str, Any]:
        """The expected reward of both branches from the switch on, as the proof bounds them."""
        from godelmachine.machine.bounds import utility_figures

        return utility_figures(event.target, before, after, share_before, share_after, self.clock.left())

    def flush_refusals(self, result: RunResult) -> None:
        refusals = self.searcher.take_refusals()
        if not refusals:
            return
        counts: dict[str, int] = {}
        for r in refusals:
            counts[r.status] = counts.get(r.status, 0) + 1
            result.refusals[r.status] = result.refusals.get(r.status, 0) + 1
        examples = [{"technique": r.technique, "candidate": r.candidate, "rule": r.rule, "status": r.status,
                     "reason": r.reason, "counterexample": [list(x) for x in r.counterexample]}
                    for r in refusals if r.status in ("refuted", "unknown")][:10]  # what a reader can learn from
        self.log.write({"type": "refusals", "clock": self.clock.now, "counts": counts, "examples": examples})

    def end(self, result: RunResult) -> dict[str, Any]:
        record = {"type": "end", "clock": self.clock.now, "instances": result.instances, "reward": result.reward,
                  "solver_steps": result.solver_steps, "search_steps": result.search_steps,
                  "switches": len(result.switches), "first_switch": result.first_switch,
                  "refusals": dict(sorted(result.refusals.items()))}
        if result.traps:  # only a run whose solver trapped has these fields
            record.update(traps=result.trap_counts(), first_trap=result.first_trap)
        if self.learned is not None:
            record["library_used"] = sorted(self.learned.used)
        return record
