"""LLM-Stats model files (JonathanChavezTamales/LLMStats ``models/<org>/<model-id>/model.json``) → raw records.

A record is one ``qualitative_metrics[]`` entry. The model is the folder path ``<org>/<model-id>``
(``qwen/qwen3-32b``: vendor slugs, sometimes the lower-cased hub id, often not: ``meta/``, ``mistral/``); the
display ``name`` goes to the model row. The dataset is ``dataset_name`` as found: its spelling variants
(``GSM8K``/``GSM8k``/``GSM-8K (CoT)``, ``LiveBench``/``Livebench``, the typo ``TheroemQA`` ...) are merged later by
dbt dataset aliases. task_raw is a task family chosen by benchmark-name pattern (``TASKS``).

The metric follows the benchmark's scale, values as found (never rescaled): ``score`` for a value in [0, 1] (most
entries: accuracy, pass rate, win rate ... as a fraction), ``score_pct`` for 1 < value <= 100 (EvalPlus, MBPP,
MultiPL-E and CRUX-O of Qwen3 235B, a CoVoST2 BLEU of Qwen2.5-Omni), ``elo`` for CodeForces, ``mt_bench_score`` for
MT-Bench on its 0–10 scale (its values <= 1 are that score / 10 and stay ``score``), ``nmos`` for the NMOS speech
naturalness opinion score (1–5), and, for Common Voice and FLEURS, ``wer`` (lower is better, a fraction or a
percent) or ``one_minus_wer`` when ``analysis_method`` says "1 - WER". Every other metric is higher-is-better. A
value outside its scale, or not a number, is quarantined.

dataset_config keeps what ``analysis_method`` (free text) says about the protocol, normalised: shots (``5-shot``,
``0-shot`` for zero-shot), ``CoT`` for chain of thought, and a sampling rule with k > 1 (``cons@64``, ``maj@32``),
so that e.g. AIME Pass@1 and Cons@64 of one model stay two lists; any other method text (``Accuracy``,
``Diamond``, ``en test``) is not kept. Most values are vendor self-reported: ``is_self_reported`` is not per
record but a model-row tag ``self_reported:<n>/<entries>``.

Model rows: name, release date, licence (tag, spelled as found), ``param_count``, the folder organisation, the base
model (``fine_tuned_from_model_id`` resolved to its folder path), the hub id from a huggingface.co
``weights_link`` as tag ``hf_id:<org/name>``, ``canonical_model_id`` as tag ``canonical:<path>``, multimodal.
Not loaded: ``date_recorded`` and ``source_link`` of an entry (provenance of a score), context sizes and the
description (card text only). A file with no entries gives a model row and no records.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.sources.evalplus import hub_id
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, number, parse_value, read_json

SOURCE = "llmstats"
SOURCE_VERSION = "JonathanChavezTamales/LLMStats@df1d14e"
FOLDER = "llmstats/models"
# (benchmark-name pattern, task_raw, modality, what the family measures); the first match wins
TASKS = [
    (r"common voice|fleurs", "speech recognition", "audio", "transcribing speech, scored by word error rate"),
    (r"covost", "speech translation", "audio", "translating speech in one language into text in another"),
    (r"nmos", "speech generation", "audio", "the naturalness of generated speech (mean opinion score)"),
    (r"mmau|vocalsound|meld|giantsteps|musiccaps|omnibench|voicebench", "audio understanding", "audio",
     "understanding speech, sound and music"),
    (r"video|egoschema|mvbench|lvbench|perceptiontest|activitynet|charadessta|tempcompass|mlvu|vatex",
     "video understanding", "video", "answering questions about, or describing, videos"),
    (r"screenspot|osworld|androidworld|android control|aitz|miniwob|groundui|visualwebbench", "gui agent", "image",
     "grounding and acting on screenshots of graphical user interfaces"),
    ((r"mmmu|chart ?qa|charxiv|docvqa|ai2d|mathvista|mathvision|textvqa|infovqa|infographics|ocr|mmbench|^mme|"
      r"realworldqa|vqav2|mmstar|mmvet|mm[- ]?mt-bench|mm if-eval|hallusion|blink|pope|muirbench|mmt-bench|"
      r"vibe-eval|scienceqa|pointgrounding|odinw|intergps|vcr_en|mtvqa|crpe"), "visual question answering", "image",
     "answering questions about images, charts, documents and diagrams"),
    ((r"humaneval|mbpp|livecodebench|codeforces|aider|bigcodebench|evalplus|multipl-e|crux|swe-|spider|bird-sql|"
      r"repobench|repoqa|natural2code|ds-arena-code|ds-fim|lbpp|codegolf|terminal-bench|cybersecurity"),
     "code-generation", "text", "writing, completing, editing or reasoning about code"),
    (r"gsm", "math word problems", "text", "solving grade-school math word problems"),
    (r"math|aime|amc_|cnmo|olympiad|theorem|theroem|physicsfinals", "math reasoning", "text",
     "solving competition and exam mathematics problems"),
    (r"ifeval|multi-?if|multilf|collie|instruction following", "instruction following", "text",
     "following explicit, verifiable instructions"),
    (r"arena hard|alpacaeval|mt-bench|wild ?bench|multichallenge|alignbench", "chat (llm-judged)", "text",
     "open-ended chat quality, judged by a strong LLM"),
    (r"bfcl|nexus|api-bank|gorilla|complexfuncbench|browsecomp", "tool use", "text",
     "calling functions, APIs or a browser to complete a task"),
    (r"mrcr|ruler|infinitebench|graphwalks|longbench|flenqa|needle", "long-context understanding", "text",
     "retrieving and reasoning over very long inputs"),
    (r"wmt|translation", "machine translation", "text", "translating text between languages"),
    (r"govreport|qmsum|summscreen|squality|xlsum|tldr", "summarization", "text", "summarising long documents"),
    (r"attaq|xstest", "safety", "text", "refusing harmful requests without over-refusing safe ones"),
    (r"truthfulqa|simpleqa|facts grounding", "factuality", "text",
     "giving factually correct answers rather than plausible falsehoods"),
    ((r"hellaswag|winogrande|piqa|social ?iqa|commonsenseqa|arc-[ce]$|ai2 reasoning|openbookqa|cluewsc|xcopa|"
      r"xstorycloze"), "commonsense reasoning", "text", "commonsense and everyday-science reasoning"),
    (r"bbh|big-?bench|arc-agi|phibench|livebench|superglue", "general reasoning", "text",
     "multi-step reasoning across many task types"),
    (r"drop|boolq|qasper|tydi ?qa|mlqa|crag|finqa|frames", "reading comprehension", "text",
     "answering questions from a given passage or retrieved documents"),
    (r"udpos", "part-of-speech tagging", "text", "tagging words with their part of speech"),
    ((r"mmlu|gpqa|c-eval|agi ?eval|humanity|lsat|bar exam|sat math|triviaqa|natural ?questions|^nq$|popqa|include|"
      r"eclektic|^stem$"), "knowledge QA", "text", "answering exam-style or trivia questions from world knowledge"),
]
DEFAULT_TASK = ("text-generation", "text", "a language model's generated answers")
_TASKS = [(re.compile(p, re.IGNORECASE), task, modality, what) for p, task, modality, what in TASKS]
_SHOTS = re.compile(r"(\d+(?:-\d+)?)\s*-?\s*shots?\b|\b(zero|few)-shot", re.IGNORECASE)
_COT = re.compile(r"\bcot\b|chain[- ]of[- ]thought", re.IGNORECASE)
_SAMPLING = re.compile(r"\b(pass|cons|maj)\s*@\s*(\d+)", re.IGNORECASE)


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    return sorted((Path(snapshot_dir) / FOLDER).glob("*/*/model.json"))


def task_of(dataset: str) -> tuple[str, str, str]:
    """(task_raw, modality, what it measures) of a benchmark name."""
    return next(((t, m, w) for rx, t, m, w in _TASKS if rx.search(dataset.strip())), DEFAULT_TASK)


def protocol(method: object) -> str | None:
    """Shots, CoT and a k > 1 sampling rule named in ``analysis_method`` (``"5-shot CoT"``), else None."""
    text = method if isinstance(method, str) else ""
    parts, shots = [], _SHOTS.search(text)
    if shots:
        parts.append(f"{'0' if (shots.group(2) or '').lower() == 'zero' else shots.group(1) or 'few'}-shot")
    parts += ["CoT"] if _COT.search(text) else []
    parts += [f"{m.group(1).lower()}@{m.group(2)}" for m in _SAMPLING.finditer(text) if int(m.group(2)) > 1]
    return " ".join(parts) or None


def metric_of(dataset: str, method: object, value: float) -> tuple[str | None, bool | None, str | None]:
    """(metric_raw, higher_is_better, None) from the benchmark and the value's scale, or (None, None, reason)."""
    name = dataset.lower()
    if re.search(r"common voice|fleurs", name):
        if re.search(r"1\s*-\s*wer", str(method), re.IGNORECASE):
            return "one_minus_wer", True, None
        return "wer", False, None
    if "codeforces" in name:
        return "elo", True, None
    if 0 <= value <= 1:
        return "score", True, None
    if "mt-bench" in name.replace(" ", "-") and value <= 10:
        return "mt_bench_score", True, None
    if name == "nmos" and value <= 5:
        return "nmos", True, None
    if 1 < value <= 100:
        return "score_pct", True, None
    return None, None, f"score {value:g} outside the benchmark's known scales"


def _model_row(model: str, doc: dict, entries: list, paths: dict[str, str]) -> dict:
    """Model side info; ``paths`` maps a bare model id to its ``<org>/<model-id>`` folder path."""
    org, hf = model.split("/")[0], hub_id(doc.get("weights_link"))
    reported = [e.get("is_self_reported") for e in entries if isinstance(e, dict)]
    base, canonical = doc.get("fine_tuned_from_model_id"), doc.get("canonical_model_id")
    release = doc.get("release_date") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(doc.get("release_date"))) else None
    tags = [f"hf_id:{hf}"] if hf else []
    tags += [f"license:{doc['license']}"] if isinstance(doc.get("license"), str) and doc["license"].strip() else []
    tags += [f"canonical:{paths.get(canonical, canonical)}"] if isinstance(canonical, str) and canonical else []
    tags += ["multimodal"] if doc.get("multimodal") is True else []
    tags += [f"self_reported:{reported.count(True)}/{len(reported)}"]
    name = doc.get("name") if isinstance(doc.get("name"), str) else model
    card = [f"LLM-Stats entry {name!r} ({model})"] + ([f"released {release}"] if release else [])
    card += [f"licence {doc['license']}"] if isinstance(doc.get("license"), str) else []
    context = [doc.get(k) for k in ("input_context_size", "output_context_size")]
    card += [f"context {context[0]} in / {context[1]} out tokens"] if all(isinstance(c, int) for c in context) else []
    description = doc.get("description") if isinstance(doc.get("description"), str) else ""
    return {
        "model_raw": model, "card_text": f"{'; '.join(card)}. {description[:500]}".strip(), "tags": json.dumps(tags),
        "pipeline_tag": "text-generation", "base_model": paths.get(base, base) if isinstance(base, str) else None,
        "params": number(doc.get("param_count")), "release_date": release, "organization": org,
    }  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    snapshot_dir = Path(snapshot_dir)
    out = Collector(SOURCE, SOURCE_VERSION)
    files = snapshot_files(snapshot_dir)
    paths = {p.parent.name: f"{p.parent.parent.name}/{p.parent.name}" for p in files}
    models, datasets = [], {}
    for path in files:
        rel, model = path.relative_to(snapshot_dir).as_posix(), paths[path.parent.name]
        doc, bad = read_json(path, rel)
        out.quarantine += bad
        entries = doc.get("qualitative_metrics") if isinstance(doc, dict) else None
        if doc is not None and not isinstance(entries, list):
            out.reject(rel, "$.qualitative_metrics", "no qualitative_metrics list in the model file", doc)
            continue
        for i, entry in enumerate(entries or []):
            locator = f"$.qualitative_metrics[{i}]"
            dataset = entry.get("dataset_name") if isinstance(entry, dict) else None
            if not isinstance(dataset, str) or not dataset.strip():
                out.reject(rel, locator, "entry without a dataset_name", entry)
                continue
            raw, method = entry.get("score"), entry.get("analysis_method")
            value, reason = parse_value(raw)
            metric, higher, reason = metric_of(dataset, method, value) if reason is None else (None, None, reason)
            task, modality, what = task_of(dataset)
            out.add(
                rel, locator, raw, (model, dataset, method), parsed=(value, reason), context=entry,
                model_raw=model, dataset_raw=dataset, dataset_config=protocol(method), task_raw=task,
                metric_raw=metric, higher_is_better=higher,
            )  # fmt: skip
            datasets.setdefault(dataset, {"dataset_raw": dataset, "task_type": task, "modality": modality,
                                          "description": f"{dataset}: a benchmark of {what}, as named on LLM-Stats."})
        if isinstance(doc, dict):
            models.append(_model_row(model, doc, entries, paths))
    return out.batch(models, datasets.values())
