"""The Dagster UI's GraphQL API shows the graph, the schedule and the latest materializations."""

import sys
from pathlib import Path

from tests.conftest import FAST_TRAINING
from tests.servers import free_port, post_json, running

REPO = Path(__file__).resolve().parents[2]


def test_webserver_serves_graph_schedule_and_materializations(pipeline_home):
    from orchestration.pipeline import run_pipeline

    assert run_pipeline(run_config=FAST_TRAINING)  # a night with nothing new: every stage skips its work
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "dagster-webserver"),
        "-w",
        str(REPO / "workspace.yaml"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with running(command, f"http://127.0.0.1:{port}/server_info"):
        graphql = f"http://127.0.0.1:{port}/graphql"
        nodes = post_json(
            graphql,
            {
                "query": "{ assetNodes { assetKey { path } groupName description"
                " internalFreshnessPolicy { ... on TimeWindowFreshnessPolicy { failWindowSeconds } } } }"
            },
        )
        assets = {"/".join(n["assetKey"]["path"]): n for n in nodes["data"]["assetNodes"]}
        assert {"raw_mteb", "fct_evaluations", "modellens_ranker", "champion_model", "topk_pools"} <= set(assets)
        assert assets["topk_pools"]["groupName"] == "serve" and assets["topk_pools"]["description"]
        windows = {k: n["internalFreshnessPolicy"]["failWindowSeconds"] for k, n in assets.items()}
        assert windows.pop("route_eval") == 8 * 24 * 3600  # the weekly routing evaluation
        assert set(windows.values()) == {26 * 3600}
        repos = post_json(
            graphql,
            {
                "query": "{ repositoriesOrError { ... on RepositoryConnection { nodes {"
                " location { name } schedules { name cronSchedule } } } } }"
            },
        )
        (repo,) = repos["data"]["repositoriesOrError"]["nodes"]
        assert repo["location"]["name"] == "modellens"
        assert {"name": "nightly_refresh", "cronSchedule": "0 2 * * *"} in repo["schedules"]
        assert {"name": "weekly_route_eval", "cronSchedule": "0 5 * * 0"} in repo["schedules"]
        latest = post_json(
            graphql,
            {
                "query": '{ assetOrError(assetKey: {path: ["fct_evaluations"]}) {'
                " ... on Asset { assetMaterializations(limit: 1) { runId timestamp } } } }"
            },
        )
        (materialization,) = latest["data"]["assetOrError"]["assetMaterializations"]
        assert materialization["runId"]
        checks = post_json(
            graphql,
            {
                "query": "{ assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks {"
                " name executionForLatestMaterialization { status } } } } } }"
            },
        )
        status = {("/".join(n["assetKey"]["path"]), c["name"]): (c["executionForLatestMaterialization"] or {}).get("status")
                  for n in checks["data"]["assetNodes"] for c in n["assetChecksOrError"].get("checks", [])}
        assert len(status) > 40
        # after the unchanged night every check on an asset's latest materialization ran on it (none skipped or
        # never run), but on the weekly route_eval, which the nightly runs leave alone
        assert {k: v for k, v in status.items() if v not in ("SUCCEEDED", "FAILED") and k[0] != "route_eval"} == {}
        atlas = post_json(
            graphql,
            {
                "query": '{ assetOrError(assetKey: {path: ["atlas"]}) { ... on Asset { assetMaterializations(limit: 1)'
                " { metadataEntries { label ... on MarkdownMetadataEntry { mdStr } } } } } }"
            },
        )
        (entry,) = [e for e in atlas["data"]["assetOrError"]["assetMaterializations"][0]["metadataEntries"]
                    if e["label"] == "preview"]
        assert entry["mdStr"].startswith("![atlas preview](data:image/png;base64,")  # shown as an image in the UI
