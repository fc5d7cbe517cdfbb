"""The tolerant reader family: what cannot be read becomes a quarantine row with its reason, never an exception."""

import gzip

import pandas as pd

from orchestration.sources.records import record_id
from orchestration.sources.tables import (
    Collector, markdown_tables, read_csv_bytes, read_csv_rows, read_json, read_text, read_yaml,
)


def test_gzip_bom_and_damage(tmp_path):
    good = tmp_path / "meta.json.gz"
    good.write_bytes(gzip.compress('\ufeff{"lang": "en"}'.encode()))
    (tmp_path / "cut.json.gz").write_bytes(gzip.compress(b'{"lang": "en", "accuracy": {"tag": 97.1}}')[:-12])
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "bad.yml").write_text("Models: [a, b\n")
    assert read_text(good, "g") == ('{"lang": "en"}', [])
    assert read_json(good, "g") == ({"lang": "en"}, [])
    reasons = {name: read(tmp_path / name, name)[1][0]["reason"] for name, read in (
        ("cut.json.gz", read_json), ("empty.json", read_json), ("missing.json", read_json), ("bad.yml", read_yaml))}
    assert reasons["cut.json.gz"].startswith("truncated or corrupt gzip")
    assert reasons["empty.json"] == "empty file" and reasons["missing.json"].startswith("file not found")
    assert reasons["bad.yml"].startswith("malformed YAML")


def test_markdown_tables_with_tabs_and_a_short_row():
    text = ("# opus-2020-02-26.zip\n\n| testset | BLEU | chr-F |\n|---------|------|-------|\n"
            "| newstest2019-ende.en.de \t| 39.2 \t| 0.638 |\n| Tatoeba.en.de | 45.1 |\n\nprose | with a pipe\n")
    tables, bad = markdown_tables(text, "README.md")
    assert tables == [(3, ["testset", "BLEU", "chr-F"],
                       [(5, {"testset": "newstest2019-ende.en.de", "BLEU": "39.2", "chr-F": "0.638"})])]
    assert [(b["locator"], b["reason"]) for b in bad] == [("line 6", "table row has 2 cells, header has 3 (malformed row)")]


def test_csv_header_naming_a_column_twice(tmp_path):
    (tmp_path / "t.csv").write_text("model,score,score\na,1,2\n")
    reason = "malformed CSV header: repeated column names ['score']"
    assert read_csv_rows(tmp_path / "t.csv", "t.csv")[2][0]["reason"] == reason
    frame, bad = read_csv_bytes(b"model,score,score\na,1,2\n", "t.csv")
    assert frame.empty and [b["reason"] for b in bad] == [reason]


def test_add_frame_gives_the_records_and_ids_of_add():
    frame = pd.DataFrame({"model_raw": ["a", "b", "b", "c"], "value_raw": ["1", "n/a", "2", "3"], "line": [2, 3, 4, 5]})
    vectorised, rows = Collector("s", "v", retrieved_at="t"), Collector("s", "v", retrieved_at="t")
    for out in (vectorised, rows):
        out.add("f", "x", "9", ("a",))  # minted before the frame: the frame's "a" repeats it
    loaded = vectorised.add_frame(frame, "f", ["model_raw"], locator="line {line}", context="{model_raw}: {value_raw}")
    for r in frame.itertuples():
        rows.add("f", f"line {r.line}", r.value_raw, (r.model_raw,), context=f"{r.model_raw}: {r.value_raw}",
                 model_raw=r.model_raw)
    assert len(loaded) == 3 and vectorised.quarantine == rows.quarantine
    columns = ["source_record_id", "model_raw", "value_raw", "value", "source_file", "source_version"]
    assert vectorised.batch().records[columns].equals(rows.batch().records[columns])


def test_add_frame_numbers_repeated_keys_among_the_loaded_rows():
    frame = pd.DataFrame({"model_raw": ["a", "a", "a"], "value_raw": ["n/a", "1", "2"], "line": [2, 3, 4]})
    out = Collector("s")
    loaded = out.add_frame(frame, "f", ["model_raw"], number_repeats=True, locator="line {line}", context="{value_raw}")
    assert loaded["source_record_id"].tolist() == [record_id("f", "a", 0), record_id("f", "a", 1)]
    assert [(q["locator"], q["reason"]) for q in out.quarantine] == [("line 2", "missing value: 'n/a'")]
