-- One row per (model, dataset, metric): the record from the highest-precedence source wins, and within a
-- source the latest dated snapshot, then the best value a source reports for several configurations of one
-- model (e.g. timm at two test image sizes); how many raw records merged and how far their values spread is kept.
-- Source precedence is the order of orchestration/sources/registry.py (stg_sources): the final Open LLM v1 table
-- comes before its dated snapshots, so it wins where both report a (model, benchmark). Kept apart on purpose, by
-- their dataset ids: Epoch's copies of other leaderboards (their own benchmark names, another measurement
-- context), the style-controlled arenas (`lmarena-text-style-control`: the same battles, re-scored) and
-- LiveBench's per-task scores vs Epoch's LiveBench category averages.
with ranked as (
    select
        *,
        row_number() over (
            partition by model_id, dataset_id, metric_id
            order by precedence, snapshot_date desc nulls last, source_version desc nulls last,
                case when higher_is_better then -value else value end nulls last, source_record_id
        ) as rn
    from {{ ref('int_evaluations_scaled') }}
),

merged as (
    select
        model_id, dataset_id, metric_id,
        count(*) as n_raw_records,
        max(value) - min(value) as value_spread,
        string_agg(distinct source, ',' order by source) as sources
    from ranked
    group by all
)

select
    r.model_id,
    r.dataset_id,
    r.base_dataset_id,
    r.metric_id,
    r.value,
    r.higher_is_better,
    r.source as winning_source,
    r.task_raw,
    m.sources,
    m.n_raw_records,
    m.value_spread,
    m.value_spread > 1e-6 + 0.01 * abs(r.value) as is_conflict
from ranked as r
join merged as m using (model_id, dataset_id, metric_id)
where r.rn = 1
