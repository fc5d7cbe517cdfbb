"""End-to-end dbt build on a small real landing zone (the LLM boards in LANDED; the rest empty)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.sources import registry
from orchestration.sources.landing import land, land_empty_if_missing

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
LANDED = ("every_eval_ever", "open_llm_leaderboard_v1", "open_llm_leaderboard_v1_final", "alpaca_eval", "lmarena",
          "lmsys_arena_history", "livebench", "llmstats", "epoch_benchmarks")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, snapshot_dir):
    home = tmp_path_factory.mktemp("modellens_home")
    for source in registry.ALL_SOURCES:
        if source in LANDED:
            land(registry.connector(source), snapshot_dir, home / "landing")
        else:
            land_empty_if_missing(source, home / "landing")
    env = dict(os.environ, MODELLENS_HOME=str(home))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(["dbt", "build", "--profiles-dir", ".", "--target-path", str(home / "target")],
                          cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def one(con, sql):
    return con.execute(sql).fetchone()


def test_marts_have_unique_keys(warehouse):
    assert one(warehouse, "select count(*) from fct_evaluations")[0] > 10_000
    assert one(warehouse, """select count(*) from (select model_id, dataset_id, metric_id from fct_evaluations
                             group by all having count(*) > 1)""")[0] == 0
    for table, key in (("dim_models", "model_id"), ("dim_datasets", "dataset_id"), ("dim_metrics", "metric_id")):
        assert one(warehouse, f"select count(*) - count(distinct {key}) from {table}")[0] == 0


def test_model_merged_across_open_llm_v1_and_every_eval_ever(warehouse):
    rows = warehouse.execute("""select model_id, aliases from dim_models
        where sources like '%every_eval_ever%' and sources like '%open_llm_leaderboard_v1%'""").fetchall()
    assert len(rows) >= 20
    ids = {model_id for model_id, _ in rows}
    # Open LLM v1 spells the original LLaMA without organisation; it is one model with huggyllama's upload
    assert "huggyllama/llama-65b" in ids
    aliases = dict(rows)
    assert {"llama-65b", "huggyllama/llama-65b"} <= set(json.loads(aliases["huggyllama/llama-65b"]))


def test_bare_alpaca_eval_name_matched_to_hub_id(warehouse):
    model_id, sources = one(warehouse, """select model_id, sources from dim_models
        where aliases like '%"zephyr-7b-beta"%'""")
    assert model_id == "huggingfaceh4/zephyr-7b-beta"
    assert {"alpaca_eval", "every_eval_ever"} <= set(sources.split(","))


def ids_of(con, *spellings) -> dict[str, set[str]]:
    rows = con.execute("select lower(model_raw), model_id from int_model_ids where lower(model_raw) in (select unnest(?))",
                       [[s.lower() for s in spellings]]).fetchall()
    out: dict[str, set[str]] = {}
    for raw, model_id in rows:
        out.setdefault(raw, set()).add(model_id)
    return out


def test_one_model_across_api_ids_display_names_and_variants(warehouse):
    """lmarena's API ids, the LMSYS arena's display names, LiveBench's effort / thinking variants and HELM's
    org ids of one model are one model; the variant is kept."""
    ids = ids_of(warehouse, "claude-3-7-sonnet-20250219", "Claude 3.7 Sonnet", "Claude 3.7 Sonnet (thinking-32k)",
                 "claude-3-7-sonnet-20250219-thinking-32k", "anthropic/claude-3-7-sonnet-20250219",
                 "claude-3-7-sonnet-thinking")
    assert len(ids) == 6 and set.union(*ids.values()) == {"anthropic/claude-3-7-sonnet"}
    gpt41 = ids_of(warehouse, "openai/gpt-4.1-2025-04-14", "gpt-4.1-2025-04-14")  # HELM, lmarena and LMSYS
    assert len(gpt41) == 2 and set.union(*gpt41.values()) == {"openai/gpt-4.1"}
    variant, basis = one(warehouse, """select variant, id_basis from int_model_ids
        where source = 'lmarena' and model_raw = 'claude-3-7-sonnet-20250219-thinking-32k'""")
    assert (variant, basis) == ("20250219-thinking-32k", "name_match")


def test_api_organisations_and_providers_map_to_the_hub_organisation(warehouse):
    """LLMStats' API organisations ('deepseek/', 'meta/') are the hub organisations that publish the weights, and an
    inference provider's prefix (Epoch's 'chutes/') is dropped; a re-upload by another organisation stays apart, and
    a bare name goes to the model's own organisation rather than to a re-upload."""
    r1 = ids_of(warehouse, "deepseek/deepseek-r1", "chutes/DeepSeek-R1-0528", "deepseek-ai/deepseek-r1-0528",
                "deepseek-r1")
    assert len(r1) == 4 and set.union(*r1.values()) == {"deepseek-ai/deepseek-r1"}
    llama = ids_of(warehouse, "meta/llama-3.3-70b-instruct", "meta-llama/Llama-3.3-70B-Instruct",
                   "llama-3.3-70b-instruct")
    assert len(llama) == 3 and set.union(*llama.values()) == {"meta-llama/llama-3.3-70b-instruct"}
    small = ids_of(warehouse, "llama-3.2-1b-instruct", "unsloth/Llama-3.2-1B-Instruct")
    assert small == {"llama-3.2-1b-instruct": {"meta-llama/llama-3.2-1b-instruct"},
                     "unsloth/llama-3.2-1b-instruct": {"unsloth/llama-3.2-1b-instruct"}}
    variant, basis = one(warehouse, """select variant, id_basis from int_model_ids
        where source = 'epoch_benchmarks' and model_raw = 'chutes/DeepSeek-R1-0528'""")
    assert (variant, basis) == ("0528", "name_match")


def test_different_models_stay_apart(warehouse):
    pairs = [("gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18"), ("meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-chat-hf"),
             ("Qwen/Qwen2.5-7B-Instruct", "qwen2.5-72b-instruct"), ("o3-mini", "o3-2025-04-16"),
             ("claude-3-5-sonnet-20241022", "claude-3-7-sonnet-20250219")]
    for a, b in pairs:
        ids = ids_of(warehouse, a, b)
        assert a.lower() in ids and b.lower() in ids, (a, b)
        assert not ids[a.lower()] & ids[b.lower()], (a, b)


def test_final_open_llm_v1_table_wins_over_the_dated_snapshots(warehouse):
    both, final_wins = one(warehouse, """select count(*), count(*) filter (where winning_source =
        'open_llm_leaderboard_v1_final') from fct_evaluations where sources like '%open_llm_leaderboard_v1,%'
        and sources like '%open_llm_leaderboard_v1_final%'""")
    assert both > 3000 and final_wins == both


def test_latest_open_llm_v1_snapshot_wins(warehouse):
    # keys reported in several v1 snapshots whose values changed over time
    changed = warehouse.execute("""
        with v1 as (select model_id, dataset_id, metric_id, snapshot_date, value
                    from int_records_normalized where source = 'open_llm_leaderboard_v1'),
        latest as (select model_id, dataset_id, metric_id, max(snapshot_date) as snap from v1 group by all)
        select f.value, list(v.value) filter (where v.snapshot_date = l.snap) as latest_values,
               count(distinct v.value) as n_values
        from fct_evaluations as f
        join latest as l using (model_id, dataset_id, metric_id)
        join v1 as v using (model_id, dataset_id, metric_id)
        where f.winning_source = 'open_llm_leaderboard_v1'
        group by f.model_id, f.dataset_id, f.metric_id, f.value
        having count(distinct v.snapshot_date) > 1 and count(distinct v.value) > 1""").fetchall()
    assert len(changed) > 50
    for value, latest_values, _ in changed:
        assert any(abs(value - v) < 1e-9 or abs(value - 100 * v) < 1e-6 for v in latest_values)


def test_direction_known_and_tasks_assigned(warehouse):
    n, known = one(warehouse, "select count(*), count(higher_is_better) from fct_evaluations")
    assert known >= 0.99 * n
    tasks = dict(warehouse.execute("select task, count(*) from dim_datasets group by 1").fetchall())
    assert set(tasks) - {"other"}
    assert tasks.get("instruction-following") and tasks.get("reward-modeling")
    assert one(warehouse, "select task from dim_datasets where dataset_id like 'ifeval%' limit 1")[0] == \
        "instruction-following"
