-- A quartile band, a national rank and an alliance flag need a value and a measure with polarity; a value of a
-- measure with polarity always has a band and a rank.
select *
from {{ ref('benchmarks') }}
where ((polarity = 'none' or value is null)
        and (quartile_band is not null or national_rank is not null or alliance_flag is not null))
   or (polarity <> 'none' and value is not null and (quartile_band is null or national_rank is null))
