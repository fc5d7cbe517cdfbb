import gzip
import json
from pathlib import Path

import pytest

from orchestration.sources import spacy_models

EN = "spacy-dev/en/ClearNLP Constituent-to-Dependency Conversion; OntoNotes 5"


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(spacy_models)


def test_real_metas(batch, snapshot_dir):
    records, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(records) + len(quarantine)
    assert 1_400 < len(records) < 1_700 and 15_000 < len(quarantine) < 16_000
    assert records.source_record_id.is_unique and records.higher_is_better.all()
    assert len(spacy_models.snapshot_files(snapshot_dir)) == 1100
    # one version per pipeline is loaded: the latest (3.6.0a5 for the Serbian alphas)
    assert not records.duplicated(["model_raw", "metric_raw"]).any()
    assert set(records[records.model_raw == "spacy/sr_core_news_sm"].source_version) == {"3.6.0a5"}
    sm = records[records.model_raw == "spacy/en_core_web_sm"].set_index("metric_raw")
    assert set(sm.source_version) == {"3.8.0"} and set(sm.dataset_raw) == {EN}
    assert sm.loc["dep_uas", "value"] == pytest.approx(0.9176955214)  # v3 fraction, as found
    assert sm.loc["dep_uas", "task_raw"] == "dependency-parsing"
    assert sm.loc["ents_f", "task_raw"] == "token-classification"
    # sm / md / lg / trf trained on the same corpora share one list (vectors and roberta-base left out of the name)
    same_list = set(records[records.dataset_raw == EN].model_raw)
    assert {f"spacy/en_core_web_{s}" for s in ("sm", "md", "lg", "trf")} <= same_list
    # a v2-only pipeline keeps its percent values and the v2 keys renamed
    de = records[records.model_raw == "spacy/de_dep_news_sm"].set_index("metric_raw")
    assert set(de.index) == {"token_acc", "tag_acc", "dep_uas", "dep_las"} and de.loc["dep_uas", "value"] > 1
    assert set(records.metric_raw) & {"uas", "las", "tags_acc", "tok", "ner_f", "sent_f", "speed"} == set()
    reasons = quarantine.reason.value_counts()
    assert reasons["superseded by version 3.8.0"] > 13_000 and reasons["meta has no scores"] == 24
    assert reasons["per-label breakdown, not loaded"] == 2205  # one row per dict, not one per label
    assert reasons["score 0: component absent or not evaluated"] == 14
    assert not quarantine.locator.str.endswith(".speed").any()


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(models.index) == set(batch.records.model_raw)
    trf = models.loc["spacy/en_core_web_trf"]
    assert trf.base_model == "roberta-base" and "lang:en" in json.loads(trf.tags)
    assert "words/s on CPU" in models.loc["spacy/en_core_web_sm", "card_text"]
    datasets = batch.datasets.set_index("dataset_raw")
    assert set(datasets.index) == set(batch.records.dataset_raw) and set(datasets.modality) == {"text"}


def _meta(folder: Path, name: str, meta: dict) -> None:
    (folder / f"{name}.json.gz").write_bytes(gzip.compress(json.dumps(meta).encode()))


def test_versions_renames_and_bad_inputs(tmp_path: Path):
    folder = tmp_path / "spacy_models" / "meta"
    folder.mkdir(parents=True)
    base = {"lang": "xx", "name": "test_sm", "sources": [{"name": "Corpus A"}, {"name": "Some fastText Vectors"}]}
    _meta(folder, "xx_test_sm-3.10.0", {**base, "version": "3.10.0", "performance": {
        "dep_uas": 0.9, "tag_acc": "0.8", "ents_f": None, "speed": 1000.0, "new_score": 1.0,
        "ents_per_type": {"PER": {"p": 1, "r": 1, "f": 1}}, "lemma_acc": 0.0, "morph_acc": True}})
    _meta(folder, "xx_test_sm-3.3.0a0", {**base, "version": "3.3.0a0", "performance": {"dep_uas": 0.5}})
    _meta(folder, "xx_test_sm-3.9.0", {**base, "version": "3.9.0", "performance": {"dep_uas": 0.6}})
    _meta(folder, "xx_old_sm-2.0.0", {"lang": "xx", "name": "old_sm", "version": "2.0.0", "sources": ["Corpus B"],
                                      "accuracy": {"uas": 91.5, "tags_acc": 96.0}, "speed": {"cpu": 5000}})
    _meta(folder, "xx_empty-1.0.0", {"lang": "xx", "name": "empty", "version": "1.0.0"})
    _meta(folder, "xx_bad-1.0", {"lang": "xx", "name": "bad", "version": "not a version", "accuracy": {"uas": 1}})
    (folder / "xx_trunc-1.0.json.gz").write_bytes(gzip.compress(b'{"lang": "xx"')[:-5])
    (folder / "xx_list-1.0.json.gz").write_bytes(gzip.compress(b"[1, 2]"))
    batch = spacy_models.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    got = sorted(zip(batch.records.model_raw, batch.records.dataset_raw, batch.records.metric_raw, batch.records.value))
    assert got == [
        ("spacy/xx_old_sm", "spacy-dev/xx/Corpus B", "dep_uas", 91.5),
        ("spacy/xx_old_sm", "spacy-dev/xx/Corpus B", "tag_acc", 96.0),
        ("spacy/xx_test_sm", "spacy-dev/xx/Corpus A", "dep_uas", 0.9),
        ("spacy/xx_test_sm", "spacy-dev/xx/Corpus A", "tag_acc", 0.8),
    ]
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("superseded by version 3.10.0") == 2  # 3.3.0a0 and 3.9.0 < 3.10.0
    for expected in ("missing value", "unrecognised score key 'new_score'", "per-label breakdown, not loaded",
                     "score 0: component absent or not evaluated", "boolean is not a metric value: True",
                     "meta has no scores", "unparseable version 'not a version'",
                     "not a spaCy meta (no lang / name)"):
        assert expected in reasons
    assert any(r.startswith("truncated or corrupt gzip") for r in reasons)
    cards = batch.models.set_index("model_raw").card_text
    assert "5,000 words/s" in cards["spacy/xx_old_sm"] and "1,000 words/s" in cards["spacy/xx_test_sm"]


def test_odd_sources_and_components_are_read_not_raised(tmp_path: Path):
    folder = tmp_path / "spacy_models" / "meta"
    folder.mkdir(parents=True)
    _meta(folder, "xx_one-1.0.0", {"lang": "xx", "name": "one", "version": "1.0.0", "sources": "Corpus C",
                                   "pipeline": 7, "accuracy": {"uas": 90.0}})
    _meta(folder, "xx_two-1.0.0", {"lang": "xx", "name": "two", "version": "1.0.0", "sources": 7,
                                   "components": ["parser", 7], "accuracy": {"uas": 80.0}})
    batch = spacy_models.read(tmp_path)
    assert sorted(batch.records.dataset_raw) == ["spacy-dev/xx/Corpus C", "spacy-dev/xx/xx_two"]
    tags = batch.models.set_index("model_raw").tags
    assert json.loads(tags["spacy/xx_one"]) == ["lang:xx", "version:1.0.0"]
    assert json.loads(tags["spacy/xx_two"])[-1] == "component:parser"
