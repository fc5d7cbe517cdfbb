"""Every source, declared once. A declaration drives the source's Dagster asset and checks (`defs.ingest`), its
landing folder and its row of the landing's source table (`landing.write_batch`), which dbt's one staging model
over all landings (`stg_records`, `stg_sources`) reads, `modellens stats`, and the registry tests. Snapshot
sources run by default; live ones are opt-in."""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass
from types import ModuleType


@dataclass(frozen=True)
class Source:
    """``module``: orchestration.sources.<module> (``SOURCE``, ``snapshot_files``, ``read``); ``namespace``: the
    prefix that keeps the source's model names apart when they are not hub ids; ``match_bare_names``: the source spells hub models without
    their organisation, so a bare name may be matched to the one hub id it squashes to; ``family``: the source family
its benchmarks are reported under (dim_datasets.source_family; None: by the benchmark's modality);
    ``min_loaded_share``: the raw GX check warns when less of what was read is loaded (lower where the connector
    leaves records out by design; not part of the landing's source row)."""

    name: str
    module: str
    namespace: str
    match_bare_names: bool
    family: str | None = None
    live: bool = False
    min_loaded_share: float = 0.5

    def row(self) -> dict:
        """The landing's ``source.parquet`` row; precedence (lower wins when sources report the same model,
        dataset and metric) is the declaration's position in SOURCES."""
        fields = {k: v for k, v in asdict(self).items() if k not in ("module", "min_loaded_share")}
        return {**fields, "precedence": SOURCES.index(self) + 1}


# in order of precedence: curated evaluation suites first, then leaderboards, then self-reported or copied
# numbers (model cards, LLMStats, Epoch's copies of other boards), Papers-with-Code last
SOURCES = (
    Source("every_eval_ever", "every_eval_ever", "eee", True, "llm_boards"),
    Source("mteb", "mteb", "mteb", True, "mteb"),
    Source("mteb_raw", "mteb_raw", "mteb", True, "mteb"),
    Source("open_llm_leaderboard_v1_final", "open_llm_v1_final", "open-llm", True, "llm_boards"),
    Source("open_llm_leaderboard_v1", "open_llm_v1", "open-llm", True, "llm_boards"),
    Source("hf_hub_live", "hf_hub_live", "hf", True, live=True),
    Source("hf_model_cards", "hf_model_cards", "hf", True),
    Source("timm", "timm", "timm", False, "vision"),
    Source("open_clip", "open_clip", "openclip", False, "vision"),
    Source("openmmlab", "openmmlab", "openmmlab", False, "vision"),
    Source("gift_eval", "gift_eval", "gift-eval", True, "time_series"),
    Source("automlbenchmark", "automlbenchmark", "automl", False, "tabular"),
    Source("alpaca_eval", "alpaca_eval", "alpaca-eval", True, "llm_boards"),
    Source("lmarena", "lmarena", "lmarena", True, "llm_boards"),
    Source("lmsys_arena_history", "lmsys_arena_history", "lmsys", True, "llm_boards"),
    Source("livebench", "livebench", "livebench", True, "llm_boards"),
    Source("evalplus", "evalplus", "evalplus", True, "llm_boards"),
    Source("robustbench", "robustbench", "robustbench", False, "vision"),
    Source("gluon_cv", "gluon_cv", "gluoncv", False, "vision"),
    Source("llmstats", "llmstats", "llmstats", False, "llm_boards"),
    Source("epoch_benchmarks", "epoch_benchmarks", "epoch", True, "llm_boards"),
    Source("opus_mt", "opus_mt", "opus-mt", False),
    # every version's meta.json is read; each pipeline's newest version is loaded, without per-label breakdowns
    Source("spacy_models", "spacy_models", "spacy", False, min_loaded_share=0.05),
    Source("proteingym", "proteingym", "proteingym", False),
    Source("pwc_live", "pwc_live", "pwc", False, live=True),
    Source("pwc_sota_extractor", "pwc", "pwc", False),
)
BY_NAME = {s.name: s for s in SOURCES}
SNAPSHOT_CONNECTORS = {s.name: s.module for s in SOURCES if not s.live}
LIVE_CONNECTORS = {s.name: s.module for s in SOURCES if s.live}
ALL_SOURCES = [s.name for s in SOURCES]


def connector(source: str) -> ModuleType:
    return importlib.import_module(f"orchestration.sources.{BY_NAME[source].module}")
