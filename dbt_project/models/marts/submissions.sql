-- marts.submissions (outputs.md): every return received, one row per file, with its outcome; for each LA
-- and period the return that counts is the row with superseded = false (the latest that was not rejected).
-- Published statistics files (ees_csv) and unreadable files have no LA; they are listed too.

with

submissions as (

    select * from {{ ref('stg_ingest__submissions') }}

),

local_authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by return_type, old_la_code, census_year, period_end, status <> 'rejected'
            order by arrived_at desc, submission_id desc
        ) as arrival_rank

    from submissions

),

final as (

    select
        ranked.old_la_code,
        local_authorities.la_name,
        ranked.census_year as time_period,
        ranked.period_end,
        ranked.return_type,
        ranked.submission_id,
        ranked.submission_id as checksum,
        ranked.file_name,
        ranked.arrived_at,
        ranked.status,
        ranked.rows_received,
        ranked.rows_accepted,
        ranked.rows_rejected,
        ranked.error_count,
        ranked.warning_count,
        case
            when ranked.status = 'rejected' then false
            when ranked.old_la_code is null then false
            else ranked.arrival_rank > 1
        end as superseded,
        ranked.report_html,
        ranked.report_xlsx

    from ranked
    left join local_authorities
        on ranked.old_la_code = local_authorities.old_la_code
        and ranked.census_year between local_authorities.active_from_year and local_authorities.active_to_year

)

select * from final
