"""The trained inference artifact: score seen or unseen models against seen or unseen (dataset, metric) lists.

Saved as plain files (no pickled code): ``model.pt`` (a torch state dict, loaded with ``weights_only=True``),
``meta.json`` (sizes, hyper-parameters, vocabularies, alias maps) and ``models/datasets/lists.parquet``.
Model vectors of the whole catalogue are precomputed when the Ranker is built, so ranking the catalogue for one
query is a single matrix-vector product.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy import sparse

from training.evidence import FEATURES, Evidence, blend, entries
from training.features import (Catalogue, EmbedFn, TextEmbedder, dataset_text, embedder_named, embedder_tag,
                               family_of, log_params, lookup, model_text, padded_token_matrix, size_bucket,
                               text_or_none)
from training.languages import languages_in_name, languages_in_text
from training.model import Sizes, TwoTowerRanker
from training.queries import Query

FORMAT_VERSION = 3
MAX_EMBEDDED_UNSEEN = 2000
CONTEXT_BLOCK = 256  # queries whose dataset similarities Ranker.query_contexts computes in one matrix product
MIN_LANGUAGE_MODELS = 10  # a catalogue ranking drops other-language specialists while this many models remain
LANGUAGE_MISMATCH = 0.1  # taken off the text similarity of a dataset in other languages than the query's
SPECIALIST_LANGUAGES = 3  # a model whose records name at most this many languages is a specialist of those
PAPER_ONLY_NAMESPACE = "pwc/"  # a method named in a paper's results table: no released weights, API or config
MIN_OBTAINABLE_MODELS = 10  # a catalogue ranking drops paper-only methods while this many other models remain
DEFAULT_BLEND = {"cold": {"knn": 1.0, "task": 0.5, "latent": 0.25}, "warm": {"knn": 1.0, "latent": 1.0},
                 "catalogue": {"knn": 1.0, "task": 0.5, "support": 0.25, "popularity": 0.25}}  # per kind; fitted
# blends are {kind: {"all": weights, <source family>: weights, ...}}


@dataclass
class ListContext:
    """A query list as the ranker sees it: latent vector, task and modality indices (given, or inferred from the
    nearest benchmarked datasets), similarity of every benchmarked dataset to it, whether it was trained on, its
    source family (dim_datasets.source_family; inferred from the nearest lists for a new dataset) and the
    languages it is in (indices into the ranker's language vocabulary; from the dataset id or the description).
    ``catalogue``: the similarities are already those of a whole-catalogue ranking (Ranker.catalogue_context);
    ``neighbours``: the evidence's nearest lists for these similarities, once computed."""

    vec: np.ndarray
    task: int
    modality: int
    dataset_sims: np.ndarray
    warm: bool
    family: str = "all"
    languages: tuple[int, ...] = ()
    catalogue: bool = False
    neighbours: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)


class Ranker:
    def __init__(self, module: TwoTowerRanker, catalogue: Catalogue, meta: dict, embed_fn: EmbedFn | None = None,
                 evidence: Evidence | None = None):
        self.module = module.eval()
        self.evidence = evidence
        self.blend_weights = meta.get("blend") or DEFAULT_BLEND
        self.taxonomy = meta.get("taxonomy") or {}
        phrases = sorted((k for k in self.taxonomy if len(_words(k).split()) >= 2), key=len, reverse=True)
        self._task_phrases = re.compile(r"\b(" + "|".join(re.escape(_words(p)) for p in phrases) + r")\b") \
            if phrases else None
        self.catalogue = catalogue
        self.meta = meta
        self._embed_fn = embed_fn
        self._embedders: dict[str, TextEmbedder] = {}
        self.model_ids: list[str] = catalogue.models["model_id"].tolist()
        self._model_row = {m: i for i, m in enumerate(self.model_ids)}
        self._paper_only = np.char.startswith(np.array(self.model_ids, dtype=str), PAPER_ONLY_NAMESPACE)
        self._list_ids = catalogue.lists["list_id"].to_numpy(dtype=object)
        self._list_row = {x: i for i, x in enumerate(self._list_ids)}
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
        self._size = catalogue.models["size"].to_numpy(copy=True)  # writable: torch.from_numpy takes it
        self._log_params = log_params(catalogue.models["params"] if "params" in catalogue.models.columns else
                                      np.full(len(catalogue.models), np.nan), catalogue.models["model_id"])
        self._size_z = self._standard_size(self._log_params)
        self._dataset_modality = catalogue.datasets["modality_idx"].to_numpy()
        self._dataset_family = catalogue.datasets["source_family"].to_numpy(object) \
            if "source_family" in catalogue.datasets.columns else np.full(len(catalogue.datasets), "other", object)
        self._init_languages()
        self._language_matches: dict[tuple[int, ...], np.ndarray] = {}
        models = catalogue.models
        self._params = models["params"].to_numpy(dtype=float) if "params" in models.columns else None
        self._hf_id = models["hf_id"].to_numpy(dtype=bool) if "hf_id" in models.columns else None
        self._d_text = module.d_text.numpy()
        self._list_dataset = lists["dataset_row"].to_numpy()
        self.dim = module.dim

    @property
    def latent_vectors(self) -> np.ndarray:
        """The catalogue models' latent vectors (``model_ids`` order): what the atlas draws."""
        return self._model_vec[:, : self.dim]

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
        if self.evidence is not None:
            self.evidence.save(directory / "evidence.npz")
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
        evidence = Evidence.load(directory / "evidence.npz") if (directory / "evidence.npz").exists() else None
        return cls(module, catalogue, meta, embed_fn, evidence)

    # ---- text embeddings for unseen names (the encoder loads lazily, on the first unseen text) ----
    def _embed(self, texts: list[str], kind: str = "dataset") -> torch.Tensor:
        """Embeddings of new ``kind`` ('dataset' or 'model') texts, by the embedder the ranker was trained with
        for that kind (meta 'embedder' and 'model_embedder')."""
        tag = self.meta.get("embedder")
        tag = self.meta.get("model_embedder", tag) if kind == "model" else tag
        if tag not in self._embedders:
            fn = self._embed_fn
            if fn is None:
                fn = embedder_named(tag)
            elif embedder_tag(fn) != tag:
                raise ValueError(f"embed_fn {embedder_tag(fn)!r} differs from the trained {tag!r}")
            self._embedders[tag] = TextEmbedder(fn)
        return torch.from_numpy(self._embedders[tag](texts))

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
        return self._embed([model_text(n) for n in names], "model")

    def resolve_task(self, value) -> tuple[int, int]:
        """(task, modality) vocabulary indices of a query's task spelling: the canonical task itself, or a raw
        spelling the task taxonomy maps ('text-classification' -> classification, text); 0 = unknown."""
        value = text_or_none(value)
        if not value:
            return 0, 0
        index = self._index["task"]
        for spelling in dict.fromkeys([value.lower(), value.lower().replace("_", "-"), value.lower().replace("-", " "),
                                       value.lower().replace("_", " ")]):
            if spelling in index:
                return index[spelling], 0
            if spelling in self.taxonomy:
                task, modality = self.taxonomy[spelling]
                return lookup(index, task), lookup(self._index["modality"], modality)
        return 0, 0

    def task_in_text(self, *texts) -> tuple[int, int]:
        """(task, modality) of the longest multi-word task name of the taxonomy found in the texts ('english
        speech recognition of calls' -> speech-recognition, audio); (0, 0) when none is."""
        text = _words(" ".join(t for t in texts if isinstance(t, str)))
        match = self._task_phrases.search(text) if self._task_phrases is not None and text else None
        if match is None:
            return 0, 0
        key = next(k for k in self.taxonomy if _words(k) == match.group(1))
        return self.resolve_task(key)

    def list_context(self, list_id: str | None, query: Query | None = None) -> ListContext:
        """The catalogue list named by ``list_id`` or described by ``query`` (its dataset, metric, description,
        task, modality); an unseen one is built from its metadata and text."""
        row, ds_id, ds_spelling, metric = self._resolve_list(list_id, query)
        if row is not None:
            return self._catalogue_list(row, self._d_text @ self._d_text[self._list_dataset[row]])
        return self._unseen_list(ds_id, ds_spelling, metric, query or Query("", ""))

    def query_contexts(self, queries: list[Query]) -> Iterator[ListContext]:
        """:meth:`query_context` of each query, in order; the dataset similarities of the queries that name
        catalogue lists are one matrix product per CONTEXT_BLOCK queries (a matrix-vector product per query read
        all dataset embeddings each time: most of a pool's cost)."""
        for start in range(0, len(queries), CONTEXT_BLOCK):
            block = queries[start : start + CONTEXT_BLOCK]
            resolved = [self._resolve_list(None, query) for query in block]
            rows = [row for row, *_ in resolved if row is not None]
            sims = iter(self._d_text[self._list_dataset[rows]] @ self._d_text.T if rows else ())
            for query, (row, ds_id, ds_spelling, metric) in zip(block, resolved):
                yield self._catalogue_list(row, next(sims)) if row is not None else \
                    self._unseen_list(ds_id, ds_spelling, metric, query)

    def _resolve_list(self, list_id: str | None, query: Query | None):
        """(catalogue list row or None, dataset id or None, dataset spelling, metric) of a list id or query."""
        row = self._list_row.get(list_id) if list_id else None
        ds_id = ds_spelling = metric = None
        if row is None:
            ds_spelling = query.dataset if query else None
            metric = text_or_none(query.metric) if query else None
            if list_id and "|" in list_id:
                head, _, tail = list_id.partition("|")
                ds_spelling, metric = ds_spelling or head, metric or tail
            ds_id = self.resolve_dataset(ds_spelling)
            if ds_id is not None:
                if metric:
                    row = self._list_row.get(f"{ds_id}|{metric.lower()}", self._list_row.get(f"{ds_id}|{metric}"))
                else:  # no metric given: the dataset's best-covered list
                    row = self._dataset_list.get(self._dataset_row[ds_id])
        return row, ds_id, ds_spelling, metric

    def _catalogue_list(self, row: int, sims: np.ndarray) -> ListContext:
        drow = int(self._list_dataset[row])
        warm = self.evidence is not None and bool(self.evidence.has_rows[row])
        return ListContext(self._list_vec[row], int(self._list_task[row]), int(self._dataset_modality[drow]), sims,
                           warm, self._dataset_family[drow], self._dataset_languages[drow])

    def _unseen_list(self, ds_id, ds_spelling, metric, query: Query) -> ListContext:
        m = self.module
        given_task, implied_modality = self.resolve_task(query.task)
        modality = lookup(self._index["modality"], query.modality) or implied_modality
        if ds_id is not None:  # known dataset, new metric: keep its learned features, query fields override
            drow = self._dataset_row[ds_id]
            d = self.catalogue.datasets.iloc[drow]
            ds_idx, text = int(d["id_idx"]), m.d_text[drow : drow + 1]
            task = given_task or int(d["task_idx"])
            modality = modality or int(d["modality_idx"])
        else:
            name = text_or_none(ds_spelling) or "unknown dataset"
            ds_idx, text = 0, self._embed([dataset_text(name, query.dataset_meta())])
            task = given_task
            if not task:  # a task named in the description; its modality unless that is the generic 'text'
                task, text_modality = self.task_in_text(query.description, name)
                if text_modality != lookup(self._index["modality"], "text"):
                    modality = modality or text_modality
        sims = self._d_text @ text[0].numpy()
        family = self._dataset_family[self._dataset_row[ds_id]] if ds_id is not None else "all"
        if self.evidence is not None:  # what the query does not say, from the nearest benchmarked lists
            lists, weights = self.evidence.neighbours(sims)
            if not (task and modality):
                near_task, near_modality = self.evidence.modality_mix(lists, weights)
                task, modality = task or near_task, modality or near_modality
            if ds_id is None and len(lists):
                family = pd.Series(weights).groupby(self._dataset_family[self._list_dataset[lists]]).sum().idxmax()
        t = lambda v: torch.tensor([v])  # noqa: E731
        with torch.no_grad():
            vec = m.list_tower(t(0), t(ds_idx), text, t(task), t(modality), t(lookup(self._index["metric"], metric)))
        named = languages_in_text(f"{query.description or ''} {ds_spelling}")
        languages = self._dataset_languages[self._dataset_row[ds_id]] if ds_id is not None else tuple(
            self._language_index[name] for name in named if name in self._language_index)
        return ListContext(vec[0].numpy(), task, modality, sims, False, family, languages)

    def nearest_datasets(self, query: Query, n: int = 3) -> list[tuple[str, float]]:
        """The benchmarked datasets whose text embedding is closest to the query's (one per distinct text)."""
        sims = self.list_context(None, query).dataset_sims
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
    def features(self, context: ListContext, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Every blend feature of the catalogue models ``rows`` (default: all) on the list ``context``. A model
        without training records has 0 (an average model) in every strength but ``family``: lending it its family's
        strength there too ranked an untested 'claude' above every tested model of weaker-looking families, since
        a family's records are mostly its newest, best-evaluated members. The arrays may be shared with the
        ranker's caches: read them, do not write into them."""
        pick = (lambda values: values) if rows is None else (lambda values: values[rows])  # noqa: E731
        out = {"latent": self._latent(pick(self._model_vec), pick(self._size), context), "size": pick(self._size_z),
               "language": pick(self._language_match(context))}
        if self.evidence is not None:
            ev = self.evidence
            knn, support = ev.knn(*self._neighbours(context))
            out |= {name: pick(value) for name, value in ev.strengths(context.task, context.modality).items()}
            out |= {"knn": pick(knn), "support": np.log1p(pick(support))}
        return out

    def _neighbours(self, context: ListContext) -> tuple[np.ndarray, np.ndarray]:
        """The evidence's nearest lists of ``context`` and their weights, computed once per context."""
        if context.neighbours is None:
            context.neighbours = self.evidence.neighbours(context.dataset_sims)
        return context.neighbours

    def _weights(self, context: ListContext, catalogue: bool = False) -> dict[str, float]:
        """The blend of the query's kind (whole catalogue, a trained (warm) list, or an unseen (cold) one), fitted
        for the list's source family where there was enough validation data for one, else for all families."""
        if self.evidence is None:
            return {"latent": 1.0}
        kind = "catalogue" if catalogue else "warm" if context.warm else "cold"
        fitted = self.blend_weights.get(kind) or {}
        return fitted.get(context.family) or fitted.get("all") or DEFAULT_BLEND[kind]

    def _init_languages(self) -> None:
        """Language vocabulary (the catalogue datasets' languages, from dim_datasets ids' subsets, and the ones model
        names spell out), each dataset's languages, and per model the languages of its training records and the
        ones its name spells out ('wav2vec2-large-xlsr-53-turkish')."""
        column = self.catalogue.datasets["languages"] if "languages" in self.catalogue.datasets.columns else \
            pd.Series("", index=self.catalogue.datasets.index)
        names = [tuple(v for v in str(x or "").split("|") if v) for x in column]
        in_names = [languages_in_name(m) for m in self.model_ids]
        vocab = {n for ns in names for n in ns} | {n for ns in in_names for n in ns}
        self._language_index = {n: i for i, n in enumerate(sorted(vocab))}
        self._dataset_languages = [tuple(self._language_index[n] for n in ns) for ns in names]
        self._dataset_language_mat = np.zeros((len(names), max(1, len(self._language_index))), bool)
        for row, langs in enumerate(self._dataset_languages):
            self._dataset_language_mat[row, list(langs)] = True
        self._dataset_named_any = self._dataset_language_mat.any(1)
        n_models, n_datasets = len(self.model_ids), len(names)
        self._model_languages = np.zeros((n_models, max(1, len(self._language_index))), bool)
        self._model_named = np.zeros_like(self._model_languages)
        for row, ns in enumerate(in_names):
            self._model_named[row, [self._language_index[n] for n in ns]] = True
        pairs = [(d, lang) for d, langs in enumerate(self._dataset_languages) for lang in langs]
        if self.evidence is not None and pairs:
            ev = self.evidence
            d_rows, d_cols = zip(*pairs)
            spoken = sparse.csr_matrix((np.ones(len(pairs)), (d_rows, d_cols)),
                                       shape=(n_datasets, self._model_languages.shape[1]))
            records = sparse.csr_matrix((np.ones(len(ev.model_rows)), (ev.model_rows, ev.list_dataset[ev.list_rows])),
                                        shape=(n_models, n_datasets))
            self._model_languages = (records @ spoken).astype(bool).toarray()
        self._model_named_any = self._model_named.any(1)
        counts = self._model_languages.sum(1)
        self._model_specialist = (counts > 0) & (counts <= SPECIALIST_LANGUAGES)

    def _apart_from_other_languages(self, sims: np.ndarray, languages: tuple[int, ...]) -> np.ndarray:
        """Text similarities of the benchmarked datasets to a list in ``languages``, lowered by
        LANGUAGE_MISMATCH for the datasets whose ids name only other languages: the nearest lists of English
        call-center speech were Latvian and Slovak dev sets, whose text differs from English ones by one word."""
        if not languages:
            return sims
        other = self._dataset_named_any & ~self._dataset_language_mat[:, list(languages)].any(1)
        return np.where(other, sims - LANGUAGE_MISMATCH, sims)

    def catalogue_context(self, context: ListContext) -> ListContext:
        """The context a whole-catalogue ranking uses: its neighbour lists (kNN strength, support, the evidence it
        shows) in the list's languages first. Candidate scoring keeps every language's neighbours: there the
        other-language versions of a task are the best evidence (wtau on new MTEB benchmarks 0.465 with them,
        0.449 without, seed 0). A context that is one already is returned as it is."""
        if context.catalogue:
            return context
        return replace(context, dataset_sims=self._apart_from_other_languages(context.dataset_sims, context.languages),
                       catalogue=True, neighbours=None)

    def _language_match(self, context: ListContext) -> np.ndarray:
        """+1 for a model with training records in one of the list's languages or whose name spells one of them,
        -1 for a specialist of other languages (its name spells only other languages, or its records are in at most
        SPECIALIST_LANGUAGES languages, none of the list's: a Slovenian ASR fine-tune for English calls), 0
        otherwise (the list names no language; a multilingual model without records in the list's language; a
        model whose records name none)."""
        if not context.languages:
            return np.zeros(len(self.model_ids))
        if context.languages not in self._language_matches:  # few distinct language sets: each computed once
            langs = list(context.languages)
            named, named_match = self._model_named_any, self._model_named[:, langs].any(1)
            match = named_match | (self._model_languages[:, langs].any(1) & ~named)
            other = (named & ~named_match) | (self._model_specialist & ~match)
            if len(self._language_matches) >= 256:
                self._language_matches.clear()
            self._language_matches[context.languages] = np.where(match, 1.0, np.where(other, -1.0, 0.0))
        return self._language_matches[context.languages]

    def _standard_size(self, log_params: np.ndarray) -> np.ndarray:
        """log10(parameters) standardised over the catalogue; 0 (an average size) where unknown."""
        known = self._log_params[np.isfinite(self._log_params)]
        if not len(known):
            return np.zeros(len(log_params))
        z = (np.asarray(log_params, float) - known.mean()) / max(float(known.std()), 1e-6)
        return np.where(np.isfinite(z), z, 0.0)

    def _latent(self, model_vec: np.ndarray, size: np.ndarray, context: ListContext) -> np.ndarray:
        """The latent model's score (TwoTowerRanker.score_matrix) of model vectors (n, d+1) on the list."""
        with torch.no_grad():
            return self.module.score_matrix(torch.from_numpy(model_vec), torch.from_numpy(context.vec[None]),
                                            torch.from_numpy(size), torch.tensor([context.task]))[0].numpy()

    def score_pairs(self, model_ids: list[str], list_id: str | None, query: Query | None = None,
                    context: ListContext | None = None) -> np.ndarray:
        """Scores (higher = better) of ``model_ids`` (seen or unseen) on ``list_id`` or on the list described by
        ``query``. Unseen models have no
        evidence: their evidence features are 0 (an average model) but ``family`` (their family's strength), and
        their latent score comes from their name, card text, size and family."""
        if len(model_ids) == 0:
            return np.zeros(0)
        context = context or self.list_context(list_id, query)
        rows = np.array([self._model_row.get(self.resolve_model(s), -1) for s in model_ids])
        known = rows >= 0
        weights = self._weights(context)
        scores = np.zeros(len(model_ids))
        if known.any():
            scores[known] = blend(self.features(context, rows[known]), weights)
        if (~known).any():
            unseen = [model_ids[i] for i in np.flatnonzero(~known)]
            vec, size = self._model_vectors(unseen)
            features = {"latent": self._latent(vec, size, context),
                        "size": self._standard_size(log_params(np.full(len(unseen), np.nan), unseen))}
            if self.evidence is not None:  # what their family's models did, like a catalogue model without rows
                families = [self._index["family"].get(family_of(str(n).strip().lower()), 0) for n in unseen]
                features |= {name: np.zeros(len(unseen)) for name in FEATURES if name not in features}
                features["family"] = self.evidence.family_strength(context.modality, families)
            scores[~known] = blend(features, weights)
        return scores.astype(np.float64)

    def score_catalogue(self, list_id: str | None, query: Query | None = None,
                        context: ListContext | None = None) -> np.ndarray:
        """Scores of every catalogue model (``model_ids`` order); models a catalogue ranking may not propose (not
        applicable to the list's task and modality, or excluded by the query's filters) score -inf. ``context``:
        the list's context when the caller has it already."""
        context = self.catalogue_context(context or self.list_context(list_id, query))
        scores = blend(self.features(context), self._weights(context, catalogue=True))
        return np.where(self.allowed(context, query or Query("", "")), scores, -np.inf)

    def allowed(self, context: ListContext, query: Query) -> np.ndarray:
        """Applicability (records on the list's task and modality; when the list names languages, no specialist of
        other languages while MIN_LANGUAGE_MODELS remain; no paper-only method while MIN_OBTAINABLE_MODELS others
        remain: a user cannot download 'pwc/tc-dnn-blstm-dnn') and the query's filters (modality, task,
        max_params, hf_only), per catalogue model."""
        ok = np.ones(len(self.model_ids), bool)
        if self.evidence is not None:
            task, modality = context.task, context.modality
            if query.task:
                task = self.resolve_task(query.task)[0] or task
            if query.modality:
                modality = lookup(self._index["modality"], query.modality) or modality
            ok &= self.evidence.applicable(task, modality)
            other_language = self._language_match(context) < 0
            if (ok & ~other_language).sum() >= MIN_LANGUAGE_MODELS:
                ok &= ~other_language
            if (ok & ~self._paper_only).sum() >= MIN_OBTAINABLE_MODELS:
                ok &= ~self._paper_only
        if query.max_params is not None and self._params is not None:
            ok &= np.nan_to_num(self._params, nan=np.inf) <= query.max_params
        if query.hf_only and self._hf_id is not None:
            ok &= self._hf_id
        return ok

    def query_context(self, query: Query) -> ListContext:
        """The context of the list a query describes (to share between :meth:`rank` and :meth:`explain`)."""
        return self.list_context(None, query)

    def explain(self, query: Query, model_ids: list[str], n: int = 3, context: ListContext | None = None) -> list[dict]:
        """The evidence behind each model's score for ``query``: its records (list and z) on the query's nearest
        benchmarked lists, most similar first, and its number of training records on the query's task."""
        if self.evidence is None:
            return [{} for _ in model_ids]
        ev = self.evidence
        context = self.catalogue_context(context or self.query_context(query))
        lists, _ = self._neighbours(context)
        rows = [self._model_row.get(self.resolve_model(spelling)) for spelling in model_ids]
        position, models, values = entries(ev.rz, lists)  # every record on the neighbour lists, nearest first
        on_task = np.zeros(len(self.model_ids))
        if context.task:
            start, end = ev.task_records.indptr[context.task], ev.task_records.indptr[context.task + 1]
            on_task[ev.task_records.indices[start:end]] = ev.task_records.data[start:end]
        out = []
        for row in rows:
            if row is None:
                out.append({"records_on_task": 0, "nearest_records": []})
                continue
            mine = np.flatnonzero(models == row)[:n]
            out.append({"records_on_task": int(on_task[row]),
                        "nearest_records": [{"list": self._list_ids[lists[position[i]]],
                                             "z": _round(values[i] / ev.reliability[lists[position[i]]])}
                                            for i in mine]})
        return out

    def rank(self, query: Query, k: int = 10, context: ListContext | None = None) -> list[tuple[str, float]]:
        """The DESIGN.md query contract: every candidate as spelled (best first), else the catalogue's top k
        among the models applicable to the query (and its filters: ``max_params``, ``hf_only``); ``context`` as
        from :meth:`query_context` when the caller has it."""
        candidates = query.candidates
        if candidates:
            scores = self.score_pairs(list(candidates), None, query, context)
            order = np.argsort(-scores, kind="stable")
            return [(candidates[i], float(scores[i])) for i in order]
        scores = self.score_catalogue(None, query, context)
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.model_ids[i], float(scores[i])) for i in top]


def _round(value: float) -> float:
    return round(float(value), 3)


def _words(text: str) -> str:
    """Lower-case words separated by single spaces ('Speech-Recognition' -> 'speech recognition')."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
