-- One row per LA and census year with a current ANNUAL R2 workbook: the strengthened components taken from
-- its Teams and NonSW sheets (definitions.md). A sheet the LA did not fill (no rows) gives null values
-- (status 'x' in the mart), never 0.
--   non_sw_fte             sum of NonSW fte (all roles)
--   weighted_children      sum over Teams rows of w_cin x children_cin + w_cp x children_cp + w_cla x children_cla
--                          + w_cl x children_care_leavers + w_court x children_in_proceedings (weights: seed
--                          caseload_weights; a missing child count adds nothing)
--   teams_case_holders_fte sum of Teams case_holders_fte: the denominator of weighted_caseload
--   teams_over_limit       Teams rows whose children_allocated / case_holders_fte is strictly above the
--                          team type's limit (seed team_type_limits); teams_with_caseload: rows with FTE > 0

with

current_submissions as (

    select * from {{ ref('int_workbook__current_submissions') }}
    where is_annual

),

teams as (

    select * from {{ ref('stg_workbook__teams') }}

),

non_sw as (

    select * from {{ ref('stg_workbook__non_sw') }}

),

weights as (

    select * from {{ ref('stg_reference__caseload_weights') }}

),

team_limits as (

    select * from {{ ref('stg_reference__team_type_limits') }}
    where applies_to = 'team'

),

team_totals as (

    select
        teams.submission_id,
        {{ exact_sum(weighted_children('teams', 'weights')) }} as weighted_children,
        {{ exact_sum('teams.case_holders_fte') }} as teams_case_holders_fte,
        sum(case when teams.case_holders_fte > 0 then 1 else 0 end) as teams_with_caseload,
        sum(case
            when teams.case_holders_fte > 0
                and teams.children_allocated / teams.case_holders_fte > team_limits.caseload_limit
                then 1 else 0
        end) as teams_over_limit

    from teams
    cross join weights
    left join team_limits
        on teams.team_type = team_limits.limit_code
    group by teams.submission_id

),

non_sw_totals as (

    select
        submission_id,
        {{ exact_sum('fte') }} as non_sw_fte

    from non_sw
    group by submission_id

),

final as (

    select
        current_submissions.old_la_code,
        current_submissions.census_year as time_period,
        current_submissions.submission_id,
        cast(non_sw_totals.non_sw_fte as {{ type_double() }}) as non_sw_fte,
        cast(team_totals.weighted_children as {{ type_double() }}) as weighted_children,
        cast(team_totals.teams_case_holders_fte as {{ type_double() }}) as teams_case_holders_fte,
        cast(team_totals.teams_with_caseload as {{ dbt.type_int() }}) as teams_with_caseload,
        cast(team_totals.teams_over_limit as {{ dbt.type_int() }}) as teams_over_limit

    from current_submissions
    left join team_totals
        on current_submissions.submission_id = team_totals.submission_id
    left join non_sw_totals
        on current_submissions.submission_id = non_sw_totals.submission_id

)

select * from final
