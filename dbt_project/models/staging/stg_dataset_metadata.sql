select
    cast(source as varchar) as source,
    cast(dataset_raw as varchar) as dataset_raw,
    cast(description as varchar) as description,
    cast(task_type as varchar) as task_type,
    cast(modality as varchar) as modality,
    cast(domains as varchar) as domains,
    try_cast(release_date as date) as release_date
from {{ landing_table('datasets') }}
