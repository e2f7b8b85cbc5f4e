"""The EES screening rules (``/work/shared/spec/ees.md``) as code: what DfE's screener checks before an
open-data file is published on Explore Education Statistics.

``screen(data, meta, data_name)`` returns every failure found (an empty list means the pair passes). The EES
export (``pipeline/ees_export.py``) refuses to write a file that fails; tests use it directly.

Rules (``ScreeningFailure.rule``):

- ``file_name``: the data file name has no spaces or special characters (letters, digits, ``_``, ``-``);
  ``meta_file_name``: the meta file is ``<name>.meta.csv`` for data file ``<name>.csv``.
- ``data_empty``: the data file has rows.
- ``required_columns``: ``time_period``, ``time_identifier``, ``geographic_level``, ``country_code``,
  ``country_name`` (and the columns of each geographic level used).
- ``column_names``: data column names are snake_case and unique.
- ``time_identifier`` / ``time_period``: a known time identifier; Reporting and Calendar years take a
  4-digit period, academic, financial and tax years 6 digits of consecutive years (``202425``).
- ``geographic_level``: National, Regional or Local authority.
- ``geography_missing``: the columns of the row's level are filled (LA rows: ``old_la_code``, ``la_name``,
  ``new_la_code``, ``region_code``, ``region_name``; ``new_la_code`` may be blank only for an authority that
  no longer exists).
- ``geography_finer_filled``: columns of a finer level are blank on a coarser level's row.
- ``country``: ``country_code``/``country_name`` are E92000001/England.
- ``region_code_name``: a region code is official and its name is the official one (the nine English
  regions, and Inner/Outer London E13000001/E13000002 as DfE uses them).
- ``la_code_name``: an LA's old code, new code and name are one authority of the official list, for the
  row's year; ``la_region``: an LA row carries its own region (or, in London, its Inner/Outer London
  sub-region).
- ``total_rows``: no "Total" or "All" row stands in for a geography level.
- ``indicator_values``: indicator cells hold a number or one of ``z``, ``x``, ``c``, ``low``, ``u``
  (blank, ``:``, ``~``, ``-`` and any other text fail); ``filter_values``: filter cells are filled.
- ``duplicate_rows``: no two rows share the geography, time and filter columns.
- ``meta_columns``: the meta file has ``col_name``, ``col_type``, ``label``, ``indicator_grouping``,
  ``indicator_unit``, ``indicator_dp``, ``filter_hint``, ``filter_grouping_column`` (optionally
  ``filter_default``, ``parent_filter``) and nothing else.
- ``meta_rows``: one meta row per data column that is not a geography or time column, no meta row for a
  column the data lacks or for a geography/time column, no column described twice.
- ``meta_col_type``: ``Filter`` or ``Indicator``.
- ``meta_label``: every label filled and unique.
- ``meta_indicator_unit``: blank, ``%``, ``pp``, ``£``, ``£m`` or ``numberstring``.
- ``meta_indicator_dp``: blank, 0 or a positive integer.
- ``meta_indicator_filter_fields``: indicators carry no ``filter_hint`` or ``filter_grouping_column``;
  ``meta_filter_indicator_fields``: filters carry no ``indicator_unit`` or ``indicator_dp``;
  ``meta_filter_grouping_column``: a filter's grouping column is a column of the data file.

Values are compared as the text a CSV file holds (a missing value is the empty string), so a frame read
with ``dtype=str, keep_default_na=False`` and a frame built in memory are screened the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from reference.geography import LONDON_SUBREGIONS, LocalAuthority, latest_year, local_authorities, regions
from reference.paths import REFERENCE_DIR

REQUIRED_COLUMNS: tuple[str, ...] = ("time_period", "time_identifier", "geographic_level", "country_code",
                                     "country_name")
TIME_COLUMNS: tuple[str, ...] = ("time_period", "time_identifier")
REGION_COLUMNS: tuple[str, ...] = ("region_code", "region_name")
LA_COLUMNS: tuple[str, ...] = ("old_la_code", "new_la_code", "la_name")

#: Geography columns of EES files. Only country, region and LA are used by this product; the others are
#: recognised so that they are never mistaken for indicators needing a meta row.
GEOGRAPHY_COLUMNS: tuple[str, ...] = (
    "geographic_level", "country_code", "country_name", *REGION_COLUMNS, *LA_COLUMNS,
    "lad_code", "lad_name", "pcon_code", "pcon_name", "lsip_code", "lsip_name", "ward_code", "ward_name",
    "english_devolved_area_code", "english_devolved_area_name", "opportunity_area_code",
    "opportunity_area_name", "local_enterprise_partnership_code", "local_enterprise_partnership_name",
    "mayoral_combined_authority_code", "mayoral_combined_authority_name", "rsc_region_lead_name",
    "trust_id", "trust_name", "sponsor_id", "sponsor_name", "school_urn", "school_laestab", "school_name",
    "school_postcode", "provider_ukprn", "provider_name", "institution_id", "institution_name",
    "planning_area_code", "planning_area_name",
)
GEOGRAPHY_TIME_COLUMNS: frozenset[str] = frozenset((*TIME_COLUMNS, *GEOGRAPHY_COLUMNS))

#: The geographic levels this product publishes, and the columns each must fill.
LEVEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "National": (),
    "Regional": REGION_COLUMNS,
    "Local authority": (*REGION_COLUMNS, *LA_COLUMNS),
}
#: Columns that must be blank on a row of the level (they belong to a finer level).
FINER_COLUMNS: dict[str, tuple[str, ...]] = {
    "National": (*REGION_COLUMNS, *LA_COLUMNS),
    "Regional": LA_COLUMNS,
    "Local authority": (),
}

COUNTRIES: dict[str, str] = {"E92000001": "England"}

#: time_identifier -> digits of time_period
TIME_IDENTIFIERS: dict[str, int] = {
    "Reporting year": 4, "Calendar year": 4, "Academic year": 6, "Financial year": 6, "Tax year": 6,
}

SYMBOLS: frozenset[str] = frozenset({"z", "x", "c", "low", "u"})
NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
FILE_STEM = re.compile(r"^[A-Za-z0-9_-]+$")
TOTAL_OR_ALL = re.compile(r"^\s*(total|all)\b|\btotals?\s*$", re.IGNORECASE)

META_REQUIRED_COLUMNS: tuple[str, ...] = ("col_name", "col_type", "label", "indicator_grouping",
                                          "indicator_unit", "indicator_dp", "filter_hint",
                                          "filter_grouping_column")
META_OPTIONAL_COLUMNS: tuple[str, ...] = ("filter_default", "parent_filter")
COL_TYPES: frozenset[str] = frozenset({"Filter", "Indicator"})
INDICATOR_UNITS: frozenset[str] = frozenset({"", "%", "pp", "£", "£m", "numberstring"})

MAX_ROWS_LISTED = 5


@dataclass(frozen=True)
class ScreeningFailure:
    """One broken screening rule: where (file, 0-based row of that frame, column) and why."""

    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    file: str = "data"  # data | meta | name

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"[{self.rule}] {' '.join(where)}: {self.message}"


class EESScreeningError(ValueError):
    """An EES file pair fails screening; ``failures`` lists every broken rule."""

    def __init__(self, name: str, failures: list[ScreeningFailure]):
        self.name = name
        self.failures = failures
        shown = "\n".join(f"  {f}" for f in failures[:20])
        more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
        super().__init__(f"{name}: {len(failures)} EES screening failure(s)\n{shown}{more}")


# --- official lists -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """The official geography lists: regions (code -> name) and local authorities (by old code)."""

    regions: dict[str, str]
    local_authorities: dict[str, tuple[LocalAuthority, ...]]
    latest_year: int  # the lists' latest year: an authority whose last_year is this still exists

    def allowed_regions(self, la: LocalAuthority) -> set[tuple[str, str]]:
        """(code, name) an LA row may carry: its region, or in London its Inner/Outer London sub-region."""
        allowed = {(la.region_code, la.region_name)}
        if la.london_subregion_code in LONDON_SUBREGIONS:
            allowed.add((la.london_subregion_code, LONDON_SUBREGIONS[la.london_subregion_code]))
        return allowed

    def exists_in(self, la: LocalAuthority, year: int | None) -> bool:
        if year is None:
            return True
        last = 9999 if la.last_year >= self.latest_year else la.last_year  # the latest year is open-ended
        return la.first_year <= year <= last


@lru_cache(maxsize=4)
def load_reference(reference_dir: Path = REFERENCE_DIR) -> Reference:
    """The regions and local authorities of the reference seeds (``reference.geography``, the seeds dbt
    also loads), with Inner and Outer London as regions an LA row may carry."""
    by_code: dict[str, list[LocalAuthority]] = {}
    for la in local_authorities(reference_dir):
        by_code.setdefault(la.old_la_code, []).append(la)
    return Reference({**regions(reference_dir), **LONDON_SUBREGIONS}, {k: tuple(v) for k, v in by_code.items()},
                     latest_year(reference_dir))


# --- helpers --------------------------------------------------------------------------------------------

def _text(value: object) -> str:
    """A cell as the text a CSV holds: '' for missing, integral floats without '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell of ``frame`` as text (see ``_text``), object dtype, index 0..n-1, column names kept."""
    values = [[_text(v) for v in frame.iloc[:, i]] for i in range(frame.shape[1])]
    rows = list(zip(*values, strict=True)) if values else []
    return pd.DataFrame(rows, columns=[str(c) for c in frame.columns], dtype=object)


def _rows(positions: Iterable[int]) -> str:
    positions = list(positions)
    shown = ", ".join(str(p) for p in positions[:MAX_ROWS_LISTED])
    return shown + (f" (and {len(positions) - MAX_ROWS_LISTED} more)" if len(positions) > MAX_ROWS_LISTED else "")


def _stem(data_name: str) -> str:
    name = Path(data_name).name
    return name[: -len(".csv")] if name.endswith(".csv") else name


# --- the rules ------------------------------------------------------------------------------------------

def screen(data: pd.DataFrame, meta: pd.DataFrame, data_name: str, meta_name: str | None = None,
           reference: Reference | None = None) -> list[ScreeningFailure]:
    """Every EES screening failure of a data file and its meta file (empty: the pair passes).

    ``data_name`` is the data file's name (``x.csv`` or ``x``); ``meta_name``, when given, must be
    ``x.meta.csv``. Rows are 0-based positions in ``data`` / ``meta``.
    """
    reference = reference or load_reference()
    data = as_text(data)
    meta = as_text(meta)
    failures: list[ScreeningFailure] = []
    failures += check_names(data_name, meta_name)
    failures += _check_columns(data)
    meta_ok = _meta_has_columns(meta)
    failures += _check_meta(meta, data) if meta_ok else _meta_column_failures(meta)
    if data.empty:
        failures.append(ScreeningFailure("data_empty", "the data file has no rows"))
        return failures
    if data.columns.has_duplicates:
        return failures  # the cell rules need one column per name; column_names has reported it
    if all(c in data.columns for c in REQUIRED_COLUMNS):
        failures += _check_time(data)
        failures += _check_geography(data, reference)
    failures += _check_total_rows(data)
    filters, indicators = _filters_and_indicators(meta, data) if meta_ok else ([], [])
    failures += _check_cells(data, filters, indicators)
    failures += _check_duplicates(data, filters)
    return failures


def screen_files(data_path: Path, meta_path: Path | None = None,
                 reference: Reference | None = None) -> list[ScreeningFailure]:
    """Screen a data file and its meta file on disk (meta defaults to ``<name>.meta.csv`` beside it)."""
    data_path = Path(data_path)
    meta_path = Path(meta_path) if meta_path else data_path.with_name(f"{_stem(data_path.name)}.meta.csv")
    data = pd.read_csv(data_path, dtype=str, keep_default_na=False, encoding="utf-8")
    meta = pd.read_csv(meta_path, dtype=str, keep_default_na=False, encoding="utf-8")
    return screen(data, meta, data_path.name, meta_path.name, reference)


def check_names(data_name: str, meta_name: str | None) -> list[ScreeningFailure]:
    """The file-name rules alone (part of ``screen``): a writer checks them before it writes anything."""
    failures = []
    name = Path(data_name).name
    stem = _stem(data_name)
    if name != data_name or not FILE_STEM.match(stem) or (name.endswith(".meta.csv")):
        failures.append(ScreeningFailure(
            "file_name", f"file name {data_name!r} has spaces or special characters (use letters, digits, _ or -)",
            file="name"))
    if meta_name is not None and meta_name != f"{stem}.meta.csv":
        failures.append(ScreeningFailure(
            "meta_file_name", f"meta file {meta_name!r} does not match data file {data_name!r} "
                              f"(expected {stem}.meta.csv)", file="name"))
    return failures


def _check_columns(data: pd.DataFrame) -> list[ScreeningFailure]:
    failures = []
    columns = [str(c) for c in data.columns]
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            failures.append(ScreeningFailure("required_columns", f"required column {column} is missing",
                                             column=column))
    if "geographic_level" in columns:
        levels = set(data["geographic_level"])
        for level, needed in LEVEL_COLUMNS.items():
            if level in levels:
                for column in needed:
                    if column not in columns:
                        failures.append(ScreeningFailure(
                            "required_columns", f"{level} rows need column {column}", column=column))
    for column in columns:
        if not SNAKE_CASE.match(column):
            failures.append(ScreeningFailure("column_names", f"column name {column!r} is not snake_case",
                                             column=column))
    for column in sorted({c for c in columns if columns.count(c) > 1}):
        failures.append(ScreeningFailure("column_names", f"column {column!r} appears more than once",
                                         column=column))
    return failures


def _check_time(data: pd.DataFrame) -> list[ScreeningFailure]:
    failures = []
    for i, (period, identifier) in enumerate(zip(data["time_period"], data["time_identifier"], strict=True)):
        digits = TIME_IDENTIFIERS.get(identifier)
        if digits is None:
            failures.append(ScreeningFailure(
                "time_identifier", f"time_identifier {identifier!r} is not one of {sorted(TIME_IDENTIFIERS)}",
                i, "time_identifier"))
            continue
        ok = bool(re.fullmatch(rf"\d{{{digits}}}", period))
        if ok and digits == 6:
            ok = (int(period[2:4]) + 1) % 100 == int(period[4:6])
        if not ok:
            shape = "4 digits (e.g. 2025)" if digits == 4 else "6 digits of consecutive years (e.g. 202425)"
            failures.append(ScreeningFailure(
                "time_period", f"time_period {period!r} is not {shape} for {identifier}", i, "time_period"))
    return failures


def _cell(row: dict, column: str) -> str:
    return row.get(column, "")


def _year(period: str) -> int | None:
    return int(period[:4]) if re.fullmatch(r"\d{4}(\d{2})?", period) else None


def _check_geography(data: pd.DataFrame, reference: Reference) -> list[ScreeningFailure]:
    failures: list[ScreeningFailure] = []
    for i, row in enumerate(data.to_dict("records")):  # a dict per row: far cheaper than pandas' .at per cell
        level = row["geographic_level"]
        if level not in LEVEL_COLUMNS:
            failures.append(ScreeningFailure(
                "geographic_level", f"geographic_level {level!r} is not one of {list(LEVEL_COLUMNS)}",
                i, "geographic_level"))
            continue
        country = (row["country_code"], row["country_name"])
        if COUNTRIES.get(country[0]) != country[1]:
            failures.append(ScreeningFailure(
                "country", f"country {country[0]!r} / {country[1]!r} is not E92000001 / England", i, "country_code"))
        for column in FINER_COLUMNS[level]:
            if _cell(row, column):
                failures.append(ScreeningFailure(
                    "geography_finer_filled", f"{column} is filled on a {level} row", i, column))
        missing = [c for c in LEVEL_COLUMNS[level] if c in row and not row[c]]
        if level == "Local authority" and missing == ["new_la_code"]:
            las = reference.local_authorities.get(row["old_la_code"], ())
            if las and all(la.last_year < reference.latest_year for la in las):
                missing = []  # an authority that no longer exists may have no new code
        for column in missing:
            failures.append(ScreeningFailure("geography_missing", f"{column} is blank on a {level} row", i, column))
        if level == "Regional":
            failures += _check_region(row, i, reference)
        elif level == "Local authority":
            failures += _check_la(row, i, reference)
    return failures


def _check_region(row: dict, i: int, reference: Reference) -> list[ScreeningFailure]:
    code, name = _cell(row, "region_code"), _cell(row, "region_name")
    if not code:
        return []
    if code not in reference.regions:
        return [ScreeningFailure("region_code_name", f"region_code {code!r} is not an official region code",
                                 i, "region_code")]
    if reference.regions[code] != name:
        return [ScreeningFailure(
            "region_code_name", f"region {code} is {reference.regions[code]!r}, not {name!r}", i, "region_name")]
    return []


def _check_la(row: dict, i: int, reference: Reference) -> list[ScreeningFailure]:
    old, new, name = (_cell(row, c) for c in LA_COLUMNS)
    if not old:
        return []
    candidates = reference.local_authorities.get(old, ())
    if not candidates:
        return [ScreeningFailure("la_code_name", f"old_la_code {old!r} is not an official LA code", i, "old_la_code")]
    matches = [la for la in candidates if la.la_name == name and (not new or la.new_la_code == new)]
    if not matches:
        official = "; ".join(f"{la.new_la_code} {la.la_name}" for la in candidates)
        return [ScreeningFailure(
            "la_code_name", f"LA {old} / {new!r} / {name!r} does not match the official list ({old}: {official})",
            i, "la_name")]
    year = _year(row["time_period"])
    current = [la for la in matches if reference.exists_in(la, year)]
    if not current:
        spans = ", ".join(f"{la.new_la_code} {la.first_year}-{la.last_year}" for la in matches)
        return [ScreeningFailure(
            "la_code_name", f"LA {old} {new} {name} did not exist in {year} ({spans})", i, "new_la_code")]
    region = (_cell(row, "region_code"), _cell(row, "region_name"))
    if region[0] and not any(region in reference.allowed_regions(la) for la in current):
        allowed = " or ".join(f"{c} {n}" for c, n in sorted(reference.allowed_regions(current[0])))
        return [ScreeningFailure(
            "la_region", f"LA {old} {name} is in {allowed}, not {region[0]} {region[1]}", i, "region_code")]
    return []


def _check_total_rows(data: pd.DataFrame) -> list[ScreeningFailure]:
    failures = []
    for column in (c for c in data.columns if c in GEOGRAPHY_COLUMNS and c != "geographic_level"):
        bad = [i for i, v in enumerate(data[column]) if v and TOTAL_OR_ALL.search(v)]
        if bad:
            failures.append(ScreeningFailure(
                "total_rows", f"{len(bad)} row(s) where {column} is a 'Total'/'All' value "
                              f"({data.at[bad[0], column]!r}) standing in for a geography level; rows {_rows(bad)}",
                bad[0], column))
    return failures


def _filters_and_indicators(meta: pd.DataFrame, data: pd.DataFrame) -> tuple[list[str], list[str]]:
    columns = set(data.columns)
    filters = [c for c, t in zip(meta["col_name"], meta["col_type"], strict=True) if t == "Filter" and c in columns]
    indicators = [c for c, t in zip(meta["col_name"], meta["col_type"], strict=True)
                  if t == "Indicator" and c in columns]
    return list(dict.fromkeys(filters)), list(dict.fromkeys(indicators))


def _check_cells(data: pd.DataFrame, filters: list[str], indicators: list[str]) -> list[ScreeningFailure]:
    failures = []
    for column in indicators:
        if column in GEOGRAPHY_TIME_COLUMNS:
            continue
        bad = [i for i, v in enumerate(data[column]) if v not in SYMBOLS and not NUMBER.match(v)]
        if bad:
            values = sorted({data.at[i, column] for i in bad})[:MAX_ROWS_LISTED]
            failures.append(ScreeningFailure(
                "indicator_values", f"{len(bad)} cell(s) neither a number nor one of z, x, c, low, u "
                                    f"(values {values}); rows {_rows(bad)}", bad[0], column))
    for column in filters:
        if column in GEOGRAPHY_TIME_COLUMNS:
            continue
        bad = [i for i, v in enumerate(data[column]) if not v.strip()]
        if bad:
            failures.append(ScreeningFailure(
                "filter_values", f"{len(bad)} blank filter cell(s); rows {_rows(bad)}", bad[0], column))
    return failures


def _check_duplicates(data: pd.DataFrame, filters: list[str]) -> list[ScreeningFailure]:
    key = [c for c in data.columns if c in GEOGRAPHY_TIME_COLUMNS] + [c for c in filters if c in data.columns]
    key = list(dict.fromkeys(key))
    if not key or data.columns.has_duplicates:
        return []
    duplicated = data.duplicated(subset=key, keep=False)
    failures = []
    for _, group in data[duplicated].groupby(key, sort=False):
        positions = list(group.index)
        first = group.iloc[0]
        where = ", ".join(f"{c}={first[c]!r}" for c in key if first[c])
        failures.append(ScreeningFailure(
            "duplicate_rows", f"{len(positions)} rows share the geography, time and filters ({where}); "
                              f"rows {_rows(positions)}", positions[0]))
    return failures


# --- meta file ------------------------------------------------------------------------------------------

def _meta_has_columns(meta: pd.DataFrame) -> bool:
    return all(c in meta.columns for c in META_REQUIRED_COLUMNS)


def _meta_column_failures(meta: pd.DataFrame) -> list[ScreeningFailure]:
    failures = []
    for column in META_REQUIRED_COLUMNS:
        if column not in meta.columns:
            failures.append(ScreeningFailure("meta_columns", f"meta column {column} is missing", column=column,
                                             file="meta"))
    return failures


def _check_meta(meta: pd.DataFrame, data: pd.DataFrame) -> list[ScreeningFailure]:
    failures = []
    allowed = set(META_REQUIRED_COLUMNS) | set(META_OPTIONAL_COLUMNS)
    for column in meta.columns:
        if column not in allowed:
            failures.append(ScreeningFailure("meta_columns", f"{column!r} is not a meta file column",
                                             column=column, file="meta"))
    data_columns = set(data.columns)
    described: dict[str, int] = {}
    labels: dict[str, int] = {}
    for i, r in meta.iterrows():
        name, col_type = r["col_name"], r["col_type"]
        if name in GEOGRAPHY_TIME_COLUMNS:
            failures.append(ScreeningFailure(
                "meta_rows", f"{name} is a geography or time column and must not be in the meta file", i,
                "col_name", "meta"))
        elif name not in data_columns:
            failures.append(ScreeningFailure(
                "meta_rows", f"meta row for {name!r}, which is not a column of the data file", i, "col_name", "meta"))
        if name in described:
            failures.append(ScreeningFailure(
                "meta_rows", f"{name!r} is described twice (rows {described[name]} and {i})", i, "col_name", "meta"))
        described.setdefault(name, i)
        if col_type not in COL_TYPES:
            failures.append(ScreeningFailure(
                "meta_col_type", f"col_type {col_type!r} of {name!r} is not Filter or Indicator", i, "col_type",
                "meta"))
        label = r["label"].strip()
        if not label:
            failures.append(ScreeningFailure("meta_label", f"{name!r} has no label", i, "label", "meta"))
        elif label in labels:
            failures.append(ScreeningFailure(
                "meta_label", f"label {label!r} of {name!r} is also the label of meta row {labels[label]}", i,
                "label", "meta"))
        labels.setdefault(label, i)
        if r["indicator_unit"] not in INDICATOR_UNITS:
            failures.append(ScreeningFailure(
                "meta_indicator_unit", f"indicator_unit {r['indicator_unit']!r} of {name!r} is not one of "
                                       "'', '%', 'pp', '£', '£m', 'numberstring'", i, "indicator_unit", "meta"))
        if r["indicator_dp"] and not re.fullmatch(r"\d+", r["indicator_dp"]):
            failures.append(ScreeningFailure(
                "meta_indicator_dp", f"indicator_dp {r['indicator_dp']!r} of {name!r} is not blank, 0 or a positive "
                                     "integer", i, "indicator_dp", "meta"))
        if col_type == "Indicator":
            for field in ("filter_hint", "filter_grouping_column"):
                if r[field]:
                    failures.append(ScreeningFailure(
                        "meta_indicator_filter_fields", f"indicator {name!r} has a {field} ({r[field]!r})", i,
                        field, "meta"))
        elif col_type == "Filter":
            for field in ("indicator_unit", "indicator_dp"):
                if r[field]:
                    failures.append(ScreeningFailure(
                        "meta_filter_indicator_fields", f"filter {name!r} has an {field} ({r[field]!r})", i,
                        field, "meta"))
            grouping = r["filter_grouping_column"]
            if grouping and grouping not in data_columns:
                failures.append(ScreeningFailure(
                    "meta_filter_grouping_column", f"filter {name!r} groups by {grouping!r}, not a data column", i,
                    "filter_grouping_column", "meta"))
    for column in data.columns:
        if column not in GEOGRAPHY_TIME_COLUMNS and column not in described:
            failures.append(ScreeningFailure(
                "meta_rows", f"data column {column!r} has no meta row", column=column, file="meta"))
    return failures
