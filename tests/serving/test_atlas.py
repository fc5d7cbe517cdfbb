"""The atlas: the asset's page and preview (in MODELLENS_HOME, on the champion's MLflow run, in the asset's metadata),
the map's geometry, and the page rendered by a real browser."""

import json
import re

import numpy as np
import pytest
from dagster import AssetKey, DagsterInstance
from scipy.spatial import cKDTree

from serving.atlas import _best, medoids, project
from tests.browser import render


def _purity(xy: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Share of each point's k nearest neighbours (on the map) with its label."""
    _, near = cKDTree(xy).query(xy, k=k + 1)
    return float((labels[near[:, 1:]] == labels[:, None]).mean())


def test_projection_keeps_neighbourhoods_and_is_repeatable(monkeypatch):
    import serving.atlas

    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 100)
    vectors = rng.normal(size=(3, 16))[labels] * 3 + rng.normal(size=(300, 16))
    xy = project(vectors)
    assert xy.shape == (300, 2) and np.array_equal(project(vectors), xy)
    assert _purity(xy, labels) > 0.95
    monkeypatch.setattr(serving.atlas, "MAX_FITTED", 120)  # the rest placed by their nearest fitted rows
    assert _purity(project(vectors), labels) > 0.95


def test_medoid_is_the_member_nearest_the_others():
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [2.0, 0.0]])
    assert medoids(xy, np.array([[0, 1, 2, 3], [2, -1, -1, -1]])).tolist() == [[1.0, 0.0], [10.0, 0.0]]


def test_best_lists_the_highest_z_distinct_names():
    owners, others = np.array([0, 0, 0, 0, 1]), np.array([0, 1, 1, 2, 2])
    z = np.array([0.1, 2.0, 1.5, -1.0, 0.3])
    assert _best(owners, others, z, 3, ["a", "b", "c"]) == ["b; a; c", "c", ""]


@pytest.fixture(scope="module")
def atlas_files(pipeline_home):
    page, preview = pipeline_home / "atlas" / "atlas.html", pipeline_home / "atlas" / "atlas.png"
    assert page.stat().st_size > 1e6 and preview.read_bytes()[:4] == b"\x89PNG"
    return page, preview


def test_asset_shows_preview_and_logs_both_to_the_champion_run(atlas_files):
    from mlflow import MlflowClient

    from training import registry

    registry.open_home()
    event = DagsterInstance.get().get_latest_materialization_event(AssetKey("atlas")).asset_materialization
    version = registry.alias_version(registry.CHAMPION)
    assert event.metadata["model_version"].value == version
    assert event.metadata["preview"].value.startswith("![atlas preview](data:image/png;base64,iVBOR")
    assert event.metadata["page"].value == str(atlas_files[0]) and event.metadata["page_mb"].value > 1
    run_id = MlflowClient().get_model_version(registry.MODEL_NAME, version).run_id
    names = {a.path for a in MlflowClient().list_artifacts(run_id, "atlas")}
    assert names == {"atlas/atlas.html", "atlas/atlas.png"}


def test_modalities_form_regions(pipeline_home):
    """On the slice (LLM boards and RobustBench), most nearest neighbours on the map share a model's modality."""
    from serving.atlas import build_atlas
    from training import registry

    registry.open_home()
    atlas = build_atlas(registry.load_ranker(registry.model_uri()))
    models = atlas.models[atlas.models["modality"] != "unknown"]
    assert {"text", "image"} <= set(models["modality"])
    purity = _purity(models[["x", "y"]].to_numpy(), models["modality"].to_numpy())
    majority = models["modality"].value_counts(normalize=True).iloc[0]
    assert purity > majority + 0.15, (purity, majority)  # 0.89 against 0.68 on the slice


def test_page_renders_in_chromium_with_hover_text_and_no_remote_resource(atlas_files, pipeline_home, tmp_path):
    from matplotlib.image import imread

    page, _ = atlas_files
    payload = json.loads(re.search(r"<script id='atlas-data' type='application/json'>(.*?)</script>",
                                   page.read_text()).group(1))
    records = payload["models"]["records"]
    model = payload["models"]["model_id"][records.index(max(records))]
    shown = render(page, tmp_path, fragment=f"#focus={model}")
    assert shown.page_requests == []
    drawn = int(re.search(r'data-drawn-models="(\d+)"', shown.dom).group(1))
    assert drawn > 500 and int(re.search(r'data-drawn-datasets="(\d+)"', shown.dom).group(1)) > 50
    assert f'data-focused="{model}"' in shown.dom
    hover = re.search(r'class="hovertext".*?data-unformatted="([^"]*)"', shown.dom).group(1)
    assert model in hover and "records" in hover and "best on:" in hover
    whole = render(page, tmp_path / "whole")
    pixels = imread(whole.screenshot)[..., :3]
    assert (pixels.min(-1) < 0.9).mean() > 0.02  # not blank
    # the two largest modalities' colours (the page's first two, at the markers' opacity 0.6 over white) both
    # drawn, left of the legend, in regions apart from each other
    plot = pixels[:, : int(pixels.shape[1] * 0.8)]
    centres = []
    for colour in payload["palette"][:2]:
        rgb = 0.6 * np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255 + 0.4
        ys, xs = np.nonzero(np.abs(plot - rgb).max(-1) < 0.1)
        assert len(xs) > 200, colour
        centres.append((xs.mean(), ys.mean(), xs.std() + ys.std()))
    (x0, y0, s0), (x1, y1, s1) = centres
    assert np.hypot(x0 - x1, y0 - y1) > 0.5 * (s0 + s1) / 2
