"""GluonCV model-zoo tables (dmlc/gluon-cv ``docs/model_zoo/csv_tables/<Task>/<table>.csv``) → raw records.

A record is one score of one table row; a packed cell gives one record per part. The folder names the task
(``Detections`` → object-detection, ``Segmentations/IS_*`` / ``SS_*`` → instance- / semantic-segmentation, ...) and
the file name the dataset: ``<dataset>_<family>`` (``Detections/MSCOCO_SSD.csv`` → dataset ``MSCOCO``, family
``SSD``), dataset names as found (``MSCOCO``, ``Pascal``, ``MS-COCO``, ``Pascal-VOC``, ...). Classification tables
other than ``CIFAR10`` are ImageNet tables named after a model family (``ResNet``, ``Pruned_ResNet``).
``Depths/PoseNet.csv`` names no dataset: upstream documents it as the average absolute trajectory error (ATE, in
metres, lower is better) on sequences 9 and 10 of KITTI Odometry, so it loads as dataset ``KITTI Odometry``, task
``visual-odometry``, metric ``ATE``, split ``Sequence 09`` / ``Sequence 10``; its ``±`` standard deviation is
dropped (``0.021±0.012`` → 0.021). ``*_torch.csv`` tables are the PyTorch ports: same dataset, config
``framework=pytorch``.

model_raw is the name cell without RST markup (the project namespaces it ``gluoncv/`` later): footnote markers
(``ResNet18_v1 [1]_``, ``SE_ResNext50_32x4d [12]_ [14]_``), the ``*`` after int8 names and extra blanks are cut; the
grey ``:gray:`(320x320)``` evaluation size becomes config ``input=320x320``. ``:tag:`ResNet50_v1d``` rows are
other trained weights of a model the same table lists with its default weights (loadable only by hashtag): their
scores are quarantined, so a model name means its default checkpoint. dataset_config joins the row's setting
columns (``pretrained``, ``segments``, ``clip length``, ``modality``, ``resolution``), the framework, the input size
and the packed part's setting, with "; ": it keeps apart rows that share a model name (``resnet50_v1b_hmdb51`` with
3 or 1 segments, ``i3d_resnet50_v1_ucf101`` pretrained on ImageNet or ImageNet + K400).

Packed cells are unpacked with part names from the header: ``Acc (Vanilla/Mix-Up [13]_)`` ``92.1 / 92.9`` → two
``Acc`` records, configs ``training=vanilla`` / ``training=mixup``; ``mAP(Orig/F)`` → ``mAP`` plain and with
``test=flip``; ``OKS AP (with flip)`` → config ``test=flip``. COCO AP headers (``Box AP``, ``Segm AP``, ``OKS AP``)
name their three parts by the convention the GluonCV docs state for these tables, (AP 0.5:0.95)/(AP 0.5)/(AP 0.75):
``37.0/57.8/39.6`` → ``Box AP`` / ``Box AP50`` / ``Box AP75``. Any other packed cell is quarantined ("packed value
without part names"). ``83.6_`` (an RST link to the VOC server result) reads as 83.6; ``N/A`` is a missing value.
``Abs. Rel. Error`` and ``ATE`` are lower-is-better, the other known metrics higher-is-better, unknown ones None.
Headers are stripped (``Training Log ``); CRLF files read like the others. Not records: the ``Hashtag`` (a model tag)
and ``Speedup`` (speed, a model tag) columns, ``Method`` (the model family tag) and the command / log / config link
columns (not read). The tables have no parameter counts. Vanilla / mix-up is a config, not a metric suffix, so the
metric stays ``Acc``. dataset_split is set only for the KITTI sequences: the tables name no split (the docs say
COCO val2017, VOC 2007 test, ImageNet val). Model rows (only for models with a loaded record): family, hashtags,
framework and speedup as tags, library ``gluoncv``, organization ``dmlc``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows
from orchestration.sources.values import parse_value

SOURCE = "gluon_cv"
SOURCE_VERSION = "dmlc/gluon-cv@5677756"
SNAPSHOT_DATE = "2020-12-14"  # the tables last changed
FOLDER = "gluon_cv/docs/model_zoo/csv_tables"
TASKS = {  # table folder (or segmentation file prefix) -> (task_raw, modality)
    "Action_Recognitions": ("action-recognition", "video"),
    "Classifications": ("image-classification", "image"),
    "Depths": ("depth-estimation", "image"),
    "Detections": ("object-detection", "image"),
    "Poses": ("pose-estimation", "image"),
    "IS": ("instance-segmentation", "image"),
    "SS": ("semantic-segmentation", "image"),
}
MEASURES = {
    "image-classification": "top-1 / top-5 accuracy of image classifiers",
    "object-detection": "box average precision (COCO AP at IoU 0.5:0.95, 0.5 and 0.75; VOC mAP at IoU 0.5)",
    "instance-segmentation": "box and mask average precision at IoU 0.5:0.95, 0.5 and 0.75",
    "semantic-segmentation": "pixel accuracy and mean intersection over union",
    "pose-estimation": "human keypoint detection by object keypoint similarity (OKS) average precision",
    "action-recognition": "top-1 accuracy of video action classifiers",
    "depth-estimation": "monocular depth prediction by absolute relative error and delta < 1.25 accuracy",
    "visual-odometry": "camera ego-motion by absolute trajectory error (metres) on odometry sequences",
}
SETTINGS = {"pretrained": "pretrained", "segments": "segments", "segment": "segments", "clip length": "clip length",
            "modality": "modality", "resolution": "resolution"}
LINKS = ("command", "log", "config")  # header substrings: links to training scripts, logs and configs
HASHTAG, METHOD, SPEEDUP = "hashtag", "method", "speedup"
PARTS = {"orig": None, "f": "test=flip", "vanilla": "training=vanilla", "mix-up": "training=mixup"}
FLIP = "(with flip)"
HIGHER = {"Top-1", "Top-5", "Acc", "mAP", "Box AP", "Segm AP", "OKS AP", "pixAcc", "mIoU", "delta < 1.25"}
LOWER = {"Abs. Rel. Error", "ATE"}
COCO_AP = ("", "50", "75")
TAGGED = "other weights of a listed model (RST :tag: row), not its default checkpoint"
_FOOTNOTE = re.compile(r"\s*\[\d+\]_")
_ROLE = re.compile(r":(\w+):`([^`]*)`")
_LINK = re.compile(r"`([^`<]*?)\s*<[^>]*>`_")
_NAMED_PARTS = re.compile(r"(.+?)\s*\(\s*([^()]+/[^()]+?)\s*\)")
_SEQUENCE = re.compile(r"Sequence \d+")
_PACKED = re.compile(r"\s*[-+]?[\d.]+\s*(?:/\s*[-+]?[\d.]+\s*)+")


@dataclass
class Table:
    dataset: str
    task: str
    modality: str
    family: str | None
    framework: str  # mxnet, or pytorch for the *_torch tables


ODOMETRY_TABLE = "Depths/PoseNet.csv"
ODOMETRY = Table("KITTI Odometry", "visual-odometry", "video", "PoseNet", "mxnet")


@dataclass
class Column:
    header: str
    parts: list[tuple[str, str | None]]  # (metric, config) of each packed part; one entry for a plain column
    bare: bool  # a single value means the first part (plain and COCO AP columns, not settings parts)
    split: str | None
    higher: bool | None


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted((snapshot_dir / FOLDER).glob("*/*.csv"))


def _table(folder: str, stem: str) -> Table | None:
    """Task, dataset and family from the folder and file name; None for a table this module does not know."""
    if f"{folder}/{stem}.csv" == ODOMETRY_TABLE:
        return ODOMETRY
    torch = stem.endswith("_torch")
    stem = stem.removesuffix("_torch")
    if folder == "Segmentations":
        folder, _, stem = stem.partition("_")
    if folder not in TASKS or not stem:
        return None
    dataset, _, family = stem.partition("_")
    if folder == "Classifications" and dataset != "CIFAR10":
        dataset, family = "ImageNet", stem
    return Table(dataset, *TASKS[folder], family or None, "pytorch" if torch else "mxnet")


def _clean(text: str) -> str:
    """A cell without RST footnote markers, roles, link targets and extra blanks."""
    text = _LINK.sub(r"\1", _ROLE.sub(r"\2", _FOOTNOTE.sub("", text)))
    return " ".join(text.split())


def _column(header: str) -> Column:
    text, config = _clean(header), None
    if text.endswith(FLIP):
        text, config = text.removesuffix(FLIP).strip(), PARTS["f"]
    if _SEQUENCE.fullmatch(text):
        return Column(header, [("ATE", config)], True, text, False)
    named = _NAMED_PARTS.fullmatch(text)
    if named:
        metric = named[1]
        parts = [(metric, _join(config, PARTS.get(p.strip().lower(), p.strip()))) for p in named[2].split("/")]
    else:
        metric = text
        parts = [(metric + s, config) for s in (COCO_AP if metric.endswith("AP") else ("",))]
    higher = False if metric in LOWER else True if metric in HIGHER else None
    return Column(header, parts, not named, None, higher)


def _join(*settings: str | None) -> str | None:
    return "; ".join(s for s in settings if s) or None


def _name(cell: str) -> tuple[str, str | None, bool]:
    """(model name, ``input=<size>`` from a grey annotation, whether the row is an RST ``:tag:`` weights row)."""
    size = next((m[2].strip("() ") for m in _ROLE.finditer(cell) if m[1] == "gray"), None)
    tagged = any(m[1] == "tag" for m in _ROLE.finditer(cell))
    name = _clean(re.sub(r":gray:`[^`]*`", "", cell)).rstrip("*").strip()
    return name, f"input={size}" if size else None, tagged


def _cells(cell: str) -> list[str]:
    """A cell's values as found: the parts of a packed ``a/b/c`` cell, else the cell."""
    text = cell.strip()
    return [p.strip() for p in text.split("/")] if _PACKED.fullmatch(text) else [text]


def _model_card(name: str, info: dict) -> dict:
    tags = {"gluoncv", *(f"family={f}" for f in info["families"]), *info["tags"]}
    card = (f"GluonCV model-zoo model {name}: {', '.join(sorted(info['tasks']))} on "
            f"{', '.join(sorted(info['datasets']))}")
    card += f" ({', '.join(sorted(info['families']))})." if info["families"] else "."
    return {"model_raw": name, "card_text": card, "tags": json.dumps(sorted(tags)), "library": "gluoncv",
            "organization": "dmlc"}


def _read_table(out: Collector, rel: str, table: Table, header: list[str], rows: list, models: dict) -> None:
    lower = {h: h.lower() for h in header[1:]}
    settings = [h for h in header[1:] if lower[h] in SETTINGS]
    side = [h for h in header[1:] if lower[h] in (HASHTAG, METHOD) or lower[h].startswith(SPEEDUP)]
    scores = [_column(h) for h in header[1:]
              if h not in settings and h not in side and not any(k in lower[h] for k in LINKS)]
    for line, row in rows:
        name, size, tagged = _name(row[header[0]])
        if not name:
            out.reject(rel, f"line {line}", "missing model name", ",".join(row.values()))
            continue
        if tagged:
            for col in scores:
                out.reject(rel, f"line {line}, column {col.header!r}", TAGGED, row[col.header])
            continue
        framework = "framework=pytorch" if table.framework == "pytorch" else None
        config = _join(*(f"{SETTINGS[lower[h]]}={_clean(row[h])}" for h in settings), framework, size)
        for col in scores:
            locator, values = f"line {line}, column {col.header!r}", _cells(row[col.header])
            if len(values) != len(col.parts) and not (col.bare and len(values) == 1):
                out.reject(rel, locator, "packed value without part names", row[col.header])
            else:
                for value, (metric, part) in zip(values, col.parts):
                    cfg = _join(config, part)  # value_raw as found; an RST link's trailing "_" is not parsed
                    out.add(
                        rel, locator, value, (name, cfg, col.split, metric), context=row[col.header],
                        parsed=parse_value(value.removesuffix("_")), model_raw=name, dataset_raw=table.dataset,
                        dataset_config=cfg,
                        dataset_split=col.split, task_raw=table.task, metric_raw=metric, higher_is_better=col.higher,
                        snapshot_date=SNAPSHOT_DATE,
                    )  # fmt: skip
        info = models[name]
        info["tasks"].add(table.task)
        info["datasets"].add(table.dataset)
        info["families"] |= {f for f in [table.family] + [_clean(row[h]) for h in side if lower[h] == METHOD] if f}
        info["tags"] |= {f"{lower[h].split()[0]}={_clean(row[h])}" for h in side if lower[h] != METHOD and row[h]}
        info["tags"].add(f"framework={table.framework}")


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    models: dict[str, dict] = defaultdict(lambda: {"tasks": set(), "datasets": set(), "families": set(), "tags": set()})
    datasets: dict[str, dict] = {}
    for path in snapshot_files(snapshot_dir):
        rel = str(path.relative_to(snapshot_dir))
        table = _table(path.parent.name, path.stem)
        if table is None:
            out.reject(rel, "file", f"unknown table: no task for {path.parent.name}/{path.name}")
            continue
        header, rows, bad = read_csv_rows(path, rel)
        out.quarantine += bad
        if header:
            _read_table(out, rel, table, header, rows, models)
            tasks = datasets.setdefault(table.dataset, {"tasks": [], "modality": table.modality})["tasks"]
            tasks += [] if table.task in tasks else [table.task]
    loaded = {r["model_raw"] for r in out.records}
    dataset_rows = [{
        "dataset_raw": d, "task_type": ds["tasks"][0], "modality": ds["modality"],
        "description": f"{d} as used in the GluonCV model zoo: " + "; ".join(MEASURES[t] for t in ds["tasks"]) + ".",
    } for d, ds in datasets.items()]  # fmt: skip
    return out.batch([_model_card(m, i) for m, i in models.items() if m in loaded], dataset_rows)
