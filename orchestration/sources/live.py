"""Landing for the opt-in live sources (network): the Hugging Face Hub and a Papers-with-Code archive URL."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.sources.landing import LandingResult, write_batch
from orchestration.sources.records import now_iso

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
    fingerprint = f"live@{now_iso()}"
    counts = write_batch(batch, landing_root / source, fingerprint)
    return LandingResult(source, False, fingerprint, counts)
