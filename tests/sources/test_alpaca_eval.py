from pathlib import Path

import pytest

from orchestration.sources import alpaca_eval


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(alpaca_eval)


def test_real_leaderboards(batch, snapshot_dir):
    records = batch.records
    assert batch.read_count == len(records) + len(batch.quarantine)
    assert records.source_record_id.is_unique
    assert set(records.dataset_raw) == {"AlpacaEval", "AlpacaEval 2"}
    assert set(records.metric_raw) == alpaca_eval.QUALITY and records.higher_is_better.all()
    hit = records[
        (records.model_raw == "gpt4_1106_preview")
        & (records.dataset_config == "alpaca_eval_gpt4")
        & (records.metric_raw == "win_rate")
    ]
    assert hit.value.tolist() == [pytest.approx(97.69900497512438)]
    assert "weighted_alpaca_eval_gpt4_turbo" in set(records[records.dataset_raw == "AlpacaEval 2"].dataset_config)
    # avg_length is never dropped silently: one quarantined cell per row of a file that has the column
    not_quality = batch.quarantine[batch.quarantine.reason == "not a quality metric"]
    assert len(not_quality) > 350 and len(set(records.model_raw)) == len(batch.models)
    files = {p.name for p in alpaca_eval.snapshot_files(snapshot_dir)}
    assert "evaluators_leaderboard.csv" not in files and len(files) == 9


def test_per_instruction_aggregate_matches_leaderboard(batch, snapshot_dir):
    rates = alpaca_eval.per_instruction_win_rates(snapshot_dir)
    rates = rates[rates.annotator_config == "alpaca_eval_gpt4"].set_index("model_dir").win_rate
    records = batch.records
    board = records[(records.dataset_config == "alpaca_eval_gpt4") & (records.metric_raw == "win_rate")]
    board = board.set_index("model_raw").value
    common = rates.index.intersection(board.index)
    assert len(common) > 40
    assert (rates[common] - board[common]).abs().max() < 1e-9


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    folder = tmp_path / alpaca_eval.FOLDER / alpaca_eval.LEADERBOARDS / "data_AlpacaEval_2"
    folder.mkdir(parents=True)
    (folder / "judge_x_leaderboard.csv").write_text(
        ",win_rate,standard_error,avg_length,new_score\n"  # no length_controlled_winrate column
        "model-a,55.5,1.2,1500,3\n"
        "model-b,N/A,1.3,1200,4\n"
        "model-c,40"  # truncated
    )
    (folder / "empty_leaderboard.csv").write_text("")
    batch = alpaca_eval.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    assert batch.records[["model_raw", "dataset_raw", "dataset_config", "value"]].values.tolist() == [
        ["model-a", "AlpacaEval 2", "judge_x", 55.5]
    ]
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("not a quality metric") == 2 and reasons.count("unrecognised column 'new_score'") == 2
    assert "missing value: 'N/A'" in reasons and "empty file" in reasons
    assert any("truncated" in r for r in reasons)
