"""Epoch AI benchmark data (epoch-research/benchmark-stitching ``data/``, data of 2025-11-26) → raw records.

Every record has snapshot_date 2025-11-26 and no dataset_split (no file names one). Two kinds of evaluation file:

- ``benchmarks_runs.csv``, Epoch's own runs. A record is one score of one run. The dataset is ``epoch/<task>``
  (``epoch/GPQA diamond``, ``epoch/FrontierMath-2025-02-28-Private``). The metrics are ``best score (across
  scorers)`` and one metric per scorer, named after it: the packed ``Scores`` cell (``choice:0.85±0.02``,
  ``normalized_string_match:0.89±0.01,sympy_equiv:...``) is unpacked. The values are fractions. The ``±``
  standard error is not a score, so it is dropped from the value but kept in value_raw.
  A run that is not loaded becomes one quarantine row with its reason. That covers a ``Status`` other than
  ``Success``, a missing task or model, and an earlier run of a (task, model) pair that was run again.
  ``started_at`` (``17 November 2025 4:28pm``) is parsed to find the latest run. An empty or unparseable start
  time counts as the earliest, and a tie goes to the later line.
  A scorer named twice in one cell (``choice:0.77±0.03,choice:0.8±0.02``) cannot be told apart, so both of its
  entries are quarantined. Not read: log links, job, manual-evaluation flag, task version.
- ``external_benchmark_<name>.csv`` (37 files), Epoch's copies of other leaderboards and papers (HELM, LiveBench,
  ARC Prize, Aider, ...). A record is one score cell. The dataset is the benchmark's own name in the
  ``benchmark_optim.csv`` spelling (``MMLU``, ``GSM8K``, ``ARC-AGI``), so dbt can keep these copies apart from the
  original sources or dedup them. The declarative table ``EXTERNAL`` gives, per file:
  - ``scores``: column → metric, higher_is_better and subset. The subset (``BabyAI``, ``16k tokens``, ``ACW``) plus
    the ``settings`` columns (shots, tools, agent, scaffold, edit format, frames, ...) form dataset_config.
  - ``skip``: columns that sit in value positions but are not quality scores (cost, refusal %, standard errors, CI
    bounds, counts, votes, durations). Each non-empty cell is quarantined with the column's reason.
  - ``model``: ``Model version``, the API id. A row where it is empty is quarantined as "not mapped to a model
    version".
  - ``key``: the row-id column.
  - ``names``: display-name columns, kept as aliases in the models table.
  ``COMMON_META`` columns (source, link, notes, date added, trajectories) are not values. A column in none of these
  lists is quarantined cell by cell as "unrecognised column", and a file with no entry is quarantined whole, so
  nothing is dropped silently.
  Values are kept as found: ``35.3%`` → 35.3, ``0.476797``, ELO 1312, METR time horizon in minutes, GeoBench
  points and km, CadEval mm. Lower-is-better metrics (distances, Chamfer/Hausdorff) get higher_is_better False.
  ``None`` and empty score cells are quarantined as missing values.

A model is the API id as found, with whitespace stripped. Effort and thinking suffixes stay in model_raw:
``o3-2025-04-16_high`` (``_high/_medium/_low/_minimal``), ``claude-3-7-sonnet-20250219_16K`` (a thinking-token
budget, also written ``_16k`` or `` (16K thinking)``), ``glm-4.5_thinking``. The models table tags them
(``effort=high``, ``thinking_budget=16K``, ``thinking``, ``variant_of=<id without suffix>``).

Files that are not evaluations only feed the side tables:
- ``model_versions.csv``: model family, display names, release date, HF developer (→ organization), HF link
  (→ ``hf_id:``). Its ``benchmarks/runs`` lists repeat benchmarks_runs.
- ``distilled_models.csv``: the ``distilled=`` and ``distillation_confidence=`` tags.
- ``benchmark_optim.csv``: benchmark release date, coding/math domains.

Every file is read with the csv module (``read_csv_rows``), which handles the UTF-8 BOMs, the multi-line quoted
notes and the missing trailing newline.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector, read_csv_rows

SOURCE = "epoch_benchmarks"
SOURCE_VERSION = "epoch-research/benchmark-stitching@f87d3cc"
SNAPSHOT_DATE = "2025-11-26"
FOLDER = "epoch_benchmarks/data"
RUNS = "benchmarks_runs.csv"
MODEL_VERSIONS, DISTILLED, OPTIM = "model_versions.csv", "distilled_models.csv", "benchmark_optim.csv"
SIDE_FILES = {
    MODEL_VERSIONS: "model-version metadata (family, display names, release date, HF developer/link) → models table",
    DISTILLED: "distillation labels per model version → model tags",
    OPTIM: "benchmark metadata (release date, coding/math flags) → datasets table",
}
BEST = "Best score (across scorers)"
NQ = "not a quality metric"
COMMON_META = {"Source", "Source link", "Source link (site from table)", "Notes", "Notes (details)", "Date added",
               "Trajectories"}  # fmt: skip
SUFFIX = re.compile(r"^(.+?)(?:_(high|medium|low|minimal)|_(\d+[Kk])|_(thinking)| \((\d+K) thinking\))$")
HF_LINK = re.compile(r"^https?://huggingface\.co/([^/\s]+/[^/?#\s]+)")


@dataclass(frozen=True)
class Score:
    metric: str
    higher_is_better: bool | None = True
    subset: str | None = None


@dataclass(frozen=True)
class Bench:
    """One benchmark: dataset name, task_raw, modality, description."""

    dataset: str
    task: str
    modality: str
    description: str


@dataclass(frozen=True)
class External:
    """How to read one ``external_benchmark_<name>.csv`` (see the module docstring)."""

    bench: Bench
    scores: dict[str, Score]
    settings: dict[str, str] = field(default_factory=lambda: {"Shots": "shots"})
    skip: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ("Name",)
    meta: tuple[str, ...] = ()
    key: str = "id"
    model: str = "Model version"

    def known(self) -> set[str]:
        return {*self.scores, *self.settings, *self.skip, *self.names, *self.meta, self.key, self.model, *COMMON_META}


def _one(metric: str, higher_is_better: bool | None = True, column: str = "Score") -> dict[str, Score]:
    return {column: Score(metric, higher_is_better)}


def _paper(name: str, task: str, description: str, column: str = "Score", metric: str = "accuracy") -> External:
    """The classic benchmarks, compiled from papers and HELM: one score column, shots in dataset_config."""
    return External(Bench(name, task, "text", description), _one(metric, column=column))


_GEO = {f"{s} {c}": Score(m, hib, s) for s in ("ACW", "AVW", "Rural", "Urban", "Photos") for c, m, hib in (
    ("Country %", "country accuracy", True), ("Avg Score", "average score", True),
    ("Median Score", "median score", True),
    ("Median Distance" if s == "Rural" else "Median Distance (km)", "median distance (km)", False))}  # fmt: skip
_VIDEO = {f"{length} ({subs})": Score("accuracy", True, f"{length.lower()} ({subs})")
          for length in ("Overall", "Short videos", "Medium videos", "Long videos")
          for subs in ("no subtitles", "with subtitles")}  # fmt: skip
_ENVS = ("BabyAI", "Crafter", "TextWorld", "BabalsAI", "MiniHack", "NetHack")
_BALROG = {"Average progress": Score("progress")} | {f"{env} progress": Score("progress", True, env) for env in _ENVS}
_CONTEXT = ("0", "400", "1k", "2k", "4k", "8k", "16k", "32k", "60k", "120k", "192k")

EXTERNAL: dict[str, External] = {
    "aider_polyglot": External(
        Bench("Aider polyglot", "code-generation", "code",
              "Aider's polyglot benchmark: 225 hard Exercism coding exercises in C++, Go, Java, JavaScript, Python "
              "and Rust, solved by editing source files; reports the percent solved."),
        {"Percent correct": Score("percent correct"),
         "Percent using correct edit format": Score("percent using correct edit format")},
        settings={"Edit format": "edit format"}, skip={"Cost": NQ}, names=()),
    "anli": External(
        Bench("ANLI", "natural-language-inference", "text",
              "Adversarial NLI: natural-language-inference pairs written adversarially against strong models over "
              "three rounds (R1-R3); accuracy."),
        {"Score": Score("accuracy")} | {r: Score("accuracy", True, r) for r in ("R1", "R2", "R3")}),
    "arc_agi": External(
        Bench("ARC-AGI", "abstract-reasoning", "text",
              "ARC-AGI (Abstraction and Reasoning Corpus): grid puzzles that require inferring a transformation from "
              "a few examples; the ARC Prize leaderboard reports the percent of tasks solved."),
        _one("score"), settings={}),
    "arc_ai2": External(
        Bench("ARC AI2", "question-answering", "text",
              "AI2 Reasoning Challenge: grade-school multiple-choice science questions, split into a Challenge set "
              "(questions retrieval and co-occurrence baselines fail) and an Easy set; accuracy."),
        {"Challenge score": Score("accuracy", True, "ARC-Challenge"),
         "Easy score": Score("accuracy", True, "ARC-Easy")}),
    "balrog": External(
        Bench("Balrog", "game-playing", "text",
              "BALROG: LLM agents play six games (BabyAI, Crafter, TextWorld, Baba Is AI, MiniHack, NetHack); the "
              "score is the average progress towards completing each game."),
        _BALROG, settings={}, names=(),
        skip={f"{c} Standard error": NQ for c in ("Average", *_ENVS)}),
    "bbh": _paper(
        "BBH", "reasoning", "BIG-Bench Hard: 23 challenging BIG-Bench reasoning tasks on which earlier models "
        "trailed human raters; average accuracy.", column="Average"),
    "boolq": _paper(
        "BoolQ", "question-answering", "BoolQ: naturally occurring yes/no questions about a Wikipedia passage; "
        "accuracy."),
    "cadeval": External(
        Bench("CadEval", "3d-code-generation", "3d",
              "CadEval: models write OpenSCAD code for 50 mechanical parts described in text; the rendered solids are "
              "checked against reference geometry (pass rates, Chamfer and Hausdorff distances in mm)."),
        {"Overall pass (%)": Score("overall pass rate"), "SCAD Gen (%)": Score("SCAD generation rate"),
         "Render (%)": Score("render rate"), "Chamfer Pass (%)": Score("Chamfer pass rate"),
         "Haus. Pass": Score("Hausdorff pass rate"), "Vol. Pass": Score("volume pass rate"),
         "Avg Chamfer (mm)": Score("average Chamfer distance (mm)", False),
         "Avg Haus. 95p (mm)": Score("average Hausdorff distance 95th percentile (mm)", False)},
        settings={"Prompt": "prompt"},
        skip=dict.fromkeys(("Total tasks", "Total Passes", "SCAD Gen Success", "Render Successes", "Checks Run"), NQ)),
    "csqa2": _paper(
        "CSQA2", "commonsense-reasoning", "CommonsenseQA 2.0: yes/no commonsense assertions collected through an "
        "adversarial game; accuracy."),
    "cybench": External(
        Bench("Cybench", "agentic-tasks", "text",
              "Cybench: 40 professional capture-the-flag cybersecurity tasks solved by an agent in a terminal, "
              "unguided or guided by subtasks; percent solved, and the human first-solve time of the hardest "
              "task solved."),
        {"Unguided % Solved": Score("% solved", True, "unguided"),
         "Subtask-Guided % Solved": Score("% solved", True, "subtask-guided"),
         "Subtasks % Solved": Score("% subtasks solved", True, "subtask-guided"),
         "Unguided most difficult task solved (minutes)":
             Score("hardest task solved (human first-solve minutes)", True, "unguided"),
         "Subtask-Guided most difficult task solved (minutes)":
             Score("hardest task solved (human first-solve minutes)", True, "subtask-guided")},
        settings={}, names=()),
    "deepresearch": External(
        Bench("DeepResearch Bench", "agentic-tasks", "text",
              "DeepResearch Bench (FutureSearch): web-research tasks for LLM agents, such as finding or compiling "
              "information, scored against worked answers; average score."),
        {"Average score": Score("average score")}, settings={"Agent": "agent"}, names=()),
    "factorio_learning_environment": External(
        Bench("Factorio learning environment", "game-playing", "text",
              "Factorio Learning Environment: agents write programs that build factories in the game Factorio; lab "
              "tasks measure target throughputs, open play measures production score, milestones and automation."),
        {"Production score": Score("production score"), "Lab Success %": Score("lab success rate"),
         "Milestones": Score("milestones"), "Automation": Score("automation milestones")},
        settings={"Tools": "tools"}, names=(),
        skip={"Cost": NQ, "Most complex item": "categorical label (most complex item crafted), not a score"}),
    "fictionlivebench": External(
        Bench("Fiction.LiveBench", "long-context", "text",
              "Fiction.LiveBench: comprehension questions about long fiction stories, asked at context lengths from "
              "0 to 192k tokens; percent answered correctly at each length."),
        {f"{k} token score": Score("score", True, f"{k} tokens") for k in _CONTEXT}, settings={}, names=()),
    "geobench": External(
        Bench("GeoBench", "image-geolocation", "image",
              "GeoBench: GeoGuessr-style geolocation of photos on several maps (ACW, AVW, rural, urban, photos); "
              "country accuracy, GeoGuessr points (up to 5000) and median error distance in km."),
        _GEO, settings={"Tools": "tools"}, names=(),
        skip={f"{s} Refusal": NQ for s in ("ACW", "AVW", "Rural", "Urban", "Photos")}),
    "gsm8k": _paper(
        "GSM8K", "math", "GSM8K: 8.5K grade-school math word problems that take several arithmetic steps; exact-match "
        "accuracy of the final answer.", column="EM", metric="exact match"),
    "gso_bench": External(
        Bench("GSO-Bench", "code-generation", "code",
              "GSO: software-optimisation tasks in real repositories, where an agent must match the speed-up of an "
              "expert commit; OPT@k is the share of tasks optimised within k attempts."),
        {"Score OPT@1": Score("opt@1"), "Score OPT@10": Score("opt@10")},
        settings={"Scaffold": "scaffold"}, names=()),
    "hellaswag": _paper(
        "HellaSwag", "commonsense-reasoning", "HellaSwag: choose the most plausible continuation of an everyday "
        "scenario among adversarially filtered endings; accuracy.", column="Overall accuracy"),
    "lambada": _paper(
        "LAMBADA", "language-modeling", "LAMBADA: predict the last word of a narrative passage, which needs the whole "
        "passage as context; accuracy."),
    "lech_mazur_writing": External(
        Bench("Lech Mazur Writing", "creative-writing", "text",
              "Lech Mazur's creative-writing benchmark: short stories that must include required elements, graded "
              "by several LLM judges on a 1-10 rubric; mean score."),
        {"Mean score": Score("mean score")}, settings={}, names=(), key="ID"),
    "livebench": External(
        Bench("LiveBench", "multi-task", "text",
              "LiveBench: regularly refreshed, contamination-limited questions in reasoning, coding, mathematics, "
              "data analysis, language and instruction following, scored automatically; averages out of 100."),
        {"Global average": Score("average score"), "Reasoning average": Score("average score", True, "reasoning"),
         "Coding average": Score("average score", True, "coding"),
         "Mathematics average": Score("average score", True, "mathematics"),
         "Data analysis average": Score("average score", True, "data analysis"),
         "Language average": Score("average score", True, "language"),
         "IF Average": Score("average score", True, "instruction following")},
        settings={"LiveBench Version": "version"}, names=("id",), key="UUID"),
    "mcbench": External(
        Bench("MCBench", "3d-code-generation", "3d",
              "MC-Bench: models write code that builds a Minecraft structure from a prompt, and users vote between "
              "pairs of builds; Elo rating and win rate."),
        {"ELO": Score("elo"), "Win rate": Score("win rate")}, settings={}, skip={"Votes": NQ}, key="UUID"),
    "metr": External(
        Bench("METR", "agentic-tasks", "text",
              "METR time horizons: software and research tasks of known human duration; the 50% time horizon is the "
              "human task length (minutes) at which the agent succeeds half the time."),
        {"Time horizon": Score("50% time horizon (minutes)"), "average_score": Score("average score")},
        settings={}, skip={"CI_high": NQ, "CI_low": NQ}, names=()),
    "mmlu": _paper(
        "MMLU", "question-answering", "MMLU: multiple-choice questions across 57 subjects from elementary to "
        "professional level; exact-match accuracy.", column="EM", metric="exact match"),
    "openbookqa": _paper(
        "OpenBookQA", "question-answering", "OpenBookQA: multiple-choice elementary science questions that need a "
        "given core fact plus common knowledge; accuracy.", column="Accuracy"),
    "os_world": External(
        Bench("OSWorld", "computer-use", "image",
              "OSWorld: 369 open-ended computer tasks in real Ubuntu, Windows and macOS desktops, checked by "
              "execution-based scripts; success rate."),
        _one("success rate"), settings={"Agent": "agent"}, names=(), key="Agent"),
    "osuniverse": External(
        Bench("OSUniverse", "computer-use", "image",
              "OSUniverse: multimodal desktop GUI-navigation tasks for agents, in levels of increasing complexity "
              "(Paper, Wood, Bronze, Silver, Gold); success rate per level and a weighted score."),
        {"Weighted Score": Score("weighted score")}
        | {lvl: Score("success rate", True, lvl) for lvl in ("Paper", "Wood", "Bronze", "Silver", "Gold")},
        settings={"Agent": "agent"}, skip={"Cost": NQ, "Duration (seconds)": NQ}),
    "piqa": _paper(
        "PIQA", "commonsense-reasoning", "PIQA: physical commonsense, choose the better of two solutions to an "
        "everyday goal; accuracy."),
    "scienceqa": External(
        Bench("ScienceQA", "visual-question-answering", "image",
              "ScienceQA: multiple-choice science questions from school curricula, many with an image context, "
              "annotated with lectures and explanations; accuracy."),
        _one("accuracy")),
    "simple_bench": External(
        Bench("SimpleBench", "reasoning", "text",
              "SimpleBench: multiple-choice trick questions on spatio-temporal reasoning, social intelligence and "
              "adversarial phrasing that non-specialist humans answer well; accuracy averaged over 5 runs."),
        {"Score (AVG@5)": Score("accuracy (avg@5)")}, settings={}, names=()),
    "superglue": _paper(
        "SuperGLUE", "natural-language-understanding", "SuperGLUE: eight harder language-understanding tasks "
        "(BoolQ, CB, COPA, MultiRC, ReCoRD, RTE, WiC, WSC); average score.", metric="average score"),
    "terminal_bench": External(
        Bench("Terminal Bench", "agentic-tasks", "text",
              "Terminal-Bench: tasks done by an agent in a sandboxed terminal (software engineering, system "
              "administration, security), checked by tests; mean accuracy over trials."),
        {"Accuracy mean": Score("accuracy")}, settings={"Agent": "agent"}, skip={"Accuracy SE": NQ}, names=()),
    "the_agent_company": External(
        Bench("The Agent Company", "agentic-tasks", "text",
              "TheAgentCompany: workplace tasks in a simulated software company (browsing, coding, talking to "
              "simulated colleagues), graded by checkpoints; percent fully resolved and partial-credit score."),
        {"% Resolved": Score("% resolved"), "% Score": Score("% score")},
        settings={"Model": "submission", "Environment model": "environment model"},
        skip={"Average steps": NQ, "Average costs": NQ}, names=(), meta=("Organization", "Date"), key="UUID"),
    "triviaqa": _paper(
        "TriviaQA", "question-answering", "TriviaQA: trivia questions with evidence documents, answered closed-book "
        "by language models; exact match.", column="EM", metric="exact match"),
    "videomme": External(
        Bench("VideoMME", "video-question-answering", "video",
              "Video-MME: multiple-choice questions on short, medium and long videos, with or without subtitles; "
              "accuracy."),
        _VIDEO, settings={"Frames": "frames"}),
    "vpct": External(
        Bench("VPCT", "visual-reasoning", "image",
              "VPCT (Visual Physics Comprehension Test): predict which bucket a ball dropped in a drawn scene will "
              "fall into; percent correct."),
        {"Correct": Score("percent correct")}, settings={}, names=()),
    "weirdml": External(
        Bench("WeirdML", "code-generation", "code",
              "WeirdML: unusual machine-learning tasks that the model solves by writing and iterating on PyTorch "
              "code, run with limited compute; average accuracy."),
        {"Accuracy": Score("accuracy")}, settings={}, names=(),
        skip={"Cost per run": NQ, "Median code length (lines)": NQ}),
    "winogrande": _paper(
        "Winogrande", "commonsense-reasoning", "WinoGrande: 44K Winograd-style pronoun-resolution problems built "
        "adversarially against word-association shortcuts; accuracy.", column="Accuracy"),
}

FRONTIERMATH = ("math", "text", (
    "FrontierMath: unpublished research-level mathematics problems written by experts, with automatically verifiable "
    "answers (Tier 4 is the hardest set; Private/Public are the held-back and released parts); Epoch's own runs, "
    "fraction solved."))
RUN_BENCHMARKS = {
    "GPQA diamond": ("question-answering", "text", (
        "GPQA Diamond: 198 graduate-level, 'Google-proof' multiple-choice questions in biology, physics and "
        "chemistry; Epoch's own runs, fraction correct.")),
    "MATH level 5": ("math", "text", (
        "MATH Level 5: the hardest competition-mathematics problems of the MATH dataset; Epoch's own runs, fraction "
        "correct.")),
    "OTIS Mock AIME 2024-2025": ("math", "text", (
        "OTIS Mock AIME 2024-2025: AIME-style competition problems with integer answers from Evan Chen's OTIS mock "
        "exams; Epoch's own runs, fraction correct.")),
}


def _run_bench(task: str) -> Bench:
    """An Epoch task's benchmark; a task not known here still loads, with no task_raw or description."""
    found = RUN_BENCHMARKS.get(task) or (FRONTIERMATH if task.startswith("FrontierMath") else (None, None, None))
    return Bench(f"epoch/{task}", *found)


def _data(snapshot_dir: Path) -> Path:
    return snapshot_dir / FOLDER


def _external_name(path: Path) -> str:
    return path.name.removeprefix("external_benchmark_").removesuffix(".csv")


def snapshot_files(snapshot_dir: Path) -> list[Path]:
    data = _data(snapshot_dir)
    names = [RUNS, *SIDE_FILES, *(f"external_benchmark_{n}.csv" for n in EXTERNAL)]
    extra = [p for p in data.glob("external_benchmark_*.csv") if _external_name(p) not in EXTERNAL]
    return sorted({data / n for n in names if (data / n).exists()} | set(extra))


def _clean(text: str) -> str:
    """Whitespace runs (newlines in ``0\\n``, trailing blanks in ``Llama-2-70b-hf ``) collapsed and stripped."""
    return " ".join(text.split())


def _started(text: str) -> datetime | None:
    """``17 November 2025 4:28pm`` → datetime; None when empty or written otherwise."""
    try:
        return datetime.strptime(_clean(text), "%d %B %Y %I:%M%p")
    except ValueError:
        return None


class _Reader:
    """One read of the snapshot: the collector, plus what the side tables need."""

    def __init__(self, snapshot_dir: Path):
        self.root, self.data = snapshot_dir, _data(snapshot_dir)
        self.out = Collector(SOURCE, SOURCE_VERSION)
        self.benches: dict[str, Bench] = {}
        self.aliases: dict[str, Counter] = defaultdict(Counter)

    def rows(self, name: str) -> tuple[str, list[str], list[tuple[int, dict]]]:
        path = self.data / name
        rel = str(path.relative_to(self.root))
        if not path.exists():
            self.out.reject(rel, "file", "file not found")
            return rel, [], []
        header, rows, bad = read_csv_rows(path, rel)
        self.out.quarantine += bad
        return rel, header, rows

    def add(self, rel: str, locator: str, raw: str, key: tuple, bench: Bench, model: str, metric: str,
            higher_is_better: bool | None, config: str | None = None) -> None:
        self.benches.setdefault(bench.dataset, bench)
        self.out.add(
            rel, locator, raw, key, context=f"{model}: {raw}", model_raw=model, dataset_raw=bench.dataset,
            dataset_config=config, task_raw=bench.task, metric_raw=metric, higher_is_better=higher_is_better,
            snapshot_date=SNAPSHOT_DATE,
        )  # fmt: skip

    # ---- Epoch's own runs -------------------------------------------------------------------------------------

    def runs(self) -> None:
        rel, header, rows = self.rows(RUNS)
        missing = {"id", "task", "model", BEST, "Scores", "Status", "started_at"} - set(header)
        if header and missing:
            self.out.reject(rel, "header", f"missing column(s) {sorted(missing)}", ",".join(header))
            return
        latest: dict[tuple, tuple] = {}  # (task, model) -> (started, line, run id) of its latest successful run
        for line, row in rows:
            pair = (_clean(row["task"]), _clean(row["model"]))
            if all(pair) and row["Status"].strip() == "Success":
                run = (_started(row["started_at"]) or datetime.min, line, row["id"].strip() or f"line {line}")
                latest[pair] = max(latest.get(pair, run), run)
        for line, row in rows:
            self.run(rel, line, row, latest)

    def run(self, rel: str, line: int, row: dict, latest: dict) -> None:
        task, model, status = _clean(row["task"]), _clean(row["model"]), row["Status"].strip()
        run_id, loc, context = row["id"].strip() or f"line {line}", f"line {line}", ",".join(row.values())
        if not task or not model:
            return self.out.reject(rel, loc, "run without task or model", context)
        if status != "Success":
            return self.out.reject(rel, loc, f"run status {status!r}, not a successful run", context)
        started, kept_line, kept_id = latest[(task, model)]
        if kept_line != line:
            when = started.isoformat(timespec="minutes") if started != datetime.min else "at an unknown time"
            return self.out.reject(rel, loc, f"superseded by a later run of the same task and model ({kept_id}, "
                                   f"started {when})", context)
        bench = _run_bench(task)
        self.add(rel, f"{loc}, column {BEST!r}", row[BEST], (run_id, BEST), bench, model, BEST.lower(), True)
        entries = [e.strip() for e in row["Scores"].split(",")] if row["Scores"].strip() else []
        if not entries:
            return self.out.reject(rel, f"{loc}, column 'Scores'", "missing value: ''")
        names = Counter(e.partition(":")[0].strip() for e in entries)
        for i, entry in enumerate(entries, 1):
            scorer, sep, value = (part.strip() for part in entry.partition(":"))
            where = f"{loc}, column 'Scores', entry {i}"
            if not scorer or not sep:
                self.out.reject(rel, where, "cannot unpack Scores entry (expected scorer:value±stderr)", entry)
            elif names[scorer] > 1:
                self.out.reject(rel, where, f"scorer {scorer!r} repeated in one Scores cell: its entries cannot be "
                                "told apart", row["Scores"])
            else:
                self.add(rel, where, value, (run_id, "Scores", scorer), bench, model, scorer, True)

    # ---- external tables --------------------------------------------------------------------------------------

    def external(self, name: str, spec: External) -> None:
        rel, header, rows = self.rows(f"external_benchmark_{name}.csv")
        if not header:
            return
        if spec.model not in header:
            return self.out.reject(rel, "header", f"missing model column {spec.model!r}", ",".join(header))
        absent = [c for c in spec.scores if c not in header]
        if absent:
            self.out.reject(rel, "header", f"score column(s) missing: {absent}", ",".join(header))
        known = spec.known()
        for line, row in rows:
            model, loc = _clean(row[spec.model]), f"line {line}"
            if not model:
                self.out.reject(rel, loc, "not mapped to a model version", ",".join(_clean(v) for v in row.values()))
                continue
            self.aliases[model].update(n for n in (_clean(row.get(c, "")) for c in spec.names) if n and n != model)
            settings = [f"{label}={_clean(row[c])}" for c, label in spec.settings.items() if _clean(row.get(c, ""))]
            key = _clean(row.get(spec.key, "")) or loc
            for col in header:
                where = f"{loc}, column {col!r}"
                if col in spec.scores:
                    score = spec.scores[col]
                    config = "; ".join(([score.subset] if score.subset else []) + settings) or None
                    self.add(rel, where, row[col].strip(), (key, col), spec.bench, model, score.metric,
                             score.higher_is_better, config)
                elif col in spec.skip and row[col].strip():
                    self.out.reject(rel, where, spec.skip[col], row[col])
                elif col not in known:
                    self.out.reject(rel, where, f"unrecognised column {col!r}", row[col])

    def unknown_files(self) -> None:
        for path in sorted(self.data.glob("external_benchmark_*.csv")):
            if _external_name(path) not in EXTERNAL:
                self.out.reject(str(path.relative_to(self.root)), "file", "external benchmark file with no entry in "
                                "the column table (EXTERNAL): not read")

    # ---- side tables ------------------------------------------------------------------------------------------

    def models(self) -> list[dict]:
        _, _, versions = self.rows(MODEL_VERSIONS)
        _, _, distilled = self.rows(DISTILLED)
        info = {_clean(r.get("id", "")): r for _, r in versions}
        labels = {_clean(r.get("model", "")): r for _, r in distilled}
        used = sorted({r["model_raw"] for r in self.out.records})
        return [_model_row(m, info.get(m, {}), labels.get(m, {}), self.aliases.get(m, Counter())) for m in used]

    def datasets(self) -> list[dict]:
        _, _, rows = self.rows(OPTIM)
        optim = {_clean(r.get("benchmark", "")): r for _, r in rows}
        out = []
        for bench in self.benches.values():
            meta = optim.get(bench.dataset.removeprefix("epoch/"), {})
            domains = [d for d, flag in (("coding", "is_coding"), ("math", "is_math")) if meta.get(flag) == "TRUE"]
            date = _clean(meta.get("benchmark_release_date", "")).replace("/", "-")
            out.append({
                "dataset_raw": bench.dataset, "description": bench.description, "task_type": bench.task,
                "modality": bench.modality, "domains": json.dumps(domains),
                "release_date": date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
            })  # fmt: skip
        return out


def _model_row(model: str, info: dict, distilled: dict, aliases: Counter) -> dict:
    """The models-table row: model_versions metadata, distillation label and suffix tags."""
    tags = ["epoch_benchmarks"]
    found = SUFFIX.match(model)
    if found:
        base, effort, budget, _, paren = found.groups()
        budget = (budget or paren or "").upper()
        tags += [f"effort={effort}" if effort else f"thinking_budget={budget}" if budget else "thinking"]
        tags.append(f"variant_of={base}")
    developer, link = _clean(info.get("Hugging Face developer id", "")), HF_LINK.match(info.get("Link", "").strip())
    tags += [f"hf_developer={developer}"] if developer else []
    tags += [f"hf_id:{link.group(1)}"] if link else []
    for column, tag in (("distilled", "distilled"), ("confidence", "distillation_confidence")):
        tags += [f"{tag}={_clean(distilled[column]).lower()}"] if _clean(distilled.get(column, "")) else []
    family = _clean(info.get("Model", ""))
    shown = list(dict.fromkeys(n for n in (_clean(info.get("Display name", "")),
                                           _clean(info.get("Unique display name", ""))) if n))
    names = shown + [n for n, _ in aliases.most_common(5) if n not in shown]
    card = f"Epoch AI model version {model!r}" + (f" of {family}" if family else "")
    card += f"; also listed as {', '.join(names)}" if names else ""
    date = _clean(info.get("Version release date", ""))
    return {
        "model_raw": model, "card_text": card + ".", "tags": json.dumps(tags), "organization": developer or None,
        "release_date": date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
    }  # fmt: skip


def read(snapshot_dir: Path) -> SourceBatch:
    reader = _Reader(snapshot_dir)
    reader.runs()
    for name, spec in EXTERNAL.items():
        reader.external(name, spec)
    reader.unknown_files()
    return reader.out.batch(reader.models(), reader.datasets())
