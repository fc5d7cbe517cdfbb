-- One canonical id per (source, raw model name), and why: 'seed' (model_aliases), 'rule' (the name is an org/name
-- hub id once normalised: lower-case, MTEB org__name, timm/, openclip/, OpenMMLab repo), 'name_match' (a name
-- without organisation whose letters and digits equal those of exactly one org/name id known from any source,
-- in sources that spell hub names, e.g. alpaca_eval 'gpt4_1106_preview' = 'openai/gpt-4-1106-preview'), or
-- 'namespace' (no match: the source's namespace from stg_sources keeps it apart). A Papers-with-Code method
-- name is never a hub id, even when it contains a slash ('9-layer model w/ 2 layers ...').
with spellings as (
    select source, model_raw, max(repo) as repo
    from (
        select distinct source, model_raw,
            case when source = 'openmmlab' then split_part(source_file, '/', 2) end as repo
        from {{ ref('stg_records') }}
        union all
        select distinct source, model_raw, null as repo
        from {{ ref('stg_model_metadata') }}
    )
    where model_raw is not null and trim(model_raw) <> ''
    group by source, model_raw
),

keyed as (
    select
        s.source, s.model_raw, p.model_namespace, p.match_bare_names,
        {{ model_key('s.source', 's.model_raw', 's.repo') }} as rule_key
    from spellings as s
    join {{ ref('stg_sources') }} as p using (source)
),

seeded as (
    select k.*, coalesce(a1.model_id, a2.model_id) as seed_id
    from keyed as k
    left join {{ ref('model_aliases') }} as a1 on a1.alias = k.rule_key
    left join {{ ref('model_aliases') }} as a2 on a2.alias = lower(trim(k.model_raw)) and a2.alias <> k.rule_key
),

org_ids as (
    select distinct coalesce(seed_id, rule_key) as model_id
    from seeded
    where strpos(coalesce(seed_id, rule_key), '/') > 0 and (seed_id is not null or model_namespace <> 'pwc')
),

candidates as (
    select {{ squash("split_part(model_id, '/', -1)") }} as name_key, min(model_id) as model_id,
        count(*) as n_candidates
    from org_ids
    group by 1
)

select
    s.source,
    s.model_raw,
    s.rule_key,
    case
        when s.seed_id is not null then s.seed_id
        when strpos(s.rule_key, '/') > 0 and s.model_namespace <> 'pwc' then s.rule_key
        when s.match_bare_names and c.n_candidates = 1 then c.model_id
        else s.model_namespace || '/' || s.rule_key
    end as model_id,
    case
        when s.seed_id is not null then 'seed'
        when strpos(s.rule_key, '/') > 0 and s.model_namespace <> 'pwc' then 'rule'
        when s.match_bare_names and c.n_candidates = 1 then 'name_match'
        else 'namespace'
    end as id_basis
from seeded as s
left join candidates as c
    on strpos(s.rule_key, '/') = 0 and c.name_key = {{ squash('s.rule_key') }} and c.name_key <> ''
