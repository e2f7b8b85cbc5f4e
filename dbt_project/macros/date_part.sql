{# extract(part from column): portable across DuckDB and PostgreSQL #}
{% macro date_part(part, column) -%}
    extract({{ part }} from {{ column }})
{%- endmacro %}
