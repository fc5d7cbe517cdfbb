"""The pipeline's resources: where its state lives (MODELLENS_HOME, the snapshot, the embedding cache), which sources
a run lands, and the MLflow registry. Assets take them as arguments and never read the environment; a test hands
them other ones."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource, Definitions

from orchestration.sources import registry
from training import paths


class ModelLensHome(ConfigurableResource):
    """Every path an asset reads or writes. Unset fields are the environment's (MODELLENS_HOME,
    MODELLENS_SNAPSHOT_DIR, MODELLENS_CACHE_DIR, MODELLENS_ROUTING_DIR, as `training.paths` reads them) when the run
    starts, so a `modellens pipeline` in any home needs no configuration."""

    root: str | None = None
    snapshot: str | None = None
    cache: str | None = None
    routing: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.root).resolve() if self.root else paths.home()

    @property
    def snapshot_dir(self) -> Path:
        return Path(self.snapshot).resolve() if self.snapshot else paths.snapshot_dir()

    @property
    def cache_dir(self) -> Path:
        return Path(self.cache).resolve() if self.cache else paths.cache_dir(self.path if self.root else None)

    @property
    def routing_dir(self) -> Path:
        return Path(self.routing).resolve() if self.routing else paths.routing_dir()

    # the layout under the home is training.paths'
    landing = property(lambda self: paths.landing_dir(self.path))
    warehouse = property(lambda self: paths.warehouse_path(self.path))
    requests = property(lambda self: paths.requests_dir(self.path))
    atlas = property(lambda self: paths.atlas_dir(self.path))
    state = property(lambda self: paths.state_dir(self.path))
    reports = property(lambda self: paths.reports_dir(self.path))

    def ensure(self) -> "ModelLensHome":
        """Create the folders a run writes into; export the home to the dbt project, whose sources read it."""
        for folder in (self.path, self.landing, self.requests, self.cache_dir, self.state):
            folder.mkdir(parents=True, exist_ok=True)
        os.environ["MODELLENS_HOME"] = str(self.path)
        return self


def _names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


class Sources(ConfigurableResource):
    """Which sources a run lands: ``snapshot``, comma-separated snapshot sources (unset: MODELLENS_SOURCES when the
    run starts, else all of them; slices for tests and trials), and ``live``, the live sources enabled besides
    those a run's config enables (unset: MODELLENS_LIVE_SOURCES, else none; they need the network)."""

    snapshot: str | None = None
    live: str | None = None

    def snapshot_sources(self) -> list[str]:
        chosen = _names(self.snapshot if self.snapshot is not None else os.environ.get("MODELLENS_SOURCES"))
        unknown = sorted(set(chosen) - set(registry.SNAPSHOT_CONNECTORS))
        if unknown:
            raise ValueError(f"unknown snapshot sources {unknown}; known: {sorted(registry.SNAPSHOT_CONNECTORS)}")
        return chosen or list(registry.SNAPSHOT_CONNECTORS)

    def live_enabled(self, source: str) -> bool:
        return source in _names(self.live if self.live is not None else os.environ.get("MODELLENS_LIVE_SOURCES"))


class MlflowRegistry(ConfigurableResource):
    """The MLflow tracking store and model registry: by default the sqlite store under the home."""

    tracking_uri: str | None = None
    artifacts: str | None = None

    def open(self, home: ModelLensHome) -> str:
        """Point MLflow at the store (created with its experiment on first use); the experiment's name."""
        from training import registry  # MLflow: imported when an asset runs

        artifacts = Path(self.artifacts) if self.artifacts else paths.mlflow_artifacts(home.path)
        return registry.configure(self.tracking_uri or paths.mlflow_uri(home.path), artifacts)

defs = Definitions(resources={"home": ModelLensHome(), "sources": Sources(), "mlflow_registry": MlflowRegistry()})
