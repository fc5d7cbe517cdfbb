"""Hugging Face model cards: real cards from the snapshot plus hand-written bad ones."""

import gzip
import json

from orchestration.sources import hf_model_cards as hf

SAMPLE = "hf_model_cards/cs577/sample_readmes/project__model_cards___noArch__0x05a4_DeepRL-PPO-LLv2_README.md"
TEMPLATE = """---
language: en
tags: [generated_from_trainer]
model-index:
- name: my-template-model
  results: []
---
# my-template-model
"""


def test_real_card_with_error_bar_value(snapshot_dir):
    records, models, quarantine = hf.parse_card((snapshot_dir / SAMPLE).read_text(), "0x05a4/DeepRL-PPO-LLv2",
                                                "cards.jsonl.gz", "v")
    assert quarantine == []
    (rec,) = records
    assert (rec["model_raw"], rec["dataset_raw"], rec["metric_raw"]) == ("0x05a4/DeepRL-PPO-LLv2",
                                                                        "LunarLander-v2", "mean_reward")
    assert (rec["value"], rec["value_raw"]) == (286.26, "286.26 +/- 16.68")
    (model,) = models
    assert model["library"] == "stable-baselines3" and model["organization"] == "0x05a4"
    assert "deep-reinforcement-learning" in model["tags"] and model["card_text"]


def test_every_sample_readme_parses(snapshot_dir):
    total = 0
    for path in sorted(snapshot_dir.glob("hf_model_cards/*/sample_readmes/*.md")):
        records, models, quarantine = hf.parse_card(path.read_text(), path.stem, path.name, "v")
        assert len(models) == 1 and all(r["value"] == r["value"] for r in records)
        total += len(records) + len(quarantine)
    assert total > 200


def test_malformed_yaml_template_and_bad_values():
    bad_yaml = "---\nmodel-index:\n  - name: [unclosed\n---\nbody"
    records, models, quarantine = hf.parse_card(bad_yaml, "o/m", "f", "v")
    assert records == [] and models == [] and quarantine[0]["reason"].startswith("malformed YAML front matter")

    records, models, quarantine = hf.parse_card(TEMPLATE, "o/m", "f", "v")
    assert records == [] and [q["reason"] for q in quarantine] == ["card has no metrics"]
    assert models[0]["card_text"] == "# my-template-model"  # side info is kept for unbenchmarked models

    card = TEMPLATE.replace("results: []", """results:
  - task: {type: text-classification}
    dataset: {type: imdb, name: IMDB}
    metrics:
    - {type: accuracy, value: 0.93}
    - {type: f1, value: to recompute}""")
    records, _, quarantine = hf.parse_card(card, "o/m", "f", "v")
    assert [r["value"] for r in records] == [0.93]
    assert [q["reason"] for q in quarantine] == ["not a number: 'to recompute'"]


def test_ambiguous_flat_ids_are_resolved_from_the_model_index():
    assert hf.resolve_model_id("Amiri/2_frozen_lake_QL", ["2_frozen_lake_QL"]) == "Amiri/2_frozen_lake_QL"
    assert hf.resolve_model_id("my/org_some_model", ["some_model"]) == "my_org/some_model"
    assert hf.resolve_model_id("Amiri/1_land_on_the_moon_PPO", ["PPO"]) == "Amiri/1_land_on_the_moon_PPO"


def test_truncated_gzip_and_missing_collection(snapshot_dir, tmp_path):
    src = snapshot_dir / "hf_model_cards" / "saranscript" / "cards_with_model_index.jsonl.gz"
    dst = tmp_path / "hf_model_cards" / "cs577" / "cards_with_model_index.jsonl.gz"
    dst.parent.mkdir(parents=True)
    with gzip.open(src, "rb") as fh:
        data = b"".join(fh.readline() for _ in range(300)) + b'{"not json\n'
    whole = gzip.compress(data)
    dst.write_bytes(whole[: len(whole) * 2 // 3])
    batch = hf.read(tmp_path)
    reasons = batch.quarantine["reason"].tolist()
    assert len(batch.records) > 100 and batch.read_count == len(batch.records) + len(batch.quarantine)
    assert any(r.startswith("truncated or corrupt gzip") for r in reasons)
    assert any(r.startswith("file not found") for r in reasons)  # the absent saranscript collection


def test_full_read(snapshot_batch):
    batch = snapshot_batch(hf)
    recs = batch.records
    assert 19_000 < len(recs) < 24_000 and recs["source_record_id"].is_unique
    assert recs["value"].notna().all() and set(recs["source_version"]) == {v for v, _ in hf.COLLECTIONS.values()}
    reasons = batch.quarantine["reason"].value_counts()
    assert 4_000 < reasons["card has no metrics"] < 7_000
    assert batch.models["model_raw"].is_unique and batch.datasets["dataset_raw"].is_unique
    assert "Common Voice" in " ".join(batch.datasets["description"].dropna())


def test_card_lines_without_a_model_id_and_date_values(tmp_path):
    dated = TEMPLATE.replace("results: []", """results:
  - task: {type: text-classification}
    dataset: {type: imdb, name: IMDB}
    metrics:
    - {type: accuracy, value: 0.93}
    - {type: date, value: 2020-01-01}""")
    lines = [{"readme": TEMPLATE, "model_id_guess": None}, {"readme": TEMPLATE, "model_id_guess": ["o/m"]},
             {"readme": dated, "model_id_guess": "o/m"}]
    path = tmp_path / "hf_model_cards" / "saranscript" / "cards_with_model_index.jsonl.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode()))
    batch = hf.read(tmp_path)
    assert batch.records.value.tolist() == [0.93] and batch.models.model_raw.tolist() == ["o/m"]
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("card line without a model_id_guess") == 2 and "not a number: '2020-01-01'" in reasons
