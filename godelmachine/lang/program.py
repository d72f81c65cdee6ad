"""Programs: named definitions, as immutable values that a running program can read and build.

A `Program` is both the Python API the machine uses for switchprogs (`lookup`, `replace`,
`add` return new programs) and a value of the machine language (`current-program`,
`program-get`, `program-set`, `program-add`, `run-bounded`). Every program is well-formed:
all of its definitions are analyzed against each other and against its primitive table when
it is made, so a switch can never install code that does not parse.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

from godelmachine.errors import UserError
from godelmachine.lang.primitives import BASE, PrimitiveTable, ProgramValue
from godelmachine.lang.printer import pretty_program
from godelmachine.lang.reader import SNode, from_value, read
from godelmachine.lang.syntax import SPECIAL_FORMS, Definition, analyze_definition, definition_header
from godelmachine.lang.values import MAX_VALUE_SIZE, Trap, show, value_size


class Program(ProgramValue):
    __slots__ = ("_defs", "prims", "_digest", "size", "_compiled")

    def __init__(self, definitions: Iterable[Definition], prims: PrimitiveTable = BASE) -> None:
        self._defs: dict[str, Definition] = {d.name: d for d in definitions}
        self.prims = prims
        self.size = sum(value_size(d.code) for d in self._defs.values())
        self._digest: str | None = None
        self._compiled: Any = None  # the fast path's compiled modules, made on first use

    # --- making programs ----------------------------------------------------------------

    @classmethod
    def from_source(cls, text: str, source: str = "<input>", prims: PrimitiveTable = BASE) -> "Program":
        return cls.from_nodes(read(text, source), prims)

    @classmethod
    def from_nodes(cls, nodes: Iterable[SNode], prims: PrimitiveTable = BASE) -> "Program":
        nodes = tuple(nodes)
        arities: dict[str, int] = {}
        for node in nodes:
            name, params, pos = definition_header(node)
            if name in arities:
                raise UserError(f"{name!r} is defined twice", node.pos)
            if name in prims or name in SPECIAL_FORMS:
                raise UserError(f"{name!r} is a primitive and cannot be redefined", pos)
            for param, param_node in zip(params, node.items[1].items[1:]):  # as let and lambda refuse it
                if param in prims:
                    raise UserError(f"{param!r} is a primitive and cannot be rebound", param_node.pos)
            arities[name] = len(params)
        return cls((analyze_definition(node, arities, prims) for node in nodes), prims)

    # --- the Python API -------------------------------------------------------------------

    def names(self) -> tuple[str, ...]:
        return tuple(self._defs)

    def __contains__(self, name: str) -> bool:
        return name in self._defs

    def lookup(self, name: str) -> Definition:
        try:
            return self._defs[name]
        except KeyError:
            raise UserError(f"the program has no definition named {name!r}") from None

    def definitions(self) -> tuple[Definition, ...]:
        return tuple(self._defs.values())

    def replace(self, code: str | SNode) -> "Program":
        """A new program in which the definition named by `code` is replaced by it."""
        node = _one_node(code)
        name = definition_header(node)[0]
        if name not in self._defs:
            raise UserError(f"the program has no definition named {name!r} to replace", node.pos)
        return self._with(name, node)

    def add(self, code: str | SNode) -> "Program":
        """A new program with one more definition."""
        node = _one_node(code)
        name = definition_header(node)[0]
        if name in self._defs:
            raise UserError(f"the program already defines {name!r}", node.pos)
        return self._with(name, node)

    def with_prims(self, prims: PrimitiveTable) -> "Program":
        return Program.from_nodes((from_value(d.code) for d in self._defs.values()), prims)

    def _with(self, name: str, node: SNode) -> "Program":
        nodes = [from_value(d.code) if n != name else node for n, d in self._defs.items()]
        if name not in self._defs:
            nodes.append(node)
        return Program.from_nodes(nodes, self.prims)

    def source(self) -> str:
        """The program as pretty-printed source text (reads back to the same program)."""
        return pretty_program([d.code for d in self._defs.values()])

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical text: one line per definition, in order."""
        if self._digest is None:
            text = "\n".join(show(d.code) for d in self._defs.values())
            self._digest = hashlib.sha256(text.encode()).hexdigest()
        return self._digest

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Program) and other.digest == self.digest and other.prims == self.prims

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return f"#<program {len(self._defs)} definitions>"

    # --- the language's primitives (trap, never raise UserError) ---------------------------

    def get_code(self, name: str) -> Any:
        if name not in self._defs:
            raise Trap("no-such-definition", f"no definition named {name!r}")
        return self._defs[name].code

    def set_code(self, code: Any) -> "Program":
        return self._built(code, must_exist=True)

    def add_code(self, code: Any) -> "Program":
        return self._built(code, must_exist=False)

    def _built(self, code: Any, must_exist: bool) -> "Program":
        try:
            node = from_value(code)
            name = definition_header(node)[0]
        except (ValueError, UserError) as exc:
            raise Trap("ill-formed-code", getattr(exc, "message", str(exc))) from None
        if must_exist and name not in self._defs:
            raise Trap("no-such-definition", f"no definition named {name!r}")
        if not must_exist and name in self._defs:
            raise Trap("ill-formed-code", f"{name!r} is already defined")
        if self.size - (value_size(self._defs[name].code) if name in self._defs else 0) + value_size(code) > MAX_VALUE_SIZE:
            raise Trap("value-too-large", f"a program would exceed {MAX_VALUE_SIZE} nodes")
        try:
            return self._with(name, node)
        except UserError as exc:
            raise Trap("ill-formed-code", exc.message) from None


def _one_node(code: str | SNode) -> SNode:
    if not isinstance(code, str):
        return code
    nodes = read(code, "<switchprog>")
    if len(nodes) != 1:
        raise UserError(f"expected exactly one definition, got {len(nodes)}")
    return nodes[0]
