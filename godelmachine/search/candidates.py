"""Untrusted candidate generators: cheap guesses at better programs, for techniques to try.

Each generator reads the current solver and returns switchprogs, most promising first: lists
of definitions that replace the solver's, or a new time share for the proof searcher. A
generator may run the solver to filter its guesses (charged to the clock by the caller), but
nothing here is believed: every candidate must still be proved by the kernel.

| kind | what it proposes |
| --- | --- |
| algebraic | local simplifications: x+0, x*1, double negation, constant folding, ifs with a known test, a repeated subexpression bound once by let |
| closed-form | a polynomial in the one integer input, fitted to the solver's outputs, for a solver that loops |
| iterate | a loop with a pair of accumulators for a function defined by an order-1 or order-2 recurrence |
| superopt | small word expressions in size order (with Hacker's Delight idioms as seeds), or comparisons of them, for helpers of one or two words, filtered by test vectors |
| comparators | comparator networks with fewer comparators than the solver's, filtered by the 0-1 principle |
| policy | constant policies, one per action the current policy takes, for a finite instance space |
| prune | a pruning rule for an enumerator's `redundant?` hook, skipping candidates equal to smaller ones |
| share | a smaller time share for the proof searcher |
"""

from __future__ import annotations

import functools
import itertools
import random
from fractions import Fraction
from typing import Any, Callable, Iterable

from godelmachine.lang.program import Program
from godelmachine.lang.reader import from_value, read, to_value
from godelmachine.lang.values import NIL, Nil, Pair, Word, make_list, show, values_equal
from godelmachine.search.polynomials import MAX_DEGREE, common_denominator, evaluate_poly, interpolate

Switchprog = dict[str, Any]  # {"definitions": [datum, ...]} or {"share": Fraction}
Runner = Callable[..., Any]  # runner(program, name, args, fast=True): runs it, charging the caller's clock


def datum(text: str) -> Any:
    (node,) = read(text, "<candidate>")
    return to_value(node)


def clipped(text: str, limit: int = 70) -> str:
    """A switch summary's expression: whole, or cut with an ellipsis that says so (the record's
    switchprog and `after` hold it whole)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def definition(name: str, params: Iterable[str], body: Any) -> Any:
    return make_list(["define", make_list([name, *params]), body])


def replace_definitions(program: Program, switchprog: Switchprog) -> Program:
    """The program after the switchprog (a ValueError if it does not fit): the switch rule's
    (godelmachine/logic/switch.py), for a switchprog given as a dict."""
    from godelmachine.logic.switch import Switchprog as Rule

    return Rule.of(switchprog).apply(program)


# --- algebraic simplification ------------------------------------------------------------

def simplifications(expr: Any) -> list[Any]:
    """Every expression obtained by one simplification somewhere inside `expr`."""
    results: list[Any] = []
    local = simplify_here(expr)
    if local is not None:
        results.append(local)
    if type(expr) is Pair and expr.head != "quote":
        items = list(expr)
        for i, item in enumerate(items):
            if i == 0 and expr.head in ("let", "lambda", "for"):
                continue
            for variant in simplifications(item):
                results.append(make_list(items[:i] + [variant] + items[i + 1:]))
    return results


def simplify_here(e: Any) -> Any:
    if type(e) is not Pair or type(e.head) is not str:
        return None
    items = list(e)
    op, args = items[0], items[1:]
    zero_word = Word(0)
    if op in ("+", "-") and len(args) == 2 and args[1] == 0:
        return args[0]
    if op == "+" and len(args) == 2 and args[0] == 0:
        return args[1]
    if op == "*" and len(args) == 2 and 1 in (args[0], args[1]) and all(type(a) is not bool for a in args):
        return args[1] if args[0] == 1 else args[0]
    if op in ("wor", "wxor", "w+", "w-") and len(args) == 2 and args[1] == zero_word:
        return args[0]
    if op in ("wxor", "w-") and len(args) == 2 and values_equal(args[0], args[1]):
        return zero_word
    if op in ("not", "wnot", "wneg", "neg") and len(args) == 1 and type(args[0]) is Pair and args[0].head == op:
        return list(args[0])[1]
    if op == "if" and len(args) == 3 and type(args[0]) is bool:
        return args[1] if args[0] else args[2]
    if op in ("+", "-", "*") and len(args) == 2 and all(type(a) is int for a in args):
        value = args[0] + args[1] if op == "+" else args[0] - args[1] if op == "-" else args[0] * args[1]
        return value if -(2**63) <= value < 2**63 else None
    return shared_subexpression(e)


def shared_subexpression(e: Any) -> Any:
    """(f (g x) (g x)) -> (let ((t (g x))) (f t t)): a repeated pure subexpression, once."""
    items = list(e)
    if items[0] in ("let", "lambda", "for", "quote", "if", "cond", "and", "or"):
        return None
    for i, a in enumerate(items[1:], 1):
        if type(a) is Pair and a.head not in ("quote",) and any(values_equal(a, b) for b in items[i + 1:]):
            name = "%shared"
            rest = [name if values_equal(x, a) else x for x in items]
            return make_list(["let", make_list([make_list([name, a])]), make_list(rest)])
    return None


def algebraic(program: Program) -> list[Switchprog]:
    found = []
    for d in program.definitions():
        body = list(d.code)[2]
        for variant in simplifications(body):
            code = definition(d.name, d.params, rename_shared(variant, d))
            found.append({"definitions": [code], "summary": f"{d.name}: simplify {clipped(show(body), 40)}"})
    return found


def rename_shared(expr: Any, d: Any) -> Any:
    """Give the let-bound name of a shared subexpression a name no parameter uses."""
    text = show(expr)
    if "%shared" not in text:
        return expr
    taken = set(d.params) | set(text.replace("(", " ").replace(")", " ").split())
    name = next(f"t{i}" for i in itertools.count() if f"t{i}" not in taken)
    return datum(text.replace("%shared", name))


# --- a loop to its closed form -------------------------------------------------------------


def closed_form(program: Program, runner: Runner, lo: int, hi: int) -> list[Switchprog]:
    """For solve(n): a polynomial of degree <= MAX_DEGREE through the outputs at lo, lo+1, ...,
    if one more point agrees, written as integer arithmetic (Horner form, one division)."""
    solve = program.lookup("solve")
    if len(solve.params) != 1:
        return []
    xs = [lo + j for j in range(MAX_DEGREE + 2) if lo + j <= hi]
    if len(xs) < MAX_DEGREE + 2:
        return []
    ys = []
    for x in xs:
        outcome = runner(program, "solve", (x,))
        if outcome.kind != "value" or type(outcome.value) is not int:
            return []
        ys.append(outcome.value)
    coefficients = interpolate(list(zip(xs[:-1], ys[:-1])))
    if evaluate_poly(coefficients, xs[-1]) != ys[-1] or len(coefficients) < 2:
        return []
    scale = common_denominator(coefficients)
    ints = [int(c * scale) for c in coefficients]
    n = solve.params[0]
    found = []
    for body in (horner(ints, n), factored(ints, n)):
        if body is None:
            continue
        if scale != 1:
            body = make_list(["div", body, scale])
        code = definition("solve", [n], body)
        if not any(values_equal(code, f["definitions"][0]) for f in found):
            found.append({"definitions": [code], "summary": f"solve: the loop -> {show(body)}"})
    return found


def horner(coefficients: list[int], n: str) -> Any:
    """c0 + n (c1 + n (c2 + n c3)), dropping zero terms and unit factors."""
    result: Any = None
    for c in reversed(coefficients):
        if result is None:
            result = c
        else:
            product = n if result == 1 else make_list(["*", result, n]) if result != 0 else 0
            result = product if c == 0 else c if product == 0 else make_list(["+", product, c])
    return result


def factored(coefficients: list[int], n: str) -> Any:
    """a n (n + b) for a polynomial a n^2 + a b n (the shape of Gauss's sum), else None."""
    if len(coefficients) != 3 or coefficients[0] != 0 or coefficients[2] == 0 or coefficients[1] % coefficients[2]:
        return None
    a, b = coefficients[2], coefficients[1] // coefficients[2]
    inner = make_list(["*", n, make_list(["+", n, b])]) if b else make_list(["*", n, n])
    return inner if a == 1 else make_list(["*", a, inner])


# --- recursion to iteration ----------------------------------------------------------------


def iterate(program: Program) -> list[Switchprog]:
    """f(n) = (if (< n c) base (op (f (- n 1)) (f (- n 2)))) -> a loop carrying (f(i-2), f(i-1))."""
    found = []
    for d in program.definitions():
        if len(d.params) != 1:
            continue
        n = d.params[0]
        body = list(d.code)[2]
        shape = recurrence(body, d.name, n)
        if shape is None:
            continue
        c, base, op = shape
        seed = [substitute_var(base, n, c - 2), substitute_var(base, n, c - 1)]
        st = "%st"
        step = datum(f"(list (car (cdr {st})) ({op} (car (cdr {st})) (car {st})))")
        loop = make_list(["for", make_list(["%i", c, n]), make_list([st, make_list(["list", *seed])]), step])
        new_body = make_list(["if", make_list(["<", n, c]), base, make_list(["car", make_list(["cdr", loop])])])
        text = show(definition(d.name, [n], new_body)).replace("%st", "st").replace("%i", "i")
        found.append({"definitions": [datum(text)], "summary": f"{d.name}: recursion -> a loop"})
    return found


def recurrence(body: Any, name: str, n: str) -> tuple[int, Any, str] | None:
    items = list(body) if type(body) is Pair else []
    if len(items) != 4 or items[0] != "if":
        return None
    test, base, rec = items[1:]
    test_items = list(test) if type(test) is Pair else []
    if test_items[:2] != ["<", n] or len(test_items) != 3 or type(test_items[2]) is not int:
        return None
    rec_items = list(rec) if type(rec) is Pair else []
    if len(rec_items) != 3 or rec_items[0] not in ("+", "*", "w+"):
        return None
    calls = [list(x) if type(x) is Pair else [] for x in rec_items[1:]]
    wanted = [datum(f"({name} (- {n} 1))"), datum(f"({name} (- {n} 2))")]
    if not all(values_equal(make_list(c), w) for c, w in zip(calls, wanted)):
        return None
    return test_items[2], base, rec_items[0]


def substitute_var(expr: Any, name: str, value: Any) -> Any:
    if expr == name:
        return value
    if type(expr) is Pair:
        return make_list([substitute_var(x, name, value) for x in expr])
    return expr


# --- superoptimization on words --------------------------------------------------------------

IDIOMS = [  # Hacker's Delight identities, as one-word-argument expressions of x
    "(wand x (wneg x))",  # isolate the lowest set bit
    "(wand x (w- x #x00000001))",  # clear the lowest set bit
    "(wor x (w- x #x00000001))",  # set the trailing zeros
    "(if (= (wand x (w- x #x00000001)) #x00000000) #x00000001 #x00000000)",  # power of two, but wrong at 0
    "(if (wult (w- x #x00000001) (wand x (wneg x))) #x00000001 #x00000000)",  # power of two
    "(if (and (not (= x #x00000000)) (= (wand x (w- x #x00000001)) #x00000000)) #x00000001 #x00000000)",  # power of two
    "(let ((a (w- x (wand (wshr x 1) #x55555555))) (b (w+ (wand a #x33333333) (wand (wshr a 2) #x33333333))) "
    "(c (wand (w+ b (wshr b 4)) #x0f0f0f0f))) (wshr (w* c #x01010101) 24))",  # population count (SWAR)
    "(word (nth '(0 1 28 2 29 14 24 3 30 22 20 15 25 17 4 8 31 27 13 23 21 19 16 7 26 12 18 6 11 5 10 9) "
    "(word->int (wshr (w* (wand x (wneg x)) #x077cb531) 27))))",  # trailing zeros, de Bruijn (wrong at 0)
    "(let ((y (w- (wand x (wneg x)) #x00000001))) (let ((a (w- y (wand (wshr y 1) #x55555555))) "
    "(b (w+ (wand a #x33333333) (wand (wshr a 2) #x33333333))) (c (wand (w+ b (wshr b 4)) #x0f0f0f0f))) "
    "(wshr (w* c #x01010101) 24)))",  # trailing zeros: popcount((x & -x) - 1)
]

_UNARY = ["wneg", "wnot"]
_BINARY = ["wand", "wor", "wxor", "w+", "w-"]
_COMMUTATIVE = ("wand", "wor", "wxor", "w+", "=")
_CONSTANTS = ["#x00000000", "#x00000001", "#xffffffff"]
_COMPARISONS = ["wult", "wule", "="]  # the tops of candidates for a helper that answers a boolean


def word_levels(max_ops: int, variables: tuple[str, ...] = ("x",)) -> list[list[Any]]:
    """Expressions in the variables (as data), level n holding those of n operations. Left out:
    those equal to a smaller or another enumerated one by a plain identity (see `redundant`)."""
    levels = [[datum(text) for text in [*variables, *_CONSTANTS]]]
    for size in range(1, max_ops + 1):
        level = [make_list([op, e]) for op in _UNARY for e in levels[size - 1] if not redundant(op, e)]
        for left in range(size):
            level += [make_list([op, a, b]) for op in _BINARY for a in levels[left] for b in levels[size - 1 - left]
                      if not redundant(op, a, b)]
        levels.append(level)
    return levels


def word_expressions(max_ops: int, variables: tuple[str, ...] = ("x",)) -> Iterable[Any]:
    """Expressions in the variables by number of operations, leaves first."""
    for level in word_levels(max_ops, variables):
        yield from level


def comparisons(max_ops: int, variables: tuple[str, ...] = ("x",)) -> Iterable[Any]:
    """(wult a b), (wule a b) and (= a b) of word expressions, by number of operations, the
    comparison counted as one."""
    levels = word_levels(max_ops - 1, variables)
    for size in range(max_ops):
        for left in range(size + 1):
            yield from (make_list([op, a, b]) for op in _COMPARISONS for a in levels[left] for b in levels[size - left]
                        if not redundant(op, a, b))


def redundant(op: str, *args: Any) -> bool:
    """Is (op args...) equal to a smaller expression, or to one of the same size that is kept?
    An operation on constants alone; a unary one on a unary one (-(-x) = x, -(~x) = x + 1, ...);
    a binary one with the constant 0 or -1 (x & 0 = 0, x + -1 = x - 1, 0 - x = -x, ...) or the
    same operand twice (x & x = x, x - x = 0; x + x stays); the second order of a commutative pair."""
    if all(type(a) is Word for a in args):
        return True
    if len(args) == 1:
        return type(args[0]) is Pair and args[0].head in _UNARY
    a, b = args
    if any(type(c) is Word and c.bits in (0, 0xFFFFFFFF) for c in args):
        return True
    if values_equal(a, b):
        return op != "w+"
    return op in _COMMUTATIVE and _order(a) > _order(b)


def _order(e: Any) -> tuple[int, str]:
    """Of a commutative pair, the order kept: variables, then operations, then constants."""
    return (0 if type(e) is str else 2 if type(e) is Word else 1), show(e)


# Test vectors: pseudo-random words (a fixed seed) and a few powers of two and masks, as a
# superoptimizer tests its candidates. They leave out 0 on purpose: only the kernel's proof is
# believed, and a candidate that is wrong only at 0 must be caught there. Pairs, for helpers of
# two words, have all numbers of leading zeros: the same number in one pair of three, numbers
# one apart in another.
TEST_WORDS = [random.Random(2011).getrandbits(32) | 1 << (i % 32) for i in range(20)] + \
    [1, 2, 8, 0x10000, 0x80000000, 0xFFFFFFFF, 0x80000001, 0x00F00000]


def _test_pairs(count: int) -> list[tuple[int, int]]:
    rng = random.Random(2011)
    pairs = []
    for i in range(count):
        s = rng.randrange(32)
        t = [s, min(31, max(0, s + rng.choice((-1, 1)))), rng.randrange(32)][i % 3]
        pairs.append(((rng.getrandbits(32) | 1 << 31) >> s, (rng.getrandbits(32) | 1 << 31) >> t))
    return pairs + [(1, 1), (1, 2), (2, 1), (0xFFFFFFFF, 1), (0x80000000, 0x7FFFFFFF), (0x12345678, 0x12345678)]


TEST_PAIRS = _test_pairs(30)


@functools.lru_cache(maxsize=32)
def probes(boolean: bool, max_ops: int, params: tuple[str, ...], seeds: bool) -> tuple[tuple[Any, Program], ...]:
    """superopt's pool for a helper with these parameters, each expression with its program
    `(define (probe params...) expr)`: the same on every call, so made once (a run asks for it
    in every epoch, and making it costs more than testing it)."""
    if boolean:
        pool = list(comparisons(max_ops, params))
    else:
        idioms = [datum(text) for text in IDIOMS] if seeds and len(params) == 1 else []
        pool = idioms + list(word_expressions(max_ops, params if len(params) == 2 else ("x",)))
    made = []
    for expression in pool:
        expr = substitute_var(expression, "x", params[0]) if len(params) == 1 else expression
        made.append((expr, Program.from_nodes([from_value(definition("probe", params, expr))])))
    return tuple(made)
PER_HELPER = 4  # candidates kept for each helper, the cheapest of different behaviours
SUPEROPT_OPS = 3  # operations in the largest enumerated expression


def superopt(program: Program, runner: Runner, max_ops: int = SUPEROPT_OPS, seeds: bool = True,
             tests: list[int] | None = None) -> list[Switchprog]:
    """For each helper of one or two words that answers a word or a boolean: replacements that
    agree on the test vectors, in size order (idioms first, then enumerated expressions; a
    comparison of word expressions for a boolean helper)."""
    found = []
    for d in program.definitions():
        if d.name == "solve" or len(d.params) not in (1, 2):
            continue
        if len(d.params) == 1:
            vectors = [(Word(t),) for t in (TEST_WORDS if tests is None else tests)]
        else:
            vectors = [(Word(s), Word(t)) for s, t in TEST_PAIRS]
        wanted = []
        for args in vectors:
            outcome = runner(program, d.name, args)
            if outcome.kind != "value" or type(outcome.value) not in (Word, bool):
                break
            wanted.append(outcome.value)
        else:
            if len({type(w) for w in wanted}) != 1:
                continue
            old_cost = sum(runner(program, d.name, args).steps for args in vectors)
            mine: list[Switchprog] = []
            for expr, probe in probes(type(wanted[0]) is bool, max_ops, tuple(d.params), seeds):
                cost = 0
                for args, w in zip(vectors, wanted):  # stop at the first test the probe fails
                    result = runner(probe, "probe", args, False)
                    cost += result.steps
                    if result.kind != "value" or not values_equal(result.value, w):
                        break
                else:
                    if cost < old_cost:
                        mine.append({"definitions": [definition(d.name, d.params, expr)], "cost": cost,
                                     "summary": f"{d.name}: -> {clipped(show(expr))}"})
            mine.sort(key=lambda sp: (sp["cost"], len(show(sp["definitions"][0]))))  # cheapest first
            unique: list[Switchprog] = []
            for sp in mine:
                if not any(values_equal(sp["definitions"][0], u["definitions"][0]) for u in unique):
                    unique.append(sp)
            found += unique[:PER_HELPER]
    found.sort(key=lambda sp: sp["cost"])
    return found


# --- comparator networks -------------------------------------------------------------------


def network_of(program: Program) -> tuple[list[str], list[tuple[int, int]]] | None:
    """The comparators of (define (solve a b ...) (let ((x (min p q)) (y (max p q)) ...) (list ...)))."""
    solve = program.lookup("solve")
    body = list(solve.code)[2]
    items = list(body) if type(body) is Pair else []
    if len(items) != 3 or items[0] != "let":
        return None
    wires = list(solve.params)
    where = {w: i for i, w in enumerate(wires)}
    comparators = []
    bindings = [list(b) for b in items[1]]
    if len(bindings) % 2:
        return None
    for low, high in zip(bindings[::2], bindings[1::2]):
        lo_expr, hi_expr = list(low[1]), list(high[1])
        if lo_expr[0] != "min" or hi_expr[0] != "max" or lo_expr[1:] != hi_expr[1:]:
            return None
        i, j = where.get(lo_expr[1]), where.get(lo_expr[2])
        if i is None or j is None:
            return None
        comparators.append((min(i, j), max(i, j)))
        where[low[0]], where[high[0]] = min(i, j), max(i, j)
    return wires, comparators


def render_network(params: list[str], comparators: list[tuple[int, int]]) -> Any:
    names = list(params)
    bindings = []
    for k, (i, j) in enumerate(comparators):
        lo, hi = f"l{k}", f"h{k}"
        bindings += [f"({lo} (min {names[i]} {names[j]}))", f"({hi} (max {names[i]} {names[j]}))"]
        names[i], names[j] = lo, hi
    return datum(f"(define (solve {' '.join(params)}) (let ({' '.join(bindings)}) (list {' '.join(names)})))")


def sorts_all_zero_one(width: int, comparators: list[tuple[int, int]]) -> bool:
    for bits in itertools.product((0, 1), repeat=width):
        values = list(bits)
        for i, j in comparators:
            values[i], values[j] = min(values[i], values[j]), max(values[i], values[j])
        if values != sorted(values):
            return False
    return True


def comparators(program: Program, limit: int = 5000) -> list[Switchprog]:
    """Networks with one comparator fewer: first the current one with one removed, then any
    network of that size (in a fixed order), that sort every 0-1 input."""
    parsed = network_of(program)
    if parsed is None:
        return []
    wires, network = parsed
    width, size = len(wires), len(network) - 1
    found: list[list[tuple[int, int]]] = []
    for k in range(len(network)):
        smaller = network[:k] + network[k + 1:]
        if sorts_all_zero_one(width, smaller) and smaller not in found:
            found.append(smaller)
    pairs = [(i, j) for i in range(width) for j in range(i + 1, width)]
    for count, candidate in enumerate(itertools.product(pairs, repeat=size)):
        if count >= limit * 10 or len(found) >= 3:
            break
        network_candidate = list(candidate)
        if network_candidate not in found and sorts_all_zero_one(width, network_candidate):
            found.append(network_candidate)
    return [{"definitions": [render_network(wires, n)], "summary": f"solve: {len(network)} -> {len(n)} comparators"}
            for n in found]


# --- policies ----------------------------------------------------------------------------


def policies(program: Program, runner: Runner, points: list[tuple]) -> list[Switchprog]:
    """Constant policies, one per action the current policy takes on the (finite) support."""
    solve = program.lookup("solve")
    actions: list[Any] = []
    for point in points:
        outcome = runner(program, "solve", point)
        if outcome.kind == "value" and type(outcome.value) is int and outcome.value not in actions:
            actions.append(outcome.value)
    return [{"definitions": [definition("solve", solve.params, a)], "summary": f"solve: always action {a}"}
            for a in sorted(actions, reverse=True)]


# --- pruning an enumerator ---------------------------------------------------------------

PRUNING_RULES = [
    # (op l r) equal to a smaller candidate: l + 0, 0 + r, l * 1, 1 * r, anything * 0, and of the
    # two orders of a commutative pair the one whose left side weighs more
    "(define (redundant? op l r) (or (and (= op '+) (or (equal? r 0) (equal? l 0))) "
    "(and (= op '*) (or (equal? r 1) (equal? l 1) (equal? r 0) (equal? l 0))) (bigger? l r)))",
    # only the identities on the right
    "(define (redundant? op l r) (or (and (= op '+) (equal? r 0)) (and (= op '*) (equal? r 1))))",
]


def pruning(program: Program) -> list[Switchprog]:
    """Pruning rules for an enumerator whose redundant? hook prunes nothing yet."""
    if "redundant?" not in program or "bigger?" not in program:
        return []
    if list(program.lookup("redundant?").code)[2] is not False:
        return []
    return [{"definitions": [datum(rule)], "summary": "redundant?: skip candidates equal to smaller ones"}
            for rule in PRUNING_RULES]


# --- the proof searcher's own share --------------------------------------------------------


def share_cuts(current: Fraction) -> list[Switchprog]:
    return [{"share": Fraction(0), "summary": f"proof search share {current} -> 0"}] if current > 0 else []


__all__ = ["Switchprog", "replace_definitions", "algebraic", "closed_form", "iterate", "superopt", "comparators",
           "policies", "pruning", "share_cuts", "NIL", "Nil"]
