"""The tables of the Caseloads page, as pure functions (data in, DataFrame out).

Each table the page shows (and offers for download) is built here from rows the page received from the
scoped readers of ``dashboards.data_access``, so a table can never hold more than the viewer may see, and
tests can check each download per role without a browser.

- ``limits_from``: the safe caseload limits (``marts.caseload_limits``) as a ``Limits``.
- ``distribution_table`` / ``group_summary`` / ``over_limit_summary``: from ``marts.caseload_distribution``
  (worker-level detail: only for viewers allowed the LA's detail).
- ``team_table``: from ``marts.team_caseloads`` (R2 Teams sheet).
- ``measures_table``: the national caseload measure and the strengthened caseload measures, LA beside region,
  with what each adds and its definition (every role; public rows are already rounded and suppressed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboards.measures import (
    MEASURES,
    Measure,
    format_value,
    round_half_up,
    shown_as_number,
)

#: The limits definitions.md sets by default; used only where the serving copy has no ``marts.caseload_limits``.
DEFAULT_WORKER_LIMITS: dict[str, float] = {"first_year": 18.0, "default": 20.0}

FIRST_YEAR = "first_year"
OTHER = "other"
GROUP_LABELS: dict[str, str] = {
    FIRST_YEAR: "First-year social workers",
    OTHER: "Other case holders",
}

#: Plain-English names of the R2 Teams team types, in the workbook's order.
TEAM_LABELS: dict[str, str] = {
    "front_door": "Front door / MASH",
    "assessment": "Assessment",
    "long_term": "Long-term (child in need and protection)",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "disabled_children": "Disabled children",
    "other": "Other teams",
}

#: The caseload measures of the page: the national (DfE) ones, then the strengthened ones, in reading order.
NATIONAL_CASELOAD_COLUMNS: tuple[str, ...] = ("caseload_fte", "case_holders_fte", "cases")
STRENGTHENED_CASELOAD_COLUMNS: tuple[str, ...] = (
    "caseload_median", "caseload_per_fte_median", "caseload_p90", "case_holders_over_limit_pct",
    "nqsw_caseload_mean", "case_holding_share_fte", "non_case_holding_fte", "weighted_caseload",
)

# column names of the tables (shown on screen and in the downloads)
COL_CASES = "Cases held"
COL_FIRST_YEAR = "First-year social workers"
COL_OTHER = "Other case holders"
COL_ALL = "All case holders"
COL_FTE = "Their FTE"
COL_ABOVE = "Of whom above their safe limit"
COL_GROUP = "Group"
COL_LIMIT = "Safe limit (cases)"
COL_HOLDERS = "Case holders"
COL_ABOVE_N = "Above the limit"
COL_ABOVE_PCT = "Share above the limit (%)"
COL_MEAN = "Average caseload"
COL_MEDIAN = "Median caseload"
COL_MAX = "Highest caseload"
COL_TEAM = "Team type"
COL_TEAM_FTE = "Case holders (FTE)"
COL_TEAM_NQSW = "First-year case holders (FTE)"
COL_CHILDREN = "Children allocated"
COL_TEAM_CASELOAD = "Children per case holder FTE"
COL_TEAM_LIMIT = "Safe limit (children per FTE)"
COL_TEAM_FLAG = "Above the limit?"
COL_WEIGHTED_CHILDREN = "Weighted children"
COL_WEIGHTED = "Weighted caseload (per FTE)"
COL_MEASURE = "Measure"
COL_KIND = "Kind"
COL_FLAG = "Safe range"
COL_ADDS = "What it adds"
COL_DEFINITION = "Definition"
ALL_TEAMS = "All teams"
ALL_GROUPS = "All case holders"

CHILD_COLUMNS: dict[str, str] = {
    "children_cin": "Children in need",
    "children_cp": "On a child protection plan",
    "children_cla": "Looked after",
    "children_care_leavers": "Care leavers",
    "children_in_proceedings": "In care proceedings",
}


@dataclass(frozen=True)
class Limits:
    """The safe caseload limits in force: per worker (first year, default) and per team type."""

    first_year: float
    default: float
    teams: dict[str, float]

    def for_group(self, group: str) -> float:
        """The limit of a worker group ('first_year' or 'other')."""
        return self.first_year if group == FIRST_YEAR else self.default


def limits_from(rows: pd.DataFrame) -> Limits:
    """``marts.caseload_limits`` rows as ``Limits`` (definitions.md defaults where a worker limit is absent)."""
    worker: dict[str, float] = dict(DEFAULT_WORKER_LIMITS)
    teams: dict[str, float] = {}
    if not rows.empty:
        for code, applies_to, limit in zip(rows["limit_code"], rows["applies_to"], rows["caseload_limit"],
                                           strict=True):
            if pd.isna(limit):
                continue
            if applies_to == "worker":
                worker[str(code)] = float(limit)
            elif applies_to == "team":
                teams[str(code)] = float(limit)
    return Limits(first_year=worker["first_year"], default=worker["default"], teams=teams)


def number(value: object, decimals: int) -> float | None:
    """A value rounded half up for a table (None when missing)."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    return float(round_half_up(float(value), decimals))  # type: ignore[arg-type]


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, fraction: float) -> float | None:
    """The quantile of ``values`` each repeated ``weights`` times, by linear interpolation (quantile_cont)."""
    if weights.sum() <= 0:
        return None
    return float(np.quantile(np.repeat(values, weights.astype(int)), fraction))


# --- caseload distribution (worker-level detail) -------------------------------------------------------------

def distribution_table(distribution: pd.DataFrame) -> pd.DataFrame:
    """One row per number of cases held: how many first-year and other case holders hold that many, their
    FTE and how many of them are above their safe limit. Empty in, empty (with the columns) out."""
    columns = [COL_CASES, COL_FIRST_YEAR, COL_OTHER, COL_ALL, COL_FTE, COL_ABOVE]
    if distribution.empty:
        return pd.DataFrame(columns=columns)
    d = distribution.copy()
    d["first"] = np.where(d["worker_group"] == FIRST_YEAR, d["case_holders"], 0)
    d["other"] = np.where(d["worker_group"] == FIRST_YEAR, 0, d["case_holders"])
    d["above"] = np.where(d["is_over_limit"].astype(bool), d["case_holders"], 0)
    g = d.groupby("cases30", as_index=False).agg(
        first=("first", "sum"), other=("other", "sum"), all=("case_holders", "sum"),
        fte=("case_holders_fte", lambda s: s.sum(min_count=1)), above=("above", "sum"))
    g = g.sort_values("cases30")
    return pd.DataFrame({
        COL_CASES: g["cases30"].astype(int).to_numpy(),
        COL_FIRST_YEAR: g["first"].astype(int).to_numpy(),
        COL_OTHER: g["other"].astype(int).to_numpy(),
        COL_ALL: g["all"].astype(int).to_numpy(),
        COL_FTE: [number(v, 1) for v in g["fte"]],
        COL_ABOVE: g["above"].astype(int).to_numpy(),
    })


def _summary_row(label: str, rows: pd.DataFrame, limit: object) -> dict[str, object]:
    holders = int(rows["case_holders"].sum())
    above = int(rows.loc[rows["is_over_limit"].astype(bool), "case_holders"].sum())
    values = rows["cases30"].to_numpy(dtype=float)
    weights = rows["case_holders"].to_numpy(dtype=float)
    return {
        COL_GROUP: label,
        COL_LIMIT: limit,
        COL_HOLDERS: holders,
        COL_ABOVE_N: above,
        COL_ABOVE_PCT: number(100 * above / holders, 1) if holders else None,
        COL_MEAN: number(float((values * weights).sum()) / holders, 1) if holders else None,
        COL_MEDIAN: number(_weighted_quantile(values, weights, 0.5), 1) if holders else None,
        COL_MAX: int(values.max()) if holders else None,
    }


def group_summary(distribution: pd.DataFrame, limits: Limits) -> pd.DataFrame:
    """First-year social workers, other case holders and all case holders: their safe limit, how many hold
    cases, how many and what share are above their limit, and their average, median and highest caseload.
    A group with no case holders is listed with 0. Empty in, empty out."""
    columns = [COL_GROUP, COL_LIMIT, COL_HOLDERS, COL_ABOVE_N, COL_ABOVE_PCT, COL_MEAN, COL_MEDIAN, COL_MAX]
    if distribution.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for group in (FIRST_YEAR, OTHER):
        part = distribution[distribution["worker_group"] == group]
        limit = float(part["caseload_limit"].iloc[0]) if not part.empty else limits.for_group(group)
        rows.append(_summary_row(GROUP_LABELS[group], part, int(limit) if limit.is_integer() else limit))
    rows.append(_summary_row(ALL_GROUPS, distribution, None))
    table = pd.DataFrame(rows, columns=columns)
    if all(float(v).is_integer() for v in table[COL_LIMIT].dropna()):
        table[COL_LIMIT] = table[COL_LIMIT].astype("Int64")  # 18, not 18.0
    return table


@dataclass(frozen=True)
class OverLimit:
    """How many case holders are above their safe limit (the page's flag)."""

    case_holders: int
    above: int
    first_year: int
    first_year_above: int

    @property
    def share(self) -> float | None:
        """Percentage of case holders above their limit, unrounded (None without case holders)."""
        return 100 * self.above / self.case_holders if self.case_holders else None


def over_limit_summary(distribution: pd.DataFrame) -> OverLimit:
    """Counts for the flag: case holders, those above their limit, and the same for first-year workers."""
    if distribution.empty:
        return OverLimit(0, 0, 0, 0)
    over = distribution["is_over_limit"].astype(bool)
    first = distribution["worker_group"] == FIRST_YEAR
    return OverLimit(
        case_holders=int(distribution["case_holders"].sum()),
        above=int(distribution.loc[over, "case_holders"].sum()),
        first_year=int(distribution.loc[first, "case_holders"].sum()),
        first_year_above=int(distribution.loc[first & over, "case_holders"].sum()),
    )


# --- team caseloads (R2 Teams sheet) -------------------------------------------------------------------------

def team_label(team_type: object) -> str:
    """The plain-English name of an R2 team type."""
    return TEAM_LABELS.get(str(team_type), str(team_type).replace("_", " ").capitalize())


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator and denominator > 0 else None


def team_table(teams: pd.DataFrame, limits: Limits) -> pd.DataFrame:
    """One row per team type the LA reported (workbook order), then an 'All teams' row: case holders FTE,
    children by kind, children per FTE against the team type's limit, weighted children and caseload.
    Empty in, empty (with the columns) out."""
    columns = [COL_TEAM, COL_TEAM_FTE, COL_TEAM_NQSW, COL_CHILDREN, *CHILD_COLUMNS.values(), COL_TEAM_CASELOAD,
               COL_TEAM_LIMIT, COL_TEAM_FLAG, COL_WEIGHTED_CHILDREN, COL_WEIGHTED]
    if teams.empty:
        return pd.DataFrame(columns=columns)
    order = {code: i for i, code in enumerate(TEAM_LABELS)}
    t = teams.assign(_order=teams["team_type"].map(lambda c: order.get(str(c), len(order)))).sort_values("_order")
    rows: list[dict[str, object]] = []
    for _, r in t.iterrows():
        limit = r.get("caseload_limit")
        if pd.isna(limit):
            limit = limits.teams.get(str(r["team_type"]))
        over = r.get("is_over_limit")
        rows.append({
            COL_TEAM: team_label(r["team_type"]),
            COL_TEAM_FTE: number(r["case_holders_fte"], 1),
            COL_TEAM_NQSW: number(r["nqsw_case_holders_fte"], 1),
            COL_CHILDREN: number(r["children_allocated"], 0),
            **{label: number(r[col], 0) for col, label in CHILD_COLUMNS.items()},
            COL_TEAM_CASELOAD: number(r["caseload_per_fte"], 1),
            COL_TEAM_LIMIT: number(limit, 1),
            COL_TEAM_FLAG: "" if over is None or pd.isna(over) else ("Yes: above the limit" if over else "No"),
            COL_WEIGHTED_CHILDREN: number(r["weighted_children"], 1),
            COL_WEIGHTED: number(r["weighted_caseload"], 1),
        })
    fte = float(t["case_holders_fte"].sum(min_count=1) or 0)
    allocated = t["children_allocated"].sum(min_count=1)
    weighted = float(t["weighted_children"].sum())
    rows.append({
        COL_TEAM: ALL_TEAMS,
        COL_TEAM_FTE: number(fte, 1),
        COL_TEAM_NQSW: number(t["nqsw_case_holders_fte"].sum(min_count=1), 1),
        COL_CHILDREN: number(allocated, 0),
        **{label: number(t[col].sum(min_count=1), 0) for col, label in CHILD_COLUMNS.items()},
        COL_TEAM_CASELOAD: number(_ratio(float(allocated), fte) if pd.notna(allocated) else None, 1),
        COL_TEAM_LIMIT: None,
        COL_TEAM_FLAG: f"{int(t['is_over_limit'].fillna(False).astype(bool).sum())} of {len(t)} team types above",
        COL_WEIGHTED_CHILDREN: number(weighted, 1),
        COL_WEIGHTED: number(_ratio(weighted, fte), 1),
    })
    table = pd.DataFrame(rows, columns=columns)
    for column in (COL_CHILDREN, *CHILD_COLUMNS.values()):  # whole children: 227, not 227.0
        table[column] = pd.to_numeric(table[column]).round().astype("Int64")
    return table


def team_chart_data(teams: pd.DataFrame, limits: Limits) -> pd.DataFrame:
    """For the team chart: team (label), caseload per FTE, its limit, and whether it is above (team types
    with no caseload per FTE are left out)."""
    columns = ["team", "caseload", "limit", "status", "text"]
    if teams.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for code in [*TEAM_LABELS, *sorted(set(map(str, teams["team_type"])) - set(TEAM_LABELS))]:
        part = teams[teams["team_type"].astype(str) == code]
        if part.empty or pd.isna(part["caseload_per_fte"].iloc[0]):
            continue
        r = part.iloc[0]
        limit = r["caseload_limit"] if pd.notna(r["caseload_limit"]) else limits.teams.get(code)
        over = bool(r["is_over_limit"]) if pd.notna(r["is_over_limit"]) else False
        rows.append({"team": team_label(code), "caseload": float(r["caseload_per_fte"]),
                     "limit": None if limit is None or pd.isna(limit) else float(limit),
                     "status": "Above the safe limit" if over else "Within the safe limit",
                     "text": f"{round_half_up(float(r['caseload_per_fte']), 1)}"})
    return pd.DataFrame(rows, columns=columns)


# --- national and strengthened measures (every role) ---------------------------------------------------------

def safe_range_flag(m: Measure, value: object, status: object, limits: Limits) -> str:
    """A warning for a caseload measure beyond the safe range ('' when within, or not a caseload of people):
    caseloads per case holder against the default limit (first-year mean against the first-year limit), the
    over-limit share when above 0."""
    if not shown_as_number(value, status):
        return ""
    v = float(value)  # type: ignore[arg-type]
    if m.column == "case_holders_over_limit_pct":
        return "Some case holders above their safe limit" if v > 0 else "Within the safe range"
    if m.column == "nqsw_caseload_mean":
        limit = limits.first_year
    elif m.column in ("caseload_fte", "caseload_median", "caseload_p90", "caseload_per_fte_median"):
        limit = limits.default
    else:
        return ""
    shown = f"{limit:g}"
    return f"Above the safe limit of {shown}" if v > limit else f"Within the safe limit of {shown}"


def measures_table(la: pd.Series | None, region: pd.Series | None, la_name: str, region_name: str,
                   limits: Limits, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The caseload measures (national first, then strengthened), the LA's value beside its region's,
    a safe-range flag on the LA's value, what each measure adds and its definition.

    ``columns`` limits the measures to those given (e.g. the national ones only, for public viewers); by
    default every caseload measure the catalogue knows. Values are formatted as on screen (rounded half up,
    symbols in words), from rows the viewer may see.
    """
    wanted = list(columns) if columns is not None else [*NATIONAL_CASELOAD_COLUMNS, *STRENGTHENED_CASELOAD_COLUMNS]
    rows = []
    la_header = la_name
    region_header = region_name if region_name != la_name else f"{region_name} (region)"
    for column in wanted:
        m = MEASURES.get(column)
        if m is None:
            continue
        strengthened = m.is_strengthened
        la_value = None if la is None else la.get(column)
        la_status = None if la is None else la.get(m.status_column)
        region_value = None if region is None else region.get(column)
        region_status = None if region is None else region.get(m.status_column)
        rows.append({
            COL_MEASURE: m.label,
            COL_KIND: "Strengthened (this product)" if strengthened else "National (DfE)",
            la_header: format_value(la_value, la_status, m, with_unit=True),
            region_header: format_value(region_value, region_status, m, with_unit=True),
            COL_FLAG: safe_range_flag(m, la_value, la_status, limits),
            COL_ADDS: m.adds if strengthened else "The national measure DfE publishes for every LA.",
            COL_DEFINITION: m.description,
        })
    return pd.DataFrame(rows, columns=[COL_MEASURE, COL_KIND, la_header, region_header, COL_FLAG, COL_ADDS,
                                       COL_DEFINITION])


# --- caseloads over the years (every role) --------------------------------------------------------------------

TREND_COLUMNS: tuple[str, ...] = ("caseload_fte", "caseload_median", "case_holders_over_limit_pct")
COL_YEAR = "Year"
COL_AREA = "Area"
COL_SOURCE = "Source"
COL_VALUE = "Value"
SOURCE_LABELS = {"returns": "LA returns", "published": "DfE published"}


def trend_table(rows: pd.DataFrame, la_code: str, region_code: str | None, la_name: str, region_name: str,
                columns: Iterable[str] = TREND_COLUMNS) -> pd.DataFrame:
    """Year by year, the LA's and its region's value of each caseload measure (one row per year, area and
    measure with a value shown as a number; where both a returns and a published row exist for the same
    year and area, the returns one). ``rows`` are ``marts.workforce_indicators`` rows the viewer may see."""
    out_columns = [COL_YEAR, COL_AREA, COL_MEASURE, COL_VALUE, COL_SOURCE, "column", "series"]
    if rows.empty:
        return pd.DataFrame(columns=out_columns)
    r = rows.copy()
    is_la = (r["geographic_level"] == "Local authority") & (r["old_la_code"].astype(str) == str(la_code))
    is_region = (r["geographic_level"] == "Regional") & (r["region_code"].astype(str) == str(region_code))
    r = r[is_la | is_region].assign(series=lambda f: np.where(
        f["geographic_level"] == "Local authority", "LA", "Region"))
    r = r.assign(_prefer=(r["source"] != "returns").astype(int)).sort_values(["time_period", "series", "_prefer"])
    r = r.drop_duplicates(["time_period", "series"], keep="first")
    out: list[dict[str, object]] = []
    for _, row in r.iterrows():
        for column in columns:
            m = MEASURES.get(column)
            if m is None or column not in row.index:
                continue
            value, status = row[column], row.get(m.status_column)
            if not shown_as_number(value, status):
                continue
            out.append({
                COL_YEAR: int(row["time_period"]),
                COL_AREA: la_name if row["series"] == "LA" else region_name,
                COL_MEASURE: m.label,
                COL_VALUE: number(value, m.decimals),
                COL_SOURCE: SOURCE_LABELS.get(str(row["source"]), str(row["source"])),
                "column": column,
                "series": row["series"],
            })
    return pd.DataFrame(out, columns=out_columns)
