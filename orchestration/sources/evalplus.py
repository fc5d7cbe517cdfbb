"""EvalPlus leaderboard (evalplus/evalplus.github.io ``results.json``) → raw records.

A record is one ``pass@1`` cell of a model: the datasets are ``humaneval``, ``humaneval+``, ``mbpp`` and ``mbpp+``
as keyed upstream (the ``+`` sets are EvalPlus's versions with many more unit tests), the metric is ``pass@1`` in
percent (0–100, higher is better), the task code-generation. The model is the display-name key as found, dates
and all (``DeepSeek-V3 (Nov 2024)``, ``O1 Preview (Sept 2024)``); its ``link`` is the only hub id, so when it is
a huggingface.co link the model row carries it as the tag ``hf_id:<org/name>`` for the cross-source merge (other
links, arXiv or vendor pages, are not ids).

Quirks: the 72 ``null`` scores (mostly models never run on MBPP) are quarantined; ``size`` (billions, float, int or
null; the active parameters for MoE models, e.g. 37 for DeepSeek-V3) becomes ``params`` when it is a number.
Not records: ``size``, ``open-data`` (NONE / Partial / Full: whether the training data is public) and ``prompted``
(instruction-prompted or plain completion) are model-row side info. A benchmark key other than the four is
quarantined.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, read_json

SOURCE = "evalplus"
SOURCE_VERSION = "evalplus/evalplus.github.io@8741845"
SNAPSHOT_DATE = "2024-12-26"
RESULTS = "evalplus/results.json"
METRIC = "pass@1"
DATASETS = {
    "humaneval": (("HumanEval: 164 hand-written Python functions from docstrings; a sample passes if it passes "
                   "the unit tests."), "2021-07-07"),
    "humaneval+": (("HumanEval+ (EvalPlus): HumanEval with about 80 times more unit tests, catching solutions "
                    "the original tests let through."), "2023-05-02"),
    "mbpp": (("MBPP: short crowd-sourced Python programming problems (EvalPlus's sanitised subset), each "
              "checked by unit tests."), "2021-08-16"),
    "mbpp+": ("MBPP+ (EvalPlus): MBPP with about 35 times more unit tests per problem.", "2023-05-02"),
}
_HUB_LINK = re.compile(r"^https?://(?:www\.)?huggingface\.co/([\w.-]+/[\w.-]+)/?(?:[?#].*)?$")


def hub_id(link: object) -> str | None:
    """``org/name`` of a ``https://huggingface.co/org/name`` link, else None."""
    match = _HUB_LINK.match(link.strip()) if isinstance(link, str) else None
    return match.group(1) if match else None


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return [Path(snapshot_dir) / RESULTS]


def _model_row(model: str, entry: dict) -> dict:
    hf, size = hub_id(entry.get("link")), number(entry.get("size"))
    tags = [f"hf_id:{hf}"] if hf else []
    tags += [f"open-data:{entry['open-data']}"] if entry.get("open-data") else []
    tags += [f"prompted:{str(entry['prompted']).lower()}"] if "prompted" in entry else []
    card = [f"EvalPlus leaderboard entry {model!r}"] + ([f"size {size:g}B parameters"] if size else [])
    card += [f"training data open: {entry['open-data']}"] if entry.get("open-data") else []
    card += [f"link {entry['link']}"] if entry.get("link") else []
    return {"model_raw": model, "card_text": "; ".join(card) + ".", "tags": json.dumps(tags),
            "pipeline_tag": "text-generation", "params": size * 1e9 if size else None,
            "organization": hf.split("/")[0] if hf else None}


def read(snapshot_dir: Path) -> SourceBatch:
    out = Collector(SOURCE, SOURCE_VERSION)
    doc, bad = read_json(Path(snapshot_dir) / RESULTS, RESULTS)
    out.quarantine += bad
    if doc is not None and not isinstance(doc, dict):
        out.reject(RESULTS, "$", "expected an object keyed by model name", doc)
    models = []
    for model, entry in doc.items() if isinstance(doc, dict) else ():
        where = f"[{json.dumps(model)}]"
        scores = entry.get("pass@1") if isinstance(entry, dict) else None
        if not isinstance(scores, dict) or not model.strip():
            out.reject(RESULTS, where, "model entry without a pass@1 object (or without a name)", entry)
            continue
        for bench, raw in scores.items():
            locator = f'{where}["pass@1"][{json.dumps(bench)}]'
            if bench not in DATASETS:
                out.reject(RESULTS, locator, f"unrecognised benchmark {bench!r}", raw)
                continue
            null = (None, "null score (not evaluated)") if raw is None else None
            out.add(
                RESULTS, locator, raw, (model, bench), parsed=null,
                model_raw=model, dataset_raw=bench, task_raw="code-generation", metric_raw=METRIC,
                higher_is_better=True, snapshot_date=SNAPSHOT_DATE,
            )  # fmt: skip
        models.append(_model_row(model, entry))
    datasets = [{"dataset_raw": name, "description": text, "task_type": "code generation", "modality": "text",
                 "release_date": released} for name, (text, released) in DATASETS.items()]
    return out.batch(models, datasets)
