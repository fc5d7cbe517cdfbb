-- Every model with at least one evaluation, with what cold-start ranking needs.
with evals as (
    select model_id, count(*) as n_evaluations, string_agg(distinct winning_source, ',') as sources
    from {{ ref('fct_evaluations') }}
    group by model_id
),

aliases as (
    select model_id, to_json(list(distinct model_raw order by model_raw)) as aliases
    from {{ ref('int_records_normalized') }}
    group by model_id
)

select
    e.model_id,
    coalesce(m.organization, split_part(e.model_id, '/', 1)) as organization,
    coalesce(nullif(regexp_extract(split_part(e.model_id, '/', -1), '^([a-z]+)', 1), ''), 'other') as family,
    m.base_model,
    m.params,
    m.release_date,
    m.card_text,
    m.tags,
    m.library,
    m.pipeline_tag,
    cast(e.n_evaluations as integer) as n_evaluations,
    cast(a.aliases as varchar) as aliases,
    e.sources
from evals as e
left join {{ ref('int_model_metadata') }} as m using (model_id)
left join aliases as a using (model_id)
