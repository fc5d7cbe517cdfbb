"""`modellens recommend`: a readable Top-K for a dataset description, with the evidence behind each model."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import duckdb

from training.queries import parse_query


def recommend(
    ranker, description: str, task=None, metric=None, modality=None, k: int = 10, warehouse: Path | None = None,
    max_params: float | None = None, hf_only: bool = False,
) -> dict:
    """Rank the catalogue for the described dataset, through the same query path as `rank` and the pools;
    evidence = the nearest benchmarked datasets and each recommended model's records there."""
    query = parse_query({"query_id": "recommend", "dataset": description, "description": description,
                             "task": task, "metric": metric, "modality": modality, "max_params": max_params,
                             "hf_only": hf_only}, where="recommend")
    ranking = ranker.rank(query, k=k)
    nearest = ranker.nearest_datasets(query, n=5)
    models = [m for m, _ in ranking]
    records = _records(warehouse, models, [d for d, _ in nearest]) if warehouse and warehouse.exists() else {}
    return {
        "query": {key: value for key, value in asdict(query).items()
                  if value not in (None, False) and key != "query_id"},
        "nearest_datasets": [{"dataset": d, "similarity": round(s, 3)} for d, s in nearest],
        "ranking": [{"model": m, "score": round(s, 4), "evidence": records.get(m, [])} for m, s in ranking],
    }


def _records(warehouse: Path, models: list[str], datasets: list[str], per_model: int = 3) -> dict:
    """Each model's records on the nearest datasets, strongest first."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select model_id, dataset_id, metric_id, value, z_score from (
                select *, row_number() over (partition by model_id order by z_score desc) as rn
                from fct_evaluations
                where model_id in (select unnest(?)) and dataset_id in (select unnest(?)) and z_score is not null
            ) where rn <= ? order by model_id, rn
            """,
            [models, datasets, per_model],
        ).fetchall()
    out: dict[str, list] = {}
    for model, dataset, metric, value, z in rows:
        out.setdefault(model, []).append({"dataset": dataset, "metric": metric, "value": value, "z": round(z, 2)})
    return out


def format_table(result: dict) -> str:
    nearest = ", ".join(f"{d['dataset']} ({d['similarity']:.2f})" for d in result["nearest_datasets"])
    lines = [
        f"Top {len(result['ranking'])} for: {result['query'].get('description', '')}",
        f"Nearest benchmarked datasets: {nearest}",
        "",
    ]
    lines.append(f"{'#':>3}  {'model':<56} {'score':>8}  evidence on the nearest datasets")
    for position, row in enumerate(result["ranking"], start=1):
        evidence = "; ".join(
            f"{e['dataset']} {e['metric']}={e['value']:.4g} (z {e['z']:+.2f})" for e in row["evidence"]
        )
        lines.append(
            f"{position:>3}  {row['model']:<56} {row['score']:>8.3f}  {evidence or 'no records there (ranked from similar lists)'}"
        )
    return "\n".join(lines)
