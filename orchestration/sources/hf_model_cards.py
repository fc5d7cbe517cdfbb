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

from orchestration.sources.model_index import dataset_rows, entry_rows, hf_entries, load_yaml, text
from orchestration.sources.records import SourceBatch, now_iso
from orchestration.sources.tables import IdMinter, bad_row

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


def parse_card(readme_text: str, model_id: str, source_file: str, source_version: str, *,
               card_ref: str | None = None, snapshot_date: str | None = None, flat_guess: bool = False,
               retrieved_at: str | None = None, ids: IdMinter | None = None) -> tuple[list, list, list]:
    """Parse one README.md into ``(records, model_rows, quarantine_rows)`` (lists of dicts).

    ``card_ref`` names the card inside ``source_file`` (default: ``model_id``); ``flat_guess`` says
    ``model_id`` was guessed from a flat file name; ``ids`` shares record-id uniqueness across cards.
    Record dicts carry a ``dataset_name`` extra for ``model_index.dataset_rows``.
    """
    ref = card_ref or model_id

    def bad(reason: str, raw: object) -> tuple[list, list, list]:
        return [], [], [bad_row(source_file, ref, reason, raw)]

    match = REGEX_YAML_BLOCK.search(readme_text or "")
    if not match:
        return bad("card has no YAML front matter", readme_text or "")
    try:
        data = load_yaml(match.group(2))
    except yaml.YAMLError as err:
        return bad(f"malformed YAML front matter: {str(err).splitlines()[0]}", match.group(2))
    if not isinstance(data, dict):
        return bad("YAML front matter is not a mapping", match.group(2))
    entries = hf_entries(data["model-index"]) if data.get("model-index") is not None else []
    names = [e.model for e in entries if e.model]
    if flat_guess:
        model_id = resolve_model_id(model_id, names)
    for e in entries:
        e.model = model_id  # the repo id is the model; the model-index name is only a display name
    model_rows = [_model_row(model_id, data, readme_text[match.end():])]
    if not entries:
        reason = "card has no metrics" if "model-index" in data else "card has no model-index"
        return [], model_rows, bad(reason, data.get("model-index"))[2]
    records, quarantine = entry_rows(entries, source_file=source_file, source_version=source_version,
                                     retrieved_at=retrieved_at or now_iso(), snapshot_date=snapshot_date,
                                     ids=ids, scope=ref)
    return records, model_rows, quarantine


def _read_collection(path: Path, rel: str, collection: str, ids: IdMinter, retrieved_at: str):
    """Yield ``parse_card`` results per line; a bad line or a truncated gzip stream is quarantined."""
    version, snapshot_date = COLLECTIONS[collection]
    line_no = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                try:
                    card = json.loads(line)
                    readme, guess = card["readme"], card["model_id_guess"]
                    ref = card.get("path") or guess
                except (json.JSONDecodeError, KeyError, TypeError) as err:
                    yield [], [], [bad_row(rel, f"line {line_no}", f"unreadable card line: {err}", line)]
                    continue
                yield parse_card(readme if isinstance(readme, str) else "", guess, rel, version, card_ref=ref,
                                 snapshot_date=snapshot_date, flat_guess=collection == "cs577",
                                 retrieved_at=retrieved_at, ids=ids)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as err:
        what = "file not found" if isinstance(err, FileNotFoundError) else "truncated or corrupt gzip"
        yield [], [], [bad_row(rel, f"after line {line_no}", f"{what}: {err}")]


def read(snapshot_dir: Path) -> SourceBatch:
    records, models, quarantine = [], {}, []
    ids, retrieved_at = IdMinter(), now_iso()
    for path, collection in zip(snapshot_files(snapshot_dir), COLLECTIONS):  # newest collection first
        rel = path.relative_to(snapshot_dir).as_posix()
        for recs, model_rows, quar in _read_collection(path, rel, collection, ids, retrieved_at):
            records += recs
            quarantine += quar
            for row in model_rows:
                models.setdefault(row["model_raw"], row)
    return SourceBatch.build(SOURCE, records, list(models.values()), dataset_rows(records), quarantine)
