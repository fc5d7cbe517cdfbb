"""Shared model-index parsing: both flavours, imports, value parsing and ids."""

from orchestration.sources.model_index import (
    Entry, dataset_rows, hf_entries, load_index, load_yaml, packed_header, parse_count, pwc_entries, pwc_model_rows,
    unpack,
)
from orchestration.sources.tables import Collector, IdMinter

HF_INDEX = load_yaml("""
- name: my-model
  results:
  - task: {type: automatic-speech-recognition, name: Speech Recognition}
    dataset: {type: mozilla-foundation/common_voice_11_0, name: Common Voice 11.0, config: fr, split: test}
    metrics:
    - {type: wer, value: 12.5, name: Test WER}
    - {type: cer, value: "286.26 +/- 16.68"}
  - task: {type: text-classification}
    dataset: {name: glue}          # no dataset.type: huggingface_hub rejects it, the lenient walk keeps it
    metrics:
    - {type: accuracy, value: 0.9}
    - just-a-string
""")


def rows(entries, ids=None):
    out = Collector("", "v", ids=ids, retrieved_at="t")
    out.add_entries(entries, "f")
    return out.records, out.quarantine


def test_hf_entries_strict_and_lenient():
    entries = hf_entries(HF_INDEX)
    records, quarantine = rows(entries)
    wer = records[0]
    assert (wer["dataset_raw"], wer["dataset_name"], wer["dataset_config"], wer["dataset_split"]) == (
        "mozilla-foundation/common_voice_11_0", "Common Voice 11.0", "fr", "test")
    assert (wer["task_raw"], wer["metric_raw"], wer["value"]) == ("automatic-speech-recognition", "wer", 12.5)
    assert records[1]["value"] == 286.26 and records[1]["value_raw"] == "286.26 +/- 16.68"
    assert (records[2]["dataset_raw"], records[2]["value"]) == ("glue", 0.9)
    assert [q["reason"] for q in quarantine] == ["metric is not a mapping"]
    assert quarantine[0]["locator"] == "model-index[0].results[1].metrics[1]"


def test_hf_entries_odd_shapes():
    assert hf_entries({"name": "x"}) == []  # a lone mapping is read as a one-item list
    assert hf_entries("oops")[0].problem == "model-index is not a list"
    _, q = rows(hf_entries([{"name": "m", "results": [{"dataset": {"type": "d"}, "metrics": [
        {"type": "acc", "value": "n/a"}, {"type": "None", "value": 1}]}]}]))
    assert [x["reason"] for x in q] == ["missing value: 'n/a'", "missing metric"]


def test_pwc_entries_and_model_rows():
    doc = load_yaml("""
Collections:
- Name: ResNet
  Metadata: {Training Data: ImageNet-1k, Architecture: [Residual Block]}
  Paper: {Title: Deep Residual Learning}
Models:
- Name: resnet50
  In Collection: ResNet
  Metadata: {FLOPs: 4100000000, Parameters: 25560000}
  Results:                       # a single mapping, as in some mmaction2 metafiles
    Task: Image Classification
    Dataset: ImageNet-1k
    Metrics: {Top 1 Accuracy: 76.55, Top 5 Accuracy: null}
- Name: broken
  Results: [{Task: Image Caption, Dataset: COCO, Metrics: null}]
""")
    records, quarantine = rows(pwc_entries(doc))
    assert [(r["model_raw"], r["dataset_raw"], r["metric_raw"], r["value"]) for r in records] == [
        ("resnet50", "ImageNet-1k", "Top 1 Accuracy", 76.55)]
    assert [q["reason"] for q in quarantine] == ["missing value", "result without a Metrics mapping"]
    (side, _) = pwc_model_rows([("f", doc)])
    assert side["params"] == 25560000
    assert "Collection: ResNet" in side["card_text"] and "Training data: ImageNet-1k" in side["card_text"]


def test_load_index_follows_imports_and_quarantines_broken_ones(tmp_path):
    (tmp_path / "configs" / "a").mkdir(parents=True)
    (tmp_path / "model-index.yml").write_text("Import:\n- configs/a/metafile.yml\n- configs/missing/metafile.yml\n"
                                              "- configs/a/bad.yml\n")
    (tmp_path / "configs" / "a" / "metafile.yml").write_text("Import: [../../model-index.yml]\nModels: []\n")
    (tmp_path / "configs" / "a" / "bad.yml").write_text("Models: [unclosed\n")
    docs, quarantine = load_index(tmp_path / "model-index.yml", tmp_path)
    assert [rel for rel, _ in docs] == ["model-index.yml", "configs/a/metafile.yml"]  # the cycle is read once
    assert [(q["locator"], q["reason"]) for q in quarantine] == [
        ("Import[1]", "file not found: configs/missing/metafile.yml"),
        ("Import[2]", "unreadable YAML file: configs/a/bad.yml")]


def test_ids_are_stable_and_unique():
    entries = hf_entries([{"name": "m", "results": [{"dataset": {"type": "d"}, "task": {"type": "t"},
                                                     "metrics": [{"type": "acc", "value": 1}] * 2}]}])
    first, second = rows(entries)[0], rows(entries)[0]
    assert [r["source_record_id"] for r in first] == [r["source_record_id"] for r in second]
    assert len({r["source_record_id"] for r in first}) == 2
    shared = IdMinter()
    assert rows(entries[:1], ids=shared)[0][0]["source_record_id"] != rows(entries[:1], ids=shared)[0][0][
        "source_record_id"]


def test_parse_count_and_dataset_rows():
    assert (parse_count(11690000), parse_count("25.6M"), parse_count("1.2 G"), parse_count("Base")) == (
        11690000.0, 25.6e6, 1.2e9, None)
    recs = [{"dataset_raw": "d", "task_raw": None}, {"dataset_raw": "d", "task_raw": "t", "dataset_name": "D"}]
    assert dataset_rows(recs, modality="image") == [
        {"dataset_raw": "d", "description": "D", "modality": "image", "task_type": "t"}]


def test_packed_values_are_unpacked_only_when_their_parts_are_named():
    def parts(metric, value):
        return [(e.dataset, e.metric, e.value, e.problem) for e in unpack(Entry("m", "D", metric, value, "loc"))]

    assert packed_header("RealBlur-J <br>PSNR/SSIM (Y)") == ("RealBlur-J", "PSNR/SSIM (Y)", ["PSNR", "SSIM"], "(Y)")
    assert packed_header("PSNR/<br/>SSIM") == (None, "PSNR/SSIM", ["PSNR", "SSIM"], "")
    assert parts("PSNR/SSIM (RGB)", {"PSNR": 32.9, "SSIM": 0.95}) == [
        ("D", "PSNR (RGB)", 32.9, None), ("D", "SSIM (RGB)", 0.95, None)]
    assert parts("RealBlur-J <br>PSNR/SSIM (Y)", {"SSIM": 0.87, "PSNR": 28.4}) == [
        ("RealBlur-J", "SSIM (Y)", 0.87, None), ("RealBlur-J", "PSNR (Y)", 28.4, None)]
    assert {p[3] for p in parts("P&R10k", {"PSNR": 75.9, "SSIM": 51.2})} == {
        "packed value whose part names do not match its metric name"}
    assert parts("box AP/AP50", "37.0 / 57.8") == [("D", "box AP", "37.0", None), ("D", "AP50", "57.8", None)]
    assert parts("mAP", "72.31/90.40/89.50") == [
        ("D", "mAP", "72.31", None), ("D", "AP50", "90.40", None), ("D", "AP75", "89.50", None)]
    assert parts("mask AP", "30/50/40")[1][1] == "mask AP50"
    assert {p[3] for p in parts("mAP", "72.31/89.50/90.40")} == {
        "packed value does not fit AP/AP50/AP75 (AP50 is not the largest)"}
    assert {p[3] for p in parts("PSNR", "30.1/0.85")} == {"packed value without part names"}
    assert parts("mAP", "72.3") == [("D", "mAP", "72.3", None)]  # not packed: left to parse_value


def test_bare_list_and_empty_metrics(tmp_path):
    (tmp_path / "metafile.yml").write_text("- Name: a\n  Results: [{Task: T, Dataset: D, Metrics: {}}]\n"
                                           "- Name: b\n  Results: {Task: T, Dataset: D, Metrics: {AP: 1.5}}\n")
    (tmp_path / "scalar.yml").write_text("just text\n")
    docs, quarantine = load_index(tmp_path / "metafile.yml", tmp_path)
    records, problems = rows(pwc_entries(docs[0][1]))
    assert [(r["model_raw"], r["metric_raw"], r["value"]) for r in records] == [("b", "AP", 1.5)]
    assert [(q["locator"], q["reason"]) for q in problems] == [("Models[0].Results[0].Metrics",
                                                                 "result without metric values")]
    assert quarantine == [] and [q["reason"] for q in load_index(tmp_path / "scalar.yml", tmp_path)[1]] == [
        "model-index file is not a mapping"]


def test_unusable_import_path_and_date_values(tmp_path):
    (tmp_path / "model-index.yml").write_text('Import:\n- "configs/a\\x00b.yml"\nModels:\n- Name: m\n  Results:\n'
                                              "  - {Task: T, Dataset: D, Metrics: {AP: 1.5, Date: 2020-01-01}}\n")
    docs, quarantine = load_index(tmp_path / "model-index.yml", tmp_path)
    assert [rel for rel, _ in docs] == ["model-index.yml"]
    assert quarantine[0]["reason"].startswith("unreadable YAML file: configs/a")
    records, problems = rows(pwc_entries(docs[0][1]))
    assert [r["value"] for r in records] == [1.5] and [p["reason"] for p in problems] == ["not a number: '2020-01-01'"]
