-- marts.caseload_limits: the safe caseload limits in force (seed team_type_limits, a regional setting), so
-- the dashboard marks and flags the same limits dbt applies, for every viewer, without LA-level data:
-- 'worker' limits (first_year, default) apply to each case holder's Cases30 (caseload_distribution,
-- case_holders_over_limit_pct); 'team' limits to each R2 team type's children per FTE (team_caseloads).

select
    limit_code,
    applies_to,
    caseload_limit,
    description

from {{ ref('stg_reference__team_type_limits') }}
