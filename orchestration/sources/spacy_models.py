"""spaCy pipeline metas (explosion/spacy-models ``meta/<lang>_<name>-<version>.json.gz``, gzipped) → raw records.

A record is one top-level score of a pipeline's meta: v3 ``performance`` (fractions, ``0.9986``) or v2 ``accuracy``
(percent, ``99.87``), left as found (one pipeline's loaded version has one scale; dbt rescales per list). model_raw
is ``spacy/<lang>_<name>``, the pipeline (its HF hub id). Versions are model versions: only the latest version of
each pipeline that has scores is loaded; older versions' scores are quarantined as "superseded by version X"
(versions compared as versions with ``packaging``: ``2.0.0-alpha4`` = 2.0.0a4 < 2.1 < 3.3.0a0 < 3.3.0 < 3.10.0);
source_version is the pipeline version. Scores are on each pipeline's own dev data, which no meta names: dataset_raw
is ``spacy-dev/<lang>/<corpora>``, the sorted training-corpus names of ``sources`` (v2 strings, v3 dicts' ``name``)
joined by ``; ``, so pipelines trained on the same corpora compete on one list (en_core_web_sm/md/lg/trf all get
``spacy-dev/en/ClearNLP Constituent-to-Dependency Conversion; OntoNotes 5``). Sources that are not annotated corpora
are left out of the name: word vectors and embeddings, pretrained transformers (``roberta-base``, HF ids), lookup
tables, lemma lists, dictionaries and tokenizers (``NOT_CORPUS``); a pipeline naming no corpus gets its own name.
v2 metas do not tell vector sources (``Common Crawl``, ``Wikipedia``) from corpora: kept as found.

metric_raw is the score key with the renames across versions unified (``uas``→``dep_uas``, ``tags_acc``/``tag``→
``tag_acc``, ``tok``→``token_acc``, ``ner_f``→``ents_f``, ``sent_f``→``sents_f``, ... ``RENAMES``), all higher is
better; task_raw follows the component (``TASKS``). Not records: ``speed`` (words/s: a float in v3 ``performance``,
a ``{cpu, gpu, nwords}`` dict in v2) is side information, not a score cell: it goes to the model row's card text and
is neither loaded nor quarantined. Per-label dicts (``ents_per_type``, ``dep_las_per_type``, ``morph_per_feat``, v2
``las_per_type``: ~142,000 ``{p, r, f}`` values) are not loaded, the aggregates are: each dict is one score cell,
quarantined as one row ("per-label breakdown, not loaded") whose excerpt counts its labels, so every top-level cell is
accounted for without flooding the quarantine. A score of exactly 0 (v2 ``ents_*`` of a pipeline without NER, ja
``morph_acc``, uk ``lemma_acc``) marks a component absent or not evaluated, not a result: quarantined. A meta
without scores (24 old v2 metas: vectors-only and ``pytt``/``trf`` packages) is one quarantine row; so is an
unreadable or malformed file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from packaging.version import InvalidVersion, Version

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, as_list, read_json
from orchestration.sources.values import parse_value

SOURCE = "spacy_models"
SOURCE_VERSION = "explosion/spacy-models@9257066"
RENAMES = {
    "uas": "dep_uas", "las": "dep_las", "tags_acc": "tag_acc", "tag": "tag_acc", "pos": "pos_acc",
    "morph": "morph_acc", "lemma": "lemma_acc", "tok": "token_acc", "ner_p": "ents_p", "ner_r": "ents_r",
    "ner_f": "ents_f", "sent_p": "sents_p", "sent_r": "sents_r", "sent_f": "sents_f",
}  # fmt: skip
TASKS = {  # first part of the unified metric name -> task_raw
    "token": "tokenization", "tag": "token-classification", "pos": "token-classification",
    "morph": "token-classification", "ents": "token-classification", "lemma": "lemmatization",
    "dep": "dependency-parsing", "sents": "sentence-segmentation", "cats": "text-classification",
}  # fmt: skip
TRANSFORMER = re.compile(r"bert|xlnet|/", re.IGNORECASE)  # pretrained transformers: roberta-base, org/name ids
NOT_CORPUS = re.compile(
    r"bert|xlnet|/|vector|fasttext|glove|embedding|navec|chive|lookups|lemmati|wordnet|morfeusz|polimorf|ordbank|"
    r"orddatabase|sudachi|transliteration", re.IGNORECASE)  # fmt: skip


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted((Path(snapshot_dir) / SOURCE / "meta").glob("*.json.gz"))


def _scores(meta: dict) -> tuple[str, object]:
    """(block name, scores) of a meta: v3 ``performance`` or v2 ``accuracy``."""
    block = "performance" if "performance" in meta else "accuracy"
    return block, meta.get(block)


def _version(meta: dict) -> Version | None:
    try:
        return Version(str(meta.get("version")))
    except InvalidVersion:
        return None


def _sources(meta: dict) -> list[str]:
    """Source names: v2 strings, v3 dicts' ``name``."""
    names = [s.get("name") if isinstance(s, dict) else s for s in as_list(meta.get("sources"))]
    return [n.strip() for n in names if isinstance(n, str) and n.strip()]


def _dataset(meta: dict, pipeline: str) -> str:
    corpora = sorted({n for n in _sources(meta) if not NOT_CORPUS.search(n)})
    return f"spacy-dev/{meta['lang']}/{'; '.join(corpora) or pipeline}"


def _speed(meta: dict, scores: dict) -> str | None:
    speed = scores.get("speed", meta.get("speed"))
    if isinstance(speed, dict):
        speed = speed.get("cpu")
    return f"{speed:,.0f} words/s on CPU" if isinstance(speed, (int, float)) and not isinstance(speed, bool) else None


def _model_row(model: str, meta: dict, scores: dict, versions: int) -> dict:
    keys = ("license", "size", "spacy_version")
    facts = [f"{k.replace('_', ' ')} {meta[k]}" for k in keys if meta.get(k)] + [_speed(meta, scores) or ""]
    return {
        "model_raw": model,
        "card_text": f"spaCy {meta['lang']} pipeline {meta['lang']}_{meta['name']} {meta['version']} (latest of "
                     f"{versions} scored version(s)). {str(meta.get('description') or '').strip()} "
                     + "; ".join(f for f in facts if f) + ".",
        "tags": json.dumps([f"lang:{meta['lang']}", f"version:{meta['version']}"]
                           + [f"component:{c}" for c in as_list(meta.get("components") or meta.get("pipeline"))
                              if isinstance(c, str)]),
        "library": "spacy", "pipeline_tag": "token-classification",
        "base_model": next((n for n in _sources(meta) if TRANSFORMER.search(n)), None),
        "organization": meta.get("author") if isinstance(meta.get("author"), str) else None,
    }  # fmt: skip


def _dataset_row(dataset: str, tasks: Counter) -> dict:
    lang, _, corpora = dataset.removeprefix("spacy-dev/").partition("/")
    return {
        "dataset_raw": dataset,
        "description": f"Development data of the spaCy {lang} pipelines trained on {corpora}: held-out text on "
                       "which spaCy scores tokenization, tagging, morphology, lemmas, dependency parses, sentence "
                       "boundaries and named entities.",
        "task_type": tasks.most_common(1)[0][0], "modality": "text",
    }  # fmt: skip


def _metas(out: Collector, snapshot_dir: Path) -> list[tuple[str, str, dict]]:
    """(relative path, pipeline, meta) of every readable meta with a name, a version and scores."""
    metas = []
    for path in snapshot_files(snapshot_dir):
        rel = str(path.relative_to(snapshot_dir))
        meta, bad = read_json(path, rel)
        out.quarantine += bad
        if meta is None:
            continue
        if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("lang", "name")):
            out.reject(rel, "file", "not a spaCy meta (no lang / name)", meta)
        elif _version(meta) is None:
            out.reject(rel, "version", f"unparseable version {meta.get('version')!r}", meta.get("version"))
        elif not isinstance(_scores(meta)[1], dict) or not _scores(meta)[1]:
            out.reject(rel, _scores(meta)[0], "meta has no scores", _scores(meta)[1])
        else:
            metas.append((rel, f"{meta['lang']}_{meta['name']}", meta))
    return metas


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    out = Collector(SOURCE, SOURCE_VERSION)
    metas = _metas(out, snapshot_dir)
    latest = {}
    for rel, pipeline, meta in metas:
        if pipeline not in latest or _version(meta) > _version(latest[pipeline][1]):
            latest[pipeline] = (rel, meta)
    versions = Counter(pipeline for _, pipeline, _ in metas)
    tasks: dict[str, Counter] = {}
    for rel, pipeline, meta in metas:
        block, scores = _scores(meta)
        newest = latest[pipeline][1]
        dataset = _dataset(meta, pipeline)
        for key, raw in scores.items():
            metric = RENAMES.get(key, key)
            task = TASKS.get(metric.split("_")[0])
            locator = f"{block}.{key}"
            if key == "speed":
                continue  # side information (model card), not a score cell
            if isinstance(raw, dict):
                out.reject(rel, locator, "per-label breakdown, not loaded", f"{len(raw)} labels: {list(raw)[:10]}")
            elif task is None:
                out.reject(rel, locator, f"unrecognised score key {key!r}", raw)
            elif meta is not newest:
                out.reject(rel, locator, f"superseded by version {newest['version']}", raw)
            elif (parsed := parse_value(raw))[0] == 0:
                out.reject(rel, locator, "score 0: component absent or not evaluated", raw)
            elif out.add(
                rel, locator, raw, (key,), parsed=parsed,
                model_raw=f"spacy/{pipeline}", dataset_raw=dataset, dataset_split="dev", task_raw=task,
                metric_raw=metric, higher_is_better=True, source_version=meta["version"],
            ):  # fmt: skip
                tasks.setdefault(dataset, Counter())[task] += 1
    models = [_model_row(f"spacy/{p}", meta, _scores(meta)[1], versions[p]) for p, (_, meta) in sorted(latest.items())]
    return out.batch(models, [_dataset_row(d, t) for d, t in sorted(tasks.items())])
