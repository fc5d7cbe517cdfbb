"""Papers-with-Code ``evaluation-tables.json`` schema, as kept by paperswithcode/sota-extractor.

Snapshot: ``pwc_sota_extractor/data/tasks/*.json``: tasks -> datasets -> ``sota.rows[]`` (model_name,
metrics{}, paper_*), with nested ``subtasks`` and ``subdatasets``, walked recursively. A subdataset keeps its
top dataset as ``dataset_raw`` and its own name path as ``dataset_config``; ``task_raw`` is the innermost task.
``nlp-progress.json`` and ``nlpprogress.json`` are two scrapes of NLP-progress; both are loaded (dedup is
downstream). Not read: ``data/eval_all_report.csv`` (the extractor's own precision/recall per task, not model
results) and ``tasks/synonyms.csv`` (task-name aliases: a candidate dbt seed), ``tasks/examples/``.
``parse_evaluation_tables`` is public: the live connector reuses it for a downloaded evaluation-tables.json.
Names were scraped from HTML: entities (``&amp;``) are decoded.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from orchestration.sources.model_index import Entry, text
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, as_list, read_json

SOURCE = "pwc_sota_extractor"
VERSION = "paperswithcode/sota-extractor@e6374da"
SNAPSHOT_DATE = "2022-03-01"  # upstream commit month; the day is not known
MODALITY = {"nlp": "text", "computer vision": "image", "speech": "audio", "audio": "audio", "graphs": "graph"}


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted((snapshot_dir / "pwc_sota_extractor" / "data" / "tasks").glob("*.json"))


def _walk(tasks: list, loc: str, inherited: list[str], out: list[Entry], datasets: dict) -> None:
    for i, task in enumerate(tasks):
        tloc = f"{loc}[{i}]"
        if not isinstance(task, dict):
            out.append(Entry(None, None, None, None, tloc, problem="task is not a mapping", raw=task))
            continue
        name = text(task.get("task"))
        categories = [c for c in as_list(task.get("categories")) if isinstance(c, str)] or inherited
        modality = next((MODALITY.get(c.lower(), c.lower()) for c in categories), None)
        for j, ds in enumerate(as_list(task.get("datasets"))):
            _walk_dataset(ds, f"{tloc}.datasets[{j}]", name, None, [], modality, out, datasets)
        _walk(as_list(task.get("subtasks")), f"{tloc}.subtasks", categories, out, datasets)


def _name(value: object) -> str | None:
    """A model or dataset name as text, HTML entities decoded."""
    name = text(value)
    return html.unescape(name) if name else name


def _walk_dataset(ds, loc, task, top, config, modality, out, datasets) -> None:
    if not isinstance(ds, dict):
        out.append(Entry(None, None, None, None, loc, task=task, problem="dataset is not a mapping", raw=ds))
        return
    name = _name(ds.get("dataset")) or _name(ds.get("subdataset"))
    dataset, config = (top, [*config, name]) if top else (name, config)
    rows = as_list(ds["sota"].get("rows") if isinstance(ds.get("sota"), dict) else None)
    if dataset and not top:
        dates = sorted(d[:10] for d in (text(r.get("paper_date")) for r in rows if isinstance(r, dict))
                       if d and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", d))
        datasets.setdefault(dataset, {"dataset_raw": dataset, "description": text(ds.get("description")),
                                      "task_type": task, "modality": modality,
                                      "release_date": dates[0] if dates else None})
    for k, row in enumerate(rows):
        rloc = f"{loc}.sota.rows[{k}]"
        metrics = row.get("metrics") if isinstance(row, dict) else None
        if not isinstance(metrics, dict):
            out.append(Entry(None, dataset, None, None, rloc, task=task, problem="row without a metrics mapping",
                             raw=row))
            continue
        model = _name(row.get("model_name"))
        paper = {"paper_title": text(row.get("paper_title")), "paper_url": text(row.get("paper_url")),
                 "paper_date": text(row.get("paper_date"))}
        for metric, value in metrics.items():
            out.append(Entry(model, dataset, text(metric), value, f"{rloc}.metrics.{metric}", task=task,
                             dataset_config=" / ".join(c for c in config if c) or None,
                             key=(paper["paper_url"], paper["paper_date"]), extra=paper,
                             raw={"model_name": model, metric: value}))
    for s, sub in enumerate(as_list(ds.get("subdatasets"))):
        _walk_dataset(sub, f"{loc}.subdatasets[{s}]", task, dataset, config, modality, out, datasets)


def parse_evaluation_tables(tasks: list[dict], source_file: str, source_version: str, *,
                            snapshot_date: str | None = None, out: Collector | None = None
                            ) -> tuple[list[dict], list[dict], list[dict]]:
    """``(records, dataset_rows, quarantine_rows)`` of one evaluation-tables document (a list of tasks), also
    collected into ``out`` when given.

    Record dicts carry ``paper_title`` / ``paper_url`` / ``paper_date`` extras for ``model_rows``.
    """
    out = out or Collector(SOURCE)
    n_records, n_bad = len(out.records), len(out.quarantine)
    entries, datasets = [], {}
    if isinstance(tasks, list):
        _walk(tasks, "", [], entries, datasets)
    else:
        out.reject(source_file, "", "document is not a list of tasks", tasks)
    out.add_entries(entries, source_file, source_version=source_version, snapshot_date=snapshot_date)
    return out.records[n_records:], list(datasets.values()), out.quarantine[n_bad:]


def model_rows(records: list[dict]) -> list[dict]:
    """One side row per model: earliest paper date as release date, paper title as card text."""
    rows: dict[str, dict] = {}
    for r in sorted(records, key=lambda r: r.get("paper_date") or "9999"):
        if r["model_raw"] not in rows:
            title = r.get("paper_title") if r.get("paper_title") != r.get("paper_url") else None
            rows[r["model_raw"]] = {"model_raw": r["model_raw"], "release_date": r.get("paper_date"),
                                    "card_text": f"{r['model_raw']}. Paper: {title}." if title else None}
    return list(rows.values())


def read(snapshot_dir: Path) -> SourceBatch:
    out, datasets = Collector(SOURCE), {}
    for path in snapshot_files(snapshot_dir):
        rel = path.relative_to(snapshot_dir).as_posix()
        doc, bad = read_json(path, rel)
        out.quarantine += bad
        if not bad:
            for row in parse_evaluation_tables(doc, rel, VERSION, snapshot_date=SNAPSHOT_DATE, out=out)[1]:
                datasets.setdefault(row["dataset_raw"], row)
    return out.batch(model_rows(out.records), list(datasets.values()))
