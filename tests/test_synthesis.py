"""The synthesizer (godelmachine/search/synthesis.py): the grammar comes from the primitive
table, terms come lightest first and one per behaviour, counterexamples refine the search, and
shared subterms are computed once; and the synthesis technique (godelmachine/search/cegis.py):
types inferred, proposals checked by the kernel, its work charged, and a real run that switches
to a synthesized solver by proof."""

from __future__ import annotations

import json
import random

import pytest

from cli_helpers import gm
from godelmachine.lang.execute import run
from godelmachine.lang.primitives import BASE
from godelmachine.lang.program import Program
from godelmachine.lang.reader import from_value
from godelmachine.lang.values import Word, make_list, show
from godelmachine.machine.machine import Machine
from godelmachine.machine.records import read_records
from godelmachine.machine.task import load_task
from godelmachine.search.cegis import check, infer_types, synthesize, targets, wrapped_helper
from godelmachine.search.inputs import helper_inputs, support_inputs
from godelmachine.search.synthesis import TRAP, Enumerator, datum, productions, shared
from helpers import synthesize_in_cut_trials

RNG = random.Random(7)
WORDS = [(Word(RNG.getrandbits(32) >> RNG.randrange(32)),) for _ in range(24)]


def first(enumerator: Enumerator, wanted, result: str, max_weight: int = 200):
    return next(enumerator.matches(wanted, result, max_weight), None)


def test_the_grammar_is_read_from_the_primitive_table():
    ops = {p.op for p in productions(BASE)}
    assert {"wand", "wneg", "w+", "+", "max", "wult", "if"} <= ops
    assert not ops & {"car", "list", "nth", "get-code"}  # lists, variadic and reflection are out
    typed = {(p.op, p.params) for p in productions(BASE)}
    assert ("=", ("word", "word")) in typed and ("=", ("bool", "bool")) in typed


def test_the_lightest_term_with_the_wanted_behaviour_comes_first():
    steps = []
    e = Enumerator(BASE, [("x", "word")], WORDS, charge=steps.append)
    found = first(e, [Word(x.bits & -x.bits) for (x,) in WORDS], "word")
    assert found is not None and show(shared(found.term, ["x"])) == "(wand x (wneg x))"
    assert sum(steps) > 0 and all(n == len(WORDS) for n in steps)  # one step per node and input


def test_type_relevance_makes_the_same_terms_of_the_result_type_for_fewer_steps():
    """With the result type given, a subterm is made only when it can still feed a result
    within the weight reached: the result type's terms come in the same order, cheaper."""
    def stream(result: str | None) -> tuple[list[tuple[int, str]], int]:
        steps: list[int] = []
        e = Enumerator(BASE, [("x", "word"), ("y", "word")], [(Word(3), Word(5)), (Word(0), Word(7)),
                       (Word(0xFFFFFFFF), Word(1))], charge=steps.append, result=result)
        return [(w, show(datum(entry.term))) for w, entry, t in e.terms(85) if t == "bool"], sum(steps)

    (plain, plain_steps), (typed, typed_steps) = stream(None), stream("bool")
    assert typed == plain and len(typed) > 10
    assert typed_steps < plain_steps / 2


def test_a_counterexample_removes_a_wrong_match():
    def power_of_two(x: Word) -> bool:
        return x.bits != 0 and x.bits & (x.bits - 1) == 0

    inputs = [(Word(v),) for v in (3, 5, 6, 7, 12, 100, 0xFFFFFFFF)]
    e = Enumerator(BASE, [("x", "word")], inputs)
    proposals = []
    for _ in range(30):
        found = first(e, [power_of_two(x) for (x,) in e.inputs], "bool")
        assert found is not None
        proposals.append(show(shared(found.term, ["x"])))
        wrong = next((v for v in [0, 1, 2, 4, 8, 2**31, *range(9, 64)] if
                      run(Program.from_nodes([from_value(make_list(["define", make_list(["f", "x"]),
                                                                    shared(found.term, ["x"])]))]),
                          "f", (Word(v),)).value != power_of_two(Word(v))), None)
        if wrong is None:
            break
        e.add_input((Word(wrong),))
    assert wrong is None, proposals
    assert len(set(proposals)) == len(proposals)  # no wrong term is proposed twice


def test_inputs_where_the_definition_traps_accept_any_answer():
    e = Enumerator(BASE, [("a", "int"), ("b", "int")], [(1, 2), (5, 3), (4, 0), (-2, 7)])
    wanted = [1 // 2, 5 // 3, TRAP, -2 // 7]  # Euclidean div traps on b = 0 in the original
    found = first(e, wanted, "int")
    assert found is not None and found.term[0] == "div"


def test_a_repeated_subterm_is_bound_once_by_let_outside_if_branches():
    x1 = ("w+", ("var", "x"), ("const", Word(1)))
    term = ("wand", x1, ("wxor", x1, ("var", "t1")))
    assert show(shared(term, ["x", "t1"])) == "(let ((t2 (w+ x #x00000001))) (wand t2 (wxor t2 t1)))"
    guarded = ("if", ("=", ("var", "x"), ("const", Word(0))), x1, x1)
    assert show(shared(guarded, ["x"])) == "(if (= x #x00000000) (w+ x #x00000001) (w+ x #x00000001))"


# --- the synthesis technique (godelmachine/search/cegis.py) ---------------------------------

MAX3 = """(task max3
  (description |the largest of three integers, by nested ifs|)
  (lifetime 10000000)
  (search-share 1 5)
  (instance ((a int) (b int) (c int))
    (product (uniform-int a -1000 1000) (uniform-int b -1000 1000) (uniform-int c -1000 1000)))
  (solver
    (define (solve a b c)
      (if (>= a b)
          (if (>= a c) a c)
          (if (>= b c) b c))))
  (initial-reward 1)
  (reward exact (define (check a b c y) (and (>= y a) (>= y b) (>= y c) (or (= y a) (= y b) (= y c))))))
"""

# hd-18 of SyGuS as a boolean answer: is x a power of two, by counting its bits
POW2 = """(task pow2
  (description |is x a power of two? a boolean, by counting the bits|)
  (lifetime 6000000)
  (search-share 1 5)
  (instance ((x word)) (uniform-word x))
  (solver (define (solve x) (= (for (i 0 31) (c 0) (+ c (word->int (wand (wshr x i) #x00000001)))) 1)))
  (outputs bool)
  (initial-reward 1)
  (reward exact (define (check x y) (= y (= (for (i 0 31) (c 0) (+ c (word->int (wand (wshr x i) #x00000001)))) 1)))))
"""


@pytest.fixture(scope="module")
def max3(tmp_path_factory):
    path = tmp_path_factory.mktemp("max3") / "max3.task"
    path.write_text(MAX3, encoding="utf-8")
    return path, Machine(load_task(path), lifetime=1000)


def counting_runner():
    spent = [0]

    def runner(program, name, args, fast=True):
        outcome = run(program, name, args, budget=1_000_000, fast=fast)
        spent[0] += outcome.steps
        return outcome

    return runner, spent


def test_the_types_of_helpers_are_inferred_from_the_calls_that_reach_them():
    program = Program.from_source("""
        (define (solve x) (pick (low x) (word->int x)))
        (define (low x) (wand x #x0000ffff))
        (define (pick w n) (if (> n 3) w #x00000000))
        (define (twice v) v)
        (define (unused y) (twice y))""")
    assert infer_types(program, "solve", ("word",)) == {"solve": ("word",), "low": ("word",), "pick": ("word", "int")}
    clashing = Program.from_source("(define (solve x) (+ (id x) (word->int (id (word x)))))  (define (id v) v)")
    assert infer_types(clashing, "solve", ("int",)) == {"solve": ("int",)}  # id is called at int and at word


def test_test_inputs_are_edges_and_seeded_random_points_of_the_support(max3):
    _, machine = max3
    dist = machine.kernel.instance(("int", "int", "int"))
    first, again = support_inputs(dist, random.Random(1)), support_inputs(dist, random.Random(1))
    assert first == again and all(-1000 <= v <= 1000 for point in first for v in point)
    for k in range(3):  # the range's ends in every parameter
        assert {point[k] for point in first} >= {-1000, 1000, -999, 999, 0}
    assert sum(len(set(point)) == 1 for point in first) <= 1  # edge values are paired apart, not x = y = z


def test_edge_values_of_helpers_are_paired_apart():
    """Edge rows with x = y would teach a two-word helper nothing about how x and y differ
    (on same-leading-zeros they made every edge row answer #t)."""
    points = helper_inputs(("word", "word"), random.Random(1))
    assert all(x != y for x, y in points[:12]) and {x for x, _ in points} >= {Word(0), Word(0xFFFFFFFF)}


def test_a_helper_that_solve_only_wraps_is_not_searched_twice():
    wrapper = Program.from_source("(define (solve x y) (same x y)) (define (same x y) (= (wand x y) x))")
    assert wrapped_helper(wrapper) == "same"
    shared_helper = Program.from_source(
        "(define (solve x y) (same x y)) (define (same x y) (= (low x) y)) (define (low x) (same2 x x))"
        " (define (same2 x y) (same x y))")
    assert wrapped_helper(shared_helper) is None  # same is called elsewhere too
    swapped = Program.from_source("(define (solve x y) (same y x)) (define (same x y) (= (wand x y) x))")
    assert wrapped_helper(swapped) is None


def test_the_generator_proposes_a_checked_cheaper_definition_and_charges_its_work(max3):
    _, machine = max3
    runner, spent = counting_runner()
    charged = []
    task = machine.task
    found = synthesize(task.solver, machine.kernel.instance(task.types), task.types, machine.kernel, runner,
                       charged.append)
    assert [sp["summary"] for sp in found] == ["solve: -> (max a (max b c))"]
    assert sum(charged) > 100_000 and spent[0] > 0  # enumeration and the kernel's check are on the clock


def test_a_search_cut_off_by_the_end_of_a_trial_goes_on_in_the_next_and_is_paid_once(max3):
    """The searcher's cache keeps a search that a trial's budget cut off; the next trial goes
    on where it stopped. Cut every 10,000 steps, it finds the same proposal for about the steps
    of one uninterrupted search (a term cut off while being checked is checked again)."""
    _, machine = max3
    task, kernel = machine.task, machine.kernel
    dist = kernel.instance(task.types)
    runner, spent = counting_runner()
    charged: list[int] = []
    whole = synthesize(task.solver, dist, task.types, kernel, runner, charged.append)
    once = sum(charged) + spent[0]

    found, trials, paid = synthesize_in_cut_trials(task, kernel, 10_000)
    assert [sp["summary"] for sp in found] == [sp["summary"] for sp in whole]
    assert trials > 5 and once <= paid <= 1.2 * once, (trials, once, paid)


def test_the_kernel_check_refutes_a_wrong_guess_with_an_input_that_joins_the_tests(max3):
    _, machine = max3
    task = machine.task
    wrong = Program.from_source("(define (solve a b c) (max a b))")
    target = targets(task.solver, machine.kernel.instance(task.types), task.types)[0]
    found = check(machine.kernel, task.solver, wrong, target, machine.kernel.instance(task.types), lambda n: None)
    assert found is not None and len(found) == 3
    a, b, c = found
    assert c > max(a, b) and all(-1000 <= v <= 1000 for v in found)  # in the support, and c is the largest


def test_a_run_switches_to_a_synthesized_solver_by_proof_and_its_log_verifies(max3, tmp_path):
    """With the default techniques: synthesis finds the max form, and the search is turned off
    only after every technique has reported exhausted for the new solver."""
    path, _ = max3
    log = tmp_path / "max3.jsonl"
    done = gm("run", str(path), "--log", str(log), "--json", timeout=600)
    assert done.returncode == 0, done.stderr
    switches = [r for r in read_records(log) if r["type"] == "switch"]
    assert [s["technique"] for s in switches] == ["synthesis", "share"] and switches[0]["accepted"] == "proof"
    assert "(max a (max b c))" in switches[0]["after"]
    assert {e["technique"] for e in switches[1]["exhausted"]} >= {"synthesis", "superopt", "closed-form"}
    verified = gm("log", "verify", str(log), "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["proven"] == len(switches)


def test_a_boolean_power_of_two_test_becomes_loop_free(tmp_path):
    path, log = tmp_path / "pow2.task", tmp_path / "pow2.jsonl"
    path.write_text(POW2, encoding="utf-8")
    done = gm("run", str(path), "--log", str(log), "--json", timeout=600)
    assert done.returncode == 0, done.stderr
    (switch,) = [r for r in read_records(log) if r["type"] == "switch"]
    assert switch["technique"] == "synthesis" and "for" not in switch["after"], switch["after"]
    final = Program.from_source(switch["after"])
    for x in (0, 1, 2, 3, 64, 0x80000000, 0xFFFFFFFF, 0x80000001, 12):
        assert run(final, "solve", (Word(x),)).value == (bin(x).count("1") == 1)
    assert gm("log", "verify", str(log)).returncode == 0


def test_a_definition_no_term_can_beat_is_given_up_after_little_work(max3):
    """(+ a b) costs 2 steps a call: a replacement would need fewer than one operation, so the
    generator reports nothing at once, and pays for little more than running the tests."""
    _, machine = max3
    program = Program.from_source("(define (solve a b c) (+ a b))")
    runner, spent = counting_runner()
    charged = []
    found = synthesize(program, machine.kernel.instance(("int", "int", "int")), ("int", "int", "int"), machine.kernel,
                       runner, charged.append)
    assert found == [] and sum(charged) == 0 and 0 < spent[0] < 100
