"""OPUS-MT machine-translation benchmarks (Helsinki-NLP/OPUS-MT-train ``models/`` and ``work-tatoeba/``) → records.

``models/<src>-<tgt>/README.md`` has one section per released zip (``# opus-2020-02-26.zip``; also ``opus+bt-``,
``QED-``, ``opus_transformer-align_2022-02-19.zip``) with a ``| testset | BLEU | chr-F |`` table. A record is one
BLEU or chr-F cell of such a table. model_raw is the HF id ``Helsinki-NLP/opus-mt-<folder>`` built from the folder
name (the id is in neither file); multilingual group folders (``de+en+fi+fr+nl+sv-de+en+fi+fr+nl+sv``) keep their
folder name in the id and are tagged ``multilingual``. Each section is a release, i.e. a version of that model: its
records get snapshot_date = the release date and source_version = the zip name, so the latest release wins in dbt's
dedup.

dataset_raw is the test set without its language suffixes (``newstest2015-ende.en.de`` -> ``newstest2015``,
``Tatoeba.en.de`` -> ``Tatoeba``; a ``-xxyy`` part is dropped only when made of the pair's own codes, so
``opus-test`` stays), dataset_config the language pair (``en-de``; the folder's pair when the name has none, e.g.
``euelections_dev2019.transformer.fr``). Metrics: ``BLEU`` (0-100) and ``chrf`` (chr-F, a 0-1 fraction, left as
found), both higher is better. Cells hold tabs (``| 39.2 \\t|``), stripped by ``markdown_tables``; an empty chr-F
cell is quarantined. The 14 tables with ``#sent | #words | BP`` columns: those cells are quarantined as "not a
quality metric" (counts and the brevity penalty).

``work-tatoeba/tatoeba-results-all`` (headerless TSV: model, pair, test set, chrF2, BLEU, BP, reference length) is
read too: it is NOT the READMEs' numbers but Tatoeba-Challenge models (916 ids such as ``deu-eng/opus``,
``gem-gem/opus``, ``eng-deu/opus-tuned4rus2eng``: ISO-639-3 / 639-5 group codes; none is a README folder and the
values differ, e.g. eng-deu newstest2015 BLEU 32.0 vs en-de's 31.1). Its model ids are not hub ids: they load
with ``_`` for ``/`` (``eng-deu_opus``), so that the project gives them its ``opus-mt`` namespace;
pairs go to ISO 639-1 where CLDR has a two-letter code (``eng-deu`` -> ``en-de``, the READMEs' spelling, so both
files' newstest results share lists). ``multi-multi`` / ``eng-multi`` rows are averages over pairs, not an
evaluation; ``backup`` rows and old cross-language-group rows (test set = the group pair) name no test set; both are
quarantined per row. BP and reference length are quarantined per cell as "not a quality metric".

Repeated evaluations keep the first and quarantine the others: fr-de lists its ``opus-2019-12-04.zip`` section twice,
some releases list one test set under two names (``newstestB2017-enfi`` / ``-fien``, same numbers), and the TSV
repeats 138 model × pair × test set rows with slightly different numbers and no date to order them.
``models/LICENSE`` is not data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.core import get_global

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, markdown_tables, read_text

SOURCE = "opus_mt"
SOURCE_VERSION = "Helsinki-NLP/OPUS-MT-train@d5e932c"
TSV = "work-tatoeba/tatoeba-results-all"
TASK = "machine-translation"
METRICS = {"BLEU": "BLEU", "chr-F": "chrf"}
NOT_QUALITY = {"#sent", "#words", "BP"}
TSV_FIELDS = ("model", "pair", "testset", "chrf", "BLEU", "BP", "reference length")
RELEASE = re.compile(r"^# (?P<zip>.+?[-_](?P<date>\d{4}-\d{2}-\d{2})\.zip)\s*$")
META = re.compile(r"^\* (dataset|model|pre-processing): (.+)$")
REPEATED = "repeated evaluation of the same model, test set and pair (the first is loaded)"
LANG = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")
_ALIASES = get_global("language_aliases")


def _readmes(snapshot_dir: Path) -> list[Path]:
    return sorted((Path(snapshot_dir) / SOURCE / "models").glob("*/README.md"))


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    tsv = Path(snapshot_dir) / SOURCE / TSV
    return _readmes(snapshot_dir) + ([tsv] if tsv.exists() else [])


def _iso1(code: str) -> str:
    """ISO 639-3 -> 639-1 where CLDR knows a plain two-letter code (``deu`` -> ``de``); else as found."""
    alias = _ALIASES.get(code, code)
    return alias if re.fullmatch(r"[a-z]{2}", alias) else code


def _testset(name: str, pair: tuple[str, str]) -> str:
    """The test set without its language suffixes: ``.en.de`` parts and ``-xxyy`` parts made of the pair's codes."""
    base = name.split(".")[0]
    codes = set(pair) | {_iso1(c) for c in pair}
    while True:
        head, sep, tail = base.rpartition("-")
        if not (sep and head and any(tail == a + b for a in codes for b in codes)):
            return base
        base = head


def _pair_of(name: str, folder: str) -> tuple[str, str]:
    """The language pair a README test set names (``x.en.de``, ``x.en-bcl``), else the folder's pair."""
    parts = name.split(".")
    tail = parts[-2:] if len(parts) >= 3 else parts[-1].split("-", 1) if len(parts) == 2 else []
    if len(tail) == 2 and all(LANG.match(t) for t in tail):
        return tail[0], tail[1]
    src, _, tgt = folder.partition("-")
    return src, tgt


def _config(pair: tuple[str, str]) -> str:
    return "-".join(_iso1(code) for code in pair)


def _releases(lines: list[str]) -> list[dict]:
    """Release sections in file order: header line, zip name, date and metadata (dataset, model, pre-processing)."""
    heads = [(i + 1, m) for i, line in enumerate(lines) if (m := RELEASE.match(line))]
    releases = []
    for n, (line, m) in enumerate(heads):
        end = heads[n + 1][0] - 1 if n + 1 < len(heads) else len(lines)
        meta = dict(x.groups() for x in map(META.match, lines[line:end]) if x)
        releases.append({"line": line, "zip": m["zip"], "date": m["date"], "meta": meta})
    return releases


def _cell_problem(header: list[str], name: str, col: str, release: dict | None) -> str | None:
    """Why a README table cell is not a record, or None."""
    if header[0].lower() != "testset":
        return "not a benchmark table (no testset column)"
    if release is None:
        return "table outside any release section"
    if not name:
        return "missing test set name"
    if col in NOT_QUALITY:
        return "not a quality metric"
    return None if col in METRICS else f"unrecognised column {col!r}"


def _add_first(out: Collector, seen: dict, rel: str, locator: str, raw: str, key: tuple, context: str,
               **fields) -> None:
    """Add a record unless the same model, test set, pair, metric (and release) was loaded before in this read."""
    identity = tuple(fields.get(k) for k in ("model_raw", "dataset_raw", "dataset_config", "metric_raw",
                                             "source_version"))  # fmt: skip
    if identity in seen:
        out.reject(rel, locator, REPEATED, f"{context} (loaded: {seen[identity]})")
    elif out.add(rel, locator, raw, key, context=context, **fields):
        seen[identity] = locator


def _read_readme(out: Collector, seen: dict, path: Path, rel: str, folder: str, model: str) -> list[dict]:
    """Load one README's benchmark tables; returns its release sections."""
    text, bad = read_text(path, rel)
    out.quarantine += bad
    if text is None:
        return []
    releases = _releases(text.splitlines())
    tables, bad = markdown_tables(text, rel)
    out.quarantine += bad
    for start, header, rows in tables:
        release = next((r for r in reversed(releases) if r["line"] < start), None)
        for line, row in rows:
            name = row[header[0]]
            for col in header[1:]:
                locator = f"line {line}, column {col!r}"
                problem = _cell_problem(header, name, col, release)
                if problem:
                    out.reject(rel, locator, problem, f"{name} | {col} | {row[col]}")
                    continue
                pair = _pair_of(name, folder)
                _add_first(
                    out, seen, rel, locator, row[col], (release["zip"], name, col), f"{name} | {col} | {row[col]}",
                    model_raw=model, dataset_raw=_testset(name, pair), dataset_config=_config(pair),
                    dataset_split="test", task_raw=TASK, metric_raw=METRICS[col], higher_is_better=True,
                    snapshot_date=release["date"], source_version=release["zip"],
                )  # fmt: skip
    return releases


def _tsv_problem(fields: list[str]) -> str | None:
    """Why a TSV row is not an evaluation of one pair on one test set, or None."""
    if len(fields) != len(TSV_FIELDS):
        return f"row has {len(fields)} fields, expected {len(TSV_FIELDS)} (truncated or malformed line)"
    model, pair, testset = fields[:3]
    if "multi" in pair.split("-"):
        return "average over pairs, not an evaluation"
    if not model or not re.fullmatch(r"[a-z]{3}-[a-z]{3}", pair) or testset in ("", pair):
        return "no single language pair and test set named (backup or language-group run)"
    return None


def _read_tsv(out: Collector, seen: dict, path: Path, rel: str) -> set[str]:
    """Load the Tatoeba results TSV; returns the model ids loaded."""
    text, bad = read_text(path, rel)
    out.quarantine += bad
    models = set()
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("\t")]
        problem = _tsv_problem(fields)
        if problem:
            out.reject(rel, f"line {n}", problem, line)
            continue
        model, pair, testset = fields[:3]
        model = model.replace("/", "_")
        src, tgt = pair.split("-")
        models.add(model)
        for col, raw in zip(TSV_FIELDS[3:], fields[3:]):
            locator = f"line {n}, column {col!r}"
            if col not in METRICS.values():
                out.reject(rel, locator, "not a quality metric", line)
                continue
            _add_first(
                out, seen, rel, locator, raw, (model, pair, testset, col), line,
                model_raw=model, dataset_raw=_testset(testset, (src, tgt)), dataset_config=_config((src, tgt)),
                dataset_split="test", task_raw=TASK, metric_raw=col, higher_is_better=True,
            )  # fmt: skip
    return models


def _readme_model(model: str, folder: str, releases: list[dict]) -> dict:
    src, _, tgt = folder.partition("-")
    zips = list(dict.fromkeys(r["zip"] for r in releases))
    latest = releases[-1]
    meta = "; ".join(f"{k} {v}" for k, v in latest["meta"].items())
    multi = "+" in folder
    return {
        "model_raw": model,
        "card_text": f"OPUS-MT {'multilingual ' if multi else ''}translation model (MarianNMT) from "
                     f"{src.replace('+', ', ')} to {tgt.replace('+', ', ')}; {len(zips)} release(s), "
                     f"latest {latest['zip']}" + (f" ({meta})" if meta else "") + ".",
        "tags": json.dumps(["opus-mt", *["multilingual"] * multi, *(f"release={z}" for z in zips)]),
        "library": "marian", "pipeline_tag": "translation", "organization": "Helsinki-NLP",
        "release_date": min(r["date"] for r in releases),
    }  # fmt: skip


def _tsv_model(model: str) -> dict:
    pair, _, variant = model.partition("/")
    return {
        "model_raw": model,
        "card_text": f"Tatoeba-Challenge OPUS-MT model {pair} (ISO 639-3 / 639-5 language or group codes), "
                     f"training variant {variant!r}; scores from OPUS-MT-train's tatoeba-results-all.",
        "tags": json.dumps(["opus-mt", "tatoeba-challenge"]),
        "library": "marian", "pipeline_tag": "translation", "organization": "Helsinki-NLP",
    }  # fmt: skip


def _dataset_row(dataset: str) -> dict:
    return {
        "dataset_raw": dataset,
        "description": f"{dataset}: a machine-translation test set; system translations are scored against "
                       "reference translations with BLEU and chrF, per language pair.",
        "task_type": TASK, "modality": "text",
    }  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    out = Collector(SOURCE, SOURCE_VERSION)
    models, seen = [], {}
    for path in _readmes(snapshot_dir):
        folder = path.parent.name
        model = f"Helsinki-NLP/opus-mt-{folder}"
        releases = _read_readme(out, seen, path, str(path.relative_to(snapshot_dir)), folder, model)
        if releases:
            models.append(_readme_model(model, folder, releases))
    tsv = snapshot_dir / SOURCE / TSV
    if tsv.exists():
        models += [_tsv_model(m) for m in sorted(_read_tsv(out, seen, tsv, str(tsv.relative_to(snapshot_dir))))]
    datasets = [_dataset_row(d) for d in sorted({r["dataset_raw"] for r in out.records})]
    return out.batch(models, datasets)
