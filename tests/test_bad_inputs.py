"""The catalogue of bad inputs (issue 7, item 3; the table is docs/errors.md).

Each entry runs the real command line on a small bad file and checks the exit code, the exact
first line of the message (`file:line:col: error: ...` wherever the input has a position)
and that no Python traceback is printed. The commands of one group run concurrently (they are
separate processes), so the whole file takes well under a minute.
"""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cli_helpers import REPO, gm
from godelmachine.machine.sygus import OPERATION_NAMES
from godelmachine.machine.task import builtin_tasks, technique_names

pytestmark = pytest.mark.xdist_group("bad-inputs")  # one worker runs the catalogue's commands, once


@dataclass(frozen=True)
class Case:
    """One catalogue entry: files to write, the command, its exit code and first stderr line."""

    id: str
    args: tuple[str, ...]
    code: int
    first_line: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    stdout: tuple[str, ...] = ()  # lines that stdout must hold


SYGUS = ("(set-logic BV)\n(define-fun ref ((x (_ BitVec 32))) (_ BitVec 32) (bvneg x))\n"
         "(synth-fun f ((x (_ BitVec 32))) (_ BitVec 32))\n(declare-var x (_ BitVec 32))\n"
         "(constraint (= (f x) (ref x)))\n(check-synth)\n")


def task(body: str, name: str = "tiny") -> str:
    """A small task file; `body` replaces its instance, solver and reward sections."""
    return f"(task {name}\n  (lifetime 20000)\n{body}\n  (techniques (closed-form 1)))\n"


GOOD = ("  (instance ((n int)) (uniform-int n 0 10))\n"
        "  (solver (define (solve n) (+ n n)))\n"
        "  (reward exact (define (check n y) (= y (* 2 n))))")
HEADER = {"type": "header", "schema": 1, "version": "0.1.0", "z3": "4.13.0", "task": "tiny", "task_file": "tiny.task",
          "task_sha256": "0" * 64, "seed": 0, "lifetime": 20000, "share": "1/10", "mode": "proof", "search": True,
          "axiom_files": {}, "axiom_consistency": "model found", "techniques": [], "solver": "(define (solve n) n)\n"}
REWARD = {"type": "reward", "clock": 500, "instances": 10, "reward": 10, "solver_steps": 400}
END = {"type": "end", "clock": 20000, "instances": 400, "reward": 400, "solver_steps": 18000, "search_steps": 2000,
       "switches": 0, "first_switch": None, "refusals": {}}


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records)


GREEDY = """(class environment)
; a solver that earns more than Wald's bound allows: it contradicts the utility axioms
(declare-const greedy Program)
(axiom greedy-cost (= (mean-cost greedy) 1.0))
(axiom greedy-reward (= (mean-reward greedy) 0.0))
(axiom greedy-earns (> (reward-over greedy 10.0) 1.0))
"""
INCONSISTENT = "(class reward)\n(declare-const k Int)\n(axiom big (> k 3))\n(axiom small (< k 2))\n"
HARD = """(class environment)
; p is the smaller factor of 1000000007 * 1000000009: true, but Z3 cannot factor within its budget
(declare-const p Int)
(declare-const q Int)
(axiom factors (and (> p 1) (> q 1) (<= p q) (= (* p q) 1000000016000000063)))
(axiom small-factor (= p 1000000007))
"""
FALSE_LEMMA = """(class environment)
; the sum of the first n cubes stays below 21,157,237,707,355,467,081: true for 0 <= n < 95,913 only
(axiom sums-of-cubes-stay-small
  (forall ((n Int)) (=> (<= 0 n) (< (div (* n n (+ n 1) (+ n 1)) 4) 21157237707355467081))))
"""
TRIPLE = """(class environment)
; a counterexample to Fermat's last theorem for cubes: Z3 finds neither a model nor a contradiction
(declare-const a Int)
(declare-const b Int)
(declare-const c Int)
(axiom a-triple (and (> a 0) (> b 0) (> c 0) (= (+ (* a a a) (* b b b)) (* c c c))))
"""
PROGRAM = """(class environment)
; a false fact about the semantics of a program the kernel defines
(declare-fun pdd2ff0d0a6e5.solve.val ((_ BitVec 32)) (_ BitVec 32))
(axiom wrong (= (pdd2ff0d0a6e5.solve.val #x00000000) #x00000001))
"""
TECHNIQUES = ", ".join(technique_names())
TASKS = ", ".join(builtin_tasks())
RESERVED = "is in the kernel's reserved namespace: a user axiom file may not"
SEE = "(it may declare fresh names of its own; see docs/axioms.md)"

# --- the catalogue ---------------------------------------------------------------------------------

PROGRAMS = [
    Case("program: unbalanced parenthesis", ("eval", "unclosed.gm"), 2,
         "unclosed.gm:1:1: error: this '(' is never closed", {"unclosed.gm": "(define (main) (+ 1 2)\n"}),
    Case("program: stray parenthesis", ("eval", "stray.gm"), 2,
         "stray.gm:2:13: error: unexpected ')' with no '(' to close", {"stray.gm": "(define (main)\n  (+ 1 2)) 3)\n"}),
    Case("program: unknown function", ("eval", "unknown.gm"), 2,
         "unknown.gm:2:4: error: unknown function 'foo'", {"unknown.gm": "(define (main)\n  (foo 1))\n"}),
    Case("program: wrong arity", ("eval", "arity.gm"), 2,
         "arity.gm:1:16: error: + takes 2 argument(s), given 1", {"arity.gm": "(define (main) (+ 1))\n"}),
    Case("program: bad literal", ("eval", "literal.gm"), 2,
         "literal.gm:1:16: error: unknown literal '#q1': expected #t, #f, #x<hex> or #b<binary>",
         {"literal.gm": "(define (main) #q1)\n"}),
    Case("program: integer literal out of range", ("eval", "range.gm"), 2,
         "range.gm:1:16: error: integer literal 9223372036854775808 is outside the integer range "
         "[-9223372036854775808, 9223372036854775807]", {"range.gm": "(define (main) 9223372036854775808)\n"}),
    Case("program: quotes nested too deep", ("eval", "quotes.gm"), 2,
         "quotes.gm:1:115: error: nesting deeper than 100 levels (parentheses, and quotes: 'x is (quote x))",
         {"quotes.gm": "(define (main) " + "'" * 500 + "x)\n"}),
    Case("program: a primitive as a parameter", ("eval", "rebind.gm"), 2,
         "rebind.gm:1:12: error: 'car' is a primitive and cannot be rebound", {"rebind.gm": "(define (f car) car)\n"}),
    Case("program: type error (a trap: types are checked as the program runs)", ("eval", "types.gm"), 1,
         "types.gm:1:16: trap: type-error: +: argument 2 is a bool, not a int (after 1 steps)",
         {"types.gm": "(define (main) (+ 1 #t))\n"}),
    Case("program: not UTF-8", ("eval", "latin1.gm"), 2, "error: latin1.gm: not UTF-8 text (byte 19)",
         {"latin1.gm": "(define (main) 'caf\xe9)\n".encode("latin-1")}),
    Case("program: no such file", ("eval", "missing.gm"), 2, "error: missing.gm: no such file"),
    Case("program: no entry definition", ("eval", "noentry.gm"), 2,
         "error: noentry.gm: no definition named 'main' to run (use --entry)", {"noentry.gm": "(define (f) 1)\n"}),
    Case("program: malformed argument", ("eval", "one.gm", "(1 2"), 2, "<argument 1>:1:1: error: this '(' is never closed",
         {"one.gm": "(define (main x) x)\n"}),
    Case("program: never halts", ("eval", "spin.gm", "--budget", "100000"), 3,
         "out of steps: the budget of 100000 steps is spent (raise it with --budget)",
         {"spin.gm": "(define (main) (spin 0))\n(define (spin n) (for (i 0 9223372036854775806) (a n) a))\n"}),
    Case("program: recursion without end", ("eval", "deep.gm"), 3,
         "deep.gm:2:18: trap: depth-exceeded: more than 4000 nested calls (after 8000 steps)",
         {"deep.gm": "(define (main) (down 0))\n(define (down n) (down (+ n 1)))\n"}),
    Case("program: a huge value", ("eval", "huge.gm"), 3,
         "huge.gm:1:39: trap: value-too-large: a list would exceed 1000000 nodes (after 78 steps)",
         {"huge.gm": "(define (main) (for (i 1 40) (a '(x)) (list a a)))\n"}),
]

TASK_FILES = [
    Case("task: missing section", ("run", "nolife.task"), 2, "nolife.task:1:1: error: the task has no (lifetime ...) section",
         {"nolife.task": f"(task tiny\n{GOOD})\n"}),
    Case("sygus: a width other than 32", ("run", "width.sl"), 2,
         "width.sl:4:16: error: bit-vectors of width 16: only (_ BitVec 32) is supported for the function to "
         "synthesize and its variables",
         {"width.sl": SYGUS.replace("(declare-var x (_ BitVec 32))", "(declare-var x (_ BitVec 16))")}),
    Case("sygus: an unsupported operation", ("run", "op.sl"), 2,
         "op.sl:2:52: error: unsupported operation 'bvsaddo'; supported: SyGuS-IF 2.1 with logic BV, LIA or both, "
         "define-fun references, one synth-fun over (_ BitVec 32), Int and Bool with or without a grammar, "
         "declare-var, one constraint (= (f x ...) (ref x ...)), check-synth; operations: " + OPERATION_NAMES,
         {"op.sl": SYGUS.replace("(bvneg x)", "(bvsaddo x x)")}),
    Case("sygus: a grammar rule of the wrong sort", ("run", "rule.sl"), 2,
         "rule.sl:4:42: error: a rule of Start ((_ BitVec 32)) makes a Bool",
         {"rule.sl": SYGUS.replace("(_ BitVec 32))\n(declare-var",
                                   "(_ BitVec 32)\n  ((Start (_ BitVec 32) (x (bvneg Start) (bvult x x)))))\n(declare-var")}),
    Case("task: unknown section", ("run", "section.task"), 2,
         "section.task:2:3: error: unknown section 'bogus'; expected one of description, lifetime, search-share, "
         "instance, solver, reward, initial-reward, techniques, environment, outputs",
         {"section.task": "(task tiny\n  (bogus 1)\n  (lifetime 10)\n" + GOOD + ")\n"}),
    Case("task: weights not adding up to 1", ("run", "weights.task"), 2,
         "weights.task:3:23: error: the weights of a finite marginal must add up to 1",
         {"weights.task": task(GOOD.replace("(uniform-int n 0 10)", "(finite n (1 2 0) (1 3 1))"))}),
    Case("task: an empty integer range", ("run", "range.task"), 2,
         "range.task:3:38: error: the range of n is empty: lo 10000 is above hi 0 (both bounds are included)",
         {"range.task": task(GOOD.replace("(uniform-int n 0 10)", "(uniform-int n 10000 0)"))}),
    Case("task: an unknown marginal", ("run", "normal.task"), 2,
         "normal.task:3:24: error: unknown marginal 'normal' for n: the marginals are uniform-int, uniform-word and "
         "finite (docs/tasks.md)", {"normal.task": task(GOOD.replace("(uniform-int n 0 10)", "(normal n 0 10000)"))}),
    Case("task: a marginal of another type", ("run", "wordlaw.task"), 2,
         "wordlaw.task:3:23: error: uniform-word draws 32-bit words, but n is declared int",
         {"wordlaw.task": task(GOOD.replace("(uniform-int n 0 10)", "(uniform-word n)"))}),
    Case("task: a parenthesis left open inside", ("run", "open.task"), 2,
         "open.task:4:3: error: this '(' is probably never closed (a later line starts at its column, as if it had been)",
         {"open.task": task(GOOD.replace("(define (solve n) (+ n n)))", "(define (solve n) (+ n n))"))}),
    Case("task: a weight with denominator 0", ("run", "zero.task"), 2,
         "zero.task:3:33: error: the denominator of a weight (p q value) must be positive",
         {"zero.task": task(GOOD.replace("(uniform-int n 0 10)", "(finite n (1 0 0) (1 1 1))"))}),
    Case("task: a value of the wrong type", ("run", "value.task"), 2,
         "value.task:3:33: error: expected a value of type int, got abc",
         {"value.task": task(GOOD.replace("(uniform-int n 0 10)", "(finite n (1 2 abc) (1 2 1))"))}),
    Case("task: unknown technique", ("run", "technique.task"), 2,
         f"technique.task:6:16: error: unknown proof technique 'no-such'; the techniques are {TECHNIQUES}",
         {"technique.task": task(GOOD).replace("(closed-form 1)", "(no-such 1)")}),
    Case("task: reward rule outside the symbolic fragment", ("run", "fragment.task"), 2,
         "fragment.task:5:3: error: the reward rule is outside the symbolic fragment: primitive equal? has no "
         "symbolic meaning", {"fragment.task": task(GOOD.replace("(= y (* 2 n))", "(equal? (list y) (list n))"))}),
    Case("task: reward rule that always traps", ("run", "trapping.task"), 2,
         "trapping.task:5:3: error: the reward rule check must return a bool (reward exact), but it traps on every "
         "instance", {"trapping.task": task(GOOD.replace("(= y (* 2 n))", "(car y)"))}),
    Case("task: the solver answers another type than the outputs", ("run", "outputs.task"), 2,
         "outputs.task:5:3: error: the solver answers (bool) but the reward rule takes outputs of type (int); say which "
         "with (outputs bool) (the default is int)",
         {"outputs.task": task(GOOD.replace("(+ n n)", "(> n 3)").replace("(= y (* 2 n))", "(= y (> n 3))"))}),
    Case("task: syntax error", ("run", "syntax.task"), 2, "syntax.task:2:13: error: malformed number '2O000'",
         {"syntax.task": task(GOOD).replace("(lifetime 20000)", "(lifetime 2O000)")}),
    Case("task: a name that would be pasted into the axioms", ("run", "name.task"), 2,
         "name.task:3:15: error: an instance variable must be a plain name (ASCII letters, digits and - _ . ? ! and "
         "the like, not starting with a digit), not 'n Int)) (axiom cheat false) ((m': it is written into the "
         "task's SMT-LIB axioms",
         {"name.task": task(GOOD.replace("(instance ((n int)) (uniform-int n 0 10))",
                                         "(instance ((|n Int)) (axiom cheat false) ((m| int)) "
                                         "(uniform-int |n Int)) (axiom cheat false) ((m| 0 1))"))}),
    Case("task: unknown task name", ("run", "no-such-task"), 2,
         f"error: unknown task 'no-such-task': not a built-in task ({TASKS}) and no such file"),
]

AXIOM_FILES = [
    Case("axioms: syntax error", ("axioms", "check", "syntax.axioms"), 2,
         "syntax.axioms:2:1: error: this '(' is never closed", {"syntax.axioms": "(class reward)\n(axiom a (> max-reward 0.5)\n"}),
    Case("axioms: unknown symbol", ("axioms", "check", "symbol.axioms"), 2,
         "symbol.axioms:2:13: error: unknown symbol 'no-such-thing'",
         {"symbol.axioms": "(class reward)\n(axiom a (> no-such-thing 0.5))\n"}),
    Case("axioms: sort error", ("axioms", "check", "sort.axioms"), 2,
         "sort.axioms:2:10: error: > cannot take arguments of sorts Real, Bool",
         {"sort.axioms": "(class reward)\n(axiom a (> max-reward true))\n"}),
    Case("axioms: an axiom that is not Bool", ("axioms", "check", "real.axioms"), 2,
         "real.axioms:2:10: error: an axiom must be Bool, this term is Real",
         {"real.axioms": "(class reward)\n(axiom a (+ max-reward 1.0))\n"}),
    Case("axioms: no class", ("axioms", "check", "noclass.axioms"), 2,
         "noclass.axioms:1:1: error: an axiom file starts with (class NAME)", {"noclass.axioms": "(axiom a true)\n"}),
    Case("axioms: a bit-vector of width 0", ("axioms", "check", "width.axioms"), 2,
         "width.axioms:2:32: error: a bit-vector width must be 1 to 65536 bits, not 0",
         {"width.axioms": "(class reward)\n(axiom a (forall ((x (_ BitVec 0))) true))\n"}),
    Case("axioms: not UTF-8", ("axioms", "check", "latin1.axioms"), 2, "error: latin1.axioms: not UTF-8 text (byte 20)",
         {"latin1.axioms": "(class reward)\n; caf\xe9 au lait\n".encode("latin-1")}),
    Case("axioms: syntax error, through run --axioms", ("run", "ok.task", "--axioms", "syntax.axioms"), 2,
         "syntax.axioms:2:1: error: this '(' is never closed",
         {"ok.task": task(GOOD), "syntax.axioms": "(class reward)\n(axiom a (> max-reward 0.5)\n"}),
    Case("axioms: inconsistent file", ("axioms", "check", "both.axioms"), 2,
         "error: the axioms are inconsistent: big (both.axioms:3), small (both.axioms:4) cannot all hold",
         {"both.axioms": INCONSISTENT}),
    Case("axioms: inconsistent file, through run --axioms", ("run", "ok.task", "--axioms", "both.axioms"), 2,
         "error: the axioms are inconsistent: big (both.axioms:3), small (both.axioms:4) cannot all hold",
         {"ok.task": task(GOOD), "both.axioms": INCONSISTENT}),
    Case("axioms: mentions the kernel's vocabulary", ("axioms", "check", "greedy.axioms"), 2,
         f"greedy.axioms:3:23: error: 'Program' {RESERVED} mention it {SEE}", {"greedy.axioms": GREEDY}),
    Case("axioms: mentions the kernel's vocabulary, through run --axioms", ("run", "ok.task", "--axioms", "greedy.axioms"),
         2, f"greedy.axioms:3:23: error: 'Program' {RESERVED} mention it {SEE}",
         {"ok.task": task(GOOD), "greedy.axioms": GREEDY}),
    Case("axioms: declares a program symbol, through axioms add", ("axioms", "add", "program.axioms", "--dir", "installed"),
         2, f"program.axioms:3:14: error: 'pdd2ff0d0a6e5.solve.val' {RESERVED} declare it {SEE}",
         {"program.axioms": PROGRAM}),
    Case("axioms: an unproved axiom about the environment's vocabulary", ("axioms", "check", "generous.axioms"), 2,
         "generous.axioms:2:1: error: generous mentions max-reward, the environment's vocabulary: such an axiom must "
         "follow from the axioms before it (the task's reward rule defines reward-of, the reward axioms max-reward), "
         "and Z3 could not derive it within its budget; it cannot be assumed",
         {"generous.axioms": "(class reward)\n(axiom generous (>= max-reward 2.0))\n"}),
    Case("axioms: a false lemma, found by testing", ("axioms", "check", "false.axioms"), 2,
         "false.axioms:3:1: error: sums-of-cubes-stay-small is false at n = 95913 (found by testing it on points: it is "
         "refused)", {"false.axioms": FALSE_LEMMA}),
    Case("axioms: constraints Z3 cannot show consistent", ("axioms", "check", "triple.axioms"), 2,
         "error: the constraints a-triple (triple.axioms:6) could not be shown consistent: Z3 found neither a model of "
         "them nor a contradiction within its budget; nothing may rest on them (simplify them, or drop the file)",
         {"triple.axioms": TRIPLE}),
    Case("axioms: prover budget exhausted (constraints, never proved)", ("axioms", "check", "hard.axioms"), 0, "",
         {"hard.axioms": HARD}, stdout=(
             "hard.axioms:5: factors: constraint: a constraint on the user's symbols; Z3 found a model of all the "
             "constraints",
             "hard.axioms:6: small-factor: constraint: a constraint on the user's symbols; Z3 found a model of all the "
             "constraints",
             "consistent with the current set: no contradiction found within the budget; the user's constraints: "
             "a model of the constraints found")),
]

TORN = jsonl(HEADER, REWARD) + jsonl(END)[:25]
ALL = ("show", "verify", "diff", "plot")
LOGS = {  # entry: (the log's text, the commands that get it, the first line of the message)
    "empty": ("", ALL, "error: {log}: the log is empty (a rewrite log starts with a header record)"),
    "not JSON": ("this is not JSON\n", ALL, "{log}:1:1: error: not a JSON record (Expecting value)"),
    "torn last line": (TORN, ALL, "{log}:3:16: error: not a JSON record (Unterminated string starting at)"),
    "no header": (jsonl(REWARD, END), ALL,
                  "{log}:1:1: error: not a rewrite log: its first record is a reward record, not the header"),
    "unknown record type": (jsonl(HEADER, REWARD, {"type": "mystery", "clock": 5}, END), ALL,
                            "{log}:3:1: error: unknown record type 'mystery' (a log has header, reward, refusals, "
                            "switch and end records)"),
    "a field of the wrong type": (jsonl({**HEADER, "lifetime": "long"}, END), ("show", "verify"),
                                  "{log}:1:1: error: the header record's 'lifetime' must be an integer > 0, not 'long'"),
    "a record after the end": (jsonl(HEADER, END, REWARD), ("show",), "{log}:3:1: error: a record after the end record"),
    "nested too deeply": ('{"type":"header","x":' + "[" * 100_000 + "]" * 100_000 + "}\n", ("show",),
                          "{log}:1:1: error: a record nested too deeply to read"),
    "no such file": (None, ("show", "verify"), "error: {log}: no such log file"),
    "techniques that are not [name, prior] pairs": (jsonl({**HEADER, "techniques": [1, 2]}, END), ("verify",),
                                                    "{log}:1:1: error: the header record's 'techniques' must be a list "
                                                    "of [name, prior] strings, not [1, 2]"),
}
LOG_COMMANDS = {"show": ("log", "show", "{log}"), "verify": ("log", "verify", "{log}"), "diff": ("log", "diff", "{log}", "1"),
                "plot": ("log", "plot", "{log}", "-o", "out.png")}


def log_cases() -> list[Case]:
    cases = []
    for i, (entry, (text, commands, message)) in enumerate(LOGS.items()):
        log = f"log{i}.jsonl"
        for command in commands:
            args = tuple(a.format(log=log) for a in LOG_COMMANDS[command])
            cases.append(Case(f"log {command}: {entry}", args, 2, message.format(log=log),
                              {log: text} if text is not None else {}))
    return cases


OPTIONS = [
    Case("sweep: an empty seed range", ("sweep", "sum-to-n", "--seeds", "5..1"), 2,
         "error: --seeds: the range 5..1 (column 1) is empty: 5 is above 1"),
    Case("sweep: a seed that is not a number", ("sweep", "sum-to-n", "--seeds", "0..4,five"), 2,
         "error: --seeds: 'five' (column 6) is not a seed or a range such as 0..99"),
]

LIBRARY = [
    Case("library: an entry that is not JSON", ("library", "list", "--library", "lib"), 2,
         "lib/0.json:3:3: error: a library entry must be JSON (Expecting property name enclosed in double quotes)",
         {"lib/0.json": '{\n  "format": 1,\n  oops\n}\n'}),
    Case("library: an entry off its schema", ("run", "sum-to-n", "--library", "lib"), 2,
         "error: lib/0.json: not a library entry: at the top: 'types' is a required property (godelmachine schema "
         "library-entry)", {"lib/0.json": '{"format": 1, "function": "solve"}\n'}),
    Case("library: no such entry", ("library", "show", "c0ffee", "--library", "lib"), 2,
         "error: lib: no entry with an id starting 'c0ffee' (godelmachine library list)", {"lib/.keep": ""}),
]

CATALOGUE = PROGRAMS + TASK_FILES + AXIOM_FILES + log_cases() + OPTIONS + LIBRARY

# The machine on solvers that never halt, recurse without end or build a huge value: each run
# ends at its lifetime with reward 0 (a trapped instance earns nothing), the JSON figures exact.
SOLVERS = {
    "never halts": "(define (solve n) (for (i 0 9223372036854775806) (a n) a))",
    "recursion without end": "(define (solve n) (solve (+ n 1)))",
    "a huge value": "(define (solve n) (length (for (i 1 40) (a '(x)) (list a a))))",
}
RUNS = [Case(f"run: a solver: {entry}", ("run", f"solver{i}.task", "--json", "--log", f"solver{i}.jsonl"), 0, "",
             {f"solver{i}.task": task(GOOD.replace("(define (solve n) (+ n n))", solver), name=f"solver{i}")})
        for i, (entry, solver) in enumerate(SOLVERS.items())]


@pytest.fixture(scope="session")  # once, even when xdist interleaves other modules
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every command of the catalogue, three at a time, each in a directory of its own."""
    root = tmp_path_factory.mktemp("bad-inputs")

    def one(n: int, case: Case) -> subprocess.CompletedProcess[str]:
        directory = root / f"case{n}"
        directory.mkdir()
        for name, content in case.files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
        return gm(*case.args, cwd=directory, timeout=120)

    with ThreadPoolExecutor(max_workers=3) as pool:
        done = list(pool.map(one, range(len(CATALOGUE + RUNS)), RUNS + CATALOGUE))
    return {case.id: result for case, result in zip(RUNS + CATALOGUE, done)}


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_bad_input(case: Case, ran: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = ran[case.id]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == case.code, result.stderr
    first = result.stderr.splitlines()[0] if result.stderr else ""
    assert first == case.first_line
    for line in case.stdout:
        assert line in result.stdout.splitlines(), result.stdout


@pytest.mark.parametrize("case, instances, solver_steps, traps", [
    (RUNS[0], 0, 20_000, []),  # the first instance runs until the lifetime cuts it off: no trap
    (RUNS[1], 1, 11_987, [("depth-exceeded", "solver1.task:4:29", 1)]),  # 4,000 calls of 2 steps; the second is cut off
    (RUNS[2], 230, 18_006, [("value-too-large", "solver2.task:4:60", 230)]),  # each instance: 78 steps, then the trap
], ids=[c.id for c in RUNS])
def test_a_bad_solver_earns_nothing_and_the_run_ends_at_its_lifetime(
        case: Case, instances: int, solver_steps: int, traps: list, ran: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = ran[case.id]
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["reward"], figures["instances"], figures["solver_steps"]) == (0, instances, solver_steps)
    assert [(t["kind"], t["position"], t["count"]) for t in figures["traps"]] == traps  # reported, not hidden
    assert (figures["first_trap"] is None) == (not traps)
    assert figures["solver_steps"] + figures["search_steps"] == figures["lifetime"] == 20_000  # ended at its lifetime
    assert figures["switches"] == [] and figures["wall_seconds"] < 60


def test_the_catalogue_is_the_table_in_docs_errors_md() -> None:
    """docs/errors.md has a row for every entry, with its exit code and first line."""
    text = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| ([^|`]+?) \|.*$", text, re.M)}
    for case in CATALOGUE:
        entry = "log: " + case.id.split(": ", 1)[1] if case.id.startswith("log ") else case.id
        assert entry in rows, f"docs/errors.md has no row for {entry!r}"
        assert f"| {case.code} |" in rows[entry], rows[entry]
        assert f"`{case.first_line.replace('|', chr(92) + '|')}`" in rows[entry] or not case.first_line, rows[entry]


def test_regression_a_log_whose_strings_hold_line_separators_reads(tmp_path: Path) -> None:
    """A solver with the symbol |a<U+2028>b| is written into the header raw (the log is UTF-8,
    not ASCII-escaped): the log commands split records at newlines only, so they read it."""
    log = tmp_path / "separators.jsonl"
    solver = "(define (solve n) (if (symbol? '|a\u2028b\x85c\x1cd|) n 0))\n"
    log.write_text(jsonl({**HEADER, "solver": solver}, REWARD, END), encoding="utf-8")
    assert "\u2028" in log.read_text(encoding="utf-8")
    shown = gm("log", "show", str(log), "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["end"]["reward"] == 400
