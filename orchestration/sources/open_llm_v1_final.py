"""Open LLM Leaderboard v1, final table (fboulnois/llm-leaderboard-csv ``csv/huggingface_v1.csv``) → raw records.

A record is one benchmark cell of a row: ARC, HellaSwag, MMLU, TruthfulQA, Winogrande or GSM8K, scores 0–100 as
found. A dataset is the benchmark: the four shared with the dated snapshots take ``open_llm_v1``'s dataset names,
metrics and shot configs (ARC acc_norm 25-shot, HellaSwag acc_norm 10-shot, MMLU acc 5-shot, TruthfulQA mc2
0-shot), so both sources land on the same dataset ids; Winogrande (acc, 5-shot) and GSM8K (acc, 5-shot) are added
here. The model is ``fullname``, an HF hub id (four legacy names are bare: ``gpt2``, ``gpt2-xl`` ...).
``snapshot_date`` is 2024-07-13, the table's last data change.

Repeated models: 349 fullnames have several rows (float16 / bfloat16 / 4bit ..., or another ``model_sha``), some
with different values. Every row loads: precision and sha are in the record key and in ``source_version``
(``<repo>@b2d67d9/<precision>/<sha>``), so ids stay unique and dbt's dedup, which orders one source's records of
a snapshot date by ``source_version`` descending, keeps one row per model × benchmark: float16, then bfloat16,
then GPTQ, 8bit, 4bit, then the larger sha.

Quirks:
- ``gsm8k`` = 0 (582 rows) marks a failed run: that cell is quarantined ("failed run (gsm8k = 0)"), the row's
  other benchmarks load.
- ``merged``, ``moe`` and ``flagged`` read inverted, so "FALSE" means the flag is set. The data shows it: 732 of
  the 1,009 🤝 merge rows say merged=FALSE, 363 of the 459 MixtralForCausalLM rows say moe=FALSE while every
  meta-llama row says TRUE, and the 109 flagged=FALSE rows include the ``Contamination/contaminated_proof_7b``
  models. ``available_on_the_hub`` reads as written (its FALSE rows have no licence and no hearts).
- The type is the emoji in ``t``; ``?`` (type empty, 175 rows) means unknown: no type tag.
- ``params_b`` is in whole billions; 0 means unknown (params left empty). An empty ``date`` gives no
  ``submitted`` date.
Not records: ``average`` (the mean of the six, recomputable, and pulled down by failed GSM8K runs) is not read;
type, architecture, weight type, precision, licence, hub hearts, flags and submission date go to the model row
(the ``date`` column is the submission date, not a release date).
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.sources import open_llm_v1 as v1
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, read_csv_rows

SOURCE = "open_llm_leaderboard_v1_final"
SOURCE_VERSION = "fboulnois/llm-leaderboard-csv@b2d67d9"
SNAPSHOT_DATE = "2024-07-13"
CSV = "open_llm_leaderboard_v1_final/csv/huggingface_v1.csv"
COLUMNS = {"arc": "ARC", "hellaswag": "HellaSwag", "mmlu": "MMLU", "truthfulqa": "TruthfulQA",
           "winogrande": "Winogrande", "gsm8k": "GSM8K"}
# dataset_raw: (metric, shots); the shared four exactly as open_llm_v1 names them
BENCHMARKS = {bench: (metric, shots) for bench, (metric, _, shots) in v1.BENCHMARKS.items()} | {
    "Winogrande": ("acc", "5-shot"), "GSM8K": ("acc", "5-shot")}
DESCRIPTIONS = v1.DESCRIPTIONS | {
    "Winogrande": "WinoGrande: commonsense pronoun resolution, choosing which of two entities a blank refers to.",
    "GSM8K": "GSM8K: grade-school math word problems needing multi-step arithmetic; the final answer is scored.",
}
TASKS = {"ARC": "commonsense reasoning", "HellaSwag": "commonsense reasoning", "Winogrande": "commonsense reasoning",
         "MMLU": "knowledge QA", "TruthfulQA": "factuality", "GSM8K": "math word problems"}
RELEASED = {"ARC": "2018-03-14", "HellaSwag": "2019-05-19", "MMLU": "2020-09-07", "TruthfulQA": "2021-09-08",
            "Winogrande": "2019-07-24", "GSM8K": "2021-10-27"}  # first arXiv versions of the benchmark papers
TYPES = {"🟢": "pretrained", "🟩": "continuously pretrained", "🔶": "fine-tuned", "💬": "chat", "🤝": "merge"}
INVERTED_FLAGS = ("merged", "moe", "flagged")
FAILED_RUN = "failed run (gsm8k = 0)"


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [Path(snapshot_dir) / CSV]


def _model_row(model: str, rows: list[dict]) -> dict:
    """One model row from all of the model's table rows."""
    def values(column: str, skip=("", "?", "Unknown", "unknown")) -> list[str]:
        return sorted({r.get(column, "").strip() for r in rows} - set(skip))

    types = sorted({TYPES[t] for t in values("t") if t in TYPES})
    flags = [f for f in INVERTED_FLAGS if "FALSE" in values(f)]  # inverted: FALSE means set
    params = max((number(r.get("params_b")) or 0 for r in rows), default=0) or None
    dates = [d[:10] for d in values("date")]
    tags = ([f"type:{t}" for t in types] + [f"architecture:{a}" for a in values("architecture")]
            + [f"weight_type:{w}" for w in values("weight_type") if w != "Original"]
            + [f"precision:{p}" for p in values("precision")] + flags
            + [f"license:{x}" for x in values("hub_license")]
            + (["not_on_hub"] if values("available_on_the_hub") == ["FALSE"] else []))
    hearts = max((number(r.get("hub_hearts")) or 0 for r in rows), default=0)
    card = [f"Open LLM Leaderboard v1 (final table) entry {model}", ", ".join(types) or "type unknown"]
    card += [f"{params:g}B parameters"] if params else []
    card += [f"evaluated in {', '.join(values('precision'))}"] if values("precision") else []
    card += [", ".join(flags)] if flags else []
    card += [f"{hearts:g} hub hearts"] if hearts else []
    card += [f"first submitted {min(dates)}"] if dates else []
    return {
        "model_raw": model, "card_text": "; ".join(card) + ".", "tags": json.dumps(tags),
        "library": "transformers", "pipeline_tag": "text-generation", "params": params * 1e9 if params else None,
        "organization": model.split("/")[0] if "/" in model else None,
    }  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    header, rows, bad = read_csv_rows(Path(snapshot_dir) / CSV, CSV)
    out.quarantine += bad
    columns = {c: b for c, b in COLUMNS.items() if c in header}
    for column in sorted(COLUMNS.keys() - columns.keys()) if header else []:
        out.reject(CSV, "line 1", f"no column {column!r} for {COLUMNS[column]}", ",".join(header))
    by_model: dict[str, list[dict]] = {}
    for line, row in rows:
        model = row.get("fullname", "").strip()
        precision, sha = row.get("precision", "").strip(), row.get("model_sha", "").strip()
        for column, bench in columns.items():
            locator, raw = f"line {line}, column {column!r}", row[column]
            if not model:
                out.reject(CSV, locator, "missing model name (fullname)", ",".join(row.values()))
            elif bench == "GSM8K" and number(raw) == 0:
                out.reject(CSV, locator, FAILED_RUN, raw)
            else:
                metric, shots = BENCHMARKS[bench]
                out.add(
                    CSV, locator, raw, (model, precision, sha, bench),
                    model_raw=model, dataset_raw=bench, dataset_config=shots, task_raw=TASKS[bench],
                    metric_raw=metric, higher_is_better=True, source_version=f"{SOURCE_VERSION}/{precision}/{sha}",
                    snapshot_date=SNAPSHOT_DATE,
                )  # fmt: skip
        if model:
            by_model.setdefault(model, []).append(row)
    datasets = [{"dataset_raw": b, "description": DESCRIPTIONS[b], "modality": "text", "release_date": RELEASED[b],
                 "task_type": "math word problems" if b == "GSM8K" else "multiple-choice question answering"}
                for b in columns.values()]
    return out.batch([_model_row(m, rs) for m, rs in by_model.items()], datasets)
