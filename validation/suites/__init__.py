"""Great Expectations suites (GX 1.x, ephemeral context, pandas) over the warehouse's marts.

GX 1.x has no working DuckDB SQL engine, so a mart is read into pandas first (``load_workforce_indicators``)
and validated as a dataframe asset.
"""

from validation.suites.workforce_indicators import (
    ExpectationSummary,
    build_workforce_indicators_suite,
    load_workforce_indicators,
    run_workforce_indicators_suite,
)

__all__ = [
    "ExpectationSummary",
    "build_workforce_indicators_suite",
    "load_workforce_indicators",
    "run_workforce_indicators_suite",
]
