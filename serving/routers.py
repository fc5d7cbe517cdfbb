"""Query-level routers: predict every model's outcome on a query from its text embedding; routing over a pool picks
the pool model with the best prediction. One interface (``fit(train_emb, train_outcomes)``, ``predict(emb)`` ->
queries x models) so a router is trained once and scored on any pool."""

from __future__ import annotations

import numpy as np
import torch


class KnnRouter:
    """Mean outcome of each model over the ``k`` training queries nearest by cosine similarity (embeddings are
    L2-normalised); ties go to the model with the better training mean."""

    name = "knn"

    def __init__(self, k: int = 20, seed: int = 0):
        self.k = k

    def fit(self, emb: np.ndarray, outcomes: np.ndarray) -> "KnnRouter":
        self.emb, self.outcomes = emb, outcomes
        self.prior = outcomes.mean(0)
        return self

    def predict(self, emb: np.ndarray) -> np.ndarray:
        sims = emb @ self.emb.T
        k = min(self.k, len(self.emb))
        near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        return self.outcomes[near].mean(1) + 1e-6 * self.prior


class _TorchRouter:
    """Full-batch Adam on binary cross-entropy against outcomes in [0, 1], seeded."""

    epochs = 200

    def __init__(self, seed: int = 0):
        self.seed = seed

    def _net(self, dim: int, n_models: int) -> torch.nn.Module:
        raise NotImplementedError

    def fit(self, emb: np.ndarray, outcomes: np.ndarray):
        torch.manual_seed(self.seed)
        self.net = self._net(emb.shape[1], outcomes.shape[1])
        x, y = torch.from_numpy(emb.astype(np.float32)), torch.from_numpy(outcomes.astype(np.float32))
        optimiser = torch.optim.Adam(self.net.parameters(), lr=3e-3, weight_decay=1e-4)
        self.net.train()
        for _ in range(self.epochs):
            optimiser.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(self.net(x), y).backward()
            optimiser.step()
        self.net.eval()
        return self

    def predict(self, emb: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return torch.sigmoid(self.net(torch.from_numpy(emb.astype(np.float32)))).numpy()


class MlpRouter(_TorchRouter):
    """One hidden layer (128 units, dropout 0.2) from the query embedding to one output per model."""

    name = "mlp"

    def _net(self, dim, n_models):
        return torch.nn.Sequential(torch.nn.Linear(dim, 128), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                   torch.nn.Linear(128, n_models))


class _Bilinear(torch.nn.Module):
    def __init__(self, dim: int, n_models: int, rank: int):
        super().__init__()
        self.project = torch.nn.Linear(dim, rank, bias=False)
        self.models = torch.nn.Parameter(0.1 * torch.randn(n_models, rank))
        self.bias = torch.nn.Parameter(torch.zeros(n_models))

    def forward(self, x):
        return self.project(x) @ self.models.T + self.bias


class MatrixFactorizationRouter(_TorchRouter):
    """RouteLLM's matrix factorisation: logit(q, m) = <P e_q, v_m> + b_m, with a rank-16 projection P of the query
    embedding and a learned vector v_m per model."""

    name = "mf"

    def _net(self, dim, n_models):
        return _Bilinear(dim, n_models, rank=16)


ROUTERS = {r.name: r for r in (KnnRouter, MlpRouter, MatrixFactorizationRouter)}


def route(predicted: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Column (model index) each query is routed to: the pool model with the highest predicted outcome."""
    pool = np.asarray(pool)
    return pool[predicted[:, pool].argmax(1)]


def routed_score(predicted: np.ndarray, outcomes: np.ndarray, pool: np.ndarray) -> float:
    """Mean outcome of the routed models over the queries."""
    chosen = route(predicted, pool)
    return float(outcomes[np.arange(len(outcomes)), chosen].mean())
