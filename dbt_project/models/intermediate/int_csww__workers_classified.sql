-- One row per worker record of a current CSWW submission, classified for its census year Y as in
-- definitions.md ("Classifying a CSWW worker record"): S = 1 October Y-1, R = 30 September Y.

with

current_submissions as (

    select * from {{ ref('int_csww__current_submissions') }}

),

workers as (

    select * from {{ ref('stg_csww__workers') }}

),

dated as (

    select
        current_submissions.old_la_code,
        current_submissions.census_year,
        workers.submission_id,
        workers.record_number,
        workers.line_number,
        workers.worker_ref,
        workers.birth_month,
        coalesce(workers.sex, cast(workers.gender_current as {{ dbt.type_string() }})) as sex_or_gender,
        workers.ethnicity,
        workers.agency_worker,
        workers.org_role,
        workers.role_start_date,
        workers.role_end_date,
        workers.fte,
        workers.fte30,
        workers.cases30,
        workers.working_days_lost,
        workers.absent_at_reference,
        make_date(current_submissions.census_year - 1, 10, 1) as census_start,
        make_date(current_submissions.census_year, 9, 30) as reference_date

    from workers
    inner join current_submissions
        on workers.submission_id = current_submissions.submission_id

),

flagged as (

    select
        *,
        coalesce(agency_worker = 1, false) as is_agency,
        coalesce(
            agency_worker = 0 and role_end_date between census_start and reference_date, false
        ) as is_leaver,
        coalesce(
            agency_worker = 0 and role_start_date between census_start and reference_date, false
        ) as is_starter,
        coalesce(
            agency_worker = 0
            and role_start_date <= reference_date
            and (role_end_date is null or role_end_date > reference_date),
            false
        ) as is_in_post,
        coalesce(
            agency_worker = 1 and (role_end_date is null or role_end_date > reference_date), false
        ) as is_agency_at_reference,
        coalesce(fte30, fte) as fte_at_reference,
        {{ dbt.hash(dbt.concat([
            "coalesce(old_la_code, '')", "'|'",
            "coalesce(worker_ref, '')", "'|'",
            "coalesce(birth_month, '')", "'|'",
            "coalesce(sex_or_gender, '')", "'|'",
            "coalesce(ethnicity, '')"
        ])) }} as headcount_key

    from dated

),

classified as (

    select
        old_la_code,
        census_year,
        submission_id,
        record_number,
        line_number,
        worker_ref,
        birth_month,
        sex_or_gender,
        ethnicity,
        headcount_key,
        agency_worker,
        org_role,
        role_start_date,
        role_end_date,
        census_start,
        reference_date,
        fte,
        fte30,
        fte_at_reference,
        cases30,
        working_days_lost,
        absent_at_reference,
        is_agency,
        is_leaver,
        is_starter,
        is_in_post,
        is_agency_at_reference,
        (is_in_post or is_agency_at_reference) and coalesce(cases30 > 0, false) as is_case_holder,
        is_in_post
            and row_number() over (
                partition by submission_id, headcount_key, is_in_post
                order by org_role asc nulls last, record_number asc
            ) = 1 as is_headcount_post,
        (
            (is_in_post or is_agency_at_reference) and fte_at_reference is null
        ) or (
            (is_starter or is_leaver) and fte is null
        ) as is_fte_missing

    from flagged

)

select * from classified
