"""Landing for the opt-in live sources (network): the Hugging Face Hub and a Papers-with-Code archive URL."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from orchestration.sources.landing import TABLES, LandingResult, write_batch
from orchestration.sources.records import SourceBatch, now_iso

KEYS = {
    "records": ["source_record_id"],
    "models": ["model_raw"],
    "datasets": ["dataset_raw"],
    "quarantine": ["source_file", "locator", "reason"],
}

PWC_ARCHIVE_URL = "https://production-media.paperswithcode.com/about/evaluation-tables.json.gz"


def land_live(source: str, landing_root: Path, state_root: Path, limit: int) -> LandingResult:
    """Fetch what changed since the last cursor and land it (an empty batch when nothing changed)."""
    if source == "hf_hub_live":
        from orchestration.sources import hf_hub_live

        batch = hf_hub_live.read_live(state_root / "hf_hub_cursor.json", limit=limit, token=os.environ.get("HF_TOKEN"))
    elif source == "pwc_live":
        from orchestration.sources import pwc_live

        url = os.environ.get("MODELLENS_PWC_ARCHIVE_URL", PWC_ARCHIVE_URL)
        batch = pwc_live.read_live(url, state_root / "pwc_live")
    else:
        raise ValueError(f"{source} is not a live source")
    if source == "hf_hub_live":
        batch = accumulate(batch, landing_root / source)
    fingerprint = f"live@{now_iso()}"
    counts = write_batch(batch, landing_root / source, fingerprint)
    return LandingResult(source, False, fingerprint, counts)


def accumulate(batch: SourceBatch, folder: Path) -> SourceBatch:
    """An incremental source returns only what changed: merge it into what earlier runs landed (newest wins)."""
    if not (folder / "records.parquet").exists():
        return batch
    merged = {}
    for table in TABLES:
        frames = [pd.read_parquet(folder / f"{table}.parquet"), getattr(batch, table)]
        combined = (
            pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else frames[1]
        )
        merged[table] = combined.drop_duplicates(KEYS[table], keep="last")
    return SourceBatch.build(batch.source, **merged)
