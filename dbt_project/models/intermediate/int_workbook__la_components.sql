-- One row per LA and census year with a current ANNUAL R2 workbook that has a Summary: the components of
-- the national measures as the LA gave them, and the numerator and denominator of every rate (the same
-- formulas as int_csww__la_components, from macro national_measures).

with

current_submissions as (

    select * from {{ ref('int_workbook__current_submissions') }}
    where is_annual

),

summary as (

    select * from {{ ref('stg_workbook__summary') }}

),

components as (

    select
        current_submissions.old_la_code,
        current_submissions.census_year as time_period,
        current_submissions.submission_id,
        cast(null as {{ dbt.type_int() }}) as worker_records,
        {%- for measure in national_measures_of_kind('component') if measure.name != 'fte_missing_records' %}
        summary.{{ measure.name }},
        {%- endfor %}
        cast(null as {{ type_double() }}) as fte_missing_records

    from current_submissions
    inner join summary
        on current_submissions.submission_id = summary.submission_id

),

with_rate_inputs as (

    select
        *,
        {{ national_rate_inputs() }}

    from components

)

select * from with_rate_inputs
