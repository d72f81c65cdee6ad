"""The library of proven rewrites (docs/library.md): learning a switch's lemma, re-making it in a
later run, the bias shift of the synthesizer, and what the library must never do (be believed,
change a run without its header saying so)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli_helpers import REPO
from godelmachine.cli.main import app
from godelmachine.errors import UserError
from godelmachine.lang.primitives import BASE
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word
from godelmachine.machine import library as store
from godelmachine.machine.axiom_set import VerifyFailed
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import load_task
from godelmachine.machine.verify import verify_log
from godelmachine.search.learned import Learned
from godelmachine.search.shapes import canonical
from godelmachine.search.synthesis import Enumerator, term_type

FAMILY = REPO / "benchmarks" / "library"
LIFETIME = 150_000  # learn-p03's first switch comes at 84,994 steps without a library, 58,879 with one


def run(name: str, log: Path, library: Any = None, lifetime: int = LIFETIME) -> tuple[Machine, Any]:
    machine = Machine(load_task(str(FAMILY / f"{name}.task")), lifetime=lifetime, log_path=log, library=library)
    return machine, machine.run()


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """A run of learn-p03 without a library, and the library learned from its switch."""
    root = tmp_path_factory.mktemp("library")
    machine, result = run("learn-p03", root / "first.jsonl")
    switch = result.switches[0]
    done = store.learn(root / "lib", machine.kernel, switch.before, switch.after, machine.task.types,
                       {"task": "learn-p03", "seed": 0, "switch": 1, "clock": switch.clock})
    assert [(d.function, d.note) for d in done] == [("solve", "learned"), ("isolate-rightmost-one", "learned")]
    return root / "lib", root / "first.jsonl", result


def entry_file(library: Path, function: str) -> Path:
    return next(f for f in library.glob("*.json") if json.loads(f.read_text())["function"] == function)


def test_a_later_run_remakes_the_lemma_cites_it_and_switches_sooner(learned: tuple[Path, Path, Any], tmp_path: Path) -> None:
    library, _, first = learned
    machine, result = run("learn-p03", tmp_path / "again.jsonl", store.load(library))
    solve_entry = store.load(library).entries[[e.function for e in store.load(library).entries].index("solve")]
    assert result.switches[0].summary == f"solve: -> (wand x (wneg x)), from library entry {solve_entry.id[:8]}"
    assert result.first_switch < first.first_switch  # the candidate without enumeration, the obligations from the lemma
    assert result.reward == result.instances  # every answer right
    records = [json.loads(line) for line in (tmp_path / "again.jsonl").read_text().splitlines()]
    assert records[0]["library"] == {"path": str(library.resolve()), "sha256": store.load(library).sha256, "entries": 2}
    assert records[1 + next(i for i, r in enumerate(records[1:]) if r["type"] == "switch")]["library"] == [solve_entry.id]
    assert records[-1]["library_used"] == [solve_entry.id]
    # the lemma's derivation is in the switch's certificate: log verify re-checks it from the log alone
    assert verify_log(tmp_path / "again.jsonl").switches == len(result.switches)
    verify_log(tmp_path / "again.jsonl", replay=True)
    # a library that changed since the run: the run cannot be repeated, and says why
    (library.parent / "changed").mkdir()
    shutil.copy(entry_file(library, "solve"), library.parent / "changed")
    records[0]["library"]["path"] = str(library.parent / "changed")
    (tmp_path / "moved.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    with pytest.raises(VerifyFailed, match="the library differs from the one the log's run used"):
        verify_log(tmp_path / "moved.jsonl", replay=True)


def forged(library: Path, tmp_path: Path) -> Path:
    """The library with its `solve` entry turned into a false lemma, consistently: new code
    `(wand x x)`, its definition node the kernel's for that code, and every digest and symbol
    of the certificate renamed to match: only the smt steps are left to give it away."""
    from godelmachine.logic.axioms import load_axioms
    from godelmachine.logic.kernel import Kernel
    from godelmachine.logic.terms import smtlib

    copy = tmp_path / "forged"
    shutil.copytree(library, copy)
    file = entry_file(copy, "solve")
    content = json.loads(file.read_text())
    honest, wrong = Program.from_source(content["new"]), Program.from_source("(define (solve x) (wand x x))\n")
    content["new"] = wrong.source()
    for node in content["certificate"]["nodes"]:
        if node["rule"] == "definition" and node["args"]["program"] == honest.digest:
            node["statement"] = smtlib(Kernel(load_axioms(())).definition(wrong, "solve", ("word",)).statement)
    text = json.dumps(content).replace(honest.digest, wrong.digest).replace(f"p{honest.digest[:32]}", f"p{wrong.digest[:32]}")
    file.write_text(text)
    return copy


def test_a_forged_entry_is_not_believed(learned: tuple[Path, Path, Any], tmp_path: Path) -> None:
    library = forged(learned[0], tmp_path)
    entries = store.load(library)
    bad = next(e for e in entries.entries if e.function == "solve")
    assert "(wand x x)" in bad.new.source()
    machine, result = run("learn-p03", tmp_path / "forged.jsonl", entries)
    assert bad.id not in machine.learned.used  # the replay was refused: Z3 does not prove the false step
    refusals = [value for key, value in machine.learned.made.items() if key[0] == bad.id]
    # replayed renamed for the offer, and as it stands for the folded route: the false step, asked again, each time
    assert refusals and {(r.status, r.rule) for r in refusals} == {("refuted", "smt")}, refusals
    # the offer was then checked by the kernel as a found term is, refuted, and enumeration found the right term
    assert [s.summary for s in result.switches][:1] == ["solve: -> (wand x (wneg x))"]
    assert all("(wand x x)" not in s.after.source() for s in result.switches)
    assert result.reward == result.instances
    checked = CliRunner().invoke(app, ["library", "check", "--library", str(library), "--json"])
    assert checked.exit_code == 1
    rows = {r["id"]: r for r in json.loads(checked.stdout)["entries"]}
    assert not rows[bad.id]["checked"] and rows[bad.id]["reason"].startswith("refuted")


def test_canonical_shapes_are_code_up_to_names() -> None:
    a = Program.from_source("(define (solve x) (helper x 3))\n(define (helper a k) (let ((t (w+ a #x1))) (wand t a)))")
    b = Program.from_source("(define (f y) (g y 3))\n(define (g q n) (let ((s (w+ q #x1))) (wand s q)))")
    c = Program.from_source("(define (f y) (g y 3))\n(define (g q n) (let ((s (w+ q #x2))) (wand s q)))")
    d = Program.from_source("(define (f y) (g y 3))\n(define (g q n) (let ((s (w+ q #x1))) (wand q s)))")
    assert canonical(a, "solve").key == canonical(b, "f").key
    assert canonical(a, "solve").functions == ("solve", "helper") and canonical(b, "f").binders == ("y", "q", "n", "s")
    assert canonical(a, "solve").key != canonical(c, "f").key  # another constant
    assert canonical(a, "solve").key != canonical(d, "f").key  # the arguments in another order


def test_fragments_shorten_the_enumeration_of_a_term_built_from_them(learned: tuple[Path, Path, Any]) -> None:
    """x ^ (x - 1) is found after fewer evaluation steps once (w+ ?0 #xffffffff) is a fragment."""
    entry = Program.from_source("(define (f x) (wand x (w+ x #xffffffff)))")
    from godelmachine.search.learned import Entry

    lib = Learned([Entry("0" * 64, "f", ("word",), entry, entry, {"nodes": []})], None, set())  # type: ignore[arg-type]
    fragments = lib.fragments(BASE, lambda t, types: term_type(t, types, BASE))
    assert {str(f.template) for f in fragments} >= {"('w+', ('hole', 0), ('const', #xffffffff))"}
    values = (0, 1, 6, 0x80000000, 0xFFFFFFFF, 12345678)
    inputs = [(Word(v),) for v in values]
    wanted = [Word(v ^ ((v - 1) & 0xFFFFFFFF)) for v in values]
    spent = {}
    for name, frags in (("without", []), ("with", fragments)):
        steps = [0]
        enumerator = Enumerator(BASE, [("x", "word")], inputs, charge=lambda n: steps.__setitem__(0, steps[0] + n),
                                result="word", fragments=frags)
        found = next(enumerator.matches(wanted, "word", 160))
        spent[name] = steps[0]
        assert found.term == ("wxor", ("var", "x"), ("w+", ("var", "x"), ("const", Word(0xFFFFFFFF)))) or \
            found.term == ("wxor", ("w+", ("var", "x"), ("const", Word(0xFFFFFFFF))), ("var", "x"))
    assert spent["with"] * 4 < spent["without"], spent


def test_the_commands(learned: tuple[Path, Path, Any], tmp_path: Path) -> None:
    library, log, _ = learned
    cli = CliRunner()
    listed = json.loads(cli.invoke(app, ["library", "list", "--library", str(library), "--json"]).stdout)
    assert {e["function"]: e["new"] for e in listed["entries"]} == {"solve": "(wand x (wneg x))",
                                                                    "isolate-rightmost-one": "(wand x (wneg x))"}
    first = listed["entries"][0]["id"]
    shown = cli.invoke(app, ["library", "show", first[:6], "--library", str(library)])
    assert shown.exit_code == 0 and f"entry {first}" in shown.stdout and "certificate: 5 nodes" in shown.stdout
    as_json = json.loads(cli.invoke(app, ["library", "show", first, "--library", str(library), "--json"]).stdout)
    assert as_json["id"] == first and store.content_id({k: v for k, v in as_json.items() if k != "id"}) == first
    assert cli.invoke(app, ["library", "check", "--library", str(library)]).stdout.endswith("2 of 2 entries check\n")
    again = json.loads(cli.invoke(app, ["library", "learn", str(log), "--library", str(library), "--json"]).stdout)
    assert [r["note"] for r in again["learned"]] == ["in the library already"] * 2
    copy = tmp_path / "copy"
    shutil.copytree(library, copy)
    assert cli.invoke(app, ["library", "remove", first[:8], "--library", str(copy)]).exit_code == 0
    assert len(store.load(copy).entries) == 1
    assert "give --yes" in cli.invoke(app, ["library", "clear", "--library", str(copy)]).stdout
    assert cli.invoke(app, ["library", "clear", "--yes", "--library", str(copy)]).exit_code == 0
    assert store.load(copy).entries == ()
    with pytest.raises(UserError, match="a library is a folder"):
        store.load(log)


def test_run_learn_and_a_sweep_use_the_library_as_run_does(learned: tuple[Path, Path, Any], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cli = CliRunner()
    task = str(FAMILY / "learn-p03.task")
    done = cli.invoke(app, ["run", task, "--lifetime", str(LIFETIME), "--library", "mine", "--learn", "--json"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    assert "library" not in record and [r["note"] for r in record["learned"]] == ["learned", "learned"]
    used = cli.invoke(app, ["run", task, "--lifetime", str(LIFETIME), "--library", "mine", "--log", "run.jsonl", "--json"])
    assert json.loads(used.stdout)["library"]["entries"] == 2
    swept = cli.invoke(app, ["sweep", task, "--seeds", "0", "--lifetime", str(LIFETIME), "--library", "mine",
                             "--out", "sweep", "--json"])
    assert swept.exit_code == 0, swept.output
    assert (tmp_path / "sweep" / "seed0.jsonl").read_bytes() == (tmp_path / "run.jsonl").read_bytes()
    contradiction = cli.invoke(app, ["run", task, "--library", "mine", "--no-library"])
    assert isinstance(contradiction.exception, UserError) and "contradict" in contradiction.exception.message


def test_lemmas_inside_a_larger_definition_prove_its_obligation(learned: tuple[Path, Path, Any]) -> None:
    """Isolating the rightmost 1 bit twice, as two scans: the old value holds two instances of
    the learned scan, folded into the lemma's symbols; the same results then follow from the
    lemma, re-made from its certificate and charged, for a right candidate, and never for a
    wrong one. (What it saves on the clock is benchmarks/library.py's to measure.)"""
    from godelmachine.logic.certificates import derivation
    from godelmachine.logic.kernel import Kernel
    from godelmachine.machine.axiom_set import task_axioms
    from godelmachine.search.obligations import Solver, obligation_goal

    task = load_task(str(FAMILY / "use-isolate-lowest-one-twice.task"))
    kernel = Kernel(task_axioms(task, ()))
    old = Solver(task.solver, "solve", ("word",))
    paid: set[Any] = set()
    for body, right in (("(wand x (wneg x))", True), ("(wand x x)", False)):
        new = Solver(task.solver.replace(f"(define (solve x) {body})"), "solve", ("word",))
        goal, _ = obligation_goal("same-results", kernel, old, new)
        library = Learned(list(store.load(learned[0]).entries), kernel, paid)
        spent = [0]
        proved = library.folded_obligation(goal, old, new, lambda call: library.charged(spent.append, call), lambda n: n)
        if not right:
            assert proved is None
            continue
        assert proved is not None and proved.statement is goal
        assert {t.rule for t in derivation(proved)} >= {"definition", "smt", "conjoin"}
        assert library.entries_in(proved) and sum(spent) == sum(t.cost for t in derivation(proved))


def test_a_learned_helper_inside_a_new_solver_is_proved_from_its_lemma(learned: tuple[Path, Path, Any],
                                                                        tmp_path: Path) -> None:
    """use-lowest-one-and calls the learned scan from a solver of two words: the switch's
    same-results obligation is proved by folding, its certificate cites the lemma, and the log
    re-checks from itself alone."""
    library = store.load(learned[0])
    helper = next(e for e in library.entries if e.function == "isolate-rightmost-one")
    machine, result = run("use-lowest-one-and", tmp_path / "and.jsonl", library, lifetime=300_000)
    first = next(json.loads(line) for line in (tmp_path / "and.jsonl").read_text().splitlines()
                 if json.loads(line)["type"] == "switch")
    assert first["summary"] == f"isolate-rightmost-one: -> (wand x (wneg x)), from library entry {helper.id[:8]}"
    assert helper.id in first["library"] and helper.old.digest in first["programs"]
    assert result.reward == result.instances
    assert verify_log(tmp_path / "and.jsonl").proven == len(result.switches)


def test_the_benchmark_sums_up_the_family_and_the_control_apart() -> None:
    """benchmarks/library.py's figures from its rows: a run without a switch counts as its
    lifetime, the control group is kept out of the family's mean, and a failed re-check counts
    as a wrong acceptance."""
    from benchmarks import library as bench

    def side(first: int | None, verified: bool = True) -> dict[str, Any]:
        return {"first_switch": first, "rewrite": "solve: -> x", "proof_cost": 1_000, "reward": 5, "instances": 5,
                "all_right": True, "verified": verified, "wall_seconds": 1.0, "library_used": []}

    rows = [{"half": "second", "task": "use-a", "lifetime": 1_000_000, "without": side(None), "with": side(100_000)},
            {"half": "second", "task": "use-b", "lifetime": 1_000_000, "without": side(300_000), "with": side(100_000)},
            {"half": "second", "task": bench.CONTROL[0], "lifetime": 1_000_000, "without": side(50_000),
             "with": side(50_000, verified=False)}]
    family = bench.totals(rows)
    assert (family["tasks"], family["mean_without"], family["mean_with"]) == (2, 650_000, 100_000)
    assert family["ratio_of_means"] == 6.5 and family["not_found_without"] == 1 and family["wrong_acceptances"] == 0
    assert bench.totals(rows, "control")["wrong_acceptances"] == 1 and bench.totals(rows, "all")["tasks"] == 3
    assert bench.why_not(rows[2]).startswith("cheap without a library already")
    assert set(bench.tasks("second")) >= {"use-second-lowest-one", *bench.CONTROL}
