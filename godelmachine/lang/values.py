"""Values of the machine language, their limits, and the internal signals of a run.

| value     | Python representation                        | printed as            |
| --------- | -------------------------------------------- | --------------------- |
| integer   | `int` in [INT_MIN, INT_MAX]; outside it traps | `42`, `-7`            |
| boolean   | `bool`                                        | `#t`, `#f`            |
| 32-bit word | `Word` (bits in [0, 2^32))                  | `#x0000ffff`          |
| symbol    | `str`                                         | `foo`, `|two words|`  |
| list      | `Pair` cells ending in `NIL`, immutable       | `(1 2 3)`             |
| procedure | `Procedure` (a closure or a top-level function) | `#<procedure f>`    |
| program   | `godelmachine.lang.program.Program`           | `#<program 3 definitions>` |

Lists are proper, immutable cons lists. Every list knows its length and its size (the number
of nodes of the tree it spans, atoms included) so that the value-size limit is checked in
constant time when a list is built.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from godelmachine.errors import Pos

INT_BITS = 64
INT_MIN = -(2 ** (INT_BITS - 1))
INT_MAX = 2 ** (INT_BITS - 1) - 1
WORD_BITS = 32
WORD_MASK = 2**WORD_BITS - 1

# Limits that no program can exceed; each is a trap (a value-level outcome), never a crash.
MAX_VALUE_SIZE = 1_000_000  # nodes in one value (list tree)
MAX_CALL_DEPTH = 4_000  # nested calls of functions and closures
MAX_NESTING = 100  # nesting of parentheses in one source form or built expression
DEFAULT_BUDGET = 10_000_000  # steps, when the caller names none


class Word:
    """A 32-bit machine word; arithmetic on words wraps modulo 2^32."""

    __slots__ = ("bits",)

    def __init__(self, bits: int) -> None:
        self.bits = bits & WORD_MASK

    def __eq__(self, other: object) -> bool:
        return type(other) is Word and other.bits == self.bits

    def __hash__(self) -> int:
        return hash(("word", self.bits))

    def __repr__(self) -> str:
        return f"#x{self.bits:08x}"

    def signed(self) -> int:
        return self.bits - (1 << WORD_BITS) if self.bits >> (WORD_BITS - 1) else self.bits


class Nil:
    """The empty list (one instance, `NIL`)."""

    __slots__ = ()
    length = 0
    size = 1

    def __iter__(self):
        return iter(())

    def __repr__(self) -> str:
        return "()"


NIL = Nil()


class Pair:
    """A cons cell of a proper list: `head` is any value, `tail` is a list."""

    __slots__ = ("head", "tail", "length", "size")

    def __init__(self, head: Any, tail: "Pair | Nil") -> None:
        size = tail.size + (head.size if type(head) is Pair or type(head) is Nil else 1)
        if size > MAX_VALUE_SIZE:
            raise Trap("value-too-large", f"a list would exceed {MAX_VALUE_SIZE} nodes")
        self.head = head
        self.tail = tail
        self.length = tail.length + 1
        self.size = size

    def __iter__(self):
        cell: Pair | Nil = self
        while type(cell) is Pair:
            yield cell.head
            cell = cell.tail

    def __eq__(self, other: object) -> bool:
        return type(other) is Pair and values_equal(self, other)

    def __hash__(self) -> int:
        return hash((self.length, self.size))

    def __repr__(self) -> str:
        return show(self)


class Procedure:
    """A callable value: `arity` arguments. Subclassed by each evaluator."""

    __slots__ = ("name", "arity")

    def __init__(self, name: str, arity: int) -> None:
        self.name = name
        self.arity = arity

    def __repr__(self) -> str:
        return f"#<procedure {self.name}>"


class Trap(Exception):
    """Raised inside an evaluator when the program traps; becomes an `Outcome`."""

    def __init__(self, reason: str, detail: str = "", pos: Pos | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason
        self.pos = pos


class OutOfSteps(Exception):
    """Raised inside an evaluator when the step budget is spent; becomes an `Outcome`."""


LIMIT_TRAPS = frozenset({"depth-exceeded", "value-too-large"})


def make_list(items: Iterable[Any]) -> Pair | Nil:
    result: Pair | Nil = NIL
    for item in reversed(list(items)):
        result = Pair(item, result)
    return result


def value_size(value: Any) -> int:
    return value.size if type(value) is Pair or type(value) is Nil else 1


def is_list(value: Any) -> bool:
    return type(value) is Pair or type(value) is Nil


def values_equal(a: Any, b: Any) -> bool:
    """Structural equality; iterative so that long lists cannot exhaust the Python stack."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if type(x) is Pair:
            if x is y:
                continue
            if x.length != y.length or x.size != y.size:
                return False
            stack.extend(zip(x, y))
        elif type(x) is Nil:
            continue
        elif x is not y and x != y:
            return False
    return True


TYPE_NAMES: dict[type, str] = {int: "int", bool: "bool", Word: "word", str: "symbol", Pair: "list", Nil: "list"}


def type_name(value: Any) -> str:
    name = TYPE_NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, Procedure):
        return "procedure"
    return "program" if type(value).__name__ == "Program" else "unknown"


# --- atoms as text, both ways ----------------------------------------------------------
# The reader reads an atom with classify_atom_text; the printer writes a symbol bare only if
# classify_atom_text reads it back as that symbol. One definition here serves both.

_INT = re.compile(r"[+-]?[0-9]+")
_HEX = re.compile(r"#x([0-9a-fA-F]+)")
_BIN = re.compile(r"#b([01]+)")


def classify_atom_text(text: str) -> Any:
    """The value an atom's text denotes; ValueError (with the reason) if it denotes none."""
    if text == "#t":
        return True
    if text == "#f":
        return False
    if m := _HEX.fullmatch(text):
        if len(m.group(1)) > 8:
            raise ValueError("a word literal has at most 8 hex digits (32 bits)")
        return Word(int(m.group(1), 16))
    if m := _BIN.fullmatch(text):
        if len(m.group(1)) > 32:
            raise ValueError("a word literal has at most 32 binary digits")
        return Word(int(m.group(1), 2))
    if text.startswith("#"):
        raise ValueError(f"unknown literal {text!r}: expected #t, #f, #x<hex> or #b<binary>")
    if _INT.fullmatch(text):
        # more than 19 digits is out of range: no need to convert (Python refuses 4,300 or more)
        value = int(text) if len(text.lstrip("+-").lstrip("0")) <= 19 else INT_MAX + 1
        if not INT_MIN <= value <= INT_MAX:
            shown = text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"
            raise ValueError(f"integer literal {shown} is outside the integer range [{INT_MIN}, {INT_MAX}]")
        return value
    if text[0].isdigit() or (len(text) > 1 and text[0] in "+-" and text[1].isdigit()):
        raise ValueError(f"malformed number {text!r}")
    return text


_SYMBOL_SPECIAL = set("()';|\" \t\n\r")


def show_symbol(name: str) -> str:
    """A symbol as the reader would read it back: bare when it can be, else `|...|`.

    Inside bars, a backslash escapes `|`, `\\` and a newline (`\\n`).
    """
    if (name and name.isprintable() and not any(c.isspace() for c in name)
            and not (_SYMBOL_SPECIAL & set(name)) and not _reads_as_other_atom(name)):
        return name
    escaped = name.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")
    return f"|{escaped}|"


def _reads_as_other_atom(name: str) -> bool:
    try:
        return type(classify_atom_text(name)) is not str
    except ValueError:
        return True


def show(value: Any) -> str:
    """The printed form of a value; data values print as the reader reads them back."""
    out: list[str] = []
    # Iterators on an explicit stack: deeply nested lists must not exhaust the Python stack.
    stack: list[Any] = [iter((value,))]
    first = [True]
    while stack:
        for v in stack[-1]:
            if not first[-1]:
                out.append(" ")
            first[-1] = False
            if type(v) is Pair:
                out.append("(")
                stack.append(iter(v))
                first.append(True)
                break
            out.append(_show_atom(v))
        else:
            stack.pop()
            first.pop()
            if stack:
                out.append(")")
    return "".join(out)


def _show_atom(v: Any) -> str:
    if v is True:
        return "#t"
    if v is False:
        return "#f"
    if type(v) is int:
        return str(v)
    if type(v) is str:
        return show_symbol(v)
    if type(v) is Nil:
        return "()"
    return repr(v)
