"""Train the two-tower ranker on a Benchmark: sampled lists per step, capped list length, early stopping on a
validation NDCG@10, and a wall-clock budget."""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from training.data import Benchmark
from training.evidence import FEATURES, Evidence, fit_blend, fit_catalogue_blend
from training.features import (EMBEDDERS, Catalogue, EmbedFn, TextEmbedder, build_catalogue, embedder_tag,
                               padded_token_matrix)
from training.metrics import ndcg_at_k
from training.model import Sizes, TwoTowerRanker
from training.progress import progress
from training.queries import Query
from training.ranker import DEFAULT_BLEND, Ranker
from training.splits import _hold_out, newest_benchmarks
from training.threads import torch_threads

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    seed: int = 0
    epochs: int = 40
    lr: float = 3e-3
    weight_decay: float = 1e-5
    dim: int = 64
    dropout: float = 0.1
    lists_per_batch: int = 64
    items_per_list: int = 64  # cap: up to this many items sampled per list per step
    unk_prob: float = 0.1
    listmle_weight: float = 0.5
    bpr_weight: float = 1.0
    mse_weight: float = 0.1
    patience: int = 4  # epochs without validation improvement before stopping
    max_minutes: float = 12.0  # wall-clock budget of the epochs (a cold cache's text embeddings come before)
    valid_fraction: float = 0.05  # benchmarks (cold) and entries (warm) held out internally when no ``valid``
    max_blend_lists: int = 600  # validation lists per kind used to fit the blend weights
    dataset_embedder: str = "minilm"  # text embeddings (training.features.EMBEDDERS) of dataset descriptions
    model_embedder: str = "minilm"  # ... and of model cards; train_ranker's embed_fn replaces both
    threads: int = 1  # tiny matmuls: 2 intra-op threads were 6-13x slower than 1 on a busy 2-core machine


def per_list_z(frame: pd.DataFrame, column: str = "signed_value") -> np.ndarray:
    """z-score of ``column`` within each list_id (0 where a list's std is 0 or undefined)."""
    grouped = frame.groupby("list_id")[column]
    std = grouped.transform("std", ddof=0).to_numpy(dtype=float)
    centred = frame[column].to_numpy(dtype=float) - grouped.transform("mean").to_numpy(dtype=float)
    return np.where(std > 1e-12, centred / np.where(std > 1e-12, std, 1.0), 0.0)


class _Lists:
    """Rows grouped by catalogue list index: contiguous segments of model rows and targets."""

    def __init__(self, list_rows: np.ndarray, model_rows: np.ndarray, target: np.ndarray, min_size: int):
        order = np.argsort(list_rows, kind="stable")
        self.list_rows, self.model_rows, self.target = list_rows[order], model_rows[order], target[order]
        starts = np.flatnonzero(np.r_[True, self.list_rows[1:] != self.list_rows[:-1]]) if len(order) else []
        bounds = np.r_[starts, len(order)].astype(np.int64)
        sizes = np.diff(bounds)
        keep = sizes >= min_size
        self.start, self.size = bounds[:-1][keep], sizes[keep]
        self.ids = self.list_rows[self.start] if len(order) else np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self.start)


def _batch(lists: _Lists, chosen: np.ndarray, cap: int, rng: np.random.Generator) -> dict:
    width = int(min(cap, lists.size[chosen].max()))
    models = np.zeros((len(chosen), width), dtype=np.int64)
    z = np.zeros((len(chosen), width), dtype=np.float32)
    mask = np.zeros((len(chosen), width), dtype=bool)
    for b, j in enumerate(chosen):
        start, n = lists.start[j], lists.size[j]
        pick = start + (rng.permutation(n)[:cap] if n > cap else np.arange(n))
        models[b, : len(pick)] = lists.model_rows[pick]
        z[b, : len(pick)] = lists.target[pick]
        mask[b, : len(pick)] = True
    return {"lists": torch.from_numpy(lists.ids[chosen].astype(np.int64)), "models": torch.from_numpy(models),
            "mask": torch.from_numpy(mask), "z": torch.from_numpy(z)}


def _split_valid(bench: Benchmark, train: pd.DataFrame, fraction: float, rng: np.random.Generator):
    """(inner, cold, warm). Cold lists mirror how new benchmarks arrive: the newest benchmarks of every dated
    source (training.splits.newest_benchmarks, siblings together), whole suites (dim_datasets.suite: a new kind
    of benchmark) for about ``fraction`` of the rows, and in suites that this leaves untouched, whole benchmarks
    at random, about ``fraction`` of the suite's rows. Then a random ``fraction`` of the remaining entries are
    warm ones."""
    meta = bench.datasets
    groups = train["dataset_id"].map(meta["benchmark"]).fillna(train["dataset_id"]) if "benchmark" in meta else \
        train["dataset_id"]
    suites = train["dataset_id"].map(meta["suite"]).fillna("") if "suite" in meta else pd.Series("", train.index)
    cold = newest_benchmarks(bench, train, int(rng.integers(1 << 31)), fraction).copy()
    small = (suites.map(suites.value_counts()) <= 2 * fraction * len(train)).to_numpy()  # big suites stay in
    if suites[small].nunique() >= 2:
        cold[small] |= _hold_out(suites[small].astype(object), int(rng.integers(1 << 31)), fraction * len(train)
                                 / small.sum())
    for _, idx in groups.groupby(suites.to_numpy()).indices.items():
        if not cold[idx].any() and groups.iloc[idx].nunique() >= 2:
            cold[idx] = _hold_out(groups.iloc[idx].astype(object), int(rng.integers(1 << 31)), fraction)
    rest = train[~cold]
    warm = rng.random(len(rest)) < fraction
    return rest[~warm], train[cold], rest[warm]


def build_evidence(catalogue: Catalogue, rows: pd.DataFrame) -> Evidence:
    """The evidence index of ``rows`` (per-list z recomputed on them) over the catalogue's lists and models."""
    model_row = pd.Series(np.arange(len(catalogue.models)), index=catalogue.models["model_id"])
    list_row = pd.Series(np.arange(len(catalogue.lists)), index=catalogue.lists["list_id"])
    rows = rows[rows["list_id"].isin(list_row.index) & rows["model_id"].isin(model_row.index)]
    list_dataset = catalogue.lists["dataset_row"].to_numpy()
    datasets = catalogue.datasets
    return Evidence(list_row[rows["list_id"]].to_numpy(), model_row[rows["model_id"]].to_numpy(), per_list_z(rows),
                    list_dataset, datasets["task_idx"].to_numpy()[list_dataset],
                    datasets["modality_idx"].to_numpy()[list_dataset], catalogue.models["family_idx"].to_numpy(),
                    len(catalogue.models),
                    len(catalogue.vocabs["task"]), len(catalogue.vocabs["modality"]))


def _sample_lists(rows: pd.DataFrame, suites: pd.Series, max_lists: int, rng) -> np.ndarray:
    """At most ``max_lists`` list ids of ``rows`` (2+ models), taken round-robin over suites (dim_datasets.suite)
    so that no suite (MTEB's thousands of bitext pairs) decides the blend alone."""
    first = rows.groupby("list_id").agg(dataset=("dataset_id", "first"), n=("model_id", "size"))
    first = first[first["n"] >= 2]
    suite = first["dataset"].map(suites).fillna("").to_numpy() if len(suites) else np.zeros(len(first))
    order = rng.permutation(len(first))
    turn = pd.Series(suite[order]).groupby(suite[order]).cumcount().to_numpy()  # position within its suite
    return first.index.to_numpy()[order[np.argsort(turn, kind="stable")][:max_lists]]


def _list_features(ranker: Ranker, views: dict | None, list_id: str, rows: np.ndarray | None = None):
    """(view, context, blend features) of a validation list, seen through its view of the ranker in ``views`` if
    it has one; there its latent score is 0, since the latent model was trained on the list (only the evidence
    lacks it)."""
    view = (views or {}).get(list_id)
    context = (view or ranker).list_context(list_id, None)
    values = (view or ranker).features(context, rows)
    if view is not None:
        values["latent"] = np.zeros_like(values["latent"])
    return view or ranker, context, values


def _blend_rows(ranker: Ranker, rows: pd.DataFrame, lists: np.ndarray,
                views: dict | None = None) -> tuple[dict, np.ndarray, np.ndarray]:
    """Blend features, targets (z) and list groups of the validation ``rows`` of ``lists`` (``views``: as for
    :func:`_list_features`)."""
    rows = rows[rows["model_id"].isin(ranker._model_row)]
    feats, target, groups = {name: [] for name in FEATURES}, [], []
    for i, (list_id, part) in enumerate(rows[rows["list_id"].isin(lists)].groupby("list_id")):
        values = _list_features(ranker, views, list_id, part["model_id"].map(ranker._model_row).to_numpy())[2]
        for name in FEATURES:
            feats[name].append(values[name])
        target.append(per_list_z(part))
        groups.append(np.full(len(part), i))
    if not groups:
        return {}, np.zeros(0), np.zeros(0)
    return {k: np.concatenate(v) for k, v in feats.items()}, np.concatenate(target), np.concatenate(groups)


SUITES_OUT = 2  # suites per source family taken out of the evidence to validate blends for new kinds of benchmark


def _suites_out(ranker: Ranker, bench: Benchmark, train: pd.DataFrame, rng) -> tuple[pd.DataFrame, dict]:
    """Validation for a new kind of benchmark, beside the cold lists: per source family, SUITES_OUT suites of the
    training rows (dim_datasets.suite: an MTEB task type, a HELM group, ...), each taken out of the evidence on its
    own. Returns their rows and, per list id, a view of ``ranker`` whose evidence lacks that list's suite."""
    if "suite" not in bench.datasets.columns or not len(train):
        return train.iloc[:0], {}
    suites = train["dataset_id"].map(bench.datasets["suite"]).fillna("")
    families = train["list_id"].map(bench.list_families(train))
    parts, views = [], {}
    for names in suites[suites != ""].groupby(families).unique().values:
        for suite in rng.permutation(names)[:SUITES_OUT]:
            out = (suites == suite).to_numpy()
            if out.all():
                continue
            view = copy.copy(ranker)
            view.evidence = build_evidence(ranker.catalogue, train[~out])
            parts.append(train[out])
            views |= dict.fromkeys(train.loc[out, "list_id"].unique(), view)
    return (pd.concat(parts) if parts else train.iloc[:0]), views


def _catalogue_lists(ranker: Ranker, rows: pd.DataFrame, lists: np.ndarray, views: dict | None = None) -> list[tuple]:
    """(catalogue features, allowed, evaluated, true top 10) of the validation ``lists`` (``views``: as for
    :func:`_list_features`)."""
    out = []
    for list_id, part in rows[rows["list_id"].isin(lists)].groupby("list_id"):
        view, context, values = _list_features(ranker, views, list_id)
        z = per_list_z(part)
        top = part["model_id"].to_numpy()[z >= np.sort(z)[::-1][min(10, len(z)) - 1] - 1e-12]
        masks = [np.zeros(len(ranker.model_ids), bool) for _ in range(2)]
        for mask, ids in zip(masks, (part["model_id"], top)):
            mask[[ranker._model_row[m] for m in ids if m in ranker._model_row]] = True
        out.append((values, view.allowed(context, Query(list_id, "")), *masks))
    return out


MIN_FAMILY_LISTS = {"cold": 40, "warm": 40, "catalogue": 20}  # validation lists a source family needs for a blend


def fit_blend_weights(ranker: Ranker, bench: Benchmark, train: pd.DataFrame, cold: pd.DataFrame,
                      warm: pd.DataFrame, max_lists: int, rng) -> dict:
    """Blend weights for candidates of cold (unseen) and warm (trained) lists and for whole-catalogue rankings,
    each fitted on its own validation rows: once over all source families ("all", lists round-robin over suites),
    then for every family with at least MIN_FAMILY_LISTS validation lists, starting from the "all" weights. The
    cold and catalogue rows are the cold ones plus, from the evidence rows ``train``, SUITES_OUT suites per family
    taken out of the evidence (:func:`_suites_out`); warm lists share their ids with training lists, so they are
    seen without those views. A kind without validation lists keeps the defaults."""
    suites = bench.datasets["suite"] if "suite" in bench.datasets.columns else pd.Series(dtype=object)
    suite_rows, views = _suites_out(ranker, bench, train, rng)

    def candidates(rows, lists, start, views):
        feats, target, groups = _blend_rows(ranker, rows, lists, views)
        return fit_blend(feats, target, groups, start)[0] if len(target) else None

    def catalogue(rows, lists, start, views):
        prepared = _catalogue_lists(ranker, rows, lists, views)
        return fit_catalogue_blend(prepared, start)[0] if prepared else None

    new_lists = pd.concat([cold, suite_rows])
    out = {}
    for kind, rows, fit, n, seen_by in (("cold", new_lists, candidates, max_lists, views),
                                        ("warm", warm, candidates, max_lists, None),
                                        ("catalogue", new_lists, catalogue, max_lists // 4, views)):
        fitted = {"all": fit(rows, _sample_lists(rows, suites, n, rng), DEFAULT_BLEND[kind], seen_by)
                  or DEFAULT_BLEND[kind]}
        sized = rows.groupby("list_id")["model_id"].transform("size") >= 2
        families = bench.list_families(rows[sized])
        for family, ids in families.groupby(families).groups.items():
            if len(ids) >= MIN_FAMILY_LISTS[kind]:
                part = rows[rows["list_id"].isin(ids)]
                fitted[family] = fit(part, _sample_lists(part, suites, n // 2, rng), fitted["all"], seen_by) \
                    or fitted["all"]
        log.info("blend %s: %s", kind, fitted)
        out[kind] = fitted
    return out


def _validate(module: TwoTowerRanker, valid: _Lists) -> float:
    if not len(valid):
        return float("nan")
    module.eval()
    with torch.no_grad():
        model_vec = module.model_vectors()
        list_idx = torch.from_numpy(valid.ids.astype(np.int64))
        list_vec = module.list_vectors(list_idx)
        tasks = module.list_tasks(list_idx)
        per_row_list = np.repeat(np.arange(len(valid)), valid.size)
        rows = np.concatenate([np.arange(s, s + n) for s, n in zip(valid.start, valid.size)])
        m = torch.from_numpy(valid.model_rows[rows])
        scores = module.combine(model_vec[m], list_vec[per_row_list], module.m_size[m],
                                tasks[per_row_list]).numpy()
    module.train()
    bounds = np.r_[0, np.cumsum(valid.size)]
    targets = valid.target[rows]
    return float(np.mean([ndcg_at_k(targets[a:b], scores[a:b], 10) for a, b in zip(bounds[:-1], bounds[1:])]))


def train_ranker(bench: Benchmark, config: TrainConfig | None = None, train: pd.DataFrame | None = None,
                 valid: pd.DataFrame | None = None, cache_dir: str | Path | None = None,
                 embed_fn: EmbedFn | None = None) -> Ranker:
    """Fit the ranker on ``train`` rows of ``bench.evals`` (default: all), early-stopping on ``valid`` rows (default:
    5% of the training lists held out). Text embeddings are cached in ``cache_dir``; ``embed_fn`` replaces the
    config's embedders."""
    config = config or TrainConfig()
    for name in (config.dataset_embedder, config.model_embedder):
        if name not in EMBEDDERS:
            raise ValueError(f"unknown embedder {name!r}: one of {sorted(EMBEDDERS)}")
    with torch_threads(config.threads):
        return _train(bench, config, train, valid, cache_dir, embed_fn)


def _train(bench, config, train, valid, cache_dir, embed_fn) -> Ranker:
    t0 = time.monotonic()
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    train = bench.evals if train is None else train
    train = train[train["signed_value"].notna()]
    everything = train
    if valid is None:
        train, cold, warm = _split_valid(bench, train, config.valid_fraction, rng)
        valid = pd.concat([cold, warm])
    else:
        cold, warm = valid, valid.iloc[:0]
        everything = pd.concat([train, valid])
    train = train.assign(z=per_list_z(train))

    catalogue = build_catalogue(bench, train)
    embedders, shared = [], {}  # one TextEmbedder per embedder: its cache file loaded once, for both kinds
    for fn in (embed_fn or EMBEDDERS[name] for name in (config.model_embedder, config.dataset_embedder)):
        if embedder_tag(fn) not in shared:
            shared[embedder_tag(fn)] = fn if isinstance(fn, TextEmbedder) else TextEmbedder(fn, cache_dir)
        embedders.append(shared[embedder_tag(fn)])
    model_text, dataset_text = embedders[0](catalogue.model_texts), embedders[1](catalogue.dataset_texts)
    t_embed = time.monotonic() - t0
    deadline = time.monotonic() + 60 * config.max_minutes  # a fresh home's 14 minutes of embeddings left 1 epoch
    vocabs, cat = catalogue.vocabs, catalogue
    sizes = Sizes(n_model_ids=len(vocabs["model_id"]), n_families=len(vocabs["family"]),
                  n_dataset_ids=len(vocabs["dataset_id"]), n_list_ids=len(vocabs["list_id"]),
                  n_tasks=len(vocabs["task"]), n_modalities=len(vocabs["modality"]), n_metrics=len(vocabs["metric"]),
                  n_models=len(cat.models), n_datasets=len(cat.datasets), n_lists=len(cat.lists),
                  text_dim=int(model_text.shape[1]))
    module_kwargs = dict(dim=config.dim, dropout=config.dropout, unk_prob=config.unk_prob,
                         listmle_weight=config.listmle_weight, bpr_weight=config.bpr_weight,
                         mse_weight=config.mse_weight)
    module = TwoTowerRanker(sizes, **module_kwargs)
    _fill_buffers(module, catalogue, model_text, dataset_text)

    model_row = pd.Series(np.arange(len(cat.models)), index=cat.models["model_id"])
    list_row = pd.Series(np.arange(len(cat.lists)), index=cat.lists["list_id"])

    def group(frame: pd.DataFrame, column: str) -> _Lists:
        frame = frame[frame["list_id"].isin(list_row.index) & frame["model_id"].isin(model_row.index)]
        return _Lists(list_row[frame["list_id"]].to_numpy(), model_row[frame["model_id"]].to_numpy(),
                      frame[column].to_numpy(dtype=np.float32), min_size=2)

    train_lists = group(train, "z")
    valid_lists = group(valid[valid["signed_value"].notna()], "signed_value")

    sparse = {id(p) for p in module.sparse_parameters()}
    optimizers = [torch.optim.SparseAdam(module.sparse_parameters(), lr=config.lr),
                  torch.optim.Adam([p for p in module.parameters() if id(p) not in sparse], lr=config.lr,
                                   weight_decay=config.weight_decay)]
    best, best_state, stale, history = -np.inf, None, 0, []
    module.train()
    steps_per_epoch = max(1, int(np.ceil(len(train_lists) / config.lists_per_batch)))
    epoch = 0
    for epoch in progress(range(1, config.epochs + 1), "training", unit="epoch"):
        perm = rng.permutation(len(train_lists))
        losses = []
        for step in range(steps_per_epoch):
            chosen = perm[step * config.lists_per_batch : (step + 1) * config.lists_per_batch]
            if not len(chosen):
                continue
            loss = module.calculate_loss(_batch(train_lists, chosen, config.items_per_list, rng))
            for optimizer in optimizers:
                optimizer.zero_grad()
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
            losses.append(loss.item())
            if time.monotonic() > deadline:
                break
        score = _validate(module, valid_lists)
        history.append({"epoch": epoch, "loss": float(np.mean(losses)) if losses else float("nan"),
                        "valid_ndcg10": score})
        log.info("epoch %d loss %.4f valid ndcg@10 %.4f", epoch, history[-1]["loss"], score)
        if np.isnan(score) or score > best + 1e-4:
            best, best_state, stale = score, copy.deepcopy(module.state_dict()), 0
        else:
            stale += 1
        if stale >= config.patience or time.monotonic() > deadline:
            break
    if best_state is not None:
        module.load_state_dict(best_state)
    ranker = Ranker(module, catalogue, {}, embed_fn, evidence=build_evidence(catalogue, train))
    blend = fit_blend_weights(ranker, bench, train, cold, warm, config.max_blend_lists, rng)
    meta = {
        "sizes": sizes.to_dict(), "module": module_kwargs, "config": asdict(config), "embedder": embedders[1].tag,
        "model_embedder": embedders[0].tag,
        "blend": blend, "taxonomy": bench.taxonomy,
        "fingerprint": bench.fingerprint(), "history": history,
        "stats": {"train_rows": int(len(train)), "train_lists": len(train_lists), "valid_lists": len(valid_lists),
                  "epochs": epoch, "best_valid_ndcg10": None if not np.isfinite(best) else float(best),
                  "embed_seconds": round(t_embed, 1), "seconds": round(time.monotonic() - t0, 1)},
    }
    return Ranker(module, catalogue, meta, embed_fn, evidence=build_evidence(catalogue, everything))


def _fill_buffers(module: TwoTowerRanker, cat, model_text: np.ndarray, dataset_text: np.ndarray) -> None:
    with torch.no_grad():
        module.m_id.copy_(torch.tensor(cat.models["id_idx"].to_numpy(np.int64)))
        module.m_tokens.copy_(torch.from_numpy(padded_token_matrix(cat.models["model_id"].tolist())))
        module.m_text.copy_(torch.from_numpy(model_text))
        module.m_size.copy_(torch.tensor(cat.models["size"].to_numpy(np.int64)))
        module.m_family.copy_(torch.tensor(cat.models["family_idx"].to_numpy(np.int64)))
        module.d_id.copy_(torch.tensor(cat.datasets["id_idx"].to_numpy(np.int64)))
        module.d_text.copy_(torch.from_numpy(dataset_text))
        module.d_task.copy_(torch.tensor(cat.datasets["task_idx"].to_numpy(np.int64)))
        module.d_modality.copy_(torch.tensor(cat.datasets["modality_idx"].to_numpy(np.int64)))
        module.l_id.copy_(torch.tensor(cat.lists["id_idx"].to_numpy(np.int64)))
        module.l_dataset.copy_(torch.tensor(cat.lists["dataset_row"].to_numpy(np.int64)))
        module.l_metric.copy_(torch.tensor(cat.lists["metric_idx"].to_numpy(np.int64)))
