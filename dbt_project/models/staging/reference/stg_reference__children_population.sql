with

source as (

    select * from {{ ref('ref_children_population') }}

),

renamed as (

    select
        trim(old_la_code) as old_la_code,
        la_name,
        cast(population_year as {{ dbt.type_int() }}) as population_year,
        cast(children_0_17 as {{ type_double() }}) as children_0_17

    from source
    where children_0_17 is not null

)

select * from renamed
