"""LiveBench releases (LiveBench/livebench.github.io ``public/table_<YYYY_MM_DD>.csv``) → raw records.

One table per release, one row per model and one column per task; the release's ``categories_<date>.json`` maps
each category to its tasks. A record is one model × task cell: model_raw the model id as found (``gpt-5-high``,
``claude-opus-4-5-20251101-thinking-64k-high-effort``: effort / thinking suffixes are part of the name),
dataset_raw ``livebench/<category>`` (``livebench/math``, ``livebench/data_analysis``, ...; a dataset row's
release_date is the first release holding it), dataset_config the task, metric ``score`` (0–100, higher is
better), snapshot_date the release date. The same model recurs across releases with different scores (new
question sets): each release is its own dated record, dedup keeps the latest. Model rows list the releases.

Quirks: tasks renamed across releases map to one canonical name (``RENAMES``: ``LCB_generation`` ->
``code_generation``, ``coding_completion`` -> ``code_completion``); versioned tasks (``web_of_lies_v2`` /
``web_of_lies_v3``) are different question sets and stay apart; tasks added and dropped simply come and go with the
column sets (17–23 tasks per file). The category averages are not stored and not computed here. The empty cell
(2024-11-25) and a row shorter than the header are quarantined, as is a task no category of its release lists.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows, read_json

SOURCE = "livebench"
SOURCE_VERSION = "LiveBench/livebench.github.io@4bf96c8"
FOLDER = "livebench/public"
METRIC = "score"
RENAMES = {"LCB_generation": "code_generation", "coding_completion": "code_completion"}
CATEGORIES = {  # category in categories_<date>.json -> task_raw (its dataset_raw is livebench/<task_raw, snake>)
    "Mathematics": "math", "Coding": "coding", "Agentic Coding": "agentic coding", "Reasoning": "reasoning",
    "Language": "language", "Data Analysis": "data analysis", "IF": "instruction following",
}  # fmt: skip
DESCRIPTIONS = {
    "math": "competition and olympiad mathematics problems and hard synthetic (AMPS) math questions",
    "coding": "code generation and code completion on recent competitive-programming problems (LiveCodeBench)",
    "agentic coding": "repository-level software engineering tasks solved by an agent in JavaScript, TypeScript "
                      "and Python",
    "reasoning": "logic puzzles (web of lies, zebra puzzles), spatial reasoning and theory-of-mind questions",
    "language": "word puzzles (connections), plot unscrambling and typo correction",
    "data analysis": "questions over real data tables: column type annotation, table joins, reformatting, events",
    "instruction following": "paraphrasing, simplifying, summarising and story writing under explicit instructions",
}  # fmt: skip
_DATE = re.compile(r"table_(\d{4})_(\d{2})_(\d{2})\.csv$")


def _tables(snapshot_dir: Path) -> list[Path]:
    return sorted(p for p in (Path(snapshot_dir) / FOLDER).glob("table_*.csv") if _DATE.search(p.name))


def _categories_file(table: Path) -> Path:
    return table.with_name(table.name.replace("table_", "categories_").replace(".csv", ".json"))


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [f for t in _tables(snapshot_dir) for f in (t, _categories_file(t)) if f.exists()]


def task_categories(doc: object) -> dict[str, str]:
    """``{task column: task_raw of its category}`` from a categories document; {} when it is not one."""
    if not isinstance(doc, dict):
        return {}
    return {task: CATEGORIES.get(category, category.lower()) for category, tasks in doc.items()
            if isinstance(tasks, list) for task in tasks if isinstance(task, str)}  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    releases: dict[str, set] = defaultdict(set)
    first_seen: dict[str, str] = {}
    for table in _tables(snapshot_dir):
        rel, date = str(table.relative_to(snapshot_dir)), "-".join(_DATE.search(table.name).groups())
        cat_file = _categories_file(table)
        doc, bad = read_json(cat_file, str(cat_file.relative_to(snapshot_dir)))
        tasks = task_categories(doc)
        header, rows, bad_rows = read_csv_rows(table, rel)
        out.quarantine += bad_rows
        for line, row in rows:
            model = row[header[0]].strip()
            if not model:
                out.reject(rel, f"line {line}", "missing model name", ",".join(row.values()))
                continue
            for column in header[1:]:
                locator, category = f"line {line}, column {column!r}", tasks.get(column)
                if category is None:
                    why = f"{bad[0]['reason'].split(':')[0]}: " if bad else "not listed in "
                    out.reject(rel, locator, f"task without a category ({why}{cat_file.name})", row[column])
                    continue
                task = RENAMES.get(column, column)
                if out.add(
                    rel, locator, row[column], (model, task),
                    model_raw=model, dataset_raw=f"livebench/{category.replace(' ', '_')}", dataset_config=task,
                    dataset_split="test", task_raw=category, metric_raw=METRIC, higher_is_better=True,
                    snapshot_date=date,
                ):  # fmt: skip
                    releases[model].add(date)
                    first_seen.setdefault(category, date)
    models = [{
        "model_raw": model, "tags": json.dumps([f"release:{d}" for d in sorted(dates)]),
        "card_text": f"LiveBench entry {model!r}, scored in {len(dates)} release(s) "
                     f"({min(dates)} to {max(dates)}).",
    } for model, dates in releases.items()]  # fmt: skip
    datasets = [{
        "dataset_raw": f"livebench/{category.replace(' ', '_')}", "task_type": category, "release_date": date,
        "modality": "code" if "coding" in category else "text",
        "description": f"LiveBench {category}: {DESCRIPTIONS.get(category, 'contamination-limited questions')}, "
                       "refreshed with new questions each release and scored 0-100 against ground truth.",
    } for category, date in first_seen.items()]  # fmt: skip
    return out.batch(models, datasets)
