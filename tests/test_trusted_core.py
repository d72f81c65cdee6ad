"""The README's table of the trusted core is true: its line counts are the files' own, every
file under godelmachine/logic/ is in it or says in its first line that it is untrusted, and so
is every module of the package that those files import, directly or through others.

The trust boundary is a folder (docs/logic.md): what a reader must trust is listed in one
place, and a file added to `logic/` without a word in that table fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from cli_helpers import REPO
from test_architecture import import_graph

LOGIC = REPO / "godelmachine" / "logic"


def table(text: str | None = None) -> list[tuple[list[Path], int]]:
    """(files, lines) for each row of the README's trusted-core table; a cell like
    `a/b.py`, `c.py` names c.py in the folder of the path before it."""
    text = text if text is not None else (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The trusted core"):]
    section = section[:section.index("\n## ", 1)]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        files, folder = [], REPO
        for name in re.findall(r"`([^`]+\.py)`", cells[0]):
            path = REPO / name if "/" in name else folder / name
            folder = path.parent
            files.append(path)
        rows.append((files, int(cells[1].replace(",", ""))))
    return rows


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").lstrip().lstrip('"').splitlines()[0]


def stale_rows(rows: list[tuple[list[Path], int]]) -> list[str]:
    return [f"{[str(f.relative_to(REPO)) for f in files]}: {sum(lines(f) for f in files)} lines, the README says {count}"
            for files, count in rows if sum(lines(f) for f in files) != count]


def test_the_table_names_real_files_and_counts_their_lines() -> None:
    rows = table()
    assert len(rows) >= 8
    assert all(files and all(f.is_file() for f in files) for files, _ in rows)
    assert stale_rows(rows) == []


def test_every_file_under_logic_is_in_the_table_or_marked_untrusted() -> None:
    listed = {f for files, _ in table() for f in files}
    for path in sorted(LOGIC.glob("*.py")):
        if path.name == "__init__.py":
            continue
        untrusted = first_line(path).startswith("Untrusted")
        assert (path in listed) != untrusted, \
            f"{path.relative_to(REPO)}: {'listed but marked untrusted' if untrusted else 'neither listed nor marked untrusted'}"


def test_a_stale_count_is_caught() -> None:
    """The same README with one count off by one, and a row of two files in one folder."""
    kernel = LOGIC / "kernel.py"
    text = (f"## The trusted core\n\n| file | lines | for |\n| --- | ---: | --- |\n"
            f"| `godelmachine/logic/kernel.py` | {lines(kernel) + 1} | the rules |\n"
            f"| `godelmachine/logic/smt.py`, `smtlib.py` | {lines(LOGIC / 'smt.py') + lines(LOGIC / 'smtlib.py')} | Z3 |\n"
            f"\n## Next\n")
    rows = table(text)
    assert [files for files, _ in rows] == [[kernel], [LOGIC / "smt.py", LOGIC / "smtlib.py"]]
    assert len(stale_rows(rows)) == 1 and "kernel.py" in stale_rows(rows)[0]


def module_path(module: str) -> Path:
    path = REPO / Path(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def test_every_module_the_logic_files_import_is_in_the_table_or_marked_untrusted() -> None:
    """The kernel is only as sound as the code it runs: the language files the semantics
    reads (syntax, costs, values, a program's digest) are trusted as much as the kernel."""
    listed = {f for files, _ in table() for f in files}
    graph = import_graph()
    stack = [m for m in graph if m.startswith("godelmachine.logic.")]
    reached: set[str] = set()
    while stack:
        module = stack.pop()
        if module not in reached:
            reached.add(module)
            stack += graph[module]
    missing = [m for m in sorted(reached) if module_path(m).name != "__init__.py"
               and module_path(m) not in listed and not first_line(module_path(m)).startswith("Untrusted")]
    assert missing == [], f"the trusted core imports modules the README's table leaves out: {missing}"
