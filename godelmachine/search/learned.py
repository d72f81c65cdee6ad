"""Untrusted: what a run takes from the library of proven rewrites (godelmachine/machine/library.py).

A library entry is a rewrite that an earlier run proved and switched to: a definition's code
before (`old`, with the helpers it calls) and after (`new`), and the kernel's certificate of
the lemma that the two agree (no new traps, the same results) on every input of their types.
The entry mentions programs this run does not have; a run uses it in three ways.

As a pattern (OOPS's bias shift): the new definitions' terms, and their subterms, become
fragments of the synthesizer's grammar (godelmachine/search/fragments.py, synthesis.py), so
that terms built from what proved useful before are short, and enumerated early.

As a lemma, where it matches: a definition of this run's solver whose code is the entry's old
code up to the names of functions and variables (godelmachine/search/shapes.py) is offered the entry's new code
at once, and the lemma is instantiated for the two programs: the entry's certificate is
replayed by this run's kernel with the symbols of the entry's programs renamed to this run's
(`instantiate`, godelmachine/search/lemmas.py). Every node is made again (each `smt` node asks Z3 again, each `definition`
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

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from godelmachine.lang.primitives import PrimitiveTable
from godelmachine.lang.program import Program
from godelmachine.lang.values import show
from godelmachine.logic.certificates import check_certificate, derivation
from godelmachine.logic.kernel import Kernel, Refused, Theorem, definition_equations, rule_key
from godelmachine.logic.semantics import symbol_base
from godelmachine.logic.terms import Eq, forall
from godelmachine.search.fragments import Fragment, Term, fragments
from godelmachine.search.lemmas import RLIMIT_SLACK, Pattern, fold, renamed_certificate, renamer
from godelmachine.search.shapes import canonical, correspondence, rename_datum

FOLD_RLIMIT = 200_000  # Z3's budget for each query of a folded obligation


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
    folds: dict[int, tuple[Any, Any, list[Entry]]] = field(default_factory=dict)  # id(value) -> (value, folded, entries)

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

    def patterns(self) -> list[Pattern]:
        """For each entry of one value that cannot trap: the symbolic value of its old code
        (the pattern), its parameters, and its value symbol's name and sort."""
        if not hasattr(self, "_patterns"):
            found: list[Pattern] = []
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

    def folded_obligation(self, goal: Any, old: Any, new: Any, charged: Callable[[Callable[[], Theorem]], Theorem],
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
        if id(value) not in self.folds:  # one old solver, many candidates: its value is folded once
            self.folds[id(value)] = (value, *fold(value, self.patterns()))
        _, folded, used = self.folds[id(value)]
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
        of every theorem of its derivation not paid for yet. The theorems count as paid only once
        the charge has gone through: a charge that ends the trial leaves them to be charged in
        full when a later trial uses them (a lemma re-made is never cheaper than its cost)."""
        try:
            theorem = call()
        except Refused as refusal:
            charge(refusal.cost)
            raise
        fresh = [t for t in derivation(theorem) if t not in self.paid]
        charge(sum(t.cost for t in fresh))
        for t in fresh:
            self.paid.add(t)
        return theorem

    def entries_in(self, theorem: Theorem) -> list[str]:
        """The ids of the entries whose lemma `theorem`'s derivation cites."""
        return sorted({self.sources[id(t)] for t in derivation(theorem) if id(t) in self.sources})


__all__ = ["Entry", "FOLD_RLIMIT", "Learned", "Offer"]
