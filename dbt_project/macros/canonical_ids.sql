{# Id normalisation shared by the intermediate models. Aliases from seeds override these rules. #}

{% macro clean_text(expr) -%}
    lower(trim(regexp_replace(regexp_replace({{ expr }}, '<[^>]+>', '', 'g'), '\s+', ' ', 'g')))
{%- endmacro %}

{% macro slug(expr) -%}
    trim(regexp_replace({{ clean_text(expr) }}, '[\s]+', '-', 'g'), '-')
{%- endmacro %}

{# org__name (MTEB folders) and org/name are the same id; names without an organisation get the source's namespace. #}
{% macro model_key(source, model_raw, namespace) -%}
    case
        when {{ source }} in ('mteb', 'mteb_raw') and strpos({{ model_raw }}, '/') = 0
            then {{ slug("replace(" ~ model_raw ~ ", '__', '/')") }}
        when strpos({{ clean_text(model_raw) }}, '/') > 0 then {{ slug(model_raw) }}
        else {{ namespace }} || '/' || {{ slug(model_raw) }}
    end
{%- endmacro %}

{# A side table (models, datasets, quarantine) of every source in the landing zone. #}
{% macro landing_side_table(table) -%}
    read_parquet('{{ env_var("MODELLENS_HOME") }}/landing/*/{{ table }}.parquet', union_by_name = true)
{%- endmacro %}
