-- A rejected raw value never reaches the benchmark: no fct row is built only from rejected records.
select f.model_id, f.dataset_id, f.metric_id
from {{ ref('fct_evaluations') }} as f
join {{ ref('int_rejected_values') }} as x using (model_id, dataset_id, metric_id)
left join {{ ref('int_evaluations_scaled') }} as s using (model_id, dataset_id, metric_id)
where s.model_id is null
