"""Many independent deterministic jobs, run one after another in this process or as Ray tasks.

A job is a module-level function and its arguments (a Ray worker imports the function by
name). What it returns depends only on its arguments, so a result is the same wherever it ran;
`run_jobs` returns the results in the order of the jobs, whatever order they finished in.

With Ray, a job whose worker died (killed, out of memory, its node lost) is run again, up to
`retries` more times, and every attempt is reported; a job that raised an exception is not
retried (it would raise again) and is reported with the exception. No job is dropped: each
ends as a value or as a failure, and the caller counts both (docs/scaling.md).

Ray is an optional dependency (`pip install 'godelmachine[ray]'`): it is imported only when
`ray` is given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from godelmachine.errors import UserError

LOCAL = "local"  # `--ray` with no address: a Ray started here for the purpose, one CPU per core


@dataclass(frozen=True)
class Job:
    name: str  # how progress and failures name it: "seed 17", "P21", "chunk 40"
    function: Callable[..., Any]  # a module-level function, so that a Ray worker can import it
    args: tuple[Any, ...] = ()
    cost: float = 1.0  # a guess of its length: the longest jobs are started first


@dataclass
class Done:
    """One job's end: its value, or why it failed; and every attempt's story."""

    job: Job
    value: Any = None
    error: str | None = None  # None: the job returned `value`
    attempts: list[str] = field(default_factory=list)  # what ended each attempt that did not return

    @property
    def ok(self) -> bool:
        return self.error is None


def run_jobs(jobs: Sequence[Job], ray: str | None = None, retries: int = 2, cpus: int | None = None,
             on_done: Callable[[Done], None] | None = None) -> list[Done]:
    """Every job's end, in the order of `jobs`: serially here when `ray` is None, else as Ray
    tasks on a local Ray (`ray` = "local", `cpus` CPUs, default all) or the cluster at `ray`."""
    if ray is None:
        return [_serial(job, on_done) for job in jobs]
    return _on_ray(jobs, ray, retries, cpus, on_done)


def _serial(job: Job, on_done: Callable[[Done], None] | None) -> Done:
    try:
        done = Done(job, value=job.function(*job.args))
    except Exception as exc:  # a job's bug or bad input: reported with the job, the others go on
        done = Done(job, error=f"{type(exc).__name__}: {exc}")
    if on_done is not None:
        on_done(done)
    return done


def values(ends: Sequence[Done], what: str = "jobs") -> list[Any]:
    """Every job's value, in job order; a RuntimeError naming the failed ones if any failed (a
    benchmark that lost jobs would claim more than it measured)."""
    failed = [f"{d.job.name}: {d.error}" for d in ends if not d.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(ends)} {what} failed: " + "; ".join(failed[:5]))
    return [d.value for d in ends]


def _call(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return function(*args)


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UserError("--ray needs Ray, an optional dependency: pip install 'godelmachine[ray]'") from None
    return ray


def _on_ray(jobs: Sequence[Job], address: str, retries: int, cpus: int | None,
            on_done: Callable[[Done], None] | None) -> list[Done]:
    ray = import_ray()
    started_here = not ray.is_initialized()
    if started_here:
        connect(ray, address, cpus)
    try:
        # Ray's own retries are off (max_retries=0): a lost attempt comes back here, is counted
        # and reported, and is submitted again.
        remote = ray.remote(num_cpus=1, max_retries=0)(_call)
        attempts: list[list[str]] = [[] for _ in jobs]
        pending = {remote.remote(jobs[i].function, jobs[i].args): i
                   for i in sorted(range(len(jobs)), key=lambda i: -jobs[i].cost)}  # the longest first
        ends: list[Done | None] = [None] * len(jobs)
        while pending:
            # whatever has ended within a second (one call per second, not one per job: a sweep
            # may have thousands of jobs pending)
            ready, _ = ray.wait(list(pending), num_returns=len(pending), timeout=1.0)
            for ref in ready:
                i = pending.pop(ref)
                try:
                    done = Done(jobs[i], value=ray.get(ref), attempts=attempts[i])
                except ray.exceptions.RayTaskError as exc:  # the job itself raised: it would raise again
                    cause = exc.cause if exc.cause is not None else exc
                    done = Done(jobs[i], error=f"{type(cause).__name__}: {cause}", attempts=attempts[i])
                except ray.exceptions.RayError as exc:  # the worker or its node died: run it again
                    attempts[i].append(lost(exc))
                    if len(attempts[i]) <= retries:
                        pending[remote.remote(jobs[i].function, jobs[i].args)] = i
                        continue
                    done = Done(jobs[i], error=f"lost {len(attempts[i])} times (the last: {attempts[i][-1]})",
                                attempts=attempts[i])
                ends[i] = done
                if on_done is not None:
                    on_done(done)
        return [d for d in ends if d is not None]
    finally:
        if started_here:
            ray.shutdown()


def connect(ray: Any, address: str, cpus: int | None) -> None:
    """A local Ray started for these jobs, or the cluster at `address`. A cluster's workers get
    the current directory as their working directory (Ray's runtime_env `working_dir`), so that
    task and axiom files named by relative paths read the same on every node."""
    quiet = {"log_to_driver": False, "logging_level": "ERROR"}
    if address == LOCAL:
        # Ray starts its workers at niceness 15; these jobs are the work the user asked for, and
        # beside any other load they would wait (measured: a 2 s run took 51 s beside a busy core).
        os.environ.setdefault("RAY_worker_niceness", "0")
        ray.init(num_cpus=cpus or os.cpu_count() or 1, include_dashboard=False, **quiet)
    else:
        ray.init(address=address, runtime_env={"working_dir": os.getcwd()}, **quiet)


def lost(exc: Exception) -> str:
    """Why an attempt did not return, in one line."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def ray_address_given(argv: list[str]) -> list[str]:
    """`argv` with "local" after a bare `--ray`: `--ray` takes an optional address, which the
    command-line libraries cannot say, so a `--ray` followed by nothing, by an option or by a
    word that is not an address (`auto`, `local`, HOST:PORT, ray://HOST:PORT) gets "local"."""
    out = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg == "--ray":
            following = argv[i + 1] if i + 1 < len(argv) else None
            if following is None or not (following in ("auto", LOCAL) or ":" in following):
                out.append(LOCAL)
    return out


__all__ = ["Job", "Done", "run_jobs", "values", "LOCAL", "import_ray", "ray_address_given"]
