"""OpenMMLab model zoos: ``openmmlab/<repo>/model-index.yml`` importing ``configs/**/metafile.yml``.

Model = the config ``Name``; side rows keep Parameters (absolute), FLOPs, Training Data and the Collection
(paper, architecture) as a short synthetic card text. Dataset modality is the repository's domain.
Files not reachable through ``Import`` (a few mmaction2 metafiles, mmocr ``dataset_zoo``) are not read, as
upstream's own model index does not list them.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.sources.model_index import (
    IdMinter, dataset_rows, entry_rows, load_index, pwc_entries, pwc_model_rows,
)
from orchestration.sources.records import SourceBatch, now_iso

SOURCE = "openmmlab"
REPOS = {"mmpretrain": "image", "mmpose": "image", "mmaction2": "video", "mmdetection3d": "3d", "mmocr": "image"}


def _indexes(snapshot_dir: Path):
    for repo in REPOS:
        yield repo, load_index(snapshot_dir / "openmmlab" / repo / "model-index.yml", snapshot_dir)


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    """model-index.yml of each repo and every file it (transitively) imports."""
    files = []
    for repo, (docs, _) in _indexes(snapshot_dir):
        files += [snapshot_dir / "openmmlab" / repo / "model-index.yml"] + [snapshot_dir / rel for rel, _ in docs]
    return sorted(set(files))


def read(snapshot_dir: Path) -> SourceBatch:
    records, models, datasets, quarantine = [], {}, {}, []
    ids, retrieved_at = IdMinter(), now_iso()
    for repo, (docs, import_problems) in _indexes(snapshot_dir):
        quarantine += import_problems
        repo_records = []
        for rel, doc in docs:
            recs, quar = entry_rows(pwc_entries(doc), source_file=rel, source_version=f"open-mmlab/{repo}",
                                    retrieved_at=retrieved_at, ids=ids)
            repo_records += recs
            quarantine += quar
        records += repo_records
        for row in pwc_model_rows(docs, organization="open-mmlab"):
            models.setdefault(row["model_raw"], {**row, "library": repo})
        for row in dataset_rows(repo_records, modality=REPOS[repo]):
            datasets.setdefault(row["dataset_raw"], row)
    return SourceBatch.build(SOURCE, records, list(models.values()), list(datasets.values()), quarantine)
