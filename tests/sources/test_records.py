"""record_id / record_ids: the fast builders hash exactly what ``json.dumps([str(p) ...])`` did."""

import hashlib
import json
import random

import pandas as pd

from orchestration.sources.records import record_id, record_ids

ODD = ["plain", "", "quote \" and \\ backslash", "tab\tnewline\n", "ünïcödé", "emoji 🚀", "\x00\x1f", "中文", None,
       0, -1, 3.14, 1e-20, float("nan"), True, ("a", 1), "mteb/main_scores.csv.gz", "line 12, column 'Flickr R@1'"]


def reference(*parts):
    """The original definition of record_id."""
    return hashlib.sha1(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:20]


def test_record_id_matches_the_json_dumps_definition():
    rng = random.Random(0)
    for _ in range(2000):
        parts = rng.choices(ODD, k=rng.randint(0, 8))
        assert record_id(*parts) == reference(*parts)


def test_record_ids_matches_row_by_row():
    rng = random.Random(1)
    columns = [[rng.choice(ODD) for _ in range(500)] for _ in range(4)]
    expected = [reference(*row) for row in zip(*columns)]
    assert record_ids(*columns) == expected
    # pandas columns (string dtype, ints) give the ids of their Python values
    frame = pd.DataFrame({"a": pd.Series([str(v) for v in columns[0]], dtype="string"), "n": range(500)})
    assert record_ids(frame["a"], frame["n"]) == [reference(a, n) for a, n in zip(frame["a"].tolist(), range(500))]
