-- The components every LA row is computed from, one row per LA and census year: from the CSWW census
-- return (R1) where the LA sent one, else from the Summary of its annual regional workbook (R2). Where both
-- exist the CSWW return wins; int_la_components__summary_differences lists where they disagree.
-- Then the strengthened components (macro strengthened_measures): those from the worker records (null for a
-- Summary-only LA, except non_case_holding_fte, which a Summary gives as inpost + agency - case holders FTE),
-- those from the LA's annual R2 Teams and NonSW sheets, the ONS children population, and the numerator and
-- denominator of every strengthened rate.

{%- set columns = ['old_la_code', 'time_period', 'submission_id', 'worker_records'] %}
{%- for measure in national_measures_of_kind('component') %}{% do columns.append(measure.name) %}{% endfor %}
{%- for rate in national_measures_of_kind('rate') %}
    {%- do columns.append(rate.name ~ '_numerator') %}{% do columns.append(rate.name ~ '_denominator') %}
{%- endfor %}
{%- set csww_inputs = ['absent_at_ref_fte', 'effective_capacity_fte', 'case_holders_count',
                       'case_holders_with_fte_count', 'over_limit_case_holders', 'first_year_case_holders',
                       'first_year_cases'] %}
{%- for measure in strengthened_measures_of_kind('distribution') %}{% do csww_inputs.append(measure.name) %}{% endfor %}

with

csww as (

    select * from {{ ref('int_csww__la_components') }}

),

workbook as (

    select * from {{ ref('int_workbook__la_components') }}

),

workbook_teams as (

    select * from {{ ref('int_workbook__team_components') }}

),

population as (

    select * from {{ ref('stg_reference__children_population') }}

),

combined as (

    select 'csww_xml' as component_source, {{ columns | join(', ') }}
    from csww

    union all

    select 'workbook_summary' as component_source, {{ columns | join(', ') }}
    from workbook
    where not exists (
        select 1 from csww
        where csww.old_la_code = workbook.old_la_code and csww.time_period = workbook.time_period
    )

),

population_year as (

    -- The ONS mid-year estimate for the census year, or the latest before it (a census year later than the
    -- seed's last estimate uses that last estimate).
    select
        combined.old_la_code,
        combined.time_period,
        max(population.population_year) as population_year

    from combined
    inner join population
        on combined.old_la_code = population.old_la_code
        and population.population_year <= combined.time_period
    group by combined.old_la_code, combined.time_period

),

with_strengthened as (

    select
        combined.*,
        {%- for column in csww_inputs %}
        csww.{{ column }},
        {%- endfor %}
        case
            when combined.component_source = 'csww_xml' then csww.non_case_holding_fte
            else combined.inpost_fte + combined.agency_fte - combined.case_holders_fte
        end as non_case_holding_fte,
        workbook_teams.non_sw_fte,
        combined.inpost_fte + combined.agency_fte + workbook_teams.non_sw_fte as total_workforce_fte,
        workbook_teams.weighted_children,
        workbook_teams.teams_case_holders_fte,
        population.children_0_17 as children_population

    from combined
    left join csww
        on combined.component_source = 'csww_xml'
        and combined.submission_id = csww.submission_id
    left join workbook_teams
        on combined.old_la_code = workbook_teams.old_la_code
        and combined.time_period = workbook_teams.time_period
    left join population_year
        on combined.old_la_code = population_year.old_la_code
        and combined.time_period = population_year.time_period
    left join population
        on population_year.old_la_code = population.old_la_code
        and population_year.population_year = population.population_year

),

with_rate_inputs as (

    select
        *,
        {%- for rate in strengthened_measures_of_kind('rate') %}
        cast({{ rate.numerator }} as {{ type_double() }}) as {{ rate.name }}_numerator,
        cast({{ rate.denominator }} as {{ type_double() }}) as {{ rate.name }}_denominator
        {{- "," if not loop.last }}
        {%- endfor %}

    from with_strengthened

)

select * from with_rate_inputs
