"""RobustBench leaderboards (RobustBench/robustbench ``model_info/<dataset>/<threat model>/<ModelName>.json``).

A record is one score field of one entry file. dataset_raw is the dataset folder (``cifar10``, ``cifar100``,
``imagenet``); the JSON ``dataset`` field is not used, because five ``cifar100`` files say ``cifar10``. The threat
model exists only in the path: dataset_config is ``<threat>-<eps>`` for Lp boards (``Linf-8/255``, ``L2-0.5``; eps
as found, so the entries evaluated at ``0.031`` keep ``Linf-0.031``) and ``corruptions`` for the corruption boards
(their ``eps`` is ignored: it is null, or a leftover ``8/255`` / ``0.5``); the ``_3d`` fields are ImageNet-3DCC,
not ImageNet-C, and get ``corruptions-3d``. ``clean_acc`` is measured on clean images but keeps its board's config
so one board's rows stay together. Split: ``test`` for CIFAR, ``val`` for ImageNet (a subset of its validation images).

Metrics are the score fields as named upstream: ``clean_acc``, ``autoattack_acc`` (robust accuracy under
AutoAttack), ``external`` (robust accuracy from a stronger external / adaptive evaluation), ``reported`` (the
accuracy claimed in the paper), ``corruptions_acc`` and ``corruptions_acc_3d`` (higher is better), and
``corruptions_mce`` / ``corruptions_mce_3d`` (mean corruption error relative to AlexNet = 100, lower is better).
Every number is a string (``"80.24"``) and parses as a number; ``reported`` = ``""``, ``"null"`` or null is not a
record: it is quarantined as a missing value. An entry with ``unreliable: true`` (upstream flags its evaluation as
unreliable) has all its scores quarantined with reason "flagged unreliable upstream". A field not known here is
quarantined as unrecognised; the metadata fields (link, name, authors, venue, architecture, additional_data,
number_forward_passes, footnote, dataset, eps, unreliable) are not records.

Decision taken for the project: a RobustBench entry is a checkpoint trained for one dataset and threat model, so
model_raw is ``<dataset>/<threat>/<ModelName>`` (``cifar10/Linf/Standard``): the same id names different networks
on different datasets, and 12 cifar10 ids are different checkpoints on the Linf and the L2 board (``Ding2020MMA``:
clean_acc 84.36 on Linf, 88.02 on L2; ``Rice2020Overfitting`` is even another architecture). The corruption boards
evaluate the Linf networks again, so an id of a corruption board that also has a Linf file of the same dataset is
that Linf model; the others stay ``<dataset>/corruptions/<ModelName>``. The project adds the ``robustbench/``
namespace later. Model rows: card text from the paper title, authors, venue and
architecture; tags for architecture, venue, paper link, additional_data, threat models and forward passes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_json

SOURCE = "robustbench"
SOURCE_VERSION = "RobustBench/robustbench@78fcc9e"
SNAPSHOT_DATE = "2025-02-05"  # model_info last changed
FOLDER = "robustbench/model_info"
CORRUPTIONS = "corruptions"
SCORES = {  # field -> higher_is_better
    "clean_acc": True, "autoattack_acc": True, "external": True, "reported": True,
    "corruptions_acc": True, "corruptions_acc_3d": True, "corruptions_mce": False, "corruptions_mce_3d": False,
}  # fmt: skip
METADATA = {"link", "name", "authors", "venue", "architecture", "additional_data", "number_forward_passes",
            "footnote", "dataset", "eps", "unreliable"}
SPLITS = {"cifar10": "test", "cifar100": "test", "imagenet": "val"}
DATASETS = {
    "cifar10": "CIFAR-10 image classification (10 classes, 32x32 images)",
    "cifar100": "CIFAR-100 image classification (100 classes, 32x32 images)",
    "imagenet": "ImageNet-1k image classification (a subset of the validation images)",
}
_HTML = re.compile(r"<[^>]+>")


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted((snapshot_dir / FOLDER).glob("*/*/*.json"))


def _config(threat: str, field: str, eps: object) -> str:
    if threat == CORRUPTIONS:
        return f"{CORRUPTIONS}-3d" if field.endswith("_3d") else CORRUPTIONS
    return f"{threat}-{eps}" if eps not in (None, "") else threat


def _text(value: object) -> str:
    return " ".join(_HTML.sub(" ", str(value)).split()) if value not in (None, "") else ""


def _model_row(model: str, entry: dict, threat: str, previous: dict | None) -> dict:
    """Side row; a model id seen on several boards keeps its first card and the union of the tags."""
    arch, venue = _text(entry.get("architecture")), _text(entry.get("venue"))
    tags = {"robustbench", f"threat_model={threat}", f"additional_data={str(entry.get('additional_data')).lower()}"}
    tags |= {f"architecture={arch}"} if arch else set()
    tags |= {f"venue={venue}"} if venue and venue != "N/A" else set()
    tags |= {f"paper={entry['link']}"} if entry.get("link") else set()
    tags |= {f"forward_passes={entry['number_forward_passes']}"} if entry.get("number_forward_passes") else set()
    if previous:
        return {**previous, "tags": json.dumps(sorted(tags | set(json.loads(previous["tags"]))))}
    paper = "; ".join(x for x in (_text(entry.get("name")), _text(entry.get("authors")), venue) if x)
    card = f"RobustBench {model.split('/')[0]} entry {model.split('/')[-1]}" + (f": {paper}" if paper else "")
    card += f". Architecture {arch}" if arch else ""
    card += "; trained with additional data" if entry.get("additional_data") is True else ""
    return {"model_raw": model, "card_text": card + ".", "tags": json.dumps(sorted(tags))}


def _dataset_row(dataset: str) -> dict:
    what = DATASETS.get(dataset, f"{dataset} image classification")
    return {
        "dataset_raw": dataset, "task_type": "image classification (robustness)", "modality": "image",
        "description": f"RobustBench on {what}: clean accuracy, robust accuracy under Linf / L2 adversarial attacks "
                       "(AutoAttack) and accuracy / mean corruption error under common corruptions.",
    }  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    models: dict[str, dict] = {}
    datasets: dict[str, dict] = {}
    for path in snapshot_files(snapshot_dir):
        rel = str(path.relative_to(snapshot_dir))
        dataset, threat, name = path.parent.parent.name, path.parent.name, path.stem
        entry, bad = read_json(path, rel)
        out.quarantine += bad
        if entry is None:
            continue
        if not isinstance(entry, dict):
            out.reject(rel, "file", f"not a JSON object: {type(entry).__name__}", entry)
            continue
        linf = path.parent.parent / "Linf" / path.name
        board = "Linf" if threat == CORRUPTIONS and linf.exists() else threat
        model = f"{dataset}/{board}/{name}"
        kind = "corruption" if threat == CORRUPTIONS else "adversarial"
        loaded = False
        for field, raw in entry.items():
            if field in METADATA:
                continue
            if field not in SCORES:
                out.reject(rel, field, f"unrecognised field {field!r}", raw)
            elif entry.get("unreliable") is True:
                out.reject(rel, field, "flagged unreliable upstream", raw)
            else:
                loaded |= out.add(
                    rel, field, raw, (field,),
                    model_raw=model, dataset_raw=dataset, dataset_config=_config(threat, field, entry.get("eps")),
                    dataset_split=SPLITS.get(dataset), task_raw=f"image-classification ({kind} robustness)",
                    metric_raw=field, higher_is_better=SCORES[field], snapshot_date=SNAPSHOT_DATE,
                )  # fmt: skip
        if loaded:
            models[model] = _model_row(model, entry, threat, models.get(model))
            datasets.setdefault(dataset, _dataset_row(dataset))
    return out.batch(models.values(), datasets.values())
