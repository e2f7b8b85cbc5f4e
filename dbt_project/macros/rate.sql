{#
    The one place where a rate is computed from its numerator and denominator, for every geography.

    safe_rate: scale x numerator / denominator, null when the numerator or the denominator is null or the
    denominator is 0. Dividing before scaling keeps a share of a whole at most exactly 100
    (a / (a + b) <= 1 in floating point, and 1 x 100 = 100).
#}
{% macro safe_rate(numerator, denominator, scale=100) -%}
    case
        when ({{ numerator }}) is null or ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast({{ numerator }} as {{ type_double() }}) / ({{ denominator }}) * {{ scale }}
    end
{%- endmacro %}


{#
    The EES status of a rate computed with safe_rate: 'z' (not applicable) when the denominator is 0,
    'x' (not available) when the numerator or the denominator is missing, null when the rate has a value.
#}
{% macro rate_status(numerator, denominator) -%}
    case
        when ({{ denominator }}) = 0 then 'z'
        when ({{ numerator }}) is null or ({{ denominator }}) is null then 'x'
    end
{%- endmacro %}


{# The EES status of a component: 'x' (not available) when it has no value, else null. #}
{% macro value_status(value) -%}
    case when ({{ value }}) is null then 'x' end
{%- endmacro %}


{# An 8-byte float in DuckDB and PostgreSQL (dbt.type_float() is a 4-byte REAL in DuckDB). #}
{% macro type_double() -%}
    double precision
{%- endmacro %}
