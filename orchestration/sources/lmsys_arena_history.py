"""LMSYS Chatbot Arena text leaderboard, 2025-07-18 (fboulnois/llm-leaderboard-csv ``csv/lmsys.csv``) → raw records.

A record is one row's ``arena_score``: model_raw the display name as found (``ChatGPT-4o-latest (2025-03-26)``,
``Claude Opus 4 (thinking-16k)``: dates and variants in parentheses are part of the name, these are not the API
ids of ``lmarena``), dataset_raw ``lmsys-chatbot-arena`` (the text arena, full category), metric ``arena_score``
(an Elo-like rating from human pairwise votes, higher is better), snapshot_date 2025-07-18 (the only date here).

Not records (side information in the model rows): ``rank`` and ``rank_stylectrl`` (ranks derived from the scores,
tied ranks included), ``95_pct_ci`` (the interval packed as ``+5/-4``, unpacked into the card text and a
``ci95:+5/-4`` tag; an unparseable interval is left out), ``votes`` (a count: card text and a ``votes:<n>`` tag),
``url``. ``organization`` goes to the model row as found; ``license`` is normalised (``Apache 2.0`` /
``Apache-2.0`` -> ``Apache-2.0``, the typo ``Propretary`` ...) into a ``license:<x>`` tag; ``knowledge_cutoff``
``2024/7`` becomes ``knowledge_cutoff:2024-07``, ``Online`` (the model searches the web) an ``online`` tag and
``Unknown`` nothing. The 88 earlier versions of the file in the upstream git history are not in the snapshot.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, read_csv_rows

SOURCE = "lmsys_arena_history"
SOURCE_VERSION = "fboulnois/llm-leaderboard-csv@46bafa2"
SNAPSHOT_DATE = "2025-07-18"
FILE = "csv/lmsys.csv"
DATASET = "lmsys-chatbot-arena"
METRIC = "arena_score"
TASK = "chat (human preference arena)"
LICENCES = {  # spelling variants -> one spelling (lower-cased keys)
    "apache 2.0": "Apache-2.0", "propretary": "Proprietary", "gemma license": "Gemma", "deepseek license": "DeepSeek",
    "llama 3.1": "Llama 3.1 Community", "llama 3.2": "Llama 3.2 Community", "llama-3.3": "Llama 3.3 Community",
    "llama 4": "Llama 4 Community", "nvidia open model": "NVIDIA Open Model", "qianwen license": "Qwen",
    "dbrx license": "DBRX",
}  # fmt: skip
_CI = re.compile(r"^\+(\d+(?:\.\d+)?)\s*/\s*-(\d+(?:\.\d+)?)$")
_CUTOFF = re.compile(r"^(\d{4})/(\d{1,2})$")


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [Path(snapshot_dir) / SOURCE / FILE]


def licence(raw: str) -> str | None:
    """The licence in one spelling (``Apache 2.0`` -> ``Apache-2.0``); None when empty."""
    text = " ".join(raw.split())
    return LICENCES.get(text.lower(), text) or None


def knowledge_cutoff(raw: str) -> str | None:
    """``2024/7`` -> ``2024-07``; anything else (``Unknown``, ``Online``) -> None."""
    match = _CUTOFF.match(raw.strip())
    return f"{match[1]}-{int(match[2]):02d}" if match and 1 <= int(match[2]) <= 12 else None


def _model_row(model: str, row: dict) -> dict:
    ci, votes, cutoff = _CI.match(row.get("95_pct_ci", "").strip()), number(row.get("votes")), None
    tags, card = [], [f"LMSYS Chatbot Arena (text) entry {model!r}"]
    if row.get("rank", "").strip():
        card.append(f"rank {row['rank'].strip()} (style-control rank {row.get('rank_stylectrl', '').strip() or '?'})")
    if ci:
        tags.append(f"ci95:+{ci[1]}/-{ci[2]}")
        card.append(f"95% CI +{ci[1]}/-{ci[2]}")
    if votes is not None:
        tags.append(f"votes:{votes:.0f}")
        card.append(f"{votes:.0f} votes")
    if lic := licence(row.get("license", "")):
        tags.append(f"license:{lic}")
        card.append(f"licence {lic}")
    if cutoff := knowledge_cutoff(row.get("knowledge_cutoff", "")):
        tags.append(f"knowledge_cutoff:{cutoff}")
        card.append(f"knowledge cutoff {cutoff}")
    elif row.get("knowledge_cutoff", "").strip().lower() == "online":
        tags.append("online")
        card.append("answers with web search (online)")
    if row.get("url", "").strip():
        card.append(f"link {row['url'].strip()}")
    return {"model_raw": model, "card_text": "; ".join(card) + ".", "tags": json.dumps(tags),
            "organization": row.get("organization", "").strip() or None}


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    path = snapshot_files(snapshot_dir)[0]
    rel = str(path.relative_to(snapshot_dir))
    header, rows, bad = read_csv_rows(path, rel)
    out.quarantine += bad
    if header and not {"model", METRIC} <= set(header):
        out.reject(rel, "header", f"missing 'model' or {METRIC!r} column", ",".join(header))
        rows = []
    models = {}
    for line, row in rows:
        model = row["model"].strip()
        if not model:
            out.reject(rel, f"line {line}", "missing model name", ",".join(row.values()))
            continue
        out.add(
            rel, f"line {line}, column {METRIC!r}", row[METRIC].strip(), (model, METRIC),
            model_raw=model, dataset_raw=DATASET, dataset_split="eval",
            task_raw=TASK, metric_raw=METRIC, higher_is_better=True, snapshot_date=SNAPSHOT_DATE,
        )  # fmt: skip
        models.setdefault(model, _model_row(model, row))
    dataset = {
        "dataset_raw": DATASET,
        "description": "LMSYS Chatbot Arena: crowd-sourced blind pairwise battles between chat models on users' own "
                       "prompts; the human votes are fitted into an Elo-like (Bradley-Terry) arena score.",
        "task_type": TASK, "modality": "text",
    }  # fmt: skip
    return out.batch(models.values(), [dataset])
