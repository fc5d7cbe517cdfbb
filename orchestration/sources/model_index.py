"""Papers-with-Code "model-index" parsing, shared by the HF card, OpenMMLab, timm and PwC connectors.

Two flavours of one format:

- Hugging Face card front matter: ``model-index: [{name, results: [{task: {type, name}, dataset: {type, name,
  config, split, revision}, metrics: [{type, value, name, config, verified}]}]}]``. Each result goes through
  huggingface_hub's own parser first (``model_index_to_eval_results``); when it rejects one (a missing
  required key, a wrong type), a lenient walk of that result takes over, so one odd field costs one metric.
- OpenMMLab / timm files: ``{Import: [yml, ...], Collections: [...], Models: [{Name, In Collection, Metadata,
  Results: [{Task, Dataset, Metrics: {name: value}}]}]}``, or a bare list of models. ``Results`` may be one
  mapping. A packed value is unpacked when its parts are named: a mapping whose keys are the ``/``-separated
  parts of its header (``PSNR/SSIM (RGB): {PSNR, SSIM}``; text before an HTML break in the header names the
  dataset), or a ``a/b/c`` string under a header with as many parts or under an AP name (``mAP`` ->
  mAP, AP50, AP75, AP50 being the largest); anything else packed is a problem entry.

Both (and the PwC and timm CSV connectors) flatten into ``Entry`` objects, one per metric value, which
``tables.Collector.add_entries`` turns into records or quarantine rows.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from huggingface_hub.repocard_data import model_index_to_eval_results

from orchestration.sources.tables import as_list, bad_row

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> object:
    """Safe YAML load with the C loader when available (cards and metafiles are data)."""
    return yaml.load(text, Loader=YAML_LOADER)


_PLACEHOLDERS = {"", "none", "null", "n/a"}


def text(value: object) -> str | None:
    """A scalar as stripped text; None for missing, placeholder ("None") or non-scalar values."""
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return None if value.lower() in _PLACEHOLDERS else value


@dataclass
class Entry:
    """One metric value found in a source, with what identifies it and where it sits."""

    model: str | None
    dataset: str | None
    metric: str | None
    value: object
    locator: str
    task: str | None = None
    dataset_config: str | None = None
    dataset_split: str | None = None
    key: tuple = ()  # further identifying fields (metric display name, dataset revision, test size ...)
    problem: str | None = None  # structural defect: quarantined with this reason
    raw: object = None  # the offending input, for the quarantine excerpt
    extra: dict = field(default_factory=dict)  # connector-specific side info (display names ...)


def dataset_rows(records: list[dict], modality: str | None = None) -> list[dict]:
    """One side row per dataset_raw: its display name (``dataset_name`` extra) as description, the most common
    task as task type."""
    tasks: dict[str, Counter] = {}
    names: dict[str, str] = {}
    for r in records:
        tasks.setdefault(r["dataset_raw"], Counter())[r["task_raw"]] += 1
        if r.get("dataset_name"):
            names.setdefault(r["dataset_raw"], r["dataset_name"])
    return [{"dataset_raw": d, "description": names.get(d), "modality": modality,
             "task_type": next((t for t, _ in c.most_common() if t), None)} for d, c in tasks.items()]


# --- Hugging Face flavour -------------------------------------------------------------------------------------

_HF_ID = re.compile(r"^[\w.-]+(/[\w.-]+)?$")


def hf_dataset_names(dataset_type: object, dataset_name: object) -> tuple[str | None, str | None]:
    """``(dataset_raw, display_name)``: the HF dataset id (``type``) when it looks like one, else the name."""
    dtype, dname = text(dataset_type), text(dataset_name)
    if dtype and _HF_ID.match(dtype):
        return dtype, (dname if dname != dtype else None)
    return (dname or dtype), None


def _hf_entry(name, task_type, task_name, dtype, dname, config, split, revision, mtype, mname, mconfig, value,
              loc, raw) -> Entry:
    dataset, display = hf_dataset_names(dtype, dname)
    metric = text(mtype) or text(mname)
    return Entry(
        model=text(name), dataset=dataset, metric=metric, value=value, locator=loc,
        task=text(task_type) or text(task_name), dataset_config=text(config), dataset_split=text(split),
        key=(text(mname), text(mconfig), text(revision)), raw=raw,
        extra={"dataset_name": display},
    )


def _strict_result(name: object, result: dict, loc: str) -> list[Entry]:
    """huggingface_hub's reading of one result (raises on anything off-spec)."""
    _, evals = model_index_to_eval_results([{"name": name, "results": [result]}])
    metrics = result["metrics"]
    return [
        _hf_entry(name, r.task_type, r.task_name, r.dataset_type, r.dataset_name, r.dataset_config or
                  r.dataset_args, r.dataset_split, r.dataset_revision, r.metric_type, r.metric_name,
                  r.metric_config, r.metric_value, f"{loc}.metrics[{k}]", metrics[k])
        for k, r in enumerate(evals)
    ]


def _lenient_result(name: object, result: dict, loc: str) -> list[Entry]:
    task = result.get("task")
    task = task if isinstance(task, dict) else {"type": task}
    ds = result.get("dataset")
    ds = ds if isinstance(ds, dict) else {"name": ds}
    metrics = result.get("metrics") or []
    metrics = [metrics] if isinstance(metrics, dict) else metrics
    if not isinstance(metrics, list):
        return [Entry(text(name), None, None, None, f"{loc}.metrics", problem="metrics is not a list", raw=metrics)]
    out = []
    for k, m in enumerate(metrics):
        mloc = f"{loc}.metrics[{k}]"
        if not isinstance(m, dict):
            out.append(Entry(text(name), None, None, None, mloc, problem="metric is not a mapping", raw=m))
            continue
        out.append(_hf_entry(name, task.get("type"), task.get("name"), ds.get("type"), ds.get("name"),
                             ds.get("config") or ds.get("args"), ds.get("split"), ds.get("revision"),
                             m.get("type"), m.get("name"), m.get("config"), m.get("value"), mloc, m))
    return out


def hf_entries(model_index: object) -> list[Entry]:
    """Flatten a card's ``model-index`` (one Entry per metric; structural defects become problem entries)."""
    model_index = [model_index] if isinstance(model_index, dict) else model_index
    if not isinstance(model_index, list):
        return [Entry(None, None, None, None, "model-index", problem="model-index is not a list", raw=model_index)]
    out = []
    for i, elem in enumerate(model_index):
        loc = f"model-index[{i}]"
        if not isinstance(elem, dict):
            out.append(Entry(None, None, None, None, loc, problem="model-index entry is not a mapping", raw=elem))
            continue
        results = elem.get("results") or []
        results = [results] if isinstance(results, dict) else results
        if not isinstance(results, list):
            out.append(Entry(text(elem.get("name")), None, None, None, f"{loc}.results",
                             problem="results is not a list", raw=results))
            continue
        for j, result in enumerate(results):
            rloc = f"{loc}.results[{j}]"
            if not isinstance(result, dict):
                out.append(Entry(text(elem.get("name")), None, None, None, rloc,
                                 problem="result is not a mapping", raw=result))
                continue
            try:
                out.extend(_strict_result(elem.get("name"), result, rloc))
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                out.extend(_lenient_result(elem.get("name"), result, rloc))
    return out


# --- OpenMMLab / timm flavour ---------------------------------------------------------------------------------

def load_index(index_file: Path, root: Path) -> tuple[list[tuple[str, dict]], list[dict]]:
    """Read a model-index file and, recursively, the files it imports (relative to the importing file).

    Returns ``([(path relative to root, document), ...], quarantine_rows)``: a missing, unreadable or malformed file
    is one quarantine row (at the ``Import`` entry that names it) and the rest still loads.
    """
    docs, quarantine, seen = [], [], set()

    def visit(path: Path, parent: str, locator: str) -> None:
        rel = Path(os.path.relpath(path, root)).as_posix()
        if rel in seen:
            return
        seen.add(rel)
        try:
            doc = load_yaml(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, yaml.YAMLError) as err:  # ValueError: not UTF-8, a NUL byte in the path
            reason = "file not found" if isinstance(err, FileNotFoundError) else "unreadable YAML file"
            quarantine.append(bad_row(parent, locator, f"{reason}: {rel}", str(err)))
            return
        doc = {"Models": doc} if isinstance(doc, list) else doc  # a bare list of models (mmdetection objects365)
        if not isinstance(doc, dict):
            quarantine.append(bad_row(rel, "", "model-index file is not a mapping", doc))
            return
        docs.append((rel, doc))
        for k, imp in enumerate(as_list(doc.get("Import"))):
            visit(Path(os.path.normpath(path.parent / str(imp))), rel, f"Import[{k}]")

    visit(index_file, Path(os.path.relpath(index_file, root)).as_posix(), "")
    return docs, quarantine


def pwc_entries(doc: dict) -> list[Entry]:
    """One Entry per ``Models[].Results[].Metrics`` value (packed values give one per part); locators are
    ``Models[i].Results[j].Metrics.<name>[.<part>]``. A result with an empty ``Metrics`` is one problem entry."""
    out = []
    for i, model in enumerate(as_list(doc.get("Models"))):
        if not isinstance(model, dict):
            out.append(Entry(None, None, None, None, f"Models[{i}]", problem="model is not a mapping", raw=model))
            continue
        name = text(model.get("Name"))
        for j, result in enumerate(as_list(model.get("Results"))):
            loc = f"Models[{i}].Results[{j}]"
            metrics = result.get("Metrics") if isinstance(result, dict) else None
            if not isinstance(metrics, dict) or not metrics:
                problem = "result without metric values" if metrics == {} else "result without a Metrics mapping"
                out.append(Entry(name, text(result.get("Dataset")) if isinstance(result, dict) else None, None,
                                 None, f"{loc}.Metrics", problem=problem, raw=result))
                continue
            for metric, value in metrics.items():
                base = Entry(name, text(result.get("Dataset")), text(metric), value, f"{loc}.Metrics.{metric}",
                             task=text(result.get("Task")), raw={"Name": name, "Metric": metric, "Value": value})
                out.extend(unpack(base))
    return out


_TAG = re.compile(r"<[^>]*>")
_PACKED = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?(?:\s*/\s*[-+]?\d+(?:\.\d+)?)+\s*$")


def packed_header(metric: str) -> tuple[str | None, str, list[str], str]:
    """``(dataset, clean name, parts, qualifier)`` of a metric header, HTML tags dropped:
    ``"RealBlur-J <br>PSNR/SSIM (Y)"`` -> ``("RealBlur-J", "PSNR/SSIM (Y)", ["PSNR", "SSIM"], "(Y)")``; text
    before the first tag is a dataset only when it has no ``/`` and the rest has one."""
    dataset, tag = None, _TAG.search(metric)
    if tag:
        before, after = metric[:tag.start()].strip(), metric[tag.end():]
        if before and "/" not in before and "/" in after:
            dataset, metric = before, after
    clean = re.sub(r"\s*/\s*", "/", " ".join(_TAG.sub(" ", metric).split()))
    core, qualifier = re.fullmatch(r"(.*?)\s*(\([^()]*\))?", clean).groups()
    return dataset, clean, [p.strip() for p in core.split("/")], qualifier or ""


def unpack(e: Entry) -> list[Entry]:
    """``e`` itself, its HTML-free name, or one entry per named part of a packed value (see module doc)."""
    if not e.metric:
        return [e]
    dataset, clean, parts, qualifier = packed_header(e.metric)
    e.dataset, e.metric = dataset or e.dataset, clean

    def part(metric: str | None, value: object, suffix: str, problem: str | None = None) -> Entry:
        named = f"{metric} {qualifier}".strip() if metric and not problem else clean
        return Entry(e.model, e.dataset, named, value, f"{e.locator}{suffix}", task=e.task, key=e.key,
                     problem=problem, raw=e.raw)

    if isinstance(e.value, dict) and e.value:
        keys = [str(k).strip() for k in e.value]
        problem = None if len(parts) > 1 and sorted(keys) == sorted(parts) else (
            "packed value whose part names do not match its metric name")
        return [part(k, v, f".{k}", problem) for k, v in zip(keys, e.value.values())]
    if isinstance(e.value, str) and _PACKED.match(e.value):
        values = [v.strip() for v in e.value.split("/")]
        ap = re.fullmatch(r"(.*?)m?AP", parts[0])
        if len(parts) == len(values):
            names, problem = parts, None
        elif len(parts) == 1 and len(values) == 3 and ap:
            names = [parts[0], f"{ap.group(1)}AP50", f"{ap.group(1)}AP75"]
            problem = None if float(values[1]) == max(map(float, values)) else (
                "packed value does not fit AP/AP50/AP75 (AP50 is not the largest)")
        else:
            names, problem = [None] * len(values), "packed value without part names"
        return [part(n, v, f"[{k}]", problem) for k, (n, v) in enumerate(zip(names, values))]
    return [e]


_SCALE = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "b": 1e9, "t": 1e12}


def parse_count(value: object) -> float | None:
    """A parameter / FLOP count as an absolute number: ``11690000``, ``"25.6M"``, ``"1.2 G"``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"\s*([\d.]+)\s*([kKmMgGbBtT]?)\s*", str(value or ""))
    if not match:
        return None
    try:
        return float(match.group(1)) * _SCALE[match.group(2).lower()]
    except ValueError:
        return None


def _join(value: object) -> str | None:
    items = [text(v) for v in as_list(value)]
    return ", ".join(v for v in items if v) or None


def pwc_model_rows(docs: list[tuple[str, dict]], organization: str | None = None) -> list[dict]:
    """One side row per model Name: params plus a short synthetic card text from Collection and Metadata."""
    collections = {}
    for _, doc in docs:
        for coll in as_list(doc.get("Collections")):
            if isinstance(coll, dict) and text(coll.get("Name")):
                collections.setdefault(text(coll.get("Name")), coll)
    rows = {}
    for _, doc in docs:
        for model in as_list(doc.get("Models")):
            name = text(model.get("Name")) if isinstance(model, dict) else None
            if not name or name in rows:
                continue
            coll = collections.get(text(model.get("In Collection")), {})
            meta = {**(coll.get("Metadata") if isinstance(coll.get("Metadata"), dict) else {}),
                    **(model.get("Metadata") if isinstance(model.get("Metadata"), dict) else {})}
            paper = coll.get("Paper") if isinstance(coll.get("Paper"), dict) else {}
            params = parse_count(meta.get("Parameters") or meta.get("params"))
            parts = [("Model", name), ("Collection", text(model.get("In Collection"))),
                     ("Paper", text(paper.get("Title"))), ("Architecture", _join(meta.get("Architecture"))),
                     ("Training data", _join(meta.get("Training Data"))), ("FLOPs", text(meta.get("FLOPs"))),
                     ("Parameters", text(meta.get("Parameters") or meta.get("params"))),
                     ("Tasks", _join(meta.get("Tasks")))]
            rows[name] = {
                "model_raw": name, "params": params, "organization": organization,
                "card_text": ". ".join(f"{k}: {v}" for k, v in parts if v) + ".",
                "tags": json.dumps([t for t in as_list(meta.get("Architecture")) if isinstance(t, str)]),
            }
    return list(rows.values())
