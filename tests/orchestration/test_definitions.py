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
        "route_eval",
    ):
        assert name in keys
    assert defs.resolve_schedule_def("nightly_refresh").cron_schedule == "0 2 * * *"
    for job in ("ingest_job", "transform_job", "train_job", "serve_job", "full_refresh_job", "route_eval_job"):
        defs.resolve_job_def(job)
    assert defs.resolve_schedule_def("weekly_route_eval").cron_schedule == "0 5 * * 0"


def test_the_nightly_refresh_leaves_the_retraining_route_eval_to_its_weekly_job():
    from dagster import AssetKey

    from orchestration.definitions import defs

    nightly = defs.resolve_job_def("full_refresh_job").asset_layer.selected_asset_keys
    assert AssetKey("topk_pools") in nightly and AssetKey("route_eval") not in nightly
    graph = defs.resolve_asset_graph()
    assert AssetKey("champion_model") in graph.get(AssetKey("route_eval")).parent_keys


def test_every_declared_source_has_a_connector_and_no_staging_model_of_its_own():
    for source in registry.SOURCES:
        module = registry.connector(source.name)
        assert module.SOURCE == source.name and hasattr(module, "read_live" if source.live else "read")
    staging = {p.stem for p in (DBT_PROJECT_DIR / "models/staging").glob("*.sql")}
    assert staging == {"stg_records", "stg_sources", "stg_model_metadata", "stg_dataset_metadata", "stg_quarantine"}


def test_lineage_runs_from_raw_sources_through_dbt_to_pools():
    from dagster import AssetKey

    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    for model in ("stg_records", "stg_sources", "stg_model_metadata", "stg_quarantine"):
        assert {AssetKey(f"raw_{s}") for s in registry.ALL_SOURCES} <= graph.get(AssetKey(model)).parent_keys
    assert AssetKey("fct_evaluations") in graph.get(AssetKey("modellens_ranker")).parent_keys
    assert AssetKey("champion_model") in graph.get(AssetKey("topk_pools")).parent_keys
