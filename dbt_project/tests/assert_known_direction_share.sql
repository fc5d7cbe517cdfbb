-- At least 99% of the benchmark's rows have a known metric direction (unknown stays NULL and is counted).
select count(*) as n, count(higher_is_better) as n_known
from {{ ref('fct_evaluations') }}
having count(higher_is_better) < 0.99 * count(*)
