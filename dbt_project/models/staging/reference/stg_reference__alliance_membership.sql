with

source as (

    select * from {{ ref('alliance_membership') }}

),

renamed as (

    select
        trim(alliance_code) as alliance_code,
        trim(alliance_name) as alliance_name,
        trim(old_la_code) as old_la_code

    from source

)

select * from renamed
