"""The raw Great Expectations suite: warns on a misread source, not on isolated upstream typos or records a
connector leaves out by design."""

import pandas as pd

from orchestration.lib.gx_checks import raw_records_suite, validate, with_bounded_value
from orchestration.sources import registry
from orchestration.sources.landing import land, read_manifest


def records(n: int, out_of_range: int) -> pd.DataFrame:
    values = [912.0] * out_of_range + [71.5] * (n - out_of_range)
    return pd.DataFrame({"source_record_id": [f"r{i}" for i in range(n)], "model_raw": "m", "dataset_raw": "d",
                         "metric_raw": "accuracy", "value": values})


def check(frame: pd.DataFrame, read: int, share: float = 0.5) -> bool:
    return validate(with_bounded_value(frame, "metric_raw"), raw_records_suite(read, share), "raw_test").passed


def test_isolated_typos_pass_a_misread_column_warns():
    assert check(records(2000, 3), read=2000)  # 0.15%: e.g. the per-mille typos of real model cards
    assert not check(records(2000, 60), read=2000)  # 3%: a parser reading the wrong column or scale


def test_loaded_share_is_declared_per_source(snapshot_dir, tmp_path):
    land(registry.connector("spacy_models"), snapshot_dir, tmp_path)
    folder = tmp_path / "spacy_models"
    landed, read = pd.read_parquet(folder / "records.parquet"), read_manifest(folder)["counts"]["read"]
    assert len(landed) < read / 2  # superseded versions and per-label breakdowns are quarantined by design
    assert check(landed, read, registry.BY_NAME["spacy_models"].min_loaded_share)
    assert not check(landed, read)  # the default share would warn
    assert not check(landed.head(10), read, registry.BY_NAME["spacy_models"].min_loaded_share)
