select
    cast(source as varchar) as source,
    cast(source_file as varchar) as source_file,
    cast(locator as varchar) as locator,
    cast(reason as varchar) as reason,
    cast(excerpt as varchar) as excerpt
from {{ landing_table('quarantine') }}
