-- The published EES indicators (R3), wide: one row per geography and time_period with every measure of
-- national_measures() and its <measure>_status, in the mart's column order. A measure the file held keeps
-- its published value (status null) or its symbol (value null, status c/low/u/x/z); a measure the file's
-- layout did not hold (an older release) is null with status 'x' (not available). Measures without a status
-- column (fte_missing_records) are not published: null.
-- The Inner and Outer London regional rows are left out: they are sub-regions, and London's regional row
-- (E12000007) is the one that counts.

{%- set measures = indicator_measures() %}

with

published as (

    select * from {{ ref('stg_ees__published_indicators') }}
    where not is_london_subregion

),

pivoted as (

    select
        time_period,
        geographic_level,
        region_code,
        old_la_code,
        max(time_identifier) as time_identifier,
        max(country_code) as country_code,
        max(country_name) as country_name,
        max(region_name) as region_name,
        max(new_la_code) as new_la_code,
        max(la_name) as la_name,
        {%- for measure in measures %}
        max(case when measure = '{{ measure.name }}' then value end) as {{ measure.name }},
        {%- if measure.has_status %}
        max(case when measure = '{{ measure.name }}' then status end) as {{ measure.name }}_symbol,
        {%- endif %}
        {%- endfor %}
        count(*) as measures_published

    from published
    group by time_period, geographic_level, region_code, old_la_code

),

final as (

    select
        time_period,
        time_identifier,
        geographic_level,
        country_code,
        country_name,
        region_code,
        region_name,
        old_la_code,
        new_la_code,
        la_name,
        {%- for measure in measures %}
        cast({{ measure.name }} as {{ type_double() }}) as {{ measure.name }},
        {%- endfor %}
        {%- for measure in measures if measure.has_status %}
        cast(
            case
                when {{ measure.name }}_symbol is not null then {{ measure.name }}_symbol
                when {{ measure.name }} is null then 'x'
            end as {{ dbt.type_string() }}
        ) as {{ measure.name }}_status,
        {%- endfor %}
        measures_published

    from pivoted

)

select * from final
