-- marts.team_caseloads: one row per LA, census year and team type from the Teams sheet of the LA's current
-- ANNUAL R2 workbook (int_workbook__current_submissions, period end 30 September): its case holders FTE,
-- children by kind, children allocated, caseload per FTE against the team type's limit (seed
-- team_type_limits, applies_to 'team'), and the complexity-weighted children and caseload of the team.
--
-- The weighted children (macro weighted_children, shared with int_workbook__team_components) and the
-- over-limit rule are those of int_workbook__team_components, row by row (over the limit: strictly above),
-- so the rows of an LA add up to its weighted_children, teams_case_holders_fte and teams_over_limit there,
-- and weighted_caseload of marts.workforce_indicators is sum(weighted_children) / sum(case_holders_fte)
-- over these rows (a dbt test checks both). An LA that sent no Teams rows has no rows here.

with

current_submissions as (

    select * from {{ ref('int_workbook__current_submissions') }}
    where is_annual

),

teams as (

    select * from {{ ref('stg_workbook__teams') }}

),

weights as (

    select * from {{ ref('stg_reference__caseload_weights') }}

),

team_limits as (

    select * from {{ ref('stg_reference__team_type_limits') }}
    where applies_to = 'team'

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

weighted as (

    select
        current_submissions.old_la_code,
        current_submissions.census_year as time_period,
        current_submissions.submission_id,
        teams.team_type,
        teams.case_holders_fte,
        teams.nqsw_case_holders_fte,
        teams.children_allocated,
        teams.children_cin,
        teams.children_cp,
        teams.children_cla,
        teams.children_care_leavers,
        teams.children_in_proceedings,
        teams.vacancy_fte,
        teams.agency_fte,
        team_limits.caseload_limit,
        {{ weighted_children('teams', 'weights') }} as weighted_children

    from teams
    inner join current_submissions
        on teams.submission_id = current_submissions.submission_id
    cross join weights
    left join team_limits
        on teams.team_type = team_limits.limit_code

),

final as (

    select
        weighted.old_la_code,
        local_authorities.la_name,
        weighted.time_period,
        weighted.submission_id,
        weighted.team_type,
        weighted.case_holders_fte,
        weighted.nqsw_case_holders_fte,
        weighted.children_allocated,
        weighted.children_cin,
        weighted.children_cp,
        weighted.children_cla,
        weighted.children_care_leavers,
        weighted.children_in_proceedings,
        weighted.vacancy_fte,
        weighted.agency_fte,
        case
            when weighted.case_holders_fte > 0 then weighted.children_allocated / weighted.case_holders_fte
        end as caseload_per_fte,
        weighted.caseload_limit,
        case
            when weighted.case_holders_fte > 0 and weighted.children_allocated is not null
                then weighted.children_allocated / weighted.case_holders_fte > weighted.caseload_limit
        end as is_over_limit,
        cast(weighted.weighted_children as {{ type_double() }}) as weighted_children,
        case
            when weighted.case_holders_fte > 0
                then cast(weighted.weighted_children as {{ type_double() }}) / weighted.case_holders_fte
        end as weighted_caseload

    from weighted
    left join local_authorities
        on weighted.old_la_code = local_authorities.old_la_code
        and weighted.time_period between local_authorities.active_from_year and local_authorities.active_to_year

)

select * from final
