"""SyGuS grammars: the programs a problem with a grammar lets the machine switch to.

A `synth-fun` may give a grammar, in SyGuS-IF 2.1's form (the nonterminals declared, then
their rules) or in 1.0's (the rules alone):

    (synth-fun f ((x (_ BitVec 32))) (_ BitVec 32)
      ((Start (_ BitVec 32)) (B Bool))
      ((Start (_ BitVec 32) (x #x00000001 (Constant (_ BitVec 32)) (bvand Start Start) (ite B Start Start)))
       (B Bool ((bvult Start Start)))))

The first nonterminal is the start symbol. A rule is a term over the operations of the
reference language (godelmachine/machine/sygus.py, `OPERATIONS`), the function's parameters,
literals, the nonterminals, `(Constant S)` (any literal of sort S) and `(Variable S)` (any
parameter of sort S); rules are type-checked when the problem is read, and a rule the machine
could never produce (an operation outside that list) is an error at its position.

A program is in the grammar when its answer, written as a SyGuS term (`sygus.solution`, with
the definitions it calls inlined and every `let` expanded), is derived from the start symbol.
Terms are compared modulo the spelling of equal things: a literal by its value and sort
(`#x00000001` is `(_ bv1 32)`), a mirrored comparison as the one it mirrors (`(bvugt a b)`
is `(bvult b a)`, `>` is `<` swapped) and `(distinct a b)` as `(not (= a b))`. The solution
`log export --sygus` writes is the derivation's, spelled as the grammar spells it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from godelmachine.errors import UserError
from godelmachine.lang.program import Program
from godelmachine.lang.reader import SAtom, SList, SNode
from godelmachine.logic.smtlib import Atom, read_sexprs, symbol_of
from godelmachine.machine.sygus import Problem, Translator, Unwritable, solution, sort_name, sort_of
from godelmachine.search.space import SearchSpace

MAX_TERM_NODES = 200_000  # a solution whose let-expanded term is larger is not checked (refused)

# the SyGuS operations a machine solver can be written with (sygus.solution), as the
# machine's primitives that write them
PRIMITIVES: dict[str, tuple[str, ...]] = {
    "bvadd": ("w+",), "bvsub": ("w-",), "bvmul": ("w*",), "bvand": ("wand",), "bvor": ("wor",),
    "bvxor": ("wxor",), "bvnot": ("wnot",), "bvneg": ("wneg",), "bvudiv": ("wudiv",), "bvurem": ("wurem",),
    "bvshl": ("wshl",), "bvlshr": ("wshr",), "bvashr": ("wsar",),
    "bvult": ("wult",), "bvugt": ("wult",), "bvule": ("wule",), "bvuge": ("wule",),
    "bvslt": ("wslt",), "bvsgt": ("wslt",), "bvsle": ("wsle",), "bvsge": ("wsle",),
    "+": ("+",), "-": ("-", "neg"), "*": ("*",), "div": ("div",), "mod": ("mod",), "abs": ("abs",),
    "<": ("<", ">"), ">": ("<", ">"), "<=": ("<=", ">="), ">=": ("<=", ">="),
    "=": ("=",), "distinct": ("=", "not"), "not": ("not",),
}
MIRRORED = {"bvugt": "bvult", "bvuge": "bvule", "bvsgt": "bvslt", "bvsge": "bvsle", ">": "<", ">=": "<="}

# --- terms: ("app", op, args) | ("lit", sort, value) | ("sym", name) | Hole -----------------


@dataclass(frozen=True)
class Hole:
    """A place in a rule: a nonterminal, (Constant sort) or (Variable sort)."""

    kind: str  # nt | constant | variable
    name: str  # the nonterminal, or the sort (word, int, bool)
    index: int


def canonical(op: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """An application in the spelling both sides are compared in."""
    if op in MIRRORED and len(args) == 2:
        return ("app", MIRRORED[op], (args[1], args[0]))
    if op == "distinct" and len(args) == 2:
        return ("app", "not", (("app", "=", args),))
    if op == "-" and len(args) == 1 and type(args[0]) is tuple and args[0][:2] == ("lit", "int"):
        return ("lit", "int", -args[0][2])
    return ("app", op, args)


def literal(e: SAtom) -> tuple[Any, ...] | None:
    kind, text = e.value.kind, e.value.text
    if kind == "num":
        return ("lit", "int", int(text))
    if kind == "hex":
        return ("lit", "word", int(text[2:], 16))
    if kind == "bin":
        return ("lit", "word", int(text[2:], 2))
    if symbol_of(e) in ("true", "false"):
        return ("lit", "bool", symbol_of(e) == "true")
    return None


def indexed_literal(e: SList) -> tuple[Any, ...] | None:
    """(_ bvN 32) as a word literal."""
    if len(e.items) == 3 and symbol_of(e.items[0]) == "_" and (symbol_of(e.items[1]) or "").startswith("bv"):
        digits = (symbol_of(e.items[1]) or "")[2:]
        if digits.isdigit():
            return ("lit", "word", int(digits) & 0xFFFFFFFF)
    return None


def term_of(e: SNode, env: dict[str, Any], budget: list[int]) -> Any:
    """A solution's SyGuS term as a tuple term, lets expanded (shared, not copied)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge
    if type(e) is SAtom:
        lit = literal(e)
        if lit is not None:
            return lit
        name = symbol_of(e) or e.value.text
        return env.get(name, ("sym", name))
    lit = indexed_literal(e)
    if lit is not None:
        return lit
    head = symbol_of(e.items[0]) or ""
    if head == "let":
        assert type(e.items[1]) is SList
        inner = dict(env)
        for b in e.items[1].items:
            assert type(b) is SList
            inner[symbol_of(b.items[0]) or ""] = term_of(b.items[1], env, budget)
        return term_of(e.items[2], inner, budget)
    return canonical(head, tuple(term_of(a, env, budget) for a in e.items[1:]))


class TooLarge(Exception):
    pass


# --- the grammar -------------------------------------------------------------------------


@dataclass
class Rule:
    pattern: Any  # a term with holes
    render: Callable[[dict[int, str]], str]  # the rule's text with its holes filled
    holes: int


@dataclass
class Grammar:
    start: str
    sorts: dict[str, str]  # nonterminal -> word | int | bool
    rules: dict[str, list[Rule]]
    params: dict[str, str]  # the function's parameters and their sorts
    operations: set[str] = field(default_factory=set)  # the SyGuS operations its rules apply

    def derive(self, term: Any) -> str | None:
        """The term spelled as the grammar derives it from the start symbol, or None."""
        memo: dict[tuple[str, int], Any] = {}
        derivation = self._derive(self.start, term, memo)
        return None if derivation is None else self._render(derivation)

    def _derive(self, nt: str, term: Any, memo: dict[tuple[str, int], Any]) -> Any:
        key = (nt, id(term))
        if key in memo:
            return memo[key]
        memo[key] = None  # while in progress: a rule that derives the term from itself is no derivation
        for rule in self.rules[nt]:
            bindings: dict[int, Any] = {}
            if self._match(rule.pattern, term, bindings, memo):
                memo[key] = (rule, bindings)
                break
        return memo[key]

    def _match(self, pattern: Any, term: Any, bindings: dict[int, Any], memo: dict[tuple[str, int], Any]) -> bool:
        if type(pattern) is Hole:
            if pattern.kind == "nt":
                found = self._derive(pattern.name, term, memo)
                bindings[pattern.index] = found
                return found is not None
            if pattern.kind == "constant":
                ok = term[0] == "lit" and term[1] == pattern.name
            else:
                ok = term[0] == "sym" and self.params.get(term[1]) == pattern.name
            bindings[pattern.index] = term
            return ok
        if pattern[0] != "app":
            return pattern == term
        if term[0] != "app" or term[1] != pattern[1] or len(term[2]) != len(pattern[2]):
            return False
        return all(self._match(p, t, bindings, memo) for p, t in zip(pattern[2], term[2]))

    def _render(self, derivation: Any) -> str:
        rule, bindings = derivation
        texts = {i: self._render(b) if type(b) is tuple and type(b[0]) is Rule else spell(b)
                 for i, b in bindings.items()}
        return rule.render(texts)


def spell(term: Any) -> str:
    """A literal or parameter filling a (Constant S) or (Variable S) hole."""
    if term[0] == "sym":
        return term[1]
    sort, value = term[1], term[2]
    if sort == "word":
        return f"#x{value & 0xFFFFFFFF:08x}"
    if sort == "bool":
        return "true" if value else "false"
    return str(value) if value >= 0 else f"(- {-value})"


def read_grammar(problem: Problem) -> Grammar | None:
    """The grammar of the problem's synth-fun (the items after its result sort), or None. Its
    rules are typed by the reference translator, which gives a positioned error for what it
    cannot read."""
    target, command = problem.target, problem.synth_fun
    assert target is not None and command is not None
    if len(command.items) <= 4:
        return None
    params, result = target.params, target.result
    translator = Translator(problem.functions)

    def check(e: SNode, env: dict[str, tuple[str, str]]) -> str:
        return translator.term(e, env)[1]

    rest = command.items[4:]
    shape = ("expected a grammar: ((N S) ...) ((N S (rule ...)) ...) (SyGuS-IF 2.1), or ((N S (rule ...)) ...)")
    if len(rest) == 2:
        declared, groups = rest
    elif len(rest) == 1:
        declared, groups = None, rest[0]
    else:
        raise UserError(shape, command.pos)
    if type(groups) is not SList or not groups.items:
        raise UserError(shape, groups.pos)
    sorts: dict[str, str] = {}
    raw: dict[str, SList] = {}
    for g in groups.items:
        if type(g) is not SList or len(g.items) != 3 or symbol_of(g.items[0]) is None or type(g.items[2]) is not SList:
            raise UserError("expected a nonterminal's rules (N S (rule ...))", g.pos)
        name = symbol_of(g.items[0]) or ""
        if name in sorts:
            raise UserError(f"the nonterminal {name} is given rules twice", g.pos)
        sorts[name] = sort_of(g.items[1])
        raw[name] = g.items[2]
    if declared is not None:
        if type(declared) is not SList or not all(type(d) is SList and len(d.items) == 2 for d in declared.items):
            raise UserError("expected the nonterminals declared: ((N S) ...)", declared.pos)
        names = [symbol_of(d.items[0]) for d in declared.items if type(d) is SList]
        if names != list(sorts):
            raise UserError(f"the nonterminals declared ({' '.join(str(n) for n in names)}) are not those given rules, "
                            f"in that order ({' '.join(sorts)})", declared.pos)
        for d in declared.items:
            assert type(d) is SList
            if sort_of(d.items[1]) != sorts[symbol_of(d.items[0]) or ""]:
                raise UserError(f"{symbol_of(d.items[0])} is declared with another sort than its rules'", d.pos)
    start = next(iter(sorts))
    if sorts[start] != result:
        raise UserError(f"the start symbol {start} has sort {sorts[start]}, the function returns {result}", groups.pos)
    clash = set(sorts) & {p for p, _ in params}
    if clash:
        raise UserError(f"{', '.join(sorted(clash))}: a nonterminal with a parameter's name", groups.pos)
    grammar = Grammar(start, sorts, {}, dict(params))
    env = {**{p: (p, s) for p, s in params}, **{n: (n, s) for n, s in sorts.items()}}
    for name, rules in raw.items():
        if not rules.items:
            raise UserError(f"the nonterminal {name} has no rules", rules.pos)
        grammar.rules[name] = [make_rule(r, name, sorts, env, check, grammar.operations) for r in rules.items]
    return grammar


def make_rule(node: SNode, nt: str, sorts: dict[str, str], env: dict[str, tuple[str, str]],
              check: Callable[[SNode, dict[str, tuple[str, str]]], str], operations: set[str]) -> Rule:
    counter = itertools.count()
    holes_env = dict(env)

    def build(e: SNode) -> tuple[Any, Callable[[dict[int, str]], str], SNode]:
        """The pattern, its renderer, and the node `check` types (holes as typed names)."""
        if type(e) is SAtom:
            lit = literal(e)
            name = symbol_of(e)
            if lit is None and name in sorts:
                i = next(counter)
                return Hole("nt", name, i), lambda texts: texts[i], e
            text = e.value.text
            return (lit if lit is not None else ("sym", name or text)), lambda texts: text, e
        if len(e.items) == 2 and symbol_of(e.items[0]) in ("Constant", "Variable"):
            kind = (symbol_of(e.items[0]) or "").lower()
            sort = sort_of(e.items[1])
            i = next(counter)
            placeholder = f"sygus-{kind}-{i}"
            holes_env[placeholder] = (placeholder, sort)
            return Hole(kind, sort, i), lambda texts: texts[i], SAtom(Atom("sym", placeholder), e.pos)
        lit = indexed_literal(e)
        if lit is not None:
            text = render_node(e)
            return lit, lambda texts: text, e
        head = symbol_of(e.items[0]) if e.items else None
        if head in ("let", "Constant", "Variable") or head is None:
            raise UserError("a grammar rule is a term of operations, literals, parameters, nonterminals, "
                            "(Constant S) and (Variable S)", e.pos)
        operations.add(head)
        parts = [build(a) for a in e.items[1:]]
        renders = [r for _, r, _ in parts]
        pattern = canonical(head, tuple(p for p, _, _ in parts))
        typed = SList((e.items[0], *(n for _, _, n in parts)), e.pos)
        return pattern, lambda texts: f"({head} {' '.join(r(texts) for r in renders)})", typed

    pattern, render, typed = build(node)
    sort = check(typed, holes_env)
    if sort != sorts[nt]:
        raise UserError(f"a rule of {nt} ({sort_name(sorts[nt])}) makes a {sort_name(sort)}", node.pos)
    return Rule(pattern, render, next(counter))


def render_node(e: SNode) -> str:
    if type(e) is SAtom:
        return e.value.text
    return "(" + " ".join(render_node(i) for i in e.items) + ")"


# --- the restriction --------------------------------------------------------------------


def in_grammar(program: Program, problem: Problem, grammar: Grammar) -> tuple[str | None, str | None]:
    """(the solution `(define-fun f ...)` spelled as the grammar derives it, None), or (None,
    why the program is not in the grammar)."""
    try:
        text = solution(program, problem)
        (command,) = read_sexprs(text, "<solution>")
        assert type(command) is SList
        term = term_of(command.items[4], {}, [MAX_TERM_NODES])
        derived = grammar.derive(term)
    except Unwritable as exc:
        return None, f"it has no SyGuS term ({exc})"
    except TooLarge:
        return None, f"its term has more than {MAX_TERM_NODES} nodes with its lets expanded"
    except (RecursionError, UserError):  # nesting past the reader's limit, or Python's
        return None, "its term is nested too deeply to check"
    if derived is None:
        return None, f"the grammar does not derive its term from {grammar.start}"
    head = text[:text.index("\n")]  # (define-fun f ((x S) ...) R
    return f"{head}\n  {derived})", None


def search_space(problem: Problem, grammar: Grammar) -> SearchSpace:
    """The problem's grammar as the machine's restriction of its rewrites."""
    target = problem.target
    assert target is not None
    primitives = frozenset(p for op in grammar.operations for p in PRIMITIVES.get(op, ()))
    return SearchSpace(f"the grammar of {target.name} in {problem.source}",
                       lambda program: in_grammar(program, problem, grammar)[1], primitives, "ite" in grammar.operations)


__all__ = ["Grammar", "read_grammar", "search_space", "in_grammar", "term_of"]
