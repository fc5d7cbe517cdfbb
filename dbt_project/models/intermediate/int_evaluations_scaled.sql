-- Make the scale consistent within a (dataset, metric) list: when one source reports a bounded
-- higher-is-better metric as fractions (all values in [0, 1]) and another as percent (max in (1, 100]),
-- the fractions are multiplied by 100. Rejected values (int_rejected_values) never get here.
with records as (
    select n.*, d.higher_is_better
    from {{ ref('int_records_normalized') }} as n
    join {{ ref('int_metric_directions') }} as d using (metric_id)
    anti join {{ ref('int_rejected_values') }} as x using (source, source_record_id)
),

per_source as (
    select dataset_id, metric_id, source, min(value) as lo, max(value) as hi
    from records
    group by all
),

per_list as (
    select dataset_id, metric_id, max(hi) as list_hi
    from per_source
    group by all
)

select
    r.* exclude (value),
    r.value as value_as_found,
    case
        when r.higher_is_better and s.lo >= 0 and s.hi <= 1 and l.list_hi > 1 and l.list_hi <= 100
            then r.value * 100
        else r.value
    end as value
from records as r
join per_source as s using (dataset_id, metric_id, source)
join per_list as l using (dataset_id, metric_id)
