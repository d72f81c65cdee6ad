"""The library of proven rewrites: what earlier runs proved, kept with its certificates.

A run that switches to a cheaper definition has proved, on the way, that the new code gives the
old code's results. `learn` turns each such rewrite into a lemma that stands on its own: the
rewritten definition with the helpers it calls, before and after, as two small programs, and
the kernel's theorem that they agree on every input of their types (no new traps, the same
results), proved again for those programs and written out as a certificate. A rewrite of
`solve` that only passes its parameters to a helper teaches the helper's rewrite too. A
lemma the kernel cannot prove within LEARN_RLIMIT (a loop of unknown length, a rewrite right
only on the task's instances) is not learned, and `learn` says why.

The library is a folder of JSON files, one entry each, named by the first 16 hex digits of the
SHA-256 of the entry's content (which is its id, computed again whenever it is read): `--library
PATH`, else `$GODELMACHINE_LIBRARY`, else `$XDG_DATA_HOME/godelmachine/library` (by default
`~/.local/share/godelmachine/library`). The entry format is the JSON Schema `library-entry`
(`godelmachine schema library-entry`). Nothing in an entry is trusted: a run replays an entry's
certificate with its own kernel, charged on its clock, before it relies on the lemma
(godelmachine/search/learned.py). A library is named and hashed in a run's header; the hash
covers every entry's id, so a run can be repeated only with the very same library.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from godelmachine.errors import Pos, UserError, remember_source
from godelmachine.lang.program import Program
from godelmachine.lang.values import show
from godelmachine.logic.certificates import certificate
from godelmachine.logic.kernel import Kernel, Refused, Theorem
from godelmachine.logic.semantics import is_loop_symbol
from godelmachine.logic.terms import smtlib, subterms
from godelmachine.search.cegis import SCALARS, infer_types, wrapped_helper
from godelmachine.search.learned import Entry
from godelmachine.search.obligations import Solver, obligation_goal
from godelmachine.search.shapes import closure, rename_datum

FORMAT = 1
LEARN_RLIMIT = 20_000_000  # Z3's budget for each half of a lemma when it is learned
ID_DIGITS = 16  # an entry's file name: this many hex digits of its id


def default_path() -> Path:
    if os.environ.get("GODELMACHINE_LIBRARY"):
        return Path(os.environ["GODELMACHINE_LIBRARY"])
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "godelmachine" / "library"


def content_id(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Library:
    path: Path
    entries: tuple[Entry, ...]
    contents: tuple[dict[str, Any], ...]  # each entry's content, as read

    @property
    def sha256(self) -> str:
        """Over the entries' ids, in order: it changes with any entry's content."""
        return hashlib.sha256("\n".join(sorted(e.id for e in self.entries)).encode()).hexdigest()

    def header(self) -> dict[str, Any]:
        """What a run's header says of it: its folder (absolute: `run --resume` and `log verify
        --replay` read it again, from wherever they are run), the hash, the number of entries."""
        return {"path": str(self.path.resolve()), "sha256": self.sha256, "entries": len(self.entries)}

    def find(self, prefix: str) -> Entry:
        """The one entry whose id starts with `prefix`."""
        found = [e for e in self.entries if e.id.startswith(prefix.lower())]
        if len(found) != 1:
            what = "no entry" if not found else f"{len(found)} entries"
            raise UserError(f"{self.path}: {what} with an id starting {prefix!r} (godelmachine library list)")
        return found[0]


def load(path: Path) -> Library:
    """The library in folder `path` (an empty one if there is no such folder)."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{path}: a library is a folder, and this is a file")
    files = sorted(path.glob("*.json")) if path.is_dir() else []
    return parse(path, [(f, f.read_text(encoding="utf-8")) for f in files])


def parse(path: Path, texts: Iterable[tuple[Path, str]]) -> Library:
    """A library from its entries' texts (a sweep's jobs carry them: no shared disk needed)."""
    entries, contents = [], []
    for file, text in texts:
        content = read_content(file, text)
        entries.append(entry_of(file, content))
        contents.append(content)
    order = sorted(range(len(entries)), key=lambda i: entries[i].id)
    return Library(path, tuple(entries[i] for i in order), tuple(contents[i] for i in order))


def read_content(file: Path, text: str) -> dict[str, Any]:
    from godelmachine.schemas import problems

    remember_source(str(file), text)
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"a library entry must be JSON ({exc.msg})", Pos(str(file), exc.lineno, exc.colno)) from None
    found = problems(content, "library-entry")
    if found:
        raise UserError(f"{file}: not a library entry: {found[0]} (godelmachine schema library-entry)")
    return content


def entry_of(file: Path, content: dict[str, Any]) -> Entry:
    def program(field: str) -> Program:
        try:
            return Program.from_source(content[field], f"{file} ({field})")
        except UserError as exc:
            raise UserError(f"the library entry's {field!r} code does not read: {exc.message}", exc.pos) from None

    old, new = program("old"), program("new")
    function = content["function"]
    if function not in old or function not in new:
        raise UserError(f"{file}: the entry's old and new code must both define {function!r}")
    origin = content.get("learned_from", {})
    return Entry(content_id(content), function, tuple(content["types"]), old, new, content["certificate"],
                 f"{origin.get('task', '?')} seed {origin.get('seed', '?')} switch {origin.get('switch', '?')}")


def save(path: Path, content: dict[str, Any]) -> tuple[str, bool]:
    """Write an entry (atomically); (its id, whether it is new: an entry of the same code
    before and after, learned elsewhere, counts as there already)."""
    library = load(path)
    new_entry = entry_of(path / "(new)", content)
    for entry in library.entries:
        if entry.old.digest == new_entry.old.digest and entry.new.digest == new_entry.new.digest:
            return entry.id, False
    path.mkdir(parents=True, exist_ok=True)
    identity = content_id(content)
    target = path / f"{identity[:ID_DIGITS]}.json"
    partial = target.with_suffix(".json.partial")
    partial.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, target)
    return identity, True


def remove(path: Path, entry: Entry) -> None:
    (path / f"{entry.id[:ID_DIGITS]}.json").unlink()


# --- learning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    """One rewrite to learn: the definition `function` of `types`, before and after."""

    function: str
    types: tuple[str, ...]
    old: Program
    new: Program


def lessons(before: Program, after: Program, types: tuple[str, ...]) -> list[Lesson]:
    """The definitions a switch rewrote (and, for a `solve` that only wraps a helper, the
    helper), each with its helpers, with the types the solver's instances give them."""
    typed = infer_types(before, "solve", types)
    helper = wrapped_helper(before)
    found = []
    for name in before.names():
        if name not in after or show(before.lookup(name).code) == show(after.lookup(name).code):
            continue
        if name not in typed or any(t not in SCALARS for t in typed[name]):
            continue
        found.append(Lesson(name, typed[name], closure(before, name), closure(after, name)))
        if name == "solve" and helper is not None and helper in typed:
            d, solve = before.lookup(helper), after.lookup("solve")
            code = rename_datum(solve.code, {**dict(zip(solve.params, d.params)), "solve": helper})
            others = [show(after.lookup(n).code) for n in closure(after, "solve").names() if n != "solve"]
            new = Program.from_source("\n".join([show(code), *others]), "<lesson>")
            found.append(Lesson(helper, typed[helper], closure(before, helper), new))
    return found


def prove(kernel: Kernel, lesson: Lesson, rlimit: int = LEARN_RLIMIT) -> Theorem:
    """The lemma: the new definition has no new traps and gives the old one's results, on every
    input of the types (Refused if the kernel cannot prove it within `rlimit`)."""
    old, new = Solver(lesson.old, lesson.function, lesson.types), Solver(lesson.new, lesson.function, lesson.types)
    halves = []
    for kind in ("no-new-traps", "same-results"):
        goal, needed = obligation_goal(kind, kernel, old, new)
        if any(t.kind == "app" and is_loop_symbol(t.name) for d in needed for t in subterms(d.statement)):
            raise Refused("library", "invalid", "a loop of unknown length: its lemma needs an induction that learning "
                                                "does not search for")
        halves.append(kernel.smt(goal, needed, rlimit))
    return kernel.conjoin(*halves)


def content(lesson: Lesson, lemma: Theorem, origin: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT, "function": lesson.function, "types": list(lesson.types),
        "old": lesson.old.source(), "new": lesson.new.source(), "lemma": smtlib(lemma.statement),
        "certificate": certificate(lemma), "learned_from": origin,
    }


@dataclass(frozen=True)
class Learnt:
    """What `learn` did with one lesson: its entry's id (None if not learned) and a note."""

    function: str
    id: str | None
    note: str


def learn(path: Path, kernel: Kernel, before: Program, after: Program, types: tuple[str, ...],
          origin: dict[str, Any]) -> list[Learnt]:
    """Learn what one proven switch (from `before` to `after`) taught into the library at `path`."""
    done = []
    for lesson in lessons(before, after, types):
        try:
            lemma = prove(kernel, lesson)
        except Refused as refused:
            done.append(Learnt(lesson.function, None, f"not learned: the kernel could not prove the lemma ({refused.status}: "
                                                        f"{refused.reason})"))
            continue
        identity, fresh = save(path, content(lesson, lemma, origin))
        done.append(Learnt(lesson.function, identity, "learned" if fresh else "in the library already"))
    return done


def log_library(header: dict[str, Any]) -> Library | None:
    """The library a log's run used, read again from the path its header names and checked
    against the SHA-256 recorded there (None: the run used none)."""
    named = header.get("library")
    if named is None:
        return None
    library = load(Path(named["path"]))
    if library.sha256 != named["sha256"]:
        raise UserError(f"{named['path']}: the library differs from the one the log's run used (its SHA-256 over the "
                        f"entries' ids; {len(library.entries)} entries now, {named['entries']} then): a run is repeated "
                        "only with the library it used")
    return library


def learn_log(path: Path, log: Path) -> list[dict[str, Any]]:
    """`learn` for every proven switch of a rewrite log, with the kernel of the log's run (its
    task file and axiom files, checked against the header's SHA-256s)."""
    from godelmachine.machine.axiom_set import log_axioms, task_of
    from godelmachine.machine.records import read_records

    records = read_records(log)
    header = records[0]
    task = task_of(header)
    kernel = Kernel(log_axioms(header, task))
    rows = []
    for record in records:
        if record.get("type") != "switch" or record.get("accepted") != "proof":
            continue
        before, after = (Program.from_source(record[side], f"{log} (switch {record['n']}, {side})") for side in ("before", "after"))
        origin = {"task": header["task"], "task_file": header["task_file"], "seed": header["seed"], "switch": record["n"],
                  "clock": record["clock"]}
        for done in learn(path, kernel, before, after, task.types, origin):
            rows.append({"log": str(log), "switch": record["n"], "function": done.function, "id": done.id, "note": done.note})
    return rows


__all__ = ["Library", "Lesson", "Learnt", "default_path", "learn", "learn_log", "lessons", "load", "log_library", "parse",
           "prove", "remove", "save"]
