-- The R2 workbook that counts for each LA, census year and period: the latest arrival among the workbook
-- submissions that were not rejected (as int_csww__current_submissions does for the CSWW XML).
-- is_annual marks the annual return (period_end 30 September of the census year); the others are quarterly.

with

submissions as (

    select * from {{ ref('stg_ingest__submissions') }}
    where return_type = 'workbook'
      and old_la_code is not null
      and census_year is not null
      and period_end is not null
      and status <> 'rejected'

),

ranked as (

    select
        *,
        row_number() over (
            partition by old_la_code, census_year, period_end
            order by arrived_at desc, submission_id desc
        ) as arrival_rank

    from submissions

),

current_submissions as (

    select
        old_la_code,
        census_year,
        period_end,
        {{ date_part('month', 'period_end') }} = 9 and {{ date_part('day', 'period_end') }} = 30 as is_annual,
        submission_id,
        file_name,
        arrived_at,
        status

    from ranked
    where arrival_rank = 1

)

select * from current_submissions
