import json
from pathlib import Path

import pytest

from orchestration.sources import proteingym

META = "Number of Mutants,Selection Type,UniProt ID,MSA_Neff_L_category,Taxon"


@pytest.fixture(scope="module")
def batch(snapshot_batch):
    return snapshot_batch(proteingym)


def test_real_assay_level_files(batch, snapshot_dir):
    records, quarantine = batch.records, batch.quarantine
    assert batch.read_count == len(records) + len(quarantine) == 5 * (217 * 97 + 66 * 24)
    assert records.source_record_id.is_unique and records.higher_is_better.all()
    assert set(quarantine.reason) == {"missing value: ''"} and len(quarantine) == 85  # 17 empty cells x 5 metrics
    assert set(records.metric_raw) == set(proteingym.METRICS)
    assert set(records.task_raw) == {"protein-fitness-prediction"}
    # 10 assay-level files + the 2 Spearman summaries (metadata only)
    assert len(proteingym.snapshot_files(snapshot_dir)) == 12
    hit = records[(records.dataset_raw == "A0A140D2T1_ZIKV_Sourisseau_2019") & (records.model_raw == "ESM2 (650M)")]
    assert hit.set_index("metric_raw").loc["Spearman", "value"] == 0.213
    assert set(hit.dataset_config) == {"substitutions"}
    indel = records[(records.dataset_raw == "A4_HUMAN_Seuma_2022_indels") & (records.metric_raw == "Spearman")]
    assert indel.set_index("model_raw").loc["Provean", "value"] == 0.381 and set(indel.dataset_config) == {"indels"}
    by_kind = records.groupby("dataset_config").model_raw.nunique()
    assert by_kind["substitutions"] == 97 and by_kind["indels"] == 24
    assert not set(records.model_raw) & set(proteingym.METADATA)
    spearman = records[records.metric_raw == "Spearman"].value
    assert spearman.min() < -0.3 and spearman.max() < 1


def test_side_tables(batch):
    models = batch.models.set_index("model_raw")
    assert models.index.is_unique and set(models.index) == set(batch.records.model_raw)
    esm = models.loc["ESM2 (650M)"]
    assert esm.params == 650e6 and "model_type=Single sequence" in json.loads(esm.tags)
    assert "Evolutionary-scale prediction" in esm.card_text and "<a" not in "".join(models.card_text)
    assert models.loc["Progen2 M", "params"] == 760e6  # from "Progen2 medium model (760M params)"
    datasets = batch.datasets.set_index("dataset_raw")
    assert set(datasets.index) == set(batch.records.dataset_raw) and set(datasets.modality) == {"protein"}
    assert "Number of Mutants: 9576; Selection Type: OrganismalFitness" in datasets.loc[
        "A0A140D2T1_ZIKV_Sourisseau_2019", "description"]


def _write(root: Path, kind: str, metric: str, text: str) -> None:
    folder = root / "proteingym" / proteingym.ROOT / kind / metric
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"DMS_{kind}_{metric}_DMS_level.csv").write_text(text)


def test_bad_inputs_are_quarantined_not_fatal(tmp_path: Path):
    _write(tmp_path, "substitutions", "Spearman",
           f"DMS ID,Model A,Model B (1B),{META}\n"
           "ASSAY_1,0.5,-0.2,100,Stability,P1,Low,Human\n"
           "ASSAY_2,,abc,50,Activity,P2,High,Virus\n"
           ",0.1,0.2,1,x,y,z,w\n"
           "ASSAY_3,0.4\n")  # fmt: skip
    _write(tmp_path, "indels", "AUC", "")
    _write(tmp_path, "indels", "MCC", "assay,Model A\nASSAY_9,0.3\n")
    batch = proteingym.read(tmp_path)
    assert batch.read_count == len(batch.records) + len(batch.quarantine)
    got = sorted(zip(batch.records.dataset_raw, batch.records.model_raw, batch.records.metric_raw,
                     batch.records.value))  # fmt: skip
    assert got == [("ASSAY_1", "Model A", "Spearman", 0.5), ("ASSAY_1", "Model B (1B)", "Spearman", -0.2)]
    reasons = batch.quarantine.reason.tolist()
    for expected in ("missing value: ''", "not a number: 'abc'", "missing DMS ID", "empty file",
                     "first column is not 'DMS ID'"):
        assert expected in reasons
    assert any("truncated" in r for r in reasons)
    models = batch.models.set_index("model_raw")
    assert models.loc["Model B (1B)", "params"] == 1e9  # no summary file: the row still exists
    assert "Taxon: Human" in batch.datasets.set_index("dataset_raw").loc["ASSAY_1", "description"]
