-- Every metric with its direction (NULL = unknown, excluded from ranking lists and counted) and its raw spellings.
with spellings as (
    select metric_id, to_json(list(distinct metric_raw order by metric_raw)) as aliases
    from {{ ref('int_records_normalized') }}
    group by metric_id
),

evals as (
    select metric_id, count(*) as n_evaluations
    from {{ ref('fct_evaluations') }}
    group by metric_id
)

select
    d.metric_id,
    d.higher_is_better,
    d.direction_basis,
    cast(coalesce(e.n_evaluations, 0) as integer) as n_evaluations,
    cast(s.aliases as varchar) as aliases
from {{ ref('int_metric_directions') }} as d
left join evals as e using (metric_id)
left join spellings as s using (metric_id)
