"""Proof certificates: a theorem's whole derivation written out, and checked again.

A certificate is JSON: the SMT-LIB declarations its statements need, and its nodes in order,
premises first. Each node names its rule, its statement (SMT-LIB text), its premises (indices
of earlier nodes), the axioms it rests on, the rule's arguments and its cost on the clock.

`check_certificate` replays every node with the rules of a fresh kernel (each `smt` node asks
Z3 again, each `definition` node computes the symbolic semantics again from the program's
code) and insists that each rule makes exactly the recorded statement. Programs are looked up
by digest; state2theorem facts are accepted only if the caller confirms them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Mapping

from godelmachine.lang.values import Word
from godelmachine.logic.kernel import Kernel, Refused, StateReading, Theorem
from godelmachine.logic.smtlib import Signature, declarations_signature, parse_term
from godelmachine.logic.terms import INT, Term, declarations, sym


def derivation(theorem: Theorem) -> list[Theorem]:
    """Every theorem of the derivation, each after its premises, each once."""
    order: list[Theorem] = []
    seen: set[int] = set()
    stack: list[tuple[Theorem, bool]] = [(theorem, False)]
    while stack:
        t, expanded = stack.pop()
        if id(t) in seen:
            continue
        if expanded:
            seen.add(id(t))
            order.append(t)
        else:
            stack.append((t, True))
            stack.extend((p, False) for p in reversed(t.premises) if id(p) not in seen)
    return order


def certificate(theorem: Theorem) -> dict[str, Any]:
    order = derivation(theorem)
    index = {id(t): i for i, t in enumerate(order)}
    from godelmachine.logic.terms import smtlib

    nodes = [{
        "rule": t.rule,
        "statement": smtlib(t.statement),
        "premises": [index[id(p)] for p in t.premises],
        "axioms": sorted(t.axioms),
        "args": dict(t.args),
        "cost": t.cost,
    } for t in order]
    return {"declarations": declarations([t.statement for t in order]), "nodes": nodes}


def _value(term: Term) -> Any:
    if term.sort.startswith("(_ BitVec"):
        return Word(term.name)
    return term.name


def check_certificate(kernel: Kernel, cert: Mapping[str, Any], programs: Mapping[str, Any],
                      confirm_state: Callable[[StateReading], bool] = lambda r: False,
                      on_node: Callable[[int, Mapping[str, Any], Theorem], None] | None = None) -> Theorem:
    """The certificate's last theorem, made again by `kernel`; Refused names the first failure.

    Whatever is wrong with a certificate (a rule's refusal, a malformed node, a term that
    does not read or is ill-sorted) is a Refused naming the node, never another exception."""
    try:
        signature = declarations_signature(list(cert["declarations"]))
        signature.sorts.update(kernel.axioms.signature.sorts)
        nodes = list(cert["nodes"])
    except Exception as exc:  # noqa: BLE001 - a malformed certificate is refused, whatever broke
        raise Refused("certificate", "invalid", f"malformed declarations or nodes ({type(exc).__name__}: {exc})") from None
    theorems: list[Theorem] = []
    for i, node in enumerate(nodes):
        rule = node.get("rule", "?") if isinstance(node, Mapping) else "?"
        try:
            if not all(type(j) is int and 0 <= j < i for j in node["premises"]):
                raise ValueError(f"premises {node['premises']!r} are not indices of earlier nodes")
            premises = [theorems[j] for j in node["premises"]]
            made = _replay(kernel, node["rule"], node["args"], premises, programs, signature, confirm_state)
            recorded = parse_term(node["statement"], signature, source=f"<certificate node {i}>")
        except Refused as exc:
            raise Refused(exc.rule, exc.status, f"node {i} ({rule}): {exc.reason}", exc.counterexample) from None
        except Exception as exc:  # noqa: BLE001 - a malformed node is refused, whatever broke
            raise Refused(str(rule), "invalid", f"node {i}: malformed ({type(exc).__name__}: {exc})") from None
        if made.statement is not recorded:
            raise Refused(str(rule), "invalid", f"node {i} ({rule}): the rule makes a different statement")
        if on_node is not None:
            on_node(i, node, made)
        theorems.append(made)
    if not theorems:
        raise Refused("certificate", "invalid", "the certificate has no nodes")
    return theorems[-1]


@dataclass(frozen=True)
class _Node:
    """One certificate node, as a replay function reads it."""

    rule: str
    args: dict[str, Any]
    premises: list[Theorem]
    programs: Mapping[str, Any]
    signature: Signature
    confirm_state: Callable[[StateReading], bool]

    def term(self, text: str, scope: dict[str, Term] | None = None) -> Term:
        return parse_term(text, self.signature, scope, source="<certificate>")

    def program(self, digest: str) -> Any:
        if digest not in self.programs:
            raise Refused(self.rule, "invalid", f"no program with digest {digest[:12]}")
        return self.programs[digest]


def _induction(kernel: Kernel, n: _Node) -> Theorem:
    predicate = n.term(n.args["predicate"], {n.args["variable"]: sym(n.args["variable"], INT)})
    return kernel.induction(predicate, n.args["variable"], n.premises[0], n.premises[1])


def _evaluation(kernel: Kernel, n: _Node) -> Theorem:
    points = [[_value(n.term(v)) for v in point] for point in n.args["points"]]
    return kernel.evaluation(n.program(n.args["program"]), n.args["function"], n.args["types"], points,
                             n.args["budget"], n.args.get("total"))


def _expect_bound(kernel: Kernel, n: _Node) -> Theorem:
    coefficients = [(tuple(m), Fraction(c)) for m, c in n.args["coefficients"]]
    return kernel.expect_bound(n.program(n.args["program"]), n.args["function"], n.args["types"], n.args["kind"],
                               n.args["relation"], coefficients, n.premises[0])


def _expect_monotone(kernel: Kernel, n: _Node) -> Theorem:
    first, second = n.args["first"], n.args["second"]
    return kernel.expect_monotone((n.program(first[0]), first[1]), (n.program(second[0]), second[1]),
                                  n.args["types"], n.args["kind"], n.premises[0])


def _state2theorem(kernel: Kernel, n: _Node) -> Theorem:
    reading = StateReading.parse(n.args["reading"], n.args["field"], n.args["value"])
    return kernel.confirmed_state(reading, n.confirm_state)


# One replay function per kernel rule (kernel.RULES; tests/test_registries.py checks the two agree).
REPLAY: dict[str, Callable[[Kernel, _Node], Theorem]] = {
    "axiom": lambda kernel, n: kernel.axiom(n.args["name"]),
    "smt": lambda kernel, n: kernel.smt(n.term(n.args["goal"]), n.premises, n.args["rlimit"]),
    "instantiate": lambda kernel, n: kernel.instantiate(n.premises[0], [n.term(t) for t in n.args["terms"]]),
    "conjoin": lambda kernel, n: kernel.conjoin(*n.premises),
    "conjunct": lambda kernel, n: kernel.conjunct(n.premises[0], n.args["index"]),
    "modus_ponens": lambda kernel, n: kernel.modus_ponens(n.premises[0], n.premises[1]),
    "induction": _induction,
    "definition": lambda kernel, n: kernel.definition(n.program(n.args["program"]), n.args["function"], n.args["types"]),
    "evaluation": _evaluation,
    "state2theorem": _state2theorem,
    "expect_bound": _expect_bound,
    "expect_finite": lambda kernel, n: kernel.expect_finite(n.program(n.args["program"]), n.args["function"],
                                                            n.args["types"], n.args["kind"]),
    "expect_monotone": _expect_monotone,
    "max_cost_bound": lambda kernel, n: kernel.max_cost_bound(n.program(n.args["program"]), n.args["function"],
                                                              n.args["types"], n.args["bound"], n.premises[0]),
}


def _replay(kernel: Kernel, rule: str, args: dict[str, Any], premises: list[Theorem], programs: Mapping[str, Any],
            signature: Signature, confirm_state: Callable[[StateReading], bool]) -> Theorem:
    replay = REPLAY.get(rule) if isinstance(rule, str) else None
    if replay is None:
        raise Refused(rule, "invalid", f"unknown rule {rule!r}")
    return replay(kernel, _Node(rule, args, premises, programs, signature, confirm_state))
