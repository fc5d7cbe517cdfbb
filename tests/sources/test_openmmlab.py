"""OpenMMLab model zoos: the five real repositories plus a hand-made one with a broken Import."""

from orchestration.sources import openmmlab


def test_full_read(snapshot_dir, snapshot_batch):
    batch = snapshot_batch(openmmlab)
    recs = batch.records
    assert 3_000 < len(recs) < 3_800 and recs["source_record_id"].is_unique
    assert set(recs["source_version"]) == {f"open-mmlab/{r}" for r in openmmlab.REPOS}
    assert batch.read_count == len(recs) + len(batch.quarantine)
    # Results given as a single mapping (mmaction2 clip4clip) still load
    clip = recs[recs["model_raw"].str.startswith("clip4clip_vit-base-p32") & (recs["metric_raw"] == "Recall@1")]
    assert clip["value"].tolist() == [43.1] and clip["task_raw"].tolist() == ["Video Retrieval"]
    # Top 5 Accuracy: null in a real metafile is quarantined, not invented
    assert "missing value" in set(batch.quarantine["reason"])
    side = batch.models.set_index("model_raw").loc["riformer-s12_in1k"]
    assert side["params"] == 11_915_000 and side["library"] == "mmpretrain" and "RIFormer" in side["card_text"]
    assert batch.datasets.set_index("dataset_raw").loc["ImageNet-1k", "task_type"] == "Image Classification"
    files = openmmlab.snapshot_files(snapshot_dir)
    assert snapshot_dir / "openmmlab/mmpretrain/configs/riformer/metafile.yml" in files
    assert not any("dataset_zoo" in str(f) for f in files)


def test_broken_import_is_quarantined_and_the_rest_loads(tmp_path):
    repo = tmp_path / "openmmlab" / "mmocr"
    (repo / "configs" / "dbnet").mkdir(parents=True)
    (repo / "model-index.yml").write_text("Import:\n- configs/dbnet/metafile.yml\n- configs/gone/metafile.yml\n")
    (repo / "configs" / "dbnet" / "metafile.yml").write_text(
        "Models:\n- Name: dbnet_r18\n  Results:\n  - Task: Text Detection\n    Dataset: ICDAR2015\n"
        "    Metrics: {hmean-iou: 0.8169, precision: '-'}\n")
    batch = openmmlab.read(tmp_path)
    assert batch.records[["model_raw", "metric_raw", "value"]].values.tolist() == [["dbnet_r18", "hmean-iou", 0.8169]]
    reasons = dict(zip(batch.quarantine["locator"], batch.quarantine["reason"]))
    assert reasons["Import[1]"] == "file not found: openmmlab/mmocr/configs/gone/metafile.yml"
    assert reasons["Models[0].Results[0].Metrics.precision"] == "missing value: '-'"
    assert "file not found: openmmlab/mmpose/model-index.yml" in set(batch.quarantine["reason"])
