import json
from pathlib import Path

import pytest

from orchestration.sources import automlbenchmark

HEADER = "acc,auc,fold,framework,id,info,logloss,task,version,type\n"


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(automlbenchmark)


def _group(batch, budget, framework, task, metric):
    r = batch.records
    hit = r[(r.dataset_config == budget) & (r.model_raw == framework) & (r.dataset_raw == task)]
    hit = hit[hit.metric_raw == metric]
    return hit.iloc[0] if len(hit) == 1 else None


def test_real_groups_reconcile_with_every_fold_cell(batch, snapshot_dir):
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    assert batch.records.source_record_id.is_unique
    # every fold row contributes its two task-type metrics (+1 stray auc on a multiclass task)
    fold_rows = sum(len(p.read_text().strip().splitlines()) - 1 for p in automlbenchmark._tables(snapshot_dir))
    cells = batch.records.value_raw.map(lambda s: len(json.loads(s))).sum()
    cells += batch.quarantine.excerpt.map(lambda s: len(json.loads(s))).sum()
    assert cells == 2 * fold_rows + 1
    assert (batch.quarantine.reason == "auc reported for a multiclass task").sum() == 1


def test_means_match_the_upstream_summary(batch):
    # tables/1h/result_summary.csv: autoweka on kc1 = 0.814135 (mean auc over 10 folds)
    assert _group(batch, "1h", "autoweka", "kc1", "auc").value == pytest.approx(0.814135, abs=1e-6)
    logloss = _group(batch, "1h", "tpot", "helena", "logloss")
    assert logloss.value == pytest.approx(3.24483, abs=1e-5) and not logloss.higher_is_better
    # a failed fold quarantines the group instead of averaging 9 folds (upstream imputes it)
    assert _group(batch, "1h", "autosklearn", "kc1", "auc") is None
    q = batch.quarantine[batch.quarantine.locator.str.startswith("autosklearn / kc1 / auc")]
    assert q.reason.str.contains("1 of 10 folds without a value: Error: found prediction probability").any()


def test_side_tables(batch):
    datasets = batch.datasets.set_index("dataset_raw")
    assert set(datasets.index) == set(batch.records.dataset_raw)
    assert datasets.description.str.contains("OpenML task openml.org/t/").all()
    assert "690 rows, 15 features, 2 classes" in datasets.loc["australian", "description"]
    assert "version=0.5.1" in json.loads(batch.models.set_index("model_raw").loc["autosklearn", "tags"])


def _rows(framework, task, task_type, values, metric="auc"):
    rows = []
    for fold, value in enumerate(values):
        cells = {"acc": "0.5", "auc": "", "logloss": "", metric: value}
        acc, auc, logloss = cells["acc"], cells["auc"], cells["logloss"]
        rows.append(f"{acc},{auc},{fold},{framework},t/1,,{logloss},{task},1.0,{task_type}\n")
    return "".join(rows)


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    tables = tmp_path / automlbenchmark.ROOT / "tables"
    for budget in ("1h", "4h", "8h"):
        (tables / budget).mkdir(parents=True)
    (tables / "1h" / "all_results.csv").write_text(
        HEADER
        + _rows("good", "adult", "binary", ["0.8", "0.9"])
        + _rows("bad", "adult", "binary", ["0.8", "N/A"])
        + "0.5,0.7,0,trunc,t/1"  # truncated line
    )
    (tables / "4h" / "all_results.csv").write_text("")
    # no logloss column at all: acc still loads for the multiclass task
    (tables / "8h" / "all_results.csv").write_text(
        "acc,fold,framework,id,info,task,type\n0.4,0,fw,t/2,,cars,multiclass\n0.6,1,fw,t/2,,cars,multiclass\n"
    )
    batch = automlbenchmark.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    loaded = {(r.dataset_config, r.model_raw, r.metric_raw): r.value for r in batch.records.itertuples()}
    assert loaded == {
        ("1h", "good", "acc"): 0.5, ("1h", "good", "auc"): pytest.approx(0.85),
        ("1h", "bad", "acc"): 0.5, ("8h", "fw", "acc"): 0.5,
    }  # fmt: skip
    reasons = " | ".join(batch.quarantine.reason)
    for expected in ("1 of 2 folds without a value", "truncated", "empty file"):
        assert expected in reasons
