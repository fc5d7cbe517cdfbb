"""Load the benchmark marts from the DuckDB warehouse into frames the trainer and the evaluation use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

EVAL_COLUMNS = [
    "model_id",
    "dataset_id",
    "metric_id",
    "list_id",
    "value",
    "higher_is_better",
    "signed_value",
    "z_score",
]


@dataclass
class Benchmark:
    """Evaluations with a known direction, plus the dimension tables that carry cold-start side information.

    ``evals`` columns: EVAL_COLUMNS. ``models`` is indexed by model_id, ``datasets`` by dataset_id, ``metrics``
    by metric_id (see the marts contract in dbt_project/models/marts/_marts.yml).
    """

    evals: pd.DataFrame
    models: pd.DataFrame
    datasets: pd.DataFrame
    metrics: pd.DataFrame
    excluded_unknown_direction: int = 0
    taxonomy: dict = field(default_factory=dict)  # raw task spelling -> [canonical task, modality] (seed)

    @classmethod
    def from_frames(cls, evals, models, datasets, metrics, excluded_unknown_direction=0,
                    taxonomy: dict | None = None) -> "Benchmark":
        known = evals[evals["higher_is_better"].notna()].reset_index(drop=True)
        return cls(
            evals=known,
            models=models.set_index("model_id") if "model_id" in models.columns else models,
            datasets=datasets.set_index("dataset_id") if "dataset_id" in datasets.columns else datasets,
            metrics=metrics.set_index("metric_id") if "metric_id" in metrics.columns else metrics,
            excluded_unknown_direction=excluded_unknown_direction + int(evals["higher_is_better"].isna().sum()),
            taxonomy=taxonomy or {},
        )

    def list_families(self, rows: pd.DataFrame) -> pd.Series:
        """Source family (dim_datasets.source_family) of every list in ``rows``, 'other' where unknown."""
        first = rows.drop_duplicates("list_id").set_index("list_id")["dataset_id"]
        family = self.datasets["source_family"] if "source_family" in self.datasets.columns else \
            pd.Series(dtype=object)
        return first.map(family).astype(object).fillna("other")

    def fingerprint(self) -> str:
        """Content hash of the evaluations (independent of row order), for lineage (MLflow ``log_input``) and for
        skipping a retrain on unchanged data."""
        rows = self.evals[["model_id", "list_id", "value"]].sort_values(["model_id", "list_id"], kind="stable")
        hashed = pd.util.hash_pandas_object(rows, index=False)
        return hashlib.sha256(hashed.values.tobytes()).hexdigest()[:16]


def load_benchmark(warehouse: str | Path) -> Benchmark:
    """Read fct_evaluations and the dims from the warehouse (read-only)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        evals = con.sql(f"select {', '.join(EVAL_COLUMNS)} from fct_evaluations").df()
        models = con.sql("select * from dim_models").df()
        datasets = con.sql("select * from dim_datasets").df()
        metrics = con.sql("select * from dim_metrics").df()
        has_seed = con.sql("select count(*) from duckdb_tables() where table_name = 'task_taxonomy'").fetchall()[0][0]
        taxonomy = {raw.lower(): [task, modality] for raw, task, modality in
                    con.sql("select task_raw, task, modality from task_taxonomy").fetchall() if raw} if has_seed else {}
    return Benchmark.from_frames(evals, models, datasets, metrics, taxonomy=taxonomy)
