{#
    percentile_cont(value, fraction): the continuous percentile of an aggregate, linear interpolation between
    order statistics (numpy's default, 'linear'): position (n - 1) x fraction. Nulls are ignored, so pass
    `case when <condition> then <value> end` to restrict the records. Dispatched so another warehouse can use
    its own spelling: DuckDB quantile_cont; PostgreSQL (default__) the ordered-set aggregate percentile_cont.
#}
{% macro percentile_cont(value, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont')(value, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(value, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ value }})
{%- endmacro %}

{% macro duckdb__percentile_cont(value, fraction) -%}
    quantile_cont({{ value }}, {{ fraction }})
{%- endmacro %}

{#
    The EES status of a distribution measure: 'z' (not applicable) when it is taken over no records, 'x' (not
    available) when it has no value otherwise (e.g. an LA whose components come from a workbook Summary).
#}
{% macro distribution_status(value, count) -%}
    case
        when ({{ count }}) = 0 then 'z'
        when ({{ value }}) is null then 'x'
    end
{%- endmacro %}
