with

source as (

    select * from {{ source('raw_workbook', 'workbook_non_sw') }}

),

renamed as (

    select
        submission_id,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(census_year as {{ dbt.type_int() }}) as census_year,
        period_end,
        line,
        role,
        cast(headcount as {{ type_double() }}) as headcount,
        cast(fte as {{ type_double() }}) as fte,
        cast(agency_fte as {{ type_double() }}) as agency_fte,
        cast(vacancy_fte as {{ type_double() }}) as vacancy_fte,
        cast(leavers_fte as {{ type_double() }}) as leavers_fte,
        cast(working_days_lost_fte as {{ type_double() }}) as working_days_lost_fte

    from source

)

select * from renamed
