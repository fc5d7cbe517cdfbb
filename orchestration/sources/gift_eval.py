"""GIFT-Eval time-series forecasting results (SalesforceAIResearch/gift-eval) → raw records.

A record is one ``eval_metrics/*`` cell of ``results/<model>/all_results.csv`` (one file is spelled
``all-results.csv``): dataset_raw as found (``"m4_hourly/H/short"``), dataset_config the ``"<freq>/<term>"`` part.
Every metric (MSE, MAE, MASE, MAPE, sMAPE, MSIS, RMSE, NRMSE, ND, CRPS = mean_weighted_sum_quantile_loss ...) is
an error: higher_is_better=False. Other columns (domain, num_variates, fine-tuning bookkeeping, ``insample_error``)
are not metrics. model_raw is the results folder name: it identifies the submission, while the CSV ``model``
column is not stable within one file; ``config.json`` (display name, type, org, test-data leakage) feeds the
models side table, ``notebooks/dataset_properties.json`` (domain, frequency, variates) the datasets side table.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows, read_json

SOURCE = "gift_eval"
SOURCE_VERSION = "SalesforceAIResearch/gift-eval@4fd98a9"
FOLDER = "gift_eval"
RESULT_NAMES = ("all_results.csv", "all-results.csv")
PROPERTIES = "notebooks/dataset_properties.json"
METRIC_PREFIX = "eval_metrics/"
TERMS = {"short", "medium", "long"}


def _result_csv(model_dir: Path) -> Path | None:
    return next((model_dir / n for n in RESULT_NAMES if (model_dir / n).exists()), None)


def _model_dirs(snapshot_dir: Path) -> list[Path]:
    results = snapshot_dir / FOLDER / "results"
    return sorted(p for p in results.iterdir() if p.is_dir()) if results.is_dir() else []


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    files = [snapshot_dir / FOLDER / PROPERTIES]
    for model_dir in _model_dirs(snapshot_dir):
        files += [_result_csv(model_dir), model_dir / "config.json"]
    return [f for f in files if f is not None and f.exists()]


def _load_json(path: Path) -> dict:
    """A JSON object, or {} when missing or malformed (side information only: not quarantined)."""
    data, _ = read_json(path, str(path))
    return data if isinstance(data, dict) else {}


def _model_row(name: str, config: dict) -> dict:
    keys = ("model_type", "model_dtype", "testdata_leakage", "replication_code_available")
    tags = ["gift_eval"] + [f"{k}={config[k]}" for k in keys if config.get(k)]
    card = [f"GIFT-Eval submission {config.get('model', name)!r}"]
    card += [f"{k.replace('_', ' ')}: {config[k]}" for k in (*keys, "org", "model_link", "code_link") if config.get(k)]
    return {
        "model_raw": name,
        "card_text": "; ".join(card) + "." if config else None,
        "tags": json.dumps(tags),
        "pipeline_tag": "time-series-forecasting",
        "organization": config.get("org"),
    }


def _dataset_row(dataset: str, config: str | None, row: dict, props: dict) -> dict:
    base = dataset.split("/")[0]
    info = props.get(base) if isinstance(props.get(base), dict) else {}
    domain = row.get("domain") or info.get("domain")
    variates = row.get("num_variates") or info.get("num_variates")
    text = [f"GIFT-Eval time-series forecasting dataset {base}"]
    if config:
        freq, term = config.split("/")
        text.append(f"frequency {freq}, {term}-term horizon")
    text += [f"domain {domain}"] if domain else []
    text += [f"{variates} variate(s)"] if variates not in (None, "") else []
    return {
        "dataset_raw": dataset,
        "description": "; ".join(text) + ".",
        "task_type": "time-series forecasting",
        "modality": "time-series",
        "domains": json.dumps([domain] if domain else []),
    }


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    props = _load_json(snapshot_dir / FOLDER / PROPERTIES)
    models, datasets = [], {}
    for model_dir in _model_dirs(snapshot_dir):
        model, csv_path = model_dir.name, _result_csv(model_dir)
        if csv_path is None:
            out.reject(f"{FOLDER}/results/{model}", "folder", "no all_results.csv in results folder")
            continue
        rel = str(csv_path.relative_to(snapshot_dir))
        header, rows, bad = read_csv_rows(csv_path, rel)
        out.quarantine += bad
        if header and "dataset" not in header:
            out.reject(rel, "header", "missing 'dataset' column", ",".join(header))
            continue
        metrics = [c for c in header if c.startswith(METRIC_PREFIX)]
        for line, row in rows:
            dataset = row["dataset"].strip()
            if not dataset:
                out.reject(rel, f"line {line}", "missing dataset name", ",".join(row.values()))
                continue
            parts = dataset.split("/")
            config = "/".join(parts[1:]) if len(parts) == 3 and parts[2] in TERMS else None
            for metric in metrics:
                out.add(
                    rel, f"line {line}, column {metric!r}", row[metric], (dataset, metric),
                    model_raw=model, dataset_raw=dataset, dataset_config=config, dataset_split="test",
                    task_raw="time-series forecasting", metric_raw=metric, higher_is_better=False,
                )  # fmt: skip
            if dataset not in datasets:
                datasets[dataset] = _dataset_row(dataset, config, row, props)
        models.append(_model_row(model, _load_json(model_dir / "config.json")))
    return out.batch(models, datasets.values())
