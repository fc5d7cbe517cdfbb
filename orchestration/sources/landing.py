"""The landing zone: one folder of parquet files per source (its records, side tables, quarantine, and its
declaration as one row, ``source.parquet``), written atomically, skipped when unchanged."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pandas as pd

from orchestration.sources import registry
from orchestration.sources.records import SourceBatch
from training.progress import progress

TABLES = ("records", "models", "datasets", "quarantine")

# Quarantine reasons that say an input file (or its tail) could not be read, as opposed to one bad value.
DAMAGED_INPUT = re.compile(
    r"unreadable|truncated|corrupt|not valid JSON|file not found|empty file|malformed|no CSV header|missing columns",
    re.IGNORECASE,
)


@dataclass
class LandingResult:
    source: str
    skipped: bool
    fingerprint: str
    counts: dict

    @property
    def reconciles(self) -> bool:
        return self.counts["read"] == self.counts["loaded"] + self.counts["quarantined"]


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp)`` beside ``path``, then rename it over ``path``: readers see the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    tmp.replace(path)


def write_source_row(folder: Path, source: str) -> None:
    """The source's declaration (registry.Source.row) as the folder's one-row ``source.parquet``, rewritten only
    when the declaration changed (a folder a run skipped keeps its tables, never a stale declaration)."""
    row = pd.DataFrame([registry.BY_NAME[source].row()])
    path = folder / "source.parquet"
    if path.exists() and pd.read_parquet(path).to_dict("records") == row.to_dict("records"):
        return
    atomic_write(path, lambda tmp: row.to_parquet(tmp, index=False))


def fingerprint(connector: ModuleType, snapshot_dir: Path) -> str:
    """Hash of the parsing code (the connector and the shared modules it builds on) and of every input file."""
    digest = hashlib.sha256()
    for code in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(code.read_bytes())
    files = sorted(connector.snapshot_files(snapshot_dir))
    for path in progress(files, f"reading {connector.SOURCE}", unit="file"):
        digest.update(str(path.relative_to(snapshot_dir)).encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:24]


def read_manifest(folder: Path) -> dict | None:
    manifest = folder / "manifest.json"
    return json.loads(manifest.read_text()) if manifest.exists() else None


def damaged_inputs(folder: Path) -> pd.DataFrame:
    """The landed quarantine rows of files that were missing, truncated, corrupt or not parseable."""
    quarantine = pd.read_parquet(folder / "quarantine.parquet", columns=["source_file", "locator", "reason"])
    return quarantine[quarantine["reason"].fillna("").str.contains(DAMAGED_INPUT)].reset_index(drop=True)


def write_batch(batch: SourceBatch, folder: Path, fp: str) -> dict:
    """Write the batch beside the current folder, then swap it in, so a killed run leaves the old one intact."""
    counts = {"read": batch.read_count, "loaded": len(batch.records), "quarantined": len(batch.quarantine)}
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for table in TABLES:
        getattr(batch, table).to_parquet(staging / f"{table}.parquet", index=False)
    write_source_row(staging, batch.source)
    (staging / "manifest.json").write_text(json.dumps({"fingerprint": fp, "counts": counts}, indent=2))
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return counts


def land(connector: ModuleType, snapshot_dir: Path, landing_root: Path, force: bool = False) -> LandingResult:
    """Read one source into the landing zone unless its fingerprint is unchanged."""
    folder = landing_root / connector.SOURCE
    fp = fingerprint(connector, snapshot_dir)
    manifest = read_manifest(folder)
    if manifest and manifest["fingerprint"] == fp and not force:
        write_source_row(folder, connector.SOURCE)
        return LandingResult(connector.SOURCE, True, fp, manifest["counts"])
    batch = connector.read(snapshot_dir)
    return LandingResult(connector.SOURCE, False, fp, write_batch(batch, folder, fp))


def land_empty_if_missing(source: str, landing_root: Path) -> LandingResult:
    """A disabled source still needs (empty) tables so the dbt staging model has something to read."""
    folder = landing_root / source
    manifest = read_manifest(folder)
    if manifest is None:
        write_batch(SourceBatch.build(source, []), folder, "empty")
        manifest = read_manifest(folder)
    else:
        write_source_row(folder, source)
    return LandingResult(source, True, manifest["fingerprint"], manifest["counts"])
