select
    cast(source as varchar) as source,
    cast(model_raw as varchar) as model_raw,
    cast(card_text as varchar) as card_text,
    cast(tags as varchar) as tags,
    cast(library as varchar) as library,
    cast(pipeline_tag as varchar) as pipeline_tag,
    cast(base_model as varchar) as base_model,
    cast(params as double) as params,
    cast(release_date as varchar) as release_date,
    cast(organization as varchar) as organization
from {{ landing_table('models') }}
