-- One canonical base dataset id per (source, raw dataset name, raw task), and why: 'seed' (dataset_aliases),
-- 'mteb' (an MTEB task: mteb/<name>), 'mteb_match' (a model card reporting an MTEB result under the task's HF
-- dataset path, e.g. 'mteb/sprintduplicatequestions-pairclassification' or BEIR 'scifact', whose letters and
-- digits equal exactly one MTEB task name with or without its task-type suffix), or 'rule' (lower-case slug).
with spellings as (
    select distinct source, dataset_raw, lower(task_raw) as task
    from {{ ref('stg_records') }}
),

keyed as (
    select
        *,
        trim(regexp_replace({{ clean_text('dataset_raw') }}, '[^a-z0-9._/+]+', '-', 'g'), '-') as rule_key
    from spellings
),

mteb_names as (
    select distinct 'mteb/' || rule_key as dataset_id, dataset_raw from keyed where source in ('mteb', 'mteb_raw')
),

mteb_keys as (
    select name_key, min(dataset_id) as dataset_id, count(distinct dataset_id) as n
    from (
        select dataset_id, {{ squash('dataset_raw') }} as name_key from mteb_names
        union all
        select dataset_id, {{ squash("regexp_replace(dataset_raw, '(PairClassification|Classification|Clustering|Reranking|Retrieval|STS|BitextMining)$', '')") }}
        from mteb_names
    )
    group by name_key
),

card_keys as (
    select *,
        {{ squash("regexp_replace(regexp_replace(rule_key, '^(mteb|beir)/', ''), '-(sts|pairclassification|classification|clustering|reranking|retrieval)$', '')") }}
            as name_key
    from keyed
    where source in ('hf_model_cards', 'hf_hub_live')
        and task in ('retrieval', 'classification', 'clustering', 'sts', 'pairclassification', 'reranking', 'bitextmining')
)

select
    k.source, k.dataset_raw, k.task,
    coalesce(a1.dataset_id, a2.dataset_id,
        case when k.source in ('mteb', 'mteb_raw') then 'mteb/' || k.rule_key end,
        case when m.n = 1 then m.dataset_id end,
        k.rule_key) as base_dataset_id,
    case
        when coalesce(a1.dataset_id, a2.dataset_id) is not null then 'seed'
        when k.source in ('mteb', 'mteb_raw') then 'mteb'
        when m.n = 1 then 'mteb_match'
        else 'rule'
    end as id_basis
from keyed as k
left join {{ ref('dataset_aliases') }} as a1 on a1.alias = k.rule_key
left join {{ ref('dataset_aliases') }} as a2 on a2.alias = {{ clean_text('k.dataset_raw') }} and a2.alias <> k.rule_key
left join card_keys as c
    on c.source = k.source and c.dataset_raw = k.dataset_raw and c.task is not distinct from k.task
left join mteb_keys as m on m.name_key = c.name_key
