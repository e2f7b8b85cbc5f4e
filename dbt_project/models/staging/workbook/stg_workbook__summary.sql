with

source as (

    select * from {{ source('raw_workbook', 'workbook_summary') }}

),

renamed as (

    select
        submission_id,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(census_year as {{ dbt.type_int() }}) as census_year,
        period_end,
        line,
        cast(inpost_fte as {{ type_double() }}) as inpost_fte,
        cast(inpost_headcount as {{ type_double() }}) as inpost_headcount,
        cast(starters_fte as {{ type_double() }}) as starters_fte,
        cast(starters_headcount as {{ type_double() }}) as starters_headcount,
        cast(leavers_fte as {{ type_double() }}) as leavers_fte,
        cast(leavers_headcount as {{ type_double() }}) as leavers_headcount,
        cast(agency_fte as {{ type_double() }}) as agency_fte,
        cast(agency_headcount as {{ type_double() }}) as agency_headcount,
        cast(agency_cover_fte as {{ type_double() }}) as agency_cover_fte,
        cast(vacancy_fte as {{ type_double() }}) as vacancy_fte,
        cast(case_holders_fte as {{ type_double() }}) as case_holders_fte,
        cast(cases as {{ type_double() }}) as cases,
        cast(working_days_lost_fte as {{ type_double() }}) as working_days_lost_fte

    from source

)

select * from renamed
