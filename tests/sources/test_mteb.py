import gzip
import json

import pytest

from orchestration.sources import mteb

HEADER = "model,revision,task,split,hf_subset,languages,main_score,mteb_version,dataset_revision,evaluation_time,format\n"


@pytest.fixture(scope="module")
def sample(snapshot_batch):
    return snapshot_batch(mteb, nrows=5000)


def test_real_rows_map_task_metadata(sample):
    assert sample.read_count == len(sample.records) + len(sample.quarantine) == 5000
    recs = sample.records
    assert recs["source_record_id"].is_unique
    row = recs[(recs.model_raw == "AITeamVN__Vietnamese_Embedding") & (recs.dataset_raw == "VieQuADRetrieval")].iloc[0]
    assert (row.metric_raw, row.task_raw, row.dataset_split, row.value) == ("ndcg_at_10", "Retrieval", "validation", 0.5564)
    assert row.source_version == "fcbbb905e6c3757d421aaa5db6fd7c53d038f6fb" and row.higher_is_better
    assert recs.value.notna().all()
    # legacy rows without a score are quarantined, not invented
    assert sample.quarantine.reason.str.startswith("missing value").all()


def test_side_tables(sample):
    model = sample.models.set_index("model_raw").loc["AITeamVN__Vietnamese_Embedding"]
    assert model.params == 568e6 and model.base_model == "BAAI/bge-m3" and model.organization == "AITeamVN"
    assert "vie-Latn" in model.card_text and "license:cc-by-4.0" in json.loads(model.tags)
    assert sample.models.model_raw.is_unique and set(sample.records.model_raw) <= set(sample.models.model_raw)
    ds = sample.datasets.set_index("dataset_raw").loc["VieQuADRetrieval"]
    assert ds.task_type == "Retrieval" and ds.modality == "text" and isinstance(json.loads(ds.domains), list)


def _snapshot(tmp_path, body: bytes):
    root = tmp_path / "mteb"
    root.mkdir()
    (root / "main_scores.csv.gz").write_bytes(body)
    (root / "task_metadata.json").write_text(json.dumps([{"name": "T", "main_score": "accuracy", "type": "Classification"}]))
    (root / "model_meta.json").write_text(json.dumps([{"name": "org/m", "n_parameters": 10, "_dir_model": "org__m"}]))
    return tmp_path


def _row(score, subset="default"):
    return f"org__m,r1,T,test,{subset},eng-Latn,{score},1.0,d1,1.0,v2\n"


def test_bad_values_and_malformed_rows(tmp_path):
    text = HEADER + _row("0.5") + _row("N/A", "a") + "org__m,r1,T,test,b,x,0.1,1,d,1,v2,EXTRA\n" + _row("0.7", "c") + _row("0.7", "c")
    batch = mteb.read(_snapshot(tmp_path, gzip.compress(text.encode())))
    assert batch.read_count == 5 and len(batch.records) == 3
    assert list(batch.records.value) == [0.5, 0.7, 0.7] and batch.records.source_record_id.is_unique
    reasons = dict(zip(batch.quarantine.locator, batch.quarantine.reason))
    assert reasons["line 3"] == "missing value: 'N/A'"
    assert reasons["line 4"].startswith("malformed CSV row")
    assert batch.records.metric_raw.tolist() == ["accuracy"] * 3


def test_truncated_archive_keeps_complete_lines(tmp_path):
    text = HEADER + "".join(_row(f"0.{i:04d}", f"s{i}") for i in range(3000))
    body = gzip.compress(text.encode())
    batch = mteb.read(_snapshot(tmp_path, body[: len(body) * 2 // 3]))
    assert 0 < len(batch.records) < 3000
    loss = batch.quarantine[batch.quarantine.reason.str.contains("truncated gzip")]
    assert len(loss) == 1 and loss.locator.iloc[0] == f"after line {len(batch.records) + 1}"
    # the cut line is not parsed into a shortened number
    expected = {f"s{i}": float(f"0.{i:04d}") for i in range(3000)}
    assert all(expected[c] == v for c, v in zip(batch.records.dataset_config, batch.records.value))


def test_missing_column_quarantines_file(tmp_path):
    text = HEADER.replace("main_score", "score") + _row("0.5")
    batch = mteb.read(_snapshot(tmp_path, gzip.compress(text.encode())))
    assert len(batch.records) == 0 and "missing columns ['main_score']" in batch.quarantine.reason.iloc[0]


def test_missing_or_malformed_files_are_quarantined(tmp_path):
    snap = _snapshot(tmp_path, gzip.compress((HEADER + _row("0.5")).encode()))
    (snap / mteb.TASK_METADATA).write_text("{not json")
    (snap / mteb.MODEL_META).write_text(json.dumps({"name": "org/m"}))  # an object, not a list
    batch = mteb.read(snap)
    assert batch.records.value.tolist() == [0.5] and batch.records.metric_raw.tolist() == ["main_score"]
    assert sorted(batch.quarantine.reason)[0] == "not a JSON list"
    assert sorted(batch.quarantine.reason)[1].startswith("not valid JSON")
    (snap / mteb.MODEL_META).write_text(json.dumps([{"name": 7, "_dir_model": "org__m"}, {"_dir_model": ["x"]}, 1]))
    model = mteb.read(snap).models.set_index("model_raw").loc["org__m"]
    assert model.organization == "org" and model.card_text.startswith("org/m: ")  # the name from the folder
    (snap / mteb.MAIN_SCORES).unlink()
    batch = mteb.read(snap)
    assert batch.records.empty and batch.quarantine.locator.tolist() == ["file", "file"]
    assert batch.quarantine.reason.iloc[0].startswith("file not found")


def test_header_naming_a_column_twice_quarantines_the_file(tmp_path):
    text = HEADER.replace("languages", "model") + _row("0.5") + _row("0.5")
    batch = mteb.read(_snapshot(tmp_path, gzip.compress(text.encode())))
    assert batch.records.empty
    assert batch.quarantine.reason.iloc[0] == "malformed CSV header: repeated column names ['model']"
