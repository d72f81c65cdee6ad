"""`log report LOG -o run.html`: one self-contained page to read and share a run.

The page holds everything inline (styles, the chart as SVG, no script, nothing fetched): the
run's header, the reward against the clock with each switch marked by its number (and the
unimproved solver's reward beside it, when it was computed), and for each switch its code
before and after as a diff, its target theorem, its derivation (a collapsible numbered list),
the axioms it rests on with their files and lines (assumed ones marked) and the rivals refused
since the switch before it, with their counterexamples in the task's names. Every text that
comes from the log is escaped.
"""

from __future__ import annotations

import html
from typing import Any

from godelmachine.cli import report

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
table.header td { padding: 0.1em 1em 0.1em 0; vertical-align: top; }
pre, code { font: 13px/1.4 ui-monospace, monospace; } pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
pre.diff span { display: block; } pre.diff .add { color: #1a7f37; background: #e6ffec; }
pre.diff .del { color: #cf222e; background: #ffebe9; }
ol.derivation li { font: 12px/1.4 ui-monospace, monospace; margin-bottom: 0.3em; overflow-wrap: anywhere; }
.assumed { color: #9a6700; font-weight: bold; } .refused { color: #cf222e; } .muted { color: #666; }
section.switch { margin-bottom: 2.5em; } details summary { cursor: pointer; font-weight: bold; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
"""


def e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def render(records: list[dict[str, Any]], log_name: str, axioms: Any, chart_svg: str | None) -> str:
    """The page for a log's records; `axioms` is the run's axiom set (to place each axiom in
    its file), `chart_svg` the reward chart (None: no chart)."""
    header = report.header_of(records, log_name)
    end = records[-1] if records[-1].get("type") == "end" else None
    switches = report.switches_of(records)
    law = axioms.distributions.get("instance") if axioms is not None else None
    variables = [name for name, _ in law.variables] if law else []
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<title>{e(header['task'])}: a Gödel machine run</title><style>{STYLE}</style></head><body>",
             f"<h1>{e(header['task'])}: seed {e(header['seed'])}, {int(header['lifetime']):,} steps</h1>",
             header_table(header, end, len(switches))]
    if chart_svg:
        parts.append(f"<figure id=\"chart\">{chart_svg}<figcaption class=\"muted\">Cumulative reward against the "
                     "clock; each dashed line is a switch, numbered as below.</figcaption></figure>")
    parts.append(f"<h2>Switches ({len(switches)})</h2>" if switches else "<h2>No switch</h2>")
    for record in switches:
        parts.append(switch_section(record, records, axioms, variables))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def header_table(header: dict[str, Any], end: dict[str, Any] | None, switches: int) -> str:
    rows = [("task", f"{header['task']} ({header['task_file']})"), ("seed", header["seed"]),
            ("lifetime", f"{int(header['lifetime']):,} steps"), ("search share at the start", header["share"]),
            ("mode", header["mode"] + (" (UNSOUND: switches without proofs)" if header["mode"] == "empirical" else "")),
            ("godelmachine / z3", f"{header['version']} / {header['z3']}"),
            ("axiom files", ", ".join(header.get("axiom_files", {})) or "none")]
    if end is not None:
        rows += [("reward", f"{end['reward']:,} over {end['instances']:,} instances"),
                 ("switches", f"{switches}, the first at clock {end['first_switch']:,}" if end["first_switch"] else "none"),
                 ("refused candidates", ", ".join(f"{k} {v}" for k, v in sorted(end["refusals"].items())) or "none")]
    else:
        rows.append(("end", "the log has no end record: the run did not finish"))
    cells = "".join(f"<tr><td class=\"muted\">{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows)
    return f"<table class=\"header\">{cells}</table>"


def switch_section(record: dict[str, Any], records: list[dict[str, Any]], axioms: Any, variables: list[str]) -> str:
    n = record["n"]
    proved = record.get("accepted") == "proof"
    out = [f"<section class=\"switch\" id=\"switch-{n}\"><h3>Switch {n} at clock {record['clock']:,}: "
           f"{e(record['summary'])}</h3>",
           f"<p>Found by <code>{e(record['technique'])}</code>; accepted by "
           f"{'a proof' if proved else '<span class=refused>an empirical sample, without a proof</span>'}.</p>"]
    out.append(f"<pre class=\"diff\">{diff_html(record)}</pre>")
    if proved:
        labels = report.program_labels(record)
        utility = record.get("utility") or {}
        if utility.get("switch") is not None:
            out.append(f"<p>Expected reward from here, as the proof bounds it: switch ≥ {e(utility['switch'])}, "
                       f"no switch ≤ {e(utility['no_switch'])}.</p>")
        out.append(f"<p>Target theorem (<code>before</code> and <code>after</code> are the solver before and after "
                   f"the switch):</p><pre class=\"target\">{e(report.relabel(record['target_theorem'], labels))}</pre>")
        steps = report.derivation_steps(record["certificate"])
        items = "".join(
            f"<li value=\"{s['n']}\"><b>{e(s['rule'])}</b>"
            + (f" from {', '.join(map(str, s['premises']))}" if s["premises"] else "")
            + (f" {{{e(', '.join(s['axioms']))}}}" if s["axioms"] else "")
            + f": {e(report.relabel(s['statement'], labels))}</li>" for s in steps)
        out.append(f"<details class=\"derivation\"><summary>Derivation: {len(steps)} steps, each once, premises by "
                   f"number</summary><ol class=\"derivation\">{items}</ol></details>")
        out.append(axioms_html(record, axioms))
    rivals = report.refuted_examples(records, n)
    if rivals:
        items = "".join(
            f"<li><code>{e(r['candidate'])}</code> [{e(r['technique'])}]: <span class=refused>{e(r['status'])}</span> "
            f"by {e(r['rule'])}: {e(r['reason'])}"
            + (f"<br>counterexample: <code>{e(report.counterexample_text(r['counterexample'], variables))}</code>"
               if r["counterexample"] else "") + "</li>" for r in rivals)
        out.append(f"<p>Rivals refused before this switch:</p><ul class=\"rivals\">{items}</ul>")
    out.append("</section>")
    return "\n".join(out)


def diff_html(record: dict[str, Any]) -> str:
    """`log diff`'s text (report.code_diff), each line a coloured block."""
    lines = []
    for line in report.code_diff(record).splitlines():
        kind = "add" if line.startswith("+") and not line.startswith("+++") else \
            "del" if line.startswith("-") and not line.startswith("---") else "same"
        lines.append(f"<span class=\"{kind}\">{e(line)}</span>")
    return "".join(lines) or "(the code is unchanged)"  # each line a block: no newline between them


def axioms_html(record: dict[str, Any], axioms: Any) -> str:
    items = []
    for name in record.get("axioms_used", []):
        origin = report.axiom_origin(axioms, name) if axioms is not None else {"file": None, "line": None, "status": "?", "user": False}
        place = f"{origin['file']}:{origin['line']}" if origin["line"] else str(origin["file"] or "")
        status = origin["status"]
        mark = f"<span class=assumed>{e(status)}</span>" if status == "assumed" else e(status)
        items.append(f"<li><code>{e(name)}</code> {e(place)} ({mark}{', user' if origin['user'] else ''})</li>")
    return f"<p>Axioms it rests on ({len(items)}):</p><ul class=\"axioms\">{''.join(items)}</ul>"
