{#
    No two rows share the same values of the given columns (nulls compare equal, as in GROUP BY).
    A stand-in for dbt_utils.unique_combination_of_columns (no packages are installed).
    Usage (model level):  data_tests: [{unique_combination_of_columns: {arguments: {combination_of_columns: [a, b]}}}]
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
