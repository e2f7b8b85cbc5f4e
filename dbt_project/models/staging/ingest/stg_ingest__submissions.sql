with

source as (

    select * from {{ source('raw_ingest', 'submissions') }}

),

renamed as (

    select
        submission_id,
        return_type,
        file_name,
        archive_path,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(census_year as {{ dbt.type_int() }}) as census_year,
        period_end,
        arrived_at,
        status,
        rows_received,
        rows_accepted,
        rows_rejected,
        error_count,
        warning_count,
        report_html,
        report_xlsx,
        -- null in a warehouse made before the column was added: those rows were loaded when they arrived
        coalesce(loaded_at, arrived_at) as loaded_at

    from source

)

select * from renamed
