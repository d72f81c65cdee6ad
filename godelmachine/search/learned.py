"""Untrusted: what a run takes from the library of proven rewrites (godelmachine/machine/library.py).

A library entry is a rewrite that an earlier run proved and switched to: a definition's code
before (`old`, with the helpers it calls) and after (`new`), and the kernel's certificate of
the lemma that the two agree (no new traps, the same results) on every input of their types.
The entry mentions programs this run does not have; a run uses it in two ways.

As a pattern (OOPS's bias shift): the new definitions' terms, and their subterms, become
fragments of the synthesizer's grammar (godelmachine/search/synthesis.py), so that terms
built from what proved useful before are short, and enumerated early.

As a lemma, where it matches: a definition of this run's solver whose code is the entry's old
code up to the names of functions and variables (`canonical`) is offered the entry's new code
at once, and the lemma is instantiated for the two programs: the entry's certificate is
replayed by this run's kernel with the symbols of the entry's programs renamed to this run's
(`instantiate`). Every node is made again (each `smt` node asks Z3 again, each `definition`
node computes the semantics of this run's code) and charged on the clock; nothing of the
entry is believed. When the rewritten definition is `solve`, the lemma then proves the
switch's obligations of no new traps and the same results in one cheap query
(godelmachine/search/tactics.py), and the switch's certificate holds its derivation.

As lemmas inside a larger definition (`folded_obligation`): where the old solver's value, as
the symbolic semantics computes it, holds instances of an entry's old code (a scan of the
first half inside a task of the second), those instances are folded into applications of the
entry's own symbols. One query proves that the folded value is the solver's (both sides unfold
to the same term), and the same-results obligation is then proved from the folded value, the
entries' lemmas (each re-made from its certificate) and the new solver's definition: Z3 meets
the old code only through the lemmas, and never has to prove a scan equal to a bit trick again.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from godelmachine.lang.primitives import PrimitiveTable
from godelmachine.lang.program import Program
from godelmachine.lang.syntax import Apply, Call, For, GlobalRef, If, Lambda, Let, Lit, PrimCall, Var
from godelmachine.lang.values import show, type_name
from godelmachine.logic.certificates import check_certificate, derivation
from godelmachine.logic.kernel import Kernel, Refused, Theorem, definition_equations, rule_key
from godelmachine.logic.semantics import SEPARATOR, symbol_base
from godelmachine.logic.terms import BUILTINS, Eq, app, forall, mk
from godelmachine.logic.terms import Term as Formula

SCALARS = ("int", "word", "bool")
LIBRARY_MASS = 1 / 8  # the prior probability, at a type that has fragments, of choosing one
FOLD_RLIMIT = 200_000  # Z3's budget for each query of a folded obligation
RLIMIT_SLACK = 2  # a replayed smt node may use this many times what it used when it was made (renamed symbols)


# --- the shape of a definition, up to names --------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A definition with the helpers it calls, written with functions f0, f1, ... (in the order
    they are reached) and variables v0, v1, ... (in the order they are bound): two
    definitions of the same key are the same code up to names. `functions` and `binders` are
    the original names in that order."""

    key: str
    functions: tuple[str, ...]
    binders: tuple[str, ...]


def canonical(program: Program, name: str) -> Shape:
    functions: list[str] = [name]
    binders: list[str] = []

    def function(n: str) -> str:
        if n not in functions:
            functions.append(n)
        return f"f{functions.index(n)}"

    def bind(env: dict[str, str], n: str) -> dict[str, str]:
        binders.append(n)
        return {**env, n: f"v{len(binders) - 1}"}

    def walk(e: Any, env: dict[str, str]) -> str:
        kind = type(e)
        if kind is Lit:
            return f"'{type_name(e.value)}:{show(e.value)}"
        if kind is Var:
            return env.get(e.name, f"?{e.name}")
        if kind is GlobalRef:
            return f"#{function(e.name)}"
        if kind is If:
            return f"(if {walk(e.test, env)} {walk(e.then, env)} {walk(e.other, env)})"
        if kind is Let:
            value = walk(e.value, env)
            inner = bind(env, e.name)
            return f"(let {inner[e.name]} {value} {walk(e.body, inner)})"
        if kind is Lambda:
            inner = env
            for p in e.params:
                inner = bind(inner, p)
            return f"(lambda ({' '.join(inner[p] for p in e.params)}) {walk(e.body, inner)})"
        if kind is PrimCall:
            return f"({e.prim.name}{''.join(' ' + walk(a, env) for a in e.args)})"
        if kind is Call:
            return f"({function(e.name)}{''.join(' ' + walk(a, env) for a in e.args)})"
        if kind is Apply:
            return f"(apply {walk(e.fn, env)}{''.join(' ' + walk(a, env) for a in e.args)})"
        if kind is For:
            lo, hi, init = walk(e.lo, env), walk(e.hi, env), walk(e.init, env)
            inner = bind(bind(env, e.var), e.acc)
            return f"(for {inner[e.var]} {lo} {hi} {inner[e.acc]} {init} {walk(e.body, inner)})"
        raise TypeError(f"no canonical form for {kind.__name__}")

    parts = []
    done = 0
    while done < len(functions):
        if functions[done] not in program:
            return Shape(f"?{functions[done]}", tuple(functions), tuple(binders))
        d = program.lookup(functions[done])
        env: dict[str, str] = {}
        for p in d.params:
            env = bind(env, p)
        parts.append(f"(f{done} ({' '.join(env[p] for p in d.params)}) {walk(d.body, env)})")
        done += 1
    return Shape(" ".join(parts), tuple(functions), tuple(binders))


def closure(program: Program, name: str) -> Program:
    """The definition `name` and the helpers it reaches, as a program of their own."""
    shape = canonical(program, name)
    return Program.from_source("\n".join(show(program.lookup(n).code) for n in shape.functions), "<closure>",
                               program.prims)


# --- entries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One rewrite of the library, as a run reads it (godelmachine/machine/library.py makes it)."""

    id: str  # SHA-256 of the entry's content
    function: str  # the rewritten definition's name where it was learned
    types: tuple[str, ...]  # its parameters' types
    old: Program  # the definition before, with its helpers
    new: Program  # the definition after, with its helpers
    certificate: Mapping[str, Any]  # of the lemma about old and new (see the module's docstring)
    origin: str = ""  # where it was learned, for people

    @property
    def key(self) -> str:
        return canonical(self.old, self.function).key

    @property
    def cost(self) -> int:
        """What replaying the certificate cost when it was made (the estimate of a replay)."""
        return sum(int(n.get("cost", 0)) for n in self.certificate.get("nodes", []))


# --- fragments: the bias shift -----------------------------------------------------------------

Term = tuple  # synthesis terms: ("var", name) | ("const", value) | (op, child, ...); ("hole", i) in a fragment


@dataclass(frozen=True)
class Fragment:
    """A term learned before, with holes for its variables: a production of the grammar."""

    template: Term
    holes: tuple[str, ...]  # the holes' types
    result: str
    count: int  # how many entries it was found in

    @property
    def operations(self) -> int:
        def ops(t: Term) -> int:
            return 0 if t[0] in ("hole", "const") else 1 + sum(ops(c) for c in t[1:])
        return ops(self.template)


def term_of(e: Any, env: dict[str, Term], table: PrimitiveTable) -> Term | None:
    """The expression as a synthesis term over `env` (`let` inlined), or None if it is not one
    (a call, a loop, a primitive the grammar does not have)."""
    kind = type(e)
    if kind is Lit:
        return ("const", e.value) if type_name(e.value) in SCALARS else None
    if kind is Var:
        return env.get(e.name)
    if kind is Let:
        value = term_of(e.value, env, table)
        return None if value is None else term_of(e.body, {**env, e.name: value}, table)
    if kind is If:
        parts = [term_of(c, env, table) for c in (e.test, e.then, e.other)]
        return None if None in parts else ("if", *parts)
    if kind is PrimCall and e.prim.name in table:
        args = [term_of(a, env, table) for a in e.args]
        return None if None in args else (e.prim.name, *args)
    return None


def fragments(entries: list[Entry], table: PrimitiveTable, type_of: Callable[[Term, dict[str, str]], str | None]
              ) -> list[Fragment]:
    """The new definitions' terms and their subterms with a variable and an operation (and more
    than one operation of variables), each with its variables made holes (numbered by first
    occurrence), counted over the entries."""
    counts: dict[tuple[Term, tuple[str, ...], str], int] = {}
    for entry in entries:
        d = entry.new.lookup(entry.function)
        if len(d.params) != len(entry.types):
            continue
        env = {p: ("var", p) for p in d.params}
        types = dict(zip(d.params, entry.types))
        body = term_of(d.body, env, table)
        if body is None:
            continue
        seen: set[tuple[Term, tuple[str, ...], str]] = set()
        for sub in subterms(body):
            result = type_of(sub, types)
            if result is None or sub[0] in ("var", "const") or not any(s[0] == "var" for s in subterms(sub)):
                continue
            if all(c[0] == "var" for c in sub[1:]):
                continue  # one operation of variables: the grammar's own production says as much, for less
            template, holes = abstracted(sub, types)
            seen.add((template, holes, result))
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    return [Fragment(t, h, r, n) for (t, h, r), n in sorted(counts.items(), key=lambda kv: (-kv[1], show_term(kv[0][0])))]


def subterms(t: Term) -> Iterator[Term]:
    yield t
    if t[0] not in ("var", "const", "hole"):
        for c in t[1:]:
            yield from subterms(c)


def abstracted(t: Term, types: dict[str, str]) -> tuple[Term, tuple[str, ...]]:
    """The term with each variable a hole, numbered by first occurrence."""
    order: list[str] = []

    def walk(u: Term) -> Term:
        if u[0] == "var":
            if u[1] not in order:
                order.append(u[1])
            return ("hole", order.index(u[1]))
        if u[0] == "const":
            return u
        return (u[0], *(walk(c) for c in u[1:]))

    template = walk(t)
    return template, tuple(types[n] for n in order)


def show_term(t: Term) -> str:
    if t[0] == "hole":
        return f"?{t[1]}"
    if t[0] in ("var", "const"):
        return str(t[1]) if t[0] == "var" else show(t[1])
    return f"({t[0]} {' '.join(show_term(c) for c in t[1:])})"


def fragment_weights(fragments: list[Fragment], scale: int) -> dict[int, int]:
    """Each fragment's description length in `scale`ths of a bit: at its result type a
    fragment is chosen with probability LIBRARY_MASS, and among the type's fragments in
    proportion to how many entries it was found in."""
    total: dict[str, int] = {}
    for f in fragments:
        total[f.result] = total.get(f.result, 0) + f.count
    return {i: max(1, round(scale * -math.log2(LIBRARY_MASS * f.count / total[f.result]))) for i, f in enumerate(fragments)}


# --- lemmas: instantiating an entry's certificate ----------------------------------------------

TOKEN = re.compile(r"[^\s()|\"]+")


def renamer(bases: Mapping[str, str], names: Mapping[str, str]) -> Callable[[str], str]:
    """SMT-LIB text with the symbols of one program's functions renamed to another's (a
    symbol is its function's base, or the base followed by `.` or the loop separator) and the
    variables renamed by `names`."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in names:
            return names[token]
        head = token.split(".", 2)
        if len(head) >= 2:
            for old, new in bases.items():
                if token == old or token.startswith(old + ".") or token.startswith(old + SEPARATOR):
                    return new + token[len(old):]
        return token

    return lambda text: TOKEN.sub(one, text)


def renamed_certificate(cert: Mapping[str, Any], text: Callable[[str], str], digests: Mapping[str, str],
                        functions: Mapping[str, str], most: int | None = None) -> dict[str, Any]:
    """The certificate about other programs: statements and arguments renamed, each smt node's
    budget RLIMIT_SLACK times what it used when it was made (Z3's count can move with the
    names), and no more than `most`."""
    def budget(cost: int) -> int:
        wanted = RLIMIT_SLACK * cost + 1_000
        return max(1, min(wanted, most)) if most is not None else wanted

    def arg(key: str, value: Any, cost: int) -> Any:
        if key == "program" and isinstance(value, str):
            return digests.get(value, value)
        if key == "function" and isinstance(value, str):
            return functions.get(value, value)
        if key in ("types", "name"):
            return value
        if key == "rlimit" and type(value) is int:
            return budget(cost)
        if isinstance(value, str):
            return text(value)
        if isinstance(value, list):
            return [arg(key, v, cost) for v in value]
        return value

    return {"declarations": [text(d) for d in cert["declarations"]],
            "nodes": [{**n, "statement": text(n["statement"]),
                       "args": {k: arg(k, v, int(n.get("cost", 0))) for k, v in n["args"].items()}}
                      for n in cert["nodes"]]}


def correspondence(pairs: list[tuple[Shape, Shape]]) -> dict[str, str] | None:
    """The variables' renaming that the shapes' binders give, or None if a name would go to
    two names."""
    names: dict[str, str] = {}
    for source, target in pairs:
        for a, b in zip(source.binders, target.binders):
            if names.setdefault(a, b) != b:
                return None
    return names


@dataclass
class Offer:
    """An entry's new code for one of this run's definitions."""

    entry: Entry
    definition: Any  # the new definition's code (a datum), in this run's names
    text: str  # its body, shown


@dataclass
class Learned:
    """The library as one run uses it: the entries, the grammar's fragments, the lemmas
    instantiated so far (each made and paid for once), and which entries were used."""

    entries: list[Entry]
    kernel: Kernel
    paid: Any  # the clock's set of theorems already charged
    fragments_of: dict[tuple[str, ...], list[Fragment]] = field(default_factory=dict)
    lemmas: dict[tuple[str, str], Theorem] = field(default_factory=dict)  # (old digest, new digest) of solve
    made: dict[tuple[str, str, str], Theorem | Refused] = field(default_factory=dict)
    used: dict[str, Entry] = field(default_factory=dict)  # entry id -> entry, whose lemma was instantiated
    sources: dict[int, str] = field(default_factory=dict)  # id(theorem) of an instantiated lemma -> entry id
    programs: dict[str, Program] = field(default_factory=dict)  # the run's programs by digest (switch records list them)

    def __post_init__(self) -> None:
        self.by_key: dict[str, list[Entry]] = {}
        for entry in self.entries:
            self.by_key.setdefault(entry.key, []).append(entry)

    def fragments(self, table: PrimitiveTable, type_of: Callable[[Term, dict[str, str]], str | None]) -> list[Fragment]:
        key = tuple(sorted(table))
        if key not in self.fragments_of:
            self.fragments_of[key] = fragments(self.entries, table, type_of)
        return self.fragments_of[key]

    def offers(self, program: Program, name: str, types: tuple[str, ...]) -> list[Offer]:
        """The entries whose old code is `name`'s up to names, with their new code renamed to
        this program's (cheapest new code first)."""
        shape = canonical(program, name)
        found = []
        for entry in self.by_key.get(shape.key, []):
            if entry.types != types:
                continue
            source = canonical(entry.old, entry.function)
            names = correspondence([(source, shape)])
            new = entry.new.lookup(entry.function)
            if names is None or set(entry.new.names()) - set(source.functions):
                continue  # a new helper the old code did not have: not offered
            functions = dict(zip(source.functions, shape.functions))
            code = rename_datum(new.code, {**names, **functions})
            body = code.tail.tail.head
            found.append(Offer(entry, code, show(body)))
        return sorted(found, key=lambda o: (len(o.text), o.text))

    def instantiate(self, entry: Entry, old: Program, new: Program, name: str, left: Callable[[], int] | None,
                    charge: Callable[[int], None]) -> Theorem | None:
        """The entry's lemma for `old` and `new` (programs of this run defining `name`), made
        by replaying its certificate renamed, and charged; None if the replay is refused (the
        candidate is then checked as any other). A trial too short for the replay is ended
        (the replay is tried again in a later trial); a lemma made once is not charged again."""
        key = (entry.id, old.digest, new.digest)
        if key in self.made:
            made = self.made[key]
            return made if isinstance(made, Theorem) else None
        shapes = [(canonical(entry.old, entry.function), canonical(old, name)),
                  (canonical(entry.new, entry.function), canonical(new, name))]
        names = correspondence(shapes)
        if names is None or any(a.key != b.key for a, b in shapes):
            self.made[key] = Refused("library", "invalid", "the code does not match the entry's up to names")
            return None
        if left is not None and left() < entry.cost:
            charge(left() + 1)  # ends the trial: the next one, longer, replays it
        bases = {symbol_base(p.digest, a): symbol_base(q.digest, b)
                 for (source, target), p, q in zip(shapes, (entry.old, entry.new), (old, new))
                 for a, b in zip(source.functions, target.functions)}
        digests = {entry.old.digest: old.digest, entry.new.digest: new.digest}
        functions = {a: b for source, target in shapes for a, b in zip(source.functions, target.functions)}
        cert = renamed_certificate(entry.certificate, renamer(bases, names), digests, functions,
                                   left() if left is not None else None)
        spent = [0]

        def on_node(_i: int, _node: Any, theorem: Theorem) -> None:
            spent[0] += theorem.cost

        try:
            lemma = check_certificate(self.kernel, cert, {old.digest: old, new.digest: new}, on_node=on_node)
        except Refused as refused:
            charge(spent[0] + refused.cost)
            if refused.status != "unknown":  # out of budget: a later, longer trial replays it
                self.made[key] = refused
            return None
        charge(sum(t.cost for t in derivation(lemma) if t not in self.paid))
        for t in derivation(lemma):
            self.paid.add(t)
        self.made[key] = lemma
        self.used[entry.id] = entry
        self.sources[id(lemma)] = entry.id
        if name == "solve":
            self.lemmas[(old.digest, new.digest)] = lemma
        return lemma

    def recheck(self, entry: Entry, most: int) -> Theorem | None:
        """The entry's lemma about its own programs, made again from its certificate, each smt
        node's budget as in `renamed_certificate` and at most `most` (None if refused; a
        refusal for want of budget is not kept: a longer trial tries again); the caller's
        charged kernel call pays for it (its derivation's costs)."""
        key = (entry.id, entry.old.digest, entry.new.digest)
        if key not in self.made:
            same = renamed_certificate(entry.certificate, lambda text: text, {}, {}, most)
            try:
                self.made[key] = check_certificate(self.kernel, same, {entry.old.digest: entry.old, entry.new.digest: entry.new})
            except Refused as refused:
                if refused.status == "unknown":
                    return None
                self.made[key] = refused
        made = self.made[key]
        if not isinstance(made, Theorem):
            return None
        self.used[entry.id] = entry
        self.sources[id(made)] = entry.id
        return made

    def patterns(self) -> list[tuple[Entry, Formula, tuple[tuple[str, str], ...], str, str]]:
        """For each entry of one value that cannot trap: the symbolic value of its old code
        (the pattern), its parameters, and its value symbol's name and sort."""
        if not hasattr(self, "_patterns"):
            found: list[tuple[Entry, Formula, tuple[tuple[str, str], ...], str, str]] = []
            # an entry learned for a helper before one for a solve that only wraps it: the same
            # value, under the helper's own name; a value that two entries have is matched once
            for entry in sorted(self.entries, key=lambda e: (e.function == "solve", e.id)):
                try:
                    definition, sem = self.kernel.semantics(entry.old, entry.function, entry.types)
                except Refused:
                    continue
                rules = definition_equations(definition)
                ok = rules.get(rule_key(sem.ok))
                if len(sem.values) != 1 or ok is None or not (ok[1].kind == "const" and ok[1].name is True):
                    continue
                variables, rhs = rules[rule_key(sem.values[0])]
                if all(pattern is not rhs for _, pattern, *_ in found):
                    found.append((entry, rhs, variables, sem.values[0].name, sem.values[0].sort))
            self._patterns = found
        return self._patterns

    def folded_obligation(self, goal: Formula, old: Any, new: Any, charged: Callable[[Callable[[], Theorem]], Theorem],
                          rlimit: Callable[[int], int]) -> Theorem | None:
        """The same-results `goal` for the solvers `old` and `new` (obligations.Solver), proved
        with the lemmas of the entries whose old code the old solver's value holds (see the
        module's docstring), or None (nothing folds, or a query is refused: the usual way then).
        Every kernel call goes through `charged`."""
        kernel = self.kernel
        try:
            definition, sem = kernel.semantics(old.program, old.name, old.types)
        except Refused:
            return None
        rules = definition_equations(definition)
        if len(sem.values) != 1 or rule_key(sem.values[0]) not in rules:
            return None
        variables, value = rules[rule_key(sem.values[0])]
        folded, used = fold(value, self.patterns())
        if not used:
            return None
        try:
            uses = [(e, kernel.semantics(e.old, e.function, e.types)[0], kernel.semantics(e.new, e.function, e.types)[0])
                    for e in used]
            for e in used:
                self.programs.setdefault(e.old.digest, e.old)
                self.programs.setdefault(e.new.digest, e.new)
            same = charged(lambda: kernel.smt(forall(variables, Eq(sem.values[0], folded)),
                                              [definition, *(d for _, d, _ in uses)], rlimit(FOLD_RLIMIT)))
            never_trap = []
            for e, old_definition, _ in uses:
                _, old_sem = kernel.semantics(e.old, e.function, e.types)
                never_trap.append(charged(lambda: kernel.smt(forall(old_sem.params, old_sem.ok), [old_definition],
                                                             rlimit(FOLD_RLIMIT))))
            lemmas = [self.recheck(e, rlimit(RLIMIT_SLACK * e.cost + 1_000)) for e in used]
            if any(lemma is None for lemma in lemmas):
                return None
            new_definition = kernel.semantics(new.program, new.name, new.types)[0]
            return charged(lambda: kernel.smt(goal, [new_definition, *(d for _, _, d in uses), same, *never_trap,
                                                     *lemmas], rlimit(FOLD_RLIMIT)))
        except Refused:
            return None

    def charged(self, charge: Callable[[int], None], call: Callable[[], Theorem]) -> Theorem:
        """One kernel call, charging `charge` with its cost whether it proves or refuses: the cost
        of every theorem of its derivation not paid for yet (as tactics.charged does)."""
        try:
            theorem = call()
        except Refused as refusal:
            charge(refusal.cost)
            raise
        fresh = [t for t in derivation(theorem) if t not in self.paid]
        for t in fresh:
            self.paid.add(t)
        charge(sum(t.cost for t in fresh))
        return theorem

    def entries_in(self, theorem: Theorem) -> list[str]:
        """The ids of the entries whose lemma `theorem`'s derivation cites."""
        return sorted({self.sources[id(t)] for t in derivation(theorem) if id(t) in self.sources})


def fold(term: Formula, patterns: list[tuple[Entry, Formula, tuple[tuple[str, str], ...], str, str]]
         ) -> tuple[Formula, list[Entry]]:
    """`term` with every instance of a pattern (an entry's old value, its parameters the
    pattern's variables) made an application of the entry's value symbol, innermost first."""
    used: list[Entry] = []
    memo: dict[int, Formula] = {}

    def walk(t: Formula) -> Formula:
        if id(t) in memo:
            return memo[id(t)]
        result = t
        if t.kind == "app":
            args = tuple(walk(a) for a in t.args)
            if any(a is not b for a, b in zip(args, t.args)):
                result = mk(t.name, *args) if t.name in BUILTINS else app(t.name, args, t.sort)
            for entry, pattern, variables, name, sort in patterns:
                if pattern.kind == "app" and pattern.name == result.name and pattern.sort == result.sort:
                    binding: dict[str, Formula] = {}
                    if matches(pattern, result, {n for n, _ in variables}, binding, {}) and len(binding) == len(variables):
                        result = app(name, [binding[n] for n, _ in variables], sort)
                        if entry not in used:
                            used.append(entry)
                        break
        memo[id(t)] = result
        return result

    return walk(term), used


def matches(pattern: Formula, term: Formula, variables: set[str], binding: dict[str, Formula],
            seen: dict[tuple[int, int], bool]) -> bool:
    """Does `term` instantiate `pattern` (its symbols in `variables` bound in `binding`)?"""
    if pattern.kind == "sym" and pattern.name in variables:
        bound = binding.setdefault(pattern.name, term)
        return bound is term and bound.sort == pattern.sort
    if pattern.kind != "app":  # a constant, or a symbol that is not a variable (a bound one is never folded into)
        return pattern is term
    key = (id(pattern), id(term))
    if key in seen:
        return seen[key]
    ok = (term.kind == "app" and pattern.name == term.name and pattern.sort == term.sort and len(pattern.args) == len(term.args)
          and all(matches(p, t, variables, binding, seen) for p, t in zip(pattern.args, term.args)))
    seen[key] = ok
    return ok


def rename_datum(code: Any, names: Mapping[str, str]) -> Any:
    """Code (a datum) with its symbols renamed."""
    from godelmachine.lang.values import Pair, make_list

    if isinstance(code, str):
        return names.get(code, code)
    if isinstance(code, Pair):
        return make_list(rename_datum(item, names) for item in code)
    return code


__all__ = ["Entry", "Fragment", "Learned", "Offer", "Shape", "canonical", "closure", "fragment_weights",
           "rename_datum", "term_of"]
