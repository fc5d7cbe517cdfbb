-- One canonical id per (source, raw model name), the variant the name carries, and why (id_basis):
--   'seed'        model_aliases says so;
--   'declared'    the source's model row names its hub id (tag 'hf_id:org/name', from a huggingface.co link) and
--                 that id spells the same base name (a link to another model, 'Llama-2-70b-hf' -> 'llama-2-7b', is
--                 ignored);
--   'rule'        the name is an org/name hub id once normalised (lower-case, MTEB org__name, timm/, openclip/,
--                 OpenMMLab repo); 'variant_of' when it becomes another spelling of its organisation: in LLM
--                 leaderboards an org id with a variant is its base ('openai/gpt-4.1-2025-04-14' -> 'openai/gpt-4.1';
--                 hub repos of other sources keep theirs), and one organisation's spellings of one name are one id,
--                 the one most sources spell ('qwen/qwen-2.5-72b-instruct' -> 'qwen/qwen2.5-72b-instruct');
--   'name_match'  a name without organisation whose base (model_base: no date, effort, thinking budget or
--                 parenthesis; no '-hf' tail) has the letters and digits of an org id's base, in sources that spell
--                 hub names; of several organisations' ids, the one most sources spell (a tie: the one whose
--                 organisation most sources spell, the model's own rather than a re-upload), if it is the only one
--                 ('gpt4_1106_preview' = 'openai/gpt-4-1106-preview',
--                 'Claude 3.7 Sonnet (thinking-32k)' = 'anthropic/claude-3-7-sonnet-20250219');
--   'shared_name' no org id, in LLM leaderboards (API ids and display names): the bare names that share a base
--                 are one model, under the namespace of the first source (by precedence) that spells it
--                 ('claude-opus-4-5-20251101-thinking-32k' in lmarena and 'claude-opus-4-5-20251101' in Epoch);
--   'namespace'   the source's namespace from stg_sources keeps it apart.
-- In LLM leaderboards an API organisation is first replaced by its hub organisation, and an inference provider's
-- prefix dropped (api_orgs: 'deepseek/deepseek-r1' -> 'deepseek-ai/deepseek-r1', 'chutes/DeepSeek-R1-0528' -> a bare name).
-- A Papers-with-Code method name is never a hub id, even when it contains a slash ('9-layer model w/ 2 layers').
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

keyed as (  -- an LLM leaderboard's API organisation becomes its hub organisation, a provider's prefix goes (api_orgs)
    select k.source, k.model_raw, k.model_namespace, k.match_bare_names, k.precedence, k.llm_board,
        case
            when a.api_org is null then k.rule_key
            when a.hub_org is null then substr(k.rule_key, length(a.api_org) + 2)
            else a.hub_org || substr(k.rule_key, length(a.api_org) + 1)
        end as rule_key,
        case when a.api_org is not null and a.hub_org is null
            then substr(trim(k.model_raw), strpos(trim(k.model_raw), '/') + 1) else k.model_raw end as name_raw
    from (
        select
            s.source, s.model_raw, p.model_namespace, p.match_bare_names, p.precedence,
            coalesce(p.source_family = 'llm_boards', false) as llm_board,
            {{ model_key('s.source', 's.model_raw', 's.repo') }} as rule_key
        from spellings as s
        join {{ ref('stg_sources') }} as p using (source)
    ) as k
    left join {{ ref('api_orgs') }} as a
        on k.llm_board and strpos(k.rule_key, '/') > 0 and a.api_org = split_part(k.rule_key, '/', 1)
),

based as (
    select *,
        {{ match_key('name_raw') }} as base_key,
        case when llm_board then nullif(trim(substr(lower(trim(name_raw)), length(base_raw) + 1), ' -_()'), '')
            end as variant
    from (select *, {{ model_base('name_raw') }} as base_raw from keyed)
),

declared as (
    select m.source, m.model_raw, any_value(lower(regexp_extract(m.tags, '"hf_id:([^"]+/[^"]+)"', 1))) as hub_id
    from {{ ref('stg_model_metadata') }} as m
    where m.tags like '%"hf_id:%'
    group by m.source, m.model_raw
),

seeded as (
    select b.*,
        coalesce(a1.model_id, a2.model_id) as seed_id,
        case when {{ squash(model_base("split_part(d.hub_id, '/', -1)")) }} = b.base_key then d.hub_id end
            as declared_id,
        case when strpos(b.rule_key, '/') > 0 and b.model_namespace <> 'pwc' then
            case when b.llm_board
                then split_part(b.rule_key, '/', 1) || '/' || {{ slug(model_base("split_part(b.rule_key, '/', -1)")) }}
                else b.rule_key end
        end as org_id
    from based as b
    left join {{ ref('model_aliases') }} as a1 on a1.alias = b.rule_key
    left join {{ ref('model_aliases') }} as a2 on a2.alias = lower(trim(b.model_raw)) and a2.alias <> b.rule_key
    left join declared as d on d.source = b.source and d.model_raw = b.model_raw
),

spelled as (  -- every org id with its match key and how many sources spell it
    select {{ match_key("split_part(model_id, '/', -1)") }} as name_key, split_part(model_id, '/', 1) as org, model_id,
        count(distinct source) as n_sources
    from (select source, coalesce(seed_id, declared_id, org_id) as model_id from seeded)
    where strpos(model_id, '/') > 0
    group by all
),

org_spellings as (  -- one organisation's spellings of one name are one id ('qwen/qwen2.5-7b', 'qwen/qwen-2.5-7b')
    select org, name_key, first(model_id order by n_sources desc, model_id) as canonical_id
    from spelled
    group by org, name_key
),

org_breadth as (  -- how many sources spell an organisation's ids: the model's own organisation is the widest
    select org, count(distinct source) as org_sources
    from (select source, split_part(coalesce(seed_id, declared_id, org_id), '/', 1) as org from seeded)
    where org <> ''
    group by org
),

candidates as (  -- per match key, the org id most sources spell (then: of the widest organisation), if only one
    select name_key, first(canonical_id order by n_sources desc, org_sources desc, canonical_id) as model_id,
        count(*) filter (where n_sources = top and org_sources = top_org) = 1 as decided
    from (
        select *, max(org_sources) over (partition by name_key, n_sources) as top_org
        from (
            select *, max(n_sources) over (partition by name_key) as top
            from (
                select o.name_key, o.canonical_id, b.org_sources, sum(s.n_sources) as n_sources
                from org_spellings as o
                join spelled as s using (org, name_key)
                join org_breadth as b using (org)
                group by all
            )
        )
    )
    group by name_key
),

resolved as (
    select s.*,
        case
            when s.seed_id is not null then s.seed_id
            when s.declared_id is not null then s.declared_id
            when s.org_id is not null then o.canonical_id
            when s.match_bare_names and c.decided then c.model_id
        end as matched_id,
        case
            when s.seed_id is not null then 'seed'
            when s.declared_id is not null then 'declared'
            when o.canonical_id = s.rule_key then 'rule'
            when s.org_id is not null then 'variant_of'
            when s.match_bare_names and c.decided then 'name_match'
        end as matched_basis
    from seeded as s
    left join org_spellings as o
        on s.org_id is not null and o.org = split_part(s.org_id, '/', 1)
        and o.name_key = {{ match_key("split_part(s.org_id, '/', -1)") }}
    left join candidates as c on s.org_id is null and c.name_key = s.base_key and c.name_key <> ''
),

shared as (  -- unmatched bare names of LLM leaderboards, one id per base across sources and variants
    select base_key, arg_min(model_namespace || '/' || {{ slug('base_raw') }}, precedence) as shared_id
    from resolved
    where matched_id is null and llm_board and base_key <> ''
    group by base_key
)

select
    r.source,
    r.model_raw,
    r.rule_key,
    r.variant,
    coalesce(r.matched_id, sh.shared_id, r.model_namespace || '/' || r.rule_key) as model_id,
    coalesce(r.matched_basis, case when sh.shared_id is not null then 'shared_name' end, 'namespace') as id_basis
from resolved as r
left join shared as sh
    on sh.base_key = r.base_key and r.matched_id is null and r.llm_board
