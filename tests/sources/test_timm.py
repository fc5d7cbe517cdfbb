"""timm result CSVs, metadata CSV and model-index YAML."""

from orchestration.sources import timm


def test_full_read(snapshot_dir, snapshot_batch):
    batch = snapshot_batch(timm)
    recs = batch.records
    assert 24_000 < len(recs) < 27_000 and recs["source_record_id"].is_unique
    assert set(recs["metric_raw"]) - {"Top 1 Accuracy", "Top 5 Accuracy"} == {"top1", "top5"}  # no *_err
    assert {"imagenet", "imagenet-a-clean", "imagenetv2-matched-frequency", "sketch", "ImageNet"} <= set(
        recs["dataset_raw"])
    # a model at two test image sizes keeps both records (distinct ids)
    two = recs[(recs["model_raw"] == "convnext_atto.d2_in1k") & (recs["dataset_raw"] == "imagenet")
               & (recs["metric_raw"] == "top1")]
    assert sorted(two["value"]) == [75.672, 77.016]
    models = batch.models.set_index("model_raw")
    assert models.loc["eva_giant_patch14_336.clip_ft_in1k", "params"] == 1013.01e6  # "1,013.01" (millions)
    yaml_rec = recs[(recs["model_raw"] == "resnet18") & (recs["metric_raw"] == "Top 1 Accuracy")]
    assert yaml_rec[["value", "value_raw", "source_file"]].values.tolist() == [
        [69.74, "69.74%", "timm/model_index_yaml/resnet.yaml"]]
    assert "pretrain:in1k" in models.loc["resnet18", "tags"] and models.loc["resnet18", "params"] == 11_690_000
    assert not any("benchmark" in str(p) for p in timm.snapshot_files(snapshot_dir))


def test_bad_rows_and_files(tmp_path):
    results = tmp_path / "timm" / "results"
    (tmp_path / "timm" / "model_index_yaml").mkdir(parents=True)
    results.mkdir(parents=True, exist_ok=True)
    (results / "results-imagenet-r.csv").write_text(
        "model,img_size,top1,top1_err,top5,top5_err,param_count,crop_pct,interpolation\n"
        "good.a1_in1k,224,80.1,19.9,95.0,5.0,\"1,013.01\",0.9,bicubic\n"
        "bad.a1_in1k,224,n/a,,95.5,4.5,25.0,0.9,bicubic\n"
        ",224,70.0,30.0,90.0,10.0,5.0,0.9,bicubic\n"
        "cut.a1_in1k,224,71.0")
    (tmp_path / "timm" / "model_index_yaml" / "broken.yaml").write_text("Models: [\n")
    batch = timm.read(tmp_path)
    assert sorted(batch.records["value"]) == [80.1, 95.0, 95.5]
    assert batch.records["dataset_raw"].unique().tolist() == ["imagenet-r"]
    reasons = sorted(batch.quarantine["reason"])
    assert reasons[:3] == ["missing model", "missing model", "missing value: 'n/a'"]
    assert any(r.startswith("unreadable YAML file: timm/model_index_yaml/broken.yaml") for r in reasons)
    assert any(r.startswith("row has 3 fields, header has 9") for r in reasons)  # the truncated last line
    assert batch.read_count == len(batch.records) + len(reasons) == 3 + 5
    assert batch.models.set_index("model_raw").loc["good.a1_in1k", "params"] == 1013.01e6
