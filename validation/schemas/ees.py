"""pandera schemas for the published EES indicators file (R3), applied to the text exactly as it was sent.

``GEOGRAPHY_SCHEMA`` checks the time and geography columns every EES file has; ``measure_schema`` checks the
indicator columns a given file has (they differ by layout): each cell is a number or an EES symbol. Each
column's first check carries the message shown in the report; ``RULE_OF_COLUMN`` says which rule a failure
of a geography column breaks (every measure failure is EES010). Run them with
``validation.schemas.csww.failures`` (lazy validation, one failure per cell).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

SYMBOLS = ("c", "low", "u", "x", "z")  # ees.md: z, x, c, low; CSWW also uses u
GEOGRAPHIC_LEVELS = ("National", "Regional", "Local authority")
TIME_IDENTIFIER = "Reporting year"
ENGLAND = ("E92000001", "England")
NUMBER = r"(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"  # non-negative: every CSWW measure is a count, FTE or rate
# Shares of a whole (the mart checks them between 0 and 100); other rates may exceed 100.
SHARES = ("agency_rate_fte", "agency_rate_headcount", "vacancy_rate_fte")

RULE_OF_COLUMN = {
    "time_period": "EES012", "time_identifier": "EES012", "geographic_level": "EES011",
    "country_code": "EES013", "country_name": "EES013",
}


def _one_of(*allowed: str) -> pa.Check:
    return pa.Check(lambda s: s.isin(allowed), error=f"one of: {', '.join(allowed)}")


def _year() -> pa.Check:
    return pa.Check(lambda s: s.astype("string").str.fullmatch(r"(19|20)\d\d").fillna(False).astype(bool),
                    error="a 4-digit census year (YYYY)")


def _value(maximum: float | None) -> pa.Check:
    bound = f" from 0 to {maximum:g}" if maximum is not None else " (0 or more)"

    def check(series: pd.Series) -> pd.Series:
        text = series.astype("string")
        numeric = text.str.fullmatch(NUMBER).fillna(False).astype(bool)
        ok = numeric.copy()
        if maximum is not None:
            values = pd.to_numeric(text.where(numeric), errors="coerce")
            ok &= (values <= maximum).fillna(False).astype(bool)
        return ok | text.isin(SYMBOLS).fillna(False).astype(bool)

    return pa.Check(check, error=f"a number{bound} or an EES symbol ({', '.join(SYMBOLS)})")


GEOGRAPHY_SCHEMA = pa.DataFrameSchema(
    {
        "time_period": pa.Column(checks=[_year()]),
        "time_identifier": pa.Column(checks=[_one_of(TIME_IDENTIFIER)]),
        "geographic_level": pa.Column(checks=[_one_of(*GEOGRAPHIC_LEVELS)]),
        "country_code": pa.Column(checks=[_one_of(ENGLAND[0])]),
        "country_name": pa.Column(checks=[_one_of(ENGLAND[1])]),
    },
    name="EES time and geography columns",
)


def measure_schema(measures: dict[str, str]) -> pa.DataFrameSchema:
    """The schema of the indicator columns of one file: ``measures`` maps each column to its measure."""
    return pa.DataFrameSchema(
        {column: pa.Column(checks=[_value(100 if measure in SHARES else None)], required=False)
         for column, measure in measures.items()},
        name="EES indicator cells",
    )
