-- Where an LA sent both the CSWW census return and an annual workbook Summary for the same year, every
-- component on which they differ (by more than 0.05, half the published rounding): the CSWW value is used,
-- and marts.validation_issues reports the difference to the LA (rule RWR040).

with

csww as (

    select * from {{ ref('int_csww__la_components') }}

),

workbook as (

    select * from {{ ref('int_workbook__la_components') }}

),

differences as (

    {%- for measure in national_measures_of_kind('component') if measure.name != 'fte_missing_records' %}
    select
        workbook.old_la_code,
        workbook.time_period,
        workbook.submission_id as workbook_submission_id,
        csww.submission_id as csww_submission_id,
        '{{ measure.name }}' as component,
        csww.{{ measure.name }} as csww_value,
        workbook.{{ measure.name }} as summary_value
    from workbook
    inner join csww
        on workbook.old_la_code = csww.old_la_code and workbook.time_period = csww.time_period
    where workbook.{{ measure.name }} is not null
      and (csww.{{ measure.name }} is null or abs(csww.{{ measure.name }} - workbook.{{ measure.name }}) > 0.05)
    {{ "union all" if not loop.last }}
    {%- endfor %}

)

select * from differences
