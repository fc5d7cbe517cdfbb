"""LMArena leaderboards (lmarena/arena-catalog ``data/leaderboard-<arena>.json``) → raw records.

Each file is ``{category: {model: {rating, rating_q975, rating_q025}}}``. A record is one model's ``rating`` in
one arena × category list: dataset_raw ``lmarena-<arena>`` (``lmarena-text``, ``lmarena-vision``,
``lmarena-image``), dataset_config the category as found (``full``, ``coding``, ``hard_6``, ...: the category sets
differ per arena), metric ``rating`` (an Elo-like Bradley-Terry rating from human pairwise votes, higher is
better). The ``-style-control`` files rank the same battles again with answer length and markdown style factored
out; they are loaded as datasets of their own (``lmarena-text-style-control``, ``lmarena-vision-style-control``)
so that the two scorings of one set of battles are kept apart on purpose, never merged or averaged.

``rating_q975`` / ``rating_q025`` are the 95% bootstrap bounds of the rating: part of the rating, not records and
not quarantined; each model's ``full``-category bounds go to its card text. model_raw is the lower-case API-like id
as found (``claude-opus-4-5-20251101-thinking-32k``); an alias in parentheses
(``gemini-3-pro-image-preview-2k (nano-banana-pro)``) stays in model_raw and also becomes an ``alias:<x>`` tag of
the model row. The files carry no date: snapshot_date is the upstream data date (2025-12-11). Older history files
(``leaderboard-data*.json``) are not in the snapshot.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, read_json

SOURCE = "lmarena"
SOURCE_VERSION = "lmarena/arena-catalog@c9558b6"
SNAPSHOT_DATE = "2025-12-11"
METRIC = "rating"
STYLE = "-style-control"
ARENAS = {  # base arena -> (task_raw, modality, what is judged)
    "text": ("chat (human preference arena)", "text", "chat answers to users' text prompts"),
    "vision": ("vision chat (human preference arena)", "image", "answers to users' prompts about an uploaded image"),
    "image": ("text-to-image (human preference arena)", "image", "images generated from users' text prompts"),
}  # fmt: skip
_ALIAS = re.compile(r"\(([^()]+)\)\s*$")


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted((Path(snapshot_dir) / SOURCE / "data").glob("leaderboard-*.json"))


def _dataset_row(arena: str) -> dict:
    base = arena.removesuffix(STYLE)
    task, modality, judged = ARENAS.get(base, (f"{base} (human preference arena)", None, f"{base} outputs"))
    style = " Style control: the same battles re-scored with answer length and markdown style factored out." \
        if arena.endswith(STYLE) else ""
    return {
        "dataset_raw": f"lmarena-{arena}",
        "description": f"LMArena {base} arena: users compare two anonymous models' {judged} and vote for the better "
                       f"one; the votes are fitted into Elo-like ratings, overall and per category.{style}",
        "task_type": task, "modality": modality,
    }  # fmt: skip


def _model_row(model: str, bounds: dict[str, tuple]) -> dict:
    alias = _ALIAS.search(model)
    card = [f"LMArena model {model!r}"] + [
        f"{arena} arena full rating {r:.1f} (95% interval {lo:.1f}-{hi:.1f})" if None not in (r, lo, hi)
        else f"rated in the {arena} arena (no full-category rating)" for arena, (r, lo, hi) in sorted(bounds.items())
    ]  # fmt: skip
    return {"model_raw": model, "card_text": "; ".join(card) + ".",
            "tags": json.dumps([f"alias:{alias[1].strip()}"] if alias else [])}


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    boards: dict[str, dict[str, tuple]] = defaultdict(dict)  # model -> arena -> its full (rating, q025, q975)
    datasets = []
    for path in snapshot_files(snapshot_dir):
        rel = str(path.relative_to(snapshot_dir))
        arena = path.stem.removeprefix("leaderboard-")
        doc, bad = read_json(path, rel)
        out.quarantine += bad
        if not isinstance(doc, dict):
            if doc is not None:
                out.reject(rel, "file", f"expected an object of categories, got {type(doc).__name__}", doc)
            continue
        task = _dataset_row(arena)["task_type"]
        for category, ratings in doc.items():
            if not isinstance(ratings, dict):
                out.reject(rel, f"{category}", f"expected an object of models, got {type(ratings).__name__}", ratings)
                continue
            for model, entry in ratings.items():
                locator, model = f"{category}.{model}", model.strip()
                if not model or not isinstance(entry, dict):
                    reason = "missing model name" if not model else f"expected an object, got {type(entry).__name__}"
                    out.reject(rel, locator, reason, entry)
                    continue
                loaded = out.add(
                    rel, f"{locator}.{METRIC}", entry.get(METRIC), (category, model), context=entry,
                    model_raw=model, dataset_raw=f"lmarena-{arena}", dataset_config=category, dataset_split="eval",
                    task_raw=task, metric_raw=METRIC, higher_is_better=True, snapshot_date=SNAPSHOT_DATE,
                )  # fmt: skip
                if loaded:
                    boards[model].setdefault(arena, (None, None, None))
                if loaded and category == "full":
                    boards[model][arena] = tuple(number(entry.get(k)) for k in (METRIC, "rating_q025", "rating_q975"))
        datasets.append(_dataset_row(arena))
    return out.batch([_model_row(m, b) for m, b in boards.items()], datasets)
