import json

import pandas as pd
import pytest

from orchestration.sources import llmstats


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(llmstats)


def _one(recs, model, dataset, config=None):
    hit = recs[(recs.model_raw == model) & (recs.dataset_raw == dataset)]
    hit = hit[hit.dataset_config.isna()] if config is None else hit[hit.dataset_config == config]
    assert len(hit) == 1
    return hit.iloc[0]


def test_real_files(batch, snapshot_dir):
    recs = batch.records
    assert batch.read_count == len(recs) + len(batch.quarantine)
    assert 1600 < len(recs) < 1750 and batch.quarantine.empty and recs.source_record_id.is_unique
    assert len(llmstats.snapshot_files(snapshot_dir)) == len(batch.models) == 126
    assert recs.model_raw.str.fullmatch(r"[a-z0-9-]+/[a-z0-9.-]+").all()  # the folder path
    # spellings are kept as found; dbt aliases merge them
    variants = {"GSM8K", "GSM8k", "GSM-8K (CoT)", "TheroemQA", "TheoremQA", "LiveBench", "Livebench"}
    assert variants <= set(recs.dataset_raw)
    assert set(batch.datasets.dataset_raw) == set(recs.dataset_raw)
    assert _one(recs, "qwen/qwen3-32b", "Arena Hard").value == 0.938


def test_metric_follows_the_benchmark_scale(batch):
    recs = batch.records
    elo = _one(recs, "qwen/qwen3-32b", "CodeForces")
    assert (elo.metric_raw, elo.value, elo.higher_is_better) == ("elo", 1977, True)
    wer = _one(recs, "google/gemini-1.5-pro", "FLEURS")
    assert (wer.metric_raw, wer.value, wer.higher_is_better) == ("wer", 0.067, False)
    assert wer.task_raw == "speech recognition"
    assert not _one(recs, "qwen/qwen2.5-omni-7b", "Common Voice 15").higher_is_better
    inverse = _one(recs, "google/gemini-1.5-flash-8b", "FLEURS")
    assert (inverse.metric_raw, inverse.higher_is_better) == ("one_minus_wer", True)
    pct = _one(recs, "qwen/qwen3-235b-a22b", "MBPP")
    assert (pct.metric_raw, pct.value) == ("score_pct", 81.4)
    assert _one(recs, "nvidia/llama-3.1-nemotron-70b-instruct", "MT-Bench").metric_raw == "mt_bench_score"
    assert _one(recs, "deepseek/deepseek-v2.5", "MT-Bench").metric_raw == "score"  # 0.902: MT-Bench / 10
    assert set(recs[recs.higher_is_better.eq(False)].metric_raw) == {"wer"}
    assert (recs[recs.metric_raw == "score"].value.between(0, 1)).all()


def test_protocol_in_dataset_config(batch):
    recs = batch.records
    aime = recs[(recs.model_raw == "deepseek/deepseek-r1-distill-qwen-7b") & (recs.dataset_raw == "AIME 2024")]
    assert dict(zip(aime.dataset_config.fillna("-"), aime.value)) == {"-": 0.555, "cons@64": 0.833}
    assert llmstats.protocol("5 shot COT") == "5-shot CoT"
    assert llmstats.protocol("zero-shot evaluation") == "0-shot"
    assert llmstats.protocol("Maj@32 5-shot CoT") == "5-shot CoT maj@32"
    assert llmstats.protocol("0-shot Chain-of-Thought") == "0-shot CoT"
    assert llmstats.protocol("Pass@1") is None and llmstats.protocol("Diamond") is None
    assert llmstats.protocol(None) is None


def test_tasks():
    assert llmstats.task_of("MMMU (val)")[:2] == ("visual question answering", "image")
    assert llmstats.task_of("MMMLU")[0] == "knowledge QA"
    assert llmstats.task_of("HumanEval+")[:2] == ("code-generation", "text")
    assert llmstats.task_of("ARC-AGI")[0] == "general reasoning"
    assert llmstats.task_of("ARC-C")[0] == "commonsense reasoning"
    assert llmstats.task_of("Video-MME")[1] == "video" and llmstats.task_of("Something new")[0] == "text-generation"


def test_model_rows(batch):
    models = batch.models.set_index("model_raw")
    nemotron = models.loc["nvidia/llama-3.1-nemotron-70b-instruct"]
    assert "Llama 3.1 Nemotron 70B Instruct" in nemotron.card_text
    assert nemotron.base_model == "meta/llama-3.1-70b-instruct"  # resolved to its folder path
    assert (nemotron.params, nemotron.release_date, nemotron.organization) == (70e9, "2024-10-01", "nvidia")
    tags = json.loads(nemotron.tags)
    assert "hf_id:nvidia/Llama-3.1-Nemotron-70B-Instruct" in tags and "license:Llama 3.1 Community License" in tags
    assert "self_reported:0/18" in json.loads(models.loc["deepseek/deepseek-r1", "tags"])
    assert "canonical:openai/gpt-4o-2024-08-06" in json.loads(models.loc["openai/gpt-4o-2024-05-13", "tags"])


def test_bad_inputs_are_quarantined_not_fatal(tmp_path):
    folder = tmp_path / llmstats.FOLDER
    for name in ("good", "broken", "nolist"):
        (folder / "lab" / name).mkdir(parents=True)
    entries = [
        {"dataset_name": "MMLU", "score": 0.8, "analysis_method": "5-shot", "is_self_reported": True},
        {"dataset_name": "MMLU", "score": "n/a"},
        {"dataset_name": "HellaSwag", "score": True},
        {"dataset_name": "MMLU-Pro", "score": 5000},
        {"score": 0.5},
        "not an entry",
    ]
    (folder / "lab" / "good" / "model.json").write_text(json.dumps(
        {"name": "Good", "param_count": "7B?", "release_date": "soon", "qualitative_metrics": entries}))
    (folder / "lab" / "broken" / "model.json").write_text('{"name": "Broken", "qualitative_metrics": [')
    (folder / "lab" / "nolist" / "model.json").write_text(json.dumps({"name": "x", "qualitative_metrics": {}}))
    batch = llmstats.read(tmp_path)
    reasons = list(batch.quarantine.reason)
    assert batch.read_count == len(batch.records) + len(reasons) == 1 + 7
    assert batch.records[["model_raw", "dataset_config", "value"]].values.tolist() == [["lab/good", "5-shot", 0.8]]
    assert "missing value: 'n/a'" in reasons and "boolean is not a metric value: True" in reasons
    assert "score 5000 outside the benchmark's known scales" in reasons
    assert reasons.count("entry without a dataset_name") == 2
    assert any(r.startswith("not valid JSON") for r in reasons)
    assert "no qualitative_metrics list in the model file" in reasons
    good = batch.models.set_index("model_raw").loc["lab/good"]
    assert pd.isna(good.params) and pd.isna(good.release_date)
    assert json.loads(good.tags) == ["self_reported:1/5"]
