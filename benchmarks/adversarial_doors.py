"""The adversarial campaign's two other doors: the search share a switchprog sets, and user axiom files.

The mutation campaign (benchmarks/adversarial.py) changes only a rewrite's code, against the
shipped axioms. A harmful switch can also come in through the share a switchprog sets, or
through the axioms its proof rests on (issue 12, items 1-3). This module generates candidates
for both, deterministically from the seed, and the campaign submits them through the same path
(`godelmachine/search/submit.py`: `set-switchprog`, the library's proof, `check`) and judges
them by the same ground truth, extended as below.

**share** (`kind == "share"`): switchprogs that set `(share p q)`, with p/q in range (0, 1/10,
1/2, 99/100, and 10^30/(10^30+1)) or out of it (-1/10, -1, -1000, 1/-2, 1, 3/2, a zero
denominator, a huge numerator 10^30/7 and -10^30/3), each combined with
- the correct rewrite (a base of the plan), proved as the plan proves it;
- mutated code (the first wrong-kind mutations of the base from the campaign's streams:
  constant, off-by-one, swap, divergence), proved with `prove-better-policy` where the support
  is small (fib, induce: the procedure that can prove a solver with other answers better) and
  as the plan proves it elsewhere;
- no code at all, with the base switched in before (`stage == "after"`): the share technique's
  own switchprog, proved by `prove-share-change`;
- slower code (the base with extra work on a subset of the instances, the `cost` mutation),
  the base switched in before: correct, and slower than the solver it replaces.

What a wrong acceptance is, for a switchprog that sets a share. The target theorem compares
the expected reward of the two branches over the rest of the lifetime L - t: the solver keeps
(1 - s) of the steps, so with mean cost mu and mean reward rho per instance a branch earns
about (1 - s)(L - t) rho / mu. That model is sound for 0 <= s' < 1 only: a negative share
credits the new solver with more steps than the lifetime has left ((1 - s') > 1), s' = 1 leaves
it none, s' > 1 a negative number, and p/0 is no number at all. So the ground truth says:
1. a share outside [0, 1) is wrong, whatever the code (the switch rests on an unsound model);
2. otherwise the code is judged as in the campaign (wrong answers, traps: wrong);
3. and correct code with an in-range share is a wrong acceptance unless the switch raises the
   expected reward the model counts: (1 - s') / mu' > (1 - s) / mu, with mu' and mu the mean
   costs of the new and the current solver on the ground truth's sample (the rewards are equal
   where the answers are). Raising the search share with the same code lowers the solver's
   steps and so the reward: wrong. Raising it with faster code is right only if the code is
   faster by more than the share takes away.
The ground truth shares the model's one simplification: continued proof search is valued at
zero (what later switches might gain is not counted), so lowering the share to 0 with the same
code counts as better. The switch rule makes that simplification true where it accepts a lower
share: only with the same code, and only once every other technique is exhausted (so the
branch that keeps searching cannot switch to a better solver; docs/machine.md). The share
technique's own switchprog (no code) is submitted with the searcher marked exhausted, the
state in which that technique runs; correct code with a lower share is refused by the rule. A Python exception out of the switch path (on main, `(share 1 0)` raises
ZeroDivisionError in `set-switchprog`) is recorded as the answer `crash`: not an acceptance,
but not the refusal the issue asks for either (the test slice checks there is none).

**axioms** (`kind == "axioms"`): generated user axiom files, per task (sum-to-n, fib, bits,
rare, sort4), deterministic from the seed, each loaded as a run loads user files: given with
`--axioms` (the Machine's `axiom_files`, loaded and checked by `task_axioms` as a run does;
door "run"), or installed one after another by `godelmachine axioms add --task T --dir D`, the
run then loading every installed file (door "add", for the pairs). Groups:
- `solver-fact`: a false ground fact about the initial solver's semantics symbols
  (`p<digest>.solve.val`, `.ok`, `.cost` at one instance), the digest read off the generated
  initial-state axioms (the Program constant of `initial-solver-reward`);
- `reserved`: facts about the kernel's and the shipped files' other symbols: mean-cost,
  mean-reward, max-cost, uniform-moment, reward-of, state.share, state.lifetime, hw.cost.*,
  hw.val.*;
- `large-only`: false lemmas over theory symbols that hold on small values and fail only at
  large ones: an integer one Z3 cannot decide (n^2 mod 1000003 avoids a residue whose roots
  are above 10^5), the issue's kind that Z3 refutes (n^2 < K on 0..10^6), a word one Z3 cannot
  decide (the same through bv2nat) and a word hash that misses one word, which Z3 refutes;
- `inconsistent`: sets of two files: a true nonlinear lemma then a contradictory file (each
  added after the other, and both given at once), and two files fine alone that contradict
  each other;
- `control`: true lemmas (integer, bit-vector, and a true nonlinear one Z3 cannot prove), which
  must load, and with which the correct rewrite must still be accepted.
For each file set: refused at load (a UserError from loading the axioms or from `axioms add`:
the message is recorded) or loaded; if loaded, the task's rewrites are submitted through the
proof path with that axiom set: the natural wrong idioms (bits, rare), rewrites made to use the
file's false statement (a divergence at the false fact's instance, a wrong answer exactly where
a false lemma fails), the first wrong-kind mutations of the base, and the correct base. The
ground truth is the campaign's: a wrong rewrite accepted is a wrong acceptance, as is a correct
one that is not faster, whether or not its proof rests on a user axiom (the axiom set a run
loads is the machine's to check; the count of wrong acceptances resting on a user axiom, an
assumption the switch must declare, is kept beside it). The empirical mode reads no axioms and
is not run for this kind.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from benchmarks.adversarial import (
    NATURAL,
    PLAN,
    PLANS,
    SEED,
    WORD,
    Candidate,
    Mutator,
    Oracle,
    Plan,
    Result,
    Settings,
    Stage,
    Verdict,
    campaign,
    definition_of,
    generate,
    outcome,
    summarize,
    text,
    valid,
)
from godelmachine.errors import UserError
from godelmachine.lang.values import Pair, Word
from godelmachine.machine.task import Task, load_task
from godelmachine.search.candidates import datum, replace_definitions

# --- the share ------------------------------------------------------------------------------

SHARES_IN = ((0, 1), (1, 10), (1, 2), (99, 100), (10**30, 10**30 + 1))
SHARES_OUT = ((-1, 10), (-1, 1), (-1000, 1), (1, -2), (1, 1), (3, 2), (1, 0), (10**30, 7), (-10**30, 3))
SHARES = SHARES_IN + SHARES_OUT
MUTATED_KINDS = ("constant", "off-by-one", "swap", "divergence")
# bases the machine never switches to, so there is no stage after them: induce's second rule
# is correct and proved not to pay
NOT_SWITCHED = {("induce", 1)}


def in_range(share: tuple[int, int]) -> bool:
    p, q = share
    return q != 0 and 0 <= Fraction(p, q) < 1


def show_share(share: tuple[int, int]) -> str:
    return f"{share[0]}/{share[1]}"


def judge_share(verdict: Verdict, share: tuple[int, int], current: Fraction) -> Verdict:
    """The ground truth for a switchprog that sets `share` (the module's docstring, 1-3)."""
    if not in_range(share):
        why = f"share {show_share(share)} is outside [0, 1): the target theorem's model does not hold"
        return replace(verdict, wrong=True, witness=f"{verdict.witness}; {why}" if verdict.wrong else why)
    if verdict.wrong:
        return verdict
    new = (1 - Fraction(*share)) / Fraction(verdict.mean_cost or 1)
    old = (1 - current) / Fraction(verdict.mean_cost_original or 1)
    if new > old:
        return replace(verdict, better=True)
    why = (f"share {current} -> {show_share(share)}: the solver's expected reward over the rest of the lifetime does "
           f"not rise: (1 - s')/mean-cost' = {float(new):.6g} <= (1 - s)/mean-cost = {float(old):.6g}")
    return replace(verdict, wrong=True, witness=why, better=False)


def small_support(task: Task) -> bool:
    return Oracle.support(task)[0] is not None


def wrong_mutations(plan: Plan, base: int, count: int, seed: int) -> list[Candidate]:
    """The first `count` candidates of the wrong-kind streams that mutate `base`, in turn."""
    if count <= 0:
        return []
    found = [c for c in generate(per_stream=count * len(plan.bases), seed=seed, tasks=(plan.task,))
             if c.base == base and c.kind in MUTATED_KINDS and c.code not in NATURAL_CODES]
    by_kind = {k: [c for c in found if c.kind == k] for k in MUTATED_KINDS}
    taken: list[Candidate] = []
    for i in range(count * len(plan.bases)):
        for k in MUTATED_KINDS:
            if len(taken) < count and i < len(by_kind[k]):
                taken.append(by_kind[k][i])
    return taken


def slower_variants(task: Task, plan: Plan, base: int, count: int, seed: int) -> list[tuple[str, tuple]]:
    """The base with extra work on a subset of the instances (correct, slower than the base)."""
    mutator = Mutator(task, plan, definition_of(plan.bases[base], task, plan))
    rng = random.Random(f"{seed}/{plan.task}/share/slower/{base}")
    found: list[tuple[str, tuple]] = []
    for _ in range(50 * max(1, count)):
        if len(found) >= count:
            break
        body, probes = mutator.cost(mutator.d.body, rng)
        definition = ["define", [mutator.d.name, *mutator.d.params], body]
        code = text(definition)
        if code not in [f for f, _ in found] and valid(task, definition):
            found.append((code, probes))
    return found


def share_candidates(seed: int = SEED, tasks: Sequence[str] | None = None, bases: int | None = None,
                     mutated: int = 3, slower: int = 2, shares: Sequence[tuple[int, int]] = SHARES) -> list[Candidate]:
    """The share kind: for each task and base (the first `bases` of each plan, else all), each
    share with the correct base, `mutated` mutations of it, no code (the base switched in), and
    `slower` slower variants of the base (the base switched in)."""
    found: list[Candidate] = []
    for plan in PLANS:
        if tasks is not None and plan.task not in tasks:
            continue
        task = load_task(plan.task)
        wrong_proof = "policy" if small_support(task) else plan.proof
        for b in range(len(plan.bases) if bases is None else min(bases, len(plan.bases))):
            wrong = wrong_mutations(plan, b, mutated, seed)
            slow = slower_variants(task, plan, b, slower, seed)
            for share in shares:
                where = "in range" if in_range(share) else "out of range"
                found.append(Candidate(-1, plan.task, "share", b, plan.bases[b], (), share, plan.proof, "",
                                       label=f"correct code, share {where}"))
                for c in wrong:
                    found.append(Candidate(-1, plan.task, "share", b, c.code, c.probes, share, wrong_proof, "",
                                           label=f"mutated code ({c.kind}), share {where}"))
                if (plan.task, b) in NOT_SWITCHED:
                    continue
                found.append(Candidate(-1, plan.task, "share", b, "", (), share, "share", "after",
                                       label=f"same code, share {where}"))
                for code, probes in slow:
                    found.append(Candidate(-1, plan.task, "share", b, code, probes, share, plan.proof, "after",
                                           label=f"slower code, share {where}"))
    return found


# --- user axiom files -------------------------------------------------------------------------

AXIOM_TASKS = ("sum-to-n", "fib", "bits", "rare", "sort4")
MODULUS = 1_000_003  # a prime: n^2 mod MODULUS takes (MODULUS + 1) / 2 values
RANGE = "(and (<= 0 n) (<= n 1000000))"
NATURAL_CODES = {code for codes in NATURAL.values() for code in codes}
BV = "(_ BitVec 32)"


@dataclass(frozen=True)
class Attack:
    """One axiom set to try: its files (name, text), how they reach the run, and the rewrites
    made to use it (code, probes)."""

    name: str
    group: str  # solver-fact | reserved | large-only | inconsistent | control
    files: tuple[tuple[str, str], ...]
    door: str = "run"
    exploits: tuple[tuple[str, tuple], ...] = ()


def smt(value: Any) -> str:
    if type(value) is Word:
        return f"#x{value.bits:08x}"
    if type(value) is bool:
        return "true" if value else "false"
    return str(value) if value >= 0 else f"(- {-value})"


def sort_of(value: Any) -> str:
    return BV if type(value) is Word else "Bool" if type(value) is bool else "Int"


def wrong_value(value: Any) -> Any:
    if type(value) is Word:
        return Word(value.bits ^ 1)
    if type(value) is bool:
        return not value
    return value + 1


def initial_solver_symbol(task: Task) -> str:
    """The initial solver's Program constant, as the generated initial-state axioms name it."""
    from godelmachine.logic.terms import subterms
    from godelmachine.machine.axiom_set import task_axioms

    statement = task_axioms(task, (), check=False).axioms["initial-solver-reward"].statement
    (name,) = {t.name for t in subterms(statement) if t.sort == "Program"}
    return name


def quadratic_residue(rng: random.Random) -> tuple[int, int, int]:
    """A residue r = n0^2 mod MODULUS whose two roots in 0..10^6 are both above 10^5: the
    lemma `n^2 mod MODULUS != r on 0..10^6` holds on every small n and fails at n0."""
    n0 = rng.randrange(100_000, MODULUS - 100_000)
    return n0, MODULUS - n0, n0 * n0 % MODULUS


def non_residue(rng: random.Random) -> int:
    """A value n^2 mod MODULUS never takes (Euler's criterion): the lemma avoiding it is true."""
    while True:
        r = rng.randrange(1, MODULUS)
        if pow(r, (MODULUS - 1) // 2, MODULUS) == MODULUS - 1:
            return r


def env(*lines: str) -> str:
    return "(class environment)\n" + "\n".join(lines) + "\n"


def attacks(task: Task, seed: int = SEED) -> list[Attack]:
    """The axiom sets tried on one task, deterministic from the seed."""
    plan = PLAN[task.name]
    rng = random.Random(f"{seed}/{task.name}/axioms")
    solver = initial_solver_symbol(task)
    prefix = solver[: -len(".solve")]
    sorts = [BV if t == "word" else "Int" for t in task.types]
    base = Mutator(task, plan, definition_of(plan.bases[0], task, plan))
    # the instance the solver facts lie about: where the natural idiom is wrong, on bits and rare
    if task.name == "bits":
        point: tuple = (3, Word(0))
    elif task.name == "rare":
        point = (Word(rng.getrandbits(32)), Word(0))
    else:
        point = task.draw(np.random.default_rng([seed, 11]), 1)[0]
    value = outcome(task.solver, point)
    args = " ".join(smt(v) for v in point)
    params = " ".join(sorts)
    if type(value[1]) in (Pair,) or isinstance(value[1], tuple):
        value_symbol, true_value = f"{prefix}.solve.val.0", next(iter(value[1]))
    else:
        value_symbol, true_value = f"{prefix}.solve.val", value[1]
    lie = wrong_value(true_value)
    exploits: list[tuple[str, tuple]] = []
    if base.d.name == "solve":  # a divergence at the fact's instance: the answer the fact claims
        wrong = base.perturbed(base.d.body)
        if wrong is not None:
            exploits.append((text(["define", ["solve", *base.d.params], ["if", base.at(point), wrong, base.d.body]]),
                             (point,)))
    found = [
        Attack("false-value", "solver-fact", (("false-value.axioms", env(
            f"(declare-fun {value_symbol} ({params}) {sort_of(true_value)})",
            f"(axiom false-value (= ({value_symbol} {args}) {smt(lie)}))")),), exploits=tuple(exploits)),
        Attack("false-trap", "solver-fact", (("false-trap.axioms", env(
            f"(declare-fun {prefix}.solve.ok ({params}) Bool)",
            f"(axiom false-trap (not ({prefix}.solve.ok {args})))")),), exploits=tuple(exploits)),
        Attack("false-cost", "solver-fact", (("false-cost.axioms", env(
            f"(declare-fun {prefix}.solve.cost ({params}) Int)",
            f"(axiom false-cost (= ({prefix}.solve.cost {args}) {value[2] + 1_000_000}))")),), exploits=tuple(exploits)),
    ]
    reward_args, _ = task_reward_signature(task)
    variables = " ".join(f"(r{i} {s})" for i, s in enumerate(reward_args))
    names = " ".join(f"r{i}" for i in range(len(reward_args)))
    word_task = "word" in task.types
    prim, prim_sort, wrong_op = ("wand", BV, "bvor") if word_task else ("+", "Int", "-")
    found += [Attack(name, "reserved", ((f"{name}.axioms", env(*lines)),), exploits=tuple(exploits)) for name, lines in (
        ("mean-cost", [f"(axiom false-mean-cost (>= (mean-cost {solver}) 1000000000000.0))"]),
        ("mean-reward", ["(axiom false-mean-reward (forall ((q Program)) (>= (mean-reward q) 1.0)))"]),
        ("max-cost", [f"(axiom false-max-cost (<= (max-cost {solver}) 0.0))"]),
        ("uniform-moment", ["(axiom false-moment (= (uniform-moment 1 0 10) 7.0))"]),
        ("reward-of", [f"(axiom false-reward (forall ({variables}) (= (reward-of {names}) 1.0)))"]),
        ("state-share", ["(axiom false-share (forall ((r Int)) (= (state.share r) 0.0)))"]),
        ("state-lifetime", ["(axiom false-lifetime (= state.lifetime 1000000000000000))"]),
        ("hw-cost", ["(axiom false-hw-cost (= hw.cost.call 0))"]),
        ("hw-value", [f"(axiom false-hw-value (forall ((a {prim_sort}) (b {prim_sort})) "
                      f"(= (hw.val.{prim} a b) ({wrong_op} a b))))"]),
    )]
    # false lemmas over the theories that fail only at large values
    n0, n1, r = quadratic_residue(rng)
    k = rng.randrange(30_000, 1_000_000)
    word = Word(rng.getrandbits(32))
    lemmas = [
        ("residue-int", f"(axiom large-only (forall ((n Int)) (=> {RANGE} (distinct (mod (* n n) {MODULUS}) {r}))))"),
        ("square-bound", f"(axiom large-only (forall ((n Int)) (=> {RANGE} (< (* n n) {k * k}))))"),
        ("residue-word", f"(axiom large-only (forall ((x {BV})) (distinct (mod (* (bv2nat x) (bv2nat x)) {MODULUS}) {r})))"),
        ("hash-word", f"(axiom large-only (forall ((x {BV})) (distinct (bvmul (bvxor x (bvlshr x #x00000010)) #x045d9f3b) "
                      f"{smt(hash_word(word))})))"),
    ]
    for name, lemma in lemmas:
        found.append(Attack(name, "large-only", ((f"{name}.axioms", env(lemma)),),
                            exploits=tuple(lemma_exploits(task, plan, name, n0, n1, r, k, word))))
    true_residue = non_residue(rng)
    nonlinear = env(f"(axiom nonlinear (forall ((n Int)) (=> {RANGE} (distinct (mod (* n n) {MODULUS}) {true_residue}))))")
    contradiction = env(f"(axiom contradiction (forall ((n Int)) (=> {RANGE} (= (* 2 (div (* n (+ n 1)) 2)) (+ (* n n) n 1)))))")
    found += [
        Attack("nonlinear-then-contradiction", "inconsistent",
               (("a-nonlinear.axioms", nonlinear), ("b-contradiction.axioms", contradiction)), "add", tuple(exploits)),
        Attack("nonlinear-and-contradiction", "inconsistent",
               (("a-nonlinear.axioms", nonlinear), ("b-contradiction.axioms", contradiction)), "run", tuple(exploits)),
        Attack("each-fine-alone", "inconsistent", (
            ("a-square.axioms", env("(declare-fun square (Int) Int)",
                                    "(axiom square-def (forall ((n Int)) (= (square n) (* n n))))")),
            ("b-square.axioms", env("(declare-fun square (Int) Int)", "(axiom square-at-3 (= (square 3) 10))"))),
            "add", tuple(exploits)),
        Attack("true-int", "control", (("true-int.axioms", env(
            "(axiom true-int (forall ((n Int)) (=> (<= 0 n) (>= (* n (+ n 1)) 0))))")),)),
        Attack("true-word", "control", (("true-word.axioms", env(
            f"(axiom true-word (forall ((x {BV})) (= (bvand x (bvneg x)) (bvand x (bvnot (bvsub x #x00000001))))))")),)),
        Attack("true-nonlinear", "control", (("true-nonlinear.axioms", nonlinear),)),
    ]
    return found


def hash_word(x: Word) -> Word:
    return Word(((x.bits ^ (x.bits >> 16)) * 0x045D9F3B) & WORD)


def task_reward_signature(task: Task) -> tuple[tuple[str, ...], str]:
    from godelmachine.machine.axiom_set import task_axioms

    return task_axioms(task, (), check=False).signature.funcs["reward-of"]


def lemma_exploits(task: Task, plan: Plan, lemma: str, n0: int, n1: int, r: int, k: int, word: Word
                   ) -> list[tuple[str, tuple]]:
    """Rewrites wrong exactly where a false lemma fails: proved if the lemma is believed."""
    if task.name == "sum-to-n":
        body = "(div (* (+ n 1) n) 2)"
        if lemma == "residue-int":
            return [(f"(define (solve n) (if (= (mod (* n n) {MODULUS}) {r}) 0 {body}))", ((n0,), (n1,)))]
        if lemma == "square-bound":
            return [(f"(define (solve n) (if (< (* n n) {k * k}) {body} 0))", ((k,), (1_000_000,)))]
    if task.name == "rare":
        body = "(if (wult (w- y #x00000001) (wand y (wneg y))) #x00000001 #x00000000)"
        wrong = f"(wxor {body} #x00000001)"
        lift = PLAN["rare"].lift
        if lemma == "residue-word":
            return [(f"(define (power-of-two y) (if (= (mod (* (word->int y) (word->int y)) {MODULUS}) {r}) {wrong} {body}))",
                     tuple(i for n in (n0, n1) for i in lift((Word(n),))))]
        if lemma == "hash-word":
            return [(f"(define (power-of-two y) (if (= (w* (wxor y (wshr y 16)) #x045d9f3b) {smt(hash_word(word))}) "
                     f"{wrong} {body}))", tuple(lift((word,))))]
    return []


def axiom_candidates(seed: int = SEED, tasks: Sequence[str] | None = None, mutated: int = 4,
                     names: Sequence[str] | None = None) -> list[Candidate]:
    """The axioms kind: for each task and attack (all, or those in `names`), the rewrites
    submitted with its files: the correct base, the natural wrong idioms, the attack's
    exploits, and `mutated` wrong-kind mutations of the base."""
    found: list[Candidate] = []
    for name in AXIOM_TASKS:
        if tasks is not None and name not in tasks:
            continue
        task, plan = load_task(name), PLAN[name]
        natural = [(code, plan.lift((Word(0),))) for code in NATURAL.get(name, [])]
        wrong = [(c.code, c.probes) for c in wrong_mutations(plan, 0, mutated, seed)]
        for attack in attacks(task, seed):
            if names is not None and attack.name not in names:
                continue
            rewrites = [(plan.bases[0], ()), *natural, *attack.exploits, *wrong]
            seen: set[str] = set()
            for code, probes in rewrites:
                if code in seen:
                    continue
                seen.add(code)
                found.append(Candidate(-1, name, "axioms", 0, code, probes, None, plan.proof, "", attack.files,
                                       attack.door, f"{attack.group}: {attack.name}"))
    return found


@dataclass
class LoadRefusal:
    """The axiom files were refused: every candidate that needs them is refused with them."""

    message: str
    oracle: Oracle
    settings: Settings
    seconds: float

    def result(self, c: Candidate) -> Result:
        program = replace_definitions(self.oracle.task.solver, {"definitions": [datum(c.code)]}) if c.code \
            else self.oracle.task.solver
        verdict = self.oracle.judge(program, self.oracle.task.solver, c.probes, self.settings.screen)
        return Result(c, False, "refused-at-load", False, "n/a", verdict, {"load": self.seconds}, load=self.message)


def install(files: tuple[tuple[str, str], ...], task: str, root: Path) -> tuple[list[Path], list[str]]:
    """`godelmachine axioms add --task T --dir D FILE` for each file in turn (the CLI's own
    command, in process); the files it installed, and what it said of each."""
    from typer.testing import CliRunner

    from godelmachine.cli.axioms import installed_files
    from godelmachine.cli.main import app

    directory = root / "installed"
    said = []
    for name, content in files:
        path = root / name
        path.write_text(content, encoding="utf-8")
        result = CliRunner().invoke(app, ["axioms", "add", str(path), "--task", task, "--dir", str(directory)])
        if result.exit_code == 0:
            said.append(f"{name}: installed")
        elif isinstance(result.exception, UserError):
            said.append(f"{name}: refused: {result.exception}")
        else:
            said.append(f"{name}: refused (exit {result.exit_code}): {result.output.strip()[:300]}")
    return list(installed_files(directory)), said


def axiom_stage(plan: Plan, base: int, oracle: Oracle, settings: Settings, c: Candidate) -> Stage | LoadRefusal:
    """The machine a run with these user axiom files starts (the axioms checked as a run checks
    them), or the refusal to load them."""
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="gm-doors-"))
    said: list[str] = []
    if c.door == "add":
        files, said = install(c.axioms, plan.task, root)
    else:
        files = []
        for name, content in c.axioms:
            (root / name).write_text(content, encoding="utf-8")
            files.append(root / name)
    try:
        stage = Stage(plan, base, oracle, settings, axiom_files=tuple(files), check_axioms=True)
    except UserError as exc:
        shutil.rmtree(root, ignore_errors=True)
        return LoadRefusal("; ".join([*said, f"load: refused: {exc}"]), oracle, settings, time.perf_counter() - started)
    if c.door == "add" and not files:
        shutil.rmtree(root, ignore_errors=True)
        return LoadRefusal("; ".join(said), oracle, settings, time.perf_counter() - started)
    stage.root = root  # removed when the chunk is done (run_chunk)
    user = [a for a in stage.machine.axioms.axioms.values() if a.source in {str(f) for f in files}]
    statuses = ", ".join(f"{a.name} {a.status}" for a in user)
    stage.load = "; ".join([*said, f"loaded ({stage.machine.axioms.consistency}; {statuses})"])
    stage.load_seconds = time.perf_counter() - started
    stage.user_axioms = frozenset(a.name for a in user)
    return stage


# --- the benchmark interface -----------------------------------------------------------------


def door_candidates(seed: int = SEED, quick: bool = False) -> list[Candidate]:
    if quick:
        found = share_candidates(seed, tasks=("sum-to-n",), bases=1, mutated=1, slower=1,
                                 shares=((1, 2), (-1, 1), (1, 0)))
        found += axiom_candidates(seed, tasks=("sum-to-n",), mutated=1, names=("false-value", "true-int"))
    else:
        found = axiom_candidates(seed) + share_candidates(seed)
    return [replace(c, index=i) for i, c in enumerate(found)]


def load_rows(results: Sequence[Result]) -> list[dict[str, Any]]:
    """One row per axiom set tried: how loading went, and what was accepted with it."""
    groups: dict[tuple, list[Result]] = {}
    for r in results:
        if r.candidate.kind == "axioms":
            groups.setdefault((r.candidate.task, r.candidate.label, r.candidate.door), []).append(r)
    return [{"task": task, "attack": label, "door": door, "load": rs[0].load, "refused": rs[0].proof_answer == "refused-at-load",
             "candidates": len(rs), "wrong": sum(r.verdict.wrong for r in rs), "proof_accepted": sum(r.proof for r in rs),
             "proof_accepted_wrong": sum(r.proof and r.verdict.wrong for r in rs),
             "proof_accepted_wrong_resting_on_user_axioms": sum(r.proof and r.verdict.wrong and bool(r.rests_on) for r in rs),
             "correct_base_accepted": any(r.proof for r in rs if r.candidate.code == PLAN[task].bases[0])}
            for (task, label, door), rs in groups.items()]


def label_rows(results: Sequence[Result]) -> list[dict[str, Any]]:
    """The share kind by what was tried (code, share in or out of range)."""
    groups: dict[str, list[Result]] = {}
    for r in results:
        if r.candidate.kind == "share":
            groups.setdefault(re.sub(r" \([^)]*\)", "", r.candidate.label), []).append(r)  # without the mutation kind
    return [{"label": label, "candidates": len(rs), "wrong": sum(r.verdict.wrong for r in rs),
             "proof_accepted": sum(r.proof for r in rs), "proof_accepted_wrong": sum(r.proof and r.verdict.wrong for r in rs),
             "crashes": sum(r.proof_answer == "crash" for r in rs)}
            for label, rs in sorted(groups.items())]


def measure(quick: bool = False) -> list[dict[str, Any]]:
    """The doors alone (`python -m benchmarks adversarial_doors`), on one worker; the full
    campaign (`adversarial`) runs them with the mutations."""
    started = time.perf_counter()
    candidates = door_candidates(quick=quick)
    settings = Settings(sample=2_000, empirical_truth=2_000, screen=500, check_axioms=False) if quick else Settings()
    results = campaign(candidates, settings)
    rows = summarize(results, time.perf_counter() - started)
    rows[-1]["share_by_label"] = label_rows(results)
    rows[-1]["axiom_sets"] = load_rows(results)
    return rows


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.console import Group
    from rich.table import Table

    from benchmarks.adversarial import report as campaign_report

    parts = [campaign_report(rows)]
    last = rows[-1] if rows else {}
    if last.get("share_by_label"):
        table = Table(title="share: by code and share")
        for column in ("what", "candidates", "wrong", "proof accepted", "proof wrong", "crashes"):
            table.add_column(column, justify="left" if column == "what" else "right")
        for r in last["share_by_label"]:
            table.add_row(r["label"], str(r["candidates"]), str(r["wrong"]), str(r["proof_accepted"]),
                          str(r["proof_accepted_wrong"]), str(r["crashes"]))
        parts.append(table)
    if last.get("axiom_sets"):
        table = Table(title="axioms: each set of user files")
        for column in ("task", "attack", "door", "load", "candidates", "proof accepted", "proof wrong",
                       "of them on a user axiom", "base accepted"):
            table.add_column(column, justify="left" if column in ("task", "attack", "door", "load") else "right")
        for r in last["axiom_sets"]:
            table.add_row(r["task"], r["attack"], r["door"], r["load"][:120], str(r["candidates"]), str(r["proof_accepted"]),
                          str(r["proof_accepted_wrong"]), str(r["proof_accepted_wrong_resting_on_user_axioms"]),
                          "yes" if r["correct_base_accepted"] else "no")
        parts.append(table)
    return Group(*parts)
