"""`workforce export ees OUT_DIR`: the EES open-data file and its ``.meta.csv`` from ``marts.workforce_indicators``.

``export_ees(serving_path, out_dir)`` reads the mart read-only (one short query, connection closed at once),
builds the tidy data file and its meta file with ``build_ees_frames``, screens them with
``validation.ees_screening.screen`` and only then moves them into place: both files are written under
temporary names, read back, screened, and renamed over ``<name>.csv`` / ``<name>.meta.csv``. A pair that fails
screening is deleted and ``EESScreeningError`` (listing every failure) is raised; an earlier export is left
as it was.

What the export does to the mart's rows (definitions.md, "Disclosure control"; ees.md):

- Rows: those of the chosen ``source`` ('returns' by default). National rows have region and LA columns
  blanked, regional rows LA columns blanked; LA rows carry the region of the LA from the official list
  (``seeds/reference/ref_local_authorities.csv``; London LAs: E12000007 London, which is the regional row
  this product publishes). ``time_period`` is written as the 4-digit year.
- Columns: the geography/time columns, then every measure of the mart in the mart's order. Measures are
  discovered from the mart (every numeric column that is not internal), so measures added later are exported
  with no change here; ``EES_MEASURES`` gives each known one its label, grouping, unit, decimals and
  disclosure guard, and an unknown one gets a generic label and a unit/decimals/guard inferred from its name.
- Not exported: ``source`` (the rows are of one source), ``fte_missing_records`` (a data-quality count about
  the returns, not a statistic), the ``<measure>_status`` columns (folded into the cells as symbols) and any
  ``_numerator``/``_denominator`` helper. ``las_contributing`` and ``las_expected`` ARE exported, as
  indicators ("Local authorities contributing/expected"): they say how complete a regional figure is; on LA
  rows they are ``z`` (not applicable).
- Cells, in this order:
  1. no value: the status symbol when it is one of z, x, c, low, u, else ``x`` (not available);
     ``z`` for ``las_*`` on LA rows;
  2. a value whose status is c, low, x or z: the symbol (the symbol always wins; ``u`` keeps the number,
     an EES cell cannot carry both);
  3. disclosure control: a headcount under 5 is ``c``; a measure with a guard (the headcount(s) of people
     in its denominator, summed) is ``c`` when that headcount is under 5 or cannot be known (a part missing
     and the known parts under 5, or the guard's columns not in the mart at all: fail closed);
  4. rounding half up (DfE's rule, not banker's): FTEs, rates, caseloads and days to 1 dp, headcounts, cases
     and LA counts to whole numbers; a non-zero value that rounds to 0 is ``low``.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pandas as pd

from validation.ees_screening import (
    FINER_COLUMNS,
    EESScreeningError,
    Reference,
    check_names,
    load_reference,
    screen,
)

MART = "marts.workforce_indicators"
DEFAULT_NAME = "csww_regional_indicators"

#: Geography and time columns of the data file, in EES order.
GEOGRAPHY_TIME_OUTPUT: tuple[str, ...] = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "new_la_code", "old_la_code", "la_name",
)
#: Columns of the mart that are never exported as they are.
INTERNAL_COLUMNS: frozenset[str] = frozenset({"source", "fte_missing_records"})
INTERNAL_SUFFIXES: tuple[str, ...] = ("_status", "_numerator", "_denominator")

SYMBOLS: frozenset[str] = frozenset({"z", "x", "c", "low", "u"})
#: Symbols that replace a value even where the warehouse holds one (suppression must hold).
REPLACING_SYMBOLS: frozenset[str] = frozenset({"c", "low", "x", "z"})
DISCLOSURE_THRESHOLD = 5  # headcounts under 5 are shown as c

# kind -> (EES indicator_unit, decimal places). definitions.md: FTEs, rates, caseloads and days to 1 dp;
# headcounts and cases whole.
KINDS: dict[str, tuple[str, int]] = {
    "fte": ("", 1),
    "headcount": ("", 0),
    "rate": ("%", 1),
    "ratio": ("", 1),
    "cases": ("", 0),
    "caseload": ("", 1),
    "days": ("", 1),
    "count": ("", 0),
}

# Guards: the headcount of the people in a measure's denominator. Each guard is a tuple of alternatives,
# tried in order: the first whose columns are all in the mart is used (their values summed).
INPOST = (("inpost_headcount",),)
AGENCY = (("agency_headcount",),)
WORKFORCE = (("inpost_headcount", "agency_headcount"),)
CASE_HOLDERS = (("case_holders_headcount",), ("case_holders_count",), ("inpost_headcount", "agency_headcount"))
NQSW_CASE_HOLDERS = (("nqsw_case_holders_headcount",), ("first_year_case_holders",))


@dataclass(frozen=True)
class EESMeasure:
    """How one measure of the mart is published in the EES file."""

    column: str
    label: str
    kind: str  # a key of KINDS
    grouping: str = ""
    guard: tuple[tuple[str, ...], ...] = ()  # alternatives of headcount columns; () = no guard
    levels: tuple[str, ...] | None = None  # geographic levels it applies to (elsewhere 'z'); None = all

    @property
    def unit(self) -> str:
        return KINDS[self.kind][0]

    @property
    def dp(self) -> int:
        return KINDS[self.kind][1]

    @property
    def is_headcount(self) -> bool:
        return self.kind == "headcount"

    def guard_columns(self, available: Iterable[str]) -> tuple[str, ...] | None:
        """The guard's columns present in the mart; None when it has a guard none of whose alternatives is
        available (then the measure is suppressed: fail closed); () when it has no guard."""
        if not self.guard:
            return ()
        have = set(available)
        return next((alt for alt in self.guard if all(c in have for c in alt)), None)


_M = EESMeasure

#: The measure catalogue: labels, grouping, kind (unit and decimals) and disclosure guard of every known
#: measure (definitions.md). Rates are guarded by the headcount of their denominator's people:
#: turnover and absence by in-post; agency rates by agency + in-post; agency cover by agency; vacancy rate by
#: in-post (vacancies are posts, not people); vacancies covered by agency has no people in its denominator
#: (vacant posts) so no guard; caseloads and other per-case-holder figures by case holders' headcount
#: (case_holders_headcount or case_holders_count when the mart has one, else in-post + agency, an upper bound);
#: the mean caseload of first-year social workers by their number (nqsw_case_holders_headcount or
#: first_year_case_holders), and suppressed while the mart has neither (today those counts live only in
#: int_la_components).
EES_MEASURES: tuple[EESMeasure, ...] = (
    # national (DfE) measures
    _M("inpost_fte", "Social workers in post (FTE)", "fte", "In post"),
    _M("inpost_headcount", "Social workers in post (headcount)", "headcount", "In post"),
    _M("starters_fte", "Starters (FTE)", "fte", "Starters and leavers"),
    _M("starters_headcount", "Starters (headcount)", "headcount", "Starters and leavers"),
    _M("leavers_fte", "Leavers (FTE)", "fte", "Starters and leavers"),
    _M("leavers_headcount", "Leavers (headcount)", "headcount", "Starters and leavers"),
    _M("turnover_rate_fte", "Turnover rate (FTE) (%)", "rate", "Starters and leavers", INPOST),
    _M("turnover_rate_headcount", "Turnover rate (headcount) (%)", "rate", "Starters and leavers", INPOST),
    _M("agency_fte", "Agency social workers (FTE)", "fte", "Agency"),
    _M("agency_headcount", "Agency social workers (headcount)", "headcount", "Agency"),
    _M("agency_rate_fte", "Agency rate (FTE) (%)", "rate", "Agency", WORKFORCE),
    _M("agency_rate_headcount", "Agency rate (headcount) (%)", "rate", "Agency", WORKFORCE),
    _M("agency_cover_fte", "Agency workers covering vacancies (FTE)", "fte", "Agency"),
    _M("agency_cover_rate_fte", "Agency workers covering vacancies (% of agency FTE)", "rate", "Agency", AGENCY),
    _M("vacancy_fte", "Vacancies (FTE)", "fte", "Vacancies"),
    _M("vacancy_rate_fte", "Vacancy rate (FTE) (%)", "rate", "Vacancies", INPOST),
    _M("vacancy_agency_cover_rate_fte", "Vacancies covered by agency workers (%)", "rate", "Vacancies"),
    _M("case_holders_fte", "Case holders (FTE)", "fte", "Caseloads"),
    _M("cases", "Cases held", "cases", "Caseloads"),
    _M("caseload_fte", "Average caseload (cases per case holder FTE)", "caseload", "Caseloads", CASE_HOLDERS),
    _M("working_days_lost_fte", "Working days lost to sickness absence (FTE days)", "days", "Absence"),
    _M("absence_rate_fte", "Sickness absence rate (%)", "rate", "Absence", INPOST),
    # strengthened measures (this product's)
    _M("case_holding_share_fte", "Share of social worker FTE holding cases (%)", "rate", "Caseloads", WORKFORCE),
    _M("non_case_holding_fte", "Social workers not holding cases (FTE)", "fte", "Caseloads"),
    _M("caseload_median", "Median caseload (cases per case holder)", "caseload", "Caseloads", CASE_HOLDERS),
    _M("caseload_p90", "90th percentile caseload (cases per case holder)", "caseload", "Caseloads", CASE_HOLDERS),
    _M("caseload_per_fte_median", "Median caseload per FTE (cases per FTE)", "caseload", "Caseloads",
       CASE_HOLDERS),
    _M("case_holders_over_limit_pct", "Case holders above their caseload limit (%)", "rate", "Caseloads",
       CASE_HOLDERS),
    _M("nqsw_caseload_mean", "Mean caseload of first-year social workers (cases per case holder)", "caseload",
       "Caseloads", NQSW_CASE_HOLDERS),
    _M("weighted_caseload", "Complexity-weighted caseload (weighted cases per case holder FTE)", "caseload",
       "Caseloads", CASE_HOLDERS),
    _M("absent_at_ref_fte", "Social workers absent at 30 September (FTE)", "fte", "Absence"),
    _M("effective_capacity_fte", "Effective social worker capacity (FTE)", "fte", "Capacity"),
    _M("non_sw_fte", "Non-social-worker staff (FTE)", "fte", "Capacity"),
    _M("non_sw_per_case_holder_fte", "Non-social-worker FTE per case holder FTE", "ratio", "Capacity",
       CASE_HOLDERS),
    _M("total_workforce_fte", "Children's social care workforce (FTE)", "fte", "Capacity"),
    _M("sw_fte_per_10k_children", "Social worker FTE per 10,000 children", "ratio", "Capacity"),
    # counts of people that are not named *_headcount (exported, and suppressed under 5, if the mart gets them)
    _M("case_holders_count", "Case holders (headcount)", "headcount", "Caseloads"),
    _M("first_year_case_holders", "First-year social workers holding cases (headcount)", "headcount",
       "Caseloads"),
    # coverage of regional and national figures
    _M("las_contributing", "Local authorities contributing", "count", "Coverage",
       levels=("Regional", "National")),
    _M("las_expected", "Local authorities expected", "count", "Coverage", levels=("Regional", "National")),
)
MEASURES_BY_COLUMN: dict[str, EESMeasure] = {m.column: m for m in EES_MEASURES}


def ees_measure(column: str) -> EESMeasure:
    """The catalogue entry for a column; an unknown column gets a generic one inferred from its name:
    ``*_headcount`` a headcount (suppressed under 5), ``*_rate_*``/``*_pct``/``*_share_*`` a rate guarded by
    in-post + agency headcount, ``cases``/``*_cases`` whole cases, ``*_days*`` days, anything else 1 dp."""
    if column in MEASURES_BY_COLUMN:
        return MEASURES_BY_COLUMN[column]
    label = column.replace("_", " ").strip().capitalize()
    if re.search(r"_rate(_|$)|_pct$|_share(_|$)", column):
        return EESMeasure(column, f"{label} (%)", "rate", "Other", WORKFORCE)
    if column.endswith("_headcount"):
        return EESMeasure(column, label, "headcount", "Other")
    if column == "cases" or column.endswith("_cases"):
        return EESMeasure(column, label, "cases", "Other")
    if "caseload" in column:
        return EESMeasure(column, label, "caseload", "Other", CASE_HOLDERS)
    if re.search(r"(^|_)days(_|$)", column):
        return EESMeasure(column, label, "days", "Other")
    if column.endswith("_fte"):
        return EESMeasure(column, label, "fte", "Other")
    return EESMeasure(column, label, "ratio", "Other")


# --- rounding and cells ---------------------------------------------------------------------------------

def round_half_up(value: float, dp: int) -> Decimal:
    """Round as DfE does (half away from zero) from the float's shortest repr: 12.25 -> 12.3, 2.5 -> 3."""
    try:
        return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:  # inf, nan
        raise ValueError(f"cannot round {value!r}") from error


def format_number(value: float, dp: int) -> str:
    """The number as the EES file writes it: rounded half up to dp places, never '-0.0'."""
    rounded = round_half_up(value, dp)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.{dp}f}"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _status(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip().lower()
    return None


def ees_cell(value: object, status: object, measure: EESMeasure, guard_headcount: float | None = None,
             guarded: bool = False, level: str | None = None) -> str:
    """One indicator cell: a rounded number or a symbol (see the module docstring for the order of rules).

    ``guarded``: the measure has a disclosure guard, whose headcount (summed; None when missing or not
    in the mart) is ``guard_headcount``.
    """
    symbol = _status(status)
    if measure.levels is not None and level is not None and level not in measure.levels:
        return "z"
    if _missing(value):
        return symbol if symbol in SYMBOLS else "x"
    if symbol in REPLACING_SYMBOLS:
        return symbol
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return "x"
    if measure.is_headcount and number < DISCLOSURE_THRESHOLD:
        return "c"
    if guarded and (guard_headcount is None or guard_headcount < DISCLOSURE_THRESHOLD):
        return "c"
    if number != 0 and round_half_up(number, measure.dp) == 0:
        return "low"
    return format_number(number, measure.dp)


# --- building the frames --------------------------------------------------------------------------------

def measure_columns(columns: Iterable[str], numeric: Iterable[str] | None = None) -> list[str]:
    """The mart's columns that are exported as indicators, in the mart's order: numeric, not geography/time,
    not internal. ``numeric`` (the numeric columns) defaults to all."""
    numeric_set = set(columns if numeric is None else numeric)
    return [c for c in columns if c not in GEOGRAPHY_TIME_OUTPUT and c not in INTERNAL_COLUMNS
            and not c.endswith(INTERNAL_SUFFIXES) and c in numeric_set]


def _guard_headcount(row: dict, columns: tuple[str, ...]) -> float | None:
    """The guard's headcount: the sum of its columns' values. A missing part is unknown: the sum of the
    known parts still counts when it reaches the threshold (the whole can only be larger), else None."""
    values = [row.get(c) for c in columns]
    known = sum(float(v) for v in values if not _missing(v))  # type: ignore[arg-type]
    if known >= DISCLOSURE_THRESHOLD or all(not _missing(v) for v in values):
        return known
    return None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if _missing(value) else str(value)


def _geography(row: dict, reference: Reference) -> dict[str, str]:
    out = {c: _text(row.get(c)) for c in GEOGRAPHY_TIME_OUTPUT}
    period = row.get("time_period")
    out["time_period"] = "" if _missing(period) else str(int(float(period)))
    level = out["geographic_level"]
    for column in FINER_COLUMNS.get(level, ()):
        out[column] = ""
    if level == "Local authority":
        year = int(out["time_period"]) if out["time_period"] else None
        candidates = [la for la in reference.local_authorities.get(out["old_la_code"], ())
                      if la.new_la_code == out["new_la_code"] or not out["new_la_code"]]
        current = [la for la in candidates if reference.exists_in(la, year)] or candidates
        if current:
            out["region_code"], out["region_name"] = current[0].region_code, current[0].region_name
    return out


def build_ees_frames(indicators: pd.DataFrame, reference: Reference | None = None) -> tuple[pd.DataFrame,
                                                                                             pd.DataFrame]:
    """The EES data frame and meta frame (all text) for rows of ``marts.workforce_indicators``."""
    reference = reference or load_reference()
    numeric = [c for c in indicators.columns if pd.api.types.is_numeric_dtype(indicators[c])
               and not pd.api.types.is_bool_dtype(indicators[c])]
    measures = [ees_measure(c) for c in measure_columns(list(indicators.columns), numeric)]
    guards = {m.column: m.guard_columns(indicators.columns) for m in measures}
    rows = []
    for row in indicators.to_dict("records"):
        out = _geography(row, reference)
        for m in measures:
            guard = guards[m.column]
            out[m.column] = ees_cell(
                row.get(m.column), row.get(f"{m.column}_status"), m,
                guard_headcount=_guard_headcount(row, guard) if guard else None,
                guarded=guard is None or bool(guard), level=out["geographic_level"])
        rows.append(out)
    data = pd.DataFrame(rows, columns=[*GEOGRAPHY_TIME_OUTPUT, *(m.column for m in measures)], dtype=object)
    level_order = {"National": 0, "Regional": 1, "Local authority": 2}
    if not data.empty:
        data = (data.assign(_year=data["time_period"], _level=data["geographic_level"].map(level_order))
                .sort_values(["_year", "_level", "region_code", "la_name", "old_la_code"],
                             ascending=[False, True, True, True, True], kind="stable")
                .drop(columns=["_year", "_level"]).reset_index(drop=True))
    meta = pd.DataFrame(
        [{"col_name": m.column, "col_type": "Indicator", "label": m.label, "indicator_grouping": m.grouping,
          "indicator_unit": m.unit, "indicator_dp": str(m.dp), "filter_hint": "", "filter_grouping_column": ""}
         for m in measures],
        columns=["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                 "filter_hint", "filter_grouping_column"], dtype=object)
    return data, meta


# --- reading and writing --------------------------------------------------------------------------------

def read_indicators(serving_path: Path, source: str = "returns") -> pd.DataFrame:
    """The rows of ``marts.workforce_indicators`` of one source, read-only; the connection is closed at once."""
    serving_path = Path(serving_path)
    if not serving_path.exists():
        raise FileNotFoundError(f"no serving copy at {serving_path}: run `workforce run` first")
    con = duckdb.connect(str(serving_path), read_only=True)
    try:
        return con.execute(f"select * from {MART} where source = ?", [source]).df()
    finally:
        con.close()


def export_ees(serving_path: Path, out_dir: Path, name: str = DEFAULT_NAME,
               source: str = "returns") -> tuple[Path, Path]:
    """Write ``out_dir/<name>.csv`` and ``out_dir/<name>.meta.csv`` from the serving copy's mart, only if they
    pass EES screening (else ``EESScreeningError`` and nothing is replaced). Returns (data path, meta path)."""
    indicators = read_indicators(serving_path, source)
    if indicators.empty:
        raise ValueError(f"{MART} in {serving_path} has no rows with source = {source!r}: nothing to export")
    data, meta = build_ees_frames(indicators)
    data_name, meta_name = f"{name}.csv", f"{name}.meta.csv"
    failures = check_names(data_name, meta_name)  # a name that is not a plain file name: nothing is written
    if failures:
        raise EESScreeningError(data_name, failures)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{time.time_ns()}"
    data_path, meta_path = out_dir / data_name, out_dir / meta_name
    temporary = [out_dir / f".{data_name}.{token}.tmp", out_dir / f".{meta_name}.{token}.tmp"]
    try:
        for frame, path in zip((data, meta), temporary, strict=True):
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        # Screen what is on disk, as a reader will see it (the only full screening: the frames written are
        # not screened first as well); nothing is replaced unless it passes.
        written = [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8") for p in temporary]
        failures = screen(written[0], written[1], data_name, meta_name)
        if failures:
            raise EESScreeningError(data_name, failures)
        os.replace(temporary[1], meta_path)
        os.replace(temporary[0], data_path)
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
    return data_path, meta_path


__all__ = [
    "DEFAULT_NAME", "EES_MEASURES", "EESMeasure", "EESScreeningError", "build_ees_frames", "ees_cell",
    "ees_measure", "export_ees", "format_number", "measure_columns", "read_indicators", "round_half_up",
]
