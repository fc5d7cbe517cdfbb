import json

import pandas as pd
import pytest

from orchestration.sources import open_llm_v1 as v1
from orchestration.sources import open_llm_v1_final as final

HEADER = ("t,model,average,arc,hellaswag,mmlu,truthfulqa,gsm8k,type,architecture,weight_type,precision,merged,"
          "hub_license,params_b,hub_hearts,available_on_the_hub,model_sha,flagged,moe,date,fullname,url\n")


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(final)


def test_full_read(batch):
    recs, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(recs) + len(quarantine) == 7169 * 6
    assert 42_000 < len(recs) < 43_000 and recs.source_record_id.is_unique
    assert set(quarantine.reason) == {final.FAILED_RUN} and len(quarantine) == 582
    assert (recs.snapshot_date == "2024-07-13").all() and recs.higher_is_better.all()
    assert recs.model_raw.nunique() == len(batch.models) == 6811
    # the four shared benchmarks land exactly where open_llm_v1 puts them (dataset, config, metric)
    for bench, (metric, _, shots) in v1.BENCHMARKS.items():
        assert set(zip(recs[recs.dataset_raw == bench].dataset_config, recs[recs.dataset_raw == bench].metric_raw)) \
            == {(shots, metric)}
    assert set(recs.dataset_raw) == set(v1.BENCHMARKS) | {"Winogrande", "GSM8K"}  # no average
    assert set(batch.datasets.dataset_raw) == set(recs.dataset_raw)


def test_known_row_and_repeated_model(batch):
    recs = batch.records
    mixtral = recs[recs.model_raw == "mistralai/Mixtral-8x7B-v0.1"]
    assert len(mixtral) == 18 and mixtral.source_version.nunique() == 3  # float16, bfloat16 and 4bit rows
    top = mixtral[mixtral.source_version == mixtral.source_version.max()]  # the row dbt's dedup keeps
    assert top.source_version.iloc[0].startswith(f"{final.SOURCE_VERSION}/float16/58301445")
    assert dict(zip(top.dataset_raw, top.value)) == {"ARC": 66.38, "HellaSwag": 86.46, "MMLU": 71.88,
                                                     "TruthfulQA": 46.81, "Winogrande": 81.69, "GSM8K": 57.62}
    assert set(top.task_raw) == {"commonsense reasoning", "knowledge QA", "factuality", "math word problems"}


def test_failed_gsm8k_only_drops_that_cell(batch):
    recs = batch.records
    failed = recs[recs.model_raw == "DrNicefellow/Mistral-3-from-Mixtral-8x7B-v0.1"]
    assert sorted(failed.dataset_raw) == sorted(["ARC", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande"])
    assert (recs[recs.dataset_raw == "GSM8K"].value > 0).all()


def test_model_rows_read_inverted_flags(batch):
    models = batch.models.set_index("model_raw")

    def tags(model):
        return json.loads(models.loc[model, "tags"])

    assert "moe" in tags("mistralai/Mixtral-8x7B-v0.1") and "moe" not in tags("meta-llama/Llama-2-7b-hf")
    assert "merged" in tags("paloalma/Le_Triomphant-ECE-TW3") and "type:merge" in tags("paloalma/Le_Triomphant-ECE-TW3")
    assert "merged" not in tags("meta-llama/Llama-2-7b-hf")
    assert "flagged" in tags("Contamination/contaminated_proof_7b_v1.0")
    assert "flagged" not in tags("meta-llama/Llama-2-7b-hf")
    # `?` type and params_b 0: unknown, not "0 parameters"
    assert not any(t.startswith("type:") for t in tags("Qwen/Qwen2-0.5B"))
    assert pd.isna(models.loc["Qwen/Qwen2-0.5B", "params"])
    assert models.loc["meta-llama/Llama-2-7b-hf", "params"] == 6e9  # the 4bit row's 0 is ignored
    assert models.loc["meta-llama/Llama-2-7b-hf", "organization"] == "meta-llama"


def test_bad_inputs_are_quarantined_not_fatal(tmp_path):
    path = tmp_path / final.CSV
    path.parent.mkdir(parents=True)
    path.write_text(
        HEADER  # no winogrande column
        + "🔶,a/x,50,40,60,N/A,45,0,🔶 fine-tuned,LlamaForCausalLM,Original,float16,TRUE,mit,7,1,TRUE,s1,TRUE,TRUE,,"
        + "a/x,u\n"
        + "?,a/x,50,41,61,51,46,12.5,,?,Original,bfloat16,TRUE,,0,1,TRUE,s1,TRUE,TRUE,,a/x,u\n"
        + "🟢,,50,1,2,3,4,5,🟢 pretrained,?,Original,float16,TRUE,,0,0,TRUE,s2,TRUE,TRUE,,,u\n"
        + "🟢,b/y,50,1,2"  # truncated
    )
    batch = final.read(tmp_path)
    recs, reasons = batch.records, list(batch.quarantine.reason)
    assert batch.read_count == len(recs) + len(reasons) == 8 + 9
    assert len(recs) == 8 and recs.source_record_id.is_unique and set(recs.model_raw) == {"a/x"}
    assert recs.source_version.nunique() == 2  # same model and sha, two precisions
    assert reasons.count("missing model name (fullname)") == 5
    assert {final.FAILED_RUN, "missing value: 'N/A'", "no column 'winogrande' for Winogrande"} <= set(reasons)
    assert any("truncated" in r for r in reasons)
    assert recs[recs.dataset_raw == "GSM8K"].value.tolist() == [12.5]
    assert json.loads(batch.models.set_index("model_raw").loc["a/x", "tags"])[:1] == ["type:fine-tuned"]


def test_missing_file(tmp_path):
    batch = final.read(tmp_path)
    assert batch.records.empty and batch.read_count == 1
    assert batch.quarantine.reason.iloc[0].startswith("unreadable CSV")
