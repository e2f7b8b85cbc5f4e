-- The CSWW (R1) submission that counts for each LA and census year: the latest arrival among the
-- submissions that were not rejected. Earlier and rejected submissions stay in raw, and are counted here.

with

submissions as (

    select * from {{ ref('stg_ingest__submissions') }}
    where return_type = 'csww_xml'
      and old_la_code is not null
      and census_year is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by old_la_code, census_year, status <> 'rejected'
            order by arrived_at desc, submission_id desc
        ) as arrival_rank,
        count(*) over (partition by old_la_code, census_year) as submissions_received,
        sum(case when status <> 'rejected' then 1 else 0 end)
            over (partition by old_la_code, census_year) as submissions_not_rejected

    from submissions

),

current_submissions as (

    select
        old_la_code,
        census_year,
        submission_id,
        file_name,
        arrived_at,
        loaded_at,
        status,
        rows_accepted,
        rows_rejected,
        submissions_received,
        submissions_not_rejected

    from ranked
    where status <> 'rejected'
      and arrival_rank = 1

)

select * from current_submissions
