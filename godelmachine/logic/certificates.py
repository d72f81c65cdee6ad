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


def _replay(kernel: Kernel, rule: str, args: dict[str, Any], premises: list[Theorem], programs: Mapping[str, Any],
            signature: Signature, confirm_state: Callable[[StateReading], bool]) -> Theorem:
    def term(text: str, scope: dict[str, Term] | None = None) -> Term:
        return parse_term(text, signature, scope, source="<certificate>")

    def program(digest: str) -> Any:
        if digest not in programs:
            raise Refused(rule, "invalid", f"no program with digest {digest[:12]}")
        return programs[digest]

    if rule == "axiom":
        return kernel.axiom(args["name"])
    if rule == "smt":
        return kernel.smt(term(args["goal"]), premises, args["rlimit"])
    if rule == "instantiate":
        return kernel.instantiate(premises[0], [term(t) for t in args["terms"]])
    if rule == "conjoin":
        return kernel.conjoin(*premises)
    if rule == "conjunct":
        return kernel.conjunct(premises[0], args["index"])
    if rule == "modus_ponens":
        return kernel.modus_ponens(premises[0], premises[1])
    if rule == "induction":
        predicate = term(args["predicate"], {args["variable"]: sym(args["variable"], INT)})
        return kernel.induction(predicate, args["variable"], premises[0], premises[1])
    if rule == "definition":
        return kernel.definition(program(args["program"]), args["function"], args["types"])
    if rule == "evaluation":
        points = [[_value(term(v)) for v in point] for point in args["points"]]
        return kernel.evaluation(program(args["program"]), args["function"], args["types"], points, args["budget"],
                                 args.get("total"))
    if rule == "state2theorem":
        value = Fraction(args["value"]) if args["field"] == "share" else int(args["value"])
        return kernel.confirmed_state(StateReading(args["reading"], args["field"], value), confirm_state)
    if rule == "expect_bound":
        coefficients = [(tuple(m), Fraction(c)) for m, c in args["coefficients"]]
        return kernel.expect_bound(program(args["program"]), args["function"], args["types"], args["kind"],
                                   args["relation"], coefficients, premises[0])
    if rule == "expect_finite":
        return kernel.expect_finite(program(args["program"]), args["function"], args["types"], args["kind"])
    if rule == "expect_monotone":
        first, second = args["first"], args["second"]
        return kernel.expect_monotone((program(first[0]), first[1]), (program(second[0]), second[1]),
                                      args["types"], args["kind"], premises[0])
    if rule == "max_cost_bound":
        return kernel.max_cost_bound(program(args["program"]), args["function"], args["types"], args["bound"], premises[0])
    raise Refused(rule, "invalid", f"unknown rule {rule!r}")
