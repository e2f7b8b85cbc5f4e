with

source as (

    select * from {{ source('raw', 'csww_la_level') }}

),

renamed as (

    select
        submission_id,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(census_year as {{ dbt.type_int() }}) as census_year,

        -- LALevelVacancies (2021-2024) / LALevel (2025+)
        cast(number_of_vacancies as {{ type_double() }}) as number_of_vacancies,
        cast(no_agency_fte as {{ type_double() }}) as no_agency_fte,
        no_agency_headcount,

        -- 2025+ pay and incentive items: 0 no, 1 yes for all, 2 yes for some
        recruitment_bonus,
        retention_bonus,
        performance_award,
        car_allowance,
        relocation_package,
        regional_weighting,
        cost_swe,
        cost_dbs,
        other_allowances

    from source

)

select * from renamed
