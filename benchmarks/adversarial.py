"""The adversarial rewrite campaign: mutated rewrites submitted as switches, in both acceptance modes.

The proof-gated machine promises never to apply a rewrite it has not proved to raise its
expected utility. This benchmark attacks that promise. It starts from correct rewrites of the
built-in tasks (the switches the machine itself makes, and a few equivalent forms), mutates
their code deterministically from a seed, and submits every candidate as a switch:

- **proof mode**: the proof searcher's own path (`godelmachine.search.submit`): set the
  switchprog, prove it with the library procedure the task's technique uses (facts, the
  obligations, reward-order, costs, target) within a stated budget of steps, then `check`.
  Accepted means `check` accepted the kernel's target theorem for exactly this switchprog.
- **empirical mode** (`--accept empirical`, unsound on purpose): what `check-empirically`
  decides, on the sample the machine would draw: accepted if the candidate agrees with the
  current solver on 16 instances from the task's distribution and takes fewer steps on them.
  The current solver's outcomes are kept across candidates (16 runs of sum-to-n's
  million-step loop per candidate would dominate the campaign); the test checks that this
  gives the searcher's own `check-empirically` decision on a slice.

The ground truth judges every candidate against the original solver by running both with the
interpreter: on every instance where the support is small (fib, induce), else on a large random
sample from the task's distribution plus the support's edge points (0, all-ones, single bits, the
range's ends, the masked values) and the points the mutation planted. A candidate is *wrong* if
it differs in output, traps or runs out of steps on an instance where the original answers; a
correct one is *better* if its mean cost on the sample is lower than the current solver's.
Every candidate runs on its probes and the edges first, then on the sample: all of it
(`SAMPLE`) if proof mode accepted it, `EMPIRICAL_TRUTH` instances if only the empirical mode
did, `SCREEN` otherwise. The figure is proof-accepted wrong, which must be zero, beside
empirical-accepted wrong.

The current solver is the task's initial one, except where the machine proves its rewrites in
a sequence (bits: isolate-lowest, then clear-lowest, then power-of-two, then popcount): a
base's candidates are then submitted to a machine that has made the earlier switches, each by
its own proof (`Stage`). The proof budget of each task is the smallest we found (trying a few
values) at which every unmutated rewrite of the task is proved, except induce's second rule,
which is correct and proved not to pay.

Mutation kinds: `constant` (changed constants and masks), `off-by-one` (+-1 on literals, bounds
and subexpressions, < against <=, a neighbouring wire), `swap` (operands, operators, branches,
list elements, let bindings), `divergence` (a wrong answer planted on one instance), `cost`
(extra work on a subset of the instances: correct, slower there), `trap` (a division by zero at
one instance or an overflow on a subset, where the original never traps), and `original` (the
unmutated rewrites, which proof mode should accept).

Two more kinds try the other doors a harmful switch could take (benchmarks/adversarial_doors.py,
where the generation and the judgement are written down): `share` (switchprogs that set a
search share in and out of [0, 1), with correct, mutated, no and slower code) and `axioms`
(rewrites submitted to a machine that loaded generated user axiom files: false facts about the
solver, facts about the kernel's symbols, false lemmas, inconsistent pairs, true controls). The
full campaign runs them with the mutations; `python -m benchmarks adversarial_doors` runs them
alone.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from godelmachine.cli.sweep import run_with_bar
from godelmachine.jobs import Job, values
from godelmachine.lang.compiler import FastAbort, FastBudget, compiled
from godelmachine.lang.execute import deep_recursion, run
from godelmachine.lang.primitives import BASE
from godelmachine.lang.program import Program
from godelmachine.lang.values import Nil, Pair, Trap, Word, make_list, show, values_equal
from godelmachine.logic.kernel import term_value
from godelmachine.machine.axiom_set import task_axioms
from godelmachine.machine.machine import Machine, RunResult
from godelmachine.machine.task import Task, load_task
from godelmachine.search.candidates import datum, replace_definitions
from godelmachine.search.searcher import EMPIRICAL_SAMPLE
from godelmachine.search.submit import Submission, submit

KINDS = ("original", "constant", "off-by-one", "swap", "divergence", "cost", "trap")
DOOR_KINDS = ("share", "axioms")  # the doors' kinds (benchmarks/adversarial_doors.py)
SEED = 0
SAMPLE = 100_000  # random instances of the ground truth: every candidate proof mode accepts is run on all
EMPIRICAL_TRUTH = 20_000  # the part of the sample a candidate only the empirical mode accepts is run on
SCREEN = 2_000  # the part every other candidate is run on (after its probes and the edges)
TRUTH_BUDGET = 10_000_000  # steps of one run in the ground truth; more is out of steps, hence wrong
WORD = 0xFFFFFFFF


# --- the correct rewrites the mutations start from ------------------------------------------


def lift_solve(point: tuple) -> list[tuple]:
    return [point]


def lift_none(point: tuple) -> list[tuple]:
    """No instance to aim at (induce's hook sees expressions; its support is run whole anyway)."""
    return []


def lift_bits(point: tuple) -> list[tuple]:
    """A helper's word x, as an instance (op, x) of each op (the helpers call each other)."""
    return [(op, point[0]) for op in range(4)]


def lift_rare(point: tuple) -> list[tuple]:
    """A helper's word y = x & m, as the instances (y, all ones) and (y, 0)."""
    return [(point[0], Word(WORD)), (point[0], Word(0))]


@dataclass(frozen=True)
class Plan:
    """A task, the proof procedure its technique uses, the budget, and its correct rewrites."""

    task: str
    proof: str  # symbolic | evaluation: the facts of the task's technique (closed-form, iterate, ...)
    budget: int  # steps one candidate's proof may take on the clock
    weight: int  # the task's share of the candidates
    bases: tuple[str, ...]  # correct switchprogs, one definition each; the first is the machine's own switch
    helper_types: tuple[tuple[str, tuple[str, ...]], ...] = ()  # parameter types of helpers (solve: the task's)
    lift: Callable[[tuple], list[tuple]] = lift_solve
    after: tuple[tuple[int, ...], ...] = ()  # for each base, the bases the machine switches in before it


SWAR = ("(let ((a (w- {x} (wand (wshr {x} 1) #x55555555))) (b (w+ (wand a #x33333333) (wand (wshr a 2) #x33333333))) "
        "(c (wand (w+ b (wshr b 4)) #x0f0f0f0f))) (wshr (w* c #x01010101) 24))")

PLANS = (
    Plan("sum-to-n", "symbolic", 200_000, 10, (
        "(define (solve n) (div (* (+ n 1) n) 2))",
        "(define (solve n) (div (* n (+ n 1)) 2))",
        "(define (solve n) (div (+ (* n n) n) 2))",
    )),
    Plan("fib", "evaluation", 800_000, 16, (
        "(define (solve n) (if (< n 2) n (car (cdr (for (i 2 n) (st (list 0 1)) "
        "(list (car (cdr st)) (+ (car (cdr st)) (car st))))))))",
        "(define (solve n) (car (for (i 1 n) (p (list 0 1)) (list (car (cdr p)) (+ (car p) (car (cdr p)))))))",
    )),
    Plan("bits", "symbolic", 4_000_000, 16, (
        "(define (isolate-lowest x) (wand x (wneg x)))",
        "(define (clear-lowest x) (wand x (w- x #x00000001)))",
        "(define (power-of-two x) (if (wult (w- x #x00000001) (wand x (wneg x))) #x00000001 #x00000000))",
        "(define (power-of-two x) (if (and (not (= x #x00000000)) (= (wand x (w- x #x00000001)) #x00000000)) "
        "#x00000001 #x00000000))",
        f"(define (popcount x) {SWAR.format(x='x')})",
    ), (("isolate-lowest", ("word",)), ("clear-lowest", ("word",)), ("power-of-two", ("word",)),
        ("popcount", ("word",))), lift_bits, ((), (0,), (0, 1), (0, 1), (0, 1, 2))),
    Plan("rare", "symbolic", 8_000_000, 14, (
        "(define (power-of-two y) (if (wult (w- y #x00000001) (wand y (wneg y))) #x00000001 #x00000000))",
        "(define (power-of-two y) (if (and (not (= y #x00000000)) (= (wand y (w- y #x00000001)) #x00000000)) "
        "#x00000001 #x00000000))",
        f"(define (popcount y) {SWAR.format(x='y')})",
    ), (("power-of-two", ("word",)), ("popcount", ("word",))), lift_rare),
    Plan("sort4", "symbolic", 500_000, 18, (
        "(define (solve a b c d) (let ((l0 (min a b)) (h0 (max a b)) (l1 (min c d)) (h1 (max c d)) (l2 (min l0 l1)) "
        "(h2 (max l0 l1)) (l3 (min h0 h1)) (h3 (max h0 h1)) (l4 (min l3 h2)) (h4 (max l3 h2))) (list l2 l4 h4 h3)))",
        "(define (solve a b c d) (let ((l0 (min a c)) (h0 (max a c)) (l1 (min b d)) (h1 (max b d)) (l2 (min l0 l1)) "
        "(h2 (max l0 l1)) (l3 (min h0 h1)) (h3 (max h0 h1)) (l4 (min h2 l3)) (h4 (max h2 l3))) (list l2 l4 h4 h3)))",
    )),
    Plan("induce", "evaluation", 2_000_000, 8, (
        "(define (redundant? op l r) (or (and (= op (quote +)) (or (equal? r 0) (equal? l 0))) (and (= op (quote *)) "
        "(or (equal? r 1) (equal? l 1) (equal? r 0) (equal? l 0))) (bigger? l r)))",
        "(define (redundant? op l r) (or (and (= op (quote +)) (equal? r 0)) (and (= op (quote *)) (equal? r 1))))",
    ), (("redundant?", ("symbol", "any", "any")),), lift_none),
)
PLAN = {p.task: p for p in PLANS}

# Wrong rewrites that need no mutation: the cheapest power-of-two idiom, wrong at 0 only (the
# README's example of a rewrite that the empirical mode takes on `rare`).
NATURAL = {
    "rare": ["(define (power-of-two y) (if (= (wand y (w- y #x00000001)) #x00000000) #x00000001 #x00000000))"],
    "bits": ["(define (power-of-two x) (if (= (wand x (w- x #x00000001)) #x00000000) #x00000001 #x00000000))"],
}


# --- code as trees -------------------------------------------------------------------------
#
# A definition's code as nested Python lists (ints, Words, booleans, symbols as str), so that
# a mutation is a copy with one node replaced. Only expression positions are mutated: never a
# parameter, a let or loop variable name, a quoted datum or a form's keyword.

Tree = Any
Path_ = tuple[int, ...]
SPECIAL = {"if", "cond", "and", "or", "let", "lambda", "for", "quote", "else"}


def tree(value: Any) -> Tree:
    if type(value) is Pair or type(value) is Nil:
        return [tree(v) for v in value]
    return value


def untree(t: Tree) -> Any:
    return make_list([untree(x) for x in t]) if isinstance(t, list) else t


def text(t: Tree) -> str:
    """The tree as `show` prints its datum (a faster printer for the atoms mutations make)."""
    if isinstance(t, list):
        return "(" + " ".join(text(x) for x in t) + ")"
    if type(t) is bool:
        return "#t" if t else "#f"
    if type(t) is Word:
        return f"#x{t.bits:08x}"
    return str(t)


def positions(e: Tree, path: Path_ = ()) -> Iterator[tuple[Path_, Tree]]:
    """Every expression position inside e (e itself first), with its path."""
    yield path, e
    if not isinstance(e, list) or not e:
        return
    head = e[0]
    if head == "quote":
        return
    if head == "let":  # (let ((name value) ...) body)
        for i, binding in enumerate(e[1]):
            yield from positions(binding[1], path + (1, i, 1))
        yield from positions(e[2], path + (2,))
    elif head == "lambda":
        yield from positions(e[2], path + (2,))
    elif head == "for":  # (for (i lo hi) (acc init) body)
        yield from positions(e[1][1], path + (1, 1))
        yield from positions(e[1][2], path + (1, 2))
        yield from positions(e[2][1], path + (2, 1))
        yield from positions(e[3], path + (3,))
    elif head == "cond":
        for i, clause in enumerate(e[1:], 1):
            for j, part in enumerate(clause):
                if not (j == 0 and part == "else"):
                    yield from positions(part, path + (i, j))
    else:
        for i in range(1 if isinstance(head, str) else 0, len(e)):
            yield from positions(e[i], path + (i,))


def put(t: Tree, path: Path_, new: Tree) -> Tree:
    if not path:
        return new
    copy = list(t)
    copy[path[0]] = put(t[path[0]], path[1:], new)
    return copy


def calls(body: Tree) -> list[tuple[Path_, Tree]]:
    """Positions holding a call of a primitive or a definition (not a special form)."""
    return [(p, e) for p, e in positions(body)
            if isinstance(e, list) and e and isinstance(e[0], str) and e[0] not in SPECIAL]


def literals(body: Tree) -> list[tuple[Path_, Tree]]:
    return [(p, e) for p, e in positions(body) if (type(e) is int) or type(e) is Word]


def type_of(e: Tree, env: dict[str, str]) -> str | None:
    """The type of an expression where it is evident (literals, typed names, primitives)."""
    if type(e) is bool:
        return "bool"
    if type(e) is int:
        return "int"
    if type(e) is Word:
        return "word"
    if isinstance(e, str):
        return env.get(e)
    if not isinstance(e, list) or not e:
        return None
    head = e[0]
    if head == "if":
        return type_of(e[2], env) or type_of(e[3], env)
    if head in ("and", "or"):
        return "bool"
    if head == "let":
        inner = dict(env)
        for name, value in e[1]:
            inner[name] = type_of(value, inner) or ""
        return type_of(e[2], inner)
    if head == "for":
        return type_of(e[2][1], env)
    if isinstance(head, str) and head in BASE and BASE[head].result in ("int", "word", "bool", "list"):
        return BASE[head].result
    return None


def scope_types(body: Tree, path: Path_, env: dict[str, str]) -> dict[str, str]:
    """The evident types of the names bound at `path` (parameters, let and loop variables)."""
    env = dict(env)
    node = body
    for i in path:
        if isinstance(node, list) and node and node[0] == "let" and i == 2:
            for name, value in node[1]:
                env[name] = type_of(value, env) or ""
        elif isinstance(node, list) and node and node[0] == "for" and i == 3:
            env[node[1][0]] = "int"
            env[node[2][0]] = type_of(node[2][1], env) or ""
        node = node[i]
    return env


# --- mutations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """The definition a base rewrite replaces: its name, parameters and their types."""

    name: str
    params: tuple[str, ...]
    types: tuple[str, ...]
    body: Tree


@dataclass(frozen=True)
class Candidate:
    index: int  # position in the campaign (task by task, kind by kind)
    task: str
    kind: str
    base: int  # which of the plan's bases it mutates
    code: str  # the switchprog: one (define ...), or "" (a switchprog that only sets the share)
    probes: tuple[tuple, ...] = ()  # instances the mutation aims at (a planted point, a constant's neighbours)
    # the doors (benchmarks/adversarial_doors.py): a share the switchprog sets, as (numerator,
    # denominator) written into `(share p q)`; the proof procedure, if not the plan's; the stage
    # ("" before the base's switch, "after" with the base switched in); the user axiom files a
    # run loads ((name, text) pairs) and how they reach it ("run": --axioms, "add": installed
    # one by one with `godelmachine axioms add`); and a label saying what was tried
    share: tuple[int, int] | None = None
    proof: str = ""
    stage: str = ""
    axioms: tuple[tuple[str, str], ...] = ()
    door: str = "run"
    label: str = ""


class Mutator:
    """Mutations of one base definition, drawn from a seeded random stream."""

    def __init__(self, task: Task, plan: Plan, definition: Definition) -> None:
        self.task, self.plan, self.d = task, plan, definition
        self.env = dict(zip(definition.params, definition.types))

    # points in the definition's parameter space, and conditions on them

    def point(self, rng: random.Random) -> tuple:
        if self.d.name == "solve":
            return tuple(self.value(rng, t, m) for t, m in zip(self.d.types, self.task.distribution.marginals))
        return tuple(self.value(rng, t, None) for t in self.d.types)

    def value(self, rng: random.Random, type_: str, marginal: Any) -> Any:
        if marginal is not None and marginal.kind == "uniform-int":
            return rng.randint(marginal.lo, marginal.hi)
        if marginal is not None and marginal.kind == "finite":
            return rng.choice([term_value(v) for _, v in marginal.table])
        if type_ == "word":
            special = [0, 1, WORD, 0x80000000, 0x7FFFFFFF, 1 << rng.randrange(32), (1 << rng.randrange(32)) - 1]
            return Word(rng.choice(special) if rng.random() < 0.3 else rng.getrandbits(32))
        if type_ == "symbol":
            return rng.choice(["+", "*"])
        return rng.choice(["x", 0, 1, 2, 3])  # induce's leaves

    def literal(self, v: Any) -> Tree:
        return ["quote", v] if isinstance(v, str) else v

    def equals(self, name: str, type_: str, v: Any) -> Tree:
        return ["equal?", name, self.literal(v)] if type_ == "any" else ["=", name, self.literal(v)]

    def at(self, point: tuple) -> Tree:
        tests = [self.equals(n, t, v) for n, t, v in zip(self.d.params, self.d.types, point)]
        return tests[0] if len(tests) == 1 else ["and", *tests]

    def probes(self, points: Sequence[tuple]) -> tuple[tuple, ...]:
        return tuple(i for p in points for i in self.plan.lift(p))

    def subset(self, rng: random.Random) -> tuple[Tree, list[tuple]]:
        """A condition that holds on a part of the instances, and points on its boundary."""
        i = rng.randrange(len(self.d.params))
        name, type_ = self.d.params[i], self.d.types[i]
        marginal = self.task.distribution.marginals[i] if self.d.name == "solve" else None
        base = self.point(rng)
        if marginal is not None and marginal.kind == "uniform-int":
            k = rng.randint(marginal.lo, marginal.hi)
            test = rng.choice([["<", name, k], [">", name, k], ["=", ["mod", name, rng.choice([2, 3, 7, 64, 1000])], 0]])
            return test, [base[:i] + (v,) + base[i + 1:] for v in (k - 1, k, k + 1) if marginal.lo <= v <= marginal.hi]
        if type_ == "word":
            mask = 0
            for _ in range(rng.randint(1, 10)):
                mask |= 1 << rng.randrange(32)
            if rng.random() < 0.7:
                return ["=", ["wand", name, Word(mask)], Word(0)], [base[:i] + (Word(0),) + base[i + 1:]]
            k = Word(rng.getrandbits(32))
            return ["wult", name, k], [base[:i] + (k,) + base[i + 1:]]
        if type_ == "symbol":
            return ["=", name, ["quote", rng.choice(["+", "*"])]], []
        if type_ == "any":
            return rng.choice([["symbol?", name], ["equal?", name, rng.randint(0, 3)]]), []
        return ["=", name, self.literal(base[i])], [base]

    # the kinds

    def mutate(self, kind: str, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        body = self.d.body
        if kind in ("constant", "off-by-one", "swap"):
            step = getattr(self, kind.replace("-", "_"))
            result = step(body, rng)
            if result is not None and rng.random() < 0.3:  # sometimes two of the same kind
                again = step(result[0], rng)
                if again is not None:
                    result = (again[0], result[1] + again[1])
            return result
        return getattr(self, kind)(body, rng)

    def constant(self, body: Tree, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        """A literal or a mask changed (by more than one: +-1 is off-by-one's)."""
        found = literals(body)
        if not found:
            return None
        path, c = rng.choice(found)
        if type(c) is Word:
            b = c.bits
            options = [b ^ (1 << rng.randrange(32)), b ^ (0xF << 4 * rng.randrange(8)), (b << 1) & WORD, b >> 1,
                       ~b & WORD, 0, WORD, rng.getrandbits(32), b ^ (1 << rng.randrange(32)) ^ (1 << rng.randrange(32))]
            new: Any = Word(rng.choice([o for o in options if (o - b) & WORD not in (0, 1, WORD)] or [b ^ 0x10]))
        else:
            options = [c + 2, c - 2, 2 * c, c // 2, -c, 0, c + rng.randint(3, 100), c - rng.randint(3, 100),
                       rng.randint(-10**6, 10**6), 3 * c, c * 10]
            new = rng.choice([o for o in options if abs(o - c) > 1] or [c + 5])
        return put(body, path, new), self.neighbours(body, path, [c, new])

    def neighbours(self, body: Tree, path: Path_, values: list[Any]) -> tuple[tuple, ...]:
        """Instances where a changed constant may show: the constants and their neighbours,
        for the parameter they are compared with (integers), or as the word itself."""
        points = []
        for v in values:
            for d in (-1, 0, 1):
                if type(v) is int:
                    points += [tuple(v + d if t == "int" else p for t, p in zip(self.d.types, self.point(random.Random(v))))]
                elif type(v) is Word:
                    points += [tuple(Word(v.bits + d) if t == "word" else p
                                     for t, p in zip(self.d.types, self.point(random.Random(v.bits))))]
        return self.probes([p for p in points if self.in_support(p)])

    def in_support(self, point: tuple) -> bool:
        if self.d.name != "solve":
            return True
        for v, m in zip(point, self.task.distribution.marginals):
            if m.kind == "uniform-int" and not (type(v) is int and m.lo <= v <= m.hi):
                return False
            if m.kind == "finite" and not any(values_equal(v, term_value(w)) for _, w in m.table):
                return False
        return True

    def off_by_one(self, body: Tree, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        """+-1 on a literal or a subexpression, < against <=, or the neighbouring wire (l3 -> l2)."""
        options: list[Callable[[], tuple[Tree, tuple[tuple, ...]] | None]] = []
        strict = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "wult": "wule", "wule": "wult", "wslt": "wsle",
                  "wsle": "wslt"}
        for path, e in calls(body):
            if e[0] in strict:
                options.append(lambda path=path, e=e: (put(body, path, [strict[e[0]], *e[1:]]), ()))
        for path, e in literals(body):
            d = rng.choice([1, -1])
            new = Word(e.bits + d) if type(e) is Word else e + d
            options.append(lambda path=path, e=e, new=new: (put(body, path, new), self.neighbours(body, path, [e, new])))
        for path, e in positions(body):
            if path and isinstance(e, list) and e and e[0] not in ("quote",):
                kind = type_of(e, scope_types(body, path, self.env))
                op = {"int": ("+", "-", 1), "word": ("w+", "w-", Word(1))}.get(kind or "")
                if op is not None:
                    options.append(lambda path=path, e=e, op=op: (put(body, path, [rng.choice(op[:2]), e, op[2]]), ()))
            if isinstance(e, str) and e[-1:].isdigit() and e not in self.d.params:
                stem, digit = e.rstrip("0123456789"), int(e[len(e.rstrip("0123456789")):])
                options.append(lambda path=path, stem=stem, digit=digit:
                               (put(body, path, f"{stem}{max(0, digit + rng.choice([1, -1]))}"), ()))
        return rng.choice(options)() if options else None

    def swap(self, body: Tree, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        """Operands, operators (min/max, +/-, and/or, shifts), if branches, list elements, let bindings."""
        options: list[Tree] = []
        dual = {"min": "max", "max": "min", "+": "-", "-": "+", "w+": "w-", "w-": "w+", "wand": "wor", "wor": "wand",
                "wxor": "wor", "wshl": "wshr", "wshr": "wshl", "<": ">", ">": "<", "*": "+", "div": "mod"}
        for path, e in positions(body):
            if not isinstance(e, list) or not e:
                continue
            if e[0] == "if":
                options.append(put(body, path, ["if", e[1], e[3], e[2]]))
            elif e[0] == "let" and len(e[1]) >= 2:
                i, j = sorted(rng.sample(range(len(e[1])), 2))
                bindings = [list(b) for b in e[1]]
                bindings[i][1], bindings[j][1] = bindings[j][1], bindings[i][1]
                options.append(put(body, path, ["let", bindings, e[2]]))
            elif isinstance(e[0], str) and e[0] not in SPECIAL:
                if len(e) == 3:
                    options.append(put(body, path, [e[0], e[2], e[1]]))
                if e[0] in dual:
                    options.append(put(body, path, [dual[e[0]], *e[1:]]))
                if e[0] == "list" and len(e) >= 3:
                    i, j = sorted(rng.sample(range(1, len(e)), 2))
                    items = list(e)
                    items[i], items[j] = items[j], items[i]
                    options.append(put(body, path, items))
        return (rng.choice(options), ()) if options else None

    def divergence(self, body: Tree, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        """A wrong answer on one point of the definition's inputs (one instance, for solve)."""
        point = self.point(rng)
        wrong = self.perturbed(body)
        if wrong is None:
            return None
        return ["if", self.at(point), wrong, body], self.probes([point])

    def perturbed(self, body: Tree) -> Tree | None:
        result = type_of(body, self.env)
        if result == "int":
            return ["+", body, 1]
        if result == "word":
            return ["wxor", body, Word(1)]
        if result == "bool":
            return ["not", body]
        if result == "list":
            return ["cons", ["+", ["car", body], 1], ["cdr", body]]
        return None

    def cost(self, body: Tree, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        """The same answers, with extra work on a subset of the instances."""
        test, points = self.subset(rng)
        work = ["for", ["wi", 1, rng.choice([1, 3, 10, 30, 100, 300])], ["wacc", 0], ["+", "wacc", "wi"]]
        return ["if", test, ["let", [["waste", work]], body], body], self.probes(points)

    def trap(self, body: Tree, rng: random.Random) -> tuple[Tree, tuple[tuple, ...]] | None:
        """The same answers, but a trap the original never has: a division by zero at one point,
        an overflow on a subset, or a type error."""
        i = rng.randrange(len(self.d.params))
        name, type_ = self.d.params[i], self.d.types[i]
        point = self.point(rng)
        marginal = self.task.distribution.marginals[i] if self.d.name == "solve" else None
        if type_ == "int":
            hi = max(abs(marginal.lo), abs(marginal.hi)) if marginal is not None and marginal.kind == "uniform-int" else 2**31
            k = point[i]
            if rng.random() < 0.5 or k == 0:
                danger = ["div", 1, ["-", name, k]]
                points = [point]
            else:
                danger = ["*", name, min(2**63 - 1, 2**63 // abs(k) + 1)]  # overflows from |n| = |k| on
                points = [point, point[:i] + (hi,) + point[i + 1:]]
        elif type_ == "word":
            k = point[i]
            if rng.random() < 0.5:
                danger = ["wudiv", Word(1), ["wxor", name, k]]
                points = [point]
            else:
                danger = ["*", ["word->int", name], min(2**63 - 1, 2**63 // max(1, k.bits) + 1)]
                points = [point, point[:i] + (Word(WORD),) + point[i + 1:]]
        else:
            danger = ["if", self.at(point), ["car", ["quote", []]], 0]
            points = [point]
        return ["let", [["danger", danger]], body], self.probes(points)


def definition_of(code: str, task: Task, plan: Plan) -> Definition:
    t = tree(datum(code))
    name, *params = t[1]
    types = task.types if name == "solve" else dict(plan.helper_types)[name]
    return Definition(name, tuple(params), tuple(types), t[2])


def generate(per_stream: int | None = None, seed: int = SEED, total: int = 10_000,
             tasks: Sequence[str] | None = None) -> list[Candidate]:
    """The campaign: for each task and kind, a deterministic stream of distinct valid candidates
    (seeded by seed, task and kind), cycling over the task's bases. A stream's first k candidates
    do not depend on how many are asked for, so a smaller campaign is a slice of the full one.
    `per_stream` fixes each stream's length; else each task's share of `total` is spread evenly
    over its kinds, and what a kind cannot produce (swaps in a small expression run out) is
    taken from the kinds that can."""
    chosen = [p for p in PLANS if tasks is None or p.task in tasks]
    weights = sum(p.weight for p in chosen)
    found: list[Candidate] = []
    for plan in chosen:
        task = load_task(plan.task)
        mutators = [Mutator(task, plan, definition_of(code, task, plan)) for code in plan.bases]
        streams = {kind: stream(task, plan, mutators, kind, seed) for kind in KINDS}
        taken: dict[str, list[Candidate]] = {kind: [] for kind in KINDS}
        taken["original"] = list(streams["original"])
        mutated = KINDS[1:]
        share = math.ceil(total * plan.weight / weights) - len(taken["original"])
        quota = per_stream if per_stream is not None else math.ceil(share / len(mutated))
        codes = {c.code for c in taken["original"]}

        def take(kind: str) -> bool:  # the stream's next candidate not taken by an earlier kind
            for c in streams[kind]:
                if c.code not in codes:
                    codes.add(c.code)
                    taken[kind].append(c)
                    return True
            return False

        for kind in mutated:
            while len(taken[kind]) < quota and take(kind):
                pass
        open_kinds = [k for k in mutated if len(taken[k]) == quota]
        while per_stream is None and open_kinds and sum(len(v) for v in taken.values()) < share + len(plan.bases):
            kind = open_kinds[sum(len(v) for v in taken.values()) % len(open_kinds)]
            if not take(kind):
                open_kinds.remove(kind)
        found += [c for kind in KINDS for c in taken[kind]]
    return [Candidate(i, c.task, c.kind, c.base, c.code, c.probes) for i, c in enumerate(found)]


def stream(task: Task, plan: Plan, mutators: list[Mutator], kind: str, seed: int) -> Iterator[Candidate]:
    """Distinct candidates of one kind for one task, valid programs all, until 500 draws in a
    row give nothing new (a kind with few options, such as swaps in a small expression)."""
    if kind == "original":
        for b, code in enumerate(plan.bases):
            yield Candidate(-1, plan.task, kind, b, code)
        return
    rng = random.Random(f"{seed}/{plan.task}/{kind}")
    seen = {show(datum(code)) for code in plan.bases}
    if kind == "divergence":  # the natural wrong idioms come first
        for code in NATURAL.get(plan.task, []):
            seen.add(code)
            yield Candidate(-1, plan.task, kind, 0, code, plan.lift((Word(0),)))
    misses, turn = 0, 0
    while misses < 500:
        b = turn % len(mutators)
        turn += 1
        mutated = mutators[b].mutate(kind, rng)
        code = definition = None
        if mutated is not None:
            d = mutators[b].d
            definition = ["define", [d.name, *d.params], mutated[0]]
            code = text(definition)
        if code is None or code in seen or not valid(task, definition):
            misses += 1
            continue
        misses = 0
        seen.add(code)
        yield Candidate(-1, plan.task, kind, b, code, mutated[1])


def valid(task: Task, definition: Tree) -> bool:
    """Does the definition make a program (well-formed, every name bound)?"""
    try:
        replace_definitions(task.solver, {"definitions": [untree(definition)]})
    except Exception:  # a reading or analysis error of any kind: not a program
        return False
    return True


# --- the ground truth ----------------------------------------------------------------------


@dataclass
class Verdict:
    wrong: bool
    checked: int  # instances the candidate was run on
    exhaustive: bool
    witness: str = ""  # an instance where it is wrong, and what happened
    mean_cost: float = 0.0  # over the distribution part checked
    mean_cost_original: float = 0.0
    better: bool | None = None  # set where more than the mean costs decides (a switchprog that sets the share)

    @property
    def label(self) -> str:
        if self.wrong:
            return "wrong"
        better = self.mean_cost < self.mean_cost_original if self.better is None else self.better
        return "better" if better else "not-better"


Outcome = tuple[str, Any, int]  # kind (value | trap | out-of-steps), value or trap reason, steps


def outcome(program: Program, instance: tuple, budget: int = TRUTH_BUDGET) -> Outcome:
    """The interpreter's outcome: the compiled fast path, or `run` (the reference) when the fast
    path stops (a trap, the budget), as the machine runs its solver."""
    module = compiled(program)
    if module is not None:
        try:
            value, steps = module.call("solve", instance, budget)
            if steps <= budget:
                return "value", value, steps
        except (FastAbort, FastBudget, Trap):
            pass
    o = run(program, "solve", instance, budget=budget)
    return o.kind, (o.value if o.kind == "value" else o.reason), o.steps


def sum_to_n_reference(instance: tuple) -> Outcome:
    """sum-to-n's original loop, (for (i 1 n) (acc 0) (+ acc i)): its value n(n+1)/2 in 2n + 2
    steps. Running the loop on 100,000 instances would take 10^11 steps; this formula is checked
    against the interpreter on the edges and 50 random instances when the oracle starts."""
    (n,) = instance
    return "value", n * (n + 1) // 2, 2 * n + 2


REFERENCES: dict[str, Callable[[tuple], Outcome]] = {"sum-to-n": sum_to_n_reference}


class Oracle:
    """The original solver's outcomes on a fixed set of instances (once per task), and the
    judgement of candidates against them."""

    def __init__(self, task: Task, sample: int, seed: int = SEED) -> None:
        self.task = task
        self.points, self.weights = self.support(task)
        self.exhaustive = self.points is not None
        if self.points is None:
            self.points = task.draw(np.random.default_rng([seed, 7]), sample)
            self.weights = [1.0 / sample] * sample
        sampled = set(self.points)
        self.edges = [e for e in self.edge_points(task) if e not in sampled] if not self.exhaustive else []
        self.memo: dict[tuple, Outcome] = {}
        self.outcomes: dict[tuple[str, tuple], Outcome] = {}
        self.sampled: list[Outcome] = []  # the original's outcomes on the sample, in order, as far as judged
        self.sample_costs: dict[str, list[int]] = {}  # a correct solver's steps on the sample, in order
        reference = REFERENCES.get(task.name)
        if reference is not None:
            for instance in self.edges[:8] + self.points[:50]:
                if reference(instance) != outcome(task.solver, instance):
                    raise AssertionError(f"{task.name}: the reference formula is wrong at {instance}")
        self.reference = reference or (lambda instance: outcome(task.solver, instance))

    @staticmethod
    def support(task: Task) -> tuple[list[tuple] | None, list[float]]:
        """Every instance with its probability, if there are at most 10,000."""
        columns = []
        for m in task.distribution.marginals:
            if m.kind == "uniform-int" and m.hi - m.lo < 10_000:
                columns.append([(v, 1.0 / (m.hi - m.lo + 1)) for v in range(m.lo, m.hi + 1)])
            elif m.kind == "finite":
                total = sum(w for w, _ in m.table)
                columns.append([(term_value(v), float(w / total)) for w, v in m.table])
            else:
                return None, []
        if math.prod(len(c) for c in columns) > 10_000:
            return None, []
        points: list[tuple] = [()]
        weights = [1.0]
        for column in columns:
            points = [p + (v,) for p in points for v, _ in column]
            weights = [w * x for w in weights for _, x in column]
        return points, weights

    @staticmethod
    def edge_points(task: Task) -> list[tuple]:
        """The support's edges: range ends and their neighbours, 0, 1, all ones, single bits
        and their complements, every value of a finite variable; for sort4's four variables,
        the corners, the orders of four values, and ties."""
        if len(task.distribution.marginals) == 4:
            corners = [(m.lo, m.hi, 0) for m in task.distribution.marginals]
            points = list(itertools.product(*corners)) + list(itertools.permutations((1, 2, 3, 4)))
            for a, b in ((-1000, 1000), (0, 0), (1, 2), (-1, 1)):
                points += list(itertools.product((a, b), repeat=4))
            return list(dict.fromkeys(points))
        columns = []
        for m in task.distribution.marginals:
            if m.kind == "uniform-int":
                columns.append(sorted({v for v in (m.lo, m.lo + 1, m.lo + 2, 0, 1, -1, m.hi - 1, m.hi) if m.lo <= v <= m.hi}))
            elif m.kind == "uniform-word":
                bits = [1 << k for k in range(32)]
                columns.append([Word(v) for v in (0, 1, 2, 3, WORD, WORD - 1, 0x7FFFFFFF, 0x55555555, 0xAAAAAAAA,
                                                  *bits, *(~b & WORD for b in bits))])
            else:
                columns.append([term_value(v) for _, v in m.table])
        return list(dict.fromkeys(itertools.product(*columns)))

    def expected(self, instance: tuple) -> Outcome:
        """The original solver's outcome."""
        if instance not in self.memo:
            self.memo[instance] = self.reference(instance)
        return self.memo[instance]

    def expected_on_sample(self, n: int) -> list[Outcome]:
        """The original's outcomes on the first n instances of the sample, kept in order."""
        while len(self.sampled) < n:
            self.sampled.append(self.expected(self.points[len(self.sampled)]))
        return self.sampled

    def outcome(self, program: Program, instance: tuple) -> Outcome:
        """A correct solver's outcome (the current one of a stage), kept."""
        if program is self.task.solver:
            return self.expected(instance)
        key = (program.digest, instance)
        if key not in self.outcomes:
            self.outcomes[key] = outcome(program, instance)
        return self.outcomes[key]

    def cost(self, program: Program, instance: tuple) -> int:
        return self.outcome(program, instance)[2]

    def costs_on_sample(self, program: Program, n: int) -> list[int]:
        found = self.sample_costs.setdefault(program.digest, [])
        while len(found) < n:
            found.append(self.cost(program, self.points[len(found)]))
        return found

    def judge(self, program: Program, current: Program, probes: Sequence[tuple], limit: int | None = None) -> Verdict:
        """Run the candidate on its probes, the edges, then the sample (its first `limit`
        instances), stopping at the first instance where it is wrong; its mean cost on the
        sample against the current solver's (the one the switch would replace)."""
        checked = 0
        for instance in [*probes, *self.edges]:
            if not self.in_support(instance):
                continue
            expected, got = self.expected(instance), outcome(program, instance)
            checked += 1
            if not same(expected, got):
                return Verdict(True, checked, self.exhaustive, witness(instance, expected, got))
        n = len(self.points) if limit is None else min(limit, len(self.points))
        expected_all, current_costs = self.expected_on_sample(n), self.costs_on_sample(current, n)
        module = compiled(program)
        total_new = total_old = 0.0
        for i in range(n):
            instance, expected = self.points[i], expected_all[i]
            got = None
            if module is not None:  # the fast path inline; `outcome` decides whatever it cannot
                try:
                    value, steps = module.call("solve", instance, TRUTH_BUDGET)
                    if steps <= TRUTH_BUDGET:
                        got = ("value", value, steps)
                except (FastAbort, FastBudget, Trap):
                    pass
            if got is None:
                got = outcome(program, instance)
            checked += 1
            if not same(expected, got):
                return Verdict(True, checked, self.exhaustive, witness(instance, expected, got))
            total_new += self.weights[i] * got[2]
            total_old += self.weights[i] * current_costs[i]
        weight = sum(self.weights[:n])
        return Verdict(False, checked, self.exhaustive and n == len(self.points), "", total_new / weight, total_old / weight)

    def in_support(self, instance: tuple) -> bool:
        if len(instance) != len(self.task.distribution.marginals):
            return False
        for v, m in zip(instance, self.task.distribution.marginals):
            if m.kind == "uniform-int" and not (type(v) is int and m.lo <= v <= m.hi):
                return False
            if m.kind == "uniform-word" and type(v) is not Word:
                return False
            if m.kind == "finite" and not any(values_equal(v, term_value(w)) for _, w in m.table):
                return False
        return True


def same(expected: Outcome, got: Outcome) -> bool:
    return got[0] == expected[0] == "value" and values_equal(got[1], expected[1])


def witness(instance: tuple, expected: Outcome, got: Outcome) -> str:
    shown = " ".join(show(v) for v in instance)
    return f"({shown}): original {expected[0]} {show(expected[1])}, candidate {got[0]} {show(got[1])}"


# --- submitting candidates as switches -------------------------------------------------------


class CampaignMachine(Machine):
    """The task's machine, as a run starts it. `check_axioms=False` skips the consistency and
    redundancy check of the axiom set (6 s per task; it decides nothing a proof rests on, only
    refuses an inconsistent set): the quick mode and the test slice skip it, the full campaign
    makes it."""

    def __init__(self, task: Task, check_axioms: bool, axiom_files: tuple[Any, ...] = ()) -> None:
        self.check_axioms = check_axioms
        super().__init__(task, seed=SEED, axiom_files=axiom_files)

    def load_axioms(self, extra: tuple) -> Any:
        return task_axioms(self.task, extra, check=self.check_axioms)


@dataclass(frozen=True)
class Settings:
    """How a campaign runs: the ground truth's sample sizes, the axiom check, the seed, the epochs."""

    sample: int = SAMPLE
    empirical_truth: int = EMPIRICAL_TRUTH
    screen: int = SCREEN
    check_axioms: bool = True
    seed: int = SEED
    chunk: int = 200  # candidates per epoch of the proof searcher


@dataclass
class Result:
    candidate: Candidate
    proof: bool
    proof_answer: str
    empirical: bool
    empirical_answer: str
    verdict: Verdict
    seconds: dict[str, float] = field(default_factory=dict)
    load: str = ""  # the doors' user axiom files: how loading them went (loaded, or the refusal)
    rests_on: tuple[str, ...] = ()  # the user axioms the accepted switch's theorem rests on


class Stage:
    """The machine as it stands before one base rewrite's switch: the task's initial solver,
    with the bases the plan puts before it switched in, each by its own proof (bits' machine
    proves its idioms one after another, each against the solver the last switch left)."""

    def __init__(self, plan: Plan, base: int, oracle: Oracle, settings: Settings, after_base: bool = False,
                 axiom_files: tuple[Any, ...] = (), check_axioms: bool | None = None) -> None:
        """`after_base`: the base itself switched in too (the doors' share candidates);
        `axiom_files`: user axiom files the machine loads, as a run's --axioms or installed files
        (loading them may raise a UserError: a refusal)."""
        self.plan, self.base, self.oracle, self.settings = plan, base, oracle, settings
        self.task = oracle.task
        check = settings.check_axioms if check_axioms is None else check_axioms
        self.machine = CampaignMachine(self.task, check, axiom_files)
        result = RunResult(self.task.name, SEED, self.machine.lifetime, 0, 0, 0, 0, 0)
        for earlier in [*(plan.after[base] if plan.after else ()), *((base,) if after_base else ())]:
            proved = self.submit(plan.bases[earlier], "proof", plan.budget)
            if proved.event is None:
                raise AssertionError(f"{plan.task}: base {earlier} is not proved within {plan.budget:,} steps: {proved.answer}")
            self.machine.switch(proved.event, result)
        worst = max(self.oracle.cost(self.machine.solver, p) for p in self.oracle.points[:2000])
        self.empirical_budget = 4 * EMPIRICAL_SAMPLE * worst + 1_000_000  # the sample's runs, both solvers, and more

    def submit(self, code: str, mode: str, budget: int, share: tuple[int, int] | None = None,
               proof: str = "") -> Submission:
        """Submit a switchprog; a Python exception out of the machine's path (not a refusal the
        technique sees) is recorded as the answer `(crash Name)`, never as an acceptance."""
        searcher = self.machine.searcher
        proof_mode, exhausted = searcher.constants, set(searcher.exhausted)
        searcher.constants = replace(proof_mode, mode=mode)
        if not code and share is not None:  # the share technique's own switchprog: it runs only once
            searcher.exhausted.update(t.name for t in searcher.techniques)  # every other technique is exhausted
        try:
            with deep_recursion():
                return submit(searcher, switchprog(code, share), proof or self.plan.proof, budget)
        except Exception as exc:  # noqa: BLE001 - what the searcher's path raised is part of the result
            return Submission(False, f"(crash {type(exc).__name__} |{exc}|)", 0, None)
        finally:
            searcher.constants, searcher.exhausted = proof_mode, exhausted

    def new_epoch(self) -> None:
        """A fresh epoch of the proof searcher, in which the unmutated rewrite is submitted
        first: the facts about the current solver are then proved and paid for, and every
        candidate after it meets the same searcher state."""
        self.machine.searcher.reset(self.machine.epoch())
        self.submit(self.plan.bases[self.base], "proof", self.plan.budget)

    def try_candidate(self, c: Candidate) -> Result:
        times: dict[str, float] = {}
        start = time.perf_counter()
        proved = self.submit(c.code, "proof", self.plan.budget, c.share, c.proof)
        if proved.accepted and (proved.event is None or proved.event.theorem is None):
            raise AssertionError("a proof-mode switch without a theorem")
        times["proof"] = time.perf_counter() - start
        start = time.perf_counter()
        program = replace_definitions(self.machine.solver, {"definitions": [datum(c.code)]}) if c.code else self.machine.solver
        if c.kind == "axioms":  # the empirical mode reads no axioms: nothing to compare
            empirical = False
        else:
            with deep_recursion():
                empirical = self.empirical(c.code, program)
        times["empirical"] = time.perf_counter() - start
        start = time.perf_counter()
        limit = None if proved.accepted else self.settings.empirical_truth if empirical else self.settings.screen
        with deep_recursion():
            verdict = self.oracle.judge(program, self.machine.solver, c.probes, limit)
        if c.share is not None:
            from benchmarks.adversarial_doors import judge_share

            verdict = judge_share(verdict, c.share, self.machine.share)
        times["truth"] = time.perf_counter() - start
        user = getattr(self, "user_axioms", frozenset())
        rests_on = tuple(sorted(proved.event.theorem.axioms & user)) if proved.accepted and proved.event.theorem else ()
        return Result(c, proved.accepted, short(proved), empirical, "switch" if empirical else "refused", verdict, times,
                      getattr(self, "load", ""), rests_on)

    def draw_empirical_sample(self, code: str) -> list[tuple]:
        """The instances `check-empirically` compares a candidate on: the machine's own draw
        (`Machine.empirical_sample`), from a generator seeded by the candidate's code."""
        self.machine.sample_rng = np.random.default_rng([self.settings.seed, 2, stable_hash(code)])
        return self.machine.empirical_sample(EMPIRICAL_SAMPLE)

    def empirical(self, code: str, program: Program) -> bool:
        """What `check-empirically` (godelmachine/search/searcher.py) decides, on the same sample:
        the candidate gives the current solver's outcome on every instance of the sample and
        takes fewer steps on them in all. The current solver's outcomes come from the oracle,
        kept across candidates (they are the interpreter's; for sum-to-n's loop its checked
        formula), so that a million-step loop is not run 16 times again for each candidate.
        `empirical_by_searcher` goes the searcher's own way, for the test that they agree."""
        old_steps = new_steps = 0
        for instance in self.draw_empirical_sample(code):
            before, after = self.oracle.outcome(self.machine.solver, instance), outcome(program, instance)
            if before[0] != after[0] or (before[0] == "value" and not values_equal(before[1], after[1])):
                return False
            old_steps, new_steps = old_steps + before[2], new_steps + after[2]
        return new_steps < old_steps

    def empirical_by_searcher(self, code: str) -> Submission:
        """The same decision by the searcher's path: `attempt` in an `--accept empirical` machine."""
        self.machine.sample_rng = np.random.default_rng([self.settings.seed, 2, stable_hash(code)])
        return self.submit(code, "empirical", self.empirical_budget)


def stable_hash(code: str) -> int:
    import hashlib

    return int(hashlib.sha256(code.encode()).hexdigest()[:12], 16)


def switchprog(code: str, share: tuple[int, int] | None = None) -> Any:
    """The switchprog datum: the definition, if any, then `(share p q)`, if any."""
    parts = [datum(code)] if code else []
    if share is not None:
        parts.append(make_list(["share", share[0], share[1]]))
    return make_list(parts)


def short(s: Submission) -> str:
    """The answer, without the details: switch, refuted, unknown, invalid, refused, out-of-steps, crash."""
    answer = s.answer
    return answer[1:].split(" ", 1)[0].rstrip(")") if answer.startswith("(") else answer


# --- running the campaign, as jobs (here or on Ray) ---------------------------------------------

_ORACLES: dict[str, Oracle] = {}
_STAGES: dict[tuple, Stage] = {}
_SETTINGS: list[Settings] = [Settings()]


def stage_key(c: Candidate) -> tuple:
    """The machine a candidate is submitted to: task, base, stage, and the user axiom files."""
    return (c.task, c.base, c.stage, c.axioms, c.door)


def run_chunk(chunk: list[Candidate]) -> list[Result]:
    """One epoch: the stage of the chunk's base (made once per process; a machine with user
    axiom files made for the chunk, or its refusal to load them), then each candidate."""
    settings = _SETTINGS[0]
    task, base = chunk[0].task, chunk[0].base
    if task not in _ORACLES:
        _ORACLES[task] = Oracle(load_task(task), settings.sample, settings.seed)
    if chunk[0].axioms:
        from benchmarks.adversarial_doors import axiom_stage

        stage = axiom_stage(PLAN[task], base, _ORACLES[task], settings, chunk[0])
        if not isinstance(stage, Stage):  # the files were refused: so is every candidate that needs them
            return [stage.result(c) for c in chunk]
    else:
        key = stage_key(chunk[0])
        if key not in _STAGES:
            _STAGES[key] = Stage(PLAN[task], base, _ORACLES[task], settings, after_base=chunk[0].stage == "after")
        stage = _STAGES[key]
    stage.new_epoch()
    results = [stage.try_candidate(c) for c in chunk]
    if getattr(stage, "root", None) is not None:  # the user axiom files written for this chunk
        import shutil

        shutil.rmtree(stage.root, ignore_errors=True)
    return results


def chunks(candidates: Sequence[Candidate], size: int) -> list[list[Candidate]]:
    """Epochs of at most `size` candidates of one stage (task, base, user axiom files), in
    campaign order."""
    groups: dict[tuple, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(stage_key(c), []).append(c)
    return [group[i:i + size] for group in groups.values() for i in range(0, len(group), size)]


def campaign(candidates: Sequence[Candidate], settings: Settings = Settings(), ray: str | None = None) -> list[Result]:
    """Submit every candidate in both modes and judge it; the results in campaign order. A few
    epochs (chunks) of one stage are a job (godelmachine/jobs.py), run here or as a Ray task
    (`ray`: "local" or a cluster's address); an epoch's results depend only on the chunk and the settings, not on the
    process that ran it, so they are the same either way (tests/test_jobs.py: benchmarks scaling)."""
    jobs = [Job(f"{group[0][0].task} base {group[0][0].base}: {len(group)} epoch(s), {sum(map(len, group))} candidates",
                run_chunks_with, (group, settings), cost=sum(map(len, group)) * PLAN[group[0][0].task].budget)
            for group in job_groups(chunks(candidates, settings.chunk))]
    judged = values(run_with_bar(jobs, ray, "jobs"))  # a campaign that lost candidates would count less than it claims
    return sorted((r for rs in judged for r in rs), key=lambda r: r.candidate.index)


EPOCHS_PER_JOB = 5


def job_groups(work: list[list[Candidate]]) -> list[list[list[Candidate]]]:
    """The epochs in jobs: consecutive epochs of one stage, at most EPOCHS_PER_JOB a job. A
    stage (the machine with its base switches proved) is made once per process that needs it,
    so a job of one epoch each would make it once per worker; measured on a 437-candidate
    slice with two workers, one epoch a job took 0.69 of the serial time."""
    groups: list[list[list[Candidate]]] = []
    for chunk in work:
        if groups and stage_key(groups[-1][0][0]) == stage_key(chunk[0]) and len(groups[-1]) < EPOCHS_PER_JOB:
            groups[-1].append(chunk)
        else:
            groups.append([chunk])
    return groups


def run_chunks_with(group: list[list[Candidate]], settings: Settings) -> list[Result]:
    """`run_chunk` on each epoch under `settings` (a worker keeps its oracles and stages while they hold)."""
    if _SETTINGS[0] != settings:
        _SETTINGS[0] = settings
        _ORACLES.clear()
        _STAGES.clear()
    return [r for chunk in group for r in run_chunk(chunk)]


# --- the benchmark interface -----------------------------------------------------------------


def summarize(results: Sequence[Result], wall: float) -> list[dict[str, Any]]:
    """Rows per task and kind, then per kind over all tasks, then the total."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.candidate.task, r.candidate.kind), []).append(r)
        groups.setdefault(("all", r.candidate.kind), []).append(r)
        groups.setdefault(("all", "all"), []).append(r)
    rows = []
    for (task, kind), rs in groups.items():
        rows.append({
            "task": task, "kind": kind, "candidates": len(rs),
            "wrong": sum(r.verdict.wrong for r in rs),
            "correct_better": sum(r.verdict.label == "better" for r in rs),
            "correct_not_better": sum(r.verdict.label == "not-better" for r in rs),
            "proof_accepted": sum(r.proof for r in rs),
            "proof_accepted_wrong": sum(r.proof and r.verdict.wrong for r in rs),
            "proof_accepted_not_better": sum(r.proof and r.verdict.label == "not-better" for r in rs),
            "empirical_accepted": sum(r.empirical for r in rs),
            "empirical_accepted_wrong": sum(r.empirical and r.verdict.wrong for r in rs),
            "proof_refusals": count(r.proof_answer for r in rs if not r.proof),
            "proof_budget": PLAN[task].budget if task in PLAN else None,
            "seconds": {k: round(sum(r.seconds.get(k, 0.0) for r in rs), 2) for k in ("proof", "empirical", "truth")},
            "proof_accepted_wrong_examples": [example(r) for r in rs if r.proof and r.verdict.wrong],
            "proof_accepted_not_better_examples": [example(r) for r in rs if r.proof and r.verdict.label == "not-better"],
            "empirical_accepted_wrong_examples": [example(r) for r in rs if r.empirical and r.verdict.wrong][:3],
        })
    order = {t: i for i, t in enumerate([p.task for p in PLANS] + ["all"])}
    kinds = [*KINDS, *DOOR_KINDS, "all"]
    rows.sort(key=lambda row: (order[row["task"]], kinds.index(row["kind"])))
    rows[-1]["wall_seconds"] = round(wall, 1)
    return rows


def count(items: Iterator[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in items:
        found[item] = found.get(item, 0) + 1
    return dict(sorted(found.items()))


def example(r: Result) -> dict[str, str]:
    c = r.candidate
    code = c.code or "(no definition)"
    if c.share is not None:
        code += f" with (share {c.share[0]} {c.share[1]})"
    if c.axioms:
        code += f" with the user axiom files {', '.join(name for name, _ in c.axioms)} ({c.label})"
    return {"code": code, "kind": c.kind, "witness": r.verdict.witness}


def measure(quick: bool = False, ray: str | None = None) -> list[dict[str, Any]]:
    """The full campaign (about 10,000 mutated candidates and the doors' share and axioms
    candidates, 100,000-instance ground truth; one core, or as Ray tasks with `ray`), or in quick mode a few candidates
    of each mutation kind on three tasks with a small sample (`adversarial_doors --quick` is
    the doors' quick mode)."""
    started = time.perf_counter()
    if quick:
        candidates = generate(per_stream=2, tasks=("sum-to-n", "fib", "sort4"))
        results = campaign(candidates, Settings(sample=2_000, empirical_truth=2_000, screen=500, check_axioms=False), ray=ray)
    else:
        from benchmarks.adversarial_doors import door_candidates, label_rows, load_rows

        candidates = generate()
        candidates += [replace(c, index=len(candidates) + i) for i, c in enumerate(door_candidates())]
        results = campaign(candidates, Settings(), ray=ray)
        rows = summarize(results, time.perf_counter() - started)
        rows[-1]["share_by_label"], rows[-1]["axiom_sets"] = label_rows(results), load_rows(results)
        return rows
    return summarize(results, time.perf_counter() - started)


def report(rows: list[dict[str, Any]]) -> Any:
    """The table; under it, any rewrite that proof mode accepted and the ground truth found
    wrong (a soundness bug: the figure must be zero) or not faster, with its witness."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    wall = rows[-1].get("wall_seconds", 0.0) if rows else 0.0
    table = Table(title=f"Adversarial rewrites: accepted by proof and by the empirical baseline ({wall:.0f} s)")
    for column in ("task", "kind", "candidates", "wrong", "correct, better", "proof accepted", "proof wrong",
                   "empirical accepted", "empirical wrong"):
        table.add_column(column, justify="left" if column in ("task", "kind") else "right")
    for r in rows:
        style = "bold" if r["task"] == "all" else None
        table.add_row(r["task"], r["kind"], f"{r['candidates']:,}", f"{r['wrong']:,}", f"{r['correct_better']:,}",
                      f"{r['proof_accepted']:,}", f"{r['proof_accepted_wrong']:,}", f"{r['empirical_accepted']:,}",
                      f"{r['empirical_accepted_wrong']:,}", style=style)
    notes = []
    for r in rows:
        if r["task"] == "all":
            continue
        for e in r["proof_accepted_wrong_examples"]:
            notes.append(Text(f"SOUNDNESS: proof mode accepted a wrong rewrite on {r['task']}: {e['code']} -- {e['witness']}",
                              style="bold red"))
        if r["proof_accepted_not_better"]:
            notes.append(Text(f"{r['task']} {r['kind']}: proof mode accepted {r['proof_accepted_not_better']} correct "
                              "rewrite(s) not faster on the ground-truth sample", style="yellow"))
    return Group(table, *notes)
