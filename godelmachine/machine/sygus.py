"""SyGuS-IF 2.1 problems read as tasks (`godelmachine run FILE.sl`, `load_task`).

Supported: a problem whose specification is a reference function. `set-logic` BV, LIA or
their combination (BV, QF_BV, LIA, QF_LIA, BVLIA, ALL; any `set-option` and `set-info` are
read past); `define-fun` for the reference and its helpers; one `synth-fun` over 32-bit
vectors, integers and booleans, with or without a grammar (a grammar restricts the rewrites:
godelmachine/machine/sygus_grammar.py); `declare-var`; one `constraint`
`(= (f x ...) (ref x ...))` (either side) over distinct declared variables; `check-synth`.

The task it makes: instances are uniform over the variables' sorts, in the order `f` takes
them (a 32-bit vector uniform over all words, a boolean #t or #f with probability 1/2 each, an
integer uniform over [-1000, 1000] unless a `; godelmachine: int-range LO HI` comment says
otherwise); the initial solver is the reference translated into the machine language; the
reward rule pays 1 for an answer equal to the reference's. The lifetime is 5,000,000 steps and
the search share 1/2 unless `; godelmachine: lifetime N` or `; godelmachine: search-share P Q`
say otherwise; the techniques are the default set.

SMT-LIB semantics are kept exactly: `bvudiv` by zero is all ones and `bvurem` by zero is the
dividend, a shift by the width or more gives 0 (`bvashr`: the sign), `bvugt` and the other
mirrored comparisons swap their arguments, `let` binds in parallel, `div` and `mod` are
Euclidean (as the machine's are). Inside a reference, vectors narrower than 32 bits
(`bvredor`'s 1-bit result, `extract`, `concat`, the extensions) and the operations SMT-LIB
defines from others (`bvsdiv`, `bvsrem`, `bvsmod`, `bvnand`, `bvcomp`, ...) are read as
godelmachine/machine/sygus_bitvectors.py says; `bv2nat` and `int2bv` convert. Anything else
(another logic, a width above 32 or an interface other than 32-bit vectors, integers and
booleans, several functions or constraints, an operation outside those lists) gets an error at
its position that says what is supported. tests/test_sygus.py checks the translation against
Z3's evaluation of the reference on 1,000 inputs per problem.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable

from godelmachine.errors import Pos, UserError
from godelmachine.lang.primitives import BASE
from godelmachine.lang.program import Program
from godelmachine.lang.reader import SAtom, SList, SNode
from godelmachine.lang.syntax import SPECIAL_FORMS, Call, If, Let, Lit, PrimCall, Var
from godelmachine.lang.values import Word
from godelmachine.logic.smtlib import read_sexprs, symbol_of
from godelmachine.machine.sygus_bitvectors import EXPANSIONS, NARROW, indexed, masked, sort_of_width, width_of

LOGICS = frozenset({"BV", "QF_BV", "LIA", "QF_LIA", "BVLIA", "QF_BVLIA", "ALL"})
DEFAULT_LIFETIME = 5_000_000
DEFAULT_SHARE = Fraction(1, 2)
DEFAULT_INT_RANGE = (-1000, 1000)
WIDTH = 32
SUPPORTED = ("supported: SyGuS-IF 2.1 with logic BV, LIA or both, define-fun references, one synth-fun "
             "over (_ BitVec 32), Int and Bool with or without a grammar, declare-var, one constraint "
             "(= (f x ...) (ref x ...)), check-synth")


# --- S-expressions: the axiom files' SMT-LIB reader (godelmachine/logic/smtlib.py) ----------


def _atom(e: SNode, kind: str) -> str | None:
    """The text of an atom of `kind` (num, hex, bin, sym, ...), else None."""
    return e.value.text if type(e) is SAtom and e.value.kind == kind else None


# --- sorts and terms ----------------------------------------------------------------------


def sort_of(e: SNode) -> str:
    """A SyGuS sort as a machine type: word (32 bits), bvN (a narrower vector, held in a word:
    godelmachine/machine/sygus_bitvectors.py), int or bool."""
    if symbol_of(e) == "Int":
        return "int"
    if symbol_of(e) == "Bool":
        return "bool"
    if type(e) is SList and len(e.items) == 3 and symbol_of(e.items[0]) == "_" and symbol_of(e.items[1]) == "BitVec":
        digits = _atom(e.items[2], "num")
        if digits is not None and 1 <= int(digits) <= WIDTH:
            return sort_of_width(int(digits))
        raise UserError(f"bit-vectors of width {digits or '?'}: only widths 1 to 32 are supported", e.pos)
    raise UserError("unsupported sort: expected (_ BitVec N), Int or Bool", e.pos)


def interface_sort(e: SNode) -> str:
    """The sort of a parameter or result of the function to synthesize, or of a variable: a
    narrower vector is refused there (an instance's words are 32 bits)."""
    sort = sort_of(e)
    if sort.startswith("bv"):
        raise UserError(f"bit-vectors of width {sort[2:]}: only (_ BitVec 32) is supported for the function to "
                        "synthesize and its variables", e.pos)
    return sort


def word_literal(bits: int) -> str:
    return f"#x{bits & 0xFFFFFFFF:08x}"


Emit = Callable[[list[str]], str]


@dataclass(frozen=True)
class Operation:
    args: tuple[str, ...] | str  # the argument types, or one type for any number (two or more)
    result: str
    emit: Emit
    simple: bool = True  # every argument used once (else arguments that are not atoms are bound by let)


def _chain(op: str) -> Emit:
    return lambda a: a[0] if len(a) == 1 else f"({op} {_chain(op)(a[:-1])} {a[-1]})"


def _guarded_shift(op: str, beyond: Callable[[str], str]) -> Emit:
    return lambda a: f"(if (wult {a[1]} #x00000020) ({op} {a[0]} (word->int {a[1]})) {beyond(a[0])})"


OPERATIONS: dict[str, Operation] = {
    "bvadd": Operation("word", "word", _chain("w+")),
    "bvsub": Operation(("word", "word"), "word", _chain("w-")),
    "bvmul": Operation("word", "word", _chain("w*")),
    "bvand": Operation("word", "word", _chain("wand")),
    "bvor": Operation("word", "word", _chain("wor")),
    "bvxor": Operation("word", "word", _chain("wxor")),
    "bvnot": Operation(("word",), "word", lambda a: f"(wnot {a[0]})"),
    "bvneg": Operation(("word",), "word", lambda a: f"(wneg {a[0]})"),
    "bvudiv": Operation(("word", "word"), "word",
                        lambda a: f"(if (= {a[1]} #x00000000) #xffffffff (wudiv {a[0]} {a[1]}))", simple=False),
    "bvurem": Operation(("word", "word"), "word",
                        lambda a: f"(if (= {a[1]} #x00000000) {a[0]} (wurem {a[0]} {a[1]}))", simple=False),
    "bvshl": Operation(("word", "word"), "word", _guarded_shift("wshl", lambda a: "#x00000000"), simple=False),
    "bvlshr": Operation(("word", "word"), "word", _guarded_shift("wshr", lambda a: "#x00000000"), simple=False),
    "bvashr": Operation(("word", "word"), "word", _guarded_shift("wsar", lambda a: f"(wsar {a} 31)"), simple=False),
    "bvult": Operation(("word", "word"), "bool", lambda a: f"(wult {a[0]} {a[1]})"),
    "bvule": Operation(("word", "word"), "bool", lambda a: f"(wule {a[0]} {a[1]})"),
    "bvslt": Operation(("word", "word"), "bool", lambda a: f"(wslt {a[0]} {a[1]})"),
    "bvsle": Operation(("word", "word"), "bool", lambda a: f"(wsle {a[0]} {a[1]})"),
    "bvugt": Operation(("word", "word"), "bool", lambda a: f"(wult {a[1]} {a[0]})"),
    "bvuge": Operation(("word", "word"), "bool", lambda a: f"(wule {a[1]} {a[0]})"),
    "bvsgt": Operation(("word", "word"), "bool", lambda a: f"(wslt {a[1]} {a[0]})"),
    "bvsge": Operation(("word", "word"), "bool", lambda a: f"(wsle {a[1]} {a[0]})"),
    "+": Operation("int", "int", _chain("+")),
    "*": Operation("int", "int", _chain("*")),
    "div": Operation(("int", "int"), "int", lambda a: f"(div {a[0]} {a[1]})"),
    "mod": Operation(("int", "int"), "int", lambda a: f"(mod {a[0]} {a[1]})"),
    "abs": Operation(("int",), "int", lambda a: f"(abs {a[0]})"),
    "<": Operation(("int", "int"), "bool", lambda a: f"(< {a[0]} {a[1]})"),
    "<=": Operation(("int", "int"), "bool", lambda a: f"(<= {a[0]} {a[1]})"),
    ">": Operation(("int", "int"), "bool", lambda a: f"(> {a[0]} {a[1]})"),
    ">=": Operation(("int", "int"), "bool", lambda a: f"(>= {a[0]} {a[1]})"),
    "not": Operation(("bool",), "bool", lambda a: f"(not {a[0]})"),
    "and": Operation("bool", "bool", lambda a: f"(and {' '.join(a)})"),
    "or": Operation("bool", "bool", lambda a: f"(or {' '.join(a)})"),
    "=>": Operation(("bool", "bool"), "bool", lambda a: f"(or (not {a[0]}) {a[1]})"),
    "xor": Operation(("bool", "bool"), "bool", lambda a: f"(not (= {a[0]} {a[1]}))"),
}
POLYMORPHIC = ("=", "distinct", "ite", "-")  # typed by their arguments


OPERATION_NAMES = ", ".join([*OPERATIONS, *POLYMORPHIC, *EXPANSIONS, "concat", "bv2nat", "(_ extract i j)",
                             "(_ zero_extend k)", "(_ sign_extend k)", "(_ rotate_left k)", "(_ rotate_right k)",
                             "(_ int2bv n)"])


@dataclass
class Function:
    name: str  # the SyGuS name
    machine: str  # its name in the machine language
    params: list[tuple[str, str]]  # (SyGuS name, type)
    result: str
    body: SNode | None  # None for the function to synthesize
    pos: Pos


class Translator:
    """SyGuS terms to machine-language text, typed as they go; a term outside the supported
    operations gets a positioned error."""

    def __init__(self, functions: dict[str, Function], hoist: int | None = None) -> None:
        self.functions = functions
        self.fresh = itertools.count(1)
        # With `hoist`, a term `hoist` levels inside a definition becomes a helper of its own
        # (`sygus-part-N`, over the bound names it uses): the machine language nests at most
        # MAX_NESTING levels, and SMT-LIB's chains of lets go deeper (task_text's caller
        # tries smaller depths until the task reads).
        self.hoist = hoist
        self.depth = 0
        self.parts: list[str] = []

    def definition(self, f: Function) -> str:
        names = {p: f"{machine_name(p)}" for p, _ in f.params}
        env = {p: (names[p], t) for p, t in f.params}
        assert f.body is not None
        text, sort = self.term(f.body, env)
        if sort != f.result:
            raise UserError(f"the body of {f.name} is a {sort}, but {f.name} returns a {f.result}", f.body.pos)
        return f"(define ({f.machine} {' '.join(names[p] for p, _ in f.params)}) {text})"

    def term(self, e: SNode, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        if type(e) is SAtom:
            return self.atom(e, env)
        if self.hoist is None:
            return self.application(e, env)
        if self.depth >= self.hoist:
            return self.part(e, env)
        self.depth += 1
        try:
            return self.application(e, env)
        finally:
            self.depth -= 1

    def part(self, e: SList, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        """`e` as a call of a new helper whose parameters are the bound names it uses."""
        outer, self.depth = self.depth, 0
        try:
            text, sort = self.application(e, env)
        finally:
            self.depth = outer
        used = set(re.findall(r"[^\s()]+", text))
        params = sorted({name for name, _ in env.values() if name in used})
        name = f"sygus-part-{len(self.parts) + 1}"
        self.parts.append(f"(define ({name} {' '.join(params)}) {text})")
        return f"({name} {' '.join(params)})", sort

    def application(self, e: SList, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        if not e.items:
            raise UserError("an empty application", e.pos)
        head = e.items[0]
        if type(head) is SList:
            return self.indexed_operation(head, e, env)
        name = symbol_of(head)
        args = e.items[1:]
        if name == "_":
            return self.indexed_constant(e)
        if name == "let":
            return self.let(e, env)
        if name in self.functions:
            return self.call(self.functions[name], e, env)
        typed = [self.term(a, env) for a in args]
        sorts = [s for _, s in typed]
        texts = [t for t, _ in typed]
        if name in POLYMORPHIC:
            return self.polymorphic(name or "", e, texts, sorts)
        if name in EXPANSIONS or name in ("concat", "bv2nat") or (
                name in NARROW and sorts and width_of(sorts[0]) not in (None, WIDTH)):
            return self.bitvector(name or "", e, texts, sorts)
        if name not in OPERATIONS:
            raise UserError(f"unsupported operation {name!r}; {SUPPORTED}; operations: {OPERATION_NAMES}", head.pos)
        op = OPERATIONS[name]
        wanted = op.args if isinstance(op.args, tuple) else (op.args,) * max(2, len(args))
        if len(args) != len(wanted) or (isinstance(op.args, str) and len(args) < 2):
            raise UserError(f"{name} takes {len(wanted) if isinstance(op.args, tuple) else 'two or more'} "
                            f"argument(s), got {len(args)}", e.pos)
        for arg, sort, want in zip(args, sorts, wanted):
            if sort != want:
                raise UserError(f"{name} takes {sort_name(want)}, got {sort_name(sort)}", arg.pos)
        if not op.simple:
            return self.bound(texts, op.emit), op.result
        return op.emit(texts), op.result

    def bitvector(self, name: str, e: SList, texts: list[str], sorts: list[str]) -> tuple[str, str]:
        """An operation on vectors narrower than 32 bits, `concat`, `bv2nat`, or one SMT-LIB
        defines from others (godelmachine/machine/sygus_bitvectors.py)."""
        widths = [width_of(s) for s in sorts]
        if not texts or None in widths:
            raise UserError(f"{name} takes bit-vectors", e.pos)
        w = widths[0] or WIDTH
        if name == "bv2nat":
            if len(texts) != 1:
                raise UserError("bv2nat takes one bit-vector", e.pos)
            return f"(word->int {texts[0]})", "int"
        if name == "concat":
            low = widths[1] if len(widths) == 2 else None
            if low is None or w + low > WIDTH:
                raise UserError("concat of two bit-vectors of at most 32 bits together is supported", e.pos)
            return self.bound(texts, lambda a: f"(wor (wshl {a[0]} {low}) {a[1]})"), sort_of_width(w + low)
        if len(set(widths)) != 1:
            raise UserError(f"{name} takes bit-vectors of one width, got {', '.join(sort_name(s) for s in sorts)}", e.pos)
        if name in EXPANSIONS:
            arity, template = EXPANSIONS[name]
            if len(texts) != arity:
                raise UserError(f"{name} takes {arity} argument(s), got {len(texts)}", e.pos)
            (definition,) = read_sexprs(template.format(zero=f"(_ bv0 {w})"), f"<SMT-LIB's definition of {name}>")
            names = [f"sygus-{next(self.fresh)}" for _ in texts]
            body, sort = self.term(definition, {v: (n, s) for v, n, s in zip("ab", names, sorts)})
            bindings = " ".join(f"({n} {t})" for n, t in zip(names, texts))
            return f"(let ({bindings}) {body})", sort
        arity, result, emit = NARROW[name]
        if (arity is not None and len(texts) != arity) or (arity is None and len(texts) < 2):
            raise UserError(f"{name} takes {arity or 'two or more'} argument(s), got {len(texts)}", e.pos)
        return self.bound(texts, lambda a: emit(a, w)), (sorts[0] if result == "same" else result)

    def indexed_operation(self, head: SList, e: SList, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        """((_ extract i j) a), ((_ zero_extend k) a), ((_ sign_extend k) a), ((_ rotate_left
        k) a), ((_ rotate_right k) a), ((_ int2bv n) i)."""
        name = symbol_of(head.items[1]) if len(head.items) >= 3 and symbol_of(head.items[0]) == "_" else None
        indices = [_atom(i, "num") for i in head.items[2:]]
        if name is None or None in indices:
            raise UserError("expected an operation name or an indexed operation (_ name i ...)", head.pos)
        numbers = [int(i or 0) for i in indices]
        if len(e.items) != 2:
            raise UserError(f"(_ {name} ...) takes one argument", e.pos)
        text, sort = self.term(e.items[1], env)
        if name == "int2bv" and len(numbers) == 1 and 1 <= numbers[0] <= WIDTH:
            if sort != "int":
                raise UserError("int2bv takes an integer", e.items[1].pos)
            return masked(f"(word {text})", numbers[0]), sort_of_width(numbers[0])
        w = width_of(sort)
        if w is None:
            raise UserError(f"(_ {name} ...) takes a bit-vector", e.items[1].pos)
        made = ""

        def emit(a: list[str]) -> str:
            nonlocal made
            found = indexed(name or "", numbers, a[0], w)
            if isinstance(found, str):
                raise UserError(f"unsupported indexed operation {found}; supported: extract, zero_extend, "
                                "sign_extend, rotate_left, rotate_right, int2bv, within 32 bits", head.pos)
            made = sort_of_width(found[1])
            return found[0]

        return self.bound([text], emit), made

    def bound(self, texts: list[str], emit: Emit) -> str:
        """emit(texts), each argument that is not an atom bound once by let."""
        bindings, names = [], []
        for text in texts:
            if text.startswith("("):
                name = f"sygus-{next(self.fresh)}"
                bindings.append(f"({name} {text})")
                names.append(name)
            else:
                names.append(text)
        body = emit(names)
        return f"(let ({' '.join(bindings)}) {body})" if bindings else body

    def polymorphic(self, name: str, e: SList, texts: list[str], sorts: list[str]) -> tuple[str, str]:
        if name == "ite":
            if len(texts) != 3 or sorts[0] != "bool" or sorts[1] != sorts[2]:
                raise UserError("ite takes a Bool and two terms of one sort", e.pos)
            return f"(if {texts[0]} {texts[1]} {texts[2]})", sorts[1]
        if name == "-":
            if sorts and all(s == "int" for s in sorts):
                return (f"(neg {texts[0]})" if len(texts) == 1 else _chain("-")(texts)), "int"
            raise UserError("- takes integers", e.pos)
        if len(texts) < 2 or len(set(sorts)) != 1:
            raise UserError(f"{name} takes two or more terms of one sort", e.pos)
        if name == "distinct":
            if len(texts) != 2:
                raise UserError("distinct of more than two terms is not supported", e.pos)
            return f"(not (= {texts[0]} {texts[1]}))", "bool"
        if len(texts) == 2:
            return f"(= {texts[0]} {texts[1]})", "bool"
        return self.bound(texts, lambda a: f"(and {' '.join(f'(= {x} {y})' for x, y in zip(a, a[1:]))})"), "bool"

    def atom(self, e: SAtom, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        kind, text = e.value.kind, e.value.text
        if kind == "num":
            return text, "int"
        if kind in ("hex", "bin"):
            bits = (len(text) - 2) * (4 if kind == "hex" else 1)
            if not 1 <= bits <= WIDTH:
                raise UserError(f"a {bits}-bit constant: vectors of 1 to 32 bits are supported", e.pos)
            return word_literal(int(text[2:], 16 if kind == "hex" else 2)), sort_of_width(bits)
        name = symbol_of(e)
        if name in ("true", "false"):
            return ("#t" if name == "true" else "#f"), "bool"
        if name is not None and name in env:
            return env[name]
        if name is not None and name in self.functions and not self.functions[name].params:
            f = self.functions[name]
            return f"({f.machine})", f.result
        raise UserError(f"unknown name {text!r}", e.pos)

    def indexed_constant(self, e: SList) -> tuple[str, str]:
        value, width = (symbol_of(e.items[1]), _atom(e.items[2], "num")) if len(e.items) == 3 else (None, None)
        if value is not None and re.fullmatch(r"bv[0-9]+", value) and width is not None:
            if not 1 <= int(width) <= WIDTH:
                raise UserError(f"a {width}-bit constant: vectors of 1 to 32 bits are supported", e.pos)
            return word_literal(int(value[2:]) % (1 << int(width))), sort_of_width(int(width))
        raise UserError("unsupported indexed term: only (_ bvN W) constants", e.pos)

    def let(self, e: SList, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        if len(e.items) != 3 or type(e.items[1]) is not SList:
            raise UserError("expected (let ((name term) ...) body)", e.pos)
        inner = dict(env)
        bindings = []
        for b in e.items[1].items:  # parallel: every term is read in the outer scope
            if type(b) is not SList or len(b.items) != 2 or symbol_of(b.items[0]) is None:
                raise UserError("expected a binding (name term)", b.pos)
            text, sort = self.term(b.items[1], env)
            name = f"sygus-{next(self.fresh)}"
            bindings.append(f"({name} {text})")
            inner[symbol_of(b.items[0]) or ""] = (name, sort)
        body, sort = self.term(e.items[2], inner)
        return f"(let ({' '.join(bindings)}) {body})", sort

    def call(self, f: Function, e: SList, env: dict[str, tuple[str, str]]) -> tuple[str, str]:
        if f.body is None:
            raise UserError(f"{f.name}, the function to synthesize, cannot be used in a definition", e.pos)
        args = [self.term(a, env) for a in e.items[1:]]
        if len(args) != len(f.params):
            raise UserError(f"{f.name} takes {len(f.params)} argument(s), got {len(args)}", e.pos)
        for (_, sort), (_, want), arg in zip(args, f.params, e.items[1:]):
            if sort != want:
                raise UserError(f"{f.name} takes {sort_name(want)} here, got {sort_name(sort)}", arg.pos)
        return f"({f.machine}{''.join(' ' + t for t, _ in args)})", f.result


def sort_name(t: str) -> str:
    if t.startswith("bv"):
        return f"(_ BitVec {t[2:]})"
    return {"word": "(_ BitVec 32)", "int": "Int", "bool": "Bool"}[t]


RESERVED = frozenset(BASE) | SPECIAL_FORMS | {"solve", "check", "else"}


def machine_name(name: str) -> str:
    """A SyGuS symbol as a name of the machine language: kept if it is one and is not taken
    by a primitive or a form, else spelled `sygus-<letters>` with a hex code per other
    character."""
    if re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_\-]*", name) and name not in RESERVED and not name.startswith("sygus-"):
        return name
    return "sygus-" + "".join(c if c.isalnum() else f"x{ord(c):x}" for c in name)


# --- the problem --------------------------------------------------------------------------


@dataclass
class Problem:
    source: str
    logic: str | None = None
    functions: dict[str, Function] = field(default_factory=dict)
    target: Function | None = None
    synth_fun: SList | None = None  # the synth-fun command (its grammar: godelmachine/machine/sygus_grammar.py)
    variables: dict[str, tuple[str, Pos]] = field(default_factory=dict)
    constraints: list[SList] = field(default_factory=list)
    checked: bool = False
    lifetime: int = DEFAULT_LIFETIME
    share: Fraction = DEFAULT_SHARE
    int_range: tuple[int, int] = DEFAULT_INT_RANGE


def read_problem(text: str, source: str) -> Problem:
    problem = Problem(source)
    read_directives(text, source, problem)
    for command in read_sexprs(text, source):
        if type(command) is not SList or not command.items or symbol_of(command.items[0]) is None:
            raise UserError(f"expected a command (name ...); {SUPPORTED}", command.pos)
        name = symbol_of(command.items[0])
        if problem.checked:
            raise UserError("a command after check-synth", command.pos)
        if name == "set-logic":
            logic = symbol_of(command.items[1]) if len(command.items) == 2 else None
            if logic not in LOGICS:
                raise UserError(f"logic {logic!r}: supported logics are {', '.join(sorted(LOGICS))}", command.pos)
            problem.logic = logic
        elif name in ("set-option", "set-info"):
            continue
        elif name == "define-fun":
            f = read_function(command, with_body=True)
            problem.functions[f.name] = f
        elif name == "synth-fun":
            if problem.target is not None:
                raise UserError("a second synth-fun: one function to synthesize is supported", command.pos)
            problem.target = read_function(command, with_body=False)
            problem.synth_fun = command
            problem.functions[problem.target.name] = problem.target
        elif name == "declare-var":
            if len(command.items) != 3 or symbol_of(command.items[1]) is None:
                raise UserError("expected (declare-var name sort)", command.pos)
            problem.variables[symbol_of(command.items[1]) or ""] = (interface_sort(command.items[2]), command.pos)
        elif name == "constraint":
            if len(command.items) != 2 or type(command.items[1]) is not SList:
                raise UserError("expected (constraint term)", command.pos)
            problem.constraints.append(command.items[1])
        elif name == "check-synth":
            problem.checked = True
        else:
            raise UserError(f"unsupported command {name!r}; {SUPPORTED}", command.pos)
    end = Pos(source, text.count("\n") + 1, 1)
    if problem.target is None:
        raise UserError(f"no synth-fun: {SUPPORTED}", end)
    if not problem.checked:
        raise UserError("no (check-synth)", end)
    return problem


DIRECTIVE = re.compile(r";\s*godelmachine:\s*(.*)")


def read_directives(text: str, source: str, problem: Problem) -> None:
    """`; godelmachine: lifetime N`, `search-share P Q` and `int-range LO HI` comments."""
    for number, line in enumerate(text.split("\n"), 1):
        match = DIRECTIVE.match(line.strip())
        if match is None:
            continue
        pos = Pos(source, number, line.index(";") + 1)
        words = match.group(1).split()
        try:
            values = [int(w) for w in words[1:]]
        except ValueError:
            raise UserError("a godelmachine directive takes integers", pos) from None
        if words[:1] == ["lifetime"] and len(values) == 1 and values[0] > 0:
            problem.lifetime = values[0]
        elif words[:1] == ["search-share"] and len(values) == 2 and 0 <= values[0] < values[1]:
            problem.share = Fraction(values[0], values[1])
        elif words[:1] == ["int-range"] and len(values) == 2 and values[0] <= values[1]:
            problem.int_range = (values[0], values[1])
        else:
            raise UserError("expected ; godelmachine: lifetime N | search-share P Q (0 <= P < Q) | int-range LO HI",
                            pos)


def read_function(command: SList, with_body: bool) -> Function:
    kind = "define-fun" if with_body else "synth-fun"
    if len(command.items) < 4 or symbol_of(command.items[1]) is None or type(command.items[2]) is not SList:
        raise UserError(f"expected ({kind} name ((param sort) ...) sort{' body' if with_body else ''})", command.pos)
    if with_body and len(command.items) != 5:
        raise UserError("expected (define-fun name ((param sort) ...) sort body)", command.pos)
    name = symbol_of(command.items[1]) or ""
    params = []
    for p in command.items[2].items:
        if type(p) is not SList or len(p.items) != 2 or symbol_of(p.items[0]) is None:
            raise UserError("expected a parameter (name sort)", p.pos)
        params.append((symbol_of(p.items[0]) or "", (sort_of if with_body else interface_sort)(p.items[1])))
    if len({p for p, _ in params}) != len(params):
        raise UserError(f"{name} names a parameter twice", command.items[2].pos)
    return Function(name, machine_name(name), params, (sort_of if with_body else interface_sort)(command.items[3]),
                    command.items[4] if with_body else None, command.pos)


def reference_call(problem: Problem) -> tuple[Function, list[str]]:
    """The constraint (= (f x ...) (ref x ...)): the reference and the variables, in f's order."""
    target = problem.target
    assert target is not None
    end = Pos(problem.source, 1, 1)
    if len(problem.constraints) != 1:
        raise UserError(f"{len(problem.constraints)} constraints: one (= (f x ...) (ref x ...)) is supported",
                        problem.constraints[1].pos if problem.constraints else end)
    (c,) = problem.constraints
    shape = f"the constraint must read (= ({target.name} x ...) (ref x ...)) with a define-fun ref"
    if len(c.items) != 3 or symbol_of(c.items[0]) != "=" or not all(type(s) is SList and s.items for s in c.items[1:]):
        raise UserError(shape, c.pos)
    sides = [s for s in c.items[1:] if type(s) is SList]
    heads = [symbol_of(s.items[0]) for s in sides]
    if heads[1] == target.name:
        sides.reverse()
        heads.reverse()
    call, reference = sides
    if heads[0] != target.name or heads[1] not in problem.functions or heads[1] == target.name:
        raise UserError(shape, c.pos)
    ref = problem.functions[heads[1]]
    names = [symbol_of(a) for a in call.items[1:]]
    if names != [symbol_of(a) for a in reference.items[1:]] or any(n not in problem.variables for n in names):
        raise UserError(f"{shape}: both sides applied to the same declared variables", c.pos)
    if len(set(names)) != len(names) or len(names) != len(target.params):
        raise UserError(f"{target.name} must be applied to {len(target.params)} distinct declared variables", call.pos)
    for n, (_, sort) in zip(names, target.params):
        if problem.variables[n or ""][0] != sort:
            raise UserError(f"{n} is a {sort_name(problem.variables[n or ''][0])}, {target.name} takes a "
                            f"{sort_name(sort)} there", call.pos)
    if [s for _, s in ref.params] != [s for _, s in target.params] or ref.result != target.result:
        raise UserError(f"{ref.name} and {target.name} must have the same sorts", ref.pos)
    return ref, [n or "" for n in names]


HOIST_DEPTHS = (None, 24, 12, 6, 3, 1)  # tried in turn by load_task until the task reads


def task_text(problem: Problem, name: str, hoist: int | None = None) -> str:
    """The problem as a task file of the machine (docs/tasks.md), its solver the reference
    (with `hoist`, split into helpers; see Translator)."""
    ref, variables = reference_call(problem)
    translator = Translator(problem.functions, hoist)
    definitions = [translator.definition(f) for f in problem.functions.values() if f.body is not None]
    definitions += translator.parts
    names = [machine_name(v) for v in variables]
    types = [problem.variables[v][0] for v in variables]
    marginals = []
    for n, t in zip(names, types):
        if t == "word":
            marginals.append(f"(uniform-word {n})")
        elif t == "int":
            marginals.append(f"(uniform-int {n} {problem.int_range[0]} {problem.int_range[1]})")
        else:
            marginals.append(f"(finite {n} (1 2 #t) (1 2 #f))")
    args = " ".join(names)
    helpers = "\n    ".join(definitions)
    target = problem.target
    assert target is not None
    share = problem.share
    return (
        f"(task {name}\n"
        f"  (description |SyGuS: synthesize {target.name} equal to {ref.name} ({problem.source})|)\n"
        f"  (lifetime {problem.lifetime})\n"
        f"  (search-share {share.numerator} {share.denominator})\n"
        f"  (instance ({' '.join(f'({n} {t})' for n, t in zip(names, types))}) (product {' '.join(marginals)}))\n"
        f"  (solver\n    (define (solve {args}) ({ref.machine} {args}))\n    {helpers})\n"
        f"  (reward exact\n    (define (check {args} r) (= r ({ref.machine} {args})))\n    {helpers})\n"
        f"  (outputs {target.result})\n"
        f"  (initial-reward 1))\n"
    )


def task_name(path: Path) -> str:
    stem = re.sub(r"[^a-zA-Z0-9\-]", "-", path.stem).strip("-") or "problem"
    return f"sygus-{stem}" if not stem[0].isalpha() else stem




# --- solutions: a solver of the machine as a SyGuS define-fun -----------------------------

SOLUTION_OPERATIONS = {
    "w+": "bvadd", "w-": "bvsub", "w*": "bvmul", "wand": "bvand", "wor": "bvor", "wxor": "bvxor",
    "wnot": "bvnot", "wneg": "bvneg", "wudiv": "bvudiv", "wurem": "bvurem",
    "wult": "bvult", "wule": "bvule", "wslt": "bvslt", "wsle": "bvsle",
    "+": "+", "-": "-", "*": "*", "div": "div", "mod": "mod", "neg": "-", "abs": "abs",
    "<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "not": "not",
}
SHIFTS = {"wshl": "bvshl", "wshr": "bvlshr", "wsar": "bvashr"}
MAX_NAMES = 20_000


class Unwritable(Exception):
    """A solver that SyGuS-IF's BV and LIA logics cannot express (a loop, a closure, a list,
    a signed conversion)."""


def solution(program: Program, problem: Problem) -> str:
    """`(define-fun f ((x S) ...) R body)`: the solver's `solve`, with the definitions it calls
    inlined (each call's arguments bound by let), over f's own parameter names. Where the
    machine's solver does not trap it answers as this term does under SMT-LIB's semantics
    (`wudiv` by zero traps in the machine, and a shift's amount outside [0, 31] too); the proof
    of a switch says the new solver traps on no instance where the reference does not."""
    target = problem.target
    assert target is not None
    solve = program.lookup("solve")
    if len(solve.params) != len(target.params):
        raise Unwritable(f"solve takes {len(solve.params)} argument(s), {target.name} {len(target.params)}")
    fresh = itertools.count(1)
    env = {p: name for p, (name, _) in zip(solve.params, target.params)}
    body = _smt(solve.body, env, program, ("solve",), fresh)
    formals = " ".join(f"({name} {sort_name(sort)})" for name, sort in target.params)
    return f"(define-fun {target.name} ({formals}) {sort_name(target.result)}\n  {body})"


def _smt(e: object, env: dict[str, str], program: Program, calls: tuple[str, ...], fresh: "itertools.count[int]") -> str:
    def go(x: object, scope: dict[str, str] = env) -> str:
        return _smt(x, scope, program, calls, fresh)

    if type(e) is Lit:
        v = e.value
        if type(v) is bool:
            return "true" if v else "false"
        if type(v) is Word:
            return word_literal(v.bits)
        if type(v) is int:
            return str(v) if v >= 0 else f"(- {-v})"
        raise Unwritable(f"the constant {v!r}")
    if type(e) is Var:
        return env[e.name]
    if type(e) is If:
        return f"(ite {go(e.test)} {go(e.then)} {go(e.other)})"
    if type(e) is Let:
        name = f"v{next(fresh)}"
        return f"(let (({name} {go(e.value)})) {go(e.body, {**env, e.name: name})})"
    if type(e) is PrimCall:
        name = e.prim.name
        if name in SHIFTS:
            amount = e.args[1]
            if type(amount) is Lit and type(amount.value) is int and 0 <= amount.value < WIDTH:
                shift = f"(_ bv{amount.value} {WIDTH})"
            elif type(amount) is PrimCall and amount.prim.name == "word->int":
                shift = go(amount.args[0])
            else:
                raise Unwritable(f"{name} by an integer amount that is not a constant")
            return f"({SHIFTS[name]} {go(e.args[0])} {shift})"
        if name == "word":  # an integer modulo 2^32, as SMT-LIB's int2bv takes it
            return f"((_ int2bv {WIDTH}) {go(e.args[0])})"
        if name == "word->int":  # the unsigned value
            return f"(bv2nat {go(e.args[0])})"
        if name in ("min", "max"):
            a, b = go(e.args[0]), go(e.args[1])
            return f"(ite ({'<=' if name == 'min' else '>='} {a} {b}) {a} {b})"
        if name not in SOLUTION_OPERATIONS:
            raise Unwritable(f"the primitive {name}")
        return f"({SOLUTION_OPERATIONS[name]}{''.join(' ' + go(a) for a in e.args)})"
    if type(e) is Call:
        if e.name in calls:
            raise Unwritable(f"the recursive call of {e.name}")
        d = program.lookup(e.name)
        names = [f"v{next(fresh)}" for _ in d.params]
        if next(fresh) > MAX_NAMES:  # inlining doubles the text with each level of a helper called twice
            raise Unwritable(f"more than {MAX_NAMES} inlined calls and lets")
        bindings = " ".join(f"({n} {go(a)})" for n, a in zip(names, e.args))
        inner = _smt(d.body, dict(zip(d.params, names)), program, (*calls, e.name), fresh)
        return f"(let ({bindings}) {inner})" if names else inner
    raise Unwritable(f"a {type(e).__name__.lower()} form (loops, closures and their calls have no SyGuS term)")


__all__ = ["read_problem", "task_text", "task_name", "Problem", "OPERATIONS", "OPERATION_NAMES", "machine_name", "solution",
           "Unwritable"]
