import json
from pathlib import Path

import pandas as pd
import pytest

from orchestration.sources import gift_eval

HEADER = "dataset,model,eval_metrics/MSE[mean],eval_metrics/MASE[0.5],domain,num_variates\n"


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(gift_eval)


def test_real_results_reconcile(batch, snapshot_dir):
    records = batch.records
    assert batch.read_count == len(records) + len(batch.quarantine) > 120_000
    assert records.source_record_id.is_unique
    assert not records.higher_is_better.any()
    assert records.metric_raw.str.startswith("eval_metrics/").all()
    assert set(batch.quarantine.reason) == {"missing value: ''"}
    # model_raw is the results folder; the one folder with "all-results.csv" is read too
    assert set(records.model_raw) == {p.parent.name for p in snapshot_dir.glob("gift_eval/results/*/all*results.csv")}
    assert "Samay" in set(records.model_raw)
    hit = records[(records.model_raw == "tide") & (records.dataset_raw == "bitbrains_fast_storage/5T/short")]
    assert hit.set_index("metric_raw").loc["eval_metrics/MSE[mean]", "value"] == 2130000.0
    m4 = records[records.dataset_raw == "m4_hourly/H/short"]
    assert set(m4.dataset_config) == {"H/short"}


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique
    assert models.loc["tide", "organization"] == "Google Research"
    assert "testdata_leakage=No" in json.loads(models.loc["tide", "tags"])
    datasets = batch.datasets.set_index("dataset_raw")
    assert datasets.index.is_unique and set(datasets.index) == set(batch.records.dataset_raw)
    assert json.loads(datasets.loc["m4_hourly/H/short", "domains"]) == ["Econ/Fin"]
    assert "frequency H, short-term" in datasets.loc["m4_hourly/H/short", "description"]


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    results = tmp_path / "gift_eval" / "results"
    good, no_config, empty, no_csv = (results / n for n in ("good", "no_config", "empty", "no_csv"))
    for folder in (good, no_config, empty, no_csv):
        folder.mkdir(parents=True)
    (good / "all_results.csv").write_text(
        HEADER + "m4_hourly/H/short,Good,1.5,N/A,Econ/Fin,1\n" + "solar/10T/long,Good,2.5"  # truncated
    )
    (good / "config.json").write_text(json.dumps({"model": "Good", "org": "Lab", "testdata_leakage": "Yes"}))
    # a file without the MASE metric column: the other metric still loads
    (no_config / "all_results.csv").write_text("dataset,model,eval_metrics/MSE[mean]\nm4_hourly/H/short,X,3.0\n")
    (empty / "all_results.csv").write_text("")
    (empty / "config.json").write_text("{not json")
    batch = gift_eval.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine) == 2 + 4
    assert sorted(zip(batch.records.model_raw, batch.records.value)) == [("good", 1.5), ("no_config", 3.0)]
    reasons = " | ".join(batch.quarantine.reason)
    for expected in ("missing value: 'N/A'", "truncated", "empty file", "no all_results.csv"):
        assert expected in reasons
    models = batch.models.set_index("model_raw")
    assert "testdata_leakage=Yes" in json.loads(models.loc["good", "tags"])
    assert models.loc["good", "organization"] == "Lab"
    assert pd.isna(models.loc["no_config", "organization"]) and pd.isna(models.loc["no_config", "card_text"])
