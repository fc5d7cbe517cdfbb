"""The tolerant reader family: what cannot be read becomes a quarantine row with its reason, never an exception."""

import gzip

from orchestration.sources.tables import markdown_tables, read_json, read_text, read_yaml


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
