"""`modellens stats`: the benchmark's counts, from the marts and the landing manifests."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb


def benchmark_stats(warehouse: Path, landing: Path) -> dict:
    sources, quarantined, raw = {}, 0, 0
    details = {}
    for manifest in sorted(landing.glob("*/manifest.json")):
        counts = json.loads(manifest.read_text())["counts"]
        name = manifest.parent.name
        sources[name] = counts["loaded"]
        details[name] = counts
        quarantined += counts["quarantined"]
        raw += counts["read"]
    stats = {"records": 0, "models": 0, "datasets": 0, "metrics": 0}
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = {row[0] for row in con.sql("select table_name from information_schema.tables").fetchall()}
            if "fct_evaluations" in tables:
                stats["records"], stats["unknown_direction"], stats["conflicts"] = con.execute(
                    "select count(*), count(*) filter (higher_is_better is null), count(*) filter (is_conflict)"
                    " from fct_evaluations"
                ).fetchone()
                for key, table in (("models", "dim_models"), ("datasets", "dim_datasets"), ("metrics", "dim_metrics")):
                    stats[key] = con.execute(f"select count(*) from {table}").fetchone()[0]
            if "topk_pools" in tables:
                stats["topk_pools"] = con.execute("select count(distinct query_id) from topk_pools").fetchone()[0]
    return {**stats, "sources": sources, "quarantined": quarantined, "raw_records": raw, "source_counts": details}
