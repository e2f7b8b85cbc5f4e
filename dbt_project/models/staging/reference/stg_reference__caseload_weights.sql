-- The caseload weights of weighted_caseload (seed caseload_weights), as one row with a column per weight.
-- A weight missing from the seed takes the definitions.md default.

with

source as (

    select * from {{ ref('caseload_weights') }}

),

pivoted as (

    select
        coalesce(max(case when trim(weight_code) = 'w_cin' then weight end), 1.0) as w_cin,
        coalesce(max(case when trim(weight_code) = 'w_cp' then weight end), 1.5) as w_cp,
        coalesce(max(case when trim(weight_code) = 'w_cla' then weight end), 1.25) as w_cla,
        coalesce(max(case when trim(weight_code) = 'w_cl' then weight end), 0.75) as w_cl,
        coalesce(max(case when trim(weight_code) = 'w_court' then weight end), 2.0) as w_court

    from source

)

select
    cast(w_cin as {{ type_double() }}) as w_cin,
    cast(w_cp as {{ type_double() }}) as w_cp,
    cast(w_cla as {{ type_double() }}) as w_cla,
    cast(w_cl as {{ type_double() }}) as w_cl,
    cast(w_court as {{ type_double() }}) as w_court
from pivoted
