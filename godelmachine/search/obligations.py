"""Untrusted: the rewrite obligations' goals, and a search for counterexamples to them.

Nothing here is trusted: it builds the goals that the proof searcher (search/tactics.py)
hands to the kernel's rules, and looks for inputs on which the programs, run, break a goal.
For an old and a new program with the same entry function, over a domain of inputs:

    (i)   no-new-traps     forall x in dom. old.ok(x) => new.ok(x)
    (ii)  same-results     forall x in dom. old.ok(x) => new.val(x) = old.val(x)
    (iii) cost-not-greater forall x in dom. old.ok(x) => new.cost(x) <= old.cost(x)

`dom` is the parameters' type ranges (integers within [INT_MIN, INT_MAX]) and any extra
condition (the support of the instance distribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from godelmachine.lang.values import INT_MAX, INT_MIN
from godelmachine.logic.kernel import Kernel, Refused, Theorem, steps_for
from godelmachine.logic.semantics import SORTS, FunctionSemantics
from godelmachine.logic.terms import And, Eq, Implies, Le, Term, forall, int_, mk, substitute, sym


@dataclass(frozen=True)
class Solver:
    """A program's entry function and the types of its parameters."""

    program: Any
    name: str
    types: tuple[str, ...]


def variables(types: Sequence[str]) -> list[tuple[str, str]]:
    return [(f"x{i}", SORTS[t]) for i, t in enumerate(types)]


def applied(sem: FunctionSemantics, args: Sequence[Term]) -> tuple[Term, tuple[Term, ...], Term]:
    """ok, values and cost of the function applied to `args`."""
    mapping = {sym(n, s): a for (n, s), a in zip(sem.params, args)}
    return substitute(sem.ok, mapping), tuple(substitute(v, mapping) for v in sem.values), substitute(sem.cost, mapping)


def domain(types: Sequence[str], args: Sequence[Term], extra: Term | None = None) -> Term:
    ranges = [And(Le(int_(INT_MIN), a), Le(a, int_(INT_MAX))) for a, t in zip(args, types) if t == "int"]
    return And(*ranges, *([extra] if extra is not None else []))


def symbols_from(facts: Sequence[Theorem], solver: Solver, args: Sequence[Term]) -> tuple[Term, tuple[Term, ...], Term] | None:
    """ok, values and cost of the solver applied to `args`, with the value symbols that an
    evaluation theorem among `facts` uses (None if there is none for this solver)."""
    from godelmachine.logic.semantics import function_base
    from godelmachine.logic.terms import BOOL, INT, app, subterms

    base = function_base(solver.program, solver.name)
    for fact in facts:
        if fact.rule != "evaluation" or fact.arg("program") != solver.program.digest or fact.arg("function") != solver.name:
            continue
        shapes = {t.name: t.sort for t in subterms(fact.statement) if t.kind == "app" and t.name.startswith(base + ".val")}
        names = sorted(shapes, key=lambda n: (len(n), n))
        values = tuple(app(n, list(args), shapes[n]) for n in names)
        return app(f"{base}.ok", list(args), BOOL), values, app(f"{base}.cost", list(args), INT)
    return None


def _pair(kernel: Kernel, old: Solver, new: Solver, facts: Sequence[Theorem] = ()) -> tuple[list[Term], list[Theorem], Any, Any]:
    """The two solvers applied to common variables, from their evaluation facts if `facts`
    holds them, else from their definitions (which are then the premises needed)."""
    if old.types != new.types:
        raise ValueError("the two solvers take different parameter types")
    args = [sym(n, s) for n, s in variables(old.types)]
    needed: list[Theorem] = []
    sides = []
    for solver in (old, new):
        applied_facts = symbols_from(facts, solver, args)
        if applied_facts is None:
            definition, sem = kernel.semantics(solver.program, solver.name, solver.types)
            needed.append(definition)
            applied_facts = applied(sem, args)
        sides.append(applied_facts)
    return args, needed, sides[0], sides[1]


def obligation_goal(kind: str, kernel: Kernel, old: Solver, new: Solver, extra: Term | None = None,
                    facts: Sequence[Theorem] = ()) -> tuple[Term, list[Theorem]]:
    """The goal of obligation `kind`, and the definitions it needs beyond `facts`."""
    args, needed, (old_ok, old_vals, old_cost), (new_ok, new_vals, new_cost) = _pair(kernel, old, new, facts)
    if kind == "no-new-traps":
        claim = new_ok
    elif kind == "same-results":
        if len(old_vals) != len(new_vals) or any(o.sort != n.sort for o, n in zip(old_vals, new_vals)):
            claim = mk("=", int_(0), int_(1))  # different result shapes: never the same results
        else:
            claim = And(*(Eq(n, o) for n, o in zip(new_vals, old_vals)))
    elif kind == "cost-not-greater":
        claim = Le(new_cost, old_cost)
    else:
        raise ValueError(f"unknown obligation {kind!r}")
    goal = forall(variables(old.types), Implies(And(domain(old.types, args, extra), old_ok), claim))
    return goal, needed


def search_counterexample(kind: str, kernel: Kernel, goal: Term, old: Solver, new: Solver,
                          premises: Sequence[Theorem], rlimit: int, run_budget: int = 10_000_000,
                          spend: Callable[[int], None] = lambda n: None) -> tuple[tuple[tuple[str, str], ...], int]:
    """Z3 on the goal with the quantified premises replaced by their instances at the goal's
    own terms (a ground query, where Z3 finds models); the model is kept only if the programs,
    run on it, break the obligation. Returns (the counterexample or (), steps spent)."""
    from godelmachine.logic.kernel import rewrite_rules, unfold, value_term, z3_premises
    from godelmachine.logic.smt import prove
    from godelmachine.logic.terms import quantified_body

    rules = rewrite_rules(premises)
    names, body = quantified_body(goal)
    skolems = {sym(n, srt): sym(f"cex.{n}", srt) for n, srt in names}
    ground_goal = unfold(substitute(body, skolems), rules)
    instances = [i for p in z3_premises(premises, rules) for i in ground_instances(p, ground_goal)]
    unskolem = {v: k for k, v in skolems.items()}
    spent, blocked = 0, []
    for _ in range(SEARCH_ATTEMPTS):  # a model that the programs do not confirm is blocked, and Z3 asked again
        query = forall(names, substitute(Implies(And(*blocked), ground_goal), unskolem))
        result = prove(instances, query, rlimit)
        spent += steps_for(result.rlimit_used)
        if result.status != "refuted":
            return (), spent
        inputs = [value_of(text, t) for (_, text), t in zip(result.counterexample, old.types)]
        if breaks(kind, kernel, old, new, inputs, premises, run_budget, spend):
            return result.counterexample, spent
        point = And(*(Eq(skolems[sym(n, srt)], value_term(v, t)) for (n, srt), v, t in zip(names, inputs, old.types)))
        blocked.append(mk("not", point))
    return (), spent


SEARCH_ATTEMPTS = 8


def ground_instances(premise: Term, ground: Term) -> list[Term]:
    """Instances of a universally quantified premise at applications that occur in `ground`:
    each argument position of a function that holds a bound variable takes the ground term."""
    from godelmachine.logic.terms import quantified_body, subterms

    names, body = quantified_body(premise)
    if not names:
        return [premise]
    bound = {n for n, _ in names}
    patterns = [t for t in subterms(body) if t.kind == "app" and any(a.kind == "sym" and a.name in bound for a in t.args)]
    found = []
    for target in subterms(ground):
        if target.kind != "app":
            continue
        for pattern in patterns:
            if pattern.name != target.name:
                continue
            binding: dict[str, Term] = {}
            for p_arg, t_arg in zip(pattern.args, target.args):
                if p_arg.kind == "sym" and p_arg.name in bound:
                    if binding.setdefault(p_arg.name, t_arg) is not t_arg:
                        break
                elif p_arg is not t_arg:
                    break
            else:
                if len(binding) == len(bound):
                    instance = substitute(body, {sym(n, srt): binding[n] for n, srt in names})
                    if instance not in found:
                        found.append(instance)
    return found


def value_of(text: str, type_name: str) -> Any:
    from godelmachine.lang.values import Word

    if type_name == "word":
        return Word(int(text[2:], 16))
    if type_name == "bool":
        return text == "True"
    return int(text)


def breaks(kind: str, kernel: Kernel, old: Solver, new: Solver, inputs: Sequence[Any],
           premises: Sequence[Theorem], run_budget: int = 10_000_000, spend: Callable[[int], None] = lambda n: None) -> bool:
    """Do the two programs break the obligation at `inputs`? The new program is run; the old
    one is run too, or, when that would take too long, the fact needed about it (no trap,
    and its result differs from the new one's) is proved from the premises."""
    from godelmachine.lang.execute import run
    from godelmachine.lang.values import values_equal
    from godelmachine.logic.kernel import value_term

    after = run(new.program, new.name, tuple(inputs), budget=min(CONFIRM_BUDGET, run_budget))
    spend(after.steps)
    before = run(old.program, old.name, tuple(inputs), budget=min(CONFIRM_BUDGET, run_budget))
    spend(before.steps)
    if after.kind == "out-of-steps" or before.kind == "trap":
        return False
    if before.kind == "value":
        if kind == "no-new-traps":
            return after.kind == "trap"
        if kind == "same-results":
            return after.kind == "trap" or not values_equal(after.value, before.value)
        return after.steps > before.steps
    # the old program runs too long to watch: prove what the obligation needs about it
    args = [value_term(v, t) for v, t in zip(inputs, old.types)]
    old_ok, old_values, old_cost = applied(kernel.semantics(old.program, old.name, old.types)[1], args)
    if kind == "no-new-traps" and after.kind == "trap":
        claim = old_ok
    elif kind == "same-results" and after.kind == "value":
        from godelmachine.logic.kernel import result_terms

        new_values, _ = result_terms(after.value)
        if len(new_values) != len(old_values):
            return False
        claim = And(old_ok, mk("not", And(*(Eq(o, n) for o, n in zip(old_values, new_values)))))
    elif kind == "cost-not-greater" and after.kind == "value":
        claim = And(old_ok, mk("<", old_cost, int_(after.steps)))
    else:
        return False
    try:
        spend(kernel.smt(claim, premises, 1_000_000).cost)
    except Refused as refusal:
        spend(refusal.cost)
        return False
    return True


CONFIRM_BUDGET = 10_000_000
