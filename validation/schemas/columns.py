"""Columns of the tabular returns (R4 agency return, R5 time-use diary): how a cell as sent is checked and typed.

A ``Column`` says what a valid value looks like (text, a code from a list, a number in a range, a whole number,
a 0/1 flag, a date, a SWE registration number) and whether the item is required. ``sheet_schema`` turns a
sheet's columns into a pandera schema run on the values exactly as they were sent (a number, a number typed as
text, a date cell, a date written as text...): each failing cell becomes one failure naming its rule (the
return's "required item missing" code before its "wrong type or code" one, so a cell is reported once). ``typed``
turns the same values into typed columns (text, Float64, Int64, datetime64), empty where a value is missing or
invalid.

Values repeat a lot (the same activity, the same rate), so each distinct value is converted once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import pandera.pandas as pa

from validation.privacy import swe_number_of
from validation.schemas.workbook import (
    CellCheck,
    SheetLayout,
    SheetSchema,
    as_number,
    canonical_name,
    date_of,
    is_empty,
)

KINDS = ("text", "code", "number", "whole", "flag", "date", "sweno")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS
    required: bool = False
    codes: tuple[str, ...] = ()  # kind "code": the allowed values (matched ignoring case, spaces and hyphens)
    minimum: float | None = None  # numbers: the lowest allowed value (excluded when ``above``)
    above: bool = False
    maximum: float | None = None
    personal: bool = False  # an identifier: an issue never repeats the value

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")

    @property
    def expected(self) -> str:
        """What a valid value is, completing "should be ..."."""
        if self.kind == "code":
            return "one of " + ", ".join(self.codes)
        if self.kind == "flag":
            return "0 or 1"
        if self.kind == "date":
            return "a date (a date cell, or YYYY-MM-DD)"
        if self.kind == "sweno":
            return "a Social Work England number: 2 letters and up to 10 digits"
        if self.kind == "text":
            return "text"
        words = "a whole number" if self.kind == "whole" else "a number"
        if self.minimum is not None and self.maximum is not None:
            low = f"above {self.minimum:g}" if self.above else f"from {self.minimum:g}"
            return f"{words} {low} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{words} {'above' if self.above else 'of at least'} {self.minimum:g}"
        return words

    def valid(self, value: object) -> bool:
        """Whether a non-empty value as sent is valid for this column."""
        if self.kind == "text":
            return True
        if self.kind == "code":
            return canonical_name(value) in self.codes
        if self.kind == "date":
            return date_of(value) is not None
        if self.kind == "sweno":
            return swe_number_of(value) is not None
        number = as_number(value)
        if number is None:
            return False
        if self.kind == "flag":
            return number in (0.0, 1.0)
        if self.kind == "whole" and number != math.floor(number):
            return False
        if self.minimum is not None and (number <= self.minimum if self.above else number < self.minimum):
            return False
        return self.maximum is None or number <= self.maximum


def text_of(value: object) -> str | None:
    """A cell as text: text stripped; a whole number typed as a number without its ".0"; a date as ISO."""
    if is_empty(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def by_value(values: Sequence[object], convert: Callable[[object], object]) -> list[object]:
    """``[convert(v) for v in values]``, converting each distinct value once (keyed by type and value, so that
    1, 1.0 and True stay apart)."""
    cache: dict[tuple[type, object], object] = {}
    out: list[object] = []
    append = out.append
    for value in values:
        key = (type(value), value)
        try:
            append(cache[key])
        except KeyError:
            append(cache.setdefault(key, convert(value)))
        except TypeError:  # an unhashable value (never from the readers)
            append(convert(value))
    return out


def _present(series: pd.Series) -> pd.Series:
    return pd.Series(by_value(series.tolist(), lambda v: not is_empty(v)), index=series.index, dtype=bool)


def _required_check(column: Column) -> pa.Check:
    return pa.Check(_present, name="required", error="given", ignore_na=False)


def _type_check(column: Column) -> pa.Check:
    def check(series: pd.Series) -> pd.Series:
        return pd.Series(by_value(series.tolist(), lambda v: is_empty(v) or column.valid(v)), index=series.index,
                         dtype=bool)

    return pa.Check(check, name="type", error=column.expected, ignore_na=False)


def sheet_schema(layout: SheetLayout, columns: Sequence[Column], *, required_code: str, type_code: str
                 ) -> SheetSchema:
    """The pandera schema of a sheet's rows as sent, with the rule each check stands for (for ``failures``)."""
    checks: dict[str, list[CellCheck]] = {}
    schema_columns: dict[str, pa.Column] = {}
    for column in columns:
        pandera_checks, cell_checks = [], []
        if column.required:
            pandera_checks.append(_required_check(column))
            cell_checks.append(CellCheck(required_code, f"given ({column.name} is required)", None))
        pandera_checks.append(_type_check(column))
        cell_checks.append(CellCheck(type_code, column.expected, None))
        checks[column.name] = cell_checks
        schema_columns[column.name] = pa.Column(nullable=True, required=False, checks=pandera_checks)
    return SheetSchema(layout, pa.DataFrameSchema(schema_columns, name=f"{layout.name} row"), checks)


def typed(raw: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """The values as typed columns; a missing or invalid value is empty (its row is rejected or it is optional).

    text -> string; code -> string in the list's spelling; sweno -> string in normal form (upper case, no
    spaces); number -> Float64; whole, flag -> Int64; date -> datetime64[s]."""
    out = pd.DataFrame(index=raw.index)
    for column in columns:
        values = raw[column.name].tolist() if column.name in raw else [None] * len(raw)
        if column.kind == "text":
            out[column.name] = pd.array(by_value(values, text_of), dtype="string")
        elif column.kind == "code":
            out[column.name] = pd.array(
                by_value(values, lambda v, c=column: canonical_name(v) if c.valid(v) else None), dtype="string")
        elif column.kind == "sweno":
            out[column.name] = pd.array(by_value(values, swe_number_of), dtype="string")
        elif column.kind == "date":
            days = by_value(values, lambda v: None if is_empty(v) else date_of(v))
            out[column.name] = pd.Series([pd.Timestamp(d) if d is not None else pd.NaT for d in days],
                                         index=raw.index, dtype="datetime64[s]")
        else:
            numbers = by_value(values, lambda v, c=column: as_number(v) if not is_empty(v) and c.valid(v) else None)
            series = pd.array(numbers, dtype="Float64")
            out[column.name] = series.round().astype("Int64") if column.kind in ("whole", "flag") else series
    return out


def empty_typed(columns: Sequence[Column]) -> pd.DataFrame:
    """``typed`` of no rows: the same columns and dtypes."""
    return typed(pd.DataFrame({c.name: pd.Series([], dtype=object) for c in columns}), columns)
