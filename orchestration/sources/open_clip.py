"""open_clip zero-shot results (mlfoundations/open_clip ``docs/*.csv``) → raw records.

Files and what a record is (one metric cell of one model row; model_raw = ``"<arch>::<pretrained>"``):
- ``openclip_results.csv``: 38 benchmarks, one main score each (accuracy / recall / jaccard as CLIP_benchmark
  reports it), metric_raw ``"main metric"``.
- ``openclip_retrieval_results.csv``: ``"<Dataset> <metric>"`` columns (Flickr / MSCOCO R@k, WinoGAViL jaccard).
- ``openclip_multilingual_retrieval_results.csv``: ``"<dataset> <metric> <lang>"``; the language (or ``avg``
  over languages) goes in dataset_config.
- ``model_profile.csv``: per architecture params and GFLOPs → models side table only.
``openclip_classification_results.csv`` is not read: it is an exact subset of ``openclip_results.csv`` (same
models and values, minus the three retrieval benchmarks). Averages over benchmarks ("Average perf. on 38
datasets", "Average score", "avg") are quarantined as aggregates. params / FLOPs columns feed the models table.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, read_csv_rows

SOURCE = "open_clip"
SOURCE_VERSION = "mlfoundations/open_clip@89fb801"
FOLDER = "open_clip"
PROFILE = "model_profile.csv"
RETRIEVAL_DATASETS = {"Flickr", "MSCOCO", "WinoGAViL", "crossmodal3600", "multilingual_mscoco_captions"}
SIDE_COLUMNS = {"params (M)", "FLOPs (B)"}
AGGREGATE = "aggregate over benchmarks, not a dataset result"


def _main_column(col: str) -> tuple[str, str | None, str] | None:
    return None if col.startswith("Average") else (col, None, "main metric")


def _retrieval_column(col: str) -> tuple[str, str | None, str] | None:
    dataset, _, metric = col.partition(" ")
    return None if col.startswith("Average") or not metric else (dataset, None, metric)


def _multilingual_column(col: str) -> tuple[str, str | None, str] | None:
    parts = col.split(" ")
    return (parts[0], parts[2], parts[1]) if len(parts) == 3 else None


TABLES = {  # file -> (arch column, pretrained column, column -> (dataset, config, metric) or None = aggregate)
    "openclip_results.csv": ("name", "pretrained", _main_column),
    "openclip_retrieval_results.csv": ("name", "pretrained", _retrieval_column),
    "openclip_multilingual_retrieval_results.csv": ("model", "version", _multilingual_column),
}


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [snapshot_dir / FOLDER / name for name in (*TABLES, PROFILE) if (snapshot_dir / FOLDER / name).exists()]


def _profiles(snapshot_dir: Path) -> dict[str, dict]:
    path = snapshot_dir / FOLDER / PROFILE
    if not path.exists():
        return {}
    _, rows, _ = read_csv_rows(path, PROFILE)  # side info: bad rows are just absent
    return {row["model"]: row for _, row in rows if row.get("model")}


def _model_row(model: str, arch: str, pretrained: str, params_m: float | None, profile: dict) -> dict:
    params_m = params_m if params_m is not None else number(profile.get("mparams"))
    gflops = number(profile.get("gflops"))
    tags = ["open_clip", f"arch={arch}", f"pretrained={pretrained}"]
    details = []
    if gflops is not None:
        tags.append(f"gflops={gflops:g}")
        details.append(f"{gflops:g} GFLOPs")
    if profile.get("image_size"):
        details.append(f"image size {profile['image_size']}")
    if profile.get("embed_dim"):
        details.append(f"embedding dim {profile['embed_dim']}")
    card = f"OpenCLIP image-text model, architecture {arch}, pretrained weights {pretrained}"
    finetuned_from = pretrained.removeprefix("mscoco_finetuned_")
    return {
        "model_raw": model,
        "card_text": card + (f" ({', '.join(details)})." if details else "."),
        "tags": json.dumps(tags),
        "library": "open_clip",
        "pipeline_tag": "zero-shot-image-classification",
        "base_model": f"{arch}::{finetuned_from}" if finetuned_from != pretrained else None,
        "params": params_m * 1e6 if params_m is not None else None,
    }


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    profiles = _profiles(snapshot_dir)
    models: dict[str, dict] = {}
    datasets: dict[str, dict] = {}
    for name, (arch_col, pre_col, parse_column) in TABLES.items():
        path, rel = snapshot_dir / FOLDER / name, f"{FOLDER}/{name}"
        if not path.exists():
            continue
        header, rows, bad = read_csv_rows(path, rel)
        out.quarantine += bad
        if header and not {arch_col, pre_col} <= set(header):
            out.reject(rel, "header", f"missing key column {arch_col!r} or {pre_col!r}", ",".join(header))
            continue
        metric_cols = [c for c in header if c not in {arch_col, pre_col, *SIDE_COLUMNS}]
        for line, row in rows:
            arch, pretrained = row[arch_col].strip(), row[pre_col].strip()
            if not arch:
                out.reject(rel, f"line {line}", "missing model name", ",".join(row.values()))
                continue
            model = f"{arch}::{pretrained}"
            for col in metric_cols:
                target = parse_column(col)
                if target is None:
                    out.reject(rel, f"line {line}, column {col!r}", AGGREGATE, row[col])
                    continue
                dataset, config, metric = target
                retrieval = dataset in RETRIEVAL_DATASETS
                out.add(
                    rel, f"line {line}, column {col!r}", row[col], (model, col),
                    model_raw=model, dataset_raw=dataset, dataset_config=config, dataset_split="test",
                    task_raw="zero-shot retrieval" if retrieval else "zero-shot classification",
                    metric_raw=metric, higher_is_better=True,
                )  # fmt: skip
                datasets.setdefault(dataset, {
                    "dataset_raw": dataset,
                    "task_type": "zero-shot image-text retrieval" if retrieval else "zero-shot image classification",
                    "modality": "image-text",
                })  # fmt: skip
            params_m = number(row.get("params (M)"))
            if model not in models or (params_m is not None and models[model]["params"] is None):
                models[model] = _model_row(model, arch, pretrained, params_m, profiles.get(arch, {}))
    return out.batch(models.values(), datasets.values())
