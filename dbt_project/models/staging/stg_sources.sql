-- The declaration of every landed source (orchestration/sources/registry.py, one row per landing folder).
select
    cast(name as varchar) as source,
    cast(namespace as varchar) as model_namespace,
    cast(precedence as integer) as precedence,
    cast(match_bare_names as boolean) as match_bare_names,
    cast(family as varchar) as source_family,
    cast(live as boolean) as live
from {{ landing_table('source') }}
