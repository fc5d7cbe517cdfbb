"""Papers-with-Code evaluation tables (sota-extractor snapshot) and inline odd tables."""

import json

from orchestration.sources import pwc

TABLES = [{
    "task": "Speech", "categories": ["Speech"], "description": "",
    "datasets": [],
    "subtasks": [{
        "task": "Speech Recognition", "categories": [],
        "datasets": [{
            "dataset": "LibriSpeech", "description": "Read English speech.",
            "sota": {"metrics": ["WER"], "rows": [
                {"model_name": "Conformer", "paper_title": "Conformer", "paper_url": "u", "paper_date": "2020-05-16",
                 "metrics": {"WER": "1.9*", "Params": "118M"}},
                {"model_name": "", "metrics": {"WER": "2.1"}},
                "not a row",
            ]},
            "subdatasets": [{"subdataset": "test-other", "sota": {"rows": [
                {"model_name": "Conformer", "metrics": {"WER": 3.9, "CER": "-"}}]},
                "subdatasets": [{"subdataset": "noisy", "sota": {"rows": [
                    {"model_name": "Conformer", "metrics": {"WER": "\ufeff7.5"}}]}}]}],
        }],
        "subtasks": [],
    }],
}]


def test_parse_evaluation_tables_walks_nested_tables():
    records, datasets, quarantine = pwc.parse_evaluation_tables(TABLES, "t.json", "v")
    got = [(r["dataset_raw"], r["dataset_config"], r["task_raw"], r["metric_raw"], r["value_raw"], r["value"])
           for r in records]
    assert got == [("LibriSpeech", None, "Speech Recognition", "WER", "1.9*", 1.9),
                   ("LibriSpeech", "test-other", "Speech Recognition", "WER", "3.9", 3.9),
                   ("LibriSpeech", "test-other / noisy", "Speech Recognition", "WER", "\ufeff7.5", 7.5)]
    assert datasets == [{"dataset_raw": "LibriSpeech", "description": "Read English speech.",
                         "task_type": "Speech Recognition", "modality": "audio",
                         "release_date": "2020-05-16"}]  # category inherited; earliest paper date
    assert [q["reason"] for q in quarantine] == ["not a number: '118M'", "missing model",
                                                 "row without a metrics mapping", "missing value: '-'"]
    assert quarantine[2]["locator"] == "[0].subtasks[0].datasets[0].sota.rows[2]"
    (model,) = pwc.model_rows(records)
    assert model["release_date"] == "2020-05-16" and model["card_text"] == "Conformer. Paper: Conformer."
    assert pwc.parse_evaluation_tables({"task": "x"}, "t.json", "v")[2][0]["reason"] == "document is not a list of tasks"


def test_html_entities_in_names_are_decoded():
    tables = [{"task": "Speech Recognition", "categories": ["Speech"], "subtasks": [], "datasets": [
        {"dataset": "Switchboard &amp; CallHome", "sota": {"rows": [
            {"model_name": "CNN &amp; 7 recurrent layers", "metrics": {"WER": "8.0"}}]}}]}]
    (record,), _, _ = pwc.parse_evaluation_tables(tables, "t.json", "v")
    assert (record["model_raw"], record["dataset_raw"]) == ("CNN & 7 recurrent layers", "Switchboard & CallHome")


def test_full_read(snapshot_dir, snapshot_batch):
    batch = snapshot_batch(pwc)
    recs = batch.records
    assert batch.read_count == 6747 and 5_800 < len(recs) and recs["source_record_id"].is_unique
    semeval = recs[(recs["dataset_raw"] == "SemEval 2018") & recs["dataset_config"].notna()]
    assert {"General", "Medical domain", "Music domain"} <= set(semeval["dataset_config"])
    assert recs.loc[recs["value_raw"] == "87.58*", "value"].eq(87.58).all()
    assert batch.datasets["dataset_raw"].is_unique and batch.datasets["description"].notna().sum() > 100
    files = [p.name for p in pwc.snapshot_files(snapshot_dir)]
    assert "squad.json" in files and "synonyms.csv" not in files and "example_json_format.json" not in files


def test_unreadable_file_is_quarantined(tmp_path):
    tasks = tmp_path / "pwc_sota_extractor" / "data" / "tasks"
    tasks.mkdir(parents=True)
    (tasks / "bad.json").write_text('[{"task": "x", ')
    (tasks / "good.json").write_text(json.dumps(TABLES))
    batch = pwc.read(tmp_path)
    assert len(batch.records) == 3 and batch.quarantine["reason"].str.startswith("not valid JSON").sum() == 1


def test_wrong_types_become_problem_rows_not_errors():
    tables = [{"task": "T", "categories": "Speech", "datasets": 7, "subtasks": [{"task": "U", "datasets": [
        {"dataset": "D", "sota": {"rows": 7}, "subdatasets": 7}]}]}]
    records, datasets, quarantine = pwc.parse_evaluation_tables(tables, "t.json", "v")
    assert records == [] and [(q["locator"], q["reason"]) for q in quarantine] == [
        ("[0].datasets[0]", "dataset is not a mapping"),
        ("[0].subtasks[0].datasets[0].sota.rows[0]", "row without a metrics mapping"),
        ("[0].subtasks[0].datasets[0].subdatasets[0]", "dataset is not a mapping")]
    assert [(d["dataset_raw"], d["modality"]) for d in datasets] == [("D", "audio")]  # a lone category, inherited
