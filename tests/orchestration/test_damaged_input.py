"""A truncated source file: what can be read lands, the rest is quarantined, the run completes, and the
failing `inputs_readable` check is stored in the instance (what the UI shows) with the file and the reason."""

from dagster import AssetCheckKey, AssetKey, DagsterInstance

from orchestration.sources.landing import read_manifest

BOARD = "src/alpaca_eval/leaderboards/data_AlpacaEval/claude_leaderboard.csv"


def latest_evaluation(instance: DagsterInstance, asset: str):
    key = AssetCheckKey(AssetKey(asset), "inputs_readable")
    record = instance.event_log_storage.get_latest_asset_check_execution_by_key([key])[key]
    return record.event.dagster_event.event_specific_data


def test_truncated_file_is_quarantined_and_its_check_fails_with_the_reason(alpaca_home):
    snap, home = alpaca_home
    board = snap / "alpaca_eval" / BOARD
    text = board.read_text()
    board.write_text(text[: text.index("\n", len(text) // 2) + 12])  # cut inside a row
    from orchestration.definitions import defs

    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("ingest_job").execute_in_process(instance=instance, raise_on_error=False)
        assert result.success

        counts = read_manifest(home / "landing" / "alpaca_eval")["counts"]
        assert counts["loaded"] > 100 and counts["read"] == counts["loaded"] + counts["quarantined"]
        evaluation = latest_evaluation(instance, "raw_alpaca_eval")
        assert not evaluation.passed and evaluation.severity.value == "WARN"
        assert BOARD in evaluation.description and "truncated or malformed line" in evaluation.description
        assert evaluation.metadata["damaged_files"].value == 1
        assert latest_evaluation(instance, "raw_openmmlab").passed  # not selected: an empty landing is intact
