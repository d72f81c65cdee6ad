"""`godelmachine check TASK`: is a task file ready for a lifetime? It is read and checked as a
run reads it (sections, the instance law, the reward rule's symbolic fragment, the solver's
output types), its axioms are checked as a run checks them, and its solver answers a few
instances drawn from its law: what each costs, which trap, what the reward rule gives them."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

SAMPLES = 32  # instances the solver answers
SAMPLE_BUDGET = 10_000_000  # steps one instance may take here (a run gives it what is left of the lifetime)


def check_task(name: str, samples: int = SAMPLES, seed: int = 0) -> dict[str, Any]:
    """The report on a task (a UserError, with its position, if the task file is wrong)."""
    from godelmachine.lang.execute import run
    from godelmachine.lang.values import show
    from godelmachine.machine.axiom_set import task_axioms
    from godelmachine.machine.task import draw_instances, load_task

    task = load_task(name)
    axioms = task_axioms(task, ())
    rng = np.random.default_rng([seed, 1])  # not the run's streams: a look at the law, not the run's instances
    instances = draw_instances(task.distribution, rng, samples)
    costs, rewards, traps, out_of_steps = [], [], {}, 0
    examples = []
    for instance in instances:
        outcome = run(task.solver, "solve", instance, budget=SAMPLE_BUDGET)
        arguments = ", ".join(f"{v} = {show(x)}" for (v, _), x in zip(task.variables, instance))
        if outcome.kind == "value":
            costs.append(outcome.steps)
            reward = task.expected_reward(instance, outcome.value)
            rewards.append(reward)
            if len(examples) < 3:
                examples.append({"instance": arguments, "answer": show(outcome.value), "steps": outcome.steps,
                                 "expected_reward": str(reward)})
        elif outcome.kind == "trap":
            key = f"{outcome.reason} at {outcome.pos or '?'}"
            entry = traps.setdefault(key, {"trap": outcome.reason, "position": str(outcome.pos) if outcome.pos else None,
                                           "detail": outcome.detail, "count": 0, "first_instance": arguments})
            entry["count"] += 1
        else:
            out_of_steps += 1
    return {
        "task": task.name, "file": task.path, "lifetime": task.lifetime, "search_share": str(task.search_share),
        "variables": [[n, t] for n, t in task.variables], "reward": task.reward_kind,
        "axioms": {"consistency": axioms.consistency, "user_constraints": axioms.user_consistency,
                   "count": len(axioms.axioms)},
        "samples": samples, "answered": len(costs), "traps": list(traps.values()), "out_of_steps": out_of_steps,
        "cost": {"min": min(costs), "mean": round(sum(costs) / len(costs), 2), "max": max(costs)} if costs else None,
        "mean_expected_reward": str(sum(rewards, Fraction(0)) / len(rewards)) if rewards else None,
        "examples": examples,
    }


def report_lines(report: dict[str, Any]) -> list[str]:
    lines = [f"{report['file']}: task {report['task']}, lifetime {report['lifetime']:,} steps, search share "
             f"{report['search_share']}, reward {report['reward']}; instance "
             + ", ".join(f"{n} ({t})" for n, t in report["variables"]),
             f"axioms: {report['axioms']['count']} checked; consistency: {report['axioms']['consistency']}; the user's "
             f"constraints: {report['axioms']['user_constraints']}",
             f"solver on {report['samples']} sampled instances: {report['answered']} answered"]
    if report["cost"]:
        c = report["cost"]
        reward = Fraction(report["mean_expected_reward"])
        lines.append(f"  cost per instance: {c['min']:,} to {c['max']:,} steps, mean {c['mean']:,}; "
                     f"expected reward per answer {float(reward):.4g}")
    for t in report["traps"]:
        lines.append(f"  trap: {t['trap']} at {t['position'] or '?'}: {t['count']} instance(s), the first "
                     f"{t['first_instance']} ({t['detail']})")
    if report["out_of_steps"]:
        lines.append(f"  {report['out_of_steps']} instance(s) took more than {SAMPLE_BUDGET:,} steps")
    for x in report["examples"]:
        lines.append(f"  e.g. {x['instance']} -> {x['answer']} in {x['steps']:,} steps, expected reward {x['expected_reward']}")
    return lines
