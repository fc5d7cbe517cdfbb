"""Great Expectations suites run from plain Dagster asset checks (dagster-ge supports only GE < 1.0)."""

import logging
import math
import os

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
logging.getLogger("great_expectations").setLevel(logging.ERROR)

ACCURACY_LIKE = r"(?:^|_)(?:acc|accuracy|top_?1|top_?5|f1|precision|recall|em|exact_match)(?:$|_|@)"


def validate(
    frame: pd.DataFrame, expectations: list, name: str, severity: AssetCheckSeverity = AssetCheckSeverity.ERROR
) -> AssetCheckResult:
    """Run `expectations` on `frame` in an ephemeral GX context; failures carry offending examples."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    batch = context.data_sources.add_pandas(name).add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    failures = {}
    for outcome in result.results:
        if not outcome.success:
            config = outcome.expectation_config
            label = f"{config.type}({config.kwargs.get('column', '')})"
            failures[label] = {
                "unexpected_percent": outcome.result.get("unexpected_percent"),
                "observed_value": outcome.result.get("observed_value"),
                "examples": [str(v)[:120] for v in (outcome.result.get("partial_unexpected_list") or [])[:5]],
            }
    return AssetCheckResult(
        passed=bool(result.success),
        severity=severity,
        description=f"{len(expectations) - len(failures)}/{len(expectations)} expectations met on {len(frame)} rows",
        metadata={"rows": len(frame), "failed_expectations": failures},
    )


def raw_records_suite(records_read: int, min_loaded_share: float = 0.5) -> list:
    """Landed raw records: identifying fields present, unique ids, at least ``min_loaded_share`` of what was read
    loaded, accuracy-like values within [0, 100] but for isolated upstream typos (an accuracy of 912 in a model
    card: dbt rejects those with a reason); a parser that misreads a column breaks far more than 0.5%."""
    import great_expectations as gx

    e = gx.expectations
    return [
        *(
            e.ExpectColumnValuesToNotBeNull(column=c)
            for c in ("source_record_id", "model_raw", "dataset_raw", "metric_raw", "value")
        ),
        e.ExpectColumnValuesToBeUnique(column="source_record_id"),
        e.ExpectTableRowCountToBeBetween(min_value=math.ceil(records_read * min_loaded_share)),
        e.ExpectColumnValuesToBeBetween(column="bounded_value", min_value=-1.0, max_value=100.0, mostly=0.995),
    ]


def with_bounded_value(frame: pd.DataFrame, metric_column: str) -> pd.DataFrame:
    """Add `bounded_value`: the value where the metric is accuracy-like (must lie in [0, 1] or [0, 100])."""
    bounded = frame[metric_column].fillna("").str.lower().str.contains(ACCURACY_LIKE, regex=True)
    return frame.assign(bounded_value=frame["value"].where(bounded))


def marts_suite() -> list:
    """The benchmark before training: finite z-scores, real lists, known directions, sane bounded values."""
    import great_expectations as gx

    e = gx.expectations
    return [
        e.ExpectColumnValuesToBeBetween(column="z_score", min_value=-100, max_value=100),
        e.ExpectColumnValuesToNotBeNull(column="higher_is_better", mostly=0.99),
        e.ExpectColumnValuesToBeBetween(column="list_size", min_value=2, mostly=0.95),
        e.ExpectColumnValuesToBeBetween(column="bounded_value", min_value=-1.0, max_value=100.0, mostly=0.999),
        e.ExpectColumnValuesToBeUnique(column="key"),
    ]
