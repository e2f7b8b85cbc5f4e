{#
    exact_sum: the sum of a measure of FTE (or of FTE-weighted values), exactly, returned as a double.

    A sum of doubles depends on the order the rows are added in, and DuckDB adds a group's rows in the order its
    threads finish: two full builds of the national warehouse gave different last digits for most LAs' FTE
    totals (244.50000000000003 and 244.5), enough to round a published 1.25 to 1.2 in one build and 1.3 in the
    next. Each value is read as a decimal with 12 places (far finer than any FTE or count a return holds), the
    decimals are summed exactly, whatever the order, and the total is returned as the double nearest it.
#}
{% macro exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 12))) as {{ type_double() }})
{%- endmacro %}
