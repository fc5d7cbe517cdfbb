"""Hugging Face model cards: README front matter ``model-index`` results plus card metadata.

Snapshot: ``hf_model_cards/{cs577,saranscript}/cards_with_model_index.jsonl.gz`` (one card per line).
``parse_card`` is public: the live Hub connector reuses it for the cards it downloads.

Decisions:
- ``dataset_raw`` is the HF dataset id (``dataset.type``) when it looks like one (``glue``,
  ``mozilla-foundation/common_voice_11_0``), else ``dataset.name``; the display name (``dataset.name``, when it
  differs) becomes the dataset side row's ``description``. ``metric_raw`` is ``metric.type`` (else ``name``).
- Model id: the card's repo id. The cs577 ids were guessed from flat file names (``org_name``), ambiguous when
  either part holds an ``_``; a model-index ``name`` that ends the flat name picks the split, else the raw guess
  is kept.
- Quarantine: malformed / non-mapping YAML (one row per card), a card whose model-index yields no metric at all
  (one row, "card has no metrics"), and each metric whose value does not parse or lacks a model, dataset or
  metric name.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import yaml
from huggingface_hub import ModelCardData
from huggingface_hub.repocard import REGEX_YAML_BLOCK

from orchestration.sources.model_index import dataset_rows, hf_entries, load_yaml, text
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector

SOURCE = "hf_model_cards"
# collection -> (upstream repository @ commit, snapshot month; day-of-month is not known, the 1st stands in)
COLLECTIONS = {
    "cs577": ("Wenxin-Jiang/CS577-NLP@17fb8ca", "2023-05-01"),
    "saranscript": ("saranscript/huggingface-models@b37ee27", "2022-02-01"),
}
CARD_TEXT_CHARS = 4000
_SIDE_KEYS = ("tags", "library_name", "pipeline_tag", "base_model", "datasets", "language", "license")


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [snapshot_dir / "hf_model_cards" / c / "cards_with_model_index.jsonl.gz" for c in COLLECTIONS]


def resolve_model_id(guess: str, names: list[str]) -> str:
    """Split an ambiguous flat ``org_name`` guess where a model-index name ends it; else keep the guess."""
    flat = guess.replace("/", "_", 1)
    if flat.count("_") < 2:
        return guess
    for name in names:
        if "/" in name and name.replace("/", "_", 1) == flat:
            return name
        if "_" in name and flat.endswith("_" + name):
            return f"{flat[: -len(name) - 1]}/{name}"
    return guess


def _listish(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v is not None and not isinstance(v, (dict, list))]


def _model_row(model_id: str, data: dict, body: str) -> dict:
    """Side info through huggingface_hub's ModelCardData (model-index left out: it is parsed separately)."""
    card = ModelCardData(ignore_metadata_errors=True,
                         **{k: data.get(k) for k in _SIDE_KEYS if isinstance(data.get(k), (str, list))})
    tags = _listish(card.tags) + [f"{prefix}:{v}" for prefix, values in
                                  (("dataset", card.datasets), ("language", card.language), ("license", card.license))
                                  for v in _listish(values)]
    base = _listish(card.base_model)
    return {
        "model_raw": model_id, "card_text": body.strip()[:CARD_TEXT_CHARS] or None, "tags": json.dumps(tags),
        "library": text(card.library_name), "pipeline_tag": text(card.pipeline_tag),
        "base_model": base[0] if base else None,
        "organization": model_id.split("/", 1)[0] if "/" in model_id else None,
    }


def _front_matter(readme_text: str) -> tuple[dict | None, str, str | None]:
    """``(front matter, card body, None)``, or ``(None, the offending text, why the card cannot be read)``."""
    match = REGEX_YAML_BLOCK.search(readme_text)
    if not match:
        return None, readme_text, "card has no YAML front matter"
    try:
        data = load_yaml(match.group(2))
    except yaml.YAMLError as err:
        return None, match.group(2), f"malformed YAML front matter: {str(err).splitlines()[0]}"
    if not isinstance(data, dict):
        return None, match.group(2), "YAML front matter is not a mapping"
    return data, readme_text[match.end():], None


def parse_card(readme_text: str, model_id: str, source_file: str, source_version: str, *,
               card_ref: str | None = None, snapshot_date: str | None = None, flat_guess: bool = False,
               out: Collector | None = None) -> tuple[list, list, list]:
    """Parse one README.md into this card's ``(records, model_rows, quarantine_rows)`` (lists of dicts), also
    collected into ``out`` when given (which keeps record ids unique across cards).

    ``card_ref`` names the card inside ``source_file`` (default: ``model_id``); ``flat_guess`` says
    ``model_id`` was guessed from a flat file name. Record dicts carry a ``dataset_name`` extra for
    ``model_index.dataset_rows``.
    """
    ref, out = card_ref or model_id, out or Collector(SOURCE)
    n_records, n_bad = len(out.records), len(out.quarantine)
    data, body, problem = _front_matter(readme_text or "")
    if problem:
        out.reject(source_file, ref, problem, body)
        return [], [], out.quarantine[n_bad:]
    entries = hf_entries(data["model-index"]) if data.get("model-index") is not None else []
    if flat_guess:
        model_id = resolve_model_id(model_id, [e.model for e in entries if e.model])
    for e in entries:
        e.model = model_id  # the repo id is the model; the model-index name is only a display name
    if not entries:
        reason = "card has no metrics" if "model-index" in data else "card has no model-index"
        out.reject(source_file, ref, reason, data.get("model-index"))
    out.add_entries(entries, source_file, scope=ref, source_version=source_version, snapshot_date=snapshot_date)
    return out.records[n_records:], [_model_row(model_id, data, body)], out.quarantine[n_bad:]


def _read_collection(out: Collector, path: Path, rel: str, collection: str) -> list[dict]:
    """Parse every card line into ``out``; returns the model rows. A bad line or a truncated gzip stream is
    quarantined."""
    version, snapshot_date = COLLECTIONS[collection]
    models, line_no = [], 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                try:
                    card = json.loads(line)
                    readme, guess = card["readme"], card["model_id_guess"]
                    ref = card.get("path") or guess
                except (json.JSONDecodeError, KeyError, TypeError) as err:
                    out.reject(rel, f"line {line_no}", f"unreadable card line: {err}", line)
                    continue
                if not isinstance(guess, str) or not guess.strip():
                    out.reject(rel, f"line {line_no}", "card line without a model_id_guess", line)
                    continue
                models += parse_card(readme if isinstance(readme, str) else "", guess, rel, version, card_ref=ref,
                                     snapshot_date=snapshot_date, flat_guess=collection == "cs577", out=out)[1]
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as err:
        what = "file not found" if isinstance(err, FileNotFoundError) else "truncated or corrupt gzip"
        out.reject(rel, f"after line {line_no}", f"{what}: {err}")
    return models


def read(snapshot_dir: Path) -> SourceBatch:
    out, models = Collector(SOURCE), {}
    for path, collection in zip(snapshot_files(snapshot_dir), COLLECTIONS):  # newest collection first
        for row in _read_collection(out, path, path.relative_to(snapshot_dir).as_posix(), collection):
            models.setdefault(row["model_raw"], row)
    return out.batch(list(models.values()), dataset_rows(out.records))
