"""Every kernel rule proves what it should and refuses what it must."""

from __future__ import annotations

from fractions import Fraction

import pytest

from godelmachine.lang.program import Program
from godelmachine.logic.kernel import Kernel, Refused, StateReading, Theorem, induction_goals, term_value, value_term
from godelmachine.logic.semantics import function_base, loop_base, program_prefix
from godelmachine.logic.terms import (
    BOOL,
    BV32,
    INT,
    REAL,
    TRUE,
    Add,
    And,
    Eq,
    Implies,
    Le,
    Lt,
    Mul,
    app,
    builtin,
    bv,
    forall,
    int_,
    real,
    sym,
)
from godelmachine.logic.terms import (
    Not as Not_,
)
from godelmachine.logic.terms import (
    Or as Or_,
)
from godelmachine.search.obligations import Solver
from logic_helpers import induction, mean_cost, small_axioms, sum_axioms

N = sym("n", INT)
X = sym("x", BV32)


@pytest.fixture(scope="module")
def kernel() -> Kernel:
    return Kernel(sum_axioms())


def test_theorems_are_made_only_by_rules() -> None:
    with pytest.raises(TypeError, match="only by a kernel rule"):
        Theorem(TRUE, "forged", (), frozenset(), (), 0)


def test_axiom(kernel: Kernel) -> None:
    t = kernel.axiom("max-reward-is-one")
    assert t.axioms == {"max-reward-is-one"} and t.rule == "axiom"
    with pytest.raises(Refused, match="no axiom named 'nope'"):
        kernel.axiom("nope")


def test_smt_proves_refutes_and_refuses_unknown(kernel: Kernel) -> None:
    good = forall([("x", BV32)], Eq(builtin("bvand", X, builtin("bvsub", X, bv(1))),
                                    builtin("bvand", X, builtin("bvnot", builtin("bvand", X, builtin("bvneg", X))))))
    t = kernel.smt(good)
    assert t.statement is good and t.cost > 0
    with pytest.raises(Refused) as refuted:
        kernel.smt(forall([("n", INT)], Lt(Mul(N, N), int_(100))))
    assert refuted.value.status == "refuted" and refuted.value.counterexample[0][0] == "n"
    assert int(refuted.value.counterexample[0][1]) ** 2 >= 100
    hard = forall([("n", INT), ("m", INT)], Implies(And(Le(int_(1), N), Le(int_(1), sym("m", INT))),
                                                     builtin("distinct", Mul(Mul(N, N), N), Add(Mul(Mul(sym("m", INT), sym("m", INT)), sym("m", INT)), Mul(int_(2), Mul(Mul(sym("m", INT), sym("m", INT)), sym("m", INT)))))))
    with pytest.raises(Refused) as unknown:
        kernel.smt(hard, rlimit=1000)
    assert unknown.value.status == "unknown" and "budget" in unknown.value.reason and unknown.value.cost > 0
    with pytest.raises(Refused, match="sort Int, not Bool"):
        kernel.smt(N)


def test_smt_uses_premises_and_records_their_axioms(kernel: Kernel) -> None:
    one = kernel.axiom("max-reward-is-one")
    goal = Lt(real(0), sym("max-reward", REAL))
    t = kernel.smt(goal, [one])
    assert t.axioms == {"max-reward-is-one"} and t.premises == (one,)
    with pytest.raises(Refused) as no_premise:
        kernel.smt(goal)
    assert no_premise.value.status == "refuted"


def test_instantiate_conjoin_conjunct_modus_ponens(kernel: Kernel) -> None:
    square = kernel.smt(forall([("n", INT)], Le(int_(0), Mul(N, N))))
    at_m = kernel.instantiate(square, [sym("m", INT)])
    assert str(at_m.statement) == "(<= 0 (* m m))" and at_m.premises == (square,)
    with pytest.raises(Refused, match="has sort Int, the term has sort"):
        kernel.instantiate(square, [bv(1)])
    with pytest.raises(Refused, match="2 terms for 1"):
        kernel.instantiate(square, [int_(1), int_(2)])
    p, q = sym("p", BOOL), sym("q", BOOL)
    p_implies_p = kernel.smt(Implies(p, p))
    both = kernel.conjoin(at_m, p_implies_p)
    assert str(both.statement) == "(and (<= 0 (* m m)) (=> p p))"
    assert kernel.conjunct(both, 1).statement is p_implies_p.statement
    with pytest.raises(Refused, match="not a conjunction with a part 2"):
        kernel.conjunct(both, 2)
    implication = kernel.smt(Implies(Le(int_(0), Mul(sym("m", INT), sym("m", INT))), Or_(q, Not_(q))))
    assert kernel.modus_ponens(implication, at_m).statement is Or_(q, Not_(q))
    with pytest.raises(Refused, match="not an implication from the second"):
        kernel.modus_ponens(implication, p_implies_p)


SUM = "(define (sum n) (for (i 1 n) (acc 0) (+ acc i)))\n(define (closed n) (div (* n (+ n 1)) 2))\n"


def sum_predicate(program: Program, bound: int) -> tuple:
    base = loop_base(program, "sum", ["int"], 1)
    k = sym("k", INT)
    acc, ok, cost = (app(f"{base}.{f}", [int_(1), int_(0), k], s) for f, s in (("acc0", INT), ("ok", BOOL), ("cost", INT)))
    return Implies(Le(k, int_(bound)), And(Eq(Mul(int_(2), acc), Mul(k, Add(k, int_(1)))), ok, Eq(cost, Mul(int_(2), k))))


def test_induction_proves_a_loop_invariant_and_checks_its_premises(kernel: Kernel) -> None:
    program = Program.from_source(SUM)
    definition = kernel.definition(program, "sum", ["int"])
    predicate = sum_predicate(program, 10**6)
    lemma = induction(kernel, predicate, "k", [definition])
    assert lemma.rule == "induction" and lemma.statement.kind == "forall"
    base, step, _ = induction_goals(predicate, "k")
    base_theorem = kernel.smt(base, [definition])
    with pytest.raises(Refused, match="the step theorem is not"):
        kernel.induction(predicate, "k", base_theorem, base_theorem)
    with pytest.raises(Refused, match="the base theorem is not P"):
        kernel.induction(predicate, "k", lemma, lemma)
    acc = app(loop_base(program, "sum", ["int"], 1) + ".acc0", [int_(1), int_(0), sym("k", INT)], INT)
    wrong = Implies(Le(sym("k", INT), int_(10)), Eq(acc, sym("k", INT)))  # acc(k) = k is false from k = 2
    with pytest.raises(Refused) as refused:
        induction(kernel, wrong, "k", [definition], rlimit=2_000_000)
    assert refused.value.status in ("refuted", "unknown")


def test_definition_refuses_what_the_semantics_cannot_encode(kernel: Kernel) -> None:
    fib = Program.from_source("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))")
    with pytest.raises(Refused, match="recursive"):
        kernel.definition(fib, "fib", ["int"])
    refl = Program.from_source("(define (f n) (length (definitions)))")
    with pytest.raises(Refused, match="no symbolic meaning"):
        kernel.definition(refl, "f", ["int"])
    closed = kernel.definition(Program.from_source(SUM), "closed", ["int"])
    assert closed.axioms == {"hw.*", "hw.+", "hw.div", "hw.forms"}


def test_evaluation_on_a_finite_domain(kernel: Kernel) -> None:
    fib = Program.from_source("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))")
    facts = kernel.evaluation(fib, "fib", ["int"], [[n] for n in range(8)], budget=10_000)
    base = function_base(fib, "fib")
    goal = And(Eq(app(f"{base}.val", [int_(7)], INT), int_(13)), Eq(app(f"{base}.cost", [int_(1)], INT), int_(3)))
    assert kernel.smt(goal, [facts]).statement is goal
    assert facts.cost == sum(__import__("godelmachine.lang.execute", fromlist=["run"]).run(fib, "fib", (n,)).steps for n in range(8))
    with pytest.raises(Refused) as refused:
        kernel.evaluation(fib, "fib", ["int"], [[30]], budget=1000)
    assert refused.value.status == "unknown" and refused.value.cost == 1000


def test_term_value_is_the_inverse_of_value_term_on_constants_only() -> None:
    from godelmachine.lang.values import Word

    for value, type_ in [(0, "int"), (-7, "int"), (2**31 - 1, "int"), (Word(0), "word"), (Word(0xFFFFFFFF), "word"),
                         (True, "bool"), (False, "bool")]:
        back = term_value(value_term(value, type_))
        assert back == value and type(back) is type(value)
    assert term_value(bv(5)) == Word(5) and term_value(int_(3)) == 3
    for term in (N, X, Add(N, int_(1))):
        with pytest.raises(ValueError, match="not a constant"):
            term_value(term)


def test_state2theorem_reports_the_state_it_is_given() -> None:
    readings = iter(range(100))
    kernel = Kernel(sum_axioms(), state=lambda f: StateReading(next(readings), f, {"clock": 1234, "share": Fraction(9, 10), "lifetime": 10**6}[f]))
    clock = kernel.state2theorem("clock")
    assert str(clock.statement) == "(= (state.clock 0) 1234)"
    assert str(kernel.state2theorem("share").statement) == "(= (state.share 1) (/ 9.0 10.0))"
    assert str(kernel.state2theorem("lifetime").statement) == "(= state.lifetime 1000000)"
    with pytest.raises(Refused, match="no machine state"):
        Kernel(sum_axioms()).state2theorem("clock")


def test_the_exhausted_reading_is_a_boolean_fact_and_reads_back_from_its_record() -> None:
    values = {"exhausted": True}
    kernel = Kernel(sum_axioms(), state=lambda f: StateReading(7, f, values[f]))
    fact = kernel.state2theorem("exhausted")
    assert str(fact.statement) == "(= (state.exhausted 7) true)" and fact.arg("value") == "True"
    values["exhausted"] = False
    assert str(kernel.state2theorem("exhausted").statement) == "(= (state.exhausted 7) false)"
    assert StateReading.parse(7, "exhausted", "True") == StateReading(7, "exhausted", True)
    for text in ("true", "1", ""):
        with pytest.raises(ValueError):
            StateReading.parse(7, "exhausted", text)
    values["exhausted"] = 1  # not a bool: no such fact
    with pytest.raises(Refused, match="unknown state field"):
        kernel.state2theorem("exhausted")


def test_a_proof_that_cost_more_than_its_rlimit_is_refused_as_out_of_budget() -> None:
    """Z3 checks its rlimit now and then and can answer unsat a little past it; the kernel
    refuses that proof as `unknown`, as log verify would refuse the node."""
    from godelmachine.logic.smt import SmtResult

    over = Kernel(sum_axioms(), prover=lambda premises, goal, rlimit: SmtResult("proved", rlimit + 50))
    with pytest.raises(Refused) as refused:
        over.smt(Le(int_(0), int_(1)), [], 1000)
    assert refused.value.status == "unknown" and refused.value.cost == 1050
    within = Kernel(sum_axioms(), prover=lambda premises, goal, rlimit: SmtResult("proved", rlimit))
    assert within.smt(Le(int_(0), int_(1)), [], 1000).cost == 1000


def test_expectation_rules(kernel: Kernel) -> None:
    program = Program.from_source(SUM)
    closed = Solver(program, "closed", ("int",))
    mean = mean_cost(kernel, closed, "=", [((0,), Fraction(4))])
    assert str(mean.statement) == f"(= (mean-cost {program_prefix(program)}.closed) 4.0)"
    with pytest.raises(Refused) as wrong:
        mean_cost(kernel, closed, "=", [((0,), Fraction(5))])
    assert wrong.value.status == "refuted"
    with pytest.raises(Refused, match="not the pointwise bound"):
        kernel.expect_bound(program, "closed", ["int"], "cost", "=", [((0,), Fraction(5))], mean)
    bound = kernel.smt(forall([("n", INT)], Implies(And(Le(int_(0), N), Le(N, int_(10**6))),
                                                    Le(builtin("to_real", app(f"{program_prefix(program)}.closed.cost", [N], INT)), real(4)))),
                       [kernel.definition(program, "closed", ["int"])])
    assert str(kernel.max_cost_bound(program, "closed", ["int"], 4, bound).statement).startswith("(<= (max-cost")
    with pytest.raises(Refused, match="more than 10,000 points"):
        kernel.expect_finite(program, "closed", ["int"], "cost")


def test_expect_finite_and_monotone_on_a_small_support() -> None:
    kernel = Kernel(small_axioms())
    program = Program.from_source("(define (sq n) (* n n)) (define (sq2 n) (let ((m n)) (* m n)))")
    finite = kernel.expect_finite(program, "sq", ["int"], "reward")
    definition = kernel.definition(program, "sq", ["int"])
    mean_one = kernel.smt(Eq(app("mean-reward", [sym(f"{program_prefix(program)}.sq", "Program")], REAL), real(1)),
                          [finite, definition, kernel.axiom("reward-is-exactness")])
    assert mean_one.rule == "smt" and "distribution.instance" in mean_one.axioms
    from godelmachine.logic.kernel import support

    _, reward_sq = kernel.target(program, "sq", ["int"], "reward")
    _, reward_sq2 = kernel.target(program, "sq2", ["int"], "reward")
    dist = kernel.instance(["int"])
    pointwise = kernel.smt(forall(dist.variables, Implies(support(dist), Le(reward_sq, reward_sq2))),
                           [definition, kernel.definition(program, "sq2", ["int"])])
    ordered = kernel.expect_monotone((program, "sq"), (program, "sq2"), ["int"], "reward", pointwise)
    assert str(ordered.statement) == (f"(<= (mean-reward {program_prefix(program)}.sq) "
                                      f"(mean-reward {program_prefix(program)}.sq2))")
    with pytest.raises(Refused, match="not the pointwise order"):
        kernel.expect_monotone((program, "sq2"), (program, "sq"), ["int"], "reward", pointwise)
