"""`log plot` (and the chart of `log report`): cumulative reward against the clock, each switch
marked by its number, the unimproved solver's reward beside the machine's, and the solver's
cost per instance below."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from godelmachine.errors import UserError


def baseline_samples(header: dict[str, Any]) -> list[tuple[int, int]]:
    """(clock, reward) of the task's initial solver over the same lifetime, seed and instances,
    with no proof search: the run the machine has to beat (it is run now, on the batch path)."""
    from godelmachine.machine.axiom_set import task_of
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.records import read_records

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "baseline.jsonl"
        Machine(task_of(header), seed=header["seed"], lifetime=header["lifetime"], log_path=path, search=False).run()
        return [(0, 0)] + [(r["clock"], r["reward"]) for r in read_records(path) if r["type"] in ("reward", "end")]


def reward_figure(records: list[dict[str, Any]], baseline: list[tuple[int, int]] | None) -> Any:
    """The matplotlib figure of a log (the caller saves and closes it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    header = records[0]
    samples = [r for r in records if r.get("type") in ("reward", "end")]
    if not samples:
        raise UserError("the log has no reward records to plot")
    points = [(0, 0, 0, 0)] + [(r["clock"], r["reward"], r["instances"], r.get("solver_steps")) for r in samples]
    switches = [r for r in records if r.get("type") == "switch"]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, height_ratios=[3, 2])
    millions = FuncFormatter(lambda x, _: f"{x / 1e6:g}")
    thousands = FuncFormatter(lambda y, _: f"{y:,.0f}")
    top.plot([p[0] for p in points], [p[1] for p in points], color="tab:blue", linewidth=2, label="the machine")
    if baseline:
        top.plot([c for c, _ in baseline], [r for _, r in baseline], color="tab:gray", linewidth=1.5, linestyle=":",
                 label="the initial solver alone (no search)")
    top.set_ylabel("cumulative reward")
    top.yaxis.set_major_formatter(thousands)
    top.set_title(f"{header['task']}: seed {header['seed']}, lifetime {header['lifetime']:,} steps, mode {header['mode']}",
                  pad=18)
    top.grid(alpha=0.3)
    for s in switches:
        for axis in (top, bottom):
            axis.axvline(s["clock"], color="tab:red", linestyle="--", linewidth=1,
                         label="a switch (its number above)" if axis is top and s is switches[0] else None)
        top.text(s["clock"], 1.01, str(s["n"]), transform=top.get_xaxis_transform(), ha="center", va="bottom",
                 fontsize=9, color="tab:red", fontweight="bold")
    top.legend(loc="upper left", fontsize=9)
    # the mean cost of the instances answered between two samples, drawn from the first to the second
    costs = [(a[0], (b[3] - a[3]) / (b[2] - a[2])) for a, b in zip(points, points[1:])
             if a[3] is not None and b[3] is not None and b[2] > a[2]]
    if costs:
        bottom.step([c[0] for c in costs] + [points[-1][0]], [c[1] for c in costs] + [costs[-1][1]], where="post",
                    color="tab:green")
        bottom.set_yscale("log")
        bottom.yaxis.set_major_formatter(thousands)  # 40, not 4 x 10^1
        bottom.yaxis.set_minor_formatter(thousands)
    bottom.set_ylabel("solver steps per instance")
    bottom.set_xlabel("clock (millions of steps)")
    bottom.xaxis.set_major_formatter(millions)
    bottom.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_log(records: list[dict[str, Any]], output: Path, baseline: bool = True) -> None:
    import matplotlib.pyplot as plt

    figure = reward_figure(records, baseline_samples(records[0]) if baseline else None)
    try:
        figure.savefig(output, dpi=100)
    except (OSError, ValueError) as exc:
        raise UserError(f"{output}: cannot write the plot ({exc})") from None
    finally:
        plt.close(figure)


def svg_of(records: list[dict[str, Any]], baseline: list[tuple[int, int]] | None) -> str:
    """The chart as inline SVG text (for the HTML report)."""
    import matplotlib.pyplot as plt

    figure = reward_figure(records, baseline)
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg")
    finally:
        plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # without the XML prologue and doctype
