{#
    The body of marts.benchmarks and marts.benchmarks_published: one SQL, two inputs.

    benchmarks_model(published_only=false) is marts.benchmarks:
    marts.benchmarks (outputs.md, definitions.md "Benchmarks"): one row per LA, time_period and measure of
    benchmark_measures(). The LAs of a year are those with a returns row in marts.workforce_indicators, plus
    the published LA rows of LAs without a returns row that year (source says which gave the value).
      region_value      the returns-based row of the LA's alliance if there is one that year, else the published
                        row of the LA's region (London as one)
      sn_median/count   median (linear interpolation) of the LA's 10 DfE statistical neighbours that have a value,
                        and how many that is (0: median null)
      england_value     the returns-based National row if there is one that year, else the published England row
      quartile_band     A to D by percent_rank of the polarity-adjusted value among all LAs with a value:
                        A [0, 0.25), B [0.25, 0.5), C [0.5, 0.75), D [0.75, 1]; A best. Tied values share a
                        percent_rank (from rank()), so ties always share a band, the band of their best position
      national_rank     rank() of the polarity-adjusted value: 1 = best, ties take the lower rank (1, 1, 3)
      change_from_previous  value - the LA's value for time_period - 1 (the measure's unit: points for rates)
      alliance_flag     percent_rank among the alliance's member LAs with a value (at least 2): top20 when
                        <= 0.2, bottom20 when >= 0.8
    Band, rank and flag are null for measures without polarity and for null values.

    benchmarks_model(published_only=true) is marts.benchmarks_published: the same columns and the same
    computations over the rows of marts.workforce_indicators with source = 'published' only, so every LA
    value, region_value and england_value is the published figure, and bands, ranks, statistical-neighbour
    medians, changes and alliance flags are worked out among published LA values alone (what a public viewer
    may see). With no returns rows, the 'returns' branches below find nothing and fall back to published.
#}
{% macro benchmarks_model(published_only=false) %}

{%- set measures = benchmark_measures() %}

with

indicators as (

    select * from {{ ref('workforce_indicators') }}
    {%- if published_only %}
    where source = 'published'  -- LA, region and England all from the published file
    {%- endif %}

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

membership as (

    -- An LA's alliance: the first by code if a configuration puts an LA in more than one.
    select
        old_la_code,
        min(alliance_code) as alliance_code

    from {{ ref('stg_reference__alliance_membership') }}
    group by old_la_code

),

neighbours as (

    select * from {{ ref('stg_reference__statistical_neighbours') }}

),

long_values as (

    {%- for measure in measures %}
    select
        source,
        geographic_level,
        region_code,
        old_la_code,
        la_name,
        time_period,
        cast('{{ measure.name }}' as {{ dbt.type_string() }}) as measure,
        cast('{{ measure.polarity }}' as {{ dbt.type_string() }}) as polarity,
        cast({{ measure.name }} as {{ type_double() }}) as value
    from indicators
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

returns_las as (

    select distinct old_la_code, time_period
    from indicators
    where source = 'returns' and geographic_level = 'Local authority'

),

la_values as (

    select
        long_values.source,
        long_values.old_la_code,
        long_values.la_name,
        coalesce(local_authorities.region_code, long_values.region_code) as region_code,
        membership.alliance_code,
        long_values.time_period,
        long_values.measure,
        long_values.polarity,
        long_values.value,
        case long_values.polarity
            when 'low' then long_values.value
            when 'high' then -long_values.value
        end as adjusted_value

    from long_values
    left join local_authorities
        on long_values.old_la_code = local_authorities.old_la_code
        and long_values.time_period between local_authorities.active_from_year
            and local_authorities.active_to_year
    left join membership
        on long_values.old_la_code = membership.old_la_code
    where long_values.geographic_level = 'Local authority'
      and long_values.old_la_code is not null
      and (
        long_values.source = 'returns'
        or not exists (
            select 1 from returns_las
            where returns_las.old_la_code = long_values.old_la_code
              and returns_las.time_period = long_values.time_period
        )
      )

),

returns_regions as (

    select distinct region_code, time_period
    from indicators
    where source = 'returns' and geographic_level = 'Regional'

),

returns_national as (

    select distinct time_period
    from indicators
    where source = 'returns' and geographic_level = 'National'
      and las_contributing = las_expected  -- England from returns only where every LA sent one

),

comparators as (

    select
        la_values.old_la_code,
        la_values.time_period,
        la_values.measure,
        case
            when returns_regions.region_code is not null then returns_region.value
            else published_region.value
        end as region_value,
        case
            when returns_national.time_period is not null then returns_england.value
            else published_england.value
        end as england_value

    from la_values
    left join returns_regions
        on la_values.alliance_code = returns_regions.region_code
        and la_values.time_period = returns_regions.time_period
    left join long_values as returns_region
        on returns_region.source = 'returns'
        and returns_region.geographic_level = 'Regional'
        and returns_region.region_code = la_values.alliance_code
        and returns_region.time_period = la_values.time_period
        and returns_region.measure = la_values.measure
    left join long_values as published_region
        on published_region.source = 'published'
        and published_region.geographic_level = 'Regional'
        and published_region.region_code = la_values.region_code
        and published_region.time_period = la_values.time_period
        and published_region.measure = la_values.measure
    left join returns_national
        on la_values.time_period = returns_national.time_period
    left join long_values as returns_england
        on returns_england.source = 'returns'
        and returns_england.geographic_level = 'National'
        and returns_england.time_period = la_values.time_period
        and returns_england.measure = la_values.measure
    left join long_values as published_england
        on published_england.source = 'published'
        and published_england.geographic_level = 'National'
        and published_england.time_period = la_values.time_period
        and published_england.measure = la_values.measure

),

statistical_neighbours as (

    select
        la_values.old_la_code,
        la_values.time_period,
        la_values.measure,
        {{ percentile_cont('neighbour_values.value', 0.5) }} as sn_median,
        count(neighbour_values.value) as sn_count

    from la_values
    inner join neighbours
        on la_values.old_la_code = neighbours.old_la_code
    inner join la_values as neighbour_values
        on neighbours.neighbour_old_la_code = neighbour_values.old_la_code
        and la_values.time_period = neighbour_values.time_period
        and la_values.measure = neighbour_values.measure
    where neighbour_values.value is not null
    group by la_values.old_la_code, la_values.time_period, la_values.measure

),

national_positions as (

    select
        old_la_code,
        time_period,
        measure,
        rank() over (partition by time_period, measure order by adjusted_value) as national_rank,
        percent_rank() over (partition by time_period, measure order by adjusted_value) as national_percent_rank

    from la_values
    where adjusted_value is not null

),

alliance_positions as (

    select
        old_la_code,
        time_period,
        measure,
        count(*) over (partition by alliance_code, time_period, measure) as alliance_las_with_value,
        percent_rank() over (partition by alliance_code, time_period, measure order by adjusted_value)
            as alliance_percent_rank

    from la_values
    where adjusted_value is not null
      and alliance_code is not null

),

final as (

    select
        cast(la_values.old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(la_values.la_name as {{ dbt.type_string() }}) as la_name,
        cast(la_values.time_period as {{ dbt.type_int() }}) as time_period,
        cast(la_values.measure as {{ dbt.type_string() }}) as measure,
        cast(la_values.value as {{ type_double() }}) as value,
        cast(comparators.region_value as {{ type_double() }}) as region_value,
        cast(statistical_neighbours.sn_median as {{ type_double() }}) as sn_median,
        cast(coalesce(statistical_neighbours.sn_count, 0) as {{ dbt.type_int() }}) as sn_count,
        cast(comparators.england_value as {{ type_double() }}) as england_value,
        cast(case
            when national_positions.national_percent_rank < 0.25 then 'A'
            when national_positions.national_percent_rank < 0.5 then 'B'
            when national_positions.national_percent_rank < 0.75 then 'C'
            when national_positions.national_percent_rank <= 1 then 'D'
        end as {{ dbt.type_string() }}) as quartile_band,
        cast(national_positions.national_rank as {{ dbt.type_int() }}) as national_rank,
        cast(la_values.value - previous_year.value as {{ type_double() }}) as change_from_previous,
        cast(case
            when alliance_positions.alliance_las_with_value < 2 then null
            when alliance_positions.alliance_percent_rank <= 0.2 then 'top20'
            when alliance_positions.alliance_percent_rank >= 0.8 then 'bottom20'
        end as {{ dbt.type_string() }}) as alliance_flag,
        cast(la_values.region_code as {{ dbt.type_string() }}) as region_code,
        cast(la_values.alliance_code as {{ dbt.type_string() }}) as alliance_code,
        cast(la_values.polarity as {{ dbt.type_string() }}) as polarity,
        cast(la_values.source as {{ dbt.type_string() }}) as source

    from la_values
    left join comparators
        on la_values.old_la_code = comparators.old_la_code
        and la_values.time_period = comparators.time_period
        and la_values.measure = comparators.measure
    left join statistical_neighbours
        on la_values.old_la_code = statistical_neighbours.old_la_code
        and la_values.time_period = statistical_neighbours.time_period
        and la_values.measure = statistical_neighbours.measure
    left join national_positions
        on la_values.old_la_code = national_positions.old_la_code
        and la_values.time_period = national_positions.time_period
        and la_values.measure = national_positions.measure
    left join alliance_positions
        on la_values.old_la_code = alliance_positions.old_la_code
        and la_values.time_period = alliance_positions.time_period
        and la_values.measure = alliance_positions.measure
    left join la_values as previous_year
        on la_values.old_la_code = previous_year.old_la_code
        and la_values.time_period - 1 = previous_year.time_period
        and la_values.measure = previous_year.measure

)

select * from final

{% endmacro %}
