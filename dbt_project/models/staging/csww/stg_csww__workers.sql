with

source as (

    select * from {{ source('raw', 'csww_workers') }}

),

renamed as (

    select
        -- keys
        submission_id,
        cast(old_la_code as {{ dbt.type_string() }}) as old_la_code,
        cast(census_year as {{ dbt.type_int() }}) as census_year,
        line as line_number,
        record_number,
        worker_ref,

        -- who
        agency_worker,
        birth_month,
        gender_current,
        sex,
        ethnicity,

        -- qualification
        qual_inst,
        qual_level,
        step_up_grad,
        frontline_grad,

        -- post
        org_role,
        role_start_date,
        role_end_date,
        start_origin,
        leaver_destination,
        reason_leave,
        cast(fte as {{ type_double() }}) as fte,
        cast(fte30 as {{ type_double() }}) as fte30,
        contract_weeks,
        cfkss_status,

        -- caseload and absence
        cases30,
        cast(working_days_lost as {{ type_double() }}) as working_days_lost,
        absat30sept as absent_at_reference,
        reason_absence,

        -- pay (2025+)
        base_salary,
        rr_payments,
        other_payments

    from source

)

select * from renamed
