"""Per-query outcomes for the routing evaluation, read from ``../shared/routing`` in their upstream formats.

A :class:`RoutingSet` is one dataset a router routes over: its queries (text, one row per distinct text), the models
with an outcome on every query, the outcome matrix, how to describe the dataset to ModelLens as a query, and which
benchmark datasets are the same data (their records are masked before ModelLens ranks its models).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ALPACA_ANNOTATOR = "weighted_alpaca_eval_gpt4_turbo"  # 52 models with all 805 instructions, one reference (GPT-4 Turbo)
ALPACA_INSTRUCTIONS = "alpaca_eval_instructions/results/gpt4_gamed/model_outputs.json"
ALPACA_PREFERENCES = "alpaca_eval/per_instruction_preferences.csv.gz"
NOT_MODELS = {"NullModel": "not a model: AlpacaEval's null-model attack (one constant answer that games the judge)"}
LLMROUTER = "llmrouter/data"
LLMROUTER_TASKS = ("agentverse-logicgrid", "arc_challenge", "commonsense_qa", "gpqa", "mmlu", "openbook_qa",
                   "agentverse-mgsm", "math", "gsm8k", "human_eval", "mbpp", "natural_qa", "trivia_qa", "commongen")


class RoutingDataError(ValueError):
    """A routing file that is missing or not in its upstream format."""


@dataclass
class RoutingSet:
    """``outcomes[i, j]``: model ``models[j]``'s outcome on query ``texts[i]`` (in [0, 1], higher is better).
    ``spellings[j]``: names ModelLens may know the model by, most specific first. ``mask``: a regular expression
    over benchmark dataset ids (lower case) of the records that are this data. ``dropped``: models left out, with
    the reason."""

    name: str
    texts: list[str]
    models: list[str]
    outcomes: np.ndarray
    spellings: list[list[str]]
    query: dict
    mask: str
    score_name: str
    dropped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.outcomes.shape != (len(self.texts), len(self.models)):
            raise RoutingDataError(f"{self.name}: outcomes {self.outcomes.shape} do not match "
                                   f"{len(self.texts)} queries x {len(self.models)} models")
        if np.isnan(self.outcomes).any():
            raise RoutingDataError(f"{self.name}: a model without an outcome on some query")

    def head(self, n_queries: int) -> "RoutingSet":
        """The first ``n_queries`` queries (a small real slice, for tests)."""
        return RoutingSet(self.name, self.texts[:n_queries], self.models, self.outcomes[:n_queries], self.spellings,
                          self.query, self.mask, self.score_name, self.dropped)


def _need(path: Path) -> Path:
    if not path.exists():
        raise RoutingDataError(f"routing data not found: {path}")
    return path


def alpaca_eval(routing_dir: Path, leaderboards_dir: Path, annotator: str = ALPACA_ANNOTATOR) -> RoutingSet:
    """AlpacaEval's 805 instructions; outcome = P(the model's output beats the reference's) under ``annotator``
    (preference - 1; a draw, 0 or 1.5, counts 0.5). Only models judged on all 805 instructions under that
    annotator (the nested ``<annotator>/<annotator>`` folder counts as the same one) take part."""
    items = json.loads(_need(routing_dir / ALPACA_INSTRUCTIONS).read_text(encoding="utf-8"))
    texts = [item["instruction"] for item in items]
    prefs = pd.read_csv(_need(leaderboards_dir / ALPACA_PREFERENCES),
                        usecols=["model_dir", "annotator_config", "instruction_idx", "preference"])
    prefs = prefs[prefs["annotator_config"].isin([annotator, f"{annotator}/{annotator}"])]
    prefs = prefs.drop_duplicates(["model_dir", "instruction_idx"])  # the nested folder repeats two models
    win = prefs["preference"].replace({0: 1.5}) - 1
    table = (pd.DataFrame({"model": prefs["model_dir"], "i": prefs["instruction_idx"], "win": win})
             .pivot(index="i", columns="model", values="win").reindex(range(len(texts))))
    complete = set(table.columns[table.notna().all()])
    dropped = {m: NOT_MODELS.get(m) or f"judged on {int(table[m].notna().sum())} of {len(texts)} instructions"
               for m in table.columns if m not in complete or m in NOT_MODELS}
    models = sorted(complete - set(dropped))
    return RoutingSet(
        name="alpaca_eval", texts=texts, models=models, outcomes=table[models].to_numpy(float),
        spellings=[[m] for m in models],
        query={"dataset": "AlpacaEval instructions (routing)",
               "description": "Open-ended instructions from helpful_base, koala, oasst, self-instruct and vicuna; an "
                              "LLM judge compares each answer with GPT-4 Turbo's and reports the win rate.",
               "task": "instruction following", "metric": "win rate"},
        mask=r"alpaca", score_name="win rate against GPT-4 Turbo", dropped=dropped)


def _read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # iterate lines: the file holds a raw U+0085
        return [json.loads(line) for line in handle if line.strip()]


def _read_json(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def llmrouter(routing_dir: Path) -> RoutingSet:
    """LLMRouter's 9 open models on 14 tasks (GSM8K, MMLU, GPQA, HumanEval, MBPP, TriviaQA, ...): train and test
    files merged, one row per distinct question (a text in both files, or in two tasks, averages its scores)."""
    base = routing_dir / LLMROUTER
    rows = (_read_json(_need(base / "dcrouter_preprocessed/train.json.gz"))
            + _read_json(_need(base / "dcrouter_preprocessed/test.json")))
    scores = pd.DataFrame([r["scores"] for r in rows]).assign(text=[r["question"] for r in rows])
    scores = scores.groupby("text", sort=False).mean()
    names = sorted(scores.columns)
    cards = _read_json(_need(base / "example_data/llm_candidates/default_llm.json"))
    tasks = set()
    for name in ("default_query_train.jsonl.gz", "default_query_test.jsonl"):
        tasks |= {r["task_name"] for r in _read_jsonl(_need(base / "example_data/query_data" / name))}
    unknown = tasks - set(LLMROUTER_TASKS)
    if unknown:
        raise RoutingDataError(f"llmrouter: tasks this reader does not know: {sorted(unknown)}")
    return RoutingSet(
        name="llmrouter", texts=scores.index.tolist(), models=names, outcomes=scores[names].to_numpy(float),
        spellings=[[n, cards[n]["model"]] if n in cards else [n] for n in names],
        query={"dataset": "LLMRouter question mix (routing)",
               "description": "Questions from 14 benchmarks: multiple-choice knowledge and reasoning (MMLU, GPQA, "
                              "ARC-Challenge, CommonsenseQA, OpenBookQA, logic grid puzzles), math word problems "
                              "(GSM8K, MATH, MGSM), code generation (HumanEval, MBPP), open-domain question "
                              "answering (Natural Questions, TriviaQA) and CommonGen; accuracy per question.",
               "metric": "accuracy"},
        mask=r"mmlu|gsm8k|gpqa|human.?eval|mbpp|trivia|natural.?q|arc.?c|ai2.?arc|commonsense|openbook|math"
             r"|mgsm|commongen|logic.?grid",
        score_name="accuracy")


def load_all(routing_dir: Path, leaderboards_dir: Path) -> list[RoutingSet]:
    return [alpaca_eval(routing_dir, leaderboards_dir), llmrouter(routing_dir)]
