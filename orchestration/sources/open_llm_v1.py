"""Open LLM Leaderboard v1 snapshots: ``open_llm_leaderboard_v1/assets/<YYYYMMDD>/<YYYYMMDD>.csv``.

One record per model row × benchmark (ARC, HellaSwag, MMLU, TruthfulQA), headers matched loosely
("ARC (25-shot)", "ARC(25-shot)", "arc_challenge" ...); the shot count in the header becomes
``dataset_config``. Metrics are the leaderboard's documented ones (acc_norm, acc_norm, acc, mc2), values in
percent. Average, Parameters (a per-snapshot relative size, not a count), URL are side info, not records.
``snapshot_date`` is the folder date (dedup keeps the latest).

Other formats in the folder: ``data/<date>.json`` are the same 17 snapshots as header-less positional arrays
(rows of 6 or 7 fields, some with a value missing, so positions are ambiguous): not read, the CSVs are.
``data/20231031/<size>.json`` are per-size top lists of the 20231031 leaderboard holding ~200 models the
20231031 CSV lacks: read, with the size bucket as a model tag; the rows of models already in that CSV are
quarantined (the same leaderboard on the same day: loading them would double count).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from .records import SourceBatch
from .tables import Collector, read_bytes, read_csv_bytes, read_json

SOURCE = "open_llm_leaderboard_v1"
ROOT = "open_llm_leaderboard_v1"
# dataset_raw: (metric, header prefixes after lower-casing and dropping non-alphanumerics, default shots)
BENCHMARKS = {
    "ARC": ("acc_norm", ("arc", "ai2reasoningchallenge"), "25-shot"),
    "HellaSwag": ("acc_norm", ("hellaswag",), "10-shot"),
    "MMLU": ("acc", ("mmlu",), "5-shot"),
    "TruthfulQA": ("mc2", ("truthfulqa",), "0-shot"),
}
DESCRIPTIONS = {
    "ARC": "AI2 Reasoning Challenge: grade-school science multiple-choice questions.",
    "HellaSwag": "HellaSwag: commonsense inference, choosing the most plausible continuation of a scene.",
    "MMLU": "MMLU: multiple-choice questions over 57 subjects (STEM, humanities, social sciences, law ...).",
    "TruthfulQA": "TruthfulQA: whether a model avoids reproducing common human falsehoods.",
}
BUCKET_DATE = "20231031"
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.I | re.S)


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    root = Path(snapshot_dir) / ROOT
    return sorted(root.glob("assets/*/*.csv")) + sorted(root.glob(f"data/{BUCKET_DATE}/*.json"))


def model_id(raw: str) -> str:
    """The model id as shown, without an HTML link around it."""
    match = _LINK.search(raw)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1) if match else raw)).strip()


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def map_columns(columns: list[str]) -> tuple[str | None, dict[str, str], list[str]]:
    """(model column, {benchmark: column}, problems) for one snapshot's header."""
    model = next((c for c in columns if _norm(c) in ("model", "modelname", "name")), None)
    mapping, problems = {}, []
    for bench, (_, prefixes, _) in BENCHMARKS.items():
        hits = [c for c in columns if _norm(c).startswith(prefixes)]
        if len(hits) == 1:
            mapping[bench] = hits[0]
        else:
            problems.append(f"{'no' if not hits else 'ambiguous'} column for {bench} in header {columns}")
    return model, mapping, problems


def _add_cells(out: Collector, frame: pd.DataFrame, mapping: dict[str, str], rel: str, date: str,
               shots: dict[str, str]) -> None:
    """Records or quarantine rows from a frame with ``model``, ``where`` (locator) and benchmark columns."""
    not_model = ((frame["model"] == "") | (frame["model"].str.lower() == "baseline")).to_numpy()
    cells = frame[~not_model]
    for bench, column in mapping.items():
        for where, model in zip(frame["where"][not_model], frame["model"][not_model]):
            out.reject(rel, f"{where}, {column}", "not a model: empty name or the leaderboard's baseline row", model)
        out.add_frame(pd.DataFrame({
            "model_raw": cells["model"], "where": cells["where"], "locator": cells["where"] + f", {column}",
            "value_raw": cells[column], "dataset_raw": bench, "dataset_config": shots[bench],
            "metric_raw": BENCHMARKS[bench][0], "higher_is_better": True, "source_version": date,
            "snapshot_date": f"{date[:4]}-{date[4:6]}-{date[6:]}",
        }), rel, ["where", "dataset_raw"], locator="{locator}", context="{value_raw}")  # fmt: skip


def _shots(column: str, bench: str) -> str:
    match = re.search(r"(\d+)\s*-?\s*shot", column, re.I)
    return f"{match.group(1)}-shot" if match else BENCHMARKS[bench][2]


def read_snapshot_csv(out: Collector, path: Path, rel: str, date: str) -> set[str]:
    """One dated CSV into ``out``; returns the model ids seen."""
    data, bad = read_bytes(path, rel)
    out.quarantine += bad
    if data is None:
        return set()
    df, bad = read_csv_bytes(data, rel)
    out.quarantine += bad
    model_col, mapping, problems = map_columns([c for c in df.columns if c != "line"])
    for problem in problems:
        out.reject(rel, "line 1", problem, list(df.columns))
    if model_col is None:
        out.reject(rel, "line 1", "no model column", list(df.columns))
        return set()
    df["model"] = df[model_col].map(model_id)
    df["where"] = "line " + df["line"].astype(str)
    _add_cells(out, df, mapping, rel, date, {b: _shots(c, b) for b, c in mapping.items()})
    return set(df["model"])


def read_size_bucket(out: Collector, path: Path, rel: str, in_csv: set[str]) -> dict[str, str]:
    """A ``data/20231031/<size>.json`` list of [model, average, arc, hellaswag, mmlu, truthfulqa] rows into
    ``out``; returns {model: size bucket}. Rows of models already in the 20231031 CSV are quarantined."""
    rows, bad = read_json(path, rel)
    out.quarantine += bad
    rows = rows if isinstance(rows, list) else [] if bad else [rows]
    good = []
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == 6 and isinstance(row[0], str)):
            out.reject(rel, f"[{i}]", f"expected [model, average, {', '.join(BENCHMARKS)}]", row)
        elif model_id(row[0]) in in_csv:
            for bench, raw in zip(BENCHMARKS, row[2:]):
                out.reject(rel, f"[{i}], {bench}", f"model already in the {BUCKET_DATE} CSV (same leaderboard day)",
                           raw)
        else:
            good.append([model_id(row[0]), f"[{i}]", *("" if v is None else str(v) for v in row[2:])])
    frame = pd.DataFrame(good, columns=["model", "where", *BENCHMARKS], dtype="string")
    _add_cells(out, frame, {b: b for b in BENCHMARKS}, rel, BUCKET_DATE, {b: s[2] for b, s in BENCHMARKS.items()})
    return dict.fromkeys(frame["model"], path.stem)


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    out = Collector(SOURCE)
    seen, buckets = {}, {}
    for path in snapshot_files(snapshot_dir):
        rel = path.relative_to(snapshot_dir).as_posix()
        if path.suffix == ".csv":
            seen[path.parent.name] = read_snapshot_csv(out, path, rel, path.parent.name)
        else:
            buckets.update(read_size_bucket(out, path, rel, seen.get(BUCKET_DATE, set())))
    models = [{"model_raw": m, "organization": m.split("/")[0] if "/" in m else None,
               "tags": json.dumps([f"size:{buckets[m]}"] if m in buckets else [])}
              for m in sorted(set().union(*(f["model_raw"] for f in out.frames)))]
    datasets = [{"dataset_raw": b, "description": d, "task_type": "multiple-choice question answering",
                 "modality": "text"} for b, d in DESCRIPTIONS.items()]
    return out.batch(models, datasets)
