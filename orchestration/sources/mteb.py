"""MTEB results: ``mteb/main_scores.csv.gz``, one main score per model × revision × task × split × hf_subset.

Read vectorised (pyarrow CSV over a streamed gunzip, so a truncated archive keeps every complete line and
quarantines the rest; rows with the wrong number of fields are quarantined by line number). ``metric_raw`` is
the task's ``main_score`` from ``task_metadata.json`` (literally ``main_score`` for the ~140 tasks whose
metadata does not name it); every MTEB main score is higher-is-better (the leaderboard sorts by it
descending), so ``higher_is_better`` is true. ``source_version`` is the model revision, so revisions stay
separate records (dedup is dbt's job); a repeated key is numbered (``Collector.add_frame``). Side tables:
``task_metadata.json`` → datasets, ``model_meta.json`` → models (with a short synthetic ``card_text``: MTEB has no
model cards); either file missing or not a JSON list is a quarantine row, and the records still load.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pandas as pd

from .records import SourceBatch
from .tables import Collector, bad_row, file_error, read_csv_bytes, read_json

SOURCE = "mteb"
MAIN_SCORES = "mteb/main_scores.csv.gz"
TASK_METADATA = "mteb/task_metadata.json"
MODEL_META = "mteb/model_meta.json"
KEY = ["model", "revision", "task", "split", "hf_subset"]
RECORD_KEY = ["model_raw", "source_version", "dataset_raw", "dataset_split", "dataset_config"]  # KEY, as records
_CHUNK = 1 << 20


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [Path(snapshot_dir) / p for p in (MAIN_SCORES, TASK_METADATA, MODEL_META)]


def _gunzip(path: Path, nrows: int | None) -> tuple[bytes, str | None]:
    """Decompress (the header and ``nrows`` data lines); return (bytes, error or None). Never raises on bad gzip."""
    out, error = bytearray(), None
    decomp = zlib.decompressobj(wbits=31)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                out += decomp.decompress(chunk)
            except zlib.error as exc:
                error = f"corrupt gzip stream: {exc}"
                break
            if nrows is not None and out.count(b"\n") > nrows:
                return bytes(out[: _nth_newline(out, nrows + 1) + 1]), None
        else:
            if not decomp.eof:
                error = "truncated gzip stream (end-of-stream marker missing)"
    return bytes(out), error


def _nth_newline(buf: bytearray, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = buf.index(b"\n", pos + 1)
    return pos


def read_main_scores(path: Path, nrows: int | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """Read main_scores.csv.gz (optionally only the first ``nrows`` rows): (frame of strings, quarantine rows).

    A truncated or corrupt archive keeps every complete line and quarantines the loss.
    """
    try:
        data, error = _gunzip(Path(path), nrows)
    except OSError as exc:
        return _no_rows(), [file_error(MAIN_SCORES, exc)]
    quarantine = []
    if error:
        cut = data.rfind(b"\n") + 1
        data, tail = data[:cut], data[cut:]
        lines = data.count(b"\n")
        quarantine.append(bad_row(MAIN_SCORES, f"after line {lines}",
                               f"{error}: the rest of the file is lost", tail.decode("utf-8", "replace")))
    df, bad = read_csv_bytes(data, MAIN_SCORES)
    missing = [c for c in [*KEY, "main_score"] if c not in df.columns]
    if missing:
        problem = bad_row(MAIN_SCORES, "line 1", f"missing columns {missing}", list(df.columns))
        return _no_rows(), [*quarantine, *bad, problem]
    return df, quarantine + bad


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame(columns=[*KEY, "main_score", "line"], dtype="string")


def _objects(path: Path, source_file: str) -> tuple[list[dict], list[dict]]:
    """The objects of a JSON list file, plus quarantine rows for an unreadable file or one that is not a list."""
    doc, bad = read_json(path, source_file)
    if doc is not None and not isinstance(doc, list):
        bad = [bad_row(source_file, "$", "not a JSON list", doc)]
    return [d for d in doc if isinstance(d, dict)] if isinstance(doc, list) else [], bad


def load_tasks(path: Path) -> tuple[dict[str, dict], list[dict]]:
    """task_metadata.json as {task name: metadata}, plus quarantine rows (an unreadable file or not a list)."""
    tasks, bad = _objects(path, TASK_METADATA)
    return {t["name"]: t for t in tasks if isinstance(t.get("name"), str) and t["name"]}, bad


def main_score_name(meta: dict | None) -> str:
    score = (meta or {}).get("main_score")
    return score if isinstance(score, str) and score else "main_score"


def _listify(value) -> list[str]:
    """Lists as strings, dict keys, a single string; placeholder names (``_LANGUAGES``) left by the export → []."""
    if isinstance(value, dict):
        return [str(v) for v in value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    if isinstance(value, str) and value and not value.startswith("_"):
        return [value]
    return []


def dataset_rows(tasks: dict[str, dict], names) -> list[dict]:
    """One datasets row per task name seen (metadata where known)."""
    rows = []
    for name in sorted(set(names)):
        meta = tasks.get(name, {})
        modalities = _listify(meta.get("modalities")) or _listify(meta.get("category"))
        domains = _listify(meta.get("domains"))
        dates = sorted(d[:10] for d in _listify(meta.get("date")) if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", d))
        rows.append({"dataset_raw": name, "description": meta.get("description"), "task_type": meta.get("type"),
                     "modality": ",".join(modalities) or None, "domains": json.dumps(domains) if domains else None,
                     "release_date": dates[-1] if dates else None})
    return rows


def _completeness(meta: dict) -> int:
    return sum(v not in (None, [], {}, "") for v in meta.values())


def model_rows(metas: list[dict], names) -> list[dict]:
    """One models row per ``org__name`` seen; the most complete model_meta entry wins if there are several."""
    by_dir: dict[str, dict] = {}
    for meta in sorted(metas, key=_completeness, reverse=True):
        key = str(meta.get("_dir_model") or str(meta.get("name", "")).replace("/", "__"))
        by_dir.setdefault(key, meta)
    rows = []
    for model_raw in sorted(set(names)):
        meta = by_dir.get(model_raw, {})
        name = meta.get("name") if isinstance(meta.get("name"), str) else None
        name = name or model_raw.replace("__", "/", 1)
        languages, training = _listify(meta.get("languages")), _listify(meta.get("training_datasets"))
        frameworks, modalities = _listify(meta.get("framework")), _listify(meta.get("modalities"))
        card = [f"{name}: embedding model evaluated on MTEB."]
        if modalities:
            card.append(f"Modalities: {', '.join(modalities)}.")
        if languages:
            card.append(f"Languages: {', '.join(languages[:25])}{' ...' if len(languages) > 25 else ''}.")
        if training:
            card.append(f"Training datasets: {', '.join(training[:40])}{' ...' if len(training) > 40 else ''}.")
        if meta.get("adapted_from"):
            card.append(f"Adapted from {meta['adapted_from']}.")
        tags = [f"license:{meta['license']}"] if meta.get("license") else []
        tags += [f"modality:{m}" for m in modalities] + [f"framework:{f}" for f in frameworks]
        params = meta.get("n_parameters")
        rows.append({
            "model_raw": model_raw, "card_text": " ".join(card), "tags": json.dumps(tags),
            "library": frameworks[0].lower().replace(" ", "-") if frameworks else None,
            "base_model": meta.get("adapted_from"),
            "params": float(params) if isinstance(params, (int, float)) and not isinstance(params, bool) else None,
            "release_date": meta.get("release_date"), "organization": name.split("/")[0] if "/" in name else None,
        })
    return rows


def read(snapshot_dir: Path, nrows: int | None = None) -> SourceBatch:
    """Read the whole source (``nrows`` limits main_scores rows, for tests)."""
    snapshot_dir = Path(snapshot_dir)
    out = Collector(SOURCE)
    df, out.quarantine = read_main_scores(snapshot_dir / MAIN_SCORES, nrows)
    tasks, bad_tasks = load_tasks(snapshot_dir / TASK_METADATA)
    metas, bad_metas = _objects(snapshot_dir / MODEL_META, MODEL_META)
    out.quarantine += bad_tasks + bad_metas
    df, names = df[[*KEY, "main_score", "line"]], df["task"].unique()  # the other columns are freed
    out.add_frame(pd.DataFrame({
        "model_raw": df["model"], "source_version": df["revision"], "dataset_raw": df["task"],
        "dataset_split": df["split"], "dataset_config": df["hf_subset"], "value_raw": df["main_score"],
        "task_raw": df["task"].map({t: tasks.get(t, {}).get("type") for t in names}),
        "metric_raw": df["task"].map({t: main_score_name(tasks.get(t)) for t in names}),
        "higher_is_better": True, "line": df["line"],
    }), MAIN_SCORES, RECORD_KEY, number_repeats=True, locator="line {line}",
        context=",".join(f"{{{c}}}" for c in [*RECORD_KEY, "value_raw"]))  # fmt: skip
    return out.batch(model_rows(metas, df["model"].unique()), dataset_rows(tasks, names))
