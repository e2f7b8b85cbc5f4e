-- marts.team_caseloads adds up, per LA and year, to int_workbook__team_components (weighted children, teams'
-- case holders FTE, teams over their limit), and to weighted_caseload of marts.workforce_indicators.

-- It reads several models; as a Dagster asset check it belongs to team_caseloads.
{{ config(meta={"dagster": {"ref": {"name": "team_caseloads"}}}) }}

with

teams as (

    select
        old_la_code,
        time_period,
        sum(weighted_children) as weighted_children,
        sum(case_holders_fte) as case_holders_fte,
        sum(case when is_over_limit then 1 else 0 end) as teams_over_limit

    from {{ ref('team_caseloads') }}
    group by old_la_code, time_period

),

components as (

    select * from {{ ref('int_workbook__team_components') }}
    where weighted_children is not null

)

select
    components.old_la_code,
    components.time_period,
    'totals differ' as problem
from components
left join teams
    on components.old_la_code = teams.old_la_code
    and components.time_period = teams.time_period
where teams.old_la_code is null
   or abs(components.weighted_children - teams.weighted_children) > 1e-6
   or abs(coalesce(components.teams_case_holders_fte, 0) - coalesce(teams.case_holders_fte, 0)) > 1e-6
   or components.teams_over_limit <> teams.teams_over_limit

union all

select
    indicators.old_la_code,
    indicators.time_period,
    'weighted_caseload differs' as problem
from {{ ref('workforce_indicators') }} as indicators
inner join teams
    on indicators.old_la_code = teams.old_la_code
    and indicators.time_period = teams.time_period
where indicators.source = 'returns'
  and indicators.geographic_level = 'Local authority'
  and teams.case_holders_fte > 0
  and (indicators.weighted_caseload is null
       or abs(indicators.weighted_caseload - teams.weighted_children / teams.case_holders_fte) > 1e-9)
