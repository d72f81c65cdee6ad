"""The JSON Schemas of the log records and of every `--json` output (godelmachine/schemas/):
each is a valid draft 2020-12 schema whose references resolve, each command's real output
matches its schema, the records of real logs match theirs, and the schemas refuse what they
must (a wrong field, a float where an integer is due, a share of 1)."""

from __future__ import annotations

import ast
import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from godelmachine import schemas
from godelmachine.cli.main import app
from godelmachine.errors import UserError
from godelmachine.machine.records import check_records

REPO = Path(__file__).resolve().parent.parent


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*([node["$ref"]] if "$ref" in node else []), *(r for v in node.values() for r in refs(v))]
    return [r for v in node for r in refs(v)] if isinstance(node, list) else []


def test_every_schema_is_valid_and_its_references_resolve() -> None:
    assert len(schemas.names()) >= 17
    for name in schemas.names():
        schema = schemas.schema(name)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"urn:godelmachine:schema:{name}" and schema["title"]
        resolver = schemas.validator(name)._resolver
        for ref in refs(schema):
            resolver.lookup(ref)  # raises on a reference to nothing


def test_each_json_output_names_a_schema_and_each_schema_is_used() -> None:
    """Every emit_json call in the CLI names its schema as a literal; every schema but the log
    record's is named by one (and the log record's is the log reader's)."""
    named = set()
    for path in (REPO / "godelmachine" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "emit_json":
                assert isinstance(node.args[1], ast.Constant), (path, node.lineno)
                named.add(node.args[1].value)
    assert named == set(schemas.names()) - {"log-record"}


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def matches(data: Any, name: str) -> None:
    assert schemas.problems(data, name) == [], name


@pytest.mark.xdist_group("runs")  # the session's real runs (tests/conftest.py)
def test_real_outputs_match_their_schemas(runs: dict[str, tuple[dict, Path]], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """One real output of every command, checked here whatever GODELMACHINE_CHECK_SCHEMAS says."""
    monkeypatch.delenv("GODELMACHINE_CHECK_SCHEMAS")
    monkeypatch.chdir(tmp_path)
    proved, empirical = runs["sum-to-n"][1], runs["rare-empirical"][1]
    matches(runs["sum-to-n"][0], "run")  # the `run --json` the fixture's run printed
    seen = {"run"}
    outputs = {
        "log-show": ("log", "show", str(proved), "--json"),
        "log-show-switch": ("log", "show", str(proved), "--switch", "1", "--json"),
        "log-diff": ("log", "diff", str(proved), "1", "--json"),
        "log-verify": ("log", "verify", str(empirical), "--json"),
        "log-written": ("log", "report", str(proved), "-o", "run.html", "--no-baseline", "--json"),
        "log-export": ("log", "export", str(empirical), "--smt2", "smt2", "--json"),  # a proof log's: test_cli_log_axioms
        "tasks": ("tasks", "--json"),
        "primitives": ("primitives", "--json"),
        "schema-list": ("schema", "--json"),
        "check": ("check", "sum-to-n", "--samples", "4", "--json"),
        "axioms-list": ("axioms", "list", "--dir", "installed", "--json"),
        "sweep": ("sweep", "sum-to-n", "--seeds", "0..1", "--lifetime", "300000", "--out", "sweep", "--json"),
    }
    for name, args in outputs.items():
        matches(invoke(*args), name)
        seen.add(name)
    (tmp_path / "a.gm").write_text("(define (main x) (div 10 x))\n")
    matches(invoke("eval", "a.gm", "5", "--json"), "eval")
    trapped = CliRunner().invoke(app, ["eval", "a.gm", "0", "--json"])
    assert trapped.exit_code == 1 and json.loads(trapped.stdout)["outcome"] == "trap"
    matches(json.loads(trapped.stdout), "eval")
    seen.add("eval")
    (tmp_path / "lemma.axioms").write_text("(class uncertainty)\n(axiom lemma (forall ((x Int)) (<= x (+ x 1))))\n")
    for name, args in {"axioms-check": ("check", "lemma.axioms"), "axioms-add": ("add", "lemma.axioms"),
                       "axioms-remove": ("remove", "lemma")}.items():
        matches(invoke("axioms", *args, "--dir", "installed", "--json"), name)
        seen.add(name)
    # a run resumed from a log that had ended, and the run summary of an empirical run
    copy = tmp_path / "ended.jsonl"
    shutil.copyfile(empirical, copy)
    matches(invoke("run", "--resume", str(copy), "--json"), "run")
    matches(runs["rare-empirical"][0], "run")
    # the library commands' outputs are made by tests/test_library.py (checked there by GODELMACHINE_CHECK_SCHEMAS)
    seen |= {"library-list", "library-entry", "library-check", "library-learn"}
    assert seen == set(schemas.names()) - {"log-record"}


def golden_records() -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted((REPO / "tests" / "golden").glob("*.jsonl.gz"))
            for line in gzip.open(path, "rt", encoding="utf-8")]


def test_the_golden_logs_records_match_the_log_record_schema() -> None:
    records = golden_records()
    assert {r["type"] for r in records} == {"header", "reward", "refusals", "switch", "end"}
    for record in records:
        matches(record, "log-record")


HEADER = next(r for r in golden_records() if r["type"] == "header")
PROVED = next(r for r in golden_records() if r.get("accepted") == "proof")


@pytest.mark.parametrize("record, message", [
    ({**HEADER, "lifetime": 5.0}, "the header record's 'lifetime' must be an integer > 0, not 5.0"),
    ({**HEADER, "seed": True}, "the header record's 'seed' must be an integer, not True"),
    ({**HEADER, "share": "1"}, "the header record's 'share' must be a fraction in [0, 1) such as \"1/5\", not '1'"),
    ({**HEADER, "share": "1/0"}, "the header record's 'share' must be a fraction in [0, 1) such as \"1/5\", not '1/0'"),
    ({**HEADER, "schema": 2}, "the header record's 'schema' must be 1, the schema this version reads, not 2"),
    ({**HEADER, "mode": "proof", "search": "yes", "lifetime": -1},  # the first wrong field in the schema's order
     "the header record's 'lifetime' must be an integer > 0, not -1"),
    ({k: v for k, v in PROVED.items() if k != "certificate"}, "the switch record has no 'certificate' field"),
    ({**PROVED, "certificate": {**PROVED["certificate"], "nodes": [{**PROVED["certificate"]["nodes"][0], "premises": [0]}]}},
     "the switch record's 'certificate' must be a certificate: declarations, and nodes whose premises are earlier nodes"),
    ({**PROVED, "switchprog": {"definitions": ["x"], "share": "2/1"}},
     "the switch record's 'switchprog' must be an object with definitions (strings) and a share, not"),
    ({**PROVED, "readings": [0, 1, 2]}, "the switch record's 'readings' must be a pair of integers >= 0, not [0, 1, 2]"),
    ({**PROVED, "accepted": "empirical: sampled", "certificate": 7},  # an empirical switch's proof fields are checked too
     "the switch record's 'certificate' must be a certificate"),
])
def test_a_record_the_schema_refuses_is_refused_with_its_field(record: dict[str, Any], message: str) -> None:
    records = [HEADER, record] if record["type"] == "switch" else [record]
    with pytest.raises(UserError) as caught:
        check_records(records, "log.jsonl")
    assert caught.value.render().startswith(f"log.jsonl:{len(records)}:1: error: {message}"), caught.value.render()


def test_an_empirical_switch_needs_no_proof_fields() -> None:
    empirical = next(r for r in golden_records() if r["type"] == "switch" and r["accepted"] != "proof")
    assert "certificate" not in empirical
    check_records([HEADER, empirical], "log.jsonl")


def test_a_json_output_off_its_schema_is_a_bug_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the check on (as in every test), an output that does not match its schema is not
    printed: the command fails as a bug does."""
    from godelmachine.cli import output

    monkeypatch.setenv("GODELMACHINE_CHECK_SCHEMAS", "1")
    printed: list[str] = []
    monkeypatch.setattr(output.typer, "echo", printed.append)
    with pytest.raises(AssertionError, match=re.escape("does not match its schema log-diff: at n: 0 is less than")):
        output.emit_json({"n": 0, "before": "", "after": "", "diff": ""}, "log-diff")
    assert printed == []
    output.emit_json({"n": 1, "before": "", "after": "", "diff": ""}, "log-diff")
    assert json.loads(printed[0])["n"] == 1


def test_godelmachine_schema_prints_each_shipped_file_whole() -> None:
    listed = CliRunner().invoke(app, ["schema"])
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == len(schemas.names())
    one = CliRunner().invoke(app, ["schema", "log-record"])
    assert json.loads(one.stdout) == schemas.schema("log-record")
    unknown = CliRunner().invoke(app, ["schema", "nope"])
    assert isinstance(unknown.exception, UserError) and "the schemas are axioms-add, " in str(unknown.exception)
