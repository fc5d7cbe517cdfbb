-- Side information of every base dataset, with the raw task mapped through the task taxonomy seed.
with keyed as (
    select
        d.*,
        coalesce(da.dataset_id, {{ slug('d.dataset_raw') }}) as base_dataset_id
    from {{ ref('stg_dataset_metadata') }} as d
    left join {{ ref('dataset_aliases') }} as da on da.alias = {{ slug('d.dataset_raw') }}
)

select
    base_dataset_id,
    arg_max(description, length(description)) as description,
    max(task_type) as task_type,
    max(modality) as modality,
    arg_max(domains, length(domains)) as domains
from keyed
group by base_dataset_id
