import json

import pandas as pd
import pytest

from orchestration.sources import evalplus


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(evalplus)


def test_real_results(batch):
    recs = batch.records
    assert batch.read_count == len(recs) + len(batch.quarantine) == 125 * 4
    assert 400 < len(recs) < 450 and recs.source_record_id.is_unique
    assert set(batch.quarantine.reason) == {"null score (not evaluated)"} and len(batch.quarantine) == 72
    assert set(recs.dataset_raw) == set(evalplus.DATASETS) and set(recs.metric_raw) == {"pass@1"}
    assert recs.higher_is_better.all() and set(recs.task_raw) == {"code-generation"}
    hit = recs[(recs.model_raw == "DeepSeek-V3 (Nov 2024)") & (recs.dataset_raw == "humaneval+")]
    assert hit.value.tolist() == [86.6]
    # a model without MBPP results: its two MBPP cells are the quarantined nulls
    assert set(recs[recs.model_raw == "Code-13B"].dataset_raw) == {"humaneval", "humaneval+"}


def test_model_rows_carry_the_hub_id(batch):
    models = batch.models.set_index("model_raw")
    assert len(models) == 125 and models.index.is_unique
    tags = json.loads(models.loc["DeepSeek-V3 (Nov 2024)", "tags"])
    assert tags == ["hf_id:deepseek-ai/DeepSeek-V3", "open-data:NONE", "prompted:true"]
    assert models.loc["DeepSeek-V3 (Nov 2024)", "params"] == 37e9
    assert models.loc["DeepSeek-V3 (Nov 2024)", "organization"] == "deepseek-ai"
    assert not any(t.startswith("hf_id:") for t in json.loads(models.loc["GPT 4o (Aug 2024)", "tags"]))
    assert pd.isna(models.loc["GPT 4o (Aug 2024)", "params"])  # size null
    assert sum("hf_id:" in t for t in models.tags) == 82


def test_hub_id():
    assert evalplus.hub_id("https://huggingface.co/Qwen/Qwen1.5-72B-Chat") == "Qwen/Qwen1.5-72B-Chat"
    assert evalplus.hub_id("https://huggingface.co/bigcode/starcoder/") == "bigcode/starcoder"
    assert evalplus.hub_id("https://arxiv.org/abs/2203.13474") is None
    assert evalplus.hub_id(None) is None


def test_bad_inputs_are_quarantined_not_fatal(tmp_path):
    path = tmp_path / evalplus.RESULTS
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "Good (Jan 2024)": {"link": "https://huggingface.co/org/good", "size": "n/a",
                            "pass@1": {"humaneval": "85.3%", "mbpp": None, "lcb": 40.0, "mbpp+": "high"}},
        "No scores": {"link": None, "size": 7},
        "Listed": ["not", "an", "object"],
    }))
    batch = evalplus.read(tmp_path)
    reasons = list(batch.quarantine.reason)
    assert batch.read_count == len(batch.records) + len(reasons) == 1 + 5
    loaded = batch.records[["model_raw", "dataset_raw", "value"]].values.tolist()
    assert loaded == [["Good (Jan 2024)", "humaneval", 85.3]]
    assert "null score (not evaluated)" in reasons and "unrecognised benchmark 'lcb'" in reasons
    assert "not a number: 'high'" in reasons
    assert reasons.count("model entry without a pass@1 object (or without a name)") == 2
    good = batch.models.set_index("model_raw").loc["Good (Jan 2024)"]
    assert pd.isna(good.params) and json.loads(good.tags) == ["hf_id:org/good"]

    path.write_text('{"Truncated": {"pass@1": {"humaneval": 8')
    assert evalplus.read(tmp_path).quarantine.reason.iloc[0].startswith("not valid JSON")
    path.write_text("[1, 2]")
    assert list(evalplus.read(tmp_path).quarantine.reason) == ["expected an object keyed by model name"]
    path.unlink()
    assert evalplus.read(tmp_path).quarantine.reason.iloc[0].startswith("file not found")
