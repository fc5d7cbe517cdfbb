import json
from pathlib import Path

import pytest

from orchestration.sources import robustbench


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(robustbench)


def _entry(**fields) -> str:
    base = {"name": "A paper", "architecture": "ResNet-18", "venue": "ICLR 2020", "additional_data": False,
            "dataset": "cifar10", "eps": "8/255"}
    return json.dumps({**base, **fields})


def test_real_boards(batch, snapshot_dir):
    records, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(records) + len(quarantine)
    assert 700 <= len(records) <= 800 and 20 <= len(quarantine) <= 40
    assert records.source_record_id.is_unique
    assert len(robustbench.snapshot_files(snapshot_dir)) == 236
    assert set(records.dataset_raw) == {"cifar10", "cifar100", "imagenet"}
    assert set(records.task_raw) == {"image-classification (adversarial robustness)",
                                     "image-classification (corruption robustness)"}
    # cifar10/Linf/Standard.json: "clean_acc": "94.78", "autoattack_acc": "0.0"; the threat model is from the path
    std = records[(records.model_raw == "cifar10/Linf/Standard") & (records.dataset_config == "Linf-8/255")]
    assert std.set_index("metric_raw").value.to_dict() == {"clean_acc": 94.78, "reported": 0.0, "autoattack_acc": 0.0}
    # one checkpoint per dataset and threat model; a corruption board re-evaluates the Linf network of that name
    assert set(records[records.model_raw == "cifar10/Linf/Standard"].dataset_config) == {"Linf-8/255", "corruptions"}
    assert set(records[records.model_raw == "cifar10/L2/Standard"].dataset_config) == {"L2-0.5"}
    # the path wins over the JSON "dataset" field, which says cifar10 in five cifar100 files
    assert "cifar100/Linf/Hendrycks2019Using" in set(records[records.dataset_raw == "cifar100"].model_raw)
    assert set(records[records.model_raw.str.startswith("imagenet/")].dataset_split) == {"val"}


def test_metrics_and_quirks(batch):
    records, reasons = batch.records, batch.quarantine.reason.value_counts()
    direction = records.groupby("metric_raw").higher_is_better.unique().map(list).to_dict()
    assert direction == {"autoattack_acc": [True], "clean_acc": [True], "corruptions_acc": [True],
                         "corruptions_acc_3d": [True], "corruptions_mce": [False], "corruptions_mce_3d": [False],
                         "external": [True], "reported": [True]}  # fmt: skip
    alexnet = records[records.model_raw == "imagenet/corruptions/AlexNet"].set_index("metric_raw")
    assert alexnet.loc["corruptions_mce", "value"] == 100.0 and alexnet.loc["corruptions_acc_3d", "value"] == 28.47
    assert alexnet.loc["corruptions_acc_3d", "dataset_config"] == "corruptions-3d"
    assert alexnet.loc["corruptions_acc", "dataset_config"] == "corruptions"
    # empty / "null" / null "reported" is not a record; 2 unreliable entries x 4 scores are quarantined
    assert reasons["missing value: ''"] == 20 and reasons["missing value: 'null'"] == 1
    assert reasons["missing value"] == 1
    assert reasons["flagged unreliable upstream"] == 8
    assert not records.model_raw.isin(["cifar10/Linf/Kang2021Stable", "cifar10/Linf/Xiao2020Enhancing"]).any()
    # eps as found: entries evaluated at 0.031 are kept apart from 8/255
    assert "Linf-0.031" in set(records.dataset_config)


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(models.index) == set(batch.records.model_raw)
    # one upstream id, two networks (Linf: WRN-34-20, L2: PreActResNet-18): two models
    linf, l2 = (set(json.loads(models.loc[f"cifar10/{t}/Rice2020Overfitting", "tags"])) for t in ("Linf", "L2"))
    assert {"architecture=WideResNet-34-20", "threat_model=Linf", "additional_data=false", "venue=ICML 2020"} <= linf
    assert "architecture=PreActResNet-18" in l2 and "architecture=WideResNet-34-20" not in l2
    assert "Overfitting in adversarially robust deep learning" in models.loc["cifar10/Linf/Rice2020Overfitting",
                                                                             "card_text"]
    datasets = batch.datasets.set_index("dataset_raw")
    assert set(datasets.index) == {"cifar10", "cifar100", "imagenet"} and set(datasets.modality) == {"image"}


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    linf = tmp_path / robustbench.FOLDER / "cifar10" / "Linf"
    corr = tmp_path / robustbench.FOLDER / "cifar10" / "corruptions"
    linf.mkdir(parents=True)
    corr.mkdir(parents=True)
    (linf / "Good.json").write_text(_entry(clean_acc="90.5", autoattack_acc=55, reported="", new_score="1"))
    (linf / "Flagged.json").write_text(_entry(clean_acc="80", autoattack_acc="40", unreliable=True))
    (linf / "Types.json").write_text(_entry(clean_acc=True, autoattack_acc="n/a", external=None))
    (linf / "Truncated.json").write_text('{"clean_acc": "9')
    (linf / "List.json").write_text("[1, 2]")
    (corr / "Empty.json").write_text("")
    (corr / "C.json").write_text(_entry(eps=None, clean_acc="91", corruptions_acc="80.1", corruptions_mce="12.5"))
    batch = robustbench.read(tmp_path)
    records = batch.records
    assert batch.read_count == len(records) + len(batch.quarantine) == 5 + 10
    got = sorted(zip(records.model_raw, records.dataset_config, records.metric_raw, records.value))
    assert got == [("cifar10/Linf/Good", "Linf-8/255", "autoattack_acc", 55.0),
                   ("cifar10/Linf/Good", "Linf-8/255", "clean_acc", 90.5),
                   ("cifar10/corruptions/C", "corruptions", "clean_acc", 91.0),
                   ("cifar10/corruptions/C", "corruptions", "corruptions_acc", 80.1),
                   ("cifar10/corruptions/C", "corruptions", "corruptions_mce", 12.5)]  # fmt: skip
    reasons = batch.quarantine.reason.tolist()
    assert reasons.count("flagged unreliable upstream") == 2
    assert "unrecognised field 'new_score'" in reasons and "missing value: ''" in reasons
    assert "missing value: 'n/a'" in reasons and "missing value" in reasons
    assert any(r.startswith("boolean is not a metric value") for r in reasons)
    assert any(r.startswith("not valid JSON") for r in reasons) and "empty file" in reasons
    assert "not a JSON object: list" in reasons
    assert set(batch.models.model_raw) == {"cifar10/corruptions/C", "cifar10/Linf/Good"}
