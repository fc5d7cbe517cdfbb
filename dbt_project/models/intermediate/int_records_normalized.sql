-- Canonical model, dataset and metric ids for every record (aliases from seeds win over the rules).
with records as (
    select r.*, p.model_namespace, p.precedence
    from {{ ref('int_records_unioned') }} as r
    join {{ ref('source_precedence') }} as p using (source)
),

keyed as (
    select
        *,
        {{ model_key('source', 'model_raw', 'model_namespace') }} as model_key,
        {{ slug('dataset_raw') }} as dataset_key,
        nullif(nullif({{ slug('dataset_config') }}, 'default'), '') as config_key,
        nullif(nullif({{ slug('dataset_split') }}, 'test'), '') as split_key,
        trim(regexp_replace({{ clean_text('metric_raw') }}, '[\s\-/]+', '_', 'g'), '_') as metric_key
    from records
)

select
    k.source,
    k.source_record_id,
    k.precedence,
    k.model_raw,
    k.dataset_raw,
    k.dataset_config,
    k.dataset_split,
    k.task_raw,
    k.metric_raw,
    k.value_raw,
    k.value,
    k.source_higher_is_better,
    k.source_file,
    k.source_version,
    k.snapshot_date,
    coalesce(ma.model_id, k.model_key) as model_id,
    coalesce(da.dataset_id, k.dataset_key)
        || coalesce('/' || k.config_key, '')
        || coalesce('@' || k.split_key, '') as dataset_id,
    coalesce(da.dataset_id, k.dataset_key) as base_dataset_id,
    coalesce(mt.metric_id, k.metric_key) as metric_id
from keyed as k
left join {{ ref('model_aliases') }} as ma on ma.alias = k.model_key
left join {{ ref('dataset_aliases') }} as da on da.alias = k.dataset_key
left join {{ ref('metric_aliases') }} as mt on mt.alias = k.metric_key
