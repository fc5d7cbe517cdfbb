"""The Dagster UI's GraphQL API shows the graph, the schedule and the latest materializations."""

import sys
from pathlib import Path

from tests.servers import free_port, post_json, running

REPO = Path(__file__).resolve().parents[2]


def test_webserver_serves_graph_schedule_and_materializations(pipeline_home):
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
