-- The components every LA row is computed from, one row per LA and census year: from the CSWW census
-- return (R1) where the LA sent one, else from the Summary of its annual regional workbook (R2). Where both
-- exist the CSWW return wins; int_la_components__summary_differences lists where they disagree.

{%- set columns = ['old_la_code', 'time_period', 'submission_id', 'worker_records'] %}
{%- for measure in national_measures_of_kind('component') %}{% do columns.append(measure.name) %}{% endfor %}
{%- for rate in national_measures_of_kind('rate') %}
    {%- do columns.append(rate.name ~ '_numerator') %}{% do columns.append(rate.name ~ '_denominator') %}
{%- endfor %}

with

csww as (

    select * from {{ ref('int_csww__la_components') }}

),

workbook as (

    select * from {{ ref('int_workbook__la_components') }}

),

combined as (

    select 'csww_xml' as component_source, {{ columns | join(', ') }}
    from csww

    union all

    select 'workbook_summary' as component_source, {{ columns | join(', ') }}
    from workbook
    where not exists (
        select 1 from csww
        where csww.old_la_code = workbook.old_la_code and csww.time_period = workbook.time_period
    )

)

select * from combined
