"""AlpacaEval leaderboards (tatsu-lab/alpaca_eval ``src/alpaca_eval/leaderboards``) → raw records.

Read: ``data_AlpacaEval*/<annotator>_leaderboard.csv``; dataset_raw "AlpacaEval" / "AlpacaEval 2" from the
folder, the annotator (file name) in dataset_config, model display names as found. A record is one cell of a
value column: win_rate, discrete_win_rate and length_controlled_winrate load (higher is better); avg_length and
output_length are read but quarantined as "not a quality metric"; a column not known here is quarantined too.
Not records: standard errors, win/draw/total counts and ``mode`` (the counts and error behind a win rate; mode
goes to the model tags). Not read: ``evaluators/evaluators_leaderboard.csv`` ranks annotator configurations by
agreement with human labels, not models on a dataset, and ``per_instruction_preferences.csv.gz`` holds
per-instruction outcomes, not leaderboard values: ``per_instruction_win_rates`` aggregates it on request.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pandas as pd

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows

SOURCE = "alpaca_eval"
SOURCE_VERSION = "tatsu-lab/alpaca_eval@cd543a1"
FOLDER = "alpaca_eval"
LEADERBOARDS = "src/alpaca_eval/leaderboards"
PREFERENCES = "per_instruction_preferences.csv.gz"
QUALITY = {"win_rate", "discrete_win_rate", "length_controlled_winrate"}
NOT_QUALITY = {"avg_length", "output_length"}
NOT_RECORDS = {"", "standard_error", "lc_standard_error", "n_wins", "n_wins_base", "n_draws", "n_total", "mode"}


def _files(snapshot_dir: Path) -> list[Path]:
    return sorted((snapshot_dir / FOLDER / LEADERBOARDS).glob("data_*/*.csv"))


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return _files(snapshot_dir)


def _dataset_name(folder: str) -> str:
    """``data_AlpacaEval_2`` -> ``AlpacaEval 2``."""
    return folder.removeprefix("data_").replace("_", " ")


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    modes: dict[str, set] = defaultdict(set)
    datasets = {}
    for path in _files(snapshot_dir):
        rel = str(path.relative_to(snapshot_dir))
        dataset = _dataset_name(path.parent.name)
        annotator = path.name.removesuffix(".csv").removesuffix("_leaderboard")
        header, rows, bad = read_csv_rows(path, rel)
        out.quarantine += bad
        value_cols = [c for c in header[1:] if c not in NOT_RECORDS]
        for line, row in rows:
            model = row[header[0]].strip()
            if not model:
                out.reject(rel, f"line {line}", "missing model name", ",".join(row.values()))
                continue
            modes[model].update([row["mode"]] if row.get("mode") else [])
            for col in value_cols:
                locator = f"line {line}, column {col!r}"
                if col not in QUALITY:
                    reason = "not a quality metric" if col in NOT_QUALITY else f"unrecognised column {col!r}"
                    out.reject(rel, locator, reason, row[col])
                    continue
                out.add(
                    rel, locator, row[col], (model, col),
                    model_raw=model, dataset_raw=dataset, dataset_config=annotator, dataset_split="eval",
                    task_raw="instruction following (LLM-judged win rate)", metric_raw=col, higher_is_better=True,
                )  # fmt: skip
            datasets.setdefault(dataset, {
                "dataset_raw": dataset,
                "description": f"{dataset}: instruction-following prompts; an LLM annotator judges each output against "
                               "a reference model's output and the win rate is reported.",
                "task_type": "instruction following", "modality": "text",
            })  # fmt: skip
    models = [{"model_raw": m, "tags": json.dumps(sorted(f"mode={x}" for x in found))} for m, found in modes.items()]
    return out.batch(models, datasets.values())


def per_instruction_win_rates(snapshot_dir: Path) -> pd.DataFrame:
    """Win rate (%) per (model, annotator) from the per-instruction preferences, as AlpacaEval computes it.

    preference 1 = reference wins, 2 = model wins, 0 or 1.5 = draw (counts half); null preferences are dropped.
    Not loaded as records: the leaderboards already publish these values.
    """
    prefs = pd.read_csv(snapshot_dir / FOLDER / PREFERENCES, usecols=["model_dir", "annotator_config", "preference"])
    prefs = prefs.dropna(subset=["preference"])
    prefs["win"] = prefs["preference"].replace(0, 1.5) - 1
    grouped = prefs.groupby(["model_dir", "annotator_config"])["win"]
    return pd.DataFrame({"n": grouped.size(), "win_rate": grouped.mean() * 100}).reset_index()
