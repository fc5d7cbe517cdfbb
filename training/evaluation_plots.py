"""Plots of an evaluation: per split, the methods side by side on each headline metric, mean ± std over seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

PLOTTED = ("wtau", "ndcg@10", "relevant@10", "recall@100", "best@10")


def plot_split(summary: pd.DataFrame, split: str, path: Path, family: str = "all") -> Path | None:
    """Grouped bars (one group per metric, one bar per method) with std error bars; None when nothing to plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    part = summary[(summary["split"] == split) & (summary["family"] == family) & summary["metric"].isin(PLOTTED)]
    if part.empty:
        return None
    metrics = [m for m in PLOTTED if m in set(part["metric"])]
    methods = list(dict.fromkeys(part["method"]))
    width = 0.8 / len(methods)
    fig, ax = plt.subplots(figsize=(2 + 1.6 * len(metrics), 4.5), dpi=100)
    for i, method in enumerate(methods):
        rows = part[part["method"] == method].set_index("metric").reindex(metrics)
        ax.bar(np.arange(len(metrics)) + (i - (len(methods) - 1) / 2) * width, rows["mean"], width,
               yerr=rows["std"].fillna(0), capsize=3, label=method)
    ax.set_xticks(np.arange(len(metrics)), metrics)
    ax.set_ylim(min(0.0, float(part["mean"].min()) - 0.05), 1.0)
    ax.set_title(f"{split} ({family} families): mean ± std over seeds")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_evaluation(summary: pd.DataFrame, markdown: Path) -> list[Path]:
    """One PNG per split next to the markdown report: ``<report>.<split>.png``."""
    plots = [plot_split(summary, split, markdown.with_name(f"{markdown.stem}.{split}.png"))
             for split in dict.fromkeys(summary["split"])]
    return [p for p in plots if p is not None]
