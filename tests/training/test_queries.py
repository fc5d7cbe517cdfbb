import json

import pytest

from training.queries import QueryError, read_queries


def write(tmp_path, lines):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_valid_queries_keep_candidates_as_spelled(tmp_path):
    path = write(
        tmp_path,
        [
            json.dumps({"query_id": "a", "dataset": "MMLU", "candidates": ["Org/Model-X", "x"]}),
            json.dumps({"query_id": 2, "dataset": "imagenet", "higher_is_better": False}),
        ],
    )
    first, second = read_queries(path)
    assert first.candidates == ("Org/Model-X", "x")
    assert second.query_id == "2" and second.candidates is None and second.higher_is_better is False


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", ":2: not valid JSON"),
        (json.dumps({"query_id": "b"}), ":2: missing or empty field 'dataset'"),
        (json.dumps({"query_id": "b", "dataset": "d", "candidates": []}), "'candidates' is empty"),
        (json.dumps({"query_id": "b", "dataset": "d", "candidates": ["ok", 7]}), "non-empty string, got 7"),
        (json.dumps({"query_id": "b", "dataset": "d", "candidates": "a,b"}), "must be a list"),
        (json.dumps({"query_id": "b", "dataset": "d", "higher_is_better": "yes"}), "true or false"),
        (json.dumps(["a"]), ":2: a query must be a JSON object"),
        (json.dumps({"query_id": "b", "dataset": "d", "max_params": -5}), "'max_params' must be a positive number"),
        (json.dumps({"query_id": "b", "dataset": "d", "max_params": "7b"}), "'max_params' must be a positive number"),
        (json.dumps({"query_id": "b", "dataset": "d", "hf_only": "yes"}), "'hf_only' must be true or false"),
        (json.dumps({"query_id": "a", "dataset": "d"}), "duplicate query_id 'a'"),
    ],
)
def test_bad_lines_name_the_line(tmp_path, line, message):
    path = write(tmp_path, [json.dumps({"query_id": "a", "dataset": "d"}), line])
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read_queries(path)


def test_empty_file_is_an_error(tmp_path):
    with pytest.raises(QueryError, match="no queries"):
        read_queries(write(tmp_path, [""]))


def test_filters_are_read(tmp_path):
    (query,) = read_queries(write(tmp_path, [json.dumps({"query_id": "a", "dataset": "d", "max_params": 7e9,
                                                         "hf_only": True, "modality": "image"})]))
    assert (query.max_params, query.hf_only, query.modality) == (7e9, True, "image")


@pytest.mark.parametrize("argv", [["rank", "--queries", "q", "--output", "o", "--k", "-5"],
                                  ["recommend", "birds", "--k", "0"]])
def test_a_non_positive_k_is_an_error(argv, capsys):
    from serving.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2 and "must be a positive integer" in capsys.readouterr().err


def test_a_benchmark_list_becomes_a_query_without_its_values():
    from tests.training.toy_bench import toy_benchmark
    from training.queries import Query, list_query

    bench = toy_benchmark()
    dataset = bench.datasets.index[0]
    query = list_query(bench, dataset, "accuracy")
    assert isinstance(query, Query) and query.candidates is None
    assert (query.query_id, query.dataset, query.metric) == (f"{dataset}|accuracy", dataset, "accuracy")
    assert query.description == bench.datasets.loc[dataset, "description"]
    assert query.higher_is_better is bool(bench.metrics.loc["accuracy", "higher_is_better"])
    assert list_query(bench, "not-a-dataset", "no-metric").description is None
