"""Properties of the language on random programs and data."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.reader import read, to_value
from godelmachine.lang.values import Word, make_list, show
from helpers import same_outcome
from strategies import main_arguments, programs


@settings(max_examples=1500)
@given(programs(), main_arguments(), st.sampled_from([60, 400, 100_000]))
def test_fast_path_agrees_with_reference(source: str, args: tuple[int, int], budget: int) -> None:
    """Value, step count, trap reason and position: the same on both evaluators."""
    program = Program.from_source(source, "<random>")
    x, bits = args
    reference = run(program, "main", (x, Word(bits)), budget=budget, fast=False)
    fast = run(program, "main", (x, Word(bits)), budget=budget, fast=True)
    assert same_outcome(fast, reference), (source, fast, reference)


@settings(max_examples=300)
@given(programs(), st.integers(0, 300))
def test_steps_are_monotone_in_the_budget(source: str, budget: int) -> None:
    """A run that completes within budget b completes with the same steps within any larger b."""
    program = Program.from_source(source, "<random>")
    small = run(program, "main", (3, Word(5)), budget=budget)
    large = run(program, "main", (3, Word(5)), budget=budget + 1000)
    if small.kind != "out-of-steps":
        assert same_outcome(small, large)
    else:
        assert small.steps == budget
        assert large.kind == "out-of-steps" or large.steps > budget


atoms = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.integers(0, 2**32 - 1).map(Word),
    st.text(max_size=8),
)
data = st.recursive(atoms, lambda inner: st.lists(inner, max_size=5).map(make_list), max_leaves=30)


@settings(max_examples=1000)
@given(data)
def test_print_then_read_is_the_identity_on_data(value: object) -> None:
    (node,) = read(show(value))
    assert to_value(node) == value


@settings(max_examples=300)
@given(programs())
def test_program_source_reads_back_to_the_same_program(source: str) -> None:
    program = Program.from_source(source)
    again = Program.from_source(program.source())
    assert again == program
    assert again.source() == program.source()


@settings(max_examples=500)
@given(programs(), main_arguments())
def test_precise_mode_counts_like_the_reference(source: str, args: tuple[int, int]) -> None:
    """Precise mode charges step by step; on a completed run its count is the reference's."""
    from godelmachine.lang.compiler import FastAbort, compiled

    program = Program.from_source(source, "<random>")
    x, bits = args
    reference = run(program, "main", (x, Word(bits)), budget=100_000, fast=False)
    if reference.kind != "value":
        return
    try:
        value, steps = compiled(program, precise=True).call("main", (x, Word(bits)), 100_000)
    except FastAbort:
        raise AssertionError(f"precise mode trapped where the reference did not: {source}") from None
    assert (show(value), steps) == (show(reference.value), reference.steps)
