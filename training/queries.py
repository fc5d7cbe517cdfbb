"""Ranking queries: one typed :class:`Query`, parsed and validated once where a query enters (query files, the
pyfunc, dataset requests, pools, the CLI) with clear errors before any output is written, and built from a
benchmark list for promotion and evaluation by :func:`list_query`."""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

OPTIONAL_TEXT = ("description", "task", "metric", "modality")


@dataclass(frozen=True)
class Query:
    """The DESIGN.md query: a dataset (a benchmarked one's id or a new one's name) with what the user knows of it,
    the catalogue filters (``modality``/``task`` also filter), and the candidates to order (None = the catalogue)."""

    query_id: str
    dataset: str
    description: str | None = None
    task: str | None = None
    metric: str | None = None
    modality: str | None = None
    higher_is_better: bool | None = None
    max_params: float | None = None
    hf_only: bool = False
    candidates: tuple[str, ...] | None = None

    def dataset_meta(self) -> dict:
        """The side information a dataset text is built from (training.features.dataset_text)."""
        return {"description": self.description, "task": self.task, "modality": self.modality}


class QueryError(ValueError):
    """A query that cannot be ranked; the message names where it is."""


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def parse_query(raw, where: str = "query") -> Query:
    """Check one query (a mapping of the query-file keys) against the contract; a QueryError names ``where``."""
    if not isinstance(raw, dict):
        raise QueryError(f"{where}: a query must be a JSON object, got {type(raw).__name__}")
    query = {}
    for key in ("query_id", "dataset"):
        value = raw.get(key)
        if _is_missing(value) or (isinstance(value, str) and not value.strip()):
            raise QueryError(f"{where}: missing or empty field {key!r}")
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise QueryError(f"{where}: field {key!r} must be a string")
        query[key] = str(value)
    for key in OPTIONAL_TEXT:
        value = raw.get(key)
        if not _is_missing(value) and not isinstance(value, str):
            raise QueryError(f"{where}: field {key!r} must be a string")
        query[key] = None if _is_missing(value) else value
    hib = raw.get("higher_is_better")
    if not _is_missing(hib) and not isinstance(hib, bool):
        raise QueryError(f"{where}: field 'higher_is_better' must be true or false")
    query["higher_is_better"] = None if _is_missing(hib) else hib
    max_params = raw.get("max_params")
    if not _is_missing(max_params) and (isinstance(max_params, (bool, np.bool_))
                                        or not isinstance(max_params, numbers.Real)
                                        or not math.isfinite(max_params) or max_params <= 0):
        raise QueryError(f"{where}: field 'max_params' must be a positive number of parameters, got {max_params!r}")
    query["max_params"] = None if _is_missing(max_params) else float(max_params)
    hf_only = raw.get("hf_only")
    if not _is_missing(hf_only) and not isinstance(hf_only, (bool, np.bool_)):
        raise QueryError(f"{where}: field 'hf_only' must be true or false")
    query["hf_only"] = bool(hf_only) if not _is_missing(hf_only) else False
    candidates = raw.get("candidates")
    if _is_missing(candidates):
        query["candidates"] = None
    else:
        candidates = (
            list(candidates)
            if not isinstance(candidates, (str, dict)) and hasattr(candidates, "__iter__")
            else candidates
        )
        if not isinstance(candidates, list):
            raise QueryError(f"{where}: 'candidates' must be a list of model ids")
        if not candidates:
            raise QueryError(f"{where}: 'candidates' is empty; omit it to rank the whole catalogue")
        bad = [c for c in candidates if not isinstance(c, str) or not c.strip()]
        if bad:
            raise QueryError(f"{where}: every candidate must be a non-empty string, got {bad[0]!r}")
        query["candidates"] = tuple(candidates)
    return Query(**query)


def list_query(bench, dataset_id: str, metric_id: str, list_id: str | None = None) -> Query:
    """A benchmark list as a query: what a user could say of it (the dataset's side information, its metric and
    direction), no values. ``bench``: a training.data.Benchmark."""
    meta = bench.datasets.loc[dataset_id] if dataset_id in bench.datasets.index else pd.Series(dtype=object)
    hib = bench.metrics["higher_is_better"].get(metric_id) if metric_id in bench.metrics.index else None
    text = {key: meta.get(key) if isinstance(meta.get(key), str) else None for key in ("description", "task",
                                                                                      "modality")}
    return Query(query_id=list_id or f"{dataset_id}|{metric_id}", dataset=dataset_id, metric=metric_id,
                 higher_is_better=None if hib is None or pd.isna(hib) else bool(hib), **text)


def read_queries(path: Path) -> list[Query]:
    """Parse and validate a JSONL query file; the first bad line raises a QueryError naming it."""
    queries = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as err:
                raise QueryError(f"{path}:{number}: not valid JSON ({err.msg})") from None
            queries.append(parse_query(raw, where=f"{path}:{number}"))
    if not queries:
        raise QueryError(f"{path}: no queries")
    seen = set()
    for query in queries:
        if query.query_id in seen:
            raise QueryError(f"{path}: duplicate query_id {query.query_id!r}")
        seen.add(query.query_id)
    return queries
