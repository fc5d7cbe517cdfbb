import json

import pandas as pd
import pytest

from orchestration.sources import lmarena


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(lmarena)


def test_real_leaderboards(batch):
    recs = batch.records
    assert 15000 < len(recs) < 17000 and len(batch.quarantine) == 0
    assert batch.read_count == len(recs) + len(batch.quarantine) and recs.source_record_id.is_unique
    boards = recs.groupby("dataset_raw").dataset_config.nunique().to_dict()
    assert boards == {"lmarena-text": 29, "lmarena-text-style-control": 29, "lmarena-vision": 10,
                      "lmarena-vision-style-control": 10, "lmarena-image": 3}
    assert set(recs.metric_raw) == {"rating"} and recs.higher_is_better.all()
    assert set(recs.snapshot_date) == {lmarena.SNAPSHOT_DATE}
    coding = recs[(recs.model_raw == "claude-opus-4-5-20251101-thinking-32k") & (recs.dataset_config == "coding")]
    # the same battles scored twice stay two datasets, with different ratings
    assert dict(zip(coding.dataset_raw, coding.value)) == {
        "lmarena-text": pytest.approx(1515.1020105121383),
        "lmarena-text-style-control": pytest.approx(1538.2049212548282),
    }
    tasks = dict(zip(recs.dataset_raw, recs.task_raw))
    assert tasks["lmarena-vision"] == "vision chat (human preference arena)"
    assert tasks["lmarena-image"] == "text-to-image (human preference arena)"
    assert dict(zip(batch.datasets.dataset_raw, batch.datasets.modality))["lmarena-vision-style-control"] == "image"


def test_aliases_and_bounds_in_model_rows(batch):
    models = batch.models.set_index("model_raw")
    assert len(models) == len(set(batch.records.model_raw)) > 300
    name = "gemini-3-pro-image-preview-2k (nano-banana-pro)"
    assert json.loads(models.tags[name]) == ["alias:nano-banana-pro"]
    assert "image arena full rating 1234.3 (95% interval 1226.7-1241.9)" in models.card_text[name]
    assert json.loads(models.tags["gemini-3-pro"]) == []


def test_bad_inputs_are_quarantined_not_fatal(tmp_path):
    data = tmp_path / lmarena.SOURCE / "data"
    data.mkdir(parents=True)
    (data / "leaderboard-text.json").write_text(json.dumps({
        "full": {"a": {"rating": 1200.5, "rating_q975": 1210, "rating_q025": 1190},
                 "b": {"rating": "n/a"}, "c": {"rating_q975": 1}, "d": [1], "e": {"rating": True}},
        "coding": "oops",
        "math": {"a": {"rating": "1,201.5"}},
    }))
    (data / "leaderboard-webdev.json").write_text('{"full": {"x": {"rating": 1100}}}')  # an arena not known here
    (data / "leaderboard-search.json").write_text('{"full": {"x": {"rating": 1')  # truncated
    (data / "leaderboard-list.json").write_text("[1, 2]")
    batch = lmarena.read(tmp_path)
    recs = batch.records
    assert sorted(zip(recs.dataset_raw, recs.dataset_config, recs.value)) == [
        ("lmarena-text", "full", 1200.5), ("lmarena-text", "math", 1201.5), ("lmarena-webdev", "full", 1100.0)]
    webdev = batch.datasets.set_index("dataset_raw").loc["lmarena-webdev"]
    assert webdev.task_type == "webdev (human preference arena)" and webdev.modality is pd.NA
    reasons = batch.quarantine.reason.tolist()
    assert "missing value: 'n/a'" in reasons and "missing value" in reasons
    assert "expected an object, got list" in reasons and any(r.startswith("boolean") for r in reasons)
    assert "expected an object of models, got str" in reasons
    assert "expected an object of categories, got list" in reasons
    assert any(r.startswith("not valid JSON") for r in reasons)
    assert batch.read_count == len(recs) + len(reasons) == 3 + 7
    assert batch.models.set_index("model_raw").card_text["a"] == (
        "LMArena model 'a'; text arena full rating 1200.5 (95% interval 1190.0-1210.0).")
