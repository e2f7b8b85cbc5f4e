-- ref_local_authorities may hold several rows for one old_la_code (its new code changed), but their active
-- years must not overlap, so that an LA and year finds exactly one name and code. (Rows starting in the same
-- year are caught by the unique_combination_of_columns test on old_la_code and first_year.)

select
    earlier.old_la_code,
    earlier.new_la_code as earlier_new_la_code,
    earlier.active_to_year as earlier_active_to_year,
    later.new_la_code as later_new_la_code,
    later.active_from_year as later_active_from_year
from {{ ref('stg_reference__local_authorities') }} as earlier
inner join {{ ref('stg_reference__local_authorities') }} as later
    on earlier.old_la_code = later.old_la_code
    and earlier.active_from_year < later.active_from_year
where later.active_from_year <= earlier.active_to_year
