-- Per-list z-scores have mean 0 (lists of known direction).
select list_id, avg(z_score) as mean_z
from {{ ref('fct_evaluations') }}
where z_score is not null
group by list_id
having abs(avg(z_score)) > 1e-6
