{#
    A benchmarks mart places only what can be placed: a quartile band, a national rank and an alliance flag need
    a value and a measure with polarity, and a value of a measure with polarity always has a band and a rank.
    Usage (model level):  data_tests: [benchmark_positions_follow_polarity]
#}
{% test benchmark_positions_follow_polarity(model) %}

select *
from {{ model }}
where ((polarity = 'none' or value is null)
        and (quartile_band is not null or national_rank is not null or alliance_flag is not null))
   or (polarity <> 'none' and value is not null and (quartile_band is null or national_rank is null))

{% endtest %}
