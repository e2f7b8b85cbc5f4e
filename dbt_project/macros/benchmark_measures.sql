{#
    The measures of marts.benchmarks and their polarity (definitions.md, "Benchmarks"): 'low' (low is good:
    turnover, agency, vacancy, absence, caseloads and over-limit), 'high' (high is good: case-holding share) or
    'none' (context only: no quartile band, no rank, no alliance flag). Each is a measure column of
    marts.workforce_indicators. They are the catalogue's benchmarked measures of that mart
    (seeds/reference/measure_catalogue.csv, read through the generated macro measure_catalogue()): to benchmark
    another measure, set its benchmarked to true there and run `make prepare`.
#}
{% macro benchmark_measures() %}
    {%- set measures = [] -%}
    {%- for measure in measure_catalogue() if measure.benchmarked and measure.mart == 'workforce_indicators' -%}
        {%- do measures.append({'name': measure.measure, 'polarity': measure.polarity}) -%}
    {%- endfor -%}
    {%- do return(measures) -%}
{% endmacro %}
