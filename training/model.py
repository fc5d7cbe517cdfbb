"""Two-tower ModelLens ranker.

score(m, l) = <u_m, v_l> + b_m + prior[size_m, task_l]

* model tower u_m: learned id embedding (UNK dropout) + mean of MD5-hashed name-token embeddings + projection of the
  frozen card-text embedding + size-bucket and family embeddings -> MLP -> R^(d+1); the extra coordinate is the
  model's global-strength bias b_m.
* list tower v_l: learned list id (UNK dropout) + dataset id (UNK dropout) + projection of the frozen dataset-text
  embedding + task, modality and metric embeddings -> MLP -> R^d.
* prior: a small learned (size bucket x task) table.

Ranking the whole catalogue for a list is one matrix-vector product over the precomputed model vectors. The module
keeps the catalogue features as buffers so ``predict`` / ``full_sort_predict`` take plain catalogue indices
(RecBole style); index 0 of every learned vocabulary is [UNK].
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from training.features import MAX_NAME_TOKENS, N_NAME_BUCKETS, N_SIZE_BUCKETS
from training.losses import bpr, listmle, mse


@dataclass
class Sizes:
    """Vocabulary sizes (each including [UNK] at 0) and catalogue sizes; enough to rebuild the module for loading."""

    n_model_ids: int
    n_families: int
    n_dataset_ids: int
    n_list_ids: int
    n_tasks: int
    n_modalities: int
    n_metrics: int
    n_models: int  # catalogue rows
    n_datasets: int
    n_lists: int
    text_dim: int
    n_buckets: int = N_NAME_BUCKETS

    def to_dict(self) -> dict:
        return asdict(self)


def _mlp(n_in: int, n_hidden: int, n_out: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.LayerNorm(n_in), nn.Linear(n_in, n_hidden), nn.GELU(), nn.Dropout(dropout),
                         nn.Linear(n_hidden, n_out))


class TwoTowerRanker(nn.Module):
    def __init__(self, sizes: Sizes, dim: int = 64, dropout: float = 0.1, unk_prob: float = 0.1,
                 listmle_weight: float = 0.5, bpr_weight: float = 1.0, mse_weight: float = 0.1):
        super().__init__()
        self.sizes, self.dim, self.unk_prob = sizes, dim, unk_prob
        self.listmle_weight, self.bpr_weight, self.mse_weight = listmle_weight, bpr_weight, mse_weight
        s, small = sizes, max(8, dim // 4)
        # model tower
        self.model_id = nn.Embedding(s.n_model_ids, dim, sparse=True)
        self.name_tokens = nn.EmbeddingBag(s.n_buckets + 1, dim, mode="mean", padding_idx=s.n_buckets,
                                       sparse=True)
        self.model_text = nn.Linear(s.text_dim, dim)
        self.size_emb = nn.Embedding(N_SIZE_BUCKETS, small)
        self.family = nn.Embedding(s.n_families, dim // 2)
        self.model_mlp = _mlp(3 * dim + small + dim // 2, 2 * dim, dim + 1, dropout)
        # list tower
        self.list_id = nn.Embedding(s.n_list_ids, dim, sparse=True)
        self.dataset_id = nn.Embedding(s.n_dataset_ids, dim, sparse=True)
        self.dataset_text = nn.Linear(s.text_dim, dim)
        self.task = nn.Embedding(s.n_tasks, small)
        self.modality = nn.Embedding(s.n_modalities, small)
        self.metric = nn.Embedding(s.n_metrics, small)
        self.list_mlp = _mlp(3 * dim + 3 * small, 2 * dim, dim, dropout)
        self.prior = nn.Embedding(N_SIZE_BUCKETS * s.n_tasks, 1)
        for emb in (self.model_id, self.family, self.list_id, self.dataset_id, self.task, self.modality, self.metric,
                    self.size_emb):
            nn.init.normal_(emb.weight, std=0.05)
        # Untrained hash buckets (tokens only seen in unseen names) must contribute nothing: start them at zero.
        nn.init.zeros_(self.name_tokens.weight)
        nn.init.zeros_(self.prior.weight)
        # catalogue features (filled by the trainer, restored by load_state_dict)
        zl = lambda *shape: torch.zeros(*shape, dtype=torch.long)  # noqa: E731
        self.register_buffer("m_id", zl(s.n_models))
        self.register_buffer("m_tokens", torch.full((s.n_models, MAX_NAME_TOKENS), s.n_buckets, dtype=torch.long))
        self.register_buffer("m_text", torch.zeros(s.n_models, s.text_dim))
        self.register_buffer("m_size", zl(s.n_models))
        self.register_buffer("m_family", zl(s.n_models))
        self.register_buffer("d_id", zl(s.n_datasets))
        self.register_buffer("d_text", torch.zeros(s.n_datasets, s.text_dim))
        self.register_buffer("d_task", zl(s.n_datasets))
        self.register_buffer("d_modality", zl(s.n_datasets))
        self.register_buffer("l_id", zl(s.n_lists))
        self.register_buffer("l_dataset", zl(s.n_lists))
        self.register_buffer("l_metric", zl(s.n_lists))

    def sparse_parameters(self) -> list[nn.Parameter]:
        """The large id / hash tables, trained with sparse gradients (SparseAdam) for speed."""
        return [self.model_id.weight, self.name_tokens.weight, self.list_id.weight, self.dataset_id.weight]

    # ---- towers on raw features (also used by the Ranker for unseen models / datasets) ----
    def _unk(self, ids: torch.Tensor) -> torch.Tensor:
        if self.training and self.unk_prob > 0:
            return ids.masked_fill(torch.rand(ids.shape, device=ids.device) < self.unk_prob, 0)
        return ids

    def model_tower(self, ids, tokens, text, size, family) -> torch.Tensor:
        """(N,) ids, (N, T) padded token buckets, (N, text_dim), (N,), (N,) -> (N, d+1): vector and bias."""
        x = torch.cat([self.model_id(self._unk(ids)), self.name_tokens(tokens), self.model_text(text),
                       self.size_emb(size), self.family(family)], dim=1)
        return self.model_mlp(x)

    def list_tower(self, list_ids, dataset_ids, text, task, modality, metric) -> torch.Tensor:
        """(N,) each plus (N, text_dim) dataset text -> (N, d)."""
        x = torch.cat([self.list_id(self._unk(list_ids)), self.dataset_id(self._unk(dataset_ids)),
                       self.dataset_text(text), self.task(task), self.modality(modality), self.metric(metric)], dim=1)
        return self.list_mlp(x)

    # ---- catalogue-index API ----
    def model_vectors(self, idx: torch.Tensor | None = None) -> torch.Tensor:
        idx = torch.arange(self.sizes.n_models) if idx is None else idx
        return self.model_tower(self.m_id[idx], self.m_tokens[idx], self.m_text[idx], self.m_size[idx],
                                self.m_family[idx])

    def list_vectors(self, idx: torch.Tensor) -> torch.Tensor:
        ds = self.l_dataset[idx]
        return self.list_tower(self.l_id[idx], self.d_id[ds], self.d_text[ds], self.d_task[ds], self.d_modality[ds],
                               self.l_metric[idx])

    def list_tasks(self, idx: torch.Tensor) -> torch.Tensor:
        return self.d_task[self.l_dataset[idx]]

    def combine(self, model_vec, list_vec, size, task) -> torch.Tensor:
        """Pairwise scores of aligned rows: (..., d+1), (..., d), (...), (...) -> (...)."""
        dot = (model_vec[..., : self.dim] * list_vec).sum(-1)
        return dot + model_vec[..., self.dim] + self.prior(size * self.sizes.n_tasks + task).squeeze(-1)

    def score_matrix(self, model_vec, list_vec, size, task) -> torch.Tensor:
        """All models x all lists: (M, d+1), (B, d), (M,), (B,) -> (B, M)."""
        prior = self.prior.weight.view(N_SIZE_BUCKETS, self.sizes.n_tasks)[:, task][size].T  # columns first: (M, B)
        return list_vec @ model_vec[:, : self.dim].T + model_vec[:, self.dim] + prior

    def forward(self, lists: torch.Tensor, models: torch.Tensor) -> torch.Tensor:
        """(B,) list indices and (B, L) model indices -> (B, L) scores."""
        uniq, inverse = torch.unique(models, return_inverse=True)
        model_vec = self.model_vectors(uniq)[inverse]
        list_vec = self.list_vectors(lists).unsqueeze(1).expand(-1, models.shape[1], -1)
        task = self.list_tasks(lists).unsqueeze(1).expand_as(models)
        return self.combine(model_vec, list_vec, self.m_size[models], task)

    def calculate_loss(self, batch: dict) -> torch.Tensor:
        """batch: lists (B,), models (B, L), mask (B, L) bool, z (B, L) per-list z-scores of the targets.

        loss = w_listmle * (ListMLE + w_mse * MSE) + w_bpr * (BPR + w_mse * MSE)
        """
        scores = self(batch["lists"], batch["models"])
        mask, z = batch["mask"], batch["z"]
        err = mse(scores, z, mask)
        return (self.listmle_weight * (listmle(scores, z, mask) + self.mse_weight * err)
                + self.bpr_weight * (bpr(scores, z, mask) + self.mse_weight * err))

    def predict(self, model_idx: torch.Tensor, list_idx: torch.Tensor) -> torch.Tensor:
        """Scores of aligned (model, list) catalogue-index pairs -> (N,)."""
        uniq_m, inv_m = torch.unique(model_idx, return_inverse=True)
        uniq_l, inv_l = torch.unique(list_idx, return_inverse=True)
        model_vec = self.model_vectors(uniq_m)[inv_m]
        list_vec = self.list_vectors(uniq_l)[inv_l]
        return self.combine(model_vec, list_vec, self.m_size[model_idx], self.list_tasks(list_idx))

    def full_sort_predict(self, list_idx: torch.Tensor, model_vec: torch.Tensor | None = None) -> torch.Tensor:
        """Scores of every catalogue model for each list: (B,) -> (B, n_models)."""
        model_vec = self.model_vectors() if model_vec is None else model_vec
        return self.score_matrix(model_vec, self.list_vectors(list_idx), self.m_size, self.list_tasks(list_idx))
