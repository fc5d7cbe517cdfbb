select
    d.metric_id,
    d.higher_is_better,
    d.direction_basis,
    cast(count(f.metric_id) as integer) as n_evaluations
from {{ ref('int_metric_directions') }} as d
left join {{ ref('fct_evaluations') }} as f using (metric_id)
group by all
