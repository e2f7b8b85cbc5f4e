with

source as (

    select * from {{ source('raw_workbook', 'workbook_teams') }}

),

renamed as (

    select
        submission_id,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(census_year as {{ dbt.type_int() }}) as census_year,
        period_end,
        line,
        team_type,
        cast(case_holders_fte as {{ type_double() }}) as case_holders_fte,
        cast(nqsw_case_holders_fte as {{ type_double() }}) as nqsw_case_holders_fte,
        cast(children_allocated as {{ type_double() }}) as children_allocated,
        cast(children_cin as {{ type_double() }}) as children_cin,
        cast(children_cp as {{ type_double() }}) as children_cp,
        cast(children_cla as {{ type_double() }}) as children_cla,
        cast(children_care_leavers as {{ type_double() }}) as children_care_leavers,
        cast(children_in_proceedings as {{ type_double() }}) as children_in_proceedings,
        cast(vacancy_fte as {{ type_double() }}) as vacancy_fte,
        cast(agency_fte as {{ type_double() }}) as agency_fte

    from source

)

select * from renamed
