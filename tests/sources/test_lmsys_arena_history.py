import json
from pathlib import Path

import pytest

from orchestration.sources import lmsys_arena_history as lmsys


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(lmsys)


def test_real_leaderboard(batch):
    recs = batch.records
    assert 210 <= len(recs) <= 230 and len(batch.quarantine) == 0
    assert batch.read_count == len(recs) + len(batch.quarantine) and recs.source_record_id.is_unique
    assert set(recs.dataset_raw) == {"lmsys-chatbot-arena"} and set(recs.metric_raw) == {"arena_score"}
    assert recs.higher_is_better.all() and set(recs.snapshot_date) == {"2025-07-18"}
    top = recs[recs.model_raw == "Gemini-2.5-Pro"]
    assert top.value.tolist() == [1474.0]
    assert "Claude Opus 4 (thinking-16k)" in set(recs.model_raw)  # display names kept as found


def test_side_info_in_model_rows(batch):
    models = batch.models.set_index("model_raw")
    tags = {m: json.loads(t) for m, t in models.tags.items()}
    assert tags["Gemini-2.5-Pro"] == ["ci95:+5/-4", "votes:19209", "license:Proprietary"]  # packed CI unpacked
    assert "license:Proprietary" in tags["Claude 3.5 Haiku (20241022)"]  # the "Propretary" typo
    assert "license:Apache-2.0" in tags["Qwen3-32B"] and "license:Apache-2.0" in tags["Yi-1.5-34B-Chat"]
    assert "knowledge_cutoff:2024-07" in tags["Mistral-Large-2407"]
    assert "online" in tags["Gemini Advanced App (2024-05-14)"]
    assert models.organization["Grok-4-0709"] == "xAI"
    assert "rank 2 (style-control rank 3)" in models.card_text["Grok-4-0709"]


def test_helpers():
    assert lmsys.licence("Apache 2.0") == lmsys.licence("Apache-2.0") == "Apache-2.0"
    assert lmsys.licence("  ") is None and lmsys.licence("MIT") == "MIT"
    assert lmsys.knowledge_cutoff("2023/12") == "2023-12" and lmsys.knowledge_cutoff("2024/13") is None
    assert lmsys.knowledge_cutoff("Unknown") is None and lmsys.knowledge_cutoff("Online") is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / lmsys.SOURCE / lmsys.FILE
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return tmp_path


def test_bad_inputs_are_quarantined_not_fatal(tmp_path):
    root = _write(tmp_path, (
        "rank,rank_stylectrl,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
        "1,1,Model A,1300,+5/-4,100,Org,Apache 2.0,2024/7,http://a\n"
        "2,2,Model B,,?,x,Org,MIT,Unknown,\n"
        "3,3,,1200,+1/-1,5,Org,MIT,Unknown,\n"
        "4,4,Model C,12"))  # truncated line
    batch = lmsys.read(root)
    assert batch.records[["model_raw", "value"]].values.tolist() == [["Model A", 1300.0]]
    reasons = batch.quarantine.reason.tolist()
    assert "missing value: ''" in reasons and "missing model name" in reasons
    assert any("truncated" in r for r in reasons) and batch.read_count == 4
    assert json.loads(batch.models.tags[0]) == ["ci95:+5/-4", "votes:100", "license:Apache-2.0",
                                                "knowledge_cutoff:2024-07"]


def test_missing_or_wrong_file(tmp_path):
    assert lmsys.read(tmp_path).quarantine.reason.str.startswith("unreadable CSV").tolist() == [True]
    batch = lmsys.read(_write(tmp_path, "model,score\nA,1\n"))
    assert len(batch.records) == 0 and batch.quarantine.reason.tolist() == ["missing 'model' or 'arena_score' column"]
