"""Great Expectations suites on the marts, as Dagster asset checks. A failure blocks publishing."""

import threading

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetKey, asset_check

from orchestration.resources import WorkforceConfig
from pipeline import timings

WORKFORCE_INDICATORS = AssetKey(["marts", "workforce_indicators"])


def _import_suite() -> None:
    import validation.suites.workforce_indicators  # noqa: F401  (Great Expectations and scipy)


def preload_suite() -> threading.Thread:
    """Import Great Expectations in a background thread (2-6 s) while dbt builds in its own process, so that
    the check, which runs right after dbt, finds it imported. Python's import lock makes the check's own
    import wait for this one rather than run twice."""
    thread = threading.Thread(target=_import_suite, name="preload-great-expectations", daemon=True)
    thread.start()
    return thread


@asset_check(asset=WORKFORCE_INDICATORS, name="gx_workforce_indicators", blocking=True,
             description="Great Expectations suite on marts.workforce_indicators (keys, levels, ranges, symbols).")
def gx_workforce_indicators(context: AssetCheckExecutionContext, workforce: WorkforceConfig) -> AssetCheckResult:
    with timings.timed(workforce.settings(), "quality_checks"):
        # Great Expectations is imported here, when the check runs, not when the definitions load: its import
        # (scipy and more) takes longer than the ingest of one return
        from validation.suites.workforce_indicators import (
            failed,
            load_workforce_indicators,
            run_workforce_indicators_suite,
        )

        # the mart in the warehouse, read-only and briefly (dbt has finished writing it), before it is published
        frame = load_workforce_indicators(workforce.settings().warehouse)
        success, summaries = run_workforce_indicators_suite(frame)
    failures = failed(summaries)
    for summary in failures:
        print(f"GX check failed: {summary}", flush=True)
    return AssetCheckResult(
        passed=success,
        metadata={"expectations": len(summaries), "failed": [str(s) for s in failures][:20], "rows": len(frame)},
    )
