with

source as (

    select * from {{ ref('team_type_limits') }}

),

renamed as (

    select
        trim(limit_code) as limit_code,
        trim(applies_to) as applies_to,
        cast(caseload_limit as {{ type_double() }}) as caseload_limit,
        description

    from source

)

select * from renamed
