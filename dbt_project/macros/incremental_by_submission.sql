{#-
    The CSWW models built per submission (int_csww__workers_classified, int_csww__la_components) are
    incremental by submission: a submission's rows are made from that submission alone, and carry the time its
    raw rows were loaded (loaded_at). An incremental build makes the rows of the current submissions it has no
    rows of that load for (new_current_submissions: a resubmission, or a file loaded again), replacing any
    earlier rows of the same submission (dbt's delete+insert on submission_id), then deletes the rows of
    submissions no longer current (the post-hook delete_superseded_submissions). Only the command line's
    resubmission run builds them so (orchestration/assets/dbt.py); every other build is a --full-refresh.
-#}

{% macro incremental_by_submission_config() %}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='submission_id',
        on_schema_change='fail',
        post_hook=["{{ delete_superseded_submissions() }}"]
    ) }}
{% endmacro %}


{% macro new_current_submissions() %}
    {#- int_csww__current_submissions; in an incremental build, those this model has no rows of that load for -#}
    select * from {{ ref('int_csww__current_submissions') }} as candidate
    {%- if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as built
        where built.submission_id = candidate.submission_id
          and built.loaded_at = candidate.loaded_at
    )
    {%- endif %}
{% endmacro %}


{% macro delete_superseded_submissions() %}
    delete from {{ this }}
    where submission_id not in (select submission_id from {{ ref('int_csww__current_submissions') }})
{% endmacro %}
