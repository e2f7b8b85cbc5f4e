-- Every measure with a status column: the status is null exactly when the value is present
-- (a null value always says why, with 'x' or 'z'; a value never carries a symbol).

{%- set measures = indicator_measures() | selectattr('has_status') | list %}

{% for measure in measures %}
select
    time_period,
    geographic_level,
    region_code,
    old_la_code,
    '{{ measure.name }}' as measure,
    {{ measure.name }} as measure_value,
    {{ measure.name }}_status as measure_status
from {{ ref('workforce_indicators') }}
where ({{ measure.name }} is null and {{ measure.name }}_status is null)
   or ({{ measure.name }} is not null and {{ measure.name }}_status is not null)
{% if not loop.last %}union all{% endif %}
{% endfor %}
