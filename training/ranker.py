"""The trained inference artifact: score seen or unseen models against seen or unseen (dataset, metric) lists.

Saved as plain files (no pickled code): ``model.pt`` (a torch state dict, loaded with ``weights_only=True``),
``meta.json`` (sizes, hyper-parameters, vocabularies, alias maps) and ``models/datasets/lists.parquet``.
Model vectors of the whole catalogue are precomputed when the Ranker is built, so ranking the catalogue for one
query is a single matrix-vector product.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from training.features import (Catalogue, EmbedFn, TextEmbedder, dataset_text, embedder_tag, family_of,
                               lookup, minilm_embed, model_text, padded_token_matrix, size_bucket, text_or_none)
from training.model import Sizes, TwoTowerRanker

FORMAT_VERSION = 1
MAX_EMBEDDED_UNSEEN = 2000


class Ranker:
    def __init__(self, module: TwoTowerRanker, catalogue: Catalogue, meta: dict, embed_fn: EmbedFn | None = None):
        self.module = module.eval()
        self.catalogue = catalogue
        self.meta = meta
        self._embed_fn = embed_fn
        self._embedder: TextEmbedder | None = None
        self.model_ids: list[str] = catalogue.models["model_id"].tolist()
        self._model_row = {m: i for i, m in enumerate(self.model_ids)}
        self._list_row = {x: i for i, x in enumerate(catalogue.lists["list_id"])}
        self._dataset_row = {d: i for i, d in enumerate(catalogue.datasets["dataset_id"])}
        self._index = {name: {v: i for i, v in enumerate(values)} for name, values in catalogue.vocabs.items()}
        lists = catalogue.lists
        with torch.no_grad():
            self._model_vec = module.model_vectors().numpy()
            all_lists = torch.arange(len(lists))
            self._list_vec = module.list_vectors(all_lists).numpy()
            self._list_task = module.list_tasks(all_lists).numpy()
        # the best-covered list of each dataset, used when a query names a dataset but no metric
        best = lists.assign(row=np.arange(len(lists))).sort_values("n_train", ascending=False, kind="stable")
        self._dataset_list = dict(zip(best["dataset_row"].iloc[::-1], best["row"].iloc[::-1]))
        self._model_mat = np.ascontiguousarray(self._model_vec[:, : module.dim])
        self._model_bias = np.ascontiguousarray(self._model_vec[:, module.dim])
        self._size = catalogue.models["size"].to_numpy()
        self._prior = module.prior.weight.detach().numpy().reshape(-1, module.sizes.n_tasks)
        self.dim = module.dim

    # ---- persistence ----
    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        torch.save(self.module.state_dict(), directory / "model.pt")
        cat = self.catalogue
        cat.models.to_parquet(directory / "models.parquet", index=False)
        cat.datasets.to_parquet(directory / "datasets.parquet", index=False)
        cat.lists.to_parquet(directory / "lists.parquet", index=False)
        meta = dict(self.meta, format_version=FORMAT_VERSION, vocabs=cat.vocabs, model_aliases=cat.model_aliases,
                    dataset_aliases=cat.dataset_aliases)
        (directory / "meta.json").write_text(json.dumps(meta))
        return directory

    @classmethod
    def load(cls, directory: str | Path, embed_fn: EmbedFn | None = None) -> "Ranker":
        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text())
        module = TwoTowerRanker(Sizes(**meta["sizes"]), **meta["module"])
        module.load_state_dict(torch.load(directory / "model.pt", weights_only=True))
        catalogue = Catalogue(
            models=pd.read_parquet(directory / "models.parquet"),
            datasets=pd.read_parquet(directory / "datasets.parquet"),
            lists=pd.read_parquet(directory / "lists.parquet"),
            vocabs=meta.pop("vocabs"), model_aliases=meta.pop("model_aliases"),
            dataset_aliases=meta.pop("dataset_aliases"))
        return cls(module, catalogue, meta, embed_fn)

    # ---- text embeddings for unseen names (the encoder loads lazily, on the first unseen text) ----
    def _embed(self, texts: list[str]) -> torch.Tensor:
        if self._embedder is None:
            fn = self._embed_fn
            if fn is None:
                if self.meta.get("embedder") != minilm_embed.tag:
                    raise ValueError(f"ranker was trained with embedder {self.meta.get('embedder')!r}; pass embed_fn")
                fn = minilm_embed
            elif embedder_tag(fn) != self.meta.get("embedder"):
                raise ValueError(f"embed_fn {embedder_tag(fn)!r} differs from the trained {self.meta['embedder']!r}")
            self._embedder = TextEmbedder(fn)
        return torch.from_numpy(self._embedder(texts))

    # ---- resolution of query spellings ----
    def resolve_model(self, spelling: str) -> str | None:
        return self.catalogue.model_aliases.get(str(spelling).strip().lower())

    def resolve_dataset(self, spelling) -> str | None:
        spelling = text_or_none(spelling)
        return self.catalogue.dataset_aliases.get(spelling.lower()) if spelling else None

    def _model_vectors(self, spellings: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Vectors (n, d+1) and size buckets (n,) of catalogue models or of unseen names (built from metadata)."""
        rows = [self._model_row.get(self.resolve_model(s)) for s in spellings]
        vec = np.zeros((len(spellings), self.dim + 1), dtype=np.float32)
        size = np.zeros(len(spellings), dtype=np.int64)
        known = [i for i, r in enumerate(rows) if r is not None]
        vec[known] = self._model_vec[[rows[i] for i in known]]
        size[known] = self._size[[rows[i] for i in known]]
        unseen = [i for i, r in enumerate(rows) if r is None]
        if unseen:
            names = list(dict.fromkeys(str(spellings[i]).strip().lower() for i in unseen))
            fam = self._index["family"]
            sizes = np.array([size_bucket(None, n) for n in names], dtype=np.int64)
            with torch.no_grad():
                out = self.module.model_tower(
                    torch.zeros(len(names), dtype=torch.long), torch.from_numpy(padded_token_matrix(names)),
                    self._unseen_model_text(names), torch.from_numpy(sizes),
                    torch.tensor([fam.get(family_of(n), 0) for n in names])).numpy()
            where = {n: j for j, n in enumerate(names)}
            for i in unseen:
                j = where[str(spellings[i]).strip().lower()]
                vec[i], size[i] = out[j], sizes[j]
        return vec, size

    def _unseen_model_text(self, names: list[str]) -> torch.Tensor:
        """Text embeddings of unseen model names; beyond MAX_EMBEDDED_UNSEEN of them in one call (a 100,000-name
        candidate list) the text part is left at zero and they are scored from name tokens, size and family, so a
        huge query stays fast instead of embedding every name."""
        if len(names) > MAX_EMBEDDED_UNSEEN:
            return torch.zeros(len(names), self.module.m_text.shape[1])
        return self._embed([model_text(n) for n in names])

    def _list_vector(self, list_id: str | None, dataset: dict | None) -> tuple[np.ndarray, int]:
        """The list vector (d,) and task index of a catalogue list, or of an unseen list built from its metadata."""
        dataset = dict(dataset or {})
        row = self._list_row.get(list_id) if list_id else None
        if row is None:
            ds_spelling = dataset.get("dataset_id") or dataset.get("dataset")
            metric = text_or_none(dataset.get("metric"))
            if list_id and "|" in list_id:
                head, _, tail = list_id.partition("|")
                ds_spelling, metric = ds_spelling or head, metric or tail
            ds_id = self.resolve_dataset(ds_spelling)
            if ds_id is not None:
                if metric:
                    row = self._list_row.get(f"{ds_id}|{metric.lower()}", self._list_row.get(f"{ds_id}|{metric}"))
                else:  # no metric given: the dataset's best-covered list
                    row = self._dataset_list.get(self._dataset_row[ds_id])
        if row is not None:
            return self._list_vec[row], int(self._list_task[row])
        return self._unseen_list_vector(ds_id, ds_spelling, metric, dataset)

    def _unseen_list_vector(self, ds_id, ds_spelling, metric, dataset: dict) -> tuple[np.ndarray, int]:
        m = self.module
        if ds_id is not None:  # known dataset, new metric: keep its learned features, query fields override
            drow = self._dataset_row[ds_id]
            d = self.catalogue.datasets.iloc[drow]
            ds_idx, text = int(d["id_idx"]), m.d_text[drow : drow + 1]
            task = lookup(self._index["task"], dataset.get("task")) or int(d["task_idx"])
            modality = lookup(self._index["modality"], dataset.get("modality")) or int(d["modality_idx"])
        else:
            name = text_or_none(ds_spelling) or "unknown dataset"
            ds_idx, text = 0, self._embed([dataset_text(name, dataset)])
            task = lookup(self._index["task"], dataset.get("task"))
            modality = lookup(self._index["modality"], dataset.get("modality"))
        t = lambda v: torch.tensor([v])  # noqa: E731
        with torch.no_grad():
            vec = m.list_tower(t(0), t(ds_idx), text, t(task), t(modality), t(lookup(self._index["metric"], metric)))
        return vec[0].numpy(), task

    def nearest_datasets(self, query: dict, n: int = 3) -> list[tuple[str, float]]:
        """The benchmarked datasets whose text embedding is closest to the query's (one per distinct text)."""
        known = self.resolve_dataset(query.get("dataset"))
        if known is not None:
            vec = self.module.d_text[self._dataset_row[known]]
        else:
            name = text_or_none(query.get("dataset")) or "unknown dataset"
            vec = self._embed([dataset_text(name, query)])[0]
        with torch.no_grad():
            sims = (self.module.d_text @ vec).numpy()
        ids = self.catalogue.datasets["dataset_id"]
        out, seen = [], set()
        for i in np.argsort(-sims):
            key = round(float(sims[i]), 5)
            if key not in seen:
                seen.add(key)
                out.append((ids.iat[i], float(sims[i])))
            if len(out) == n:
                break
        return out

    # ---- public scoring ----
    def score_pairs(self, model_ids: list[str], list_id: str | None, dataset: dict | None = None) -> np.ndarray:
        """Scores (higher = better) of ``model_ids`` (seen or unseen) on ``list_id`` or on the list described by
        ``dataset`` (dataset_id, description, task, metric, modality, higher_is_better)."""
        if len(model_ids) == 0:
            return np.zeros(0)
        list_vec, task = self._list_vector(list_id, dataset)
        vec, size = self._model_vectors(list(model_ids))
        scores = np.einsum("ij,j->i", vec[:, : self.dim], list_vec) + vec[:, self.dim] + self._prior[size, task]
        return scores.astype(np.float64)

    def score_catalogue(self, list_id: str | None, dataset: dict | None = None) -> np.ndarray:
        """Scores of every model in ``model_ids``: one matrix-vector product. (einsum, not BLAS gemv: a multi-threaded
        gemv was 16 ms instead of 0.5 ms on a busy 2-core machine.)"""
        list_vec, task = self._list_vector(list_id, dataset)
        scores = np.einsum("ij,j->i", self._model_mat, list_vec) + self._model_bias + self._prior[self._size, task]
        return scores.astype(np.float64)

    def rank(self, query: dict, k: int = 10) -> list[tuple[str, float]]:
        """The DESIGN.md query contract: every candidate as spelled (best first), else the catalogue's top k."""
        dataset = {"dataset_id": query.get("dataset"), **{key: query.get(key) for key in
                   ("description", "task", "metric", "modality", "higher_is_better")}}
        candidates = query.get("candidates")
        if candidates:
            scores = self.score_pairs(list(candidates), None, dataset)
            order = np.argsort(-scores, kind="stable")
            return [(candidates[i], float(scores[i])) for i in order]
        scores = self.score_catalogue(None, dataset)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.model_ids[i], float(scores[i])) for i in top]

