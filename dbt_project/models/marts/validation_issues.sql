-- marts.validation_issues (outputs.md): one row per issue found in a return, with its stable rule code,
-- plus one RWR040 warning per component where an LA's workbook Summary disagrees with its CSWW return
-- (the CSWW return is used). worker_ref is the hashed id, never the raw registration number.

with

issues as (

    select * from {{ ref('stg_ingest__validation_issues') }}

),

submissions as (

    select * from {{ ref('stg_ingest__submissions') }}

),

summary_differences as (

    select * from {{ ref('int_la_components__summary_differences') }}

),

from_validation as (

    select
        issues.submission_id,
        submissions.old_la_code,
        submissions.census_year as time_period,
        issues.rule_code,
        issues.severity,
        issues.scope,
        issues.file,
        issues.line,
        issues.worker_ref,
        issues.item,
        issues.value,
        issues.message

    from issues
    left join submissions
        on issues.submission_id = submissions.submission_id

),

from_summary_differences as (

    select
        summary_differences.workbook_submission_id as submission_id,
        summary_differences.old_la_code,
        summary_differences.time_period,
        'RWR040' as rule_code,
        'warning' as severity,
        'file' as scope,
        submissions.file_name as file,
        cast(null as {{ dbt.type_int() }}) as line,
        cast(null as {{ dbt.type_string() }}) as worker_ref,
        summary_differences.component as item,
        cast(summary_differences.summary_value as {{ dbt.type_string() }}) as value,
        {{ dbt.concat([
            "'the Summary gives '", "cast(round(summary_differences.summary_value, 2) as " ~ dbt.type_string() ~ ")",
            "' but the CSWW census return gives '",
            "coalesce(cast(round(summary_differences.csww_value, 2) as " ~ dbt.type_string() ~ "), 'no value')",
            "'; the CSWW return is used'"
        ]) }} as message

    from summary_differences
    left join submissions
        on summary_differences.workbook_submission_id = submissions.submission_id

),

final as (

    select * from from_validation
    union all
    select * from from_summary_differences

)

select * from final
