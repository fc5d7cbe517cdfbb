-- Every row of known direction carries a signed value and a z-score; unknown direction carries neither.
select model_id, dataset_id, metric_id
from {{ ref('fct_evaluations') }}
where (higher_is_better is not null and (signed_value is null or z_score is null))
    or (higher_is_better is null and (signed_value is not null or z_score is not null))
