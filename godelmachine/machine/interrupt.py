"""Ctrl-C during a run: the first SIGINT stops the run at its next clean point, a second exits at once.

The run is deterministic and its log is its own checkpoint (docs/log.md), so a stop is clean
when everything on disk is what the uninterrupted run writes up to that point: then
`run --resume` re-executes the run, finds the same records and carries on, and the log ends
byte-identical to an uninterrupted one. Three things make that so:

- Z3 never sees the signal. By default Z3 takes SIGINT as a request to cancel the query in
  hand and answers `unknown`, which the machine would log as a refusal and go on down another
  path. `godelmachine.logic.smt` turns Z3's handler off (`z3.set_param('ctrl_c', False)`): a
  query runs to its own end, which its rlimit bounds.
- The first Ctrl-C only sets a flag (`StopRequest`) and says so; the computation does not
  change. The machine looks at the flag at clean points and raises `Interrupted` there: at the
  top of the main loop (between solver instances, technique trials and idle time), and at
  every charge of steps inside a technique trial (`TrialEvaluator`, which the machine hands
  the proof searcher to run its trials with), so that a long trial stops too, right after the
  Z3 query it is in. A trial writes no record: a stop inside one drops the trial, and the
  answer of that query, unlogged.
- Records are written whole, flushed and synced as before; a stop writes nothing more.

A solver instance is not stopped inside: it runs to its end (at most the lifetime; the solvers
of the built-in tasks take microseconds). The second Ctrl-C exits at once with code 130, even
in the middle of a Z3 query: the records written so far are whole and synced, and a record cut
in the middle is a torn last line, which `run --resume` drops.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from godelmachine.lang.interpreter import Evaluator
from godelmachine.lang.values import OutOfSteps
from godelmachine.search.clock import Clock

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a process that SIGINT ended


class StopRequest:
    """Set by the first Ctrl-C; the machine stops at its next clean point when it is set."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False


class Interrupted(BaseException):
    """The run stopped at a clean point because a stop was requested: everything in its log is
    what the uninterrupted run writes, and `run --resume` continues it. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` on the way turns it into an answer."""

    def __init__(self, clock: int) -> None:
        super().__init__(f"interrupted at clock {clock}")
        self.clock = clock


class TrialEvaluator(Evaluator):
    """The evaluator of one technique trial: each charge of steps is also a clean point."""

    def __init__(self, program: Any, budget: int, stop: StopRequest, clock: Clock) -> None:
        super().__init__(program, budget)
        self.stop = stop
        self.clock = clock  # the machine's, which reads this trial's steps while it runs

    def charge(self, n: int) -> None:
        if self.stop.requested:
            raise Interrupted(self.clock.now)
        self.steps += n  # Evaluator.charge, inlined: this runs at every step of a trial
        if self.steps > self.budget:
            self.steps = self.budget
            raise OutOfSteps()


@contextmanager
def sigint_stops(stop: StopRequest) -> Iterator[StopRequest]:
    """While inside: the first SIGINT sets `stop`, the second exits the process at once (130).

    Python runs a signal handler only in the main thread, between bytecodes: not while Z3 works
    on a query. So the signals are counted by a watcher thread instead, woken through Python's
    wakeup fd (written by its C-level handler the moment a signal arrives), which says at once
    that the run is stopping, and exits at once on the second Ctrl-C, even in the middle of a
    query (Z3 releases the GIL while it works). The Python-level handler does nothing but keep
    KeyboardInterrupt from being raised. Outside the main thread nothing changes."""
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    except ValueError:  # not the main thread: Python cannot install a handler
        yield stop
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def watch() -> None:
        while True:
            try:
                signals = os.read(read_end, 64)
            except OSError:
                return
            if not signals:  # the write end was closed: the run is over
                return
            for number in signals:
                if number != signal.SIGINT:
                    continue
                if stop.requested:
                    if sys.stdout.isatty():
                        os.write(1, b"\x1b[?25h")  # the live display hid the cursor
                    os.write(2, b"\ninterrupted again: exiting at once (every whole record is on disk)\n")
                    os._exit(EXIT_INTERRUPTED)
                stop.requested = True
                os.write(2, b"\nstopping at the next clean point (Ctrl-C again to exit at once)\n")

    watcher = threading.Thread(target=watch, name="sigint-watcher", daemon=True)
    watcher.start()
    try:
        yield stop
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous)
        os.close(write_end)
        watcher.join()
        os.close(read_end)


__all__ = ["StopRequest", "Interrupted", "TrialEvaluator", "sigint_stops", "EXIT_INTERRUPTED"]
