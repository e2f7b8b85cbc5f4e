{#-
    The complexity-weighted children of one Teams row (definitions.md, weighted_caseload): w_cin x children_cin
    + w_cp x children_cp + w_cla x children_cla + w_cl x children_care_leavers + w_court x
    children_in_proceedings, weights from the seed caseload_weights; a missing child count adds nothing.
    Used row by row in marts.team_caseloads and summed per return in int_workbook__team_components.
-#}
{% macro weighted_children(teams='teams', weights='weights') -%}
    coalesce({{ teams }}.children_cin, 0) * {{ weights }}.w_cin
        + coalesce({{ teams }}.children_cp, 0) * {{ weights }}.w_cp
        + coalesce({{ teams }}.children_cla, 0) * {{ weights }}.w_cla
        + coalesce({{ teams }}.children_care_leavers, 0) * {{ weights }}.w_cl
        + coalesce({{ teams }}.children_in_proceedings, 0) * {{ weights }}.w_court
{%- endmacro %}
