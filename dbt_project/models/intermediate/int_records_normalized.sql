-- Canonical model, dataset and metric ids for every record (ids from int_model_ids / int_dataset_ids, metric
-- aliases from the seed). A dataset id is the base dataset, then '/config' (language, subset, leaderboard) unless
-- it is 'default' or repeats the dataset's name, then '@split' unless it is 'test'.
with keyed as (
    select
        r.*,
        p.precedence,
        nullif(nullif(trim(regexp_replace({{ clean_text('r.dataset_config') }}, '[^a-z0-9._+]+', '-', 'g'), '-'), 'default'), '')
            as config_key,
        nullif(nullif({{ slug('r.dataset_split') }}, 'test'), '') as split_key,
        trim(regexp_replace({{ clean_text('r.metric_raw') }}, '[\s\-/]+', '_', 'g'), '_') as metric_key
    from {{ ref('stg_records') }} as r
    join {{ ref('stg_sources') }} as p using (source)
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
    mi.model_id,
    di.base_dataset_id
        || coalesce('/' || case
            when k.config_key in ('plain_text', split_part(di.base_dataset_id, '/', -1),
                                  {{ squash("split_part(di.base_dataset_id, '/', -1)") }}) then null
            else k.config_key end, '')
        || coalesce('@' || k.split_key, '') as dataset_id,
    di.base_dataset_id,
    coalesce(mt.metric_id, k.metric_key) as metric_id
from keyed as k
join {{ ref('int_model_ids') }} as mi on mi.source = k.source and mi.model_raw = k.model_raw
join {{ ref('int_dataset_ids') }} as di
    on di.source = k.source and di.dataset_raw = k.dataset_raw and di.task is not distinct from lower(k.task_raw)
left join {{ ref('metric_aliases') }} as mt on mt.alias = k.metric_key
