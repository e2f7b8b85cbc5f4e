-- One row per LA and census year with a current CSWW submission: every component of the national measures
-- (definitions.md), and the numerator and denominator of every national rate (macro national_measures).
-- Incremental by submission (macros/incremental_by_submission.sql), as int_csww__workers_classified.

{{ incremental_by_submission_config() }}

with

current_submissions as (

    {{ new_current_submissions() }}

),

workers as (

    select * from {{ ref('int_csww__workers_classified') }}
    where submission_id in (select submission_id from current_submissions)

),

la_level as (

    select * from {{ ref('stg_csww__la_level') }}

),

worker_components as (

    select
        submission_id,
        count(*) as worker_records,

        {{ exact_sum('case when is_in_post then fte_at_reference end') }} as inpost_fte,
        count(distinct case when is_in_post then headcount_key end) as inpost_headcount,

        {{ exact_sum('case when is_starter then fte end') }} as starters_fte,
        count(distinct case
            when is_starter
                then {{ dbt.concat(["headcount_key", "'|'", "cast(role_start_date as " ~ dbt.type_string() ~ ")"]) }}
        end) as starters_headcount,

        {{ exact_sum('case when is_leaver then fte end') }} as leavers_fte,
        count(distinct case
            when is_leaver
                then {{ dbt.concat(["headcount_key", "'|'", "cast(role_end_date as " ~ dbt.type_string() ~ ")"]) }}
        end) as leavers_headcount,

        {{ exact_sum('case when is_agency_at_reference then fte_at_reference end') }} as agency_fte,
        sum(case when is_agency_at_reference then 1 else 0 end) as agency_headcount,

        {{ exact_sum('case when is_case_holder then fte_at_reference end') }} as case_holders_fte,
        sum(case when is_case_holder then cases30 end) as cases,

        {{ exact_sum('case when is_in_post or is_leaver then working_days_lost * fte end') }}
            as working_days_lost_fte,

        sum(case when is_fte_missing then 1 else 0 end) as fte_missing_records,

        -- strengthened (definitions.md): summed over the records, not as differences of sums, so they are
        -- exactly the FTE of the records they describe
        {{ exact_sum('case
            when (is_in_post or is_agency_at_reference) and not is_case_holder then fte_at_reference
        end') }} as non_case_holding_fte,
        {{ exact_sum('case when is_in_post and absent_at_reference = 1 then fte_at_reference end') }}
            as absent_at_ref_fte,
        {{ exact_sum('case
            when is_agency_at_reference or (is_in_post and coalesce(absent_at_reference, 0) <> 1)
                then fte_at_reference
        end') }} as effective_capacity_fte,
        sum(case when is_case_holder then 1 else 0 end) as case_holders_count,
        sum(case when is_case_holder and fte_at_reference > 0 then 1 else 0 end) as case_holders_with_fte_count,
        sum(case when is_over_limit then 1 else 0 end) as over_limit_case_holders,
        sum(case when is_case_holder and is_first_year then 1 else 0 end) as first_year_case_holders,
        sum(case when is_case_holder and is_first_year then cases30 else 0 end) as first_year_cases,
        {%- for measure in strengthened_measures_of_kind('distribution') %}
        {{ percentile_cont('case when is_case_holder then ' ~ measure.value ~ ' end', measure.fraction) }}
            as {{ measure.name }}{{ "," if not loop.last }}
        {%- endfor %}

    from workers
    group by submission_id

),

components as (

    -- A return's worker records define its worker components: where no record qualifies, the value is 0.
    -- The LA level items are missing (null, status 'x') where the return has no LALevel values.
    select
        current_submissions.old_la_code,
        current_submissions.census_year as time_period,
        current_submissions.submission_id,
        current_submissions.loaded_at,
        cast(coalesce(worker_components.worker_records, 0) as {{ dbt.type_int() }}) as worker_records,

        cast(coalesce(worker_components.inpost_fte, 0) as {{ type_double() }}) as inpost_fte,
        cast(coalesce(worker_components.inpost_headcount, 0) as {{ type_double() }}) as inpost_headcount,
        cast(coalesce(worker_components.starters_fte, 0) as {{ type_double() }}) as starters_fte,
        cast(coalesce(worker_components.starters_headcount, 0) as {{ type_double() }}) as starters_headcount,
        cast(coalesce(worker_components.leavers_fte, 0) as {{ type_double() }}) as leavers_fte,
        cast(coalesce(worker_components.leavers_headcount, 0) as {{ type_double() }}) as leavers_headcount,
        cast(coalesce(worker_components.agency_fte, 0) as {{ type_double() }}) as agency_fte,
        cast(coalesce(worker_components.agency_headcount, 0) as {{ type_double() }}) as agency_headcount,
        cast(la_level.no_agency_fte as {{ type_double() }}) as agency_cover_fte,
        cast(la_level.number_of_vacancies as {{ type_double() }}) as vacancy_fte,
        cast(coalesce(worker_components.case_holders_fte, 0) as {{ type_double() }}) as case_holders_fte,
        cast(coalesce(worker_components.cases, 0) as {{ type_double() }}) as cases,
        cast(coalesce(worker_components.working_days_lost_fte, 0) as {{ type_double() }}) as working_days_lost_fte,
        cast(coalesce(worker_components.fte_missing_records, 0) as {{ type_double() }}) as fte_missing_records,
        {%- for column in ['non_case_holding_fte', 'absent_at_ref_fte', 'effective_capacity_fte', 'case_holders_count',
                           'case_holders_with_fte_count', 'over_limit_case_holders', 'first_year_case_holders',
                           'first_year_cases'] %}
        cast(coalesce(worker_components.{{ column }}, 0) as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        {%- for measure in strengthened_measures_of_kind('distribution') %}
        cast(worker_components.{{ measure.name }} as {{ type_double() }}) as {{ measure.name }}
        {{- "," if not loop.last }}
        {%- endfor %}

    from current_submissions
    left join worker_components
        on current_submissions.submission_id = worker_components.submission_id
    left join la_level
        on current_submissions.submission_id = la_level.submission_id

),

with_rate_inputs as (

    select
        *,
        {{ national_rate_inputs() }}

    from components

)

select * from with_rate_inputs
