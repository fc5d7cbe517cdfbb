import json
from pathlib import Path

import pytest

from orchestration.sources import opus_mt


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(opus_mt)


def _hit(records, **where):
    mask = True
    for col, value in where.items():
        mask = mask & (records[col] == value)
    return records[mask]


def test_real_readmes_and_tsv(batch, snapshot_dir):
    records, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(records) + len(quarantine)
    assert 10_000 < len(records) < 12_000 and 6_500 < len(quarantine) < 7_500
    assert records.source_record_id.is_unique
    assert set(records.metric_raw) == {"BLEU", "chrf"} and records.higher_is_better.all()
    assert set(records.task_raw) == {"machine-translation"}
    assert len(opus_mt.snapshot_files(snapshot_dir)) == 1124  # 1,123 READMEs + the TSV
    # one release = one model version: snapshot_date and source_version come from the section's zip
    en_de = _hit(records, model_raw="Helsinki-NLP/opus-mt-en-de", dataset_raw="newstest2019", metric_raw="BLEU")
    assert sorted(zip(en_de.snapshot_date, en_de.source_version, en_de.value)) == [
        ("2019-12-04", "opus-2019-12-04.zip", 39.2), ("2019-12-18", "opus-2019-12-18.zip", 41.6),
        ("2020-02-26", "opus-2020-02-26.zip", 40.9),
    ]  # fmt: skip
    assert set(en_de.dataset_config) == {"en-de"}
    # chr-F is a fraction, left as found; cells with tabs parse
    chrf = _hit(records, model_raw="Helsinki-NLP/opus-mt-en-de", dataset_raw="Tatoeba", metric_raw="chrf",
                snapshot_date="2020-02-26")  # fmt: skip
    assert chrf.value.tolist() == [0.664]
    # release named with an underscore, and its #sent/#words/BP cells are not quality metrics
    de_sk = _hit(records, model_raw="Helsinki-NLP/opus-mt-de-sk")
    assert set(zip(de_sk.dataset_raw, de_sk.dataset_config, de_sk.source_version)) == {
        ("Europarl", "de-sk", "opus_transformer-align_2022-02-19.zip")}
    sk_bad = quarantine[quarantine.source_file == "opus_mt/models/de-sk/README.md"]
    assert sk_bad.reason.tolist() == ["not a quality metric"] * 3
    # the same zip listed twice in fr-de: the second section is quarantined, not loaded twice
    repeated = quarantine[quarantine.reason == opus_mt.REPEATED].source_file.value_counts()
    assert repeated["opus_mt/models/fr-de/README.md"] == 20 and repeated["opus_mt/" + opus_mt.TSV] == 276
    assert not records.duplicated(["model_raw", "dataset_raw", "dataset_config", "metric_raw", "source_version"]).any()
    # empty chr-F cells (de-fi goethe)
    assert (quarantine.reason == "missing value: ''").sum() == 2
    # test-set names lose language suffixes; "opus-test" and "tico19-test" keep their "-test"
    names = set(records.dataset_raw)
    assert {"newstest2015", "newstestB2017", "goethe-institute-test1", "opus-test", "tico19-test"} <= names
    assert not any("." in n or n.endswith(("-ende", "-engdeu")) for n in names)


def test_tatoeba_tsv(batch):
    records, quarantine = batch.records, batch.quarantine
    tsv = records[records.source_file == "opus_mt/" + opus_mt.TSV]
    assert 6_000 < len(tsv) < 7_246
    hit = _hit(tsv, model_raw="eng-deu_opus", dataset_raw="newstest2015")
    assert sorted(zip(hit.metric_raw, hit.value)) == [("BLEU", 32.0), ("chrf", 0.601)]
    assert set(hit.dataset_config) == {"en-de"}  # ISO 639-3 pair spelled like the READMEs'
    assert set(_hit(tsv, model_raw="aav-aav_opus").dataset_config) >= {"en-vi", "kha-vi"}
    reasons = quarantine[quarantine.source_file == "opus_mt/" + opus_mt.TSV].reason.value_counts()
    assert reasons["average over pairs, not an evaluation"] == 152
    assert reasons["not a quality metric"] == 2 * (3623 - 152 - reasons.filter(like="no single").sum())
    assert not tsv.model_raw.str.startswith("Helsinki-NLP/").any()


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(batch.records.model_raw) <= set(models.index)
    multi = models.loc["Helsinki-NLP/opus-mt-de+en+fi+fr+nl+sv-de+en+fi+fr+nl+sv"]
    assert "multilingual" in json.loads(multi.tags)
    en_de = models.loc["Helsinki-NLP/opus-mt-en-de"]
    assert en_de.release_date == "2019-12-04" and "latest opus-2020-02-26.zip" in en_de.card_text
    assert "multilingual" not in json.loads(en_de.tags)
    datasets = batch.datasets.set_index("dataset_raw")
    assert set(datasets.index) == set(batch.records.dataset_raw) and set(datasets.modality) == {"text"}


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    models = tmp_path / "opus_mt" / "models"
    for folder in ("xx-yy", "empty-pair", "zz-ww"):
        (models / folder).mkdir(parents=True)
    (models / "xx-yy" / "README.md").write_text(
        "| testset | BLEU | chr-F |\n|---|---|---|\n| before.xx.yy | 1.0 | 0.1 |\n\n"  # no release yet
        "# opus-2021-01-01.zip\n\n## Benchmarks\n\n| testset | BLEU | chr-F | score |\n|---|---|---|---|\n"
        "| news2020-xxyy.xx.yy \t| 20.5 \t| 0.45 | 3 |\n"
        "| Tatoeba.xx.yy | n/a | 0.5 | 1 |\n"
        "| broken | 1.0 |\n"  # truncated row
    )
    (models / "empty-pair" / "README.md").write_text("")
    (models / "zz-ww" / "README.md").write_bytes(b"\xff\xfe# not utf-8")
    (tmp_path / "opus_mt" / "work-tatoeba").mkdir()
    (tmp_path / "opus_mt" / opus_mt.TSV).write_text(
        "eng-deu/opus\teng-deu\tnewstest2019-ende-engdeu\t0.6\t30.1\t1.0\t100\n"
        "eng-deu/opus\tmulti-multi\tTatoeba-test\t0.5\t20.0\t1.0\t100\n"
        "eng-deu/opus\teng-deu\tTatoeba-test\tx\n"
        "eng-deu/opus\teng-deu\tnewstest2019-ende-engdeu\t0.7\t31.0\t1.0\t100\n"  # repeated, no date: first kept
    )
    batch = opus_mt.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    got = sorted(zip(batch.records.model_raw, batch.records.dataset_raw, batch.records.metric_raw,
                     batch.records.value))  # fmt: skip
    assert got == [
        ("Helsinki-NLP/opus-mt-xx-yy", "Tatoeba", "chrf", 0.5),
        ("Helsinki-NLP/opus-mt-xx-yy", "news2020", "BLEU", 20.5),
        ("Helsinki-NLP/opus-mt-xx-yy", "news2020", "chrf", 0.45),
        ("eng-deu_opus", "newstest2019", "BLEU", 30.1), ("eng-deu_opus", "newstest2019", "chrf", 0.6),
    ]  # fmt: skip
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("table outside any release section") == 2
    assert reasons.count("unrecognised column 'score'") == 2 and "missing value: 'n/a'" in reasons
    assert any("table row has 2 cells" in r for r in reasons) and "empty file" in reasons
    assert any(r.startswith("unreadable file: not UTF-8") for r in reasons)
    assert "average over pairs, not an evaluation" in reasons and any("truncated" in r for r in reasons)
    assert reasons.count("not a quality metric") == 4 and reasons.count(opus_mt.REPEATED) == 2
