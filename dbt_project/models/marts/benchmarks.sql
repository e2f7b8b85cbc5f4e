-- marts.benchmarks (outputs.md, definitions.md "Benchmarks"): one row per LA, time_period and measure, from
-- the LA's returns where it has them, else its published figures. The SQL and its rules are in
-- macros/benchmarks_model.sql (shared with marts.benchmarks_published).

{{ benchmarks_model(published_only=false) }}
