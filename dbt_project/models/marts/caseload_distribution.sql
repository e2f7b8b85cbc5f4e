-- marts.caseload_distribution: how caseloads are spread across case holders, for the dashboard's histogram.
-- One row per LA and census year with a current CSWW submission, worker group (first-year social worker or
-- other) and exact Cases30 value, with the number of case holders holding that many cases, their FTE, the
-- caseload limit that applies to the group and whether the value is above it.
--
-- Nothing is redefined here: case holder, FTE at R, first year, the limit and "over the limit" are the
-- columns of int_csww__workers_classified (definitions.md; limits from seed team_type_limits), so the rows
-- add up to the components of marts.workforce_indicators (cases, case_holders_fte, case_holders_over_limit_pct).
-- Exact values, not bands: Cases30 is a whole number in a short range, the page can draw any histogram from
-- them and mark the 18 and 20 limits exactly, and a band would straddle a limit. The mart is worker-level
-- detail: the dashboard shows it only to viewers allowed that LA's detail (dashboards.data_access.detail).

with

workers as (

    select * from {{ ref('int_csww__workers_classified') }}
    where is_case_holder

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

grouped as (

    select
        old_la_code,
        census_year as time_period,
        submission_id,
        is_first_year,
        cases30,
        caseload_limit,
        -- every row of a group shares its limit and Cases30, so all or none are over the limit
        bool_and(is_over_limit) as is_over_limit,
        count(*) as case_holders,
        {{ exact_sum('fte_at_reference') }} as case_holders_fte,
        sum(case when fte_at_reference is null then 1 else 0 end) as fte_missing_records

    from workers
    group by old_la_code, census_year, submission_id, is_first_year, cases30, caseload_limit

),

final as (

    select
        grouped.old_la_code,
        local_authorities.la_name,
        grouped.time_period,
        grouped.submission_id,
        case when grouped.is_first_year then 'first_year' else 'other' end as worker_group,
        grouped.is_first_year,
        cast(grouped.cases30 as {{ dbt.type_int() }}) as cases30,
        cast(grouped.case_holders as {{ dbt.type_int() }}) as case_holders,
        cast(grouped.case_holders_fte as {{ type_double() }}) as case_holders_fte,
        cast(grouped.fte_missing_records as {{ dbt.type_int() }}) as fte_missing_records,
        cast(grouped.cases30 * grouped.case_holders as {{ type_double() }}) as cases,
        grouped.caseload_limit,
        grouped.is_over_limit

    from grouped
    left join local_authorities
        on grouped.old_la_code = local_authorities.old_la_code
        and grouped.time_period between local_authorities.active_from_year and local_authorities.active_to_year

)

select * from final
