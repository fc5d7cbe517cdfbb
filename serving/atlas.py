"""The atlas: every catalogue model on a 2-D map of the champion's latent space, every benchmarked dataset and every
dataset request beside the models it belongs with, as one self-contained HTML page and a PNG preview.

Models are placed by t-SNE of their latent vectors (the part of a score that depends on the model). PCA was tried
first: on the full snapshot it drew one blob (ten nearest neighbours on the map shared a model's modality 58% of the
time, against 81% in the 64-D latent space), because the directions of largest variance are overall strength,
not kind; t-SNE keeps the neighbourhoods (85% on the map) and so shows the modalities as regions, in about two
minutes for the whole catalogue on two cores (sklearn, already installed; UMAP would add numba). A dataset sits
on the medoid of its five best-evaluated models, a request on the medoid of its Top-K pool (which the page draws
as rings with a line to each member): means of positions fell between regions.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f", "#aec7e8", "#ffbb78")  # the largest groups; the rest and 'unknown' (no records) are grey
REST_COLOUR = "#cccccc"
MAX_FITTED = 40_000  # t-SNE's cost grows with the points: more models are placed by their nearest fitted ones
NEIGHBOURS = 5
PLACED_BY = 5  # a dataset sits at the medoid of its this many best-evaluated models
MIN_BEST_LIST = 5  # a model's "best datasets" come from lists of at least this many models
BEST_SHOWN = 3


@dataclass
class Atlas:
    """``models``: model_id, x, y, modality, task, source_family, family, params, records, best;
    ``datasets``: dataset_id, x, y, modality, task, source_family, records, best;
    ``requests``: name, x, y, pool (model ids, best first)."""

    models: pd.DataFrame
    datasets: pd.DataFrame
    requests: pd.DataFrame


def project(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """2-D positions of ``vectors`` (n, d) by t-SNE on cosine distance, initialised by PCA (so the same vectors draw
    the same map). Beyond MAX_FITTED rows t-SNE is fitted on a random MAX_FITTED of them and every other row sits at
    the mean position of its NEIGHBOURS nearest fitted rows."""
    from sklearn.manifold import TSNE
    from sklearn.neighbors import NearestNeighbors

    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    fitted = np.arange(len(unit))
    if len(unit) > MAX_FITTED:
        fitted = np.sort(np.random.default_rng(seed).choice(len(unit), MAX_FITTED, replace=False))
    perplexity = float(min(30, max(2, (len(fitted) - 1) // 3)))
    xy = np.zeros((len(unit), 2))
    xy[fitted] = TSNE(2, perplexity=perplexity, init="pca", max_iter=500, metric="cosine", random_state=seed,
                      n_jobs=2).fit_transform(unit[fitted])
    rest = np.setdiff1d(np.arange(len(unit)), fitted)
    if len(rest):
        _, near = NearestNeighbors(n_neighbors=NEIGHBOURS).fit(unit[fitted]).kneighbors(unit[rest])
        xy[rest] = xy[fitted][near].mean(1)
    return xy


def medoids(xy: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per row of ``members`` (model rows, -1 = none), the position of the member closest in sum to the others:
    a dataset or a request sits on one of its best models, never in the empty space between two regions."""
    points = np.where((members >= 0)[..., None], xy[np.maximum(members, 0)], np.nan)
    spread = np.nansum(np.linalg.norm(points[:, :, None] - points[:, None], axis=-1), axis=2)
    spread[members < 0] = np.inf
    return points[np.arange(len(members)), spread.argmin(1)]


def _dominant(codes: np.ndarray, owners: np.ndarray, n_owners: int, names: list[str]) -> np.ndarray:
    """Per owner, the name of its most frequent code ('unknown' for an owner without rows)."""
    out = np.full(n_owners, "unknown", dtype=object)
    if len(codes):
        table = pd.DataFrame({"owner": owners, "code": codes}).value_counts().reset_index()
        top = table.drop_duplicates("owner")  # value_counts sorts by count, descending
        out[top["owner"].to_numpy()] = np.array(names, dtype=object)[top["code"].to_numpy()]
    return out


def _best(owners: np.ndarray, others: np.ndarray, z: np.ndarray, n_owners: int, names: list[str]) -> list[str]:
    """Per owner, the BEST_SHOWN distinct ``names`` of its highest-z rows, '; '-joined."""
    frame = pd.DataFrame({"owner": owners, "name": np.array(names, dtype=object)[others], "z": z})
    frame = frame.sort_values(["owner", "z"], ascending=[True, False]).drop_duplicates(["owner", "name"])
    top = frame.groupby("owner").head(BEST_SHOWN).groupby("owner")["name"].agg("; ".join)
    out = [""] * n_owners
    for owner, text in top.items():
        out[owner] = text
    return out


def build_atlas(ranker, queries: list[dict] = (), k: int = 10) -> Atlas:
    """The map of ``ranker``'s catalogue, and a marker per query (a dataset request) with its Top-K pool."""
    ev, cat = ranker.evidence, ranker.catalogue
    if ev is None:
        raise ValueError("the atlas needs a ranker with its evidence index (trained by this project)")
    xy = project(ranker.latent_vectors.astype(np.float64))
    datasets = cat.datasets
    vocab = cat.vocabs
    record_dataset = ev.list_dataset[ev.list_rows]
    n_models, n_datasets = len(ranker.model_ids), len(datasets)
    modality_of = datasets["modality_idx"].to_numpy()[record_dataset]
    task_of = datasets["task_idx"].to_numpy()[record_dataset]
    families = sorted(set(datasets["source_family"]))
    family_code = pd.Categorical(datasets["source_family"], categories=families).codes[record_dataset]
    model_family = np.array(vocab["family"], dtype=object)[cat.models["family_idx"].to_numpy()]
    models = pd.DataFrame({
        "model_id": ranker.model_ids, "x": xy[:, 0], "y": xy[:, 1],
        "modality": _dominant(modality_of, ev.model_rows, n_models, vocab["modality"]),
        "task": _dominant(task_of, ev.model_rows, n_models, vocab["task"]),
        "source_family": _dominant(family_code, ev.model_rows, n_models, families),
        "family": model_family,
        "params": cat.models["params"].to_numpy(float) if "params" in cat.models.columns else np.nan,
        "records": np.bincount(ev.model_rows, minlength=n_models),
    })
    big = ev.list_size[ev.list_rows] >= MIN_BEST_LIST
    models["best"] = _best(ev.model_rows[big], record_dataset[big], ev.z[big], n_models,
                           datasets["dataset_id"].tolist())
    order = np.lexsort((-ev.z, record_dataset))  # each dataset's records, best first
    first = np.r_[0, np.flatnonzero(np.diff(record_dataset[order])) + 1]
    rank_in = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    top = order[rank_in < PLACED_BY]
    members = np.full((n_datasets, PLACED_BY), -1)
    members[record_dataset[top], rank_in[rank_in < PLACED_BY]] = ev.model_rows[top]
    placed = members[:, 0] >= 0
    dxy = np.full((n_datasets, 2), np.nan)
    dxy[placed] = medoids(xy, members[placed])
    table = pd.DataFrame({
        "dataset_id": datasets["dataset_id"].to_numpy(), "x": dxy[:, 0], "y": dxy[:, 1],
        "modality": np.array(vocab["modality"], dtype=object)[datasets["modality_idx"].to_numpy()],
        "task": np.array(vocab["task"], dtype=object)[datasets["task_idx"].to_numpy()],
        "source_family": datasets["source_family"].to_numpy(),
        "records": np.bincount(record_dataset, minlength=n_datasets),
        "best": _best(record_dataset, ev.model_rows, ev.z, n_datasets, ranker.model_ids),
    })[placed].reset_index(drop=True)
    rows = {m: i for i, m in enumerate(ranker.model_ids)}
    requests = []
    for query in queries:
        pool = [m for m, _ in ranker.rank(query, k=k)]
        where = np.array([[rows[m] for m in pool if m in rows] or [-1]])
        centre = medoids(xy, where)[0] if where[0, 0] >= 0 else np.zeros(2)
        requests.append({"name": query.dataset, "x": centre[0], "y": centre[1],
                         "pool": pool})
    return Atlas(models, table, pd.DataFrame(requests, columns=["name", "x", "y", "pool"]))


def _columns(frame: pd.DataFrame) -> dict:
    """A frame as {column: list}, floats rounded (the page's size), NaN as null."""
    out = {}
    for name in frame.columns:
        values = frame[name]
        if values.dtype.kind == "f":
            out[name] = [None if not np.isfinite(v) else round(float(v), 4) for v in values]
        elif values.dtype.kind in "iu":
            out[name] = [int(v) for v in values]
        else:
            out[name] = [v if isinstance(v, list) else str(v) for v in values]
    return out


def atlas_html(atlas: Atlas, title: str = "ModelLens atlas") -> str:
    """The page: plotly.js inlined (no remote resource), the points as JSON, the page's own script."""
    from plotly.offline import get_plotlyjs

    data = {"models": _columns(atlas.models), "datasets": _columns(atlas.datasets),
            "requests": _columns(atlas.requests), "palette": PALETTE, "rest": REST_COLOUR}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    script = (Path(__file__).with_name("atlas.js")).read_text(encoding="utf-8")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style><script>{get_plotlyjs()}</script></head><body>"
            f"<div id='bar'><b>{html.escape(title)}</b> <label>colour by <select id='colour'>"
            "<option value='modality'>modality</option><option value='task'>task</option>"
            "<option value='source_family'>source family</option></select></label> "
            "<label><input type='checkbox' id='show-datasets' checked> datasets</label> "
            "<input id='search' placeholder='find a model or dataset' size='40'><div id='hits'></div></div>"
            f"<div id='map'></div><script id='atlas-data' type='application/json'>{payload}</script>"
            f"<script>{script}</script></body></html>")


_STYLE = ("body{margin:0;font:13px sans-serif}#bar{padding:6px 10px;border-bottom:1px solid #ddd}"
          "#map{width:100vw;height:calc(100vh - 42px)}#hits{position:absolute;z-index:10;background:#fff;"
          "border:1px solid #ccc;max-height:300px;overflow:auto}#hits div{padding:2px 6px;cursor:pointer}"
          "#hits:empty{display:none}#hits div:hover{background:#eef}")


def write_png(atlas: Atlas, path: Path, colour: str = "modality") -> Path:
    """A static preview: models coloured by ``colour`` (the 12 largest groups, the rest grey), datasets as
    small diamonds, requests as stars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 8), dpi=100)
    for name, mask, colour_of in _top_groups(atlas.models[colour]):
        part = atlas.models[mask]
        ax.scatter(part["x"], part["y"], s=2 + 2 * np.log1p(part["records"]), alpha=0.5, linewidths=0,
                   color=colour_of, label=f"{name} ({mask.sum()})")
    ax.scatter(atlas.datasets["x"], atlas.datasets["y"], s=5, marker="D", color="black", alpha=0.15,
               linewidths=0, label=f"datasets ({len(atlas.datasets)})")
    if len(atlas.requests):
        ax.scatter(atlas.requests["x"], atlas.requests["y"], s=220, marker="*", color="crimson",
                   edgecolors="black", label="dataset requests")
    ax.set_title(f"ModelLens atlas: {len(atlas.models)} models by {colour.replace('_', ' ')}")
    legend = ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False)
    for handle in legend.legend_handles:
        handle.set_sizes([40])
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _top_groups(values: pd.Series) -> list[tuple[str, np.ndarray, str]]:
    """(name, mask, colour) of the len(PALETTE) largest groups of ``values`` but 'unknown', largest first, then of
    'other' (the rest) and 'unknown', both grey: the page's own grouping (atlas.js)."""
    counts = values[values != "unknown"].value_counts()
    top = list(counts.index[: len(PALETTE)])
    groups = [(str(v), (values == v).to_numpy(), PALETTE[i]) for i, v in enumerate(top)]
    rest = (~values.isin(top) & (values != "unknown")).to_numpy()
    unknown = (values == "unknown").to_numpy()
    return groups + [(name, mask, REST_COLOUR) for name, mask in (("other", rest), ("unknown", unknown)) if mask.any()]


def write_atlas(atlas: Atlas, html_path: Path, png_path: Path | None = None) -> tuple[Path, Path | None]:
    """Write the page (atomically: a half-written page never replaces a good one) and, if asked, the preview."""
    html_path.parent.mkdir(parents=True, exist_ok=True)
    partial = html_path.with_name(html_path.name + ".partial")
    partial.write_text(atlas_html(atlas), encoding="utf-8")
    partial.replace(html_path)
    return html_path, write_png(atlas, png_path) if png_path is not None else None
