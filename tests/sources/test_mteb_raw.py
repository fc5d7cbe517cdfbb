import json
import shutil

import pytest

from orchestration.sources import mteb, mteb_raw


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(mteb_raw)


def test_real_layout_matches_main_scores(batch, snapshot_dir):
    recs = batch.records
    assert batch.read_count == len(recs) + len(batch.quarantine) and len(recs) > 6000
    assert recs.source_record_id.is_unique and not recs.source_file.str.endswith("model_meta.json").any()
    main, _ = mteb.read_main_scores(snapshot_dir / mteb.MAIN_SCORES)
    merged = recs.merge(main, left_on=["model_raw", "source_version", "dataset_raw", "dataset_split", "dataset_config"],
                        right_on=mteb.KEY)
    assert len(merged) == len(recs)
    assert (merged.value - merged.main_score.astype(float)).abs().max() < 1e-12
    assert set(recs.source_version[recs.model_raw == "intfloat__multilingual-e5-small"]) == {
        "c007d7ef6fd86656326059b28395a7a03a7c5846", "e4ce9877abf3edfe10b0d82785e83bdcb973e22e",
        "fd1525a9fd15316a2d503bf26ab031a61d056e98"}


def test_legacy_file_without_known_main_score_is_quarantined(batch):
    q = batch.quarantine[batch.quarantine.source_file.str.endswith("external/CMedQAv1.json")]
    assert len(q) == 1 and "not among metrics ['map', 'mrr']" in q.reason.iloc[0]


def test_models_from_revision_model_meta(batch):
    model = batch.models.set_index("model_raw").loc["sentence-transformers__all-MiniLM-L6-v2"]
    assert model.params == 22.7e6 and model.organization == "sentence-transformers"


def test_legacy_layouts_inline():
    nested = {"mteb_dataset_name": "STSBenchmark", "mteb_version": "1.0.0",
              "test": {"evaluation_time": 1.0, "cos_sim": {"spearman": 0.81, "pearson": 0.8}}}
    recs, bad = mteb_raw.parse_result_json(nested, "org__m", "r1", "f.json", {"main_score": "cosine_spearman"})
    assert not bad and [(r["metric_raw"], r["value"], r["dataset_config"]) for r in recs] == [("cos_sim_spearman", 0.81, "default")]
    per_lang = {"mteb_dataset_name": "Amazon", "test": {"en": {"accuracy": 0.5}, "de": {"accuracy": "N/A"}}}
    recs, bad = mteb_raw.parse_result_json(per_lang, "org__m", "r1", "g.json", {"main_score": "accuracy"})
    assert [(r["dataset_config"], r["value"]) for r in recs] == [("en", 0.5)]
    assert bad[0]["locator"] == "test.de" and bad[0]["reason"] == "missing value: 'N/A'"


def test_not_json_file_is_quarantined_rest_loads(tmp_path, snapshot_dir):
    (tmp_path / "mteb").mkdir()
    shutil.copy(snapshot_dir / mteb.TASK_METADATA, tmp_path / mteb.TASK_METADATA)
    rev = tmp_path / mteb_raw.RESULTS / "org__m" / "r1"
    rev.mkdir(parents=True)
    (rev / "Broken.json").write_text('{"task_name": "Broken", "scores": ')
    (rev / "model_meta.json").write_text(json.dumps({"name": "org/m", "n_parameters": 5}))
    (rev / "Banking77Classification.json").write_text(json.dumps(
        {"task_name": "Banking77Classification", "scores": {"test": [{"hf_subset": "default", "main_score": 0.7}]}}))
    batch = mteb_raw.read(tmp_path)
    assert batch.read_count == 2 and batch.records.value.tolist() == [0.7]
    assert batch.records.metric_raw.iloc[0] == "accuracy"
    assert batch.quarantine.reason.iloc[0].startswith("not valid JSON")
    assert batch.models.params.tolist() == [5.0]


def test_non_text_task_name_and_missing_task_metadata(tmp_path):
    rev = tmp_path / mteb_raw.RESULTS / "org__m" / "r1"
    rev.mkdir(parents=True)
    (rev / "Banking77Classification.json").write_text(json.dumps(
        {"task_name": 7, "scores": {"test": [{"hf_subset": "default", "main_score": 0.7}]}}))
    batch = mteb_raw.read(tmp_path)  # no task_metadata.json
    assert batch.records.dataset_raw.tolist() == ["Banking77Classification"]  # the file name names the task
    assert batch.quarantine.reason.tolist()[0].startswith("file not found") and batch.read_count == 2
