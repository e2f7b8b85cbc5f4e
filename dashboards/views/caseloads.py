"""Page "Caseloads": how many cases social workers hold in one LA and year, against the safe limits.

Sidebar: the LA and census year (shared with the other pages). Body, by role:

- a flag where caseloads exceed the safe range (every role, from what the role may see);
- for a viewer allowed the LA's detail (``la``: their own LA; ``analyst``: every LA of the alliance): the
  distribution of caseloads across case holders as a histogram with the safe limits marked (18 for first-year
  social workers, 20 for others), first-year social workers shown apart, the share above their limit; and
  caseloads by team type from the R2 workbook's Teams sheet against each team type's limit, with the
  complexity-weighted caseload. Read only through ``data_access.caseload_distribution`` / ``team_caseloads``
  (``data_access.detail``), so another LA's worker-level detail never reaches this page;
- for every role: the national caseload beside the strengthened caseload measures, LA beside region, each
  with what it adds and its definition (public: national figures only, as published).

Every table shown has CSV and Excel downloads built by ``dashboards.caseload_tables`` from the same rows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.caseload_tables import (
    ALL_GROUPS,
    COL_ADDS,
    COL_DEFINITION,
    FIRST_YEAR,
    GROUP_LABELS,
    NATIONAL_CASELOAD_COLUMNS,
    OTHER,
    TEAM_LABELS,
    TREND_COLUMNS,
    Limits,
    distribution_table,
    group_summary,
    limits_from,
    measures_table,
    over_limit_summary,
    team_chart_data,
    team_label,
    team_table,
    trend_table,
)
from dashboards.charts import (
    caseload_histogram,
    caseload_histogram_data,
    caseload_trend_chart,
    team_caseload_chart,
)
from dashboards.comparison import split_rows
from dashboards.measures import MEASURES, format_value, round_half_up, shown_as_number
from dashboards.views.common import (
    download_buttons,
    file_stem,
    start_page,
    symbols_legend,
    text_cell,
)
from pipeline.access.roles import ALL_ROLES, Role, Viewer

TITLE = "Caseloads"
URL_PATH = "caseloads"
ICON = ":material/work_history:"
ROLES = ALL_ROLES

NO_STRENGTHENED_PUBLIC = (
    "The strengthened caseload measures (median, 90th percentile, share above the safe limit and the others) "
    "are computed by the alliance from the LAs' own returns. DfE does not publish them, so the public view "
    "shows the national caseload only, as published."
)
NO_STRENGTHENED_OUTSIDE = (
    "The strengthened caseload measures are computed from the returns of your alliance's LAs only. For "
    "{la}, only DfE's published national caseload is available."
)
NO_STRENGTHENED_NO_RETURN = (
    "{la} has no return for {year} in the warehouse, so the strengthened caseload measures cannot be computed; "
    "DfE's published national caseload is shown."
)


def _pct(value: float | None) -> str:
    return "no data" if value is None else f"{round_half_up(value, 1)}%"


def _limits_sentence(limits: Limits) -> str:
    order = [*TEAM_LABELS, *sorted(set(limits.teams) - set(TEAM_LABELS))]
    teams = ", ".join(f"{team_label(code)} {limits.teams[code]:g}" for code in order if code in limits.teams)
    team_words = f" Team types (children per case holder FTE): {teams}." if teams else ""
    return (f"Safe caseload limits (a regional setting): {limits.first_year:g} cases for a social worker in their "
            f"first year after qualifying, {limits.default:g} for any other case holder; a caseload strictly "
            f"above the limit is over it.{team_words}")


# --- the flag ------------------------------------------------------------------------------------------------

def _flag_from_detail(distribution: pd.DataFrame, la_name: str, limits: Limits) -> None:
    counts = over_limit_summary(distribution)
    if counts.case_holders == 0:
        return
    if counts.above == 0:
        st.success(f"**Within the safe range.** None of the {counts.case_holders} case holders in {la_name} "
                   "holds more cases than their safe limit.", icon=":material/check_circle:")
        return
    first = (f" {counts.first_year_above} of them are first-year social workers above {limits.first_year:g} "
             "cases." if counts.first_year_above else "")
    st.error(f"**Caseloads exceed the safe range.** {counts.above} of {counts.case_holders} case holders "
             f"in {la_name} ({_pct(counts.share)}) hold more cases than their safe limit.{first}",
             icon=":material/warning:")


def _flag_from_indicators(la: pd.Series, la_name: str, limits: Limits) -> None:
    over = MEASURES["case_holders_over_limit_pct"]
    value, status = la.get(over.column), la.get(over.status_column)
    if shown_as_number(value, status):
        if float(value) > 0:
            st.error(f"**Caseloads exceed the safe range.** {format_value(value, status, over, True)} of case "
                     f"holders in {la_name} hold more cases than their safe limit.", icon=":material/warning:")
        else:
            st.success(f"**Within the safe range.** No case holder in {la_name} holds more cases than their "
                       "safe limit.", icon=":material/check_circle:")
        return
    caseload = MEASURES["caseload_fte"]
    value, status = la.get(caseload.column), la.get(caseload.status_column)
    if shown_as_number(value, status) and float(value) > limits.default:
        st.error(f"**Caseloads exceed the safe range.** The average caseload in {la_name} is "
                 f"{format_value(value, status, caseload, True)}, above the safe limit of {limits.default:g}.",
                 icon=":material/warning:")
    elif shown_as_number(value, status):
        st.info(f"The average caseload in {la_name} ({format_value(value, status, caseload, True)}) is within "
                f"the safe limit of {limits.default:g}. An average can hide individual social workers above "
                "their limit: the published figures do not show how many there are.")


# --- worker-level detail -------------------------------------------------------------------------------------

def _distribution_section(distribution: pd.DataFrame, code: str, year: int, la_name: str,
                          limits: Limits) -> None:
    st.subheader("How caseloads are spread across case holders")
    if distribution.empty:
        st.info(f"{la_name} has no caseload detail for {year}: its census return (CSWW XML) for the year "
                "is missing or has no case holders. Figures from a workbook Summary carry no worker records.")
        return
    counts = over_limit_summary(distribution)
    summary = group_summary(distribution, limits)
    all_row = summary[summary["Group"] == ALL_GROUPS].iloc[0]
    a, b, c, d = st.columns(4)
    a.metric("Case holders", f"{counts.case_holders:,}", border=True,
             help="Social workers (agency included) holding one or more cases at 30 September.")
    b.metric("Above their safe limit", f"{counts.above:,} ({_pct(counts.share)})", border=True,
             help=f"Case holders with more than {limits.first_year:g} cases in their first year after "
                  f"qualifying, or more than {limits.default:g} otherwise.")
    first_share = 100 * counts.first_year_above / counts.first_year if counts.first_year else None
    c.metric("First-year social workers above their limit",
             f"{counts.first_year_above:,} of {counts.first_year:,}" if counts.first_year else "none holding cases",
             border=True, help=f"Newly qualified social workers should hold at most {limits.first_year:g} cases"
                               + (f" ({_pct(first_share)} do not)." if first_share is not None else "."))
    d.metric("Median caseload", f"{all_row['Median caseload']} cases", border=True,
             help="Half of case holders hold this many cases or fewer.")

    groups = [GROUP_LABELS[FIRST_YEAR], GROUP_LABELS[OTHER]]
    lines = [(limits.first_year, f"First-year limit: {limits.first_year:g}"),
             (limits.default, f"Limit for others: {limits.default:g}")]
    chart = caseload_histogram(caseload_histogram_data(distribution, GROUP_LABELS), lines,
                               f"Cases held by each case holder, {la_name}, {year}", groups)
    st.altair_chart(chart, width="stretch")
    st.caption("Each bar counts the case holders holding that many cases. Bars to the right of a dashed line "
               "are above that group's safe limit.")

    st.markdown("**By group**")
    st.dataframe(summary, hide_index=True, width="stretch")
    download_buttons(summary, file_stem(code, year, "caseloads_by_group"), key=f"{URL_PATH}.groups",
                     label="the group table")
    with st.expander("Case holders by number of cases held (the figures behind the chart)"):
        table = distribution_table(distribution)
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, file_stem(code, year, "caseload_distribution"), key=f"{URL_PATH}.distribution",
                         label="the distribution")


def _teams_section(viewer: Viewer, code: str, year: int, la_name: str, limits: Limits) -> None:
    st.subheader("Caseloads by team type")
    teams = data_access.team_caseloads(viewer, code, year)
    if teams.empty:
        sent = not data_access.annual_workbooks(viewer, code, year).empty
        if sent:
            st.info(f"{la_name}'s annual regional workbook (R2) for {year} has no rows in its Teams sheet, so "
                    "there are no team-type caseloads or weighted caseload to show.")
        else:
            st.info(f"{la_name} sent no annual regional workbook (R2) with a Teams sheet for {year}, so there "
                    "are no team-type caseloads or weighted caseload to show.")
        return
    table = team_table(teams, limits)
    over = teams["is_over_limit"].fillna(False).astype(bool)
    if over.any():
        names = ", ".join(team_label(t) for t, o in zip(teams["team_type"], over, strict=True) if o)
        st.error(f"**{int(over.sum())} team type(s) above their safe caseload limit:** {names}.",
                 icon=":material/warning:")
    data = team_chart_data(teams, limits)
    if not data.empty:
        st.altair_chart(team_caseload_chart(data, f"Children per case holder FTE by team type, {la_name}, {year}"),
                        width="stretch")
        st.caption("The black tick on each bar marks the team type's safe limit. Team types with no case "
                   "holders FTE have no caseload to chart; they are in the table.")
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, file_stem(code, year, "team_caseloads"), key=f"{URL_PATH}.teams",
                     label="the team table")
    weighted = MEASURES["weighted_caseload"]
    st.caption(f"**{weighted.label}:** {weighted.description} {weighted.adds}")


# --- national and strengthened measures ----------------------------------------------------------------------

def _measures_section(viewer: Viewer, la: pd.Series, region: pd.Series | None, code: str, year: int,
                      la_name: str, region_name: str, limits: Limits) -> None:
    st.subheader("The national caseload and what it hides")
    from_returns = str(la.get("source")) == "returns"
    columns = None if from_returns else NATIONAL_CASELOAD_COLUMNS
    if not from_returns:
        if viewer.role is Role.PUBLIC:
            st.info(NO_STRENGTHENED_PUBLIC)
        elif code in viewer.la_level_las():
            st.info(NO_STRENGTHENED_NO_RETURN.format(la=la_name, year=year))
        else:
            st.info(NO_STRENGTHENED_OUTSIDE.format(la=la_name))
    table = measures_table(la, region, la_name, region_name, limits, columns)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={COL_ADDS: st.column_config.TextColumn(width="large"),
                                COL_DEFINITION: st.column_config.TextColumn(width="large")})
    download_buttons(table, file_stem(code, year, "caseload_measures"), key=f"{URL_PATH}.measures",
                     label="the measures table")


TREND_AXIS = {
    "caseload_fte": "Cases per case holder FTE",
    "caseload_median": "Cases per case holder",
    "case_holders_over_limit_pct": "% of case holders",
}


def _trend_section(viewer: Viewer, la: pd.Series, code: str, year: int, la_name: str, region_name: str) -> None:
    st.subheader("Caseloads over the years")
    rows = data_access.indicators(
        viewer,
        "time_period <= $year and ((geographic_level = $la_level and cast(old_la_code as varchar) = $la) "
        "or (geographic_level = $region_level and region_code = $region))",
        {"year": int(year), "la": str(code), "region": str(la.get("region_code")),
         "la_level": data_access.LA_LEVEL, "region_level": data_access.REGION_LEVEL},
    )
    table = trend_table(rows, code, la.get("region_code"), la_name, region_name)
    if table.empty:
        st.info(f"There are no caseload figures over the years for {la_name} that your role lets you see.")
        return
    shown = [c for c in TREND_COLUMNS if (table["column"] == c).any()]
    for slot, column in zip(st.columns(len(shown)), shown, strict=True):
        m = MEASURES[column]
        slot.altair_chart(caseload_trend_chart(table[table["column"] == column], m.label, TREND_AXIS[column]),
                          width="stretch")
    st.caption("Each year's figures come from the LA returns where the alliance holds them, else from DfE's "
               "published statistics (the Source column of the table below).")
    missing = [MEASURES[c].label for c in TREND_COLUMNS if c not in shown]
    if missing and not viewer.is_public:  # the public were told: those measures are not published
        st.caption("Not charted: " + "; ".join(missing) + " (computed from the alliance's returns only, and "
                   "there are none for this LA that your role may see).")
    with st.expander("The figures behind these charts"):
        figures = table.drop(columns=["column", "series"])
        st.dataframe(figures, hide_index=True, width="stretch")
        download_buttons(figures, file_stem(code, year, "caseloads_over_the_years"), key=f"{URL_PATH}.trend",
                         label="the figures")


def render() -> None:
    """Draw the page."""
    start = start_page(TITLE, URL_PATH)
    if start is None:
        return
    viewer, code, year, la_label = start

    la, region = split_rows(data_access.la_and_region(viewer, code, year))
    if la is None:
        st.warning(f"{la_label} has no figures for {year}.")
        return
    la_name = text_cell(la, "la_name", la_label)
    region_name = text_cell(region if region is not None else la, "region_name", "its region")
    limits = limits_from(data_access.caseload_limits())

    st.header(f"Caseloads in {la_name}, {year}")
    st.caption(_limits_sentence(limits))

    detail = viewer.may_see_detail(code)
    distribution = data_access.caseload_distribution(viewer, code, year) if detail else pd.DataFrame()
    if not distribution.empty:
        _flag_from_detail(distribution, la_name, limits)
    else:
        _flag_from_indicators(la, la_name, limits)

    if detail:
        _distribution_section(distribution, code, year, la_name, limits)
        _teams_section(viewer, code, year, la_name, limits)
    else:
        who = {Role.PUBLIC: "The public view shows published figures only.",
               Role.LA: f"Your role shows this detail for your own LA only ({viewer.la_code}).",
               Role.ANALYST: "Your role shows this detail for the LAs of your alliance only."}[viewer.role]
        st.info(f"The spread of caseloads across {la_name}'s social workers and its team caseloads are "
                f"worker-level detail. {who}", icon=":material/lock:")

    _measures_section(viewer, la, region, code, year, la_name, region_name, limits)
    _trend_section(viewer, la, code, year, la_name, region_name)
    symbols_legend()


if __name__ == "__main__":
    render()
