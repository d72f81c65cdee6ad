"""The JSON Schemas (draft 2020-12) of what godelmachine writes: the records of a rewrite log
and every command's `--json` output, one file each in this directory (docs/schemas.md).

They are the documentation of those shapes and are read as data: `godelmachine schema NAME`
prints one, the log reader checks every record against `log-record` (godelmachine/machine/
records.py), and with GODELMACHINE_CHECK_SCHEMAS=1 (the tests set it) every `--json` output is
checked against its schema before it is printed.

Two refinements over plain JSON Schema, both stricter, applied by `validator`: an `integer` is
a JSON number written without a fraction or exponent (Python's json reads 5.0 as a float, and
the readers would take it for a count), and the format `share` is an exact fraction in [0, 1)
as Python's Fraction reads it ("1/5", "0").
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

SUFFIX = ".schema.json"


def names() -> list[str]:
    """Every schema's name (its file name without .schema.json), sorted."""
    return sorted(p.name.removesuffix(SUFFIX) for p in resources.files(__package__).iterdir() if p.name.endswith(SUFFIX))


def text(name: str) -> str:
    """The schema's file as shipped; a KeyError names the schemas there are."""
    if name not in names():
        raise KeyError(f"no schema {name!r}; the schemas are {', '.join(names())}")
    return resources.files(__package__).joinpath(name + SUFFIX).read_text(encoding="utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text(name))
    return loaded


def is_share(value: object) -> bool:
    """A fraction in [0, 1) as Fraction reads it (the format `share`)."""
    try:
        return type(value) is str and 0 <= Fraction(value) < 1
    except (ValueError, ZeroDivisionError):
        return False


@cache
def validator(name: str) -> Any:
    """A validator for the schema `name` (the others resolvable by their `urn:godelmachine:schema:`
    ids), with the strict integers and the `share` format above."""
    import jsonschema
    from referencing import Registry, Resource

    registry = Registry().with_resources((schema(n)["$id"], Resource.from_contents(schema(n))) for n in names())
    types = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: type(value) is int)
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("share")(is_share)
    strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=types)
    return strict(schema(name), registry=registry, format_checker=formats)


def problems(data: Any, name: str) -> list[str]:
    """What in `data` does not match the schema `name`, each as `at PATH: MESSAGE` (empty if it matches)."""
    return [f"at {'/'.join(map(str, e.absolute_path)) or 'the top'}: {e.message}"
            for e in validator(name).iter_errors(data)]


__all__ = ["names", "text", "schema", "validator", "problems", "is_share"]
