"""The registered MLflow model: a pyfunc over the saved Ranker, answering the `modellens rank` contract."""

from __future__ import annotations

import json

import mlflow.pyfunc
import pandas as pd

from training.queries import parse_query

RANKER_ARTIFACT = "ranker"


class ModelLensPyfunc(mlflow.pyfunc.PythonModel):
    """``predict(df)``: one query per row (the query-file keys as columns) → ``query_id`` and ``ranking``."""

    def load_context(self, context):
        from training.ranker import Ranker

        self.ranker = Ranker.load(context.artifacts[RANKER_ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        k = int((params or {}).get("k", 10))
        rows = []
        for position, record in enumerate(model_input.to_dict(orient="records"), start=1):
            query = parse_query(record, where=f"row {position}")
            ranking = self.ranker.rank(query, k=k)
            rows.append({"query_id": query.query_id, "ranking": json.dumps(ranking_payload(ranking))})
        return pd.DataFrame(rows, columns=["query_id", "ranking"])


def ranking_payload(ranking) -> list[dict]:
    return [{"model": model, "score": round(float(score), 6)} for model, score in ranking]
