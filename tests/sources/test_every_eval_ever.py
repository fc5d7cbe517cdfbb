import json

import pandas as pd
import pytest

from orchestration.sources import every_eval_ever as eee


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(eee)


def test_full_read(batch):
    recs = batch.records  # reconciliation and id uniqueness: test_landing, for every connector
    assert 34000 < len(recs) < 35100 and batch.read_count == len(recs) + 693 + 160
    assert not recs.dataset_raw.str.lower().isin(eee.AGGREGATES).any()
    aggregates = batch.quarantine[batch.quarantine.reason == eee.AGGREGATE]  # quarantined, never silently skipped
    assert len(aggregates) == 693 and aggregates.excerpt.str.contains('"evaluation_name": "Mean win rate"').any()
    assert recs.higher_is_better.all() and recs.value.between(-0.05, 5).all()
    sentinel = batch.quarantine[batch.quarantine.reason.str.contains("HELM's marker")]
    assert len(sentinel) == 160 and sentinel.source_file.str.contains("/helm_").all()
    assert batch.models.model_raw.is_unique and set(recs.model_raw) == set(batch.models.model_raw)


def test_leaderboards_and_suites_stay_distinct(batch):
    recs = batch.records
    mmlu = recs[recs.dataset_raw == "MMLU"]
    assert set(mmlu.dataset_config) == {"helm_lite", "helm_classic"} and set(mmlu.metric_raw) == {"EM"}
    assert {"RewardBench - Safety", "RewardBench 2 - Safety", "MMLU - Anatomy", "MMLU All Subjects"} <= set(recs.dataset_raw)
    ifeval = recs[(recs.dataset_raw == "IFEval") & (recs.dataset_config == "HF Open LLM v2")]
    assert set(ifeval.metric_raw) == {"Accuracy"}
    assert set(recs[recs.dataset_raw == "WMT 2014"].metric_raw) == {"BLEU-4"}


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.loc["lemon07r/Gemma-2-Ataraxy-v2f-9B"].params == 10_159_000_000
    assert models.loc["lemon07r/Gemma-2-Ataraxy-v2f-9B"].organization == "lemon07r"
    desc = batch.datasets.set_index("dataset_raw").description
    assert desc["RewardBench - Chat"].startswith("Chat accuracy")


def _doc(**overrides):
    doc = {
        "schema_version": "0.2.0", "retrieved_timestamp": "1770834614.18",
        "source_metadata": {"source_name": "lb"}, "model_info": {"id": "org/m", "name": "m", "developer": "org"},
        "evaluation_results": [
            {"evaluation_name": "Perplexity", "source_data": {"dataset_name": "Perplexity"},
             "metric_config": {"evaluation_description": "PPL on Perplexity", "lower_is_better": True}, "score_details": {"score": 3.2}},
            {"evaluation_name": "QA", "source_data": {"dataset_name": "QA"},
             "metric_config": {"evaluation_description": "EM on QA", "lower_is_better": False}, "score_details": {"score": "N/A"}},
        ],
    }
    doc.update(overrides)
    return doc


def test_bad_documents_inline(tmp_path):
    root = tmp_path / eee.ROOT / "lb" / "org"
    root.mkdir(parents=True)
    (root / "good.json").write_text(json.dumps(_doc()))
    (root / "no_results.json").write_text(json.dumps({k: v for k, v in _doc().items() if k != "evaluation_results"}))
    (root / "broken.json").write_text("{not json")
    batch = eee.read(tmp_path)
    assert batch.read_count == 4
    rec = batch.records.iloc[0]
    assert (rec.model_raw, rec.metric_raw, rec.value, rec.higher_is_better) == ("org/m", "PPL", 3.2, False)
    assert rec.snapshot_date == "2026-02-11" and rec.dataset_config == "lb"
    reasons = sorted(batch.quarantine.reason)
    assert reasons[0] == "document without an evaluation_results list"
    assert reasons[1] == "missing value: 'N/A'" and reasons[2].startswith("not valid JSON")


def test_wrong_types_are_quarantined_or_ignored_not_raised(tmp_path):
    root = tmp_path / eee.ROOT / "lb" / "org"
    root.mkdir(parents=True)
    perplexity = _doc()["evaluation_results"][0]
    odd = [{**perplexity, "metric_config": 7}, {**perplexity, "source_data": 7, "evaluation_name": "A"},
           {**perplexity, "source_data": {"dataset_name": []}, "evaluation_name": "B"},
           {**perplexity, "metric_config": {"min_score": "0"}, "evaluation_name": "C", "score_details": {"score": -1}}]
    docs = {
        "odd_results": _doc(evaluation_results=odd),
        "odd_meta": _doc(source_metadata=7, retrieved_timestamp="1e20",
                         model_info={"id": "org/x", "additional_details": 7}),
        "odd_details": _doc(model_info={"id": "org/y", "additional_details": {"architecture": "a", "precision": 7}}),
        "list_id": _doc(model_info={"id": ["org/z"]}),
    }
    for name, doc in docs.items():
        (root / f"{name}.json").write_text(json.dumps(doc))
    batch = eee.read(tmp_path)
    assert batch.read_count == 9 and len(batch.records) == 5
    recs = batch.records.set_index("model_raw")
    assert sorted(recs.loc["org/m", "dataset_raw"]) == ["A", "B", "Perplexity"]  # odd_results
    odd_meta = recs.loc["org/x"]  # one Perplexity record: the folder names the leaderboard, no date
    assert odd_meta.dataset_config == "lb" and pd.isna(odd_meta.snapshot_date)
    reasons = set(batch.quarantine.reason)
    assert "document without model_info.id" in reasons and any("HELM's marker" in r for r in reasons)
    assert batch.models.set_index("model_raw").loc["org/y", "card_text"].endswith("a, 7")
