{#
    GENERATED from seeds/reference/measure_catalogue.csv by `python -m reference.catalogue --write-dbt`
    (make prepare). Do not edit: change the catalogue and regenerate; tests/test_measure_catalogue.py
    fails while this file is stale. One entry per measure: its column (measure), the mart it lives in, its
    family, unit, decimals, polarity ('low' / 'high' / 'none') and whether it is benchmarked.
#}
{% macro measure_catalogue() %}
    {%- do return([
        {'measure': 'inpost_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'inpost_headcount', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'people', 'decimals': 0, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'starters_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'starters_headcount', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'people', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'leavers_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'leavers_headcount', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'people', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'turnover_rate_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'turnover_rate_headcount', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'agency_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'agency_headcount', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'people', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'agency_rate_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'agency_rate_headcount', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'agency_cover_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'agency_cover_rate_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'vacancy_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'vacancy_rate_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'vacancy_agency_cover_rate_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'case_holders_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'cases', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'cases', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'caseload_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'cases per FTE', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'working_days_lost_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'days', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'absence_rate_fte', 'mart': 'workforce_indicators', 'family': 'national', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'fte_missing_records', 'mart': 'workforce_indicators', 'family': 'national', 'unit': 'records', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'case_holding_share_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': '%', 'decimals': 1, 'polarity': 'high', 'benchmarked': true},
        {'measure': 'non_case_holding_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'caseload_median', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'cases per case holder', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'caseload_p90', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'cases per case holder', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'caseload_per_fte_median', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'cases per FTE', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'case_holders_over_limit_pct', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': '%', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'nqsw_caseload_mean', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'cases per case holder', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'absent_at_ref_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'effective_capacity_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'non_sw_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'non_sw_per_case_holder_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE per case holder FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'total_workforce_fte', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE', 'decimals': 1, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'weighted_caseload', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'cases per FTE', 'decimals': 1, 'polarity': 'low', 'benchmarked': true},
        {'measure': 'sw_fte_per_10k_children', 'mart': 'workforce_indicators', 'family': 'strengthened', 'unit': 'FTE per 10,000 children', 'decimals': 1, 'polarity': 'none', 'benchmarked': true},
        {'measure': 'las_contributing', 'mart': 'workforce_indicators', 'family': 'coverage', 'unit': 'local authorities', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'las_expected', 'mart': 'workforce_indicators', 'family': 'coverage', 'unit': 'local authorities', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'case_holders_count', 'mart': '', 'family': 'guard', 'unit': 'people', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
        {'measure': 'first_year_case_holders', 'mart': '', 'family': 'guard', 'unit': 'people', 'decimals': 0, 'polarity': 'none', 'benchmarked': false},
    ]) -%}
{% endmacro %}
