"""Checking a rewrite log again, with a fresh kernel and nothing but the log and the files it names.

`verify_log` rebuilds the axiom set from the task file and the axiom files named in the log's
header (each checked against the SHA-256 the header recorded), then walks the records in
order, re-deriving rather than trusting what they claim. For each switch it replays the chain
of programs by the switch rule (godelmachine/logic/switch.py: the program after switch k is
switch k's switchprog applied to the program before it), and for a proven switch it re-makes
the proof certificate node by node with a new kernel (measuring each node's cost again), asks
the switch rule whether the re-made theorem licenses this switch (the function the searcher's
`check` calls too), derives the switch's clock from its clock reading, and computes the
record's theorem, axioms used, programs, state readings and utility figures again. Between
records it checks the clock accounting (`Accounts`). `replay_log` (`log verify --replay`)
re-executes the whole run and compares every record byte for byte.

State facts are confirmed from the log alone: the lifetime from the header; a share reading
by the share in force in the epoch (the stretch between two switches) in which it was read;
a clock reading by lying within its epoch's clock interval; an exhausted reading by the
switch record's list of the techniques that reported exhausted in its epoch and from which
reading on (each one of the header's techniques, once, in clock order). The first failure raises
`VerifyFailed`, naming the switch (or the record's line) and the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Mapping

from godelmachine.errors import UserError
from godelmachine.lang.program import Program
from godelmachine.logic.axioms import assumptions_of
from godelmachine.logic.certificates import check_certificate
from godelmachine.logic.kernel import RLIMIT_PER_STEP, Kernel, Refused, StateReading, Theorem, steps_for
from godelmachine.logic.switch import Switch, from_log, licence, mentioned_programs, searcher_exhausted
from godelmachine.logic.terms import smtlib
from godelmachine.machine.axiom_set import VerifyFailed, extra_axiom_files, log_axioms, task_of
from godelmachine.machine.bounds import utility_figures
from godelmachine.machine.records import read_records


@dataclass
class Epoch:
    """The stretch of a run between two switches, as the state readings saw it."""

    first_reading: int
    last_reading: int  # exclusive
    share: Fraction
    clock_from: int
    clock_to: int
    techniques: tuple[str, ...] = ()  # the run's proof techniques (the header's)
    exhausted: dict[str, int] = field(default_factory=dict)  # technique -> the reading from which it was exhausted


@dataclass
class Verified:
    switches: int = 0
    proven: int = 0
    empirical: int = 0
    nodes: int = 0
    axioms: list[str] = field(default_factory=list)
    solver: str = "z3"
    replayed: int | None = None  # records compared byte for byte with a re-execution (--replay)
    assumptions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # switch -> the user assumptions it rests on


def verify_log(path: Path, solver: str = "z3", on_switch: Callable[[int, Theorem], None] | None = None,
               replay: bool = False) -> Verified:
    """Check the log; `solver` is "z3" or "cvc5" (every smt node decided by that solver);
    `on_switch` sees each switch's re-made final theorem; `replay` re-executes the run from the
    header and compares every record byte for byte (`replay_log`)."""
    try:
        records = read_records(path)
    except UserError as exc:
        raise VerifyFailed(exc.message, exc.pos) from None
    header = records[0]
    if records[-1].get("type") != "end":
        raise VerifyFailed(f"{path}: the log has no end record (the run did not finish)")
    task = task_of(header)
    axioms = log_axioms(header, task, cache=False)  # every check decided again, nothing taken from a cache
    kernel = Kernel(axioms, prover=prover_named(solver))
    program = Program.from_source(header["solver"], source=f"{path} (header solver)")
    if program != task.solver:
        raise VerifyFailed(f"{path}: the header's initial solver is not the task file's")
    share, lifetime = Fraction(header["share"]), int(header["lifetime"])
    programs: dict[str, Program] = {program.digest: program}
    epochs: list[Epoch] = []
    result = Verified(axioms=sorted(header["axiom_files"]), solver=solver)
    previous_clock, first_reading = 0, 0
    techniques = tuple(str(t[0]) for t in header["techniques"])
    accounts = Accounts(lifetime)
    for line, record in enumerate(records[1:], 2):
        if record.get("type") != "switch":
            accounts.check(record, f"{path}:{line}")
            continue
        n = record["n"]
        try:
            switchprog = from_log(record["switchprog"]["definitions"], record["switchprog"]["share"],
                                  source=f"<switch {n} switchprog>")
            after, new_share, cost = switchprog.apply(program), switchprog.share_after(share), switchprog.cost
            if record["before"] != program.source() or Fraction(record["share_before"]) != share:
                raise VerifyFailed("the code before the switch is not the code after the previous one")
            if record["after"] != after.source() or Fraction(record["share_after"]) != new_share:
                raise VerifyFailed("the switchprog applied to the code before does not give the code after")
            if task.space is not None and after is not program and (why := task.space.admits(after)) is not None:
                raise VerifyFailed(f"the code after the switch is outside {task.space.description}: {why}")
            if record["switch_cost"] != cost:
                raise VerifyFailed(f"the switchprog costs {cost} steps, not the {record['switch_cost']} logged")
            readings = record["readings"]
            if readings[0] != first_reading or readings[1] < readings[0]:
                raise VerifyFailed(f"the state readings {readings} do not follow the previous epoch's (from {first_reading})")
            epoch = Epoch(readings[0], readings[1], share, previous_clock, record["clock"], techniques)
            epoch.exhausted = exhaustions(record.get("exhausted", []), epoch)
            epochs.append(epoch)
            if record.get("accepted") == "proof":
                theorem = check_proven_switch(kernel, record, program, after, share, new_share, lifetime, cost,
                                              epochs, programs, measure=solver == "z3")
                result.assumptions[n] = assumptions_of(axioms, theorem.axioms)
                if record.get("assumptions", result.assumptions[n]) != result.assumptions[n]:
                    raise VerifyFailed("the record's assumptions are not the user assumptions its certificate rests on")
                if on_switch is not None:
                    on_switch(n, theorem)
                result.proven += 1
                result.nodes += len(record["certificate"]["nodes"])
            else:
                result.empirical += 1
        except Refused as exc:
            raise VerifyFailed(f"{path}: switch {n}: the certificate does not check: {exc.reason}") from None
        except UserError as exc:  # VerifyFailed, or code in the record that does not read
            raise VerifyFailed(f"{path}: switch {n}: {exc.message}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise VerifyFailed(f"{path}: switch {n}: malformed record ({type(exc).__name__}: {exc})") from None
        accounts.check(record, f"{path}:{line}")
        programs[after.digest] = after
        program, share = after, new_share
        previous_clock, first_reading = record["clock"], readings[1]
        result.switches += 1
    if replay:
        result.replayed = replay_log(path)
    return result


def check_proven_switch(kernel: Kernel, record: dict[str, Any], before: Program, after: Program, share: Fraction,
                        new_share: Fraction, lifetime: int, cost: int, epochs: list["Epoch"],
                        chain: dict[str, Program], measure: bool) -> Theorem:
    """Re-make the certificate and re-derive, rather than trust, everything the record claims
    about it: the licence (the switch rule's), the switch's clock, the costs of the nodes, the
    programs, the axioms used, the state readings and the utility figures."""
    cert = record["certificate"]
    nodes = cert["nodes"]
    # the programs: the chain's, and those the record adds, each the code its digest names
    listed: dict[str, Program] = {}
    for digest, source in record["programs"].items():
        listed[digest] = Program.from_source(source, source=f"<switch {record['n']} program {digest[:12]}>")
        if listed[digest].digest != digest:
            raise VerifyFailed(f"the program listed as {digest[:12]} has digest {listed[digest].digest[:12]}")
    mentioned = mentioned_programs([node.get("args", {}) for node in nodes])
    expected = {before.digest, after.digest} | (mentioned - set(chain))
    if set(listed) != expected:
        raise VerifyFailed(f"the record lists programs {sorted(d[:12] for d in listed)}, the certificate needs "
                           f"{sorted(d[:12] for d in expected)} beside the solvers of earlier switches")
    # the certificate, node by node, each node's cost measured again (Z3's rlimit count in a
    # fresh context is deterministic; another solver counts otherwise, so only z3 measures)
    made: dict[int, tuple[int, Mapping[str, Any]]] = {}
    spent = 0

    def on_node(i: int, node: Mapping[str, Any], theorem: Theorem) -> None:
        nonlocal spent
        made[id(theorem)] = (i, node)
        if measure and theorem.cost != node["cost"]:
            raise VerifyFailed(f"certificate node {i} ({node['rule']}) costs {theorem.cost} steps on replay, "
                               f"not the {node['cost']} logged")
        limit = node["args"].get("rlimit") if node["rule"] == "smt" else node["args"].get("budget") \
            if node["rule"] == "evaluation" else None
        if limit is not None and not (type(limit) is int and 0 < limit <= lifetime * RLIMIT_PER_STEP):
            raise VerifyFailed(f"certificate node {i} ({node['rule']}) has a budget of {limit}, more than the "
                               f"lifetime could pay ({lifetime * RLIMIT_PER_STEP})")
        if node["rule"] == "smt" and node["cost"] > steps_for(limit):
            raise VerifyFailed(f"certificate node {i} (smt) cost {node['cost']} steps within an rlimit of {limit}")
        spent += node["cost"]

    theorem = check_certificate(kernel, cert, {**chain, **listed},
                                confirm_state=lambda r: confirmed(r, epochs, lifetime), on_node=on_node)
    if spent > record["clock"]:
        raise VerifyFailed(f"the certificate's nodes cost {spent} steps, more than the clock had run ({record['clock']})")
    epoch = epochs[-1]
    rule = Switch(before, after, share, new_share, lifetime, cost, lambda r: current(r, epoch, lifetime))
    try:
        granted = licence(theorem, rule)
    except Refused as refused:
        raise VerifyFailed(refused.reason) from None
    # the switch's clock: the clock reading, the in-time proof that check paid for, the switchprog
    in_time = made[id(granted.in_time)][1]["cost"] if id(granted.in_time) in made else granted.in_time.cost
    clock = granted.clock_reading.value + in_time + cost
    if record["clock"] != clock:
        raise VerifyFailed(f"the switch happened at clock {clock} (reading {granted.clock_reading.value} + the "
                           f"in-time proof's {in_time} + the switchprog's {cost}), not at the {record['clock']} logged")
    if clock > granted.deadline:
        raise VerifyFailed(f"the switch at clock {clock} is past the deadline {granted.deadline} its theorem covers")
    derived = {
        "target_theorem": smtlib(granted.target.statement),
        "theorem": smtlib(theorem.statement),
        "axioms_used": sorted(theorem.axioms),
        "proof_size": len(nodes),
        "state_readings": [{"reading": node["args"]["reading"], "field": node["args"]["field"],
                            "value": node["args"]["value"]} for node in nodes if node["rule"] == "state2theorem"],
        "utility": utility_figures(granted.target, before, after, share, new_share, lifetime - clock),
    }
    for key, value in derived.items():
        if record[key] != value:
            shown = json.dumps(record[key])
            raise VerifyFailed(f"the record's {key} is {shown[:80]}, the certificate gives {json.dumps(value)[:80]}")
    return theorem


@dataclass
class Accounts:
    """The clock accounting between records, as the machine keeps it: clocks never go back;
    reward samples at every lifetime/40 steps with running counts that never go back, every
    answered instance costing a solver step; refusals flushed just before a switch or the end;
    switches numbered 1, 2, ..., each paid for by the search steps; the end record's figures
    the sums of the records before it."""

    lifetime: int
    clock: int = 0
    samples: int = 0
    instances: int = 0
    reward: int = 0
    solver_steps: int = 0
    switches: int = 0
    first_switch: int | None = None
    switch_costs: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    last_reward: dict[str, Any] | None = None
    refusals_at: int | None = None  # the clock of a refusals record just read

    def check(self, record: dict[str, Any], where: str) -> None:
        try:
            self.add(record)
        except VerifyFailed as exc:
            raise VerifyFailed(f"{where}: the {record['type']} record: {exc.message}") from None

    def add(self, record: dict[str, Any]) -> None:
        kind, clock = record["type"], record["clock"]
        if clock < self.clock:
            raise VerifyFailed(f"its clock {clock} is before the previous record's {self.clock}")
        if self.refusals_at is not None and (kind not in ("switch", "end") or clock != self.refusals_at):
            raise VerifyFailed(f"a refusals record (clock {self.refusals_at}) is written just before a switch or the "
                               "end, at the same clock")
        self.refusals_at = clock if kind == "refusals" else None
        self.clock = clock
        if kind == "reward":
            self.samples += 1
            step = self.lifetime // reward_samples()
            if self.samples * step > min(clock, self.lifetime) or step == 0:
                raise VerifyFailed(f"reward sample {self.samples} is due at clock {self.samples * step}, not {clock}")
            self.running((record["instances"], record["reward"], record.get("solver_steps")), clock)
            self.last_reward = record
        elif kind == "refusals":
            for status, count in record["counts"].items():
                self.refusals[status] = self.refusals.get(status, 0) + count
        elif kind == "switch":
            self.switches += 1
            if record["n"] != self.switches:
                raise VerifyFailed(f"switch {record['n']} where switch {self.switches} is due")
            self.first_switch = clock if self.first_switch is None else self.first_switch
            self.switch_costs += record["switch_cost"]
        elif kind == "end":
            self.end(record)

    def running(self, counts: tuple[int, int, int | None], clock: int) -> None:
        instances, reward, solver_steps = counts
        if solver_steps is None:  # a log written before reward records had solver_steps
            solver_steps = max(self.solver_steps, instances)
        if instances < self.instances or reward < self.reward or solver_steps < self.solver_steps:
            raise VerifyFailed(f"instances, reward or solver steps ({instances}, {reward}, {solver_steps}) "
                               f"went back from ({self.instances}, {self.reward}, {self.solver_steps})")
        if instances > solver_steps:
            raise VerifyFailed(f"{instances} instances in {solver_steps} solver steps (each takes at least one)")
        if clock - solver_steps < self.switch_costs:
            raise VerifyFailed(f"{clock - solver_steps} search steps cannot have paid for switchprogs of {self.switch_costs}")
        self.instances, self.reward, self.solver_steps = instances, reward, solver_steps

    def end(self, record: dict[str, Any]) -> None:
        self.running((record["instances"], record["reward"], record["solver_steps"]), record["clock"])
        if record["clock"] != record["solver_steps"] + record["search_steps"]:
            raise VerifyFailed(f"its clock {record['clock']} is not its solver steps {record['solver_steps']} "
                               f"+ search steps {record['search_steps']}")
        if record["clock"] < self.lifetime:
            raise VerifyFailed(f"the run ended at clock {record['clock']}, before its lifetime {self.lifetime}")
        if record["switches"] != self.switches or record["first_switch"] != self.first_switch:
            raise VerifyFailed(f"it counts {record['switches']} switch(es), the first at {record['first_switch']}; "
                               f"the log has {self.switches}, the first at {self.first_switch}")
        if record["refusals"] != dict(sorted(self.refusals.items())):
            raise VerifyFailed(f"its refusals {record['refusals']} are not the sum of the refusals records {self.refusals}")
        step = self.lifetime // reward_samples()
        due = self.lifetime // step if step else 0
        if self.samples != due:
            raise VerifyFailed(f"the log has {self.samples} reward samples; a lifetime of {self.lifetime} takes {due}")
        last = self.last_reward
        if due and due * step == self.lifetime and last is not None and any(
                last.get(k, record[k]) != record[k] for k in ("clock", "instances", "reward", "solver_steps")):
            raise VerifyFailed("the last reward sample, taken at the end of the lifetime, differs from the end record")


def prover_named(solver: str) -> Callable[..., Any]:
    if solver == "z3":
        from godelmachine.logic.smt import prove

        return prove
    if solver == "cvc5":
        from godelmachine.logic.cvc5_backend import prove_cvc5, require

        require()
        return prove_cvc5
    raise UserError(f"unknown solver {solver!r}: z3 or cvc5")


def exhaustions(entries: list[dict[str, Any]], epoch: Epoch) -> dict[str, int]:
    """A switch record's `exhausted` list (techniques that reported exhausted in its epoch, in
    order), as technique -> first reading that may count it; VerifyFailed if it cannot be."""
    found: dict[str, int] = {}
    clock, reading = epoch.clock_from, epoch.first_reading
    for entry in entries:
        name = entry["technique"]
        if name not in epoch.techniques or name in found:
            raise VerifyFailed(f"the exhausted technique {name!r} is not one of the run's, or is listed twice")
        if not clock <= entry["clock"] <= epoch.clock_to or not reading <= entry["reading"] <= epoch.last_reading:
            raise VerifyFailed(f"technique {name!r} is logged exhausted at clock {entry['clock']}, reading "
                               f"{entry['reading']}: not in order within its epoch")
        clock, reading = entry["clock"], entry["reading"]
        found[name] = reading
    return found


def confirmed(reading: StateReading, epochs: list[Epoch], lifetime: int) -> bool:
    if reading.field == "lifetime":
        return reading.value == lifetime
    epoch = next((e for e in epochs if e.first_reading <= reading.reading < e.last_reading), None)
    if epoch is None:
        return False
    if reading.field == "share":
        return Fraction(reading.value) == epoch.share
    if reading.field == "clock":
        return epoch.clock_from <= int(reading.value) <= epoch.clock_to
    if reading.field == "exhausted":
        return reading.value is searcher_exhausted(
            epoch.techniques, lambda name: name in epoch.exhausted and epoch.exhausted[name] <= reading.reading)
    return False


def reward_samples() -> int:
    from godelmachine.machine.machine import REWARD_SAMPLES

    return REWARD_SAMPLES


def current(reading: StateReading, epoch: Epoch, lifetime: int) -> bool:
    """Is the reading one of the state in force during `epoch` (the switch rule's current state)?"""
    if not epoch.first_reading <= reading.reading < epoch.last_reading:
        return False
    return confirmed(reading, [epoch], lifetime)


def replay_log(path: Path) -> int:
    """Re-execute the run from the log's header, as `run --resume` does, and compare every
    record it writes with the log's, byte for byte; the number of records compared. The first
    record that differs (or is missing, or is one too many) raises VerifyFailed naming its line."""
    from godelmachine.errors import Pos
    from godelmachine.machine.library import log_library
    from godelmachine.machine.log import ResumeMismatch
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.records import Recovered

    recovered = Recovered(path)
    header = recovered.header
    task = task_of(header)
    log_axioms(header, task)  # the axiom files must be the ones the run read
    try:
        library = log_library(header)  # and the library the one it used
    except UserError as exc:
        raise VerifyFailed(f"replay: {exc.message}") from None
    machine = Machine(task, seed=header["seed"], lifetime=header["lifetime"], axiom_files=extra_axiom_files(header, task),
                      log_path=None, mode=header["mode"], search=header["search"], resume=recovered, library=library)
    try:
        machine.run()
    except ResumeMismatch as exc:
        message = exc.message.replace("the resumed run", "the replayed run").replace("a different version, task "
                                                                                      "file or axiom file?", "an edited log?")
        where = Pos(str(path), exc.pos.line, 1) if exc.pos is not None else None
        raise VerifyFailed(f"replay: {message}", where) from None
    if machine.log.line != len(recovered.lines):
        raise VerifyFailed(f"replay: the replayed run wrote {machine.log.line} records, the log has {len(recovered.lines)}",
                           Pos(str(path), min(machine.log.line, len(recovered.lines)) + 1, 1))
    return machine.log.line
