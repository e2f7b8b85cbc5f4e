with

source as (

    select * from {{ ref('ref_local_authorities') }}

),

renamed as (

    select
        trim(old_la_code) as old_la_code,
        trim(new_la_code) as new_la_code,
        trim(la_name) as la_name,
        trim(region_code) as region_code,
        trim(region_name) as region_name,
        nullif(trim(london_subregion_code), '') as london_subregion_code,
        first_year,
        last_year

    from source

),

open_ended as (

    -- The seed is derived from the latest published file, so its first and last years are the edges of
    -- that file, not of the LA: a row that reaches the latest year (or starts at the earliest) is treated
    -- as still active after (or already active before) it, so that next year's returns still find their LA.
    select
        *,
        case when first_year = min(first_year) over () then 0 else first_year end as active_from_year,
        case when last_year = max(last_year) over () then 9999 else last_year end as active_to_year

    from renamed

)

select * from open_ended
