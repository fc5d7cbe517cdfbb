-- Every landed record of every source, one schema.
{% for src in var('record_sources') %}
select * from {{ ref('stg_' ~ src) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
