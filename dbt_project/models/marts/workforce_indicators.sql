-- marts.workforce_indicators (outputs.md): one row per source, geography and time_period in the EES tidy layout.
-- source = 'returns': computed from the LAs' returns: LA rows and regional (alliance) rows. Every measure is
-- unrounded; each rate is computed by safe_rate() from its numerator and denominator, which are the LA's own
-- (int_csww__la_components) or sums over the region's LAs (int_alliance__components).
-- source = 'published': the national comparator as published on EES (int_published__indicators_wide):
-- National, Regional (the nine regions, London as one) and LA rows, values and symbols as published;
-- las_contributing and las_expected are null on these rows; the strengthened measures (not published) are null
-- with status 'x'.
-- Measures: macro indicator_measures() = national_measures() then strengthened_measures().

{%- set measure_inputs = indicator_measure_inputs() %}

with

la_components as (

    select * from {{ ref('int_la_components') }}

),

alliance_components as (

    select * from {{ ref('int_alliance__components') }}

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

published as (

    select * from {{ ref('int_published__indicators_wide') }}

),

la_rows as (

    select
        la_components.time_period,
        'Local authority' as geographic_level,
        local_authorities.region_code,
        local_authorities.region_name,
        la_components.old_la_code,
        local_authorities.new_la_code,
        local_authorities.la_name,
        cast(null as {{ dbt.type_int() }}) as las_contributing,
        cast(null as {{ dbt.type_int() }}) as las_expected,
        {%- for column in measure_inputs %}
        la_components.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}

    from la_components
    left join local_authorities
        on la_components.old_la_code = local_authorities.old_la_code
        and la_components.time_period between local_authorities.active_from_year
            and local_authorities.active_to_year

),

regional_rows as (

    select
        time_period,
        case when alliance_code = '{{ var("england_code") }}' then 'National' else 'Regional' end
            as geographic_level,
        case when alliance_code <> '{{ var("england_code") }}' then alliance_code end as region_code,
        case when alliance_code <> '{{ var("england_code") }}' then alliance_name end as region_name,
        cast(null as {{ dbt.type_string() }}) as old_la_code,
        cast(null as {{ dbt.type_string() }}) as new_la_code,
        cast(null as {{ dbt.type_string() }}) as la_name,
        las_contributing,
        las_expected,
        {%- for column in measure_inputs %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}

    from alliance_components

),

unioned as (

    select * from la_rows
    union all
    select * from regional_rows

),

returns_rows as (

    select
        cast(time_period as {{ dbt.type_int() }}) as time_period,
        cast('Reporting year' as {{ dbt.type_string() }}) as time_identifier,
        cast(geographic_level as {{ dbt.type_string() }}) as geographic_level,
        cast('E92000001' as {{ dbt.type_string() }}) as country_code,
        cast('England' as {{ dbt.type_string() }}) as country_name,
        region_code,
        region_name,
        old_la_code,
        new_la_code,
        la_name,
        cast('returns' as {{ dbt.type_string() }}) as source,

        {%- for measure in indicator_measures() %}
        {%- if measure.kind == 'rate' %}
        {{ safe_rate(measure.name ~ '_numerator', measure.name ~ '_denominator', measure.scale) }}
            as {{ measure.name }},
        {%- else %}
        cast({{ measure.name }} as {{ type_double() }}) as {{ measure.name }},
        {%- endif %}
        {%- endfor %}

        {%- for measure in indicator_measures() if measure.has_status %}
        {%- if measure.kind == 'rate' %}
        cast({{ rate_status(measure.name ~ '_numerator', measure.name ~ '_denominator') }}
            as {{ dbt.type_string() }}) as {{ measure.name }}_status,
        {%- elif measure.kind == 'distribution' %}
        cast({{ distribution_status(measure.name, measure.count) }}
            as {{ dbt.type_string() }}) as {{ measure.name }}_status,
        {%- else %}
        cast({{ value_status(measure.name) }} as {{ dbt.type_string() }}) as {{ measure.name }}_status,
        {%- endif %}
        {%- endfor %}

        las_contributing,
        las_expected

    from unioned

),

published_rows as (

    select
        cast(time_period as {{ dbt.type_int() }}) as time_period,
        cast(time_identifier as {{ dbt.type_string() }}) as time_identifier,
        cast(geographic_level as {{ dbt.type_string() }}) as geographic_level,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(country_name as {{ dbt.type_string() }}) as country_name,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(region_name as {{ dbt.type_string() }}) as region_name,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(new_la_code as {{ dbt.type_string() }}) as new_la_code,
        cast(la_name as {{ dbt.type_string() }}) as la_name,
        cast('published' as {{ dbt.type_string() }}) as source,

        {%- for measure in indicator_measures() %}
        cast({{ measure.name }} as {{ type_double() }}) as {{ measure.name }},
        {%- endfor %}

        {%- for measure in indicator_measures() if measure.has_status %}
        cast({{ measure.name }}_status as {{ dbt.type_string() }}) as {{ measure.name }}_status,
        {%- endfor %}

        cast(null as {{ dbt.type_int() }}) as las_contributing,
        cast(null as {{ dbt.type_int() }}) as las_expected

    from published

),

final as (

    select * from returns_rows
    union all
    select * from published_rows

)

select * from final
