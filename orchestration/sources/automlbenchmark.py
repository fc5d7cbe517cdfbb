"""OpenML AutoML Benchmark, 2019 report (openml/automlbenchmark ``reports/old``) → raw records.

Read: ``tables/{1h,4h,8h}/all_results.csv`` (framework × OpenML task × fold, with acc / auc / logloss) and
``datasets/*/metadata.csv`` (rows, features, classes → dataset descriptions). Not read: ``input/``, the raw runs
the tables were built from (8-core runs, same values under other spellings such as ``H2OAutoML``) plus superseded
(``results_old``, ``results_valid``) and other-hardware (2c/4c) runs; loading them would double count. The other
``tables/`` files are rankings or summaries derived from ``all_results.csv``.

A record is one (time budget, framework, task, metric): the mean over its folds (every fold is a repeat of the
same measurement), so ``read_count`` counts these groups, not fold rows (value_raw lists each group's fold values).
Metrics per task type: acc and auc for binary, acc and logloss for multiclass (logloss lower is better); a value
in a metric that does not belong to the task type is quarantined. A group is quarantined, not averaged, when any
fold is missing or unparseable (failed runs: the reason carries the run's error message), so a mean never hides
failed folds. The budget goes in dataset_config, the fold count in dataset_split; value_raw lists the fold values.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, read_csv_rows

SOURCE = "automlbenchmark"
SOURCE_VERSION = "openml/automlbenchmark@dfe8d21"
ROOT = "automlbenchmark/reports/old"
BUDGETS = ("1h", "4h", "8h")
METRICS = {"acc": True, "auc": True, "logloss": False}  # metric -> higher_is_better
TYPE_METRICS = {"binary": {"acc", "auc"}, "multiclass": {"acc", "logloss"}}


def _tables(snapshot_dir: Path) -> list[Path]:
    return [p for b in BUDGETS if (p := snapshot_dir / ROOT / "tables" / b / "all_results.csv").exists()]


def _metadata_files(snapshot_dir: Path) -> list[Path]:
    return sorted((snapshot_dir / ROOT / "datasets").glob("*/metadata.csv"))


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return _tables(snapshot_dir) + _metadata_files(snapshot_dir)


def _datasets_meta(snapshot_dir: Path) -> dict[str, dict]:
    """OpenML task metadata by task name (lower case) and by task id."""
    meta = {}
    for path in _metadata_files(snapshot_dir):
        _, rows, _ = read_csv_rows(path, str(path))  # side info: bad rows are just absent
        for _, row in rows:
            meta[row.get("task", "")] = meta[row.get("name", "").lower()] = row
    meta.pop("", None)
    return meta


def _dataset_row(task: str, task_type: str, info: dict) -> dict:
    text = f"OpenML AutoML Benchmark task {task} ({task_type} classification)"
    if info:
        imbalance = number(info.get("class_imbalance"))
        text += (
            f": OpenML task {info.get('task')}, dataset {info.get('dataset')} ({info.get('name')}),"
            f" {info.get('nrows')} rows, {info.get('nfeatures')} features, {info.get('nclasses')} classes"
            + (f", class imbalance ratio {imbalance:.2f}" if imbalance is not None else "")
        )
    return {
        "dataset_raw": task,
        "description": text + ".",
        "task_type": f"tabular {task_type} classification",
        "modality": "tabular",
    }


def _failure(folds: list[tuple[str, str, str]], expected: int) -> str | None:
    """Why a group of ``(fold, value, info)`` cannot be averaged, or None."""
    bad = [(f, v, i) for f, v, i in folds if number(v) is None]
    numbers = [f for f, _, _ in folds]
    if len(set(numbers)) != len(numbers):
        return "duplicate fold rows"
    if bad:
        infos = sorted({i.strip() for _, _, i in bad if i.strip()})
        detail = f": {'; '.join(infos)}"[:200] if infos else ""
        return f"{len(bad)} of {len(folds)} folds without a value{detail}"
    if len(folds) < expected:
        return f"only {len(folds)} of {expected} folds reported"
    return None


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    meta = _datasets_meta(snapshot_dir)
    versions: dict[str, set] = defaultdict(set)
    datasets: dict[str, dict] = {}
    for path in _tables(snapshot_dir):
        rel, budget = str(path.relative_to(snapshot_dir)), path.parent.name
        header, rows, bad = read_csv_rows(path, rel)
        out.quarantine += bad
        missing = {"framework", "task", "fold", "type"} - set(header)
        if header and missing:
            out.reject(rel, "header", f"missing column(s) {sorted(missing)}", ",".join(header))
            continue
        groups: dict[tuple, list] = defaultdict(list)  # (framework, task, type, metric) -> [(fold, value, info)]
        lines: dict[tuple, list] = defaultdict(list)
        task_ids: dict[str, str] = {}
        for line, row in rows:
            for metric in (m for m in METRICS if m in row):
                if metric in TYPE_METRICS.get(row["type"], set()) or row[metric].strip():
                    key = (row["framework"], row["task"], row["type"], metric)
                    groups[key].append((row["fold"], row[metric], row.get("info", "")))
                    lines[key].append(line)
            if row["framework"]:
                versions[row["framework"]].update([row["version"]] if row.get("version") else [])
            task_ids[row["task"]] = row.get("id") or task_ids.get(row["task"], "")
        expected = max((len({f for f, _, _ in g}) for g in groups.values()), default=0)
        for key, folds in sorted(groups.items()):
            framework, task, task_type, metric = key
            locator = f"{framework} / {task} / {metric}, lines {min(lines[key])}-{max(lines[key])}"
            folds.sort(key=lambda f: number(f[0]) or 0)
            raw = json.dumps([v for _, v, _ in folds])
            if not framework or not task:
                reason = "missing framework or task name"
            elif metric not in TYPE_METRICS.get(task_type, set()):
                reason = f"{metric} reported for a {task_type or 'untyped'} task"
            else:
                reason = _failure(folds, expected)
            if reason:
                out.reject(rel, locator, reason, raw)
                continue
            mean = sum(number(v) for _, v, _ in folds) / len(folds)
            out.add(
                rel, locator, mean, (budget, framework, task, metric),
                model_raw=framework, dataset_raw=task, dataset_config=budget, value_raw=raw,
                dataset_split=f"test, mean of {len(folds)} outer folds", task_raw=f"tabular {task_type} classification",
                metric_raw=metric, higher_is_better=METRICS[metric],
            )  # fmt: skip
            info = meta.get(task_ids.get(task, "")) or meta.get(task.lower(), {})
            datasets.setdefault(task, _dataset_row(task, task_type, info))
    models = [
        {
            "model_raw": framework,
            "card_text": f"AutoML framework {framework} as run by the OpenML AutoML Benchmark (2019).",
            "tags": json.dumps(["automl"] + sorted(f"version={v}" for v in found)),
        }
        for framework, found in versions.items()
    ]
    return out.batch(models, datasets.values())
