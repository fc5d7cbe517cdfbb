import json

import pytest

from orchestration.sources import open_llm_v1 as v1


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(v1)


def test_full_read(batch):
    recs = batch.records  # reconciliation and id uniqueness: test_landing, for every connector
    assert 29000 < batch.read_count < 31000
    assert recs.snapshot_date.nunique() == 18
    assert set(recs.dataset_raw) == {"ARC", "HellaSwag", "MMLU", "TruthfulQA"}  # no Average
    assert set(zip(recs.dataset_raw, recs.dataset_config)) == {
        ("ARC", "25-shot"), ("HellaSwag", "10-shot"), ("MMLU", "5-shot"), ("TruthfulQA", "0-shot")}
    assert "Baseline" not in set(recs.model_raw)
    first = recs[(recs.snapshot_date == "2023-05-23") & (recs.model_raw == "MetaIX/GPT4-X-Alpasta-30b")]
    assert dict(zip(first.dataset_raw, first.value)) == {"ARC": 56.7, "HellaSwag": 81.4, "MMLU": 43.6, "TruthfulQA": 49.7}


def test_size_buckets_add_models_without_double_counting(batch):
    recs = batch.records
    buckets = recs[recs.source_file.str.endswith(".json")]
    csv = recs[recs.source_file.str.endswith("20231031.csv")]
    assert len(buckets) > 800 and not set(buckets.model_raw) & set(csv.model_raw)
    doubles = batch.quarantine[batch.quarantine.reason.str.startswith("model already in the 20231031 CSV")]
    assert len(doubles) == 180 and doubles.source_file.str.endswith(".json").all()  # 45 models x 4 benchmarks
    assert (buckets.snapshot_date == "2023-10-31").all()
    tags = batch.models.set_index("model_raw").tags
    assert json.loads(tags["stabilityai/stablelm-3b-4e1t"]) == ["size:3b"]


def test_html_links_and_renamed_columns(tmp_path):
    folder = tmp_path / v1.ROOT / "assets" / "20240101"
    folder.mkdir(parents=True)
    (folder / "20240101.csv").write_text(
        "\ufeffModel,Average,ARC-c (25 shot),HellaSwag,MMLU (5-shot),TQA (0-shot),#Params\n"
        '"<a target=""_blank"" href=""https://huggingface.co/org/a"">org/a</a>",50,40.5,70,N/A,30,7\n'
        "org/b,51,41,71,46,31,7\n")
    batch = v1.read(tmp_path)
    recs = batch.records
    assert set(recs.model_raw) == {"org/a", "org/b"}
    assert set(recs.dataset_raw) == {"ARC", "HellaSwag", "MMLU"}
    assert recs[recs.dataset_raw == "HellaSwag"].dataset_config.iloc[0] == "10-shot"
    reasons = list(batch.quarantine.reason)
    assert any(r.startswith("no column for TruthfulQA") for r in reasons)
    assert "missing value: 'N/A'" in reasons and batch.read_count == len(recs) + len(reasons) == 5 + 2


def test_model_id():
    assert v1.model_id('<a href="https://huggingface.co/x/y">x/y</a> 📑') == "x/y"
    assert v1.model_id("llama-65b") == "llama-65b"
