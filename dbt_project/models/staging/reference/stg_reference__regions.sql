with

source as (

    select * from {{ ref('ref_regions') }}

),

renamed as (

    select
        trim(region_code) as region_code,
        trim(region_name) as region_name

    from source

)

select * from renamed
