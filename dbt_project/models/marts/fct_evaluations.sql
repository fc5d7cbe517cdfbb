-- The benchmark: one evaluation per (model, dataset, metric) with its higher-is-better value and the
-- per-list z-score that ranking is trained on. Unknown-direction rows are kept but carry no z-score.
with lists as (
    select
        *,
        dataset_id || '|' || metric_id as list_id,
        case when higher_is_better then value when not higher_is_better then -value end as signed_value
    from {{ ref('int_evaluations_deduped') }}
),

stats as (
    select
        *,
        avg(signed_value) over w as list_mean,
        stddev_pop(signed_value) over w as list_std,
        count(*) over w as list_size
    from lists
    window w as (partition by list_id)
)

select
    model_id,
    dataset_id,
    metric_id,
    list_id,
    base_dataset_id,
    value,
    higher_is_better,
    signed_value,
    case
        when signed_value is null then null
        when list_std > 0 then (signed_value - list_mean) / list_std
        else 0.0
    end as z_score,
    cast(list_size as integer) as list_size,
    task_raw,
    winning_source,
    sources,
    cast(n_raw_records as integer) as n_raw_records,
    value_spread,
    is_conflict
from stats
