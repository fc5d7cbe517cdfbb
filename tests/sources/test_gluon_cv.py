import json
from pathlib import Path

import pytest

from orchestration.sources import gluon_cv

TASKS = {"image-classification", "object-detection", "semantic-segmentation", "instance-segmentation",
         "pose-estimation", "action-recognition", "depth-estimation", "visual-odometry"}


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(gluon_cv)


def _values(records, model, **where) -> dict:
    hit = records[records.model_raw == model]
    for column, value in where.items():
        hit = hit[hit[column] == value]
    return dict(zip(zip(hit.dataset_config.fillna(""), hit.metric_raw), hit.value))


def test_real_tables(batch, snapshot_dir):
    records, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(records) + len(quarantine)
    assert 480 <= len(records) <= 560 and 10 <= len(quarantine) <= 25
    assert records.source_record_id.is_unique
    assert len(gluon_cv.snapshot_files(snapshot_dir)) == 37
    assert set(records.task_raw) == TASKS
    assert set(records[records.task_raw == "object-detection"].dataset_raw) == {"MSCOCO", "Pascal"}
    # Classifications/ResNet.csv: "ResNet18_v1 [1]_,70.93,89.92,a0666292,..." (header "Training Log " stripped)
    assert _values(records, "ResNet18_v1") == {("", "Top-1"): 70.93, ("", "Top-5"): 89.92}
    assert records[records.model_raw == "ResNet18_v1"].dataset_raw.unique().tolist() == ["ImageNet"]
    # no RST markup is left in a model name; int8 names lose their "*"
    assert not records.model_raw.str.contains(r"\[|\]_|`|:|\*| ").any()
    assert {"SE_ResNext50_32x4d", "darknet53", "ssd_512_resnet50_v1_voc_int8", "yolo3_darknet53_coco"} <= set(
        records.model_raw)
    # one (model, dataset, config, split, metric) per value: settings keep same-named rows apart
    assert not records.duplicated(["model_raw", "dataset_raw", "dataset_config", "dataset_split", "metric_raw"]).any()


def test_packed_cells_and_quirks(batch):
    records, reasons = batch.records, batch.quarantine.reason.value_counts()
    # "37.0/57.8/39.6" under "Box AP": the COCO (AP 0.5:0.95)/(AP 0.5)/(AP 0.75) parts
    assert _values(records, "faster_rcnn_resnet50_v1b_coco") == {("", "Box AP"): 37.0, ("", "Box AP50"): 57.8,
                                                                 ("", "Box AP75"): 39.6}
    mask = _values(records, "mask_rcnn_resnet18_v1b_coco")
    assert mask[("", "Segm AP75")] == 29.8 and len(mask) == 6
    # "92.1 / 92.9" under "Acc (Vanilla/Mix-Up [13]_ )" -> two records told apart by config
    assert _values(records, "CIFAR_ResNet20_v1") == {("training=vanilla", "Acc"): 92.1, ("training=mixup", "Acc"): 92.9}
    assert _values(records, "center_net_resnet18_v1b_coco") == {("", "mAP"): 26.6, ("test=flip", "mAP"): 28.1}
    pose = _values(records, "simple_pose_resnet18_v1b")
    assert pose[("test=flip", "OKS AP")] == 68.4 and pose[("input=128x96", "OKS AP50")] == 83.6
    assert set(_values(records, "yolo3_darknet53_coco")) >= {("input=320x320", "Box AP"), ("input=608x608", "Box AP75")}
    # "0.021±0.012": the mean; ATE and Abs. Rel. Error are lower-is-better
    ate = records[(records.model_raw == "monodepth2_resnet18_posenet_kitti_mono_640x192")].set_index("dataset_split")
    assert ate.loc["Sequence 09", "value"] == 0.021 and ate.loc["Sequence 09", "value_raw"] == "0.021±0.012"
    assert ate.loc["Sequence 10", "dataset_raw"] == "KITTI Odometry" and not ate.higher_is_better.any()
    lower = set(records[~records.higher_is_better.fillna(True)].metric_raw)
    assert lower == {"Abs. Rel. Error", "ATE"} and records.higher_is_better.notna().all()
    # "83.6_" (RST link) reads as 83.6; "N/A" is quarantined
    voc = records[(records.model_raw == "fcn_resnet101_voc")].iloc[0]
    assert (voc.metric_raw, voc.value, voc.value_raw) == ("mIoU", 83.6, "83.6_")
    assert reasons["missing value: 'N/A'"] == 5
    # ":tag:`ResNet50_v1d` [1]_" rows are other weights: quarantined, the default row loads
    assert reasons[gluon_cv.TAGGED] == 12
    assert _values(records, "ResNet50_v1d") == {("", "Top-1"): 79.15, ("", "Top-5"): 94.58}
    # same name, other settings / framework: kept apart by config
    hmdb = _values(records, "i3d_resnet50_v1_hmdb51")
    assert hmdb[("pretrained=ImageNet, K400; segments=1; clip length=32 (64/2)", "Top-1")] == 70.9
    k400 = _values(records, "resnet18_v1b_kinetics400")
    assert k400 == {("pretrained=ImageNet; segments=7; clip length=1", "Top-1"): 65.5,
                    ("pretrained=ImageNet; segments=7; clip length=1; framework=pytorch", "Top-1"): 66.73}


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(models.index) == set(batch.records.model_raw)
    assert {"family=Pruned_ResNet", "hashtag=54f7742b", "speedup=2x"} <= set(json.loads(
        models.loc["resnet18_v1b_0.89", "tags"]))
    assert "family=DeepLabV3 + ResNeSt" in json.loads(models.loc["deeplab_resnest50_ade", "tags"])
    assert "hashtag=00319ddc" not in json.loads(models.loc["ResNet50_v1d", "tags"])  # the :tag: row's weights
    assert {"framework=mxnet", "framework=pytorch"} <= set(json.loads(models.loc["resnet18_v1b_kinetics400", "tags"]))
    datasets = batch.datasets.set_index("dataset_raw")
    assert set(datasets.index) == set(batch.records.dataset_raw)
    assert datasets.loc["Kinetics400", "modality"] == "video" and datasets.loc["ADE20K", "modality"] == "image"
    assert datasets.loc["MSCOCO", "task_type"] == "object-detection"


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    root = tmp_path / gluon_cv.FOLDER
    for folder in ("Detections", "Poses", "Classifications", "Unknown"):
        (root / folder).mkdir(parents=True)
    (root / "Detections" / "MSCOCO_X.csv").write_bytes(
        b"Model,Box AP,mAP,Training Log \r\n"
        b"det_a [1]_,30.1/50.2/31.3,40.0,`log <http://x>`_\r\n"
        b"det_b [1]_,30.1/50.2,1/2,\r\n"  # two parts for three names; a packed cell in a plain column
        b",1.0,2.0,\r\n"  # no model name
        b"det_c,abc,,\r\n"
        b"det_d,1.0"  # truncated
    )
    (root / "Poses" / "MSCOCO_Y.csv").write_text("Model,Score (A/B)\npose_a,1.0/2.0/3.0\npose_b,5.0\npose_c,7/8\n")
    (root / "Classifications" / "Family.csv").write_text("")
    (root / "Unknown" / "Table.csv").write_text("Model,Top-1\nm,1\n")
    batch = gluon_cv.read(tmp_path)
    records = batch.records
    assert batch.read_count == len(records) + len(batch.quarantine) == 6 + 10
    assert _values(records, "det_a") == {("", "Box AP"): 30.1, ("", "Box AP50"): 50.2, ("", "Box AP75"): 31.3,
                                         ("", "mAP"): 40.0}
    assert _values(records, "pose_c") == {("A", "Score"): 7.0, ("B", "Score"): 8.0}
    assert records.higher_is_better[records.metric_raw == "Score"].isna().all()  # unknown metric: direction unknown
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("packed value without part names") == 4  # det_b x2, pose_a, pose_b (which part?)
    assert "missing model name" in reasons and "not a number: 'abc'" in reasons and "missing value: ''" in reasons
    assert any("truncated" in r for r in reasons) and "empty file" in reasons
    assert "unknown table: no task for Unknown/Table.csv" in reasons
