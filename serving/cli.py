"""The `modellens` command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training import paths


def _ranker(uri: str | None):
    from training import registry

    registry.open_home()
    return registry.load_ranker(uri or registry.model_uri())


def cmd_pipeline(args) -> int:
    import yaml

    from orchestration.pipeline import run_pipeline

    run_config = yaml.safe_load(Path(args.config).read_text()) if args.config else None
    return 0 if run_pipeline(stages=args.stage, run_config=run_config) else 1


def cmd_stats(args) -> int:
    from serving.stats import benchmark_stats

    stats = benchmark_stats(paths.warehouse_path(), paths.landing_dir())
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key:>22}: {value}")
    return 0


def cmd_rank(args) -> int:
    from training.pyfunc import ranking_payload
    from training.queries import read_queries

    queries = read_queries(Path(args.queries))
    ranker = _ranker(args.model_uri)
    output = Path(args.output)
    partial = output.with_name(output.name + ".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        for query in queries:
            ranking = ranking_payload(ranker.rank(query, k=args.k))
            handle.write(json.dumps({"query_id": query.query_id, "ranking": ranking}) + "\n")
    partial.replace(output)
    print(f"ranked {len(queries)} queries → {output}", file=sys.stderr)
    return 0


def cmd_recommend(args) -> int:
    from serving.recommend import format_table, recommend

    result = recommend(
        _ranker(args.model_uri),
        args.description,
        task=args.task,
        metric=args.metric,
        modality=args.modality,
        max_params=args.max_params,
        hf_only=args.hf_only,
        k=args.k,
        warehouse=paths.warehouse_path(),
    )
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


def cmd_request(args) -> int:
    from serving.requests import add_request

    path = add_request(
        paths.requests_dir(),
        args.name,
        description=args.description,
        task=args.task,
        metric=args.metric,
        modality=args.modality,
        candidates=args.candidates,
    )
    print(f"request written to {path}; the dataset_requests_sensor (or the next pipeline run) computes its pool")
    return 0


def cmd_atlas(args) -> int:
    from serving.atlas import build_atlas, write_atlas
    from serving.requests import read_requests
    from training.queries import read_queries

    queries, errors = read_requests(paths.requests_dir())
    for error in errors:
        print(f"warning: dataset request left off the atlas: {error}", file=sys.stderr)
    if args.queries:
        queries += read_queries(Path(args.queries))
    atlas = build_atlas(_ranker(args.model_uri), queries, k=args.k)
    page, preview = write_atlas(atlas, Path(args.output), Path(args.png) if args.png else None)
    print(f"atlas of {len(atlas.models)} models, {len(atlas.datasets)} datasets and {len(atlas.requests)} requests"
          f" → {page}" + (f" (preview {preview})" if preview else ""), file=sys.stderr)
    return 0


def cmd_restore(args) -> int:
    from training import registry

    registry.open_home()
    print(f"champion is now version {registry.restore_previous_champion()}")
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modellens", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("pipeline", help="materialize the whole asset graph in-process")
    p.add_argument(
        "--stage",
        action="append",
        choices=["ingest", "transform", "train", "serve", "route"],
        help="run only these stages (repeatable); default: all but route (the weekly routing evaluation)",
    )
    p.add_argument(
        "--config",
        help="YAML mapping a stage to the Dagster run config of its job, e.g. "
        "{train: {ops: {modellens_ranker: {config: {epochs: 5}}}}}",
    )
    p.set_defaults(func=cmd_pipeline)

    p = sub.add_parser("stats", help="counts of the current benchmark")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("rank", help="batch ranking of a JSONL query file")
    p.add_argument("--queries", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--model-uri")
    p.add_argument("--k", type=_positive_int, default=10, help="catalogue size returned for queries without candidates")
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("recommend", help="a readable Top-K for a dataset description, with evidence")
    p.add_argument("description")
    p.add_argument("--task")
    p.add_argument("--metric")
    p.add_argument("--modality")
    p.add_argument("--max-params", type=float, help="propose only models with at most this many parameters")
    p.add_argument("--hf-only", action="store_true", help="propose only models with a Hugging Face id")
    p.add_argument("--k", type=_positive_int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--model-uri")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("atlas", help="a self-contained HTML map of the champion's models, datasets and requests")
    p.add_argument("--output", default="atlas.html")
    p.add_argument("--png", help="also write a PNG preview here")
    p.add_argument("--queries", help="a JSONL query file: each query is drawn with its Top-K pool, like a request")
    p.add_argument("--k", type=_positive_int, default=10, help="pool size drawn for each request or query")
    p.add_argument("--model-uri")
    p.set_defaults(func=cmd_atlas)

    sub.add_parser("evaluate", help="the evaluation protocol: ModelLens beside every baseline (see evaluate --help)")
    sub.add_parser("route-eval", help="do ModelLens pools make query-level routers better? (see route-eval --help)")

    p = sub.add_parser("request", help="dataset requests")
    req = p.add_subparsers(dest="action", required=True)
    add = req.add_parser("add", help="register a new dataset for a Top-K pool")
    add.add_argument("name")
    add.add_argument("--description")
    add.add_argument("--task")
    add.add_argument("--metric")
    add.add_argument("--modality")
    add.add_argument("--candidates", nargs="+")
    add.set_defaults(func=cmd_request)

    p = sub.add_parser("restore-champion", help="give the champion alias back to the previous champion")
    p.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["evaluate"]:  # its own parser: `modellens evaluate --help` lists the protocol's options
        from training.evaluate import main as evaluate_main

        return evaluate_main(argv[1:])
    if argv[:1] == ["route-eval"]:
        from serving.route_eval import main as route_eval_main

        return route_eval_main(argv[1:])
    args = build_parser().parse_args(argv)
    from training.queries import QueryError

    try:
        return args.func(args)
    except QueryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
