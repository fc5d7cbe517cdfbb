"""How the pipeline's cost grows with the catalogue: synthetic landings of 1x, 3x and 10x the snapshot.

python bench/scale.py [--factors 1 3 10] [--work DIR] [--sources a,b] [--embedder minilm|static]
(prints one JSON object)

The real snapshot is ingested once (``modellens pipeline --stage ingest``); a factor f keeps those real records and
adds f-1 synthetic copies of every source's landing. A copy renames every model and dataset (a suffix on the name,
so organisations, name shapes, list sizes, sources, tasks and metrics stay the real ones), gives each model card and
dataset description its copy's name (new texts, so the embeddings are paid for again) and moves each value by 1% of
itself. Each factor then runs transform, train and serve in a fresh home with a fresh embedding cache, every stage
a process of its own whose peak resident memory GNU time reports. The ingest stage is the real ingestion plus
writing the copies. ``--sources`` restricts the snapshot (a quick trial of the bench itself); ``--embedder`` picks
the text embeddings of the train stage (its run config's ``dataset_embedder`` and ``model_embedder``: MiniLM's
cost grows with every new text, the static one's hardly at all).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

BIN = Path(sys.executable).parent
STAGES = ("transform", "train", "serve")


def run_stage(stage: str, home: Path, env: dict, config: Path | None = None) -> dict:
    """``modellens pipeline --stage <stage>`` in ``home``: seconds and peak RSS (MB) of the process tree's largest."""
    rss = home / f".{stage}.rss"
    started = time.perf_counter()
    command = [BIN / "modellens", "pipeline", "--stage", stage, *(["--config", config] if config else [])]
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss, *command], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{stage} failed in {home}:\n{done.stderr[-3000:]}")
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(int(rss.read_text().split()[-1]) / 1024, 1)}


def environment(home: Path, sources: str | None) -> dict:
    env = dict(os.environ, MODELLENS_HOME=str(home), DAGSTER_HOME=str(home / "dagster"),
               MODELLENS_CACHE_DIR=str(home / "cache"), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    if sources:
        env["MODELLENS_SOURCES"] = sources
    return env


def synthetic_copy(tables: dict[str, pd.DataFrame], copy: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """One renamed copy of a source's records, models and datasets (``copy`` >= 1)."""
    suffix = f"-syn{copy}"
    out = {}
    records = tables["records"].copy()
    records["model_raw"] = records["model_raw"].astype(str) + suffix
    records["dataset_raw"] = records["dataset_raw"].astype(str) + suffix
    records["source_record_id"] = records["source_record_id"].astype(str) + suffix
    value = pd.to_numeric(records["value"], errors="coerce")
    records["value"] = value * (1 + 0.01 * rng.standard_normal(len(records)))
    records["value_raw"] = records["value"].map(lambda v: "" if pd.isna(v) else repr(float(v)))
    out["records"] = records
    for table, name, text in (("models", "model_raw", "card_text"), ("datasets", "dataset_raw", "description")):
        if table in tables:
            frame = tables[table].copy()
            frame[name] = frame[name].astype(str) + suffix
            frame[text] = np.where(frame[text].notna(), frame[name] + ": " + frame[text].fillna(""), None)
            out[table] = frame
    return out


def grow_landing(landing: Path, factor: int, seed: int = 0) -> None:
    """Append factor-1 synthetic copies to every source folder of ``landing``; manifests count them as read and
    loaded (so the landing still reconciles) and get a new fingerprint."""
    rng = np.random.default_rng(seed)
    for folder in sorted(p for p in landing.iterdir() if (p / "records.parquet").exists()):
        tables = {name: pd.read_parquet(folder / f"{name}.parquet")
                  for name in ("records", "models", "datasets") if (folder / f"{name}.parquet").exists()}
        if tables["records"].empty:
            continue
        copies = [synthetic_copy(tables, k, rng) for k in range(1, factor)]
        for name, frame in tables.items():
            pd.concat([frame, *(c[name] for c in copies)], ignore_index=True).to_parquet(folder / f"{name}.parquet",
                                                                                        index=False)
        manifest = json.loads((folder / "manifest.json").read_text())
        added = len(tables["records"]) * (factor - 1)
        manifest["counts"]["read"] += added
        manifest["counts"]["loaded"] += added
        manifest["fingerprint"] = hashlib.sha1(f"{manifest['fingerprint']}x{factor}".encode()).hexdigest()[:24]
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))


def sizes(home: Path) -> dict:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return {name: con.execute(f"select count(*) from {table}").fetchone()[0]
                for name, table in (("records", "fct_evaluations"), ("models", "dim_models"),
                                    ("datasets", "dim_datasets"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--work", type=Path, default=None, help="folder for the homes (default: a new temporary one)")
    parser.add_argument("--sources", default=None, help="comma-separated snapshot sources (default: all)")
    parser.add_argument("--embedder", choices=["minilm", "static"], default="minilm",
                        help="text embeddings of dataset descriptions and model cards in the train stage")
    args = parser.parse_args()
    if any(f < 1 for f in args.factors):
        parser.error("--factors must be positive integers")
    work = args.work or Path(tempfile.mkdtemp(prefix="modellens-scale-"))
    base = work / "base"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    ingest = run_stage("ingest", base, environment(base, args.sources))
    config = work / "run_config.yaml"
    config.write_text(json.dumps({"train": {"ops": {"modellens_ranker": {"config": {
        "dataset_embedder": args.embedder, "model_embedder": args.embedder}}}}}))  # JSON is YAML
    runs = []
    for factor in args.factors:
        home = work / f"x{factor}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir()
        started = time.perf_counter()
        shutil.copytree(base / "landing", home / "landing")
        grow_landing(home / "landing", factor)
        stages = {"ingest": {"seconds": round(ingest["seconds"] + time.perf_counter() - started, 1),
                             "peak_rss_mb": ingest["peak_rss_mb"]}}
        env = environment(home, args.sources)
        for stage in STAGES:
            stages[stage] = run_stage(stage, home, env, config)
        runs.append({"factor": factor, "embedder": args.embedder, **sizes(home), "stages": stages,
                     "total_seconds": round(sum(s["seconds"] for s in stages.values()), 1),
                     "peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values())})
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"runs": runs}, indent=2))


if __name__ == "__main__":
    main()
