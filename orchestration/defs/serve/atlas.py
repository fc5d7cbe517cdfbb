"""The atlas asset: the champion's map of models, datasets and requests as a page and a PNG preview, shown in the UI
and attached to the champion's MLflow run."""

import base64
from pathlib import Path

from dagster import AssetExecutionContext, DataVersion, MaterializeResult, MetadataValue, asset

from orchestration.defs.train.assets import champion_model
from orchestration.lib.build_state import read_state, write_state
from orchestration.resources import MlflowRegistry, ModelLensHome
from serving.requests import read_requests, requests_fingerprint

ATLAS_FORMAT = 1  # bump when the page changes: a new format redraws on an unchanged champion


def _metadata(page: Path, preview: Path, version: str, skipped: bool, extra: dict | None = None) -> dict:
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
def atlas(context: AssetExecutionContext, home: ModelLensHome, mlflow_registry: MlflowRegistry) -> MaterializeResult:
    from serving.atlas import build_atlas, write_atlas
    from training import registry  # MLflow and torch, when the asset runs (see the train assets)

    mlflow_registry.open(home.ensure())
    version = registry.alias_version(registry.CHAMPION)
    fingerprint = f"{version}|{requests_fingerprint(home.requests)}|{ATLAS_FORMAT}"
    page, preview = home.atlas / "atlas.html", home.atlas / "atlas.png"
    if read_state(home.state, "atlas") == fingerprint and page.exists() and preview.exists():
        context.log.info(f"champion v{version} and requests unchanged: the atlas is current")
        return MaterializeResult(metadata=_metadata(page, preview, version, True),
                                 data_version=DataVersion(fingerprint))
    queries, errors = read_requests(home.requests)
    for error in errors:
        context.log.warning(f"dataset request left off the atlas: {error}")
    drawn = build_atlas(registry.load_ranker(registry.model_uri()), queries)
    write_atlas(drawn, page, preview)
    run_id = registry.log_version_artifacts(version, [page, preview], "atlas")
    write_state(home.state, "atlas", fingerprint)
    counts = {"models": len(drawn.models), "datasets": len(drawn.datasets), "requests": len(drawn.requests),
              "mlflow_run": run_id}
    return MaterializeResult(metadata=_metadata(page, preview, version, False, counts),
                             data_version=DataVersion(fingerprint))
