"""A run's axiom set: built for a task (`task_axioms`, and the user's lemmas the proof searcher
cites), or rebuilt from a log's header (`log_axioms`: the task file and the axiom files the
header names, each checked against the SHA-256 it recorded).

The machine builds it when a run starts and when `run --resume` continues one; `log verify`,
`log show --switch` and `axioms list` build it again. It has its own module so that the machine
and the log's verifier, which re-executes the machine, share it without importing each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from godelmachine.errors import UserError
from godelmachine.logic.axioms import AxiomSet, load_axioms
from godelmachine.logic.kernel import Kernel, Theorem
from godelmachine.logic.semantics import function_base
from godelmachine.machine.task import Task, builtin_tasks, load_task


class VerifyFailed(UserError):
    """The log does not check; the message names the first failure (raised here when the files
    a log's header names are not those it was written with, and by `log verify`)."""


def task_axioms(task: Task, extra: tuple[Path, ...], check: bool = True, trust: str = "assumed",
                cache: bool = True) -> AxiomSet:
    """The axiom set of a run: hardware, the shipped files, the task's environment and initial
    state axioms (generated from the task file), then the user's: the task's own axiom files,
    then `extra` (`trust` "proved" leaves the user's assumptions out; `cache` False checks
    them again whatever godelmachine/logic/axiom_cache.py kept)."""
    initial = function_base(task.solver, "solve")
    texts: list[Any] = [(task.environment_source, task.environment_axioms())]
    initial_state = task.initial_state_axioms(initial)
    if initial_state is not None:
        texts.append((f"{task.path} (initial state)", initial_state))
    return load_axioms([*task.environment_files, *extra], check=check, generated=texts, trust=trust, cache=cache)


def user_lemmas(kernel: Kernel, files: tuple[Path, ...]) -> tuple[Theorem, ...]:
    """The environment axioms of the task's own axiom files and the user's (installed or
    --axioms): facts the proof searcher cites in its obligations and induction steps, so that
    a lemma a user adds can carry a proof step the prover cannot do alone within its budget."""
    sources = {str(f) for f in files}
    return tuple(kernel.axiom(a.name) for a in kernel.axioms.axioms.values() if a.source in sources and a.cls == "environment")


def log_axioms(header: dict[str, Any], task: Task | None = None, cache: bool = True) -> AxiomSet:
    """The axiom set a run used, rebuilt from its task file and the axiom files its header names,
    each checked against the SHA-256 recorded there (`log verify` passes `cache` False: it
    decides every check again)."""
    task = task or task_of(header)
    axioms = task_axioms(task, extra_axiom_files(header, task), trust=header.get("trust", "assumed"), cache=cache)
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
    known = set(task_axioms(task, (), check=False).files)  # the names alone: nothing to decide
    return tuple(Path(name) for name in header["axiom_files"] if name not in known)
