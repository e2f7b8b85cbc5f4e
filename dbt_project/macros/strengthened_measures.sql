{#
    The strengthened measures of definitions.md ("Strengthened definitions"), in the column order of
    marts.workforce_indicators (after the national measures). The same kinds as national_measures(), plus:

    kind 'component' with 'csww' true: computed from the worker records (int_csww__la_components); else
        computed in int_la_components from other components or from the R2 workbook. A region sums it over
        the member LAs that have a value.
    kind 'rate': numerator and denominator are expressions over the LA components and the inputs below,
        evaluated in int_la_components (<name>_numerator / <name>_denominator); a region sums each over the
        member LAs that have both; the mart applies safe_rate().
    kind 'distribution': a percentile over case-holder records, computed per LA in int_csww__la_components
        and per alliance over the POOLED case holders of its member LAs (int_alliance__components), never
        from LA values. 'count' names the number of records it is taken over (status 'z' when 0).

    Inputs that are not mart columns (in int_la_components only):
        case_holders_count          case-holder records (in post or agency at R, Cases30 > 0)
        case_holders_with_fte_count case-holder records with FTE at R > 0
        over_limit_case_holders     case holders with Cases30 strictly above their limit (seed team_type_limits)
        first_year_case_holders     case holders in their first year after qualifying
        first_year_cases            sum of Cases30 over them
        weighted_children           sum over R2 Teams rows of weight x children (seed caseload_weights)
        teams_case_holders_fte      sum of R2 Teams case_holders_fte
        children_population         ONS children aged 0 to 17 (seed ref_children_population)
#}
{% macro strengthened_measures() %}
    {%- do return([
        {'name': 'case_holding_share_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'case_holders_fte', 'denominator': '(inpost_fte + agency_fte)', 'scale': 100},
        {'name': 'non_case_holding_fte', 'kind': 'component', 'has_status': true, 'csww': true},
        {'name': 'caseload_median', 'kind': 'distribution', 'has_status': true,
            'value': 'cases30', 'fraction': 0.5, 'count': 'case_holders_count'},
        {'name': 'caseload_p90', 'kind': 'distribution', 'has_status': true,
            'value': 'cases30', 'fraction': 0.9, 'count': 'case_holders_count'},
        {'name': 'caseload_per_fte_median', 'kind': 'distribution', 'has_status': true,
            'value': 'cases30_per_fte', 'fraction': 0.5, 'count': 'case_holders_with_fte_count'},
        {'name': 'case_holders_over_limit_pct', 'kind': 'rate', 'has_status': true,
            'numerator': 'over_limit_case_holders', 'denominator': 'case_holders_count', 'scale': 100},
        {'name': 'nqsw_caseload_mean', 'kind': 'rate', 'has_status': true,
            'numerator': 'first_year_cases', 'denominator': 'first_year_case_holders', 'scale': 1},
        {'name': 'absent_at_ref_fte', 'kind': 'component', 'has_status': true, 'csww': true},
        {'name': 'effective_capacity_fte', 'kind': 'component', 'has_status': true, 'csww': true},
        {'name': 'non_sw_fte', 'kind': 'component', 'has_status': true, 'csww': false},
        {'name': 'non_sw_per_case_holder_fte', 'kind': 'rate', 'has_status': true,
            'numerator': 'non_sw_fte', 'denominator': 'case_holders_fte', 'scale': 1},
        {'name': 'total_workforce_fte', 'kind': 'component', 'has_status': true, 'csww': false},
        {'name': 'weighted_caseload', 'kind': 'rate', 'has_status': true,
            'numerator': 'weighted_children', 'denominator': 'teams_case_holders_fte', 'scale': 1},
        {'name': 'sw_fte_per_10k_children', 'kind': 'rate', 'has_status': true,
            'numerator': '(inpost_fte + agency_fte)', 'denominator': 'children_population', 'scale': 10000},
    ]) -%}
{% endmacro %}


{# The strengthened measures of one kind, in column order. #}
{% macro strengthened_measures_of_kind(kind) %}
    {%- do return(strengthened_measures() | selectattr('kind', 'equalto', kind) | list) -%}
{% endmacro %}


{# Every measure of marts.workforce_indicators: the national ones, then the strengthened ones. #}
{% macro indicator_measures() %}
    {%- do return(national_measures() + strengthened_measures()) -%}
{% endmacro %}


{% macro indicator_measures_of_kind(kind) %}
    {%- do return(indicator_measures() | selectattr('kind', 'equalto', kind) | list) -%}
{% endmacro %}


{#
    The columns an LA or alliance row carries for the mart to compute every measure: components, each rate's
    numerator and denominator, each distribution and the count it is taken over (each once).
#}
{% macro indicator_measure_inputs() %}
    {%- set inputs = [] -%}
    {%- for measure in indicator_measures() -%}
        {%- if measure.kind == 'rate' -%}
            {%- do inputs.append(measure.name ~ '_numerator') -%}
            {%- do inputs.append(measure.name ~ '_denominator') -%}
        {%- else -%}
            {%- do inputs.append(measure.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for measure in indicator_measures_of_kind('distribution') -%}
        {%- if measure.count not in inputs -%}{%- do inputs.append(measure.count) -%}{%- endif -%}
    {%- endfor -%}
    {%- do return(inputs) -%}
{% endmacro %}
