"""every_eval_ever: one JSON document per (leaderboard, model, run) under ``every_eval_ever/data/**.json``.

Each ``evaluation_results[]`` entry is one record: ``higher_is_better = not metric_config.lower_is_better``;
the metric is the head of ``evaluation_description`` ("EM on MMLU" → "EM", "Chat accuracy - ..." →
"accuracy", else "score"). ``dataset_config`` is the leaderboard (``source_metadata.source_name``: helm_lite,
helm_classic, HF Open LLM v2, RewardBench 2 ...), because the same benchmark is run differently on different
leaderboards (HELM lite's MMLU is 5 subjects, helm_mmlu's is 57). Sections of a suite get the suite's name
("RewardBench 2 - Safety", "MMLU - Anatomy") so "Math" or "Safety" stay distinguishable. Leaderboard
aggregates (mean win rate, mean/overall score) are not datasets: they are quarantined as such, like the
averages of open_clip. A score of -1 on a 0..1 metric is HELM's "not evaluated" marker: quarantined.
``snapshot_date`` is the day the document was retrieved (later runs win in dedup).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import orjson

from .records import SourceBatch
from .tables import Collector, number, read_json
from .values import parse_value

SOURCE = "every_eval_ever"
ROOT = "every_eval_ever/data"
AGGREGATES = {"mean win rate", "mean score", "score"}
AGGREGATE = "leaderboard aggregate, not a dataset result"
_SUITES = {"helm_mmlu": "MMLU"}  # source_data.dataset_name → the benchmark its sections belong to
_METRIC_WORD = re.compile(r"^\s*(accuracy|score)\b", re.I)


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted(p for p in (Path(snapshot_dir) / ROOT).rglob("*.json") if p.is_file())


def _metric(name: str, description: str) -> str:
    head, sep, tail = description.partition(" on ")
    if sep and tail.strip() == name:
        return head.strip()
    if description.startswith(name) and (m := _METRIC_WORD.match(description[len(name):])):
        return m.group(1).lower()
    return "score"


def _dataset(name: str, dataset_name: object) -> str:
    suite = _SUITES.get(dataset_name, dataset_name) if isinstance(dataset_name, str) else None
    if not suite or suite == name or name.startswith(suite):
        return name
    return f"{suite} - {name}"


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _snapshot_date(timestamp) -> str | None:
    value, _ = parse_value(timestamp)
    try:
        return datetime.fromtimestamp(value, timezone.utc).date().isoformat() if value else None
    except (OverflowError, OSError, ValueError):  # a timestamp out of the platform's range
        return None


def parse_document(doc: dict, source_file: str, out: Collector) -> tuple[dict | None, list[dict]]:
    """One eval document's records and quarantine rows into ``out``; returns (models row, datasets rows)."""
    info = doc.get("model_info") if isinstance(doc, dict) else None
    results = doc.get("evaluation_results") if isinstance(doc, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("id"), str) or not info["id"]:
        out.reject(source_file, "$.model_info", "document without model_info.id", doc)
        return None, []
    if not isinstance(results, list):
        out.reject(source_file, "$.evaluation_results", "document without an evaluation_results list", doc)
        return None, []
    leaderboard = _mapping(doc.get("source_metadata")).get("source_name")
    leaderboard = leaderboard if isinstance(leaderboard, str) and leaderboard else source_file.split("/")[2]
    version = str(doc.get("retrieved_timestamp") or "") or None
    snapshot_date = _snapshot_date(doc.get("retrieved_timestamp"))
    datasets = []
    for i, res in enumerate(results):
        locator = f"$.evaluation_results[{i}]"
        try:
            name = res["evaluation_name"].strip()
            config = _mapping(res.get("metric_config"))
            raw = res["score_details"]["score"]
        except (KeyError, TypeError, AttributeError) as exc:
            out.reject(source_file, locator, f"result without evaluation_name/score_details.score: {exc!r}", res)
            continue
        if name.lower() in AGGREGATES:
            out.reject(source_file, locator, AGGREGATE, res)
            continue
        value, reason = parse_value(raw)
        if value == -1 and (number(config.get("min_score")) or 0) >= 0:
            value, reason = None, "score -1 on a metric whose range starts at 0: HELM's marker for a missing score"
        description = str(config.get("evaluation_description") or "")
        dataset = _dataset(name, _mapping(res.get("source_data")).get("dataset_name"))
        lower = config.get("lower_is_better")
        if out.add(
            source_file, locator, raw, (i, name), parsed=(value, reason), context=res,
            model_raw=info["id"], dataset_raw=dataset, dataset_config=leaderboard, source_version=version,
            metric_raw=_metric(name, description), value_raw=json.dumps(raw),
            higher_is_better=None if lower is None else not lower, snapshot_date=snapshot_date,
        ):  # fmt: skip
            # "Chat accuracy - includes easy chat subsets" describes the benchmark; "EM on MMLU" does not.
            datasets.append({"dataset_raw": dataset, "description": description if " - " in description else None,
                             "modality": "text"})
    return _model_row(info), datasets


def _model_row(info: dict) -> dict:
    details = _mapping(info.get("additional_details"))
    billions, _ = parse_value(details.get("params_billions"))
    extra = [str(details[k]) for k in ("architecture", "model_type", "precision") if details.get(k)]
    card = f"{info.get('name') or info['id']} ({info['id']}) by {info.get('developer') or 'unknown developer'}."
    keys = ("architecture", "model_type", "precision", "model_availability")
    tags = [f"{k}:{details[k]}" for k in keys if details.get(k)]
    return {
        "model_raw": info["id"], "card_text": f"{card} {', '.join(extra)}".strip(), "tags": json.dumps(tags),
        "params": round(billions * 1e9) if billions else None, "organization": info.get("developer"),
    }


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    out, models, datasets = Collector(SOURCE), {}, {}
    for path in snapshot_files(snapshot_dir):
        rel = path.relative_to(snapshot_dir).as_posix()
        doc, bad = read_json(path, rel, orjson.loads)
        out.quarantine += bad
        if bad:
            continue
        model, sets = parse_document(doc, rel, out)
        if model:
            models.setdefault(model["model_raw"], model)
        for row in sets:
            if not datasets.get(row["dataset_raw"], {}).get("description"):
                datasets[row["dataset_raw"]] = row
    return out.batch(list(models.values()), list(datasets.values()))
