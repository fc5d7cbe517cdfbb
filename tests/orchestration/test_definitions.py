import yaml

from orchestration.sources import registry
from orchestration.settings import DBT_PROJECT_DIR


def test_definitions_load_with_the_whole_graph():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for source in registry.ALL_SOURCES:
        assert f"raw_{source}" in keys
    for name in (
        "fct_evaluations",
        "dim_models",
        "dim_datasets",
        "dim_metrics",
        "modellens_ranker",
        "champion_model",
        "topk_pools",
    ):
        assert name in keys
    assert defs.resolve_schedule_def("nightly_refresh").cron_schedule == "0 2 * * *"
    for job in ("ingest_job", "transform_job", "train_job", "topk_pools_job", "full_refresh_job"):
        defs.resolve_job_def(job)


def test_dbt_sources_match_the_connectors():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    assert sorted(project["vars"]["record_sources"]) == sorted(registry.ALL_SOURCES)
    sources = yaml.safe_load((DBT_PROJECT_DIR / "models/staging/_sources.yml").read_text())
    assert sorted(t["name"] for t in sources["sources"][0]["tables"]) == sorted(registry.ALL_SOURCES)
    for source in registry.ALL_SOURCES:
        assert (DBT_PROJECT_DIR / f"models/staging/stg_{source}.sql").exists()


def test_lineage_runs_from_raw_sources_through_dbt_to_pools():
    from dagster import AssetKey

    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    assert AssetKey("raw_mteb") in graph.get(AssetKey("stg_mteb")).parent_keys
    assert AssetKey("fct_evaluations") in graph.get(AssetKey("modellens_ranker")).parent_keys
    assert AssetKey("champion_model") in graph.get(AssetKey("topk_pools")).parent_keys
