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

{# A model name without its variant: a trailing parenthesis ('Claude Opus 4 (thinking-16k)', 'DeepSeek-V3 (Nov 2024)'),
   reasoning effort ('o3-2025-04-16_high', '-high', '-xhigh-effort'; never '-medium', a size in 'gpt2-medium'),
   thinking budget ('-thinking-32k', '_16K'), a weights precision ('-bf16') and a release date ('-20250219',
   '-2025-04-14', '-01-29-2025', '-0613'), stripped from the end, in that order, twice (a date may sit before an
   effort). What stays apart: '-chat', '-mini', '-instruct', '-base', sizes, '-preview', '-32k'. #}
{% macro model_base(expr) -%}
    {%- set strip = [
        "\s*\([^()]*\)\s*$",
        "_(x?high|medium|low|minimal)$|-(x?high|medium|low|minimal)-effort$|-(x?high|low)$",
        "[-_ ](thinking|reasoning)([-_ ]\d+k)?$|_\d+k$",
        "[-_ ](bf16|fp8)$",
        "[-_ ](20\d\d-?[01]\d-?[0-3]\d|[01]\d-[0-3]\d-20\d\d|[01]\d[0-3]\d)$",
    ] -%}
    {%- set ns = namespace(out="lower(trim(" ~ expr ~ "))") -%}
    {%- for _ in range(2) -%}
        {%- for pattern in strip -%}
            {%- set ns.out = "regexp_replace(" ~ ns.out ~ ", '" ~ pattern ~ "', '')" -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ ns.out }}
{%- endmacro %}

{# What a bare name is matched on: the letters and digits of its base, without a '-hf' (Hugging Face format) tail. #}
{% macro match_key(expr) -%}
    {{ squash("regexp_replace(" ~ model_base(expr) ~ ", '[-_]hf$', '')") }}
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
