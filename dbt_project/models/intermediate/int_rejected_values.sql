-- Records excluded from the benchmark, with the reason: a value outside the metric's possible range (e.g. an
-- accuracy of 912 in a model card: a per-mille typo), a negative error, a column that is not a performance
-- metric (parameter counts), or no finite value. Bounds come from the metric_bounds seed (first pattern wins).
-- Rows that are not models at all (human performance, random / majority baselines, oracles, null models, leaderboard
-- aggregates such as 'average' or 'previous SOTA') are rejected too: a recommender must never propose them.
with metric_bounds as (
    select metric_id, reason, min_value, max_value
    from (
        select m.metric_id, b.*, row_number() over (partition by m.metric_id order by b.pattern) as rn
        from (select distinct metric_id from {{ ref('int_records_normalized') }}) as m
        join {{ ref('metric_bounds') }} as b on regexp_matches(m.metric_id, b.pattern)
    )
    where rn = 1
),

not_models as (
    select distinct model_id
    from {{ ref('int_records_normalized') }}
    where split_part(model_id, '/', 1) = 'baseline'
        or regexp_matches(split_part(model_id, '/', -1),
            '^human([-_ ]?(performance|baseline|level|evaluation|annotators?|experts?|raters?))?([-_ (].*)?$'
            || '|human[-_ ](performance|baseline)'
            || '|^(random|majority|chance)([-_ ](baseline|guess|guessing|class|classifier|vote|encoder|chance|model))?$'
            || '|^baseline([-_ ](random|majority|model|human).*)?$|^template[-_ ]baseline$'
            || '|^(oracle|upper[-_ ]bound|lower[-_ ]bound|sota|previous[-_ ](best|sota)|state[-_ ]of[-_ ]the[-_ ]art|average|mean|median|best[-_ ]model|null[-_ ]?model)$')
)

select n.source, n.source_record_id, n.model_id, n.dataset_id, n.metric_id, n.value_raw, n.value,
    case when n.value is null or isnan(n.value) or isinf(n.value) then 'value is not a finite number'
        when x.model_id is not null then 'not a model: human performance, a baseline, an oracle or an aggregate row'
        else b.reason end as reason
from {{ ref('int_records_normalized') }} as n
left join metric_bounds as b using (metric_id)
left join not_models as x using (model_id)
where n.value is null or isnan(n.value) or isinf(n.value) or x.model_id is not null
    or (b.metric_id is not null and (
        (b.min_value is null and b.max_value is null) or n.value < b.min_value or n.value > b.max_value))
