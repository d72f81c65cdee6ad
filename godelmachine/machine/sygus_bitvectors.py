"""SyGuS bit-vectors narrower than 32 bits, and the operations SMT-LIB defines from others.

The machine's words are 32 bits wide. Inside a reference a term may be narrower (a 1-bit
`bvredor`, an 8-bit `(_ extract 7 0)`): a vector of width w < 32 is held in a word whose bits
from w up are 0, and every operation keeps it so, with SMT-LIB's semantics at width w:
arithmetic is taken modulo 2^w (the word's result masked), signed comparisons and `bvashr`
read the vector sign-extended from bit w - 1, a shift by w or more gives 0 (`bvashr`: the
sign), `bvudiv` by 0 gives all w ones. Widths above 32 are not supported.

Operations SMT-LIB defines from others (`bvsdiv`, `bvsrem`, `bvsmod`, `bvnand`, `bvnor`,
`bvxnor`, `bvcomp`, `bvredor`, `bvredand`) are read as their definitions, at any width:
`EXPANSIONS` holds them as SyGuS text over the arguments `a` and `b`, translated as any term.
"""

from __future__ import annotations

from typing import Callable

WIDTH = 32


def width_of(sort: str) -> int | None:
    """The width of a bit-vector sort (word, bv1 ... bv31), else None."""
    if sort == "word":
        return WIDTH
    if sort.startswith("bv") and sort[2:].isdigit():
        return int(sort[2:])
    return None


def sort_of_width(w: int) -> str:
    return "word" if w == WIDTH else f"bv{w}"


def literal(bits: int) -> str:
    return f"#x{bits & 0xFFFFFFFF:08x}"


def mask(w: int) -> str:
    return literal((1 << w) - 1)


def sign_extended(a: str, w: int) -> str:
    """The w-bit vector held in `a` as the 32-bit word of the same signed value."""
    return a if w == WIDTH else f"(wsar (wshl {a} {WIDTH - w}) {WIDTH - w})"


def masked(text: str, w: int) -> str:
    return text if w == WIDTH else f"(wand {text} {mask(w)})"


def _chain(op: str, a: list[str]) -> str:
    return a[0] if len(a) == 1 else f"({op} {_chain(op, a[:-1])} {a[-1]})"


# SMT-LIB's definitions, over a and b of width W (`{zero}`: (_ bv0 W))
EXPANSIONS: dict[str, tuple[int, str]] = {
    "bvnand": (2, "(bvnot (bvand a b))"),
    "bvnor": (2, "(bvnot (bvor a b))"),
    "bvxnor": (2, "(bvnot (bvxor a b))"),
    "bvcomp": (2, "(ite (= a b) #b1 #b0)"),
    "bvredor": (1, "(ite (= a {zero}) #b0 #b1)"),
    "bvredand": (1, "(ite (= a (bvnot {zero})) #b1 #b0)"),
    "bvsdiv": (2, "(ite (bvslt a {zero}) (ite (bvslt b {zero}) (bvudiv (bvneg a) (bvneg b)) (bvneg (bvudiv (bvneg a) b)))"
                  " (ite (bvslt b {zero}) (bvneg (bvudiv a (bvneg b))) (bvudiv a b)))"),
    "bvsrem": (2, "(ite (bvslt a {zero}) (ite (bvslt b {zero}) (bvneg (bvurem (bvneg a) (bvneg b))) (bvneg (bvurem (bvneg a) b)))"
                  " (ite (bvslt b {zero}) (bvurem a (bvneg b)) (bvurem a b)))"),
    "bvsmod": (2, "(let ((u (bvurem (ite (bvslt a {zero}) (bvneg a) a) (ite (bvslt b {zero}) (bvneg b) b))))"
                  " (ite (= u {zero}) u (ite (bvslt a {zero}) (ite (bvslt b {zero}) (bvneg u) (bvadd (bvneg u) b))"
                  " (ite (bvslt b {zero}) (bvadd u b) u))))"),
}

# operations on two or more vectors of one width w < 32, each with every argument an atom
# (the translator binds the others by let): (argument count or None for 2+, result) -> text
Narrow = tuple[int | None, str, Callable[[list[str], int], str]]


def _shift(op: str, beyond: Callable[[str, int], str], signed: bool = False) -> Callable[[list[str], int], str]:
    def emit(a: list[str], w: int) -> str:
        value = sign_extended(a[0], w) if signed else a[0]
        return f"(if (wult {a[1]} {literal(w)}) {masked(f'({op} {value} (word->int {a[1]}))', w)} {beyond(a[0], w)})"
    return emit


NARROW: dict[str, Narrow] = {
    "bvadd": (None, "same", lambda a, w: masked(_chain("w+", a), w)),
    "bvsub": (2, "same", lambda a, w: masked(f"(w- {a[0]} {a[1]})", w)),
    "bvmul": (None, "same", lambda a, w: masked(_chain("w*", a), w)),
    "bvand": (None, "same", lambda a, w: _chain("wand", a)),
    "bvor": (None, "same", lambda a, w: _chain("wor", a)),
    "bvxor": (None, "same", lambda a, w: _chain("wxor", a)),
    "bvnot": (1, "same", lambda a, w: f"(wxor {a[0]} {mask(w)})"),
    "bvneg": (1, "same", lambda a, w: masked(f"(wneg {a[0]})", w)),
    "bvudiv": (2, "same", lambda a, w: f"(if (= {a[1]} #x00000000) {mask(w)} (wudiv {a[0]} {a[1]}))"),
    "bvurem": (2, "same", lambda a, w: f"(if (= {a[1]} #x00000000) {a[0]} (wurem {a[0]} {a[1]}))"),
    "bvshl": (2, "same", _shift("wshl", lambda a, w: "#x00000000")),
    "bvlshr": (2, "same", _shift("wshr", lambda a, w: "#x00000000")),
    "bvashr": (2, "same", _shift("wsar", lambda a, w: masked(f"(wsar {sign_extended(a, w)} 31)", w), signed=True)),
    "bvult": (2, "bool", lambda a, w: f"(wult {a[0]} {a[1]})"),
    "bvule": (2, "bool", lambda a, w: f"(wule {a[0]} {a[1]})"),
    "bvugt": (2, "bool", lambda a, w: f"(wult {a[1]} {a[0]})"),
    "bvuge": (2, "bool", lambda a, w: f"(wule {a[1]} {a[0]})"),
    "bvslt": (2, "bool", lambda a, w: f"(wslt {sign_extended(a[0], w)} {sign_extended(a[1], w)})"),
    "bvsle": (2, "bool", lambda a, w: f"(wsle {sign_extended(a[0], w)} {sign_extended(a[1], w)})"),
    "bvsgt": (2, "bool", lambda a, w: f"(wslt {sign_extended(a[1], w)} {sign_extended(a[0], w)})"),
    "bvsge": (2, "bool", lambda a, w: f"(wsle {sign_extended(a[1], w)} {sign_extended(a[0], w)})"),
}


def indexed(name: str, indices: list[int], a: str, w: int) -> tuple[str, int] | str:
    """An indexed operation ((_ name i ...) a) on a w-bit vector held in `a` (an atom): its
    text and width, or why it is not supported."""
    if name == "extract" and len(indices) == 2:
        i, j = indices
        if not w > i >= j >= 0:
            return f"(_ extract {i} {j}) of a {w}-bit vector"
        return masked(f"(wshr {a} {j})" if j else a, i - j + 1), i - j + 1
    if name in ("zero_extend", "sign_extend") and len(indices) == 1:
        to = w + indices[0]
        if to > WIDTH:
            return f"({name} to {to} bits: wider than 32"
        return (a if name == "zero_extend" else masked(sign_extended(a, w), to)), to
    if name in ("rotate_left", "rotate_right") and len(indices) == 1:
        k = indices[0] % w
        if k == 0:
            return a, w
        left = k if name == "rotate_left" else w - k
        return f"(wor {masked(f'(wshl {a} {left})', w)} (wshr {a} {w - left}))", w
    return f"(_ {name} {' '.join(map(str, indices))})"


__all__ = ["EXPANSIONS", "NARROW", "indexed", "width_of", "sort_of_width", "mask", "WIDTH"]
