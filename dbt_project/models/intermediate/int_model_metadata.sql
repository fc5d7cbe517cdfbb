-- Side information of every model, keyed by the canonical model id (several sources may describe one model).
with keyed as (
    select
        m.*,
        coalesce(ma.model_id, {{ model_key('m.source', 'm.model_raw', 'p.model_namespace') }}) as model_id
    from {{ ref('stg_model_metadata') }} as m
    join {{ ref('source_precedence') }} as p using (source)
    left join {{ ref('model_aliases') }} as ma
        on ma.alias = {{ model_key('m.source', 'm.model_raw', 'p.model_namespace') }}
)

select
    model_id,
    arg_max(card_text, length(card_text)) as card_text,
    arg_max(tags, length(tags)) as tags,
    max(library) as library,
    max(pipeline_tag) as pipeline_tag,
    max(base_model) as base_model,
    max(params) as params,
    min(release_date) as release_date,
    max(organization) as organization
from keyed
group by model_id
