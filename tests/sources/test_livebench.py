import json

import pytest

from orchestration.sources import livebench


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(livebench)


def test_real_releases(batch, snapshot_dir):
    recs = batch.records
    assert 13500 < len(recs) < 14200 and recs.source_record_id.is_unique
    assert batch.read_count == len(recs) + len(batch.quarantine)
    assert recs.snapshot_date.nunique() == 10 and len(livebench.snapshot_files(snapshot_dir)) == 20
    assert set(recs.metric_raw) == {"score"} and recs.higher_is_better.all() and recs.value.between(0, 100).all()
    old = recs[(recs.model_raw == "gpt-4o-2024-05-13") & (recs.snapshot_date == "2024-06-24")]
    assert dict(zip(old.dataset_config, old.value))["code_generation"] == 48.0  # the LCB_generation column
    # renamed tasks map to one name; versioned tasks stay apart; categories come from categories_<date>.json
    configs = set(recs.dataset_config)
    assert {"LCB_generation", "coding_completion"}.isdisjoint(configs)
    assert {"code_generation", "code_completion", "web_of_lies_v2", "web_of_lies_v3"} <= configs
    assert set(recs[recs.dataset_config == "code_generation"].snapshot_date) == set(recs.snapshot_date)
    assert set(recs.dataset_raw) == {f"livebench/{c}" for c in (
        "math", "coding", "agentic_coding", "reasoning", "language", "data_analysis", "instruction_following")}
    assert set(recs[recs.dataset_config == "cta"].dataset_raw) == {"livebench/data_analysis"}
    # the same model in several releases, each its own dated record
    nova = recs[(recs.model_raw == "amazon.nova-lite-v1:0") & (recs.dataset_config == "code_generation")]
    assert dict(zip(nova.snapshot_date, nova.value))["2025-04-25"] == 42.254 and len(nova) > 2


def test_quirks_quarantined(batch):
    quarantine = batch.quarantine.set_index("locator")
    assert quarantine.reason["line 49, column 'connections'"] == "missing value: ''"  # the one empty cell
    assert quarantine.loc["line 110"].excerpt.startswith("nemotron-3-super-120b-a12b")  # a row 3 cells short
    assert len(batch.quarantine) == 2
    datasets = batch.datasets.set_index("dataset_raw")
    assert datasets.release_date["livebench/agentic_coding"] == "2025-05-30"
    assert datasets.modality["livebench/coding"] == "code" and datasets.modality["livebench/math"] == "text"
    tags = json.loads(batch.models.set_index("model_raw").tags["gpt-4o-2024-05-13"])
    assert tags[:2] == ["release:2024-06-24", "release:2024-07-26"]


def test_bad_inputs_are_quarantined_not_fatal(tmp_path):
    public = tmp_path / livebench.FOLDER
    public.mkdir(parents=True)
    (public / "categories_2025_01_01.json").write_text(json.dumps({"Coding": ["LCB_generation"], "New Cat": ["x"]}))
    (public / "table_2025_01_01.csv").write_text(
        "model,LCB_generation,x,extra\n"
        "m1,50.5,7,1\n"
        "m2,abc,,2\n"
        ",1,2,3\n"
        "m3,4")  # truncated
    (public / "table_2025_02_01.csv").write_text("model,LCB_generation\nm1,60\n")  # no categories file
    (public / "categories_2025_03_01.json").write_text("{")
    (public / "table_2025_03_01.csv").write_text("")
    batch = livebench.read(tmp_path)
    recs = batch.records
    assert sorted(zip(recs.model_raw, recs.dataset_raw, recs.dataset_config, recs.value)) == [
        ("m1", "livebench/coding", "code_generation", 50.5), ("m1", "livebench/new_cat", "x", 7.0)]
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("task without a category (not listed in categories_2025_01_01.json)") == 2
    assert "task without a category (file not found: categories_2025_02_01.json)" in reasons
    assert "not a number: 'abc'" in reasons and "missing value: ''" in reasons and "missing model name" in reasons
    assert "empty file" in reasons and any("truncated" in r for r in reasons)
    assert batch.read_count == len(recs) + len(reasons) == 2 + 8
