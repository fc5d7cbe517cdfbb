-- Side information of every model, keyed by the canonical model id (several sources may describe one model).
with keyed as (
    select m.*, i.model_id
    from {{ ref('stg_model_metadata') }} as m
    join {{ ref('int_model_ids') }} as i using (source, model_raw)
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
