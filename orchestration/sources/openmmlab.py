"""OpenMMLab model zoos: ``openmmlab/<repo>/model-index.yml`` importing ``configs/**/metafile.y(a)ml``.

A record is one metric value of one model config on one dataset: model = the config ``Name``, dataset = the
result's ``Dataset``, metric = the ``Metrics`` key, task = the result's ``Task``. Side rows keep Parameters
(absolute), FLOPs, Training Data and the Collection (paper, architecture) as a short synthetic card text; a
dataset's modality is its repository's domain (``video`` for an image repository's dataset whose main task is a
video task, e.g. mmagic video super-resolution). Records carry their repository's ``source_version``.

Not read: files no ``Import`` reaches (a few mmaction2 metafiles, mmocr ``dataset_zoo``, mmrotate's convnext and
oriented_reppoints metafiles, which upstream's own model index leaves out as well). mmdetection has no
model-index upstream, so its ``configs/*/metafile.yml`` are read directly.

Quirks (the shared parsing of bare-list files, mapping-valued ``Results``, HTML in headers and packed values is in
``model_index``):
- packed values: ``mAP: 72.31/90.40/89.50`` (mmrotate) -> mAP, AP50, AP75; ``PSNR/SSIM (RGB): {PSNR, SSIM}``
  -> PSNR (RGB), SSIM (RGB); ``<br>PSNR/SSIM (Y)`` -> PSNR (Y), SSIM (Y). Packed values whose parts are not
  named (``P&R10k: {PSNR, SSIM}``, ``Vid4: {PSNR, SSIM}``) are quarantined.
- hyper-parameters under ``Metrics`` (``HYPER_PARAMETERS``: mmagic ``Iter``, ``Total Iters\\*``, ``Num Scales``,
  ``disc_step``, ``$\\sigma$``, ``GPU Info`` ...) are quarantined "not a quality metric"; the denoising noise
  level ``$\\sigma$`` also becomes the ``dataset_config`` (``sigma=15``) of its result's metrics.
- datasets: markdown links are reduced to their text; ``-`` ("no dataset"), ``unknown`` and YAML comments leaked
  into the value (mmsegmentation ``'# HRNet backbone'``) are quarantined; names and metric names that differ
  only in case, spaces, ``-`` or ``_`` (``CelebA-HQ``/``celeba-hq``/``CelebAHQ``, ``Norm precision``) get their
  most common spelling.
- string ``none`` values (mmfewshot) and nulls are quarantined by ``parse_value``; a result with an empty
  ``Metrics`` is one quarantine row.
- lower-is-better metrics (``LOWER_IS_BETTER``: FID*, MSE, MAE, SAD, CONN, GRAD, l1 error, NIQE, BRISQUE, PI,
  VOT Robustness, pose errors EPE / NME / MPJPE, retrieval ranks MdR / MnR) get ``higher_is_better`` False;
  other metrics leave it unset.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

from orchestration.sources.model_index import Entry, dataset_rows, load_index, pwc_entries, pwc_model_rows
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, bad_row, number

SOURCE = "openmmlab"


class Repo(NamedTuple):
    modality: str
    version: str  # upstream repository (@ commit where the snapshot README names one)
    indexed: bool = True  # False: no model-index.yml upstream; configs/*/metafile.yml are read directly


REPOS = {
    "mmpretrain": Repo("image", "open-mmlab/mmpretrain"),
    "mmpose": Repo("image", "open-mmlab/mmpose"),
    "mmaction2": Repo("video", "open-mmlab/mmaction2"),
    "mmdetection3d": Repo("3d", "open-mmlab/mmdetection3d"),
    "mmocr": Repo("image", "open-mmlab/mmocr"),
    "mmagic": Repo("image", "open-mmlab/mmagic@0a560bb"),
    "mmdetection": Repo("image", "Ikomia-hub/train_mmlab_detection@078f929", indexed=False),
    "mmsegmentation": Repo("image", "superliuweilin/mmsegmentation@8d755c4"),
    "mmfewshot": Repo("image", "open-mmlab/mmfewshot@af4fad5"),
    "mmyolo": Repo("image", "open-mmlab/mmyolo@8c4d9dc"),
    "mmtracking": Repo("video", "open-mmlab/mmtracking@e79491e"),
    "mmrotate": Repo("image", "open-mmlab/mmrotate@b030f38"),
}
# Metrics keys that are settings, not scores (compared without blanks, ``\``, ``*``, ``$``, case-insensitively)
HYPER_PARAMETERS = {"iter", "totaliters", "numscales", "scales", "disc_step", "dist_step", "n_disc", "steps",
                    "cgs", "gpuinfo", "sigma", "size/numimagesperprompt"}
LOWER_IS_BETTER = re.compile(r"^(?:FID|(?:MSE|MAE|SAD|CONN|GRAD|l1 error|NIQE|BRISQUE|PI|Robustness|EPE|NME|"
                             r"MPJPE|P-MPJPE|N-MPJPE|MRRPE|MdR|MnR)\b)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _metafiles(snapshot_dir: Path, repo: str) -> tuple[list[Path], list[tuple[str, dict]], list[dict]]:
    """(entry files, [(path, document)], quarantine rows) of one repository."""
    root = snapshot_dir / "openmmlab" / repo
    files = [root / "model-index.yml"] if REPOS[repo].indexed else sorted(root.glob("configs/*/metafile.y*ml"))
    if not files:
        return [], [], [bad_row(f"openmmlab/{repo}", "", "no metafiles found under configs/")]
    docs, problems = [], []
    for path in files:
        found, bad = load_index(path, snapshot_dir)
        docs += found
        problems += bad
    return files, docs, problems


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    """Each repo's model-index.yml (or its metafiles) and every file it (transitively) imports."""
    files = []
    for repo in REPOS:
        entry_files, docs, _ = _metafiles(snapshot_dir, repo)
        files += entry_files + [snapshot_dir / rel for rel, _ in docs]
    return sorted(set(files))


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def spellings(names: list[str]) -> dict[str, str]:
    """Each name -> the most common spelling among names equal up to case, blanks, ``-`` and ``_``."""
    counts = Counter(names)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in sorted(counts):
        groups[_key(name)].append(name)
    best = {k: max(g, key=counts.__getitem__) for k, g in groups.items()}  # a tie: the first in sort order
    return {name: best[_key(name)] for name in counts}


def _dataset_problem(name: str | None) -> str | None:
    if name is None:
        return None
    if name.startswith("#"):
        return "YAML comment in the Dataset field"
    if name == "-":
        return "no dataset"
    return "unknown dataset" if name.lower() == "unknown" else None


def _clean(entries: list[Entry]) -> None:
    """Link-free dataset names, hyper-parameter and dataset problems, the noise level as dataset config."""
    sigma: dict[str, str] = {}
    for e in entries:
        e.dataset = _LINK.sub(r"\1", e.dataset).strip() if e.dataset else e.dataset
        hyper = e.metric and re.sub(r"[\s\\*$]+", "", e.metric).lower()
        if hyper in HYPER_PARAMETERS:
            e.problem = "not a quality metric"
            if hyper == "sigma" and number(e.value) is not None:
                sigma[e.locator.split(".Metrics", 1)[0]] = f"sigma={number(e.value):g}"
        else:
            e.problem = _dataset_problem(e.dataset) or e.problem
    for e in entries:
        e.dataset_config = e.dataset_config or sigma.get(e.locator.split(".Metrics", 1)[0])


def read(snapshot_dir: Path) -> SourceBatch:
    out, models, files = Collector(SOURCE), {}, []
    for repo in REPOS:
        _, docs, problems = _metafiles(snapshot_dir, repo)
        out.quarantine += problems
        for rel, doc in docs:
            entries = pwc_entries(doc)
            _clean(entries)
            files.append((repo, rel, entries))
        for row in pwc_model_rows(docs, organization="open-mmlab"):
            models.setdefault(row["model_raw"], {**row, "library": repo})

    every = [e for _, _, entries in files for e in entries]
    datasets = spellings([e.dataset for e in every if e.dataset])
    metrics = spellings([e.metric for e in every if e.metric])
    modalities: dict[str, Counter] = defaultdict(Counter)
    for repo, rel, entries in files:
        for e in entries:
            e.dataset, e.metric = datasets.get(e.dataset, e.dataset), metrics.get(e.metric, e.metric)
            if e.metric and LOWER_IS_BETTER.match(e.metric):
                e.extra["higher_is_better"] = False
            video = REPOS[repo].modality == "image" and "video" in (e.task or "").lower()
            modalities[e.dataset][("video" if video else REPOS[repo].modality, repo)] += 1
        out.add_entries(entries, rel, source_version=REPOS[repo].version)
    dataset_side = dataset_rows(out.records)
    for row in dataset_side:
        (modality, repo), _ = modalities[row["dataset_raw"]].most_common(1)[0]
        row["modality"] = modality
        row["description"] = row["description"] or (
            f"{row['dataset_raw']}: {row['task_type'] or 'evaluation'} benchmark, as reported in the OpenMMLab "
            f"{repo} model zoo.")
    return out.batch(list(models.values()), dataset_side)
