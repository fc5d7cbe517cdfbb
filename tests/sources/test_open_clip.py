from pathlib import Path

import pytest

from orchestration.sources import open_clip

HEADER = "name,pretrained,params (M),FLOPs (B),Average perf. on 2 datasets,ImageNet 1k,Flickr\n"


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(open_clip)


def _record(batch, model, dataset, metric, config=None):
    r = batch.records
    hit = r[(r.model_raw == model) & (r.dataset_raw == dataset) & (r.metric_raw == metric)]
    if config is not None:
        hit = hit[hit.dataset_config == config]
    assert len(hit) == 1
    return hit.iloc[0]


def test_real_tables_reconcile_and_keep_arch_pretrained(batch, snapshot_dir):
    assert batch.read_count == len(batch.records) + len(batch.quarantine) > 40_000
    assert batch.records.source_record_id.is_unique
    assert batch.records.model_raw.str.contains("::", regex=False).all()
    assert batch.records.higher_is_better.all()
    assert _record(batch, "ViT-H-14-378-quickgelu::dfn5b", "ImageNet 1k", "main metric").value == 0.8437
    assert _record(batch, "ViT-SO400M-14-SigLIP-384::webli", "Flickr", "image retr. R@1").value == 0.8296
    ml = _record(batch, "nllb-clip-large-siglip::mrl", "crossmodal3600", "image_retrieval_recall@1", "ar")
    assert ml.value == 0.5836 and ml.task_raw == "zero-shot retrieval"
    # one cross-benchmark average per row of each of the three tables, nothing else quarantined
    assert (batch.quarantine.reason == open_clip.AGGREGATE).sum() == len(batch.quarantine) == 121 + 121 + 123
    names = {p.name for p in open_clip.snapshot_files(snapshot_dir)}
    assert "openclip_classification_results.csv" not in names and "model_profile.csv" in names


def test_models_side_table_has_absolute_params(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(models.index) == set(batch.records.model_raw)
    assert models.loc["ViT-H-14-378-quickgelu::dfn5b", "params"] == pytest.approx(986.71e6)
    assert models.loc["nllb-clip-large-siglip::v1", "params"] == pytest.approx(1195.5e6)  # from model_profile.csv
    coca = "coca_ViT-L-14::mscoco_finetuned_laion2b_s13b_b90k"
    assert models.loc[coca, "base_model"] == "coca_ViT-L-14::laion2b_s13b_b90k"
    assert batch.datasets.set_index("dataset_raw").loc["crossmodal3600", "modality"] == "image-text"


def test_ids_are_stable_across_reads(batch, snapshot_dir):
    again = open_clip.read(snapshot_dir)
    assert list(again.records.source_record_id) == list(batch.records.source_record_id)


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    folder = tmp_path / "open_clip"
    folder.mkdir()
    (folder / "openclip_results.csv").write_text(
        HEADER
        + "RN50,openai,102,18,0.5,0.6,0.4\n"
        + "RN101,openai,119,25,0.5,N/A,0.45\n"
        + "ViT-B-32,laion2b,151,14,0.6,0.7"  # truncated last line
    )
    (folder / "openclip_retrieval_results.csv").write_text("")
    # no metric columns besides the keys: nothing to read, nothing invented
    (folder / "openclip_multilingual_retrieval_results.csv").write_text("wrong,header\nx,y\n")
    batch = open_clip.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    assert set(batch.records.model_raw) == {"RN50::openai", "RN101::openai"}
    assert len(batch.records) == 3  # RN50 x2, RN101 Flickr
    reasons = " | ".join(batch.quarantine.reason)
    assert "missing value: 'N/A'" in reasons and "truncated" in reasons and "empty file" in reasons
    assert "missing key column" in reasons
    assert batch.models.set_index("model_raw").loc["RN50::openai", "params"] == 102e6
