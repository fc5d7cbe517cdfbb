-- Deduplication loses no record silently: n_raw_records over fct adds up to the scaled (non-rejected) records.
select (select sum(n_raw_records) from {{ ref('fct_evaluations') }}) as in_fct,
       (select count(*) from {{ ref('int_evaluations_scaled') }}) as scaled
where (select sum(n_raw_records) from {{ ref('fct_evaluations') }})
    <> (select count(*) from {{ ref('int_evaluations_scaled') }})
