with

source as (

    select * from {{ source('raw_ingest', 'validation_issues') }}

),

renamed as (

    select
        submission_id,
        rule_code,
        severity,
        scope,
        file,
        cast(line as {{ dbt.type_int() }}) as line,
        worker_ref,
        item,
        value,
        message

    from source

)

select * from renamed
