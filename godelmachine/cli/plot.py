"""`log plot`: cumulative reward against the clock, switches marked, solver cost per instance below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from godelmachine.errors import UserError


def plot_log(records: list[dict[str, Any]], output: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    header = records[0]
    samples = [r for r in records if r.get("type") in ("reward", "end")]
    if not samples:
        raise UserError(f"{output}: the log has no reward records to plot")
    points = [(0, 0, 0, 0)] + [(r["clock"], r["reward"], r["instances"], r.get("solver_steps")) for r in samples]
    switches = [r for r in records if r.get("type") == "switch"]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, height_ratios=[3, 2])
    top.plot([p[0] for p in points], [p[1] for p in points], color="tab:blue", linewidth=2)
    top.set_ylabel("cumulative reward")
    top.set_title(f"{header['task']}: seed {header['seed']}, lifetime {header['lifetime']:,} steps, "
                  f"mode {header['mode']}")
    top.grid(alpha=0.3)
    for s in switches:
        for axis in (top, bottom):
            axis.axvline(s["clock"], color="tab:red", linestyle="--", linewidth=1)
        label = f"{s['n']}: {s['summary'][:40]}"
        top.annotate(label, (s["clock"], top.get_ylim()[1]), rotation=90, va="top", ha="right", fontsize=8,
                     color="tab:red")
    costs = [((a[0] + b[0]) / 2, (b[3] - a[3]) / (b[2] - a[2])) for a, b in zip(points, points[1:])
             if a[3] is not None and b[3] is not None and b[2] > a[2]]
    if costs:
        bottom.step([c[0] for c in costs], [c[1] for c in costs], where="mid", color="tab:green")
        bottom.set_yscale("log")
    bottom.set_ylabel("solver steps per instance")
    bottom.set_xlabel("clock (steps)")
    bottom.grid(alpha=0.3)
    figure.tight_layout()
    try:
        figure.savefig(output, dpi=100)
    except (OSError, ValueError) as exc:
        raise UserError(f"{output}: cannot write the plot ({exc})") from None
    finally:
        plt.close(figure)
