"""timm (pytorch-image-models) ImageNet results.

- ``results/results-<dataset>.csv``: dataset from the file name; metrics ``top1`` and ``top5`` only.
  ``top1_err``/``top5_err`` are exactly ``100 - top1/top5`` and ``*_diff``/``rank_diff`` are deltas to the
  ImageNet file, so they are derived, not separate measurements, and not loaded. 290 models are listed twice
  per file at two test image sizes; the size is part of the record id but not of any record column.
- ``results/model_metadata-in1k.csv``: pretraining data per architecture, as a side-row tag.
- ``model_index_yaml/*.yaml``: Papers-with-Code model-index files (via ``model_index``).
- ``results/benchmarks/*.csv`` are inference throughput measurements (samples/s, step time on one GPU), not
  evaluations on a dataset, and are not read.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.sources.model_index import Entry, dataset_rows, load_index, parse_count, pwc_entries, pwc_model_rows
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows

SOURCE = "timm"
VERSION = "huggingface/pytorch-image-models@aa4b585"
SNAPSHOT_DATE = "2026-08-01"  # upstream commit month; the day is not known
TASK = "Image Classification"
METRICS = ("top1", "top5")


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    root = snapshot_dir / "timm"
    return sorted([*root.glob("results/results-*.csv"), root / "results" / "model_metadata-in1k.csv",
                   *root.glob("model_index_yaml/*.yaml")])


def _results_csv(rows: list[tuple[int, dict]], dataset: str) -> tuple[list[Entry], dict[str, dict]]:
    """Entries for top1/top5 of every row, plus a side row per model (params in absolute count)."""
    entries, models = [], {}
    for line, row in rows:
        model = (row.get("model") or "").strip() or None
        entries += [Entry(model, dataset, m, row.get(m), f"line {line}.{m}", task=TASK, key=(row.get("img_size"),),
                          raw=row) for m in METRICS]
        if model and model not in models:
            params = parse_count((row.get("param_count") or "").replace(",", ""))
            models[model] = {
                "model_raw": model, "params": params * 1e6 if params is not None else None,
                "tags": json.dumps([f"pretrained_tag:{model.split('.', 1)[1]}"] if "." in model else []),
                "card_text": f"timm image classification model {model}; evaluated at image size "
                             f"{row.get('img_size')} (crop_pct {row.get('crop_pct')}, {row.get('interpolation')} "
                             f"interpolation); {row.get('param_count')}M parameters.",
            }
    return entries, models


def read(snapshot_dir: Path) -> SourceBatch:
    root = snapshot_dir / "timm"
    out, models = Collector(SOURCE, VERSION), {}

    def add(entries: list[Entry], rel: str, model_rows) -> None:
        out.add_entries(entries, rel, snapshot_date=SNAPSHOT_DATE)
        for row in model_rows:
            models.setdefault(row["model_raw"], row)

    for path in sorted(root.glob("results/results-*.csv"), key=lambda p: p.name != "results-imagenet.csv"):
        rel = path.relative_to(snapshot_dir).as_posix()
        _, rows, problems = read_csv_rows(path, rel)
        out.quarantine += problems
        entries, model_rows = _results_csv(rows, path.stem.removeprefix("results-"))
        add(entries, rel, model_rows.values())
    for path in sorted(root.glob("model_index_yaml/*.yaml")):
        docs, problems = load_index(path, snapshot_dir)
        out.quarantine += problems
        for rel, doc in docs:
            add(pwc_entries(doc), rel, pwc_model_rows([(rel, doc)]))

    meta_path = root / "results" / "model_metadata-in1k.csv"
    _, meta_rows, _ = read_csv_rows(meta_path, meta_path.relative_to(snapshot_dir).as_posix())  # side info only
    for _, row in meta_rows:
        name, pretrain = (row.get("model") or "").strip(), (row.get("pretrain") or "").strip()
        if name and pretrain:
            side = models.setdefault(name, {"model_raw": name, "tags": "[]"})
            side["tags"] = json.dumps([*json.loads(side["tags"]), f"pretrain:{pretrain}"])
    for side in models.values():
        side["library"] = "timm"
    return out.batch(list(models.values()), dataset_rows(out.records, modality="image"))
