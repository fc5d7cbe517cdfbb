"""`modellens recommend`: a readable Top-K for a dataset description, with the evidence behind each model."""

from __future__ import annotations

from pathlib import Path

import duckdb


def recommend(ranker, description: str, task=None, metric=None, modality=None, k: int = 10,
              warehouse: Path | None = None) -> dict:
    query = {"query_id": "recommend", "dataset": description, "description": description, "task": task,
             "metric": metric, "modality": modality, "higher_is_better": None, "candidates": None}
    ranking = ranker.rank(query, k=k)
    evidence = _evidence(warehouse, [m for m, _ in ranking], task) if warehouse and warehouse.exists() else {}
    return {
        "query": {key: value for key, value in query.items() if value is not None and key != "query_id"},
        "ranking": [{"model": m, "score": round(s, 4), "evidence": evidence.get(m, [])} for m, s in ranking],
    }


def _evidence(warehouse: Path, models: list[str], task: str | None, per_model: int = 3) -> dict:
    """Each model's strongest benchmark records (on the query's task when given)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select model_id, dataset_id, metric_id, value, z_score from (
                select f.*, row_number() over (partition by f.model_id order by f.z_score desc) as rn
                from fct_evaluations f join dim_datasets d using (dataset_id)
                where f.model_id in (select unnest(?)) and f.z_score is not null
                  and (? is null or d.task = ?)
            ) where rn <= ? order by model_id, rn
            """,
            [models, task, task, per_model],
        ).fetchall()
    out: dict[str, list] = {}
    for model, dataset, metric, value, z in rows:
        out.setdefault(model, []).append({"dataset": dataset, "metric": metric, "value": value, "z": round(z, 2)})
    return out


def format_table(result: dict) -> str:
    lines = [f"Top {len(result['ranking'])} for: {result['query'].get('description', '')}", ""]
    lines.append(f"{'#':>3}  {'model':<60} {'score':>8}  evidence")
    for position, row in enumerate(result["ranking"], start=1):
        evidence = "; ".join(f"{e['dataset']} {e['metric']}={e['value']:.4g} (z {e['z']:+.2f})" for e in row["evidence"])
        lines.append(f"{position:>3}  {row['model']:<60} {row['score']:>8.3f}  {evidence or '-'}")
    return "\n".join(lines)
