with

source as (

    select * from {{ ref('ref_statistical_neighbours') }}

),

renamed as (

    select
        trim(old_la_code) as old_la_code,
        cast(neighbour_rank as {{ dbt.type_int() }}) as neighbour_rank,
        trim(neighbour_old_la_code) as neighbour_old_la_code,
        trim(closeness) as closeness

    from source

)

select * from renamed
