import json
from pathlib import Path

import pytest

from orchestration.sources import epoch_benchmarks as epoch


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(epoch)


def _one(records, **match):
    hit = records
    for column, value in match.items():
        hit = hit[hit[column] == value]
    assert len(hit) == 1, match
    return hit.iloc[0]


def test_real_snapshot_counts(batch, snapshot_dir):
    records, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(records) + len(quarantine)
    assert 5_000 < len(records) < 5_700 and 1_500 < len(quarantine) < 2_000
    assert records.source_record_id.is_unique
    assert set(records.snapshot_date) == {"2025-11-26"}
    assert records.dataset_raw.nunique() == 44 and records.task_raw.notna().all()
    # every external file is in the column table and every column of it is known (BOM stripped from "id")
    assert not quarantine.reason.str.contains("unrecognised|no entry|file not found|missing column").any()
    files = {p.name for p in epoch.snapshot_files(snapshot_dir)}
    assert len(files) == 41 and {"model_versions.csv", "benchmark_optim.csv", "distilled_models.csv"} <= files


def test_own_runs(batch):
    runs = batch.records[batch.records.dataset_raw.str.startswith("epoch/")]
    best = _one(runs, model_raw="gpt-5.1_medium", dataset_raw="epoch/GPQA diamond",
                metric_raw="best score (across scorers)")  # fmt: skip
    assert best.value == 0.85 and best.value_raw == "0.850" and best.higher_is_better
    choice = _one(runs, model_raw="gpt-5.1_medium", dataset_raw="epoch/GPQA diamond", metric_raw="choice")
    assert choice.value == 0.85 and choice.value_raw == "0.85±0.02"
    # three scorers packed in one cell
    math = runs[(runs.model_raw == "gpt-5-mini-2025-08-07_high") & (runs.dataset_raw == "epoch/MATH level 5")]
    assert dict(zip(math.metric_raw, math.value)) == {
        "best score (across scorers)": 0.978, "normalized_string_match": 0.89, "sympy_equiv": 0.92,
        "model_graded_equiv": 0.98,
    }  # fmt: skip
    # a scorer named twice in one cell: only the best score loads
    repeated = runs[(runs.model_raw == "claude-3-7-sonnet-20250219_64K") & (runs.dataset_raw == "epoch/GPQA diamond")]
    assert repeated.metric_raw.tolist() == ["best score (across scorers)"]
    assert batch.quarantine.reason.str.startswith("scorer 'choice' repeated").sum() == 10
    # a re-run supersedes the earlier run (started_at parsed): the November 2025 run of gemini-2.5-pro loads
    rerun = _one(runs, model_raw="gemini-2.5-pro", dataset_raw="epoch/FrontierMath-2025-02-28-Private",
                 metric_raw="best score (across scorers)")  # fmt: skip
    assert rerun.value == 0.121
    superseded = batch.quarantine[batch.quarantine.reason.str.startswith("superseded")]
    assert len(superseded) == 2 and superseded.reason.str.contains("started 2025-11-13T20:02").sum() == 1


def test_external_tables(batch):
    records, reasons = batch.records, batch.quarantine.reason
    arc = _one(records, model_raw="o4-mini-2025-04-16_medium", dataset_raw="ARC-AGI")
    assert arc.value == 42.0 and arc.value_raw == "42%" and arc.task_raw == "abstract-reasoning"
    distance = _one(records, model_raw="gemini-2.5-pro-preview-05-06", dataset_raw="GeoBench",
                    dataset_config="ACW; tools=None", metric_raw="median distance (km)")  # fmt: skip
    assert distance.value == 162.0 and not distance.higher_is_better
    chamfer = _one(records, model_raw="claude-3-5-haiku-20241022", metric_raw="average Chamfer distance (mm)")
    assert chamfer.value == 1.19 and not chamfer.higher_is_better
    assert set(records[~records.higher_is_better.fillna(True)].dataset_raw) == {"GeoBench", "CadEval"}
    long = _one(records, model_raw="o3-2025-04-16_medium", dataset_config="192k tokens")
    assert long.value == 58.1
    horizon = _one(records, model_raw="claude-3-5-sonnet-20240620", metric_raw="50% time horizon (minutes)")
    assert horizon.value == pytest.approx(18.21683)
    # the multi-line Notes of aider_polyglot keep its 68 rows whole: 63 mapped, 5 not mapped to a model version
    aider = records[records.metric_raw == "percent correct"]
    assert len(aider[aider.dataset_raw == "Aider polyglot"]) == 63
    unmapped = batch.quarantine[reasons == "not mapped to a model version"]
    assert len(unmapped) == 412 and unmapped.source_file.str.endswith("aider_polyglot.csv").sum() == 5
    # costs, standard errors, refusals ... are not records
    assert (reasons == "not a quality metric").sum() == 712
    assert not records.metric_raw.str.contains("cost|error|refusal|votes|CI", case=False).any()
    assert "shots=5" in set(records[records.dataset_raw == "MMLU"].dataset_config)


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(models.index) == set(batch.records.model_raw)
    o3 = models.loc["o3-2025-04-16_high"]
    assert {"effort=high", "variant_of=o3-2025-04-16"} <= set(json.loads(o3.tags)) and o3.release_date == "2025-04-16"
    assert "thinking_budget=16K" in json.loads(models.loc["claude-3-7-sonnet-20250219_16K", "tags"])
    falcon = models.loc["falcon-7b"]
    assert falcon.organization == "tiiuae" and "hf_id:tiiuae/falcon-7b" in json.loads(falcon.tags)
    assert "distilled=false" in json.loads(falcon.tags) and "Falcon 7B" in falcon.card_text
    datasets = batch.datasets.set_index("dataset_raw")
    assert datasets.index.is_unique and set(datasets.index) == set(batch.records.dataset_raw)
    assert datasets.loc["VideoMME", "modality"] == "video" and datasets.loc["GeoBench", "modality"] == "image"
    assert datasets.loc["GSM8K", "release_date"] == "2021-10-27" and json.loads(datasets.loc["GSM8K", "domains"]) == [
        "math"
    ]
    assert datasets.description.notna().all()


RUNS = (
    "\ufeffid,task,model,Best score (across scorers),Scores,log viewer,logs,job,started_at,Status,Manual evaluation,"
    "task version\n"
    "r1,GPQA diamond,model-a_high,0.500,choice:0.5±0.02,,,,1 March 2025 9:05am,Success,,1.0.0\n"
    "r2,GPQA diamond,model-a_high,0.400,choice:0.4±0.02,,,,not a date,Success,,1.0.0\n"
    "r3,MATH level 5,model-b,0.300,oops,,,,2 March 2025 1:00pm,Failed,,1.0.0\n"
    "r4,MATH level 5,model-b,,\"sympy_equiv:0.2±0.01,oops\",,,,2 March 2025 1:00pm,Success,,1.0.0\n"
    "r5,New task,model-c,0.1,x:0.1,,,,3 March 2025 1:00pm,Success\n"  # truncated
)
ARC = (
    "\ufeffid,Name,Model version,Score,Source,Source link,Notes,Brand new\n"
    'a1,Model A,model-a_high,55%,ARC Prize,https://arcprize.org,"two\nlines",x\n'
    "a2,Model B,,30%,ARC Prize,https://arcprize.org,,y\n"
    "a3,Model C,model-c,None,ARC Prize,https://arcprize.org,,\n"
)


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    data = tmp_path / epoch.FOLDER
    data.mkdir(parents=True)
    (data / epoch.RUNS).write_text(RUNS)
    (data / "external_benchmark_arc_agi.csv").write_text(ARC)
    (data / "external_benchmark_mmlu.csv").write_text("id,Name,Model version,Shots\nm1,X,model-x,5\n")
    (data / "external_benchmark_mystery.csv").write_text("id,Model version,Score\nz,model-z,1\n")
    (data / epoch.MODEL_VERSIONS).write_text("")
    batch = epoch.read(tmp_path)
    records, reasons = batch.records, batch.quarantine.reason.tolist()
    assert batch.read_count == len(records) + len(batch.quarantine)
    assert sorted(zip(records.dataset_raw, records.metric_raw, records.value)) == [
        ("ARC-AGI", "score", 55.0), ("epoch/GPQA diamond", "best score (across scorers)", 0.5),
        ("epoch/GPQA diamond", "choice", 0.5), ("epoch/MATH level 5", "sympy_equiv", 0.2),
    ]  # fmt: skip
    assert set(records.model_raw) == {"model-a_high", "model-b"}
    assert "superseded by a later run of the same task and model (r1, started 2025-03-01T09:05)" in reasons
    assert "run status 'Failed', not a successful run" in reasons
    assert "missing value: ''" in reasons and "missing value: 'None'" in reasons
    assert "cannot unpack Scores entry (expected scorer:value±stderr)" in reasons
    assert any("truncated" in r for r in reasons)
    assert "not mapped to a model version" in reasons and reasons.count("unrecognised column 'Brand new'") == 2
    assert "score column(s) missing: ['EM']" in reasons and "empty file" in reasons
    assert any(r.startswith("external benchmark file with no entry") for r in reasons)
    assert reasons.count("file not found") == len(epoch.EXTERNAL) - 2 + 2  # other externals, distilled, optim
    assert json.loads(batch.models.set_index("model_raw").loc["model-a_high", "tags"])[1] == "effort=high"
    assert epoch.read(tmp_path / "nowhere").read_count == len(epoch.EXTERNAL) + 4
