"""The one raw record schema every connector produces, plus the side tables and the quarantine."""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring_ascii as _quote
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

RECORD_COLUMNS = {
    "source": "string",
    "source_record_id": "string",  # stable: hash of the fields that identify the record within its source
    "model_raw": "string",
    "dataset_raw": "string",
    "dataset_config": "string",  # config / subset / language, where the source has one
    "dataset_split": "string",
    "task_raw": "string",
    "metric_raw": "string",
    "value_raw": "string",  # the value as found
    "value": "float64",  # parsed number; never invented (NaN only if quarantined)
    "higher_is_better": "boolean",  # where the source states the direction
    "source_file": "string",  # path relative to the snapshot dir (or URL for live sources)
    "source_version": "string",  # upstream commit / snapshot date / revision
    "snapshot_date": "string",  # ISO date of a dated snapshot (latest wins in dedup), else null
    "retrieved_at": "string",  # ISO timestamp of the read
}

MODEL_COLUMNS = {
    "source": "string",
    "model_raw": "string",
    "card_text": "string",
    "tags": "string",  # JSON list
    "library": "string",
    "pipeline_tag": "string",
    "base_model": "string",
    "params": "float64",  # parameter count (absolute, not millions)
    "release_date": "string",
    "organization": "string",
}

DATASET_COLUMNS = {
    "source": "string",
    "dataset_raw": "string",
    "description": "string",
    "task_type": "string",
    "modality": "string",
    "domains": "string",  # JSON list
    "release_date": "string",  # ISO date the benchmark appeared (MTEB task date, earliest PwC paper), else null
}

QUARANTINE_COLUMNS = {
    "source": "string",
    "source_file": "string",
    "locator": "string",  # line number, JSON path, row index ... where the bad input sits
    "reason": "string",
    "excerpt": "string",  # at most 300 characters of the offending input
}


def _frame(rows: list[dict] | pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame.from_records(rows)
    for col in columns:
        if col not in df.columns:
            df[col] = None
    df = df[list(columns)]
    return df.astype(columns)


def record_id(*parts: object) -> str:
    """Stable id of a record within its source: sha1 of its identifying fields.

    The hashed text is exactly ``json.dumps([str(p) for p in parts])``, built from json's own (C) string encoder
    without the generic encoder's per-call overhead.
    """
    return hashlib.sha1(("[" + ", ".join([_quote(str(p)) for p in parts]) + "]").encode()).hexdigest()[:20]


def _quoted(column) -> list[str]:
    """JSON-quoted ``str`` of each value; each distinct value is encoded once (leaderboard columns repeat)."""
    cache: dict[str, str] = {}
    out = []
    for text in map(str, column.tolist() if isinstance(column, (pd.Series, pd.Index)) else column):
        quoted = cache.get(text)
        if quoted is None:
            quoted = cache[text] = _quote(text)
        out.append(quoted)
    return out


def record_ids(*columns) -> list[str]:
    """``record_id`` row by row over equal-length columns (lists, Series): the same ids, for large frames."""
    sha1 = hashlib.sha1
    return [sha1(("[" + ", ".join(row) + "]").encode()).hexdigest()[:20] for row in zip(*map(_quoted, columns))]


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def excerpt(obj: object, limit: int = 300) -> str:
    text = obj if isinstance(obj, str) else json.dumps(obj, default=str)
    return text[:limit]


@dataclass
class SourceBatch:
    """What one connector read: ``read_count == len(records) + len(quarantine)`` must hold."""

    source: str
    records: pd.DataFrame
    models: pd.DataFrame = field(default_factory=lambda: _frame([], MODEL_COLUMNS))
    datasets: pd.DataFrame = field(default_factory=lambda: _frame([], DATASET_COLUMNS))
    quarantine: pd.DataFrame = field(default_factory=lambda: _frame([], QUARANTINE_COLUMNS))

    @classmethod
    def build(cls, source, records, models=(), datasets=(), quarantine=()) -> "SourceBatch":
        """Normalise column sets and dtypes; fills ``source`` everywhere."""
        frames = {}
        for name, rows, cols in (
            ("records", records, RECORD_COLUMNS),
            ("models", models, MODEL_COLUMNS),
            ("datasets", datasets, DATASET_COLUMNS),
            ("quarantine", quarantine, QUARANTINE_COLUMNS),
        ):
            rows = rows if isinstance(rows, pd.DataFrame) else list(rows)
            df = _frame(rows, cols)
            df["source"] = source
            frames[name] = df.astype(cols)
        return cls(source=source, **frames)

    @property
    def read_count(self) -> int:
        return len(self.records) + len(self.quarantine)
