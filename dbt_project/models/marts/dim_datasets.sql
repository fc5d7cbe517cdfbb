-- Every dataset (config and split included) with description, canonical task and modality. The task is looked
-- up in the task_taxonomy seed by, in order: the base dataset id (e.g. 'ifeval'), the records' raw task, the
-- leaderboard (dataset_config of every_eval_ever, e.g. 'rewardbench'), the dataset metadata's task type, an
-- MTEB-style task suffix in the name (...Retrieval, ...Clustering), the source; else 'other'.
-- For the time-aware protocol: introduced_date (the benchmark's own date where the metadata has one, else its
-- earliest dated record), benchmark (siblings share it: languages, subsets, splits, versions, task-type variants)
-- and suite (the group a leave-one-suite-out split holds out), plus the source family results are reported by.
with recs as (
    select n.*
    from {{ ref('int_records_normalized') }} as n
    anti join {{ ref('int_rejected_values') }} as x using (source, source_record_id)
),

spellings as (
    select
        dataset_id,
        any_value(base_dataset_id) as base_dataset_id,
        mode(dataset_raw) as display_name,
        mode(lower(task_raw)) as task_raw,
        mode(case when source = 'every_eval_ever' then lower(dataset_config) end) as leaderboard,
        mode(source) as main_source,
        min(snapshot_date) as first_snapshot,
        to_json(list(distinct dataset_raw order by dataset_raw)) as aliases,
        string_agg(distinct source, ',' order by source) as sources
    from recs
    group by dataset_id
),

evals as (
    select dataset_id, count(*) as n_evaluations
    from {{ ref('fct_evaluations') }}
    group by dataset_id
),

keyed as (
    select e.dataset_id, e.n_evaluations, s.* exclude (dataset_id), m.description, m.task_type, m.modality, m.domains,
        m.release_date,
        coalesce(t1.task, t2.task, t3.task, t4.task, t6.task, t5.task) as task,
        coalesce(t1.modality, t2.modality, t3.modality, t4.modality, t6.modality, t5.modality) as taxonomy_modality
    from evals as e
    join spellings as s using (dataset_id)
    left join {{ ref('int_dataset_metadata') }} as m using (base_dataset_id)
    left join {{ ref('task_taxonomy') }} as t1 on t1.task_raw = s.base_dataset_id
    left join {{ ref('task_taxonomy') }} as t2 on t2.task_raw = s.task_raw
    left join {{ ref('task_taxonomy') }} as t3 on t3.task_raw = s.leaderboard
    left join {{ ref('task_taxonomy') }} as t4 on t4.task_raw = lower(m.task_type)
    left join {{ ref('task_taxonomy') }} as t5 on t5.task_raw = s.main_source
    left join {{ ref('task_taxonomy') }} as t6 on t6.task_raw = lower(regexp_extract(s.display_name,
        '(PairClassification|MultilabelClassification|Classification|Clustering|Reranking|Retrieval|STS|BitextMining)', 1))
),

final as (
    select *,
        coalesce(taxonomy_modality, case when strpos(modality, ',') > 0 then 'multimodal' else lower(modality) end,
            'unknown') as modality_final,
        coalesce(task, 'other') as task_final,
        (select any_value(d.source_family) from {{ ref('stg_sources') }} as d where d.source = main_source)
            as declared_family,
        trim(regexp_replace(regexp_replace(regexp_replace(lower(base_dataset_id),
            '(instructionretrieval|instructionreranking|pairclassification|multilabelclassification|classification|clustering|reranking|retrieval|sts|bitextmining)$', ''),
            '[-_.](pl|fa|nl|ar|zh|ja|ko|de|fr|es|it|ru|pt|vi|tr|hi|bn|id|th|sv|da|no|fi|cs|el|he|hu|ro|uk|en|cn|fr)$', ''),
            '[-_.]?v?[0-9]+([._][0-9]+)*$', ''), '-_./') as benchmark_key
    from keyed
)

select
    dataset_id,
    base_dataset_id,
    display_name,
    description,
    task_final as task,
    task_raw,
    modality_final as modality,
    coalesce(domains, '[]') as domains,
    cast(n_evaluations as integer) as n_evaluations,
    cast(aliases as varchar) as aliases,
    sources,
    case when coalesce(release_date, try_cast(first_snapshot as date)) >= date '1990-01-01'
        then coalesce(release_date, try_cast(first_snapshot as date)) end as introduced_date,
    main_source,
    coalesce(nullif(benchmark_key, ''), lower(base_dataset_id)) as benchmark,
    case
        when main_source in ('mteb', 'mteb_raw') or base_dataset_id like 'mteb/%' then 'mteb:' || task_final
        when main_source = 'every_eval_ever' then 'every_eval_ever:' || coalesce(leaderboard, task_final)
        when main_source = 'gift_eval' then 'gift_eval:' || regexp_extract(lower(base_dataset_id), '^[a-z]+', 0)
        else main_source || ':' || task_final
    end as suite,
    case
        when base_dataset_id like 'mteb/%' then 'mteb'
        when declared_family is not null then declared_family
        when modality_final in ('image', 'video', 'image-text', '3d') then 'vision'
        when modality_final = 'audio' then 'speech'
        when modality_final = 'time-series' then 'time_series'
        when modality_final = 'tabular' then 'tabular'
        else 'other'
    end as source_family
from final
