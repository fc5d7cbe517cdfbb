"""ProteinGym zero-shot DMS benchmarks (OATML-Markslab/ProteinGym ``benchmarks/DMS_zero_shot``) → raw records.

Read: ``<kind>/<metric>/DMS_<kind>_<metric>_DMS_level.csv`` for kind ``substitutions`` / ``indels`` and metric
``Spearman``, ``AUC``, ``MCC``, ``NDCG``, ``Top_recall`` (the metric is named only by the folder and file name). These
files are wide: one row per deep-mutational-scanning assay, one column per model. A record is one (assay, model)
cell: dataset_raw the assay (``DMS ID``, e.g. ``A0A140D2T1_ZIKV_Sourisseau_2019``), dataset_config the kind,
metric_raw the folder's metric, model_raw the column name as found (``ESM2 (650M)``, ``Tranception L no
retrieval``; not hub ids), all higher is better (Spearman runs from about -0.4 to 0.9, as found). Indels cover a
smaller model set (24) than substitutions (97): each file's own columns are its models. Empty cells are quarantined.
The metadata columns after the model columns (``Number of Mutants``, ``Selection Type``, ``UniProt ID``,
``MSA_Neff_L_category``, ``Taxon``) are not scores: they go to the dataset rows' description.

``Summary_performance_DMS_<kind>_<metric>.csv`` (one row per model: rank, average, bootstrap standard error and
breakdowns by function, MSA depth, taxon and mutation depth) are aggregates of the assay-level values and ranks,
not evaluations: not loaded. Only the two Spearman summaries are read, for model metadata (model type, model
details, references with their HTML ``<a href=...>`` tags stripped) into the model rows; the other eight repeat
the same metadata.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows

SOURCE = "proteingym"
SOURCE_VERSION = "OATML-Markslab/ProteinGym@bb68524"
SNAPSHOT_DATE = "2025-06-13"
ROOT = "benchmarks/DMS_zero_shot"
TASK = "protein-fitness-prediction"
KINDS = ("substitutions", "indels")
METRICS = ("Spearman", "AUC", "MCC", "NDCG", "Top_recall")
ID = "DMS ID"
METADATA = ("Number of Mutants", "Selection Type", "UniProt ID", "MSA_Neff_L_category", "Taxon")
_TAG = re.compile(r"<[^>]+>")
_PARAMS = re.compile(r"\((\d+(?:\.\d+)?)\s*([KMB])(?: params)?\)")
_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9}


def _level_files(snapshot_dir: Path) -> list[tuple[str, str, Path]]:
    root = Path(snapshot_dir) / SOURCE / ROOT
    files = [(k, m, root / k / m / f"DMS_{k}_{m}_DMS_level.csv") for k in KINDS for m in METRICS]
    return [(k, m, p) for k, m, p in files if p.exists()]


def _summary_files(snapshot_dir: Path) -> list[Path]:
    root = Path(snapshot_dir) / SOURCE / ROOT
    return [p for k in KINDS if (p := root / k / "Spearman" / f"Summary_performance_DMS_{k}_Spearman.csv").exists()]


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [p for _, _, p in _level_files(snapshot_dir)] + _summary_files(snapshot_dir)


def _strip_html(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _params(*texts: str) -> float | None:
    """Parameter count from ``ESM2 (650M)`` / ``Progen2 medium model (760M params)``, else None."""
    match = next((m for t in texts if (m := _PARAMS.search(t or ""))), None)
    return float(match[1]) * _SCALE[match[2]] if match else None


def _model_rows(snapshot_dir: Path, models: set[str]) -> list[dict]:
    """Model rows for the loaded models, with type / details / references from the Spearman summaries."""
    info: dict[str, dict] = {}
    for path in _summary_files(snapshot_dir):
        _, rows, _ = read_csv_rows(path, str(path))  # side information only: a bad summary row is simply absent
        for _, row in rows:
            entry = info.setdefault(row.get("Model_name", "").strip(), {"types": []})
            kind = row.get("Model type", "").strip()
            if kind and kind not in entry["types"]:  # the two summaries use different type vocabularies
                entry["types"].append(kind)
            entry.setdefault("details", row.get("Model details", "").strip())
            entry.setdefault("refs", _strip_html(row.get("References", "")).rstrip("."))
    out = []
    for model in sorted(models):
        entry = info.get(model, {"types": []})
        details, refs = entry.get("details"), entry.get("refs")
        card = [f"ProteinGym zero-shot fitness predictor {model!r}"]
        card += [details] if details and details != model else []
        card += [f"model type: {' / '.join(entry['types'])}"] if entry["types"] else []
        card += [f"reference: {refs}"] if refs else []
        out.append({
            "model_raw": model, "card_text": "; ".join(card) + ".",
            "tags": json.dumps(["proteingym"] + [f"model_type={t}" for t in entry["types"]]),
            "pipeline_tag": TASK, "params": _params(model, details),
        })  # fmt: skip
    return out


def _dataset_row(dms: str, kind: str, row: dict) -> dict:
    facts = [f"{k.replace('_', ' ')}: {row[k]}" for k in METADATA if row.get(k, "").strip()]
    return {
        "dataset_raw": dms,
        "description": f"ProteinGym deep mutational scanning assay {dms} ({kind}): how well a model's zero-shot "
                       "scores of the mutated sequences rank the experimentally measured fitness"
                       + (f"; {'; '.join(facts)}" if facts else "") + ".",
        "task_type": "protein fitness prediction", "modality": "protein",
    }  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    out = Collector(SOURCE, SOURCE_VERSION)
    models, datasets = set(), {}
    for kind, metric, path in _level_files(snapshot_dir):
        rel = str(path.relative_to(snapshot_dir))
        header, rows, bad = read_csv_rows(path, rel)
        out.quarantine += bad
        if header and header[0] != ID:
            out.reject(rel, "header", f"first column is not {ID!r}", ",".join(header))
            continue
        model_cols = [c for c in header[1:] if c not in METADATA]
        for line, row in rows:
            dms = row[ID].strip()
            if not dms:
                out.reject(rel, f"line {line}", "missing DMS ID", ",".join(row.values()))
                continue
            for model in model_cols:
                raw = row[model]
                if out.add(
                    rel, f"line {line}, column {model!r}", raw, (dms, model), context=f"{dms} | {model} | {raw!r}",
                    model_raw=model, dataset_raw=dms, dataset_config=kind, dataset_split="test", task_raw=TASK,
                    metric_raw=metric, higher_is_better=True, snapshot_date=SNAPSHOT_DATE,
                ):  # fmt: skip
                    models.add(model)
            datasets.setdefault(dms, _dataset_row(dms, kind, row))
    return out.batch(_model_rows(snapshot_dir, models), datasets.values())
