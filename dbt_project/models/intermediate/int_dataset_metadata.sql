-- Side information of every base dataset (description, raw task, modality, domains), keyed like the records.
with keyed as (
    select d.*, coalesce(i.base_dataset_id,
        trim(regexp_replace({{ clean_text('d.dataset_raw') }}, '[^a-z0-9._/+]+', '-', 'g'), '-')) as base_dataset_id
    from {{ ref('stg_dataset_metadata') }} as d
    left join (select distinct source, dataset_raw, base_dataset_id from {{ ref('int_dataset_ids') }}) as i
        using (source, dataset_raw)
)

select
    base_dataset_id,
    arg_max(description, length(description)) as description,
    mode(task_type) as task_type,
    mode(modality) as modality,
    arg_max(domains, length(domains)) as domains,
    min(release_date) as release_date
from keyed
group by base_dataset_id
