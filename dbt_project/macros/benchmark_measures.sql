{#
    The measures of marts.benchmarks and their polarity (definitions.md, "Benchmarks"): 'low' (low is good:
    turnover, agency, vacancy, absence, caseloads and over-limit), 'high' (high is good: case-holding share) or
    'none' (context only: no quartile band, no rank, no alliance flag). Each name is a measure column of
    marts.workforce_indicators. To benchmark another measure, append it here.
#}
{% macro benchmark_measures() %}
    {%- do return([
        {'name': 'turnover_rate_fte', 'polarity': 'low'},
        {'name': 'turnover_rate_headcount', 'polarity': 'low'},
        {'name': 'agency_rate_fte', 'polarity': 'low'},
        {'name': 'agency_rate_headcount', 'polarity': 'low'},
        {'name': 'vacancy_rate_fte', 'polarity': 'low'},
        {'name': 'absence_rate_fte', 'polarity': 'low'},
        {'name': 'caseload_fte', 'polarity': 'low'},
        {'name': 'caseload_median', 'polarity': 'low'},
        {'name': 'caseload_p90', 'polarity': 'low'},
        {'name': 'caseload_per_fte_median', 'polarity': 'low'},
        {'name': 'nqsw_caseload_mean', 'polarity': 'low'},
        {'name': 'weighted_caseload', 'polarity': 'low'},
        {'name': 'case_holders_over_limit_pct', 'polarity': 'low'},
        {'name': 'case_holding_share_fte', 'polarity': 'high'},
        {'name': 'inpost_fte', 'polarity': 'none'},
        {'name': 'inpost_headcount', 'polarity': 'none'},
        {'name': 'agency_cover_rate_fte', 'polarity': 'none'},
        {'name': 'vacancy_agency_cover_rate_fte', 'polarity': 'none'},
        {'name': 'sw_fte_per_10k_children', 'polarity': 'none'},
        {'name': 'non_sw_per_case_holder_fte', 'polarity': 'none'},
        {'name': 'total_workforce_fte', 'polarity': 'none'},
    ]) -%}
{% endmacro %}
