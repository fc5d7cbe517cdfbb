"""MTEB results in the results repository's own layout: ``results/<org__model>/<revision>/<Task>.json``.

Only the main score is taken (one record per split × subset, like ``mteb``): the other keys mix quality
metrics with thresholds, timings and per-experiment lists, and add nothing the ranker uses. Two layouts:

- current: ``{"task_name", "scores": {split: [{"hf_subset", "main_score", <metrics>...}]}}``;
- legacy (mteb < 1.11): ``{"mteb_dataset_name", split: {<metric>: value | {<sub>: value}}}`` or
  ``{split: {<lang>: {<metric>: ...}}}``, with no ``main_score``: it is looked up under the task's metadata
  ``main_score`` name or that name's legacy spelling, and recorded under the name found.

``model_meta.json`` files in revision directories are model metadata, not results (→ models side table).
"""

from __future__ import annotations

import json
from pathlib import Path

from .mteb import TASK_METADATA, dataset_rows, load_tasks, main_score_name, model_rows
from .records import SourceBatch
from .tables import Collector, read_json
from .values import parse_value

SOURCE = "mteb_raw"
RESULTS = "mteb/raw_sample/results"
MODEL_META = "model_meta.json"
# Same quantity, renamed when mteb 1.x results were reorganised.
_LEGACY_NAMES = {"cosine_spearman": ["cos_sim_spearman"], "cosine_pearson": ["cos_sim_pearson"],
                 "map_at_1000": ["map"]}
_NOT_SPLITS = {"dataset_revision", "mteb_dataset_name", "mteb_version", "task_name", "evaluation_time",
               "kg_co2_emissions", "date", "evaluation_phases", "scores"}


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    root = Path(snapshot_dir) / RESULTS
    return [Path(snapshot_dir) / TASK_METADATA, *sorted(root.glob("*/*/*.json"))]


def _flatten(obj: dict, prefix: str = "") -> dict:
    """Nested metric groups to flat names: {"cos_sim": {"spearman": x}} → {"cos_sim_spearman": x}."""
    flat = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}_"))
        else:
            flat[name] = value
    return flat


def _task_name(obj: dict, source_file: str) -> str:
    names = (obj.get("task_name"), obj.get("mteb_dataset_name"))
    return next((n for n in names if isinstance(n, str) and n), Path(source_file).stem)


def _score_entries(obj: dict, names: list[str]) -> list[tuple[str, str, str, dict]]:
    """(locator, split, subset, flat metrics) for every score entry of either layout."""
    if "scores" in obj:
        scores = obj["scores"]
        if not isinstance(scores, dict):
            return [("scores", "", "", {"_error": "'scores' is not an object"})]
        not_object = {"_error": "score entry is not an object"}
        return [(f"scores.{split}[{i}]", split, str(e.get("hf_subset", "default")) if isinstance(e, dict) else "",
                 _flatten(e) if isinstance(e, dict) else not_object)
                for split, block in scores.items() for i, e in enumerate(block if isinstance(block, list) else [block])]
    out = []
    for split, block in obj.items():
        if split in _NOT_SPLITS or not isinstance(block, dict):
            continue
        flat = _flatten(block)
        if any(n in flat for n in names) or not any(isinstance(v, dict) for v in block.values()):
            out.append((split, split, "default", flat))
        else:
            out += [(f"{split}.{sub}", split, sub, _flatten(v)) for sub, v in block.items() if isinstance(v, dict)]
    return out


def parse_result_json(obj: dict, model_raw: str, revision: str, source_file: str, task_meta: dict | None = None,
                      out: Collector | None = None) -> tuple[list[dict], list[dict]]:
    """Parse one MTEB result document into its (records, quarantine rows), also collected into ``out`` when given;
    ``task_meta`` is the task's metadata."""
    out = out or Collector(SOURCE)
    n_records, n_bad = len(out.records), len(out.quarantine)
    if not isinstance(obj, dict):
        out.reject(source_file, "$", "result document is not a JSON object", obj)
        return [], out.quarantine[n_bad:]
    task = _task_name(obj, source_file)
    metric = main_score_name(task_meta)
    names = [metric, *_LEGACY_NAMES.get(metric, [])]
    entries = _score_entries(obj, names)
    if not entries:
        out.reject(source_file, "$", "no scores in result document", obj)
    for locator, split, subset, flat in entries:
        if "main_score" in flat:
            found, raw = metric, flat["main_score"]
        else:
            found = next((n for n in names if n in flat), None)
            raw = flat.get(found)
        parsed = parse_value(raw) if found else (None, flat.get("_error") or (
            f"main score {metric!r} not among metrics {sorted(k for k in flat if k != 'evaluation_time')[:12]}"))
        out.add(
            source_file, locator, raw, (locator,), parsed=parsed, context=flat,
            model_raw=model_raw, dataset_raw=task, dataset_config=subset, dataset_split=split, source_version=revision,
            task_raw=(task_meta or {}).get("type"), metric_raw=found, value_raw=json.dumps(raw), higher_is_better=True,
        )  # fmt: skip
    return out.records[n_records:], out.quarantine[n_bad:]


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    tasks, bad = load_tasks(snapshot_dir / TASK_METADATA)
    out, metas, models = Collector(SOURCE), [], set()
    out.quarantine += bad
    for path in sorted((snapshot_dir / RESULTS).glob("*/*/*.json")):
        rel = path.relative_to(snapshot_dir).as_posix()
        obj, bad = read_json(path, rel)
        out.quarantine += bad
        if bad:
            continue
        if path.name == MODEL_META:
            metas += [obj] if isinstance(obj, dict) else []
            continue
        model_raw, revision = path.parent.parent.name, path.parent.name
        models.add(model_raw)
        task_meta = tasks.get(_task_name(obj, rel)) if isinstance(obj, dict) else None
        parse_result_json(obj, model_raw, revision, rel, task_meta, out)
    datasets = dataset_rows(tasks, {r["dataset_raw"] for r in out.records})
    return out.batch(model_rows(metas, models), datasets)
