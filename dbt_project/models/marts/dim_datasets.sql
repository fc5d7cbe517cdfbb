-- Every dataset (config and split included) with description, canonical task and modality.
with evals as (
    select
        dataset_id,
        any_value(base_dataset_id) as base_dataset_id,
        mode(task_raw) as task_raw,
        count(*) as n_evaluations,
        string_agg(distinct winning_source, ',') as sources
    from {{ ref('fct_evaluations') }}
    group by dataset_id
),

aliases as (
    select dataset_id, mode(dataset_raw) as display_name, to_json(list(distinct dataset_raw order by dataset_raw)) as aliases
    from {{ ref('int_records_normalized') }}
    group by dataset_id
)

select
    e.dataset_id,
    e.base_dataset_id,
    a.display_name,
    m.description,
    coalesce(t.task, t2.task, 'other') as task,
    coalesce(m.modality, t.modality, t2.modality, 'unknown') as modality,
    m.domains,
    cast(e.n_evaluations as integer) as n_evaluations,
    cast(a.aliases as varchar) as aliases,
    e.sources
from evals as e
left join {{ ref('int_dataset_metadata') }} as m using (base_dataset_id)
left join aliases as a using (dataset_id)
left join {{ ref('task_taxonomy') }} as t on t.task_raw = {{ clean_text('e.task_raw') }}
left join {{ ref('task_taxonomy') }} as t2 on t2.task_raw = {{ clean_text('m.task_type') }}
