"""What the training rows say about each model, indexed for query time: the part of a score that holds on lists
the latent model has never seen.

Every feature is a shrunk mean of per-list z-scores, so a model with one good row in a three-model list cannot
outrank a model that is good on fifty lists:

    strength_S(m) = sum_{l in S, m in l} r_l z_ml / (sum_{l in S, m in l} r_l + shrink),   r_l = n_l / (n_l + 5)

with S = the lists of the query's task (``task``), of its modality (``modality``), all lists (``global``), the
query-modality records of every model of the same family (``family``: what a model without records of its own
inherits), and
``knn``: the query's nearest benchmarked lists by dataset-text similarity, each also weighted by
exp((sim_l - sim_max) / temperature). How much evidence there is counts too: ``support`` = log(1 + the model's
weight on the neighbour lists), ``popularity`` = log(1 + its weight on the query's task, or on its modality for a
task without records), ``breadth`` = log(1 + its weight on all lists: what a suite nobody trained on is evaluated
with). ``size`` (log parameters, standardised) is the ranker's, the one prior for a model with no records at all,
and so is ``language`` (+1 when the model has records in a language the list names, -1 when it is a specialist
of other languages).
Applicability (which models a catalogue ranking may propose) is evidence as well: a model applies to a modality or
task when it has training records there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from training.metrics import ListSpearman

FEATURES = ("knn", "task", "modality", "global", "family", "latent", "support", "popularity", "breadth", "size",
            "language")
MIN_TASK_MODELS = 100  # a task restricts the catalogue ranking to its models only when this many have records
RELIABILITY_PSEUDO = 5.0  # a list of n models counts n / (n + 5): a 3-model list weighs 0.375, a 50-model one 0.91


@dataclass
class Evidence:
    """Training entries (catalogue list row, catalogue model row, per-list z) plus each list's dataset, task and
    modality index; the sums behind every strength are built once, when the object is made."""

    list_rows: np.ndarray
    model_rows: np.ndarray
    z: np.ndarray
    list_dataset: np.ndarray
    list_task: np.ndarray
    list_modality: np.ndarray
    model_family: np.ndarray
    n_models: int
    n_tasks: int
    n_modalities: int
    shrink: float = 2.0
    k: int = 30
    temperature: float = 0.05

    def __post_init__(self):
        n_lists = len(self.list_dataset)
        self.list_rows = np.asarray(self.list_rows, np.int64)
        self.model_rows = np.asarray(self.model_rows, np.int64)
        self.z = np.asarray(self.z, np.float64)
        shape = (n_lists, self.n_models)
        self.list_size = np.bincount(self.list_rows, minlength=n_lists).astype(np.float64)
        self.reliability = self.list_size / (self.list_size + RELIABILITY_PSEUDO)
        r = self.reliability[self.list_rows]
        self.rz = sparse.csr_matrix((r * self.z, (self.list_rows, self.model_rows)), shape=shape)
        self.rn = sparse.csr_matrix((r, (self.list_rows, self.model_rows)), shape=shape)
        self.has_rows = self.list_size >= 2
        self.task_sum, self.task_n = self._grouped(self.list_task, self.n_tasks)
        ones = sparse.csr_matrix((np.ones(len(self.z)), (self.list_rows, self.model_rows)), shape=shape)
        self.task_records = self._select(self.list_task, self.n_tasks) @ ones  # records per (task, model)
        self.modality_sum, self.modality_n = self._grouped(self.list_modality, self.n_modalities)
        self.global_sum = np.asarray(self.rz.sum(0)).ravel()
        self.global_n = np.asarray(self.rn.sum(0)).ravel()
        self.model_family = np.asarray(self.model_family, np.int64)
        self.n_families = int(self.model_family.max(initial=0)) + 1

    @staticmethod
    def _select(groups: np.ndarray, n_groups: int) -> sparse.csr_matrix:
        return sparse.csr_matrix((np.ones(len(groups)), (groups, np.arange(len(groups)))),
                                 shape=(n_groups, len(groups)))

    def _grouped(self, groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
        select = self._select(groups, n_groups)
        return np.asarray((select @ self.rz).todense()), np.asarray((select @ self.rn).todense())

    # ---- persistence ----
    def save(self, path: Path) -> None:
        np.savez(path, list_rows=self.list_rows.astype(np.int32), model_rows=self.model_rows.astype(np.int32),
                 z=self.z, list_dataset=self.list_dataset, list_task=self.list_task,
                 list_modality=self.list_modality, model_family=self.model_family,
                 sizes=np.array([self.n_models, self.n_tasks, self.n_modalities]),
                 params=np.array([self.shrink, self.k, self.temperature]))

    @classmethod
    def load(cls, path: Path) -> "Evidence":
        with np.load(path, allow_pickle=False) as f:
            n_models, n_tasks, n_modalities = (int(v) for v in f["sizes"])
            shrink, k, temperature = f["params"]
            return cls(f["list_rows"], f["model_rows"], f["z"], f["list_dataset"], f["list_task"],
                       f["list_modality"], f["model_family"], n_models, n_tasks, n_modalities, float(shrink), int(k),
                       float(temperature))

    # ---- features ----
    def _shrunk(self, total: np.ndarray, count: np.ndarray) -> np.ndarray:
        return total / (count + self.shrink)

    def strengths(self, task: int, modality: int) -> dict[str, np.ndarray]:
        """Task, modality and global strength and popularity of every catalogue model. A task without training
        records (a new kind of benchmark) backs off to the modality, an unknown modality to all lists, so the
        blend fitted on known tasks still means the same on a new one."""
        total, count = self.global_sum, self.global_n
        if modality and self.modality_n[modality].any():
            total, count = self.modality_sum[modality], self.modality_n[modality]
        modality_strength = self._shrunk(total, count)
        if task and self.task_n[task].any():
            total, count = self.task_sum[task], self.task_n[task]
        return {
            "task": self._shrunk(total, count),
            "modality": modality_strength,
            "global": self._shrunk(self.global_sum, self.global_n),
            "popularity": np.log1p(count),
            "breadth": np.log1p(self.global_n),
            "family": self.family_strength(modality),
        }

    def family_strength(self, modality: int, families: np.ndarray | None = None) -> np.ndarray:
        """Shrunk mean z of all models of each model's family (``families``: family indices of other models,
        e.g. unseen names), on the query's modality when it has records, else on every list."""
        total, count = (self.modality_sum[modality], self.modality_n[modality]) \
            if modality and self.modality_n[modality].any() else (self.global_sum, self.global_n)
        fam_total = np.bincount(self.model_family, weights=total, minlength=self.n_families)
        fam_count = np.bincount(self.model_family, weights=count, minlength=self.n_families)
        strength = self._shrunk(fam_total, fam_count)
        strength[0] = 0.0  # [UNK] family: no prior
        families = self.model_family if families is None else np.asarray(families, np.int64)
        return np.where(families < len(strength), strength[np.minimum(families, len(strength) - 1)], 0.0)

    def neighbours(self, dataset_sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar lists with training rows and their weights, from per-dataset similarities."""
        sims = np.where(self.has_rows, dataset_sims[self.list_dataset], -np.inf)
        k = min(self.k, int(self.has_rows.sum()))
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        weights = np.exp((sims[top] - sims[top[0]]) / self.temperature)
        return top, weights

    def knn(self, lists: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shrunk weighted mean z of every model over the neighbour ``lists``, and its evidence weight."""
        total, count = self._weighted_rows(self.rz, lists, weights), self._weighted_rows(self.rn, lists, weights)
        return self._shrunk(total, count), count

    def _weighted_rows(self, matrix: sparse.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """sum_i weights_i * matrix[rows_i] as a dense (n_models,) array."""
        position, models, values = entries(matrix, rows)
        return np.bincount(models, weights=values * np.asarray(weights, float)[position],
                           minlength=self.n_models).astype(np.float64)

    def applicable(self, task: int, modality: int, min_models: int = MIN_TASK_MODELS) -> np.ndarray:
        """Models with training records on the query's task and modality; on its modality alone when fewer than
        ``min_models`` have both (a thinly covered task, such as a new kind of benchmark, is judged by what its
        modality's models did, not by the few that happen to have its name); every model when the modality is
        unknown or has no models."""
        by_modality = self.modality_n[modality] > 0 if modality else np.ones(self.n_models, bool)
        if not by_modality.any():
            by_modality = np.ones(self.n_models, bool)
        if task:
            both = by_modality & (self.task_n[task] > 0)
            if both.sum() >= min_models:
                return both
        return by_modality

    def modality_mix(self, lists: np.ndarray, weights: np.ndarray) -> tuple[int, int]:
        """The (task, modality) indices that carry most neighbour weight: what a query that names neither is."""
        if not len(lists):
            return 0, 0
        task = np.bincount(self.list_task[lists], weights=weights, minlength=self.n_tasks)
        modality = np.bincount(self.list_modality[lists], weights=weights, minlength=self.n_modalities)
        task[0] = modality[0] = 0  # [UNK]
        return int(task.argmax()) if task.any() else 0, int(modality.argmax()) if modality.any() else 0


def entries(matrix: sparse.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored entries of ``matrix[rows]`` as (position in ``rows``, column, value), in ``rows`` order,
    straight from the CSR arrays: scipy's fancy row indexing cost more than the arithmetic on a few rows."""
    rows = np.asarray(rows, np.int64)
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    picked = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends)]) if len(rows) else np.zeros(0, np.int64)
    return np.repeat(np.arange(len(rows)), ends - starts), matrix.indices[picked], matrix.data[picked]


def blend(features: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """score = sum_f w_f * feature_f (features with weight 0 need not be present)."""
    return sum(w * np.asarray(features[name], float) for name, w in weights.items() if w)


GRID = (0.0, 0.25, 0.5, 1.0, 2.0)


def coordinate_ascent(objective, start: dict[str, float], names=FEATURES,
                      passes: int = 3) -> tuple[dict[str, float], float]:
    """Blend weights of the features ``names`` by coordinate ascent over GRID, one feature at a time for
    ``passes`` rounds, maximising ``objective(weights)``; returns the weights and their objective value."""
    weights = {name: float(start.get(name, 0.0)) for name in names}
    best = objective(weights)
    for _ in range(passes):
        improved = False
        for name in names:
            for value in GRID:
                trial = dict(weights, **{name: value})
                if not any(trial.values()):
                    continue
                score = objective(trial)
                if score > best + 1e-4:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return weights, best


def fit_blend(features: dict[str, np.ndarray], target: np.ndarray, groups: np.ndarray,
              start: dict[str, float]) -> tuple[dict[str, float], float]:
    """Candidate-ranking weights: maximise the mean per-list Spearman (:class:`ListSpearman`) of the blend on
    validation rows."""
    spearman = ListSpearman(target, groups)
    return coordinate_ascent(lambda w: spearman(blend(features, w)), start,
                             [name for name in FEATURES if name in features])


def fit_catalogue_blend(lists: list[tuple[dict, np.ndarray, np.ndarray, np.ndarray]],
                        start: dict[str, float]) -> tuple[dict[str, float], float]:
    """Whole-catalogue weights: maximise relevant@10 + recall@10 + recall@100 (of the list's true top 10) over
    validation lists, each given as (catalogue features, allowed mask, evaluated mask, true-top-10 mask): the top
    10 must be models the list evaluated and among its best, the top 100 must hold its best."""
    kept = [(np.column_stack([np.asarray(features.get(name, np.zeros(len(allowed))), float)[allowed]
                              for name in FEATURES]), evaluated[allowed], true_top[allowed], max(1, true_top.sum()))
            for features, allowed, evaluated, true_top in lists]

    def objective(weights):
        w = np.array([weights.get(name, 0.0) for name in FEATURES])
        total = 0.0
        for matrix, evaluated, true_top, n_top in kept:
            scores = matrix @ w
            top = np.argpartition(-scores, 99)[:100] if len(scores) > 100 else np.arange(len(scores))
            top = top[np.argsort(-scores[top], kind="stable")]
            total += evaluated[top[:10]].sum() / 10 + (true_top[top[:10]].sum() + true_top[top].sum()) / n_top
        return total / max(1, len(kept))

    return coordinate_ascent(objective, start)
