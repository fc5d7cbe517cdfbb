"""OpenMMLab model zoos: the twelve real repositories, plus hand-made ones with broken or odd metafiles."""

from orchestration.sources import openmmlab


def test_full_read(snapshot_dir, snapshot_batch):
    batch = snapshot_batch(openmmlab)
    recs = batch.records
    first_five = {f"open-mmlab/{r}" for r in ("mmpretrain", "mmpose", "mmaction2", "mmdetection3d", "mmocr")}
    assert 3_000 < recs["source_version"].isin(first_five).sum() < 3_800 and recs["source_record_id"].is_unique
    assert set(recs["source_version"]) == {r.version for r in openmmlab.REPOS.values()} and first_five <= set(
        recs["source_version"])
    assert batch.read_count == len(recs) + len(batch.quarantine)
    # Results given as a single mapping (mmaction2 clip4clip) still load
    clip = recs[recs["model_raw"].str.startswith("clip4clip_vit-base-p32") & (recs["metric_raw"] == "Recall@1")]
    assert clip["value"].tolist() == [43.1] and clip["task_raw"].tolist() == ["Video Retrieval"]
    # Top 5 Accuracy: null in a real metafile is quarantined, not invented
    assert "missing value" in set(batch.quarantine["reason"])
    side = batch.models.set_index("model_raw").loc["riformer-s12_in1k"]
    assert side["params"] == 11_915_000 and side["library"] == "mmpretrain" and "RIFormer" in side["card_text"]
    assert batch.datasets.set_index("dataset_raw").loc["ImageNet-1k", "task_type"] == "Image Classification"
    files = openmmlab.snapshot_files(snapshot_dir)
    assert snapshot_dir / "openmmlab/mmpretrain/configs/riformer/metafile.yml" in files
    assert not any("dataset_zoo" in str(f) for f in files)


def test_broken_import_is_quarantined_and_the_rest_loads(tmp_path):
    repo = tmp_path / "openmmlab" / "mmocr"
    (repo / "configs" / "dbnet").mkdir(parents=True)
    (repo / "model-index.yml").write_text("Import:\n- configs/dbnet/metafile.yml\n- configs/gone/metafile.yml\n")
    (repo / "configs" / "dbnet" / "metafile.yml").write_text(
        "Models:\n- Name: dbnet_r18\n  Results:\n  - Task: Text Detection\n    Dataset: ICDAR2015\n"
        "    Metrics: {hmean-iou: 0.8169, precision: '-'}\n")
    batch = openmmlab.read(tmp_path)
    assert batch.records[["model_raw", "metric_raw", "value"]].values.tolist() == [["dbnet_r18", "hmean-iou", 0.8169]]
    reasons = dict(zip(batch.quarantine["locator"], batch.quarantine["reason"]))
    assert reasons["Import[1]"] == "file not found: openmmlab/mmocr/configs/gone/metafile.yml"
    assert reasons["Models[0].Results[0].Metrics.precision"] == "missing value: '-'"
    assert "file not found: openmmlab/mmpose/model-index.yml" in set(batch.quarantine["reason"])


NEW_REPOS = {"mmagic": (800, 900), "mmdetection": (700, 800), "mmsegmentation": (1_100, 1_250),
             "mmfewshot": (300, 350), "mmyolo": (70, 90), "mmtracking": (100, 125), "mmrotate": (55, 65)}


def _value(recs, model, dataset, metric):
    hit = recs[(recs["model_raw"] == model) & (recs["dataset_raw"] == dataset) & (recs["metric_raw"] == metric)]
    return hit["value"].tolist()


def test_added_repositories(snapshot_dir, snapshot_batch):
    batch = snapshot_batch(openmmlab)
    recs, quar = batch.records, batch.quarantine
    repo = recs["source_file"].str.split("/").str[1]
    for name, (low, high) in NEW_REPOS.items():
        assert low < (repo == name).sum() < high, name
    assert batch.read_count == len(recs) + len(quar) and recs["source_record_id"].is_unique
    # one known value per repository (looked up in the metafiles)
    assert _value(recs, "restormer_official_gopro", "RealBlur-J", "PSNR (Y)") == [28.4356]  # `<br>PSNR/SSIM (Y)`
    assert _value(recs, "retinanet_r50_fpn_1x_objects365v1", "Objects365 v1", "box AP") == [14.8]  # bare-list file
    assert _value(recs, "ann_r50-d8_4xb2-40k_cityscapes-512x1024", "Cityscapes", "mIoU(ms+flip)") == [78.57]
    assert _value(recs, "proto-net_conv4_1xb105_mini-imagenet_5way-1shot", "Mini-ImageNet", "Accuracy") == [48.11]
    assert _value(recs, "yolov5_n-v61_syncbn_fast_8xb16-300e_coco", "COCO", "box AP") == [28.0]
    assert _value(recs, "siamese_rpn_r50_20e_lasot", "LaSOT", "Norm Precision") == [59.6]  # was `Norm precision`
    redet = recs[recs["model_raw"] == "redet_re50_refpn_3x_hrsc_le90"]  # mAP: 72.31/90.40/89.50
    assert redet[["metric_raw", "value"]].values.tolist() == [["mAP", 72.31], ["AP50", 90.4], ["AP75", 89.5]]
    assert redet["source_version"].unique().tolist() == ["open-mmlab/mmrotate@b030f38"]
    # direction: lower-is-better metrics say so, the rest is left unset
    l1 = recs[(recs["model_raw"] == "deepfillv1_4xb4_celeba-256x256") & (recs["metric_raw"] == "l1 error")]
    assert l1[["value", "higher_is_better"]].values.tolist() == [[6.677, False]]
    lower = set(recs.loc[recs["higher_is_better"] == False, "metric_raw"])
    assert {"FID", "FID50k", "MSE", "SAD", "CONN", "GRAD", "NIQE", "PI (Y)", "Robustness"} <= lower
    assert not lower & {"PSNR", "SSIM", "IS", "mAP", "Accuracy", "EAO"}
    assert recs.loc[recs["metric_raw"] == "PSNR", "higher_is_better"].isna().all()
    # hyper-parameters, `-` / `unknown` / comment datasets and `none` strings are quarantined, never loaded
    reasons = quar.groupby("reason").size()
    assert reasons["no dataset"] == 25 and reasons["unknown dataset"] == 1
    assert reasons["YAML comment in the Dataset field"] == 21 and reasons["missing value: 'none'"] == 2
    assert 120 < reasons["not a quality metric"] < 140
    sagan = quar[quar["locator"].str.startswith("Models[0].Results[0].Metrics.")
                 & quar["source_file"].str.endswith("sagan/metafile.yml")]
    assert dict(zip(sagan["locator"].str.rsplit(".", n=1).str[1], sagan["reason"])) == {
        "Iter": "not a quality metric", "Total Iters\\*": "not a quality metric",
        "dist_step": "not a quality metric"}
    assert not {"Iter", "Num Scales", "disc_step", "GPU Info", "Steps"} & set(recs["metric_raw"])
    assert not recs["dataset_raw"].str.contains(r"^[-#]|unknown|\]\(", regex=True).any()
    # P&R10k: {PSNR, SSIM} is mislabelled upstream: quarantined, not loaded as PSNR
    assert reasons["packed value whose part names do not match its metric name"] == 32
    # the noise level of a denoising result becomes its dataset config
    assert recs.loc[recs["model_raw"] == "restormer_official_dfwb-gray-sigma15", "dataset_config"].unique().tolist() \
        == ["sigma=15"]
    # spellings that differ only in case / punctuation are merged
    assert not {"Norm precision", "celeba-hq", "CelebA-HQ", "LSUN_CAT", "Composition-1K"} & (
        set(recs["metric_raw"]) | set(recs["dataset_raw"]))
    assert {"CelebAHQ", "LSUN-CAT", "Composition-1k"} <= set(recs["dataset_raw"])
    modality = batch.datasets.set_index("dataset_raw")["modality"]
    assert (modality["REDS4(BIx4)"], modality["Set5"], modality["LaSOT"], modality["HRSC2016"]) == (
        "video", "image", "video", "image")
    files = {p.relative_to(snapshot_dir).as_posix() for p in openmmlab.snapshot_files(snapshot_dir)}
    assert {"openmmlab/mmdetection/configs/objects365/metafile.yml",
            "openmmlab/mmsegmentation/configs/ann/metafile.yaml"} <= files
    assert not any(f.startswith(("openmmlab/mmrotate/configs/convnext", "openmmlab/mmrotate/configs/oriented_rep"))
                   for f in files)  # not imported by mmrotate's model-index, as upstream


def test_odd_metafiles(tmp_path):
    magic = tmp_path / "openmmlab" / "mmagic"
    (magic / "configs" / "x").mkdir(parents=True)
    (magic / "model-index.yml").write_text("Import: [configs/x/metafile.yml]\n")
    (magic / "configs" / "x" / "metafile.yml").write_text("""
Models:
- Name: m
  Results:
  - Dataset: '[fish.jpg](https://example.org/fish.jpg)'
    Task: Internal Learning
    Metrics: {FID: 3.5, Num Scales: 8.0, 'PSNR/SSIM': '30.1/0.85/7', 'P&R10k': {PSNR: 70.1, SSIM: 50.2}}
  - Dataset: Set5
    Task: Image Super-Resolution
    Metrics: {'Set14 <br>PSNR/SSIM (Y)': {PSNR: 28.1, SSIM: 0.77}, 'box AP': 40.1/60.2/43.3, MSE: [1, 2]}
  - Dataset: '-'
    Metrics: {PSNR: 20.0}
  - {Dataset: unknown, Metrics: {}}
  - Dataset: '# comment'
    Metrics: {PSNR: ''}
  - Dataset: Set5
    Metrics: {PSNR: none, SSIM: 0.9, mAP: 1.0/2.0/3.0}
""")
    det = tmp_path / "openmmlab" / "mmdetection" / "configs" / "o365"
    det.mkdir(parents=True)
    (det / "metafile.yml").write_text("- Name: d\n  Results:\n    Task: Object Detection\n    Dataset: coco\n"
                                      "    Metrics: {box AP: 14.8}\n- Name: e\n  Results: {Dataset: COCO, Metrics: "
                                      "{box AP: 20}}\n")
    (tmp_path / "openmmlab" / "mmrotate").mkdir(parents=True)
    (tmp_path / "openmmlab" / "mmrotate" / "model-index.yml").write_text("Import: [configs/a/metafile.yml\n")
    batch = openmmlab.read(tmp_path)
    recs = batch.records
    direction = recs["higher_is_better"].astype(object).where(recs["higher_is_better"].notna(), None)
    got = sorted(zip(recs["model_raw"], recs["dataset_raw"], recs["metric_raw"], recs["value"], direction))
    assert got == [("d", "COCO", "box AP", 14.8, None), ("e", "COCO", "box AP", 20.0, None),
                   ("m", "Set14", "PSNR (Y)", 28.1, None), ("m", "Set14", "SSIM (Y)", 0.77, None),
                   ("m", "Set5", "SSIM", 0.9, None), ("m", "Set5", "box AP", 40.1, None),
                   ("m", "Set5", "box AP50", 60.2, None), ("m", "Set5", "box AP75", 43.3, None),
                   ("m", "fish.jpg", "FID", 3.5, False)]
    reasons = dict(zip(batch.quarantine["locator"], batch.quarantine["reason"]))
    loc = "Models[0].Results"
    assert reasons[f"{loc}[0].Metrics.Num Scales"] == "not a quality metric"
    assert reasons[f"{loc}[0].Metrics.PSNR/SSIM[2]"] == "packed value without part names"
    assert reasons[f"{loc}[0].Metrics.P&R10k.SSIM"] == "packed value whose part names do not match its metric name"
    assert reasons[f"{loc}[1].Metrics.MSE"].startswith("not a number")
    assert reasons[f"{loc}[2].Metrics.PSNR"] == "no dataset"
    assert reasons[f"{loc}[3].Metrics"] == "unknown dataset"
    assert reasons[f"{loc}[4].Metrics.PSNR"] == "YAML comment in the Dataset field"
    assert reasons[f"{loc}[5].Metrics.PSNR"] == "missing value: 'none'"
    assert reasons[f"{loc}[5].Metrics.mAP[0]"].startswith("packed value does not fit AP/AP50/AP75")
    assert {"unreadable YAML file: openmmlab/mmrotate/model-index.yml",
            "file not found: openmmlab/mmtracking/model-index.yml"} <= set(batch.quarantine["reason"])
    # 21 mmagic cells + 2 mmdetection + 1 broken mmrotate index + 9 repositories without a model-index
    assert batch.read_count == len(recs) + len(batch.quarantine) == 33 and len(recs) == 9
