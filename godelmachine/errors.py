"""The three kinds of failure, each with its own exception class and exit code.

- `UserError`: the input is wrong (a malformed program, an unknown task, a bad option). It
  names the file, line and column and prints like a compiler message, with a caret.
- `TrapError`: a program of the machine language trapped (integer overflow, division by
  zero, a type error, a resource limit). Inside the interpreter a trap is an *outcome*; this
  class is how the command line reports one.
- `InternalError`: a bug in godelmachine itself.

Exit codes (documented in the README): 0 success, 1 trap, 2 user error, 3 budget or resource
limit reached, 70 internal error; 130 for Ctrl-C (godelmachine/machine/interrupt.py).
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_TRAP = 1
EXIT_USER_ERROR = 2
EXIT_LIMIT = 3
EXIT_JOBS_FAILED = 4  # `sweep`: some jobs failed (each is listed; the others' logs are kept)
EXIT_INTERNAL = 70

# The text of every source read so far, so that a message can quote the offending line.
_SOURCES: dict[str, str] = {}


def remember_source(name: str, text: str) -> None:
    _SOURCES[name] = text


@dataclass(frozen=True, slots=True)
class Pos:
    """A position in a named source: 1-based line and column."""

    source: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.col}"


QUOTED_WIDTH = 1_000  # characters of the source line quoted on each side of the spot, at most


def format_message(pos: Pos | None, kind: str, message: str) -> str:
    """`file:line:col: kind: message`, then the source line and a caret under the spot.

    Lines are counted at "\\n" only, as the readers count them (a form feed or U+2028 inside
    a line does not start a new one); a long line is quoted around the spot only."""
    if pos is None:
        return f"{kind}: {message}"
    head = f"{pos}: {kind}: {message}"
    text = _SOURCES.get(pos.source)
    if text is None:
        return head
    lines = text.split("\n")
    if not 1 <= pos.line <= len(lines):
        return head
    line = "".join(c if c.isprintable() else " " for c in lines[pos.line - 1].rstrip("\r"))
    start, end = max(0, pos.col - 1 - QUOTED_WIDTH), pos.col - 1 + QUOTED_WIDTH
    before, after = ("..." if start else ""), ("..." if len(line) > end else "")
    return f"{head}\n  {before}{line[start:end]}{after}\n  {' ' * (pos.col - 1 - start + len(before))}^"


class GMError(Exception):
    exit_code = EXIT_INTERNAL
    kind = "error"

    def __init__(self, message: str, pos: Pos | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos

    def render(self) -> str:
        return format_message(self.pos, self.kind, self.message)


class UserError(GMError):
    """Bad input from the user: a file, an option, a name. Always positioned when it can be."""

    exit_code = EXIT_USER_ERROR


class TrapError(GMError):
    """A program trapped; `reason` is the trap's symbol (for example `int-overflow`)."""

    exit_code = EXIT_TRAP
    kind = "trap"

    def __init__(self, reason: str, message: str, pos: Pos | None = None, limit: bool = False):
        super().__init__(message, pos)
        self.reason = reason
        if limit:
            self.exit_code = EXIT_LIMIT


class InternalError(GMError):
    """A bug in godelmachine: never the user's fault."""

    exit_code = EXIT_INTERNAL
    kind = "internal error"
