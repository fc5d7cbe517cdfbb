{# Id normalisation shared by the intermediate models. Aliases from seeds override these rules. #}

{% macro clean_text(expr) -%}
    lower(trim(regexp_replace(regexp_replace({{ expr }}, '<[^>]+>', '', 'g'), '\s+', ' ', 'g')))
{%- endmacro %}

{% macro slug(expr) -%}
    trim(regexp_replace({{ clean_text(expr) }}, '[\s]+', '-', 'g'), '-')
{%- endmacro %}

{# Only letters and digits: 'gpt4_1106_preview' and 'gpt-4-1106-preview' squash to the same text. #}
{% macro squash(expr) -%}
    regexp_replace(lower({{ expr }}), '[^a-z0-9]+', '', 'g')
{%- endmacro %}

{# The id a raw model name spells by rule alone (before aliases and cross-source name matching):
   hub prefixes dropped, MTEB's org__name is org/name, timm and open_clip names live under their hub namespace,
   OpenMMLab configs under their repository (mmpretrain, mmpose ...); lower-case, blanks to '-'. #}
{% macro model_key(source, model_raw, repo) -%}
    {%- set raw = "regexp_replace(trim(" ~ model_raw ~ "), '^(https?://)?(hf\.co/|huggingface\.co/)', '')" -%}
    case
        when {{ source }} in ('mteb', 'mteb_raw') and strpos({{ raw }}, '/') = 0
            then {{ slug("replace(" ~ raw ~ ", '__', '/')") }}
        when {{ source }} = 'timm' and strpos({{ raw }}, '/') = 0 then 'timm/' || {{ slug(raw) }}
        when {{ source }} = 'open_clip' then 'openclip/' || {{ slug(raw) }}
        when {{ source }} = 'openmmlab' and {{ repo }} is not null then lower({{ repo }}) || '/' || {{ slug(raw) }}
        else {{ slug(raw) }}
    end
{%- endmacro %}

{# One table (records, models, datasets, quarantine, source) of every source in the landing zone: each source's
   folder, never a '.tmp' or '.old' folder that an interrupted landing left beside it. #}
{% macro landing_table(table) -%}
    (select * exclude (filename)
     from read_parquet('{{ env_var("MODELLENS_HOME") }}/landing/*/{{ table }}.parquet', union_by_name = true,
                       filename = true)
     where not regexp_matches(filename, '\.(tmp|old)/{{ table }}\.parquet$'))
{%- endmacro %}
