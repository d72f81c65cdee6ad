"""Where the data that ships with the program lives: grammars, axioms, examples, tasks.

In a wheel, `grammars/`, `proofs/` and `examples/` are mapped inside the package (see
`pyproject.toml`, `force-include`); in a source checkout they stand at the top of the
repository. Every reader of those files asks this module, never a path of its own.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The directory `name` (grammars, proofs, examples) of this installation."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data directory {name!r} is missing from this installation")


def grammar_text(file_name: str) -> str:
    return (data_dir("grammars") / file_name).read_text(encoding="utf-8")
