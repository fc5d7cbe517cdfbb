"""Every connector, by source name. Snapshot connectors run by default; live ones are opt-in."""

from __future__ import annotations

import importlib
from types import ModuleType

SNAPSHOT_CONNECTORS = {
    "hf_model_cards": "hf_model_cards",
    "pwc_sota_extractor": "pwc",
    "mteb": "mteb",
    "mteb_raw": "mteb_raw",
    "every_eval_ever": "every_eval_ever",
    "open_llm_leaderboard_v1": "open_llm_v1",
    "timm": "timm",
    "open_clip": "open_clip",
    "openmmlab": "openmmlab",
    "gift_eval": "gift_eval",
    "automlbenchmark": "automlbenchmark",
    "alpaca_eval": "alpaca_eval",
}
LIVE_CONNECTORS = {"hf_hub_live": "hf_hub_live", "pwc_live": "pwc_live"}
ALL_SOURCES = [*SNAPSHOT_CONNECTORS, *LIVE_CONNECTORS]


def connector(source: str) -> ModuleType:
    module = {**SNAPSHOT_CONNECTORS, **LIVE_CONNECTORS}[source]
    return importlib.import_module(f"orchestration.sources.{module}")
