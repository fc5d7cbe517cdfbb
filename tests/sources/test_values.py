"""parse_value: values as leaderboards really write them; never a number it cannot stand behind."""

import math

import pytest

from orchestration.sources.values import parse_value


@pytest.mark.parametrize("raw, expected", [
    ("286.26 +/- 16.68", 286.26),
    ("97.3%", 97.3),
    ("0.95 (±0.01)", 0.95),
    ("71.2 (0.3)", 71.2),
    ("1,013.01", 1013.01),
    ("12,345", 12345.0),
    ("0,5", 0.5),
    ("**70.3**", 70.3),
    ("63.7*", 63.7),
    ("\ufeff7.5", 7.5),
    (" -1.5e-3 ", -0.0015),
    (42, 42.0),
    (0.25, 0.25),
])
def test_numbers(raw, expected):
    assert parse_value(raw) == (expected, None)


@pytest.mark.parametrize("raw, reason", [
    ("70-75", "range, not a single value: '70-75'"),
    ("70 to 75", "range, not a single value: '70 to 75'"),
    ("N/A", "missing value: 'N/A'"),
    ("", "missing value: ''"),
    ("**", "missing value: ''"),
    (None, "missing value"),
    ("nan", "missing value: 'nan'"),
    (math.inf, "non-finite value: inf"),
    (float("nan"), "non-finite value: nan"),
    ("1e999", "non-finite value: '1e999'"),
    (True, "boolean is not a metric value: True"),
    ("118M", "not a number: '118M'"),
    ("see paper", "not a number: 'see paper'"),
])
def test_rejections_carry_a_reason(raw, reason):
    assert parse_value(raw) == (None, reason)
