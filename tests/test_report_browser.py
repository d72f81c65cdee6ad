"""`log report`: the page a real browser shows. Headless Chromium (Debian's package; .ci/run
installs it) loads the file, and the test reads the DOM it rendered and takes a screenshot.

Without a Chromium on the machine the test is skipped, unless GODELMACHINE_REQUIRE_BROWSER is
set (as .ci/run sets it), where a missing browser fails it: CI cannot pass by skipping."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_helpers import gm
from godelmachine.machine.records import read_records

pytestmark = pytest.mark.xdist_group("runs")  # it shares the session fixture `runs`


def chromium() -> str:
    found = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)
    if found is None:
        if os.environ.get("GODELMACHINE_REQUIRE_BROWSER"):
            pytest.fail("no Chromium on this machine, and GODELMACHINE_REQUIRE_BROWSER is set")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    return found


def headless(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-dev-shm-usage", *args], capture_output=True, text=True, timeout=120)


def test_the_report_shows_each_switch_its_proof_and_the_chart_in_a_browser(runs, tmp_path: Path) -> None:
    browser = chromium()
    log = runs["sum-to-n"][1]
    page = tmp_path / "run.html"
    done = gm("log", "report", str(log), "-o", str(page), "--no-baseline")
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text), "the page fetches nothing"

    dom = headless(browser, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    rendered = dom.stdout
    switches = [r for r in read_records(log) if r["type"] == "switch"]
    assert len(re.findall(r'<section class="switch" id="switch-\d+">', rendered)) == len(switches) == 2
    first = switches[0]
    assert f"Switch 1 at clock {first['clock']:,}" in rendered
    assert "(div (* (+ n 1) n) 2)" in rendered  # the closed form, in the diff and the summary
    steps = rendered.count("<li value=")
    assert steps >= first["proof_size"] // 2, "the derivations are in the page, each step once"
    assert "after.solve" in rendered and "before.solve" in rendered  # programs named, not digests
    assert rendered.count("<svg") >= 1 and "cumulative reward" in rendered  # the chart, inline

    shot = tmp_path / "run.png"
    taken = headless(browser, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert taken.returncode == 0 and shot.stat().st_size > 20_000, taken.stderr  # a page, not a blank
