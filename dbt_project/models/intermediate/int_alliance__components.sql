-- One row per alliance (default: the nine English regions; plus England, alliance_code E92000001, whose
-- members are every LA) and census year in which at least one member LA
-- has a current CSWW return. Regional rows are never averages of LA rates (definitions.md): each component
-- is summed over the member LAs that have a value for it, and each rate's numerator and denominator are
-- summed over the member LAs that have a value for both; the mart then applies the same formula as for LAs.
-- Distribution measures (caseload_median, caseload_p90, caseload_per_fte_median) are percentiles over the
-- POOLED case-holder records of the member LAs (never a summary of LA percentiles), with the pooled counts.

{%- set distributions = strengthened_measures_of_kind('distribution') %}

with

la_components as (

    select * from {{ ref('int_la_components') }}

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

membership as (

    -- the alliances as configured, and England (every LA) for the National row computed from returns
    select alliance_code, alliance_name, old_la_code
    from {{ ref('stg_reference__alliance_membership') }}

    union all

    select distinct
        '{{ var("england_code") }}' as alliance_code,
        'England' as alliance_name,
        old_la_code
    from local_authorities

),

workers as (

    select * from {{ ref('int_csww__workers_classified') }}

),

pooled as (

    select
        membership.alliance_code,
        workers.census_year as time_period,
        sum(case when workers.is_case_holder then 1 else 0 end) as case_holders_count,
        sum(case when workers.is_case_holder and workers.fte_at_reference > 0 then 1 else 0 end)
            as case_holders_with_fte_count,
        {%- for measure in distributions %}
        {{ percentile_cont('case when workers.is_case_holder then workers.' ~ measure.value ~ ' end', measure.fraction) }}
            as {{ measure.name }}{{ "," if not loop.last }}
        {%- endfor %}

    from workers
    inner join membership
        on workers.old_la_code = membership.old_la_code
    group by membership.alliance_code, workers.census_year

),

contributions as (

    select
        membership.alliance_code,
        membership.alliance_name,
        la_components.time_period,
        count(distinct la_components.old_la_code) as las_contributing,
        {%- for component in indicator_measures_of_kind('component') %}
        {{ exact_sum('la_components.' ~ component.name) }} as {{ component.name }},
        {%- endfor %}
        {%- for rate in indicator_measures_of_kind('rate') %}
        {{ exact_sum('case
            when la_components.' ~ rate.name ~ '_numerator is not null
                and la_components.' ~ rate.name ~ '_denominator is not null
                then la_components.' ~ rate.name ~ '_numerator
        end') }} as {{ rate.name }}_numerator,
        {{ exact_sum('case
            when la_components.' ~ rate.name ~ '_numerator is not null
                and la_components.' ~ rate.name ~ '_denominator is not null
                then la_components.' ~ rate.name ~ '_denominator
        end') }} as {{ rate.name }}_denominator
        {{- "," if not loop.last }}
        {%- endfor %}

    from la_components
    inner join membership
        on la_components.old_la_code = membership.old_la_code
    group by
        membership.alliance_code,
        membership.alliance_name,
        la_components.time_period

),

expected as (

    -- Member LAs that existed in the year (ref_local_authorities first_year to last_year, open-ended at the
    -- seed's edges: see stg_reference__local_authorities).
    select
        contributions.alliance_code,
        contributions.time_period,
        count(distinct membership.old_la_code) as las_expected

    from contributions
    inner join membership
        on contributions.alliance_code = membership.alliance_code
    inner join local_authorities
        on membership.old_la_code = local_authorities.old_la_code
        and contributions.time_period between local_authorities.active_from_year
            and local_authorities.active_to_year
    group by
        contributions.alliance_code,
        contributions.time_period

),

final as (

    select
        contributions.alliance_code,
        contributions.alliance_name,
        contributions.time_period,
        cast(contributions.las_contributing as {{ dbt.type_int() }}) as las_contributing,
        cast(coalesce(expected.las_expected, 0) as {{ dbt.type_int() }}) as las_expected,
        {%- for component in indicator_measures_of_kind('component') %}
        cast(contributions.{{ component.name }} as {{ type_double() }}) as {{ component.name }},
        {%- endfor %}
        {%- for rate in indicator_measures_of_kind('rate') %}
        cast(contributions.{{ rate.name }}_numerator as {{ type_double() }}) as {{ rate.name }}_numerator,
        cast(contributions.{{ rate.name }}_denominator as {{ type_double() }}) as {{ rate.name }}_denominator,
        {%- endfor %}
        {%- for measure in distributions %}
        cast(pooled.{{ measure.name }} as {{ type_double() }}) as {{ measure.name }},
        {%- endfor %}
        cast(pooled.case_holders_count as {{ type_double() }}) as case_holders_count,
        cast(pooled.case_holders_with_fte_count as {{ type_double() }}) as case_holders_with_fte_count

    from contributions
    left join expected
        on contributions.alliance_code = expected.alliance_code
        and contributions.time_period = expected.time_period
    left join pooled
        on contributions.alliance_code = pooled.alliance_code
        and contributions.time_period = pooled.time_period

)

select * from final
