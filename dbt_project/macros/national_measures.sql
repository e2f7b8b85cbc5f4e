{#
    The national (DfE) measures of definitions.md, in the column order of marts.workforce_indicators.

    kind 'component': a count or a sum taken from the returns (int_csww__la_components); a region sums it
        over the member LAs that have a value.
    kind 'rate': scale x numerator / denominator, both expressions over components. An LA's numerator and
        denominator are evaluated in int_csww__la_components as <name>_numerator and <name>_denominator; a
        region sums each over the member LAs that have both (int_alliance__components); the mart applies
        safe_rate() to either. So each formula is written here once.
    has_status: whether the mart carries a <name>_status column.

    Strengthened measures are added by appending entries here (and their components upstream).
#}
{% macro national_measures() %}
    {%- set working_days = var('working_days_per_year') -%}
    {%- do return([
        {'name': 'inpost_fte', 'kind': 'component', 'has_status': true},
        {'name': 'inpost_headcount', 'kind': 'component', 'has_status': true},
        {'name': 'starters_fte', 'kind': 'component', 'has_status': true},
        {'name': 'starters_headcount', 'kind': 'component', 'has_status': true},
        {'name': 'leavers_fte', 'kind': 'component', 'has_status': true},
        {'name': 'leavers_headcount', 'kind': 'component', 'has_status': true},
        {'name': 'turnover_rate_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'leavers_fte', 'denominator': 'inpost_fte', 'scale': 100},
        {'name': 'turnover_rate_headcount', 'kind': 'rate', 'has_status': true,
            'numerator': 'leavers_headcount', 'denominator': 'inpost_headcount', 'scale': 100},
        {'name': 'agency_fte', 'kind': 'component', 'has_status': true},
        {'name': 'agency_headcount', 'kind': 'component', 'has_status': true},
        {'name': 'agency_rate_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'agency_fte', 'denominator': '(agency_fte + inpost_fte)', 'scale': 100},
        {'name': 'agency_rate_headcount', 'kind': 'rate', 'has_status': true,
            'numerator': 'agency_headcount', 'denominator': '(agency_headcount + inpost_headcount)', 'scale': 100},
        {'name': 'agency_cover_fte', 'kind': 'component', 'has_status': true},
        {'name': 'agency_cover_rate_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'agency_cover_fte', 'denominator': 'agency_fte', 'scale': 100},
        {'name': 'vacancy_fte', 'kind': 'component', 'has_status': true},
        {'name': 'vacancy_rate_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'vacancy_fte', 'denominator': '(vacancy_fte + inpost_fte)', 'scale': 100},
        {'name': 'vacancy_agency_cover_rate_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'agency_cover_fte', 'denominator': 'vacancy_fte', 'scale': 100},
        {'name': 'case_holders_fte', 'kind': 'component', 'has_status': true},
        {'name': 'cases', 'kind': 'component', 'has_status': true},
        {'name': 'caseload_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'cases', 'denominator': 'case_holders_fte', 'scale': 1},
        {'name': 'working_days_lost_fte', 'kind': 'component', 'has_status': true},
        {'name': 'absence_rate_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'working_days_lost_fte', 'denominator': '(inpost_fte * ' ~ working_days ~ ')', 'scale': 100},
        {'name': 'fte_missing_records', 'kind': 'component', 'has_status': false},
    ]) -%}
{% endmacro %}


{# The measures of one kind ('component' or 'rate'), in column order. #}
{% macro national_measures_of_kind(kind) %}
    {%- do return(national_measures() | selectattr('kind', 'equalto', kind) | list) -%}
{% endmacro %}


{# The numerator and denominator columns of every national rate, evaluated over one LA's components
   (<name>_numerator, <name>_denominator): used by every model that produces LA components. #}
{% macro national_rate_inputs() %}
    {%- for rate in national_measures_of_kind('rate') %}
    cast({{ rate.numerator }} as {{ type_double() }}) as {{ rate.name }}_numerator,
    cast({{ rate.denominator }} as {{ type_double() }}) as {{ rate.name }}_denominator
    {{- "," if not loop.last }}
    {%- endfor %}
{% endmacro %}
