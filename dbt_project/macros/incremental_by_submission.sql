{#-
    The CSWW models built per submission (int_csww__workers_classified, int_csww__la_components) are
    incremental by submission: a submission's rows are made once, from that submission alone. An incremental
    build makes the rows of the submissions that became current since the last build
    (new_current_submissions) and then deletes those of submissions no longer current, superseded by a
    resubmission (the post-hook delete_superseded_submissions). Only the command line's resubmission run
    builds them so (orchestration/assets/dbt.py); every other build is a --full-refresh.
-#}

{% macro new_current_submissions() %}
    {#- int_csww__current_submissions; in an incremental build, those this model has no rows for yet -#}
    select * from {{ ref('int_csww__current_submissions') }}
    {%- if is_incremental() %}
    where submission_id not in (select submission_id from {{ this }})
    {%- endif %}
{% endmacro %}


{% macro delete_superseded_submissions() %}
    delete from {{ this }}
    where submission_id not in (select submission_id from {{ ref('int_csww__current_submissions') }})
{% endmacro %}
