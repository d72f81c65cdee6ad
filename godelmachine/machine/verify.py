"""Checking a rewrite log again, with a fresh kernel and nothing but the log and the files it names.

`verify_log` rebuilds the axiom set from the task file and the axiom files named in the log's
header (each checked against the SHA-256 the header recorded), then walks the switches in
order. For each it replays the chain of programs (the program after switch k is switch k's
switchprog applied to the program before it), and for a proven switch it re-checks the proof
certificate node by node with a new kernel, then checks that the certificate proves what the
machine's `check` demands: the target theorem for exactly this pair of solvers and shares,
resting on state facts that the log confirms, instantiated at a time up to its deadline.

State facts are confirmed from the log alone: the lifetime from the header; a share reading
by the share in force in the epoch (the stretch between two switches) in which it was read;
a clock reading by lying within its epoch's clock interval. The first failure raises
`VerifyFailed`, naming the switch and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from godelmachine.errors import UserError
from godelmachine.lang.program import Program
from godelmachine.lang.reader import read, to_value
from godelmachine.lang.syntax import definition_header
from godelmachine.lang.values import value_size
from godelmachine.logic.axioms import AxiomSet, assumptions_of
from godelmachine.logic.certificates import check_certificate
from godelmachine.logic.kernel import Kernel, Refused, StateReading, Theorem, solver_constant
from godelmachine.logic.terms import Add, int_, show
from godelmachine.machine.records import read_records
from godelmachine.machine.task import Task, builtin_tasks, load_task


class VerifyFailed(UserError):
    """The log does not check; the message names the first failure."""


@dataclass
class Epoch:
    """The stretch of a run between two switches, as the state readings saw it."""

    first_reading: int
    last_reading: int  # exclusive
    share: Fraction
    clock_from: int
    clock_to: int


@dataclass
class Verified:
    switches: int = 0
    proven: int = 0
    empirical: int = 0
    nodes: int = 0
    axioms: list[str] = field(default_factory=list)
    solver: str = "z3"
    assumptions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # switch -> the user assumptions it rests on


def verify_log(path: Path, solver: str = "z3", on_switch: Callable[[int, Theorem], None] | None = None) -> Verified:
    """Check the log; `solver` is "z3" or "cvc5" (every smt node decided by that solver);
    `on_switch` sees each switch's re-made final theorem."""
    try:
        records = read_records(path)
    except UserError as exc:
        raise VerifyFailed(exc.message, exc.pos) from None
    header = records[0]
    if records[-1].get("type") != "end":
        raise VerifyFailed(f"{path}: the log has no end record (the run did not finish)")
    task = task_of(header)
    axioms = log_axioms(header, task)
    kernel = Kernel(axioms, prover=prover_named(solver))
    program = Program.from_source(header["solver"], source=f"{path} (header solver)")
    if program != task.solver:
        raise VerifyFailed(f"{path}: the header's initial solver is not the task file's")
    share, lifetime = Fraction(header["share"]), int(header["lifetime"])
    programs: dict[str, Program] = {program.digest: program}
    epochs: list[Epoch] = []
    result = Verified(axioms=sorted(header["axiom_files"]), solver=solver)
    previous_clock, first_reading = 0, 0
    for record in records[1:]:
        if record.get("type") != "switch":
            continue
        n = record["n"]
        try:
            after, new_share, cost = replay_switchprog(program, record)
            if record["before"] != program.source() or Fraction(record["share_before"]) != share:
                raise VerifyFailed("the code before the switch is not the code after the previous one")
            if record["after"] != after.source() or Fraction(record["share_after"]) != new_share:
                raise VerifyFailed("the switchprog applied to the code before does not give the code after")
            if record["switch_cost"] != cost:
                raise VerifyFailed(f"the switchprog costs {cost} steps, not the {record['switch_cost']} logged")
            readings = record["readings"]
            if readings[0] != first_reading or readings[1] < readings[0]:
                raise VerifyFailed(f"the state readings {readings} do not follow the previous epoch's (from {first_reading})")
            epochs.append(Epoch(readings[0], readings[1], share, previous_clock, record["clock"]))
            programs[after.digest] = after
            if record.get("accepted") == "proof":
                theorem = check_certificate(kernel, record["certificate"], programs,
                                            confirm_state=lambda r: confirmed(r, epochs, lifetime))
                check_target(theorem, program, after, share, new_share, lifetime, cost, epochs[-1])
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
        except (KeyError, TypeError, ValueError) as exc:
            raise VerifyFailed(f"{path}: switch {n}: malformed record ({type(exc).__name__}: {exc})") from None
        program, share = after, new_share
        previous_clock, first_reading = record["clock"], readings[1]
        result.switches += 1
    return result


def prover_named(solver: str) -> Callable[..., Any]:
    if solver == "z3":
        from godelmachine.logic.smt import prove

        return prove
    if solver == "cvc5":
        from godelmachine.logic.cvc5_backend import prove_cvc5, require

        require()
        return prove_cvc5
    raise UserError(f"unknown solver {solver!r}: z3 or cvc5")


def log_axioms(header: dict[str, Any], task: Task | None = None) -> AxiomSet:
    """The axiom set a run used, rebuilt from its task file and the axiom files its header names,
    each checked against the SHA-256 recorded there."""
    from godelmachine.machine.machine import task_axioms

    task = task or task_of(header)
    axioms = task_axioms(task, extra_axiom_files(header, task), trust=header.get("trust", "assumed"))
    for name, digest in header["axiom_files"].items():
        if axioms.files.get(name) != digest:
            raise VerifyFailed(f"{name}: its SHA-256 differs from the one in the log's header (the file changed since the run)")
    return axioms


def task_of(header: dict[str, Any]) -> Task:
    name, path = header["task"], header["task_file"]
    task = load_task(name if path.startswith("godelmachine/tasks/") and name in builtin_tasks() else path)
    if task.digest != header["task_sha256"]:
        raise VerifyFailed(f"{path}: the task file differs from the one the log was written with (SHA-256)")
    return task


def extra_axiom_files(header: dict[str, Any], task: Task) -> tuple[Path, ...]:
    """The axiom files the run was given on top of the task's own and the shipped ones."""
    from godelmachine.machine.machine import task_axioms

    known = set(task_axioms(task, ()).files)
    return tuple(Path(name) for name in header["axiom_files"] if name not in known)


def replay_switchprog(program: Program, record: dict[str, Any]) -> tuple[Program, Fraction, int]:
    """The program and share after the switchprog, and the switchprog's cost in steps."""
    switchprog = record["switchprog"]
    after, cost = program, 1
    for text in switchprog["definitions"]:
        (node,) = read(text, source=f"<switch {record['n']} switchprog>")
        name = definition_header(node)[0]
        after = after.replace(text) if name in after else after.add(text)
        cost += value_size(to_value(node))
    share = Fraction(switchprog["share"]) if switchprog.get("share") is not None else Fraction(record["share_before"])
    return after, share, cost


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
    return False


def check_target(theorem: Theorem, before: Program, after: Program, share: Fraction, new_share: Fraction,
                 lifetime: int, cost: int, epoch: Epoch) -> None:
    """What `check` demands of the final theorem: modus ponens of the target theorem for this
    switch, instantiated at (clock reading + switchprog cost), with the proof that this time is
    within the target's deadline."""
    from godelmachine.search.tactics import ToReal, target_statement

    if theorem.rule != "modus_ponens" or theorem.premises[0].rule != "instantiate":
        raise VerifyFailed("the certificate does not end in the check's modus ponens")
    instance = theorem.premises[0]
    target = instance.premises[0]
    statement = target.statement
    if statement.kind != "forall" or statement.name != (("t1", "Real"),):
        raise VerifyFailed("the certificate does not rest on a target theorem")
    deadline = statement.args[0].args[0].args[1]
    facts = {t.arg("field"): t for t in _state_facts(target)}
    share_terms = [t.statement.args[0] for t in _state_facts(target)
                   if t.arg("field") == "share" and epoch.first_reading <= t.arg("reading") < epoch.last_reading]
    lifetime_term = facts["lifetime"].statement.args[0] if "lifetime" in facts else None
    kept = None if new_share == share else new_share
    old, new = solver_constant(before, "solve"), solver_constant(after, "solve")
    if lifetime_term is None or not any(
            statement is target_statement(old, new, s, kept, lifetime_term, deadline.name) for s in share_terms):
        raise VerifyFailed("the theorem is not the target theorem of this switch (solvers, shares or lifetime differ)")
    clock_facts = [t for t in _state_facts(theorem) if t.arg("field") == "clock"
                   and epoch.first_reading <= t.arg("reading") < epoch.last_reading]
    if not any(instance.arg("terms") == [show(ToReal(Add(t.statement.args[0], int_(cost))))] for t in clock_facts):
        raise VerifyFailed("the target theorem is not applied at the switch time (clock reading + switchprog cost)")


def _state_facts(theorem: Theorem) -> list[Theorem]:
    from godelmachine.logic.certificates import derivation

    return [t for t in derivation(theorem) if t.rule == "state2theorem"]

