-- marts.benchmarks_published: marts.benchmarks computed over published figures only (the public view):
-- LA, region and England values all from DfE's published file; bands, ranks, statistical-neighbour medians,
-- change from last year and alliance flags among published LA values. Same columns and SQL as
-- marts.benchmarks (macros/benchmarks_model.sql).

{{ benchmarks_model(published_only=true) }}
