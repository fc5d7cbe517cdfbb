"""The landing zone with real connectors: reconciled counts, skip when unchanged, re-parse on change, atomic swap."""

import importlib
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from orchestration.sources import automlbenchmark, registry
from orchestration.sources.landing import TABLES, land

MTEB_ROWS = 5000  # mteb is 1.3M rows: a prefix of main_scores stands in for it


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _copy_snapshot(module, snapshot_dir, target):
    for path in module.snapshot_files(snapshot_dir):
        dest = target / path.relative_to(snapshot_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return target


def test_land_reconciles_and_matches_the_parquet_files(snapshot_dir, tmp_path):
    result = land(automlbenchmark, snapshot_dir, tmp_path)
    assert not result.skipped and result.reconciles
    counts, folder = result.counts, tmp_path / automlbenchmark.SOURCE
    rows = {t: pq.read_metadata(folder / f"{t}.parquet").num_rows for t in TABLES}
    assert counts["loaded"] == rows["records"] > 1000 and counts["quarantined"] == rows["quarantine"] > 0
    assert counts["read"] == rows["records"] + rows["quarantine"]
    records = pd.read_parquet(folder / "records.parquet")
    assert records.source_record_id.is_unique and (records.source == automlbenchmark.SOURCE).all()

    again = land(automlbenchmark, snapshot_dir, tmp_path)  # unchanged inputs and code: nothing is re-read
    before = _files(folder)
    assert again.skipped and again.fingerprint == result.fingerprint and again.counts == counts
    assert _files(folder) == before and not folder.with_name(folder.name + ".tmp").exists()

    declared = registry.BY_NAME[automlbenchmark.SOURCE].row()
    assert pd.read_parquet(folder / "source.parquet").to_dict("records") == [declared]
    pd.DataFrame([{**declared, "precedence": 99}]).to_parquet(folder / "source.parquet", index=False)
    land(automlbenchmark, snapshot_dir, tmp_path)  # skipped, but never with a stale declaration
    assert pd.read_parquet(folder / "source.parquet").to_dict("records") == [declared]


def test_changed_input_is_reparsed(snapshot_dir, tmp_path):
    snap = _copy_snapshot(automlbenchmark, snapshot_dir, tmp_path / "snap")
    first = land(automlbenchmark, snap, tmp_path / "landing")
    table = snap / automlbenchmark.ROOT / "tables" / "1h" / "all_results.csv"
    header, *lines = table.read_text().splitlines()
    table.write_text("\n".join([header, *lines[:-10]]) + "\n")  # the last rows are gone upstream
    second = land(automlbenchmark, snap, tmp_path / "landing")
    assert not second.skipped and second.fingerprint != first.fingerprint and second.reconciles
    assert second.counts != first.counts
    landed = pd.read_parquet(tmp_path / "landing" / automlbenchmark.SOURCE / "records.parquet")
    assert len(landed) == second.counts["loaded"]


def test_failed_write_leaves_the_previous_landing_intact(snapshot_dir, tmp_path, monkeypatch):
    snap = _copy_snapshot(automlbenchmark, snapshot_dir, tmp_path / "snap")
    land(automlbenchmark, snap, tmp_path / "landing")
    folder = tmp_path / "landing" / automlbenchmark.SOURCE
    before = _files(folder)
    (snap / automlbenchmark.ROOT / "tables" / "4h" / "all_results.csv").write_text("")  # forces a re-parse

    real, calls = pd.DataFrame.to_parquet, []

    def flaky(self, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 3:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    with pytest.raises(OSError, match="disk full"):
        land(automlbenchmark, snap, tmp_path / "landing")
    assert len(calls) == 3 and _files(folder) == before
    monkeypatch.undo()
    retry = land(automlbenchmark, snap, tmp_path / "landing")  # the next run lands the change
    assert not retry.skipped and retry.reconciles and _files(folder) != before


@pytest.mark.parametrize("source", list(registry.SNAPSHOT_CONNECTORS))
def test_every_snapshot_connector_reconciles(source, snapshot_batch):
    module = importlib.import_module(f"orchestration.sources.{registry.SNAPSHOT_CONNECTORS[source]}")
    batch = snapshot_batch(module, nrows=MTEB_ROWS) if source == "mteb" else snapshot_batch(module)
    assert module.SOURCE == source == batch.source
    assert batch.read_count == len(batch.records) + len(batch.quarantine) > 0
    assert batch.records.source_record_id.is_unique and batch.records.source_record_id.notna().all()
    assert batch.records.value.notna().all() and batch.quarantine.reason.notna().all()
    assert (batch.quarantine.reason.str.len() > 0).all()
