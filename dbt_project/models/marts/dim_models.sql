-- Every model with at least one evaluation, with what cold-start ranking needs. Family: the first matching
-- pattern of the model_families seed over the name (after the organisation), else the name's leading letters.
-- Params: the sources' count, else a size written in the name (7b, 1.5B, 350m, 8x7b).
with evals as (
    select model_id, count(*) as n_evaluations
    from {{ ref('fct_evaluations') }}
    group by model_id
),

spellings as (
    select
        n.model_id,
        to_json(list(distinct n.model_raw order by n.model_raw)) as aliases,
        string_agg(distinct n.source, ',' order by n.source) as sources
    from {{ ref('int_records_normalized') }} as n
    anti join {{ ref('int_rejected_values') }} as x using (source, source_record_id)
    group by n.model_id
),

named as (
    select e.*, lower(split_part(e.model_id, '/', -1)) as name
    from evals as e
),

family_hits as (
    select n.model_id, f.family,
        row_number() over (partition by n.model_id order by f.priority, length(f.pattern) desc, f.family) as rn
    from named as n
    join {{ ref('model_families') }} as f on regexp_matches(n.name, f.pattern)
),

name_size as (
    select model_id,
        regexp_extract(name, '(^|[^a-z0-9.])(\d+x)?(\d+(\.\d+)?)([bm])([^a-z]|$)', ['pre', 'experts', 'num', 'frac', 'unit', 'post']) as m
    from named
)

select
    n.model_id,
    coalesce(md.organization, case when p.model_namespace is null then split_part(n.model_id, '/', 1) end)
        as organization,
    coalesce(fh.family, nullif(regexp_extract(n.name, '^([a-z]+)', 1), ''), 'other') as family,
    md.base_model,
    coalesce(md.params,
        case when ns.m.num <> '' then
            cast(ns.m.num as double) * coalesce(try_cast(nullif(replace(ns.m.experts, 'x', ''), '') as double), 1)
            * case ns.m.unit when 'b' then 1e9 else 1e6 end
        end) as params,
    case when md.params is not null then 'source' when ns.m.num <> '' then 'name' end as params_basis,
    md.release_date,
    md.card_text,
    md.tags,
    md.library,
    md.pipeline_tag,
    cast(n.n_evaluations as integer) as n_evaluations,
    cast(s.aliases as varchar) as aliases,
    s.sources,
    cast(len(string_split(s.sources, ',')) as integer) as n_sources
from named as n
left join {{ ref('int_model_metadata') }} as md using (model_id)
left join spellings as s using (model_id)
left join family_hits as fh on fh.model_id = n.model_id and fh.rn = 1
left join name_size as ns on ns.model_id = n.model_id
left join (select distinct model_namespace from {{ ref('stg_sources') }}) as p
    on p.model_namespace = split_part(n.model_id, '/', 1)
