-- One row per alliance (default: the nine English regions) and census year in which at least one member LA
-- has a current CSWW return. Regional rows are never averages of LA rates (definitions.md): each component
-- is summed over the member LAs that have a value for it, and each rate's numerator and denominator are
-- summed over the member LAs that have a value for both; the mart then applies the same formula as for LAs.

with

la_components as (

    select * from {{ ref('int_la_components') }}

),

membership as (

    select * from {{ ref('stg_reference__alliance_membership') }}

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

contributions as (

    select
        membership.alliance_code,
        membership.alliance_name,
        la_components.time_period,
        count(distinct la_components.old_la_code) as las_contributing,
        {%- for component in national_measures_of_kind('component') %}
        sum(la_components.{{ component.name }}) as {{ component.name }},
        {%- endfor %}
        {%- for rate in national_measures_of_kind('rate') %}
        sum(case
            when la_components.{{ rate.name }}_numerator is not null
                and la_components.{{ rate.name }}_denominator is not null
                then la_components.{{ rate.name }}_numerator
        end) as {{ rate.name }}_numerator,
        sum(case
            when la_components.{{ rate.name }}_numerator is not null
                and la_components.{{ rate.name }}_denominator is not null
                then la_components.{{ rate.name }}_denominator
        end) as {{ rate.name }}_denominator
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
        {%- for component in national_measures_of_kind('component') %}
        cast(contributions.{{ component.name }} as {{ type_double() }}) as {{ component.name }},
        {%- endfor %}
        {%- for rate in national_measures_of_kind('rate') %}
        cast(contributions.{{ rate.name }}_numerator as {{ type_double() }}) as {{ rate.name }}_numerator,
        cast(contributions.{{ rate.name }}_denominator as {{ type_double() }}) as {{ rate.name }}_denominator
        {{- "," if not loop.last }}
        {%- endfor %}

    from contributions
    left join expected
        on contributions.alliance_code = expected.alliance_code
        and contributions.time_period = expected.time_period

)

select * from final
