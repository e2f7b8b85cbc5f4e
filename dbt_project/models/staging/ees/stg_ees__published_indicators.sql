-- The rows of the published EES indicators (R3) that count: for each geography and time_period, the rows of
-- the latest arrival among the ees_csv submissions that were not rejected (ties broken by submission_id),
-- as int_csww__current_submissions does for CSWW returns. A newer file replaces an older one's values for the
-- geographies and years it holds, and leaves the others. Superseded and rejected submissions stay in raw.
-- Renamed and cast; the Inner and Outer London regional rows are tagged (is_london_subregion).

with

source as (

    select * from {{ source('raw_ees', 'published_indicators') }}

),

submissions as (

    select
        submission_id,
        arrived_at

    from {{ ref('stg_ingest__submissions') }}
    where return_type = 'ees_csv'
      and status <> 'rejected'

),

renamed as (

    select
        source.submission_id,
        submissions.arrived_at,
        cast(source.line as {{ dbt.type_int() }}) as line,
        cast(source.time_period as {{ dbt.type_int() }}) as time_period,
        cast(trim(source.time_identifier) as {{ dbt.type_string() }}) as time_identifier,
        cast(trim(source.geographic_level) as {{ dbt.type_string() }}) as geographic_level,
        cast(trim(source.country_code) as {{ dbt.type_string() }}) as country_code,
        cast(trim(source.country_name) as {{ dbt.type_string() }}) as country_name,
        cast(nullif(trim(source.region_code), '') as {{ dbt.type_string() }}) as region_code,
        cast(nullif(trim(source.region_name), '') as {{ dbt.type_string() }}) as region_name,
        cast(nullif(trim(source.old_la_code), '') as {{ dbt.type_string() }}) as old_la_code,
        cast(nullif(trim(source.new_la_code), '') as {{ dbt.type_string() }}) as new_la_code,
        cast(nullif(trim(source.la_name), '') as {{ dbt.type_string() }}) as la_name,
        cast(trim(source.measure) as {{ dbt.type_string() }}) as measure,
        cast(source.value as {{ type_double() }}) as value,
        cast(nullif(trim(source.status), '') as {{ dbt.type_string() }}) as status

    from source
    inner join submissions
        on source.submission_id = submissions.submission_id

),

ranked as (

    select
        *,
        dense_rank() over (
            partition by geographic_level, region_code, old_la_code, time_period
            order by arrived_at desc, submission_id desc
        ) as submission_rank

    from renamed

),

current_rows as (

    select
        submission_id,
        arrived_at,
        line,
        time_period,
        time_identifier,
        geographic_level,
        country_code,
        country_name,
        region_code,
        region_name,
        old_la_code,
        new_la_code,
        la_name,
        measure,
        value,
        status,
        geographic_level = 'Regional' and region_code in ('E13000001', 'E13000002') as is_london_subregion

    from ranked
    where submission_rank = 1

)

select * from current_rows
