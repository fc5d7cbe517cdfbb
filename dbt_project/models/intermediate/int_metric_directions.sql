-- One direction per metric: the seed, else what the sources state (when they agree), else a reviewed name
-- pattern from the patterns seed. Anything else stays NULL (unknown) and is excluded from ranking lists.
with metrics as (
    select
        metric_id,
        count(*) as n_records,
        count(source_higher_is_better) as n_stated,
        bool_and(source_higher_is_better) as all_stated_higher,
        bool_or(source_higher_is_better) as any_stated_higher
    from {{ ref('int_records_normalized') }}
    group by metric_id
),

pattern_hits as (
    select m.metric_id, p.higher_is_better, p.priority,
        row_number() over (partition by m.metric_id order by p.priority, p.pattern) as rn
    from metrics as m
    join {{ ref('metric_direction_patterns') }} as p on regexp_matches(m.metric_id, p.pattern)
)

select
    m.metric_id,
    m.n_records,
    case
        when s.higher_is_better is not null then s.higher_is_better
        when m.n_stated > 0 and m.all_stated_higher = m.any_stated_higher then m.all_stated_higher
        else ph.higher_is_better
    end as higher_is_better,
    case
        when s.higher_is_better is not null then 'seed'
        when m.n_stated > 0 and m.all_stated_higher = m.any_stated_higher then 'source'
        when ph.higher_is_better is not null then 'pattern'
        else 'unknown'
    end as direction_basis
from metrics as m
left join {{ ref('metric_directions') }} as s on s.metric_id = m.metric_id
left join pattern_hits as ph on ph.metric_id = m.metric_id and ph.rn = 1
