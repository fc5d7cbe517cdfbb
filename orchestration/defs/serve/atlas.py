"""The atlas asset: the champion's map of models, datasets and requests as a page and a PNG preview, shown in the UI
and attached to the champion's MLflow run."""

import base64

from dagster import AssetExecutionContext, DataVersion, MaterializeResult, MetadataValue, asset

from orchestration.defs.train.assets import champion_model
from orchestration.lib.build_state import read_state, write_state
from orchestration.settings import open_registry
from serving.requests import read_requests, requests_fingerprint
from training.paths import atlas_dir, requests_dir

ATLAS_FORMAT = 1  # bump when the page changes: a new format redraws on an unchanged champion


def _metadata(version: str, skipped: bool, extra: dict | None = None) -> dict:
    page, preview = atlas_dir() / "atlas.html", atlas_dir() / "atlas.png"
    image = base64.b64encode(preview.read_bytes()).decode()
    return {
        "model_version": version,
        "page": MetadataValue.path(str(page)),
        "preview": MetadataValue.md(f"![atlas preview](data:image/png;base64,{image})"),
        "page_mb": round(page.stat().st_size / 1e6, 1),
        "skipped_unchanged": skipped,
        **(extra or {}),
    }


@asset(
    deps=[champion_model],
    group_name="serve",
    kinds={"plotly"},
    owners=["team:ml"],
    description="The atlas: every catalogue model and benchmarked dataset on a map of the champion's latent space, "
    "dataset requests with their Top-K pools; MODELLENS_HOME/atlas/atlas.html and atlas.png.",
)
def atlas(context: AssetExecutionContext) -> MaterializeResult:
    from serving.atlas import build_atlas, write_atlas
    from training import registry  # MLflow and torch, when the asset runs (see the train assets)

    open_registry()
    version = registry.alias_version(registry.CHAMPION)
    fingerprint = f"{version}|{requests_fingerprint(requests_dir())}|{ATLAS_FORMAT}"
    page, preview = atlas_dir() / "atlas.html", atlas_dir() / "atlas.png"
    if read_state("atlas") == fingerprint and page.exists() and preview.exists():
        context.log.info(f"champion v{version} and requests unchanged: the atlas is current")
        return MaterializeResult(metadata=_metadata(version, True), data_version=DataVersion(fingerprint))
    queries, errors = read_requests(requests_dir())
    for error in errors:
        context.log.warning(f"dataset request left off the atlas: {error}")
    drawn = build_atlas(registry.load_ranker(registry.model_uri()), queries)
    write_atlas(drawn, page, preview)
    run_id = registry.log_version_artifacts(version, [page, preview], "atlas")
    write_state("atlas", fingerprint)
    counts = {"models": len(drawn.models), "datasets": len(drawn.datasets), "requests": len(drawn.requests),
              "mlflow_run": run_id}
    return MaterializeResult(metadata=_metadata(version, False, counts), data_version=DataVersion(fingerprint))
