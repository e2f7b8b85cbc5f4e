-- marts.caseload_distribution adds up, per LA and year, to what marts.workforce_indicators and the LA
-- components are computed from: case holders, cases, case holders FTE, over-limit and first-year case holders.
-- Every returns LA row from a CSWW return must match (an LA whose return has no case holders has no rows).

-- It reads several models; as a Dagster asset check it belongs to caseload_distribution.
{{ config(meta={"dagster": {"ref": {"name": "caseload_distribution"}}}) }}

with

distribution as (

    select
        old_la_code,
        time_period,
        sum(case_holders) as case_holders,
        sum(cases) as cases,
        sum(case_holders_fte) as case_holders_fte,
        sum(case when is_over_limit then case_holders else 0 end) as over_limit_case_holders,
        sum(case when is_first_year then case_holders else 0 end) as first_year_case_holders,
        sum(case when is_first_year then cases else 0 end) as first_year_cases

    from {{ ref('caseload_distribution') }}
    group by old_la_code, time_period

),

components as (

    select * from {{ ref('int_la_components') }}
    where component_source = 'csww_xml'

),

indicators as (

    select * from {{ ref('workforce_indicators') }}
    where source = 'returns' and geographic_level = 'Local authority'

),

compared as (

    select
        components.old_la_code,
        components.time_period,
        components.case_holders_count,
        coalesce(distribution.case_holders, 0) as distribution_case_holders,
        indicators.cases,
        coalesce(distribution.cases, 0) as distribution_cases,
        indicators.case_holders_fte,
        coalesce(distribution.case_holders_fte, 0) as distribution_case_holders_fte,
        components.over_limit_case_holders,
        coalesce(distribution.over_limit_case_holders, 0) as distribution_over_limit,
        components.first_year_case_holders,
        coalesce(distribution.first_year_case_holders, 0) as distribution_first_year,
        components.first_year_cases,
        coalesce(distribution.first_year_cases, 0) as distribution_first_year_cases

    from components
    inner join indicators
        on components.old_la_code = indicators.old_la_code
        and components.time_period = indicators.time_period
    left join distribution
        on components.old_la_code = distribution.old_la_code
        and components.time_period = distribution.time_period

)

select * from compared
where case_holders_count <> distribution_case_holders
   or abs(cases - distribution_cases) > 1e-9
   or abs(case_holders_fte - distribution_case_holders_fte) > 1e-6
   or over_limit_case_holders <> distribution_over_limit
   or first_year_case_holders <> distribution_first_year
   or abs(first_year_cases - distribution_first_year_cases) > 1e-9

union all

-- and no rows for an LA-year the components do not know
select
    distribution.old_la_code, distribution.time_period,
    null, distribution.case_holders, null, null, null, null, null, null, null, null, null, null
from distribution
left join components
    on distribution.old_la_code = components.old_la_code
    and distribution.time_period = components.time_period
where components.old_la_code is null
