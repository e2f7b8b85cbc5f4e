-- One row per worker record of a current CSWW submission, classified for its census year Y as in
-- definitions.md ("Classifying a CSWW worker record"): S = 1 October Y-1, R = 30 September Y.
--
-- Incremental by submission (macros/incremental_by_submission.sql): a resubmission's records are classified
-- from that submission alone, and the superseded submission's records removed.

{{ incremental_by_submission_config() }}

with

current_submissions as (

    {{ new_current_submissions() }}

),

workers as (

    select * from {{ ref('stg_csww__workers') }}

),

worker_limits as (

    -- The worker-level caseload limits (seed team_type_limits): first_year and default.
    select
        max(case when limit_code = 'first_year' then caseload_limit end) as first_year_limit,
        max(case when limit_code = 'default' then caseload_limit end) as default_limit

    from {{ ref('stg_reference__team_type_limits') }}
    where applies_to = 'worker'

),

dated as (

    select
        current_submissions.old_la_code,
        current_submissions.census_year,
        workers.submission_id,
        current_submissions.loaded_at,
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
        workers.start_origin,
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
        loaded_at,
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
        start_origin,
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
        ) as is_fte_missing,
        -- First year after qualifying: StartOrigin 1 (newly qualified) and RoleStartDate within the 12 months
        -- up to R, i.e. from S (1 October Y-1) to R.
        coalesce(
            start_origin = 1 and role_start_date between census_start and reference_date, false
        ) as is_first_year

    from flagged

),

with_limits as (

    select
        classified.*,
        case
            when classified.is_first_year then worker_limits.first_year_limit
            else worker_limits.default_limit
        end as caseload_limit,
        case
            when classified.is_case_holder and classified.fte_at_reference > 0
                then cast(classified.cases30 as {{ type_double() }}) / classified.fte_at_reference
        end as cases30_per_fte

    from classified
    cross join worker_limits

),

final as (

    select
        *,
        coalesce(is_case_holder and cases30 > caseload_limit, false) as is_over_limit

    from with_limits

)

select * from final
