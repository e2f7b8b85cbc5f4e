{#
    Use a model's custom schema name as it is (marts.workforce_indicators, not main_marts.workforce_indicators).
    Nodes without a custom schema (the seeds) land in the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
