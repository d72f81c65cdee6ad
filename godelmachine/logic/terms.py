"""Terms of the logic: SMT-LIB formulas as immutable, hash-consed Python objects.

Theorems, axioms and the symbolic semantics all speak in these terms. They belong to no Z3
context (each kernel query translates them into a fresh one), they print as SMT-LIB 2 text
(with `let` for shared subterms, so a term's text is never exponentially larger than its
graph), and they read back from that text to the very same objects.

Sorts are strings: `Int`, `Real`, `Bool`, `(_ BitVec 32)`, or an uninterpreted sort such as
`Program`. A term is a constant, a symbol (a free constant or a bound variable), an
application of a builtin operator or a declared function, or a quantifier.
"""

from __future__ import annotations

import weakref
from fractions import Fraction
from typing import Any, Iterable, Iterator, Sequence

INT, REAL, BOOL = "Int", "Real", "Bool"
BV32 = "(_ BitVec 32)"


def bv_sort(width: int) -> str:
    return f"(_ BitVec {width})"


def bv_width(sort: str) -> int | None:
    if sort.startswith("(_ BitVec "):
        return int(sort[len("(_ BitVec "):-1])
    return None


class Term:
    """One node of a term graph. Equal terms are the same object (hash-consing)."""

    __slots__ = ("kind", "name", "args", "sort", "__weakref__")
    _table: "weakref.WeakValueDictionary[tuple, Term]" = weakref.WeakValueDictionary()

    kind: str  # "const" | "sym" | "app" | "forall" | "exists"
    name: Any  # the constant's value, the symbol's or function's name, or the bound variables
    args: tuple["Term", ...]
    sort: str

    def __new__(cls, kind: str, name: Any, args: tuple["Term", ...], sort: str) -> "Term":
        if kind == "app" and not args:
            kind = "sym"  # Z3 (and SMT-LIB text) cannot tell (c) from c: neither may the terms
        key = (kind, type(name), name, args, sort)
        term = cls._table.get(key)
        if term is None:
            term = object.__new__(cls)
            object.__setattr__(term, "kind", kind)
            object.__setattr__(term, "name", name)
            object.__setattr__(term, "args", args)
            object.__setattr__(term, "sort", sort)
            cls._table[key] = term
        return term

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("terms are immutable")

    def __reduce__(self) -> Any:
        return (Term, (self.kind, self.name, self.args, self.sort))

    def __repr__(self) -> str:
        return smtlib(self)

    def __str__(self) -> str:
        return smtlib(self)

    @property
    def is_const(self) -> bool:
        return self.kind == "const"


# --- making terms ------------------------------------------------------------------------


def const(value: Any, sort: str) -> Term:
    if sort == REAL:
        value = Fraction(value)
    elif sort == INT:
        value = int(value)
    elif sort == BOOL:
        value = bool(value)
    elif (width := bv_width(sort)) is not None:
        value = int(value) % (1 << width)
    return Term("const", value, (), sort)


def int_(value: int) -> Term:
    return const(value, INT)


def real(value: Fraction | int) -> Term:
    return const(value, REAL)


def bv(value: int, width: int = 32) -> Term:
    return const(value, bv_sort(width))


TRUE = const(True, BOOL)
FALSE = const(False, BOOL)
ZERO = int_(0)


def sym(name: str, sort: str) -> Term:
    return Term("sym", name, (), sort)


def app(name: str, args: Sequence[Term], sort: str) -> Term:
    """An application with a known result sort (a declared function, or a checked builtin)."""
    return Term("app", name, tuple(args), sort)


def forall(variables: Sequence[tuple[str, str]], body: Term) -> Term:
    return Term("forall", tuple(variables), (body,), BOOL) if variables else body


def exists(variables: Sequence[tuple[str, str]], body: Term) -> Term:
    return Term("exists", tuple(variables), (body,), BOOL) if variables else body


# Builtin operators: name -> function from argument sorts to the result sort (None: ill-sorted).
def _same(*allowed: str) -> Any:
    def rule(sorts: Sequence[str]) -> str | None:
        if sorts and all(s == sorts[0] for s in sorts) and (sorts[0] in allowed or not allowed):
            return sorts[0]
        return None
    return rule


def _bv_n(arity: int | None) -> Any:
    def rule(sorts: Sequence[str]) -> str | None:
        ok = (arity is None or len(sorts) == arity) and sorts and all(s == sorts[0] for s in sorts)
        return sorts[0] if ok and bv_width(sorts[0]) else None
    return rule


def _bv_pred(sorts: Sequence[str]) -> str | None:
    return BOOL if len(sorts) == 2 and sorts[0] == sorts[1] and bv_width(sorts[0]) else None


def _cmp(sorts: Sequence[str]) -> str | None:
    return BOOL if len(sorts) >= 2 and all(s == sorts[0] for s in sorts) and sorts[0] in (INT, REAL) else None


def _eq(sorts: Sequence[str]) -> str | None:
    return BOOL if len(sorts) >= 2 and all(s == sorts[0] for s in sorts) else None


def _bools(sorts: Sequence[str]) -> str | None:
    return BOOL if all(s == BOOL for s in sorts) else None


def _ite(sorts: Sequence[str]) -> str | None:
    return sorts[1] if len(sorts) == 3 and sorts[0] == BOOL and sorts[1] == sorts[2] else None


def _fixed(args: tuple[str, ...], result: str) -> Any:
    return lambda sorts: result if tuple(sorts) == args else None


def _arith(sorts: Sequence[str]) -> str | None:
    return sorts[0] if sorts and all(s == sorts[0] for s in sorts) and sorts[0] in (INT, REAL) else None


BUILTINS: dict[str, Any] = {
    "not": _fixed((BOOL,), BOOL), "and": _bools, "or": _bools, "=>": _fixed((BOOL, BOOL), BOOL),
    "xor": _fixed((BOOL, BOOL), BOOL), "=": _eq, "distinct": _eq, "ite": _ite,
    "+": _arith, "-": _arith, "*": _arith, "/": _fixed((REAL, REAL), REAL),
    "div": _fixed((INT, INT), INT), "mod": _fixed((INT, INT), INT), "abs": _fixed((INT,), INT),
    "<": _cmp, "<=": _cmp, ">": _cmp, ">=": _cmp,
    "to_real": _fixed((INT,), REAL), "to_int": _fixed((REAL,), INT),
    "bvadd": _bv_n(2), "bvsub": _bv_n(2), "bvmul": _bv_n(2), "bvudiv": _bv_n(2), "bvurem": _bv_n(2),
    "bvand": _bv_n(2), "bvor": _bv_n(2), "bvxor": _bv_n(2), "bvnot": _bv_n(1), "bvneg": _bv_n(1),
    "bvshl": _bv_n(2), "bvlshr": _bv_n(2), "bvashr": _bv_n(2),
    "bvult": _bv_pred, "bvule": _bv_pred, "bvugt": _bv_pred, "bvuge": _bv_pred,
    "bvslt": _bv_pred, "bvsle": _bv_pred, "bvsgt": _bv_pred, "bvsge": _bv_pred,
    "bv2nat": lambda sorts: INT if len(sorts) == 1 and bv_width(sorts[0]) else None,
    "(_ int2bv 32)": _fixed((INT,), BV32),
}


class SortError(Exception):
    pass


def builtin(name: str, *args: Term) -> Term:
    """A builtin application, sort-checked; raises SortError if ill-sorted."""
    rule = BUILTINS.get(name)
    if rule is None:
        raise SortError(f"unknown operator {name!r}")
    sort = rule([a.sort for a in args])
    if sort is None:
        raise SortError(f"{name} cannot take arguments of sorts {', '.join(a.sort for a in args) or 'none'}")
    return app(name, args, sort)


# Smart constructors: builtins with exact simplifications. Every rule below is an identity of
# SMT-LIB's semantics (checked against Z3 on random terms in tests/test_terms.py); the
# interval rules on bit-vectors use `upper_bound`, a sound over-approximation:
#   constants fold; and/or/not/=>/ite with constant parts reduce; + flattens;
#   bv2nat a + bv2nat b = bv2nat (bvadd a b)      when ub(a) + ub(b) < 2^width
#   bv2nat a = bv2nat b  iff  a = b;   bv2nat a <= bv2nat b  iff  bvule a b
#   bv2nat a <= c, c <= bv2nat a                  decided by 0 <= bv2nat a <= ub(a)
#   int2bv (bv2nat a) = a                         for a 32-bit a


def Not(a: Term) -> Term:
    return mk("not", a)


def And(*xs: Term) -> Term:
    return mk("and", *xs)


def Or(*xs: Term) -> Term:
    return mk("or", *xs)


def Implies(a: Term, b: Term) -> Term:
    return mk("=>", a, b)


def Eq(a: Term, b: Term) -> Term:
    return mk("=", a, b)


def Ite(c: Term, a: Term, b: Term) -> Term:
    return mk("ite", c, a, b)


def Add(*xs: Term) -> Term:
    return mk("+", *xs)


def Sub(a: Term, b: Term) -> Term:
    return mk("-", a, b)


def Mul(a: Term, b: Term) -> Term:
    return mk("*", a, b)


def Le(a: Term, b: Term) -> Term:
    return mk("<=", a, b)


def Lt(a: Term, b: Term) -> Term:
    return mk("<", a, b)


def ToReal(a: Term) -> Term:
    return mk("to_real", a)


def upper_bound(t: Term) -> int:
    """An upper bound of a bit-vector term's unsigned value."""
    width = bv_width(t.sort)
    assert width is not None
    top = (1 << width) - 1
    if t.is_const:
        return t.name
    if t.kind != "app":
        return top
    a = t.args
    if t.name == "bvand":
        return min(upper_bound(a[0]), upper_bound(a[1]))
    if t.name == "bvlshr" and a[1].is_const:
        return upper_bound(a[0]) >> a[1].name if a[1].name < width else 0
    if t.name in ("bvor", "bvxor"):
        return (1 << max(upper_bound(a[0]), upper_bound(a[1])).bit_length()) - 1
    if t.name == "bvadd":
        return min(top, upper_bound(a[0]) + upper_bound(a[1]))
    if t.name == "bvmul":
        return min(top, upper_bound(a[0]) * upper_bound(a[1]))
    if t.name in ("bvudiv", "bvurem"):
        return upper_bound(a[0]) if t.name == "bvurem" else top
    if t.name == "ite":
        return max(upper_bound(a[1]), upper_bound(a[2]))
    return top


def _bv2nat_arg(t: Term) -> Term | None:
    return t.args[0] if t.kind == "app" and t.name == "bv2nat" else None


def _signed(v: int, width: int) -> int:
    return v - (1 << width) if v >> (width - 1) else v


def _fold(name: str, args: tuple[Term, ...], sort: str) -> Term | None:
    """The value of a builtin on constant arguments, or None to leave it unevaluated."""
    v = [a.name for a in args]
    width = bv_width(args[0].sort) if args else None
    if name in ("+", "-", "*"):
        if name == "-" and len(v) == 1:
            return const(-v[0], sort)
        result = v[0]
        for x in v[1:]:
            result = result + x if name == "+" else result - x if name == "-" else result * x
        return const(result, sort)
    if name in ("div", "mod"):
        if v[1] == 0:
            return None  # SMT-LIB leaves division by zero unspecified
        q = v[0] // v[1] if v[1] > 0 else -(v[0] // -v[1])
        return const(q if name == "div" else v[0] - v[1] * q, INT)
    if name == "/":
        return const(Fraction(v[0]) / v[1], REAL) if v[1] != 0 else None
    table = {
        "abs": lambda: abs(v[0]), "<": lambda: v[0] < v[1], "<=": lambda: v[0] <= v[1],
        ">": lambda: v[0] > v[1], ">=": lambda: v[0] >= v[1], "to_real": lambda: Fraction(v[0]),
        "to_int": lambda: v[0].numerator // v[0].denominator, "bv2nat": lambda: v[0],
        "(_ int2bv 32)": lambda: v[0] % (1 << 32),
    }
    if name in table and len(v) <= 2:
        return const(table[name](), sort)
    if width is None:
        return None
    mask = (1 << width) - 1
    bv_ops = {
        "bvadd": lambda: v[0] + v[1], "bvsub": lambda: v[0] - v[1], "bvmul": lambda: v[0] * v[1],
        "bvand": lambda: v[0] & v[1], "bvor": lambda: v[0] | v[1], "bvxor": lambda: v[0] ^ v[1],
        "bvnot": lambda: ~v[0], "bvneg": lambda: -v[0],
        "bvudiv": lambda: v[0] // v[1] if v[1] else mask, "bvurem": lambda: v[0] % v[1] if v[1] else v[0],
        "bvshl": lambda: v[0] << v[1] if v[1] < width else 0, "bvlshr": lambda: v[0] >> v[1] if v[1] < width else 0,
        "bvashr": lambda: _signed(v[0], width) >> min(v[1], width - 1),
        "bvult": lambda: v[0] < v[1], "bvule": lambda: v[0] <= v[1], "bvugt": lambda: v[0] > v[1], "bvuge": lambda: v[0] >= v[1],
        "bvslt": lambda: _signed(v[0], width) < _signed(v[1], width),
        "bvsle": lambda: _signed(v[0], width) <= _signed(v[1], width),
        "bvsgt": lambda: _signed(v[0], width) > _signed(v[1], width),
        "bvsge": lambda: _signed(v[0], width) >= _signed(v[1], width),
    }
    if name in bv_ops:
        return const(bv_ops[name](), sort)
    return None


def mk(name: str, *args: Term) -> Term:
    """A builtin application, simplified by exact rules; raises SortError if ill-sorted."""
    if name == "not":
        (a,) = args
        if a.is_const:
            return const(not a.name, BOOL)
        if a.kind == "app" and a.name == "not":
            return a.args[0]
        return builtin("not", a)
    if name in ("and", "or"):
        unit, zero = (TRUE, FALSE) if name == "and" else (FALSE, TRUE)
        parts: list[Term] = []
        for x in args:
            if x is zero:
                return zero
            if x is unit:
                continue
            for part in (x.args if x.kind == "app" and x.name == name else (x,)):
                if part not in parts:
                    parts.append(part)
        if not parts:
            return unit
        return parts[0] if len(parts) == 1 else builtin(name, *parts)
    if name == "=>":
        a, b = args
        if a is TRUE:
            return b
        if a is FALSE or b is TRUE:
            return TRUE
        return builtin("=>", a, b)
    if name == "ite":
        c, a, b = args
        if c is TRUE or a is b:
            return a
        if c is FALSE:
            return b
        if a is TRUE and b is FALSE:
            return c
        if a is FALSE and b is TRUE:
            return mk("not", c)
        return builtin("ite", c, a, b)
    if name == "=" and len(args) == 2:
        a, b = args
        if a is b:
            return TRUE
        if a.is_const and b.is_const:
            return const(a.name == b.name, BOOL)
        x, y = _bv2nat_arg(a), _bv2nat_arg(b)
        if x is not None and y is not None and x.sort == y.sort:
            return mk("=", x, y)  # bv2nat is injective
        return builtin("=", a, b)
    if name == "+":
        return _sum(args)
    if name == "(_ int2bv 32)":
        inner = _bv2nat_arg(args[0])
        if inner is not None and inner.sort == BV32:
            return inner  # int2bv(bv2nat(t)) = t for a 32-bit t
    if args and all(a.is_const for a in args):
        rule = BUILTINS.get(name)
        sort = rule([a.sort for a in args]) if rule else None
        if sort is None:
            raise SortError(f"{name} cannot take arguments of sorts {', '.join(a.sort for a in args)}")
        folded = _fold(name, args, sort)
        if folded is not None:
            return folded
    if name == "-" and len(args) == 2 and args[1].is_const and args[1].name == 0:
        return args[0]
    if name == "*" and len(args) == 2:
        for x, y in (args, args[::-1]):
            if x.is_const and x.name == 1:
                return y
            if x.is_const and x.name == 0:
                return x
    if name in ("<=", "<", ">=", ">") and len(args) == 2:
        decided = _compare_bv2nat(name, *args)
        if decided is not None:
            return decided
    return builtin(name, *args)


def _sum(args: tuple[Term, ...]) -> Term:
    """Flatten, fold constants, and merge bv2nat summands into one bv2nat where the sum cannot
    overflow: bv2nat(a) + bv2nat(b) = bv2nat(bvadd a b) if ub(a) + ub(b) < 2^width."""
    total: Any = 0
    parts: list[Term] = []
    for x in args:
        for part in (x.args if x.kind == "app" and x.name == "+" else (x,)):
            if part.is_const:
                total += part.name
            else:
                parts.append(part)
    merged: list[Term] = []
    for part in parts:
        inner = _bv2nat_arg(part)
        if inner is not None:
            for i, other in enumerate(merged):
                other_inner = _bv2nat_arg(other)
                if other_inner is not None and other_inner.sort == inner.sort:
                    width = bv_width(inner.sort)
                    assert width is not None
                    if upper_bound(inner) + upper_bound(other_inner) < (1 << width):
                        merged[i] = builtin("bv2nat", mk("bvadd", other_inner, inner))
                        break
            else:
                merged.append(part)
        else:
            merged.append(part)
    sort = args[0].sort
    if total != 0 or not merged:
        merged.append(const(total, sort))
    return merged[0] if len(merged) == 1 else builtin("+", *merged)


def _compare_bv2nat(name: str, a: Term, b: Term) -> Term | None:
    """Decide a comparison of bv2nat(x) with a constant from x's range, or compare two
    bv2nat terms as unsigned bit-vectors."""
    if name in (">=", ">"):
        return _compare_bv2nat("<=" if name == ">=" else "<", b, a)
    x, y = _bv2nat_arg(a), _bv2nat_arg(b)
    if x is not None and y is not None and x.sort == y.sort:
        return mk("bvule" if name == "<=" else "bvult", x, y)
    strict = name == "<"
    if x is not None and b.is_const:  # bv2nat(x) <= c
        if upper_bound(x) < b.name or (not strict and upper_bound(x) == b.name):
            return TRUE
        if b.name < 0 or (strict and b.name == 0):
            return FALSE
    if y is not None and a.is_const:  # c <= bv2nat(y)
        if a.name < 0 or (not strict and a.name == 0):
            return TRUE
        if a.name > upper_bound(y) or (strict and a.name == upper_bound(y)):
            return FALSE
    return None


def simplify(term: Term) -> Term:
    """The term rebuilt bottom-up with the simplifying constructors (constants folded)."""
    if term.kind != "app":
        return term
    args = tuple(simplify(a) for a in term.args)
    return mk(term.name, *args) if term.name in BUILTINS else app(term.name, args, term.sort)


# --- looking at terms --------------------------------------------------------------------


def substitute(term: Term, mapping: dict[Term, Term]) -> Term:
    """Replace free occurrences of symbols (keys) by terms, all at once; bound variables
    shadow, and a bound variable that would capture a free symbol of a replacement is
    renamed first (to `name!i`, a name used nowhere in the term or the replacements)."""
    memo: dict[int, Term] = {}
    incoming: set[str] = set()  # the replacements' free names, computed at the first binder
    computed = False

    def walk(t: Term, shadowed: frozenset[str]) -> Term:
        key = id(t)
        if not shadowed and key in memo:
            return memo[key]
        if t.kind == "sym":
            result = t if t.name in shadowed else mapping.get(t, t)
        elif t.kind == "const":
            result = t
        elif t.kind in ("forall", "exists"):
            nonlocal computed
            if not computed:
                incoming.update(s.name for value in mapping.values() for s in free_symbols(value))
                computed = True
            variables, body = t.name, t.args[0]
            inner = shadowed | {name for name, _ in variables}
            if any(name in incoming for name, _ in variables) and any(
                    s in mapping and s.name not in inner for s in free_symbols(body)):
                variables, body = rename_bound(variables, body, incoming)
                inner = shadowed | {name for name, _ in variables}
            result = Term(t.kind, variables, (walk(body, inner),), t.sort)
        else:
            new_args = tuple(walk(a, shadowed) for a in t.args)
            if new_args == t.args:
                result = t
            elif t.name in BUILTINS:
                result = mk(t.name, *new_args)
            else:
                result = Term("app", t.name, new_args, t.sort)
        if not shadowed:
            memo[key] = result
        return result

    return walk(term, frozenset())


def rename_bound(variables: tuple[tuple[str, str], ...], body: Term,
                 avoid: set[str]) -> tuple[tuple[tuple[str, str], ...], Term]:
    """The binder's variables that are in `avoid`, renamed apart in `body`."""
    used = names(body) | avoid | {name for name, _ in variables}
    renamed, mapping = [], {}
    for name, sort in variables:
        if name in avoid:
            i = 1
            while f"{name}!{i}" in used:
                i += 1
            used.add(f"{name}!{i}")
            mapping[sym(name, sort)] = sym(f"{name}!{i}", sort)
            name = f"{name}!{i}"
        renamed.append((name, sort))
    return tuple(renamed), substitute(body, mapping)


def names(term: Term) -> set[str]:
    """Every name in the term: free and bound symbols and functions."""
    found: set[str] = set()
    for t in subterms(term):
        if t.kind in ("sym", "app"):
            found.add(t.name)
        elif t.kind in ("forall", "exists"):
            found.update(name for name, _ in t.name)
    return found


def free_symbols(term: Term) -> set[Term]:
    found: set[Term] = set()
    seen: set[int] = set()
    stack: list[tuple[Term, frozenset[str]]] = [(term, frozenset())]
    while stack:
        t, bound = stack.pop()
        if (id(t), bound) in seen:
            continue
        seen.add((id(t), bound))  # type: ignore[arg-type]
        if t.kind == "sym" and t.name not in bound:
            found.add(t)
        elif t.kind in ("forall", "exists"):
            stack.append((t.args[0], bound | {n for n, _ in t.name}))
        else:
            stack.extend((a, bound) for a in t.args)
    return found


def ambiguous(term: Term) -> str | None:
    """A name that the term binds at one sort and uses, inside the binder, at another (or
    binds twice at once), or uses free at two sorts: Z3 would read those as two symbols,
    SMT-LIB text (and `substitute`, which goes by name) as one. None if there is none."""
    free: dict[str, str] = {}
    for s in free_symbols(term):
        if free.setdefault(s.name, s.sort) != s.sort:
            return s.name
    seen: set[tuple[int, frozenset]] = set()
    stack: list[tuple[Term, frozenset]] = [(term, frozenset())]
    while stack:
        t, bound = stack.pop()
        if (id(t), bound) in seen:
            continue
        seen.add((id(t), bound))
        if t.kind == "sym":
            if any(name == t.name and sort != t.sort for name, sort in bound):
                return t.name
        elif t.kind in ("forall", "exists"):
            names = [name for name, _ in t.name]
            if len(set(names)) != len(names):
                return next(n for n in names if names.count(n) > 1)
            inner = frozenset((n, s) for n, s in bound if n not in names) | frozenset(t.name)
            stack.append((t.args[0], inner))
        else:
            stack.extend((a, bound) for a in t.args)
    return None


def functions(term: Term) -> dict[str, tuple[tuple[str, ...], str]]:
    """Every declared (non-builtin) function or constant used in `term`, with its signature."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    uses = [(t.name, (tuple(a.sort for a in t.args), t.sort)) for t in subterms(term) if t.kind == "app" and t.name not in BUILTINS]
    for name, signature in uses + sorted((s.name, ((), s.sort)) for s in free_symbols(term)):
        if found.setdefault(name, signature) != signature:
            raise SortError(f"symbol {name} is used with two signatures: {found[name]} and {signature}")
    return found


def subterms(term: Term) -> Iterator[Term]:
    seen: set[int] = set()
    stack = [term]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        yield t
        stack.extend(t.args)


def quantified_body(term: Term) -> tuple[tuple[tuple[str, str], ...], Term]:
    """(variables, body) of a universally quantified term; ((), term) for any other term."""
    if term.kind == "forall":
        return term.name, term.args[0]
    return (), term


# --- printing ----------------------------------------------------------------------------


def smtlib_symbol(name: str) -> str:
    if name and all((c.isascii() and c.isalnum()) or c in "~!@$%^&*_-+=<>.?/" for c in name) and not name[0].isdigit():
        return name
    if "|" in name or "\\" in name:
        raise ValueError(f"symbol {name!r} cannot be written in SMT-LIB")
    return "|" + name + "|"


def smtlib_const(t: Term) -> str:
    v = t.name
    if t.sort == BOOL:
        return "true" if v else "false"
    if t.sort == INT:
        return str(v) if v >= 0 else f"(- {-v})"
    if t.sort == REAL:
        text = f"{abs(v.numerator)}.0" if v.denominator == 1 else f"(/ {abs(v.numerator)}.0 {v.denominator}.0)"
        return text if v >= 0 else f"(- {text})"
    width = bv_width(t.sort)
    if width is not None:
        return f"#x{v:0{width // 4}x}" if width % 4 == 0 else f"#b{v:0{width}b}"
    raise ValueError(f"no literal syntax for sort {t.sort}")


def smtlib(term: Term) -> str:
    """SMT-LIB text; compound subterms used more than once are named by `let`."""
    return _Printer().top(term)


class _Printer:
    def top(self, term: Term) -> str:
        counts: dict[int, int] = {}
        order: list[Term] = []
        self._count(term, counts, order)
        shared = [t for t in order if counts[id(t)] > 1 and t.kind == "app"]
        names: dict[int, str] = {}
        bindings: list[tuple[str, str]] = []
        for t in shared:  # post-order: a shared term's parts are named before it
            text = self._text(t, names, top=True)
            name = f"%s{len(names)}"  # '%' starts no other symbol (the reader refuses it)
            names[id(t)] = name
            bindings.append((name, text))
        body = self._text(term, names, top=True)
        for name, text in reversed(bindings):
            body = f"(let (({name} {text})) {body})"
        return body

    def _count(self, term: Term, counts: dict[int, int], order: list[Term]) -> None:
        stack: list[tuple[Term, bool]] = [(term, False)]
        while stack:
            t, done = stack.pop()
            if done:
                order.append(t)
                continue
            counts[id(t)] = counts.get(id(t), 0) + 1
            if counts[id(t)] > 1 or t.kind in ("forall", "exists"):
                continue  # quantifier bodies are printed (and shared) on their own
            stack.append((t, True))
            stack.extend((a, False) for a in reversed(t.args))

    def _text(self, t: Term, names: dict[int, str], top: bool = False) -> str:
        if not top and id(t) in names:
            return names[id(t)]
        if t.kind == "const":
            return smtlib_const(t)
        if t.kind == "sym":
            return smtlib_symbol(t.name)
        if t.kind in ("forall", "exists"):
            variables = " ".join(f"({smtlib_symbol(n)} {s})" for n, s in t.name)
            return f"({t.kind} ({variables}) {_Printer().top(t.args[0])})"
        head = t.name if t.name in BUILTINS else smtlib_symbol(t.name)
        if not t.args:
            return head
        return f"({head} {' '.join(self._text(a, names) for a in t.args)})"


def declarations(terms: Iterable[Term]) -> list[str]:
    """SMT-LIB declarations of the sorts and functions that `terms` use, in a fixed order."""
    sorts: set[str] = set()
    funcs: dict[str, tuple[tuple[str, ...], str]] = {}
    for term in terms:
        for t in subterms(term):
            if t.kind in ("forall", "exists"):
                sorts.update(s for _, s in t.name)
            sorts.add(t.sort)
        for name, signature in functions(term).items():
            previous = funcs.setdefault(name, signature)
            if previous != signature:
                raise SortError(f"symbol {name} is used with two signatures: {previous} and {signature}")
    lines = [f"(declare-sort {s} 0)" for s in sorted(sorts) if s not in (INT, REAL, BOOL) and not bv_width(s)]
    for name in sorted(funcs):
        args, result = funcs[name]
        lines.append(f"(declare-fun {smtlib_symbol(name)} ({' '.join(args)}) {result})")
    return lines
