"""Train the ranker, register it in MLflow, and promote it only when it beats the champion.

`training` (torch, MLflow, scipy: about 8 s) is imported by the assets when they run, so a process that loads
the definitions without training (the web server, an ingest-only run) does not pay for it."""

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    Config,
    DataVersion,
    Definitions,
    MaterializeResult,
    asset,
    asset_check,
)

from orchestration.resources import MlflowRegistry, ModelLensHome

if TYPE_CHECKING:
    from training.trainer import TrainConfig

MARTS = [AssetKey(name) for name in ("fct_evaluations", "dim_models", "dim_datasets", "dim_metrics")]


class RankerTrainingConfig(Config):
    """Hyper-parameters of a training run (relaunch from the UI with other values)."""

    epochs: int = 30
    dim: int = 64
    lr: float = 3e-3
    unk_prob: float = 0.1
    seed: int = 0
    max_minutes: float = 12.0
    dataset_embedder: str = "minilm"  # training.features.EMBEDDERS: "minilm" or "static" (faster, weaker)
    model_embedder: str = "minilm"
    force: bool = False


def _train_config(config: RankerTrainingConfig) -> "TrainConfig":
    from training.trainer import TrainConfig

    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in config.model_dump().items() if k in fields})


def _fingerprint(data_fingerprint: str, config: "TrainConfig") -> str:
    """Data, config and the ranker's format version: a new model format retrains even on unchanged data."""
    from training.ranker import FORMAT_VERSION

    blob = json.dumps([data_fingerprint, dataclasses.asdict(config), FORMAT_VERSION], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@asset(
    deps=MARTS,
    group_name="train",
    kinds={"pytorch", "mlflow"},
    owners=["team:ml"],
    description="The latent ranker trained on the benchmark (minus the promotion holdout), registered as `modellens`.",
)
def modellens_ranker(context: AssetExecutionContext, config: RankerTrainingConfig, home: ModelLensHome,
                     mlflow_registry: MlflowRegistry) -> MaterializeResult:
    from training import promotion, registry
    from training.data import load_benchmark
    from training.trainer import train_ranker

    mlflow_registry.open(home.ensure())
    bench = load_benchmark(home.warehouse)
    train_config = _train_config(config)
    fingerprint = _fingerprint(bench.fingerprint(), train_config)
    latest = registry.latest_version()
    if latest and registry.version_tag(latest, "data_fingerprint") == fingerprint and not config.force:
        context.log.info(f"data and config unchanged since version {latest}: no retraining")
        return MaterializeResult(metadata={"model_version": latest, "skipped_unchanged": True},
                                 data_version=DataVersion(fingerprint))
    train_rows, holdout = promotion.split_holdout(bench)
    context.log.info(f"training on {len(train_rows)} evaluations; {len(holdout)} held out for promotion")
    ranker = train_ranker(bench, train_config, train=train_rows, cache_dir=home.cache_dir)
    metrics = promotion.holdout_metrics(ranker, bench, holdout)
    registered = registry.log_and_register(
        ranker, params=dataclasses.asdict(train_config), metrics=metrics, evals=bench.evals, fingerprint=fingerprint
    )
    context.log.info(f"registered {registry.MODEL_NAME} version {registered.version}: {metrics}")
    return MaterializeResult(
        metadata={
            "model_version": registered.version,
            "mlflow_run_id": registered.run_id,
            "skipped_unchanged": False,
            **{f"holdout_{k}": float(v) for k, v in metrics.items()},
        },
        data_version=DataVersion(fingerprint),
    )


@asset_check(
    asset=modellens_ranker, blocking=True, description="The candidate ranks held-out lists better than chance."
)
def candidate_is_sane(home: ModelLensHome, mlflow_registry: MlflowRegistry) -> AssetCheckResult:
    from mlflow import MlflowClient

    from training import promotion, registry

    mlflow_registry.open(home)
    version = registry.latest_version()
    if version is None:
        return AssetCheckResult(passed=False, description="no registered version")
    run = MlflowClient().get_run(MlflowClient().get_model_version(registry.MODEL_NAME, version).run_id)
    ndcg = run.data.metrics.get(registry.metric_key(promotion.PROMOTION_METRIC))
    wtau = run.data.metrics.get("wtau")
    passed = ndcg is not None and wtau is not None and wtau > 0
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "model_version": version,
            "holdout_ndcg@10": ndcg or float("nan"),
            "holdout_wtau": wtau or float("nan"),
        },
    )


class PromotionConfig(Config):
    margin: float = 0.0  # the candidate must beat the champion's holdout NDCG@10 by at least this much


@asset(
    deps=[modellens_ranker],
    group_name="train",
    kinds={"mlflow"},
    owners=["team:ml"],
    description="Alias `champion` on the best version; a worse candidate becomes `challenger`.",
)
def champion_model(context: AssetExecutionContext, config: PromotionConfig, home: ModelLensHome,
                   mlflow_registry: MlflowRegistry) -> MaterializeResult:
    from training import promotion
    from training.data import load_benchmark

    mlflow_registry.open(home.ensure())
    outcome = promotion.promote_latest(load_benchmark(home.warehouse), margin=config.margin)
    context.log.info(outcome.summary)
    return MaterializeResult(metadata=outcome.metadata)


defs = Definitions(assets=[modellens_ranker, champion_model], asset_checks=[candidate_is_sane])
