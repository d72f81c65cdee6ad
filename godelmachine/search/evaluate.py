"""Untrusted: concrete values of symbolic terms, loops computed from their definitions.

Given a definition's statement (from `godelmachine/logic/semantics.py`), `LoopEvaluator`
evaluates ground terms by folding constants and by running each loop's primitive-recursive
definition forward from 0. Tactics use it to sample a loop's accumulator and cost when they
look for an invariant; the tests use it to compare the semantics with the interpreter.
"""

from __future__ import annotations

from typing import Any

from godelmachine.logic.terms import BOOL, Term, const, int_, mk, quantified_body, substitute, sym


def conjuncts(t: Term) -> tuple[Term, ...]:
    return t.args if t.kind == "app" and t.name == "and" else (t,)


class LoopEvaluator:
    def __init__(self, statement: Term) -> None:
        parts = conjuncts(statement)
        variables, body = quantified_body(parts[0])
        self.params = variables
        self.equations = {eq.args[0].name: eq.args[1] for eq in conjuncts(body) if eq.kind == "app" and eq.name == "="}
        self.starts: dict[str, tuple[Any, Term]] = {}
        self.steps: dict[str, tuple[Any, Term]] = {}
        for part in parts[1:]:
            head, inner = quantified_body(part)
            if inner.kind == "app" and inner.name == "=>":  # forall head, k. 0 <= k => one more iteration
                for eq in conjuncts(inner.args[1]):
                    self.steps[eq.args[0].name] = (head, eq.args[1])
            else:
                for eq in conjuncts(inner):
                    if eq.kind == "app" and eq.name == "=":
                        self.starts[eq.args[0].name] = (head, eq.args[1])
                    else:  # L.ok at 0 is stated as itself: true
                        self.starts[eq.name] = (head, const(True, BOOL))
        self.memo: dict[Term, Term] = {}

    def value(self, term: Term) -> Term:
        """The constant a ground term denotes (AssertionError if it does not reduce to one)."""
        if term.is_const:
            return term
        if term in self.memo:
            return self.memo[term]
        assert term.kind == "app", term
        args = [self.value(a) for a in term.args]
        if term.name in self.starts:
            result = self.loop(term.name, args)
        else:
            result = mk(term.name, *args)
            assert result.is_const, result
        self.memo[term] = result
        return result

    def loop(self, name: str, args: list[Term]) -> Term:
        *head, k = args
        if k.name == 0:
            variables, start = self.starts[name]
            return self.value(substitute(start, {sym(n, s): v for (n, s), v in zip(variables, head)}))
        variables, step = self.steps[name]
        mapping = {sym(n, s): v for (n, s), v in zip(variables, [*head, int_(k.name - 1)])}
        return self.value(substitute(step, mapping))

    def at(self, symbol: Term, inputs: dict[Term, Term]) -> Term:
        """The value of a defined symbol (P.f.ok, .val, .cost) at constant inputs."""
        return self.value(substitute(self.equations[symbol.name], inputs))
