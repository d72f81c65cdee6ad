"""docs/api.md's example runs as written, in a fresh process, and does what it says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from cli_helpers import REPO


def test_the_api_example_runs(tmp_path: Path) -> None:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "switch 1 at clock 1,842,021 by closed-form" in done.stdout
    assert re.search(r"log verified: 2 switch\(es\), \d+ proof nodes", done.stdout)
