"""Baselines of the evaluation protocol, each ``fit(bench, train_rows)`` then ``score(test_rows) -> np.ndarray``.

Scores are per test row (higher = better) and only compared within a list. ``fit`` sees the train rows only;
``score`` reads the test rows' ids (model_id, list_id, dataset_id) and the side tables (bench.models,
bench.datasets), never their values, so unseen models and datasets are handled honestly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from training.data import Benchmark
from training.features import EmbedFn, TextEmbedder, dataset_text, log_params, model_text
from training.splits import model_families


def _meta(table: pd.DataFrame, key: str) -> dict:
    return table.loc[key].to_dict() if key in table.index else {}


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _unit(a) @ _unit(b).T


class RandomBaseline:
    """Uniform random scores (seeded)."""

    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "RandomBaseline":
        return self

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        return np.random.default_rng(self.seed).random(len(test_rows))


class PopularityBaseline:
    """Number of train evaluations of the model (unseen models: 0)."""

    name = "popularity"

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "PopularityBaseline":
        self.counts = train_rows["model_id"].value_counts()
        return self

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        return test_rows["model_id"].map(self.counts).fillna(0).to_numpy(float)


class GlobalStrengthBaseline:
    """Mean train z-score of the model; an unseen model gets its family's mean train z, else the global mean."""

    name = "global_strength"

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "GlobalStrengthBaseline":
        self.bench = bench
        self.strength = train_rows.groupby("model_id")["z_score"].mean()
        families = model_families(bench, train_rows["model_id"])
        self.family_strength = train_rows["z_score"].groupby(train_rows["model_id"].map(families).to_numpy()).mean()
        self.global_mean = float(train_rows["z_score"].mean()) if len(train_rows) else 0.0
        return self

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        ids = test_rows["model_id"]
        family = ids.map(model_families(self.bench, ids)).map(self.family_strength)
        return ids.map(self.strength).fillna(family).fillna(self.global_mean).to_numpy(float)


class GlobalStrengthShrunkBaseline(GlobalStrengthBaseline):
    """Evidence-shrunk mean train z: sum z / (n + shrink), so one lucky row does not beat fifty good ones; an
    unseen model scores 0 (an average model)."""

    name = "global_strength_shrunk"

    def __init__(self, shrink: float = 2.0):
        self.shrink = shrink

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "GlobalStrengthShrunkBaseline":
        grouped = train_rows.groupby("model_id")["z_score"]
        self.strength = grouped.sum() / (grouped.size() + self.shrink)
        return self

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        return test_rows["model_id"].map(self.strength).fillna(0.0).to_numpy(float)


class SameTaskPopularityBaseline:
    """Number of train evaluations of the model on datasets of the test list's task (dim_datasets.task); ties
    (e.g. an unknown task) broken by overall popularity."""

    name = "same_task_popularity"

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "SameTaskPopularityBaseline":
        self.task = bench.datasets["task"] if "task" in bench.datasets.columns else pd.Series(dtype=object)
        tasks = train_rows["dataset_id"].map(self.task).fillna("other")
        self.counts = train_rows.groupby([tasks.to_numpy(), train_rows["model_id"].to_numpy()]).size()
        self.overall = train_rows["model_id"].value_counts()
        return self

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        tasks = test_rows["dataset_id"].map(self.task).fillna("other").to_numpy()
        keys = pd.MultiIndex.from_arrays([tasks, test_rows["model_id"].to_numpy()])
        same = pd.Series(self.counts.reindex(keys).to_numpy(), dtype=float).fillna(0.0).to_numpy()
        overall = test_rows["model_id"].map(self.overall).fillna(0).to_numpy(float)
        return same + overall / (1.0 + overall.max(initial=0.0))


class SizePriorBaseline:
    """log10(parameters), larger = better (dim_models.params, else a size in the name like '7b').

    Unknown sizes get the median known size of the same list (else of the whole test set), i.e. a middle rank.
    """

    name = "size_prior"

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "SizePriorBaseline":
        known = bench.models["params"] if "params" in bench.models.columns else pd.Series(dtype=float)
        self.params = pd.to_numeric(known, errors="coerce").where(lambda p: p > 0)
        return self

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        ids = test_rows["model_id"]
        logp = pd.Series(log_params(ids.map(self.params).to_numpy(float), ids), index=ids.index)
        logp = logp.fillna(logp.groupby(test_rows["list_id"].to_numpy()).transform("median"))
        return logp.fillna(logp.median() if logp.notna().any() else 0.0).to_numpy(float)


class TextNNBaseline:
    """Zero-shot text match: cosine(embedding of the model card/name text, embedding of the dataset text).

    Texts come from training.features.model_text / dataset_text; embeddings from ``embed_fn`` (default: the
    cached MiniLM embedder of training.features). Uses no evaluation values at all.
    """

    name = "text_nn"

    def __init__(self, embed_fn: EmbedFn | None = None, cache_dir=None):
        self.embedder = shared_embedder(embed_fn, cache_dir)

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "TextNNBaseline":
        self.bench = bench
        self._model_text: dict[str, str] = {}  # memo: a catalogue ranking asks for every model, list after list
        return self

    def _text(self, model_id: str) -> str:
        if model_id not in self._model_text:
            self._model_text[model_id] = model_text(model_id, _meta(self.bench.models, model_id))
        return self._model_text[model_id]

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        models = pd.unique(test_rows["model_id"].to_numpy())
        datasets = pd.unique(test_rows["dataset_id"].to_numpy())
        m_vec = self.embedder([self._text(m) for m in models])
        d_vec = self.embedder([dataset_text(d, _meta(self.bench.datasets, d)) for d in datasets])
        m_vec, d_vec = _unit(m_vec), _unit(d_vec)
        rows = pd.Index(models).get_indexer(test_rows["model_id"])
        cols = pd.Index(datasets).get_indexer(test_rows["dataset_id"])
        return np.concatenate([np.einsum("ij,ij->i", m_vec[r], d_vec[c]) for r, c in
                               zip(np.array_split(rows, len(rows) // 50_000 + 1),
                                   np.array_split(cols, len(cols) // 50_000 + 1))]).astype(float)


class DatasetKNNBaseline:
    """Average a model's z-scores over the k train lists most similar to the test list that contain the model.

    Similarity of a test list to a train list: for a list with train entries (a seen list), the shrunk cosine of
    the two lists' z-scores over their common models (n_common / (n_common + 5) * cos, at least 2 common models);
    otherwise, and for train lists without such overlap, the cosine of the dataset texts (ranked after every
    overlap-based neighbour). A model with no train list falls back to GlobalStrengthBaseline.
    """

    name = "dataset_knn"

    def __init__(self, k: int = 5, embed_fn: EmbedFn | None = None, cache_dir=None, use_text: bool = True):
        self.k = k
        self.embedder = shared_embedder(embed_fn, cache_dir) if use_text else None

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "DatasetKNNBaseline":
        self.bench = bench
        self.fallback = GlobalStrengthBaseline().fit(bench, train_rows)
        self.lists = pd.Index(pd.unique(train_rows["list_id"].to_numpy()))
        self.models = pd.Index(pd.unique(train_rows["model_id"].to_numpy()))
        r = self.lists.get_indexer(train_rows["list_id"])
        c = self.models.get_indexer(train_rows["model_id"])
        z = train_rows["z_score"].to_numpy(float)
        shape = (len(self.lists), len(self.models))
        self.Z = sparse.csr_matrix((z, (r, c)), shape=shape)
        self.Z2 = self.Z.multiply(self.Z).tocsr()
        self.ind = sparse.csr_matrix((np.ones_like(z), (r, c)), shape=shape)
        order = np.argsort(c, kind="stable")  # model -> its train lists and z-scores, CSR-style
        self.model_ptr = np.concatenate([[0], np.cumsum(np.bincount(c, minlength=len(self.models)))])
        self.model_lists, self.model_z = r[order], z[order]
        list_dataset = train_rows.drop_duplicates("list_id").set_index("list_id")["dataset_id"]
        self.list_text_vec = self._dataset_vectors(list_dataset.reindex(self.lists).to_numpy())
        return self

    def _dataset_vectors(self, dataset_ids) -> np.ndarray | None:
        if self.embedder is None:
            return None
        unique = pd.unique(np.asarray(dataset_ids))
        vecs = self.embedder([dataset_text(d, _meta(self.bench.datasets, d)) for d in unique])
        return vecs[pd.Index(unique).get_indexer(dataset_ids)]

    def _similarities(self, list_id: str, text_vec: np.ndarray | None) -> np.ndarray:
        sims = np.zeros(len(self.lists)) if text_vec is None else _cosine(text_vec[None], self.list_text_vec)[0]
        sims = sims - 3.0  # text-only neighbours rank after every overlap-based one
        row = self.lists.get_loc(list_id) if list_id in self.lists else None
        if row is not None:
            z_l = self.Z.getrow(row).toarray().ravel()
            in_l = self.ind.getrow(row).toarray().ravel()
            n_common = self.ind @ in_l
            norm = np.sqrt((self.ind @ z_l**2) * (self.Z2 @ in_l))
            cos = np.divide(self.Z @ z_l, norm, out=np.zeros(len(self.lists)), where=norm > 0)
            overlap = n_common >= 2
            sims[overlap] = (n_common / (n_common + 5.0) * cos)[overlap]
            sims[row] = -np.inf
        return sims

    def catalogue(self, list_id: str, dataset_id: str, model_ids: np.ndarray) -> np.ndarray:
        """Whole-catalogue scores for one list: per model, the mean z over its k most similar train lists (the
        best models of the nearest benchmarked datasets); models without train lists score -inf."""
        text = self._dataset_vectors(np.array([dataset_id]))
        sims = self._similarities(list_id, None if text is None else text[0])
        order = np.argsort(-sims, kind="stable")
        by_model = self.Z[order].tocsc()
        by_model.sort_indices()
        column = np.repeat(np.arange(by_model.shape[1]), np.diff(by_model.indptr))
        keep = (np.arange(by_model.nnz) - by_model.indptr[column] < self.k) & np.isfinite(sims[order][by_model.indices])
        total = np.bincount(column[keep], weights=by_model.data[keep], minlength=by_model.shape[1])
        count = np.bincount(column[keep], minlength=by_model.shape[1])
        mean = np.where(count > 0, total / np.maximum(count, 1), -np.inf)
        idx = self.models.get_indexer(model_ids)
        return np.where(idx >= 0, mean[np.maximum(idx, 0)], -np.inf)

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        out = self.fallback.score(test_rows).copy()
        list_dataset = test_rows.drop_duplicates("list_id").set_index("list_id")["dataset_id"]
        text_vecs = self._dataset_vectors(list_dataset.to_numpy())
        model_idx = self.models.get_indexer(test_rows["model_id"])
        positions = pd.Series(np.arange(len(test_rows))).groupby(test_rows["list_id"].to_numpy()).indices
        for i, list_id in enumerate(list_dataset.index):
            sims = self._similarities(list_id, None if text_vecs is None else text_vecs[i])
            for p in positions[list_id][model_idx[positions[list_id]] >= 0]:
                lo, hi = self.model_ptr[model_idx[p]], self.model_ptr[model_idx[p] + 1]
                lists, z = self.model_lists[lo:hi], self.model_z[lo:hi]
                best = np.argsort(-sims[lists], kind="stable")[: self.k]
                best = best[np.isfinite(sims[lists][best])]
                if len(best):
                    out[p] = float(z[best].mean())
        return out


def _ridge_by_group(groups: np.ndarray, n_groups: int, X: np.ndarray, y: np.ndarray, lam: float,
                    chunk: int = 65536) -> np.ndarray:
    """Per-group ridge regression: w_g = (X_g^T X_g + lam I)^-1 X_g^T y_g for every group at once."""
    k = X.shape[1]
    gram, rhs = np.zeros((n_groups, k * k)), np.zeros((n_groups, k))
    for start in range(0, len(y), chunk):
        sl = slice(start, start + chunk)
        g, x = groups[sl], X[sl]
        select = sparse.csr_matrix((np.ones(len(g)), (g, np.arange(len(g)))), shape=(n_groups, len(g)))
        gram += select @ (x[:, :, None] * x[:, None, :]).reshape(len(g), k * k)
        rhs += select @ (x * y[sl, None])
    return np.linalg.solve(gram.reshape(n_groups, k, k) + lam * np.eye(k), rhs[..., None])[..., 0]


class MatrixFactorizationBaseline:
    """z(model, list) ~ b_model + u_model . v_list, fit by alternating ridge least squares (ALS) on train rows.

    Each half-step solves, for every model, min sum_l (z - b_m - u_m.v_l)^2 + lam (|u_m|^2 + b_m^2) in closed form
    (then the same for every list's v_l). ``lam=None`` picks lam from LAM_GRID by the squared error on a seeded 10%
    of the train rows (fits with half the iterations), then refits on all rows. Seen models on seen lists only: a
    pair with an unseen model or an unseen list gets the GlobalStrengthBaseline score instead (family mean / global
    mean for unseen models).
    """

    name = "matrix_factorization"
    LAM_GRID = (1.0, 3.0, 10.0, 30.0)

    def __init__(self, dim: int = 8, iterations: int = 10, lam: float | None = None, seed: int = 0):
        self.dim, self.iterations, self.lam, self.seed = dim, iterations, lam, seed

    def fit(self, bench: Benchmark, train_rows: pd.DataFrame) -> "MatrixFactorizationBaseline":
        self.fallback = GlobalStrengthBaseline().fit(bench, train_rows)
        if self.lam is None:
            held = np.random.default_rng(self.seed).random(len(train_rows)) < 0.1
            inner, valid = train_rows[~held], train_rows[held]
            errors = {}
            for lam in self.LAM_GRID:
                self._als(inner, lam, max(2, self.iterations // 2))
                errors[lam] = float(np.mean((self._predict(valid) - valid["z_score"].to_numpy(float)) ** 2))
            self.lam = min(errors, key=errors.get)
        self._als(train_rows, self.lam)
        return self

    def _als(self, rows: pd.DataFrame, lam: float, iterations: int | None = None) -> None:
        self.models = pd.Index(pd.unique(rows["model_id"].to_numpy()))
        self.lists = pd.Index(pd.unique(rows["list_id"].to_numpy()))
        m = self.models.get_indexer(rows["model_id"])
        l = self.lists.get_indexer(rows["list_id"])
        z = rows["z_score"].to_numpy(float)
        self.V = 0.1 * np.random.default_rng(self.seed).normal(size=(len(self.lists), self.dim))
        ones = np.ones((len(z), 1))
        for _ in range(iterations or self.iterations):
            ub = _ridge_by_group(m, len(self.models), np.hstack([self.V[l], ones]), z, lam)
            self.U, self.b = ub[:, :-1], ub[:, -1]
            self.V = _ridge_by_group(l, len(self.lists), self.U[m], z - self.b[m], lam)

    def _predict(self, rows: pd.DataFrame) -> np.ndarray:
        """b_m + u_m.v_l where both are known, else the global-strength fallback."""
        out = self.fallback.score(rows).copy()
        m = self.models.get_indexer(rows["model_id"])
        l = self.lists.get_indexer(rows["list_id"])
        seen = (m >= 0) & (l >= 0)
        out[seen] = self.b[m[seen]] + (self.U[m[seen]] * self.V[l[seen]]).sum(1)
        return out

    def score(self, test_rows: pd.DataFrame) -> np.ndarray:
        return self._predict(test_rows)


def shared_embedder(embed_fn=None, cache_dir=None) -> TextEmbedder:
    """``embed_fn`` itself if it already is a (caching) TextEmbedder, else one wrapping it."""
    return embed_fn if isinstance(embed_fn, TextEmbedder) else TextEmbedder(embed_fn, cache_dir)


_FACTORIES = {
    "random": lambda seed, embedder: RandomBaseline(seed),
    "popularity": lambda seed, embedder: PopularityBaseline(),
    "global_strength": lambda seed, embedder: GlobalStrengthBaseline(),
    "global_strength_shrunk": lambda seed, embedder: GlobalStrengthShrunkBaseline(),
    "same_task_popularity": lambda seed, embedder: SameTaskPopularityBaseline(),
    "size_prior": lambda seed, embedder: SizePriorBaseline(),
    "text_nn": lambda seed, embedder: TextNNBaseline(embedder),
    "dataset_knn": lambda seed, embedder: DatasetKNNBaseline(embed_fn=embedder),
    "matrix_factorization": lambda seed, embedder: MatrixFactorizationBaseline(seed=seed),
}
BASELINE_NAMES = tuple(_FACTORIES)


def make_baselines(names=None, seed: int = 0, embed_fn: EmbedFn | None = None, cache_dir=None) -> dict[str, object]:
    """Fresh baselines keyed by name (default: all of BASELINE_NAMES); the text ones share one cached embedder."""
    embedder = shared_embedder(embed_fn, cache_dir)
    return {name: _FACTORIES[name](seed, embedder) for name in (names or BASELINE_NAMES)}
