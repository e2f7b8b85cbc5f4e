"""The Great Expectations suite for ``marts.workforce_indicators`` (outputs.md).

``run_workforce_indicators_suite(df)`` validates the mart read into pandas (``load_workforce_indicators``)
in an ephemeral GX context: a pandas datasource, a dataframe asset, a whole-dataframe batch definition, the
suite and a ``ValidationDefinition``, run with ``batch_parameters={"dataframe": df}``. It returns
``(success, summaries)``, one ``ExpectationSummary`` per expectation.

The expectations are built from the columns present, so measures added to the mart later are covered by
the rules their names imply:

- key columns exist; ``time_period``, ``time_identifier``, ``geographic_level``, ``country_code``,
  ``country_name``, ``source`` not null; ``region_code``/``region_name`` not null on regional and LA rows,
  ``old_la_code``/``la_name`` not null on LA rows;
- ``geographic_level`` in National/Regional/Local authority; ``source`` in returns/published;
  ``time_period`` between 2000 and 2100;
- (source, geographic_level, region_code, old_la_code, time_period) unique together;
- percentages (``*_rate_fte``, ``*_rate_headcount``, ``*_pct``, ``*_share_fte``) between 0 and 100, except
  turnover, agency cover and absence rates, which are only >= 0 (turnover and agency cover can exceed 100;
  absence has leavers' days in its numerator only: dbt's tests and docs say the same);
- other FTE and headcount columns (``*_fte``, ``*_headcount``) >= 0;
- ``*_status`` columns in {c, low, u, x, z} (null allowed).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # never phone home from a pipeline run

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.row_conditions import Column, Condition  # noqa: E402

MART = "marts.workforce_indicators"
SUITE_NAME = "workforce_indicators"

KEY_COLUMNS: tuple[str, ...] = ("time_period", "time_identifier", "geographic_level", "country_code",
                                "country_name", "source")
UNIQUE_KEY: tuple[str, ...] = ("source", "geographic_level", "region_code", "old_la_code", "time_period")
GEOGRAPHIC_LEVELS: tuple[str, ...] = ("National", "Regional", "Local authority")
SOURCES: tuple[str, ...] = ("returns", "published")
STATUS_SYMBOLS: tuple[str, ...] = ("c", "low", "u", "x", "z")
TIME_PERIOD_RANGE = (2000, 2100)

PERCENT_SUFFIXES: tuple[str, ...] = ("_rate_fte", "_rate_headcount", "_pct", "_share_fte")
UNBOUNDED_RATE_MARKERS: tuple[str, ...] = ("turnover", "agency_cover", "absence")
NON_NEGATIVE_SUFFIXES: tuple[str, ...] = ("_fte", "_headcount")

# (columns, row condition): columns that must be filled on the rows of some levels
CONDITIONAL_NOT_NULL: tuple[tuple[tuple[str, ...], Condition], ...] = (
    (("region_code", "region_name"), Column("geographic_level").is_in(["Regional", "Local authority"])),
    (("old_la_code", "la_name"), Column("geographic_level") == "Local authority"),
)

MAX_VALUES = 5


@dataclass(frozen=True)
class ExpectationSummary:
    """The outcome of one expectation, compactly."""

    expectation: str  # e.g. expect_column_values_to_be_between
    column: str  # the column, or the columns joined with ', '
    success: bool
    unexpected_count: int | None = None
    unexpected_values: list[Any] = field(default_factory=list)
    exception: str | None = None

    @property
    def name(self) -> str:
        return f"{self.expectation}({self.column})"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def _numeric(df: pd.DataFrame, column: str) -> bool:
    return pd.api.types.is_numeric_dtype(df[column])


def is_percentage(column: str) -> bool:
    return column.endswith(PERCENT_SUFFIXES)


def percentage_max(column: str) -> float | None:
    """100 for a bounded percentage, None for the rates that may exceed 100."""
    return None if any(marker in column for marker in UNBOUNDED_RATE_MARKERS) else 100


def build_workforce_indicators_suite(df: pd.DataFrame, name: str = SUITE_NAME) -> gx.ExpectationSuite:
    """The suite for a frame of the mart, with expectations for the columns it has (each once).

    The expectations are collected first and given to the suite together: ``suite.add_expectation`` compares
    each new expectation with every one before it (to keep the suite set-like), which for the mart's 87 took
    0.14 s of every check."""
    columns = list(df.columns)
    expectations: list[gxe.Expectation] = []
    for column in dict.fromkeys((*KEY_COLUMNS, *UNIQUE_KEY)):
        expectations.append(gxe.ExpectColumnToExist(column=column))
    for column in KEY_COLUMNS:
        if column in columns:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=column))
    if "geographic_level" in columns:
        for conditional, condition in CONDITIONAL_NOT_NULL:
            for column in conditional:
                if column in columns:
                    expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=column, row_condition=condition))
        expectations.append(gxe.ExpectColumnValuesToBeInSet(column="geographic_level",
                                                            value_set=list(GEOGRAPHIC_LEVELS)))
    if "source" in columns:
        expectations.append(gxe.ExpectColumnValuesToBeInSet(column="source", value_set=list(SOURCES)))
    if "time_period" in columns:
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column="time_period", min_value=TIME_PERIOD_RANGE[0], max_value=TIME_PERIOD_RANGE[1]))
    if all(c in columns for c in UNIQUE_KEY):
        expectations.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(UNIQUE_KEY)))
    for column in columns:
        if column.endswith("_status"):
            expectations.append(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(STATUS_SYMBOLS)))
        elif is_percentage(column) and _numeric(df, column):
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=0, max_value=percentage_max(column)))
        elif column.endswith(NON_NEGATIVE_SUFFIXES) and _numeric(df, column):
            expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0))
    return gx.ExpectationSuite(name=name, expectations=expectations)


def _context() -> Any:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _plain(value: Any) -> Any:
    """A JSON-friendly unexpected value (NaN -> None, numpy scalars -> Python)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value.item() if hasattr(value, "item") else value


def _summary(result: Any) -> ExpectationSummary:
    config = result.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    details = result.result or {}
    exception = None
    info = result.exception_info or {}
    if isinstance(info, dict) and info.get("raised_exception"):
        exception = str(info.get("exception_message"))
    values = details.get("partial_unexpected_list") or []
    return ExpectationSummary(
        expectation=config.type, column=column, success=bool(result.success),
        unexpected_count=details.get("unexpected_count"), unexpected_values=_plain(list(values)[:MAX_VALUES]),
        exception=exception)


# Pass or fail only: a third of the time of SUMMARY, which also finds the unexpected rows of every expectation.
QUICK = {"result_format": "BOOLEAN_ONLY"}
DETAILED = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_VALUES}


def run_workforce_indicators_suite(df: pd.DataFrame) -> tuple[bool, list[ExpectationSummary]]:
    """Validate a frame of ``marts.workforce_indicators``: (every expectation met, one summary each).

    The suite runs for pass or fail first; only when an expectation fails does it run again for the counts and
    examples of what failed (``unexpected_count`` and ``unexpected_values`` are filled only then)."""
    result = _validate(df, QUICK)
    if not result.success:
        result = _validate(df, DETAILED)
    return bool(result.success), [_summary(r) for r in result.results]


def _validate(df: pd.DataFrame, result_format: dict[str, Any]) -> Any:
    context = _context()
    source = context.data_sources.add_pandas(name="workforce_marts")
    asset = source.add_dataframe_asset(name=SUITE_NAME)
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_dataframe")
    suite = context.suites.add(build_workforce_indicators_suite(df))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{SUITE_NAME}_validation", data=batch_definition, suite=suite))
    return validation.run(batch_parameters={"dataframe": df}, result_format=result_format)


def load_workforce_indicators(serving_path: Path) -> pd.DataFrame:
    """The whole mart from a serving (or warehouse) DuckDB file, read-only; the connection is closed at once."""
    con = duckdb.connect(str(serving_path), read_only=True)
    try:
        return con.execute(f"select * from {MART}").df()
    finally:
        con.close()


def failed(summaries: list[ExpectationSummary]) -> list[ExpectationSummary]:
    """The summaries of the expectations that failed."""
    return [s for s in summaries if not s.success]
