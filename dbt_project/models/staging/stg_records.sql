-- Every landed record of every source (one landing folder per declared source), renamed and cast only.
select
    cast(source as varchar) as source,
    cast(source_record_id as varchar) as source_record_id,
    cast(model_raw as varchar) as model_raw,
    cast(dataset_raw as varchar) as dataset_raw,
    cast(dataset_config as varchar) as dataset_config,
    cast(dataset_split as varchar) as dataset_split,
    cast(task_raw as varchar) as task_raw,
    cast(metric_raw as varchar) as metric_raw,
    cast(value_raw as varchar) as value_raw,
    cast(value as double) as value,
    cast(higher_is_better as boolean) as source_higher_is_better,
    cast(source_file as varchar) as source_file,
    cast(source_version as varchar) as source_version,
    cast(snapshot_date as varchar) as snapshot_date,
    cast(retrieved_at as varchar) as retrieved_at
from {{ landing_table('records') }}
