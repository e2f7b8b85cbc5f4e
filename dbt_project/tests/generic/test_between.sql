{#
    Every non-null value of the column lies in [min_value, max_value]; either bound may be left out.
    Usage:  data_tests: [{between: {arguments: {min_value: 0, max_value: 100}}}]
#}
{% test between(model, column_name, min_value=none, max_value=none) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and (
      {%- if min_value is not none %} {{ column_name }} < {{ min_value }} {% else %} 1 = 0 {% endif -%}
      or
      {%- if max_value is not none %} {{ column_name }} > {{ max_value }} {% else %} 1 = 0 {% endif -%}
  )

{% endtest %}
