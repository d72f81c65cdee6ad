"""Record the logs of tests/test_golden_logs.py again (when a change is meant to alter runs).

    python tests/golden/record.py

runs each built-in task as the test does and writes tests/golden/NAME.jsonl.gz.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import GOLDEN_RUNS, OTHER_GOLDEN_RUNS  # noqa: E402

RUNS = {name: args for name, args in [*GOLDEN_RUNS.values(), *OTHER_GOLDEN_RUNS.values()]}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in RUNS.items():
            log = Path(tmp) / f"{name}.jsonl"
            subprocess.run([sys.executable, "-m", "godelmachine", "run", *args, "--log", str(log), "--json"],
                           check=True, capture_output=True, cwd=HERE.parent.parent)
            (HERE / f"{name}.jsonl.gz").write_bytes(gzip.compress(log.read_bytes(), mtime=0))
            print(f"recorded {name}")


if __name__ == "__main__":
    main()
