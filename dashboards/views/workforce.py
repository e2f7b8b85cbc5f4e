"""Page "Workforce": social workers, agency, vacancies, absence and the non-social-worker workforce together.

Sidebar: the LA and a census year (shared with the other pages). Body: headline figures beside the region;
every workforce measure for the year beside the region and England, with the LA's change from last year and a
definition (downloadable); the LA's workforce by kind over the years (stacked bars and a downloadable table);
turnover, agency, vacancy and absence rates over the years against region and England (charts and a
downloadable table). Data only from ``data_access.indicators(viewer, ...)``: a public viewer gets published,
rounded and suppressed figures, which have no non-social-worker workforce (the page says so).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.charts import trend_chart, workforce_composition_chart
from dashboards.comparison import headline
from dashboards.measures import MEASURES, shown_as_number
from dashboards.views.common import (
    SOURCE_WORDS,
    download_buttons,
    file_stem,
    start_page,
    symbols_legend,
)
from dashboards.workforce_figures import (
    COL_DEFINITION,
    COL_YEAR,
    RATE_COLUMNS,
    WORKBOOK_COLUMNS,
    composition_chart_data,
    composition_table,
    name_of,
    pick_series,
    rate_trend_data,
    rates_table,
    row_of,
    section_measures,
    workforce_table,
)
from pipeline.access.roles import ALL_ROLES, Viewer

TITLE = "Workforce"
URL_PATH = "workforce"
ICON = ":material/groups:"
ROLES = ALL_ROLES

HEADLINES = ("inpost_fte", "turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "absence_rate_fte",
             "non_sw_fte")

PUBLISHED_HAS_NO_NON_SW = (
    "DfE's published statistics count social workers only: they have no figures for the staff who are not "
    "social workers (family support workers, social work assistants, personal advisers, early help "
    "practitioners, business support), so those figures show as not available here. They come from the "
    "regional workbook LAs send to their alliance, which LA and analyst users can see."
)


def scoped_rows(viewer: Viewer, old_la_code: str, year: int) -> pd.DataFrame:
    """The indicator rows the page needs that the viewer may see: the LA's, every region's and England's, for
    every census year up to ``year`` (``pick_series`` then chooses the LA's region and each row's source)."""
    return data_access.indicators(
        viewer,
        "time_period <= $year and (geographic_level in ('Regional', 'National') "
        "or cast(old_la_code as varchar) = $la)",
        {"year": int(year), "la": str(old_la_code)},
    )


def render() -> None:
    """Draw the page."""
    start = start_page(TITLE, URL_PATH, intro=(
        "Who works in children's social care in an LA: its own social workers, agency social workers, the posts "
        "left vacant, sickness absence, and the staff who support social workers without being social workers "
        "themselves."))
    if start is None:
        return
    viewer, code, year, la_label = start

    series = pick_series(scoped_rows(viewer, code, year), code)
    la = row_of(series, "LA", year)
    if la is None:
        st.warning(f"{la_label} has no figures for {year}.")
        return
    la_name = name_of(series, "LA", "la_name", la_label)
    region_name = name_of(series, "Region", "region_name", "its region")
    names = {"LA": la_name, "Region": region_name, "England": "England"}
    columns = data_access.indicator_columns()

    st.header(f"{la_name}: workforce, {year}")
    _sources_caption(series, year, names)
    _headlines(series, year, region_name, columns)
    _non_sw_note(viewer, la, la_name, year)

    st.subheader(f"Every workforce measure, {year}")
    table = workforce_table(series, year, section_measures(columns))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={COL_DEFINITION: st.column_config.TextColumn(width="large")})
    download_buttons(table, file_stem(code, year, "workforce"), key=f"{URL_PATH}.table")

    st.subheader("The workforce over the years")
    st.caption("Each bar is the LA's workforce at 30 September: its own social workers in post, agency social "
               "workers, the social worker posts left vacant, and the non-social-worker staff (from the "
               "regional workbook). Total: the sum of the parts with a figure that year.")
    composition = composition_table(series, columns)
    chart_data = composition_chart_data(composition)
    if chart_data.empty:
        st.info(f"There are no workforce figures to chart for {la_name}.")
    else:
        st.altair_chart(workforce_composition_chart(chart_data, f"{la_name}: workforce by kind (FTE)"),
                        width="stretch")
    st.dataframe(composition, hide_index=True, width="stretch", column_config=_one_decimal(composition))
    download_buttons(composition, file_stem(code, year, "workforce_composition"), key=f"{URL_PATH}.composition")

    st.subheader("Turnover, agency, vacancies and absence over the years")
    st.caption(f"{la_name} against {region_name} and England. Lower is better for all four rates.")
    _rate_charts(series, names, columns)
    rates = rates_table(series, names, columns)
    st.dataframe(rates, hide_index=True, width="stretch", column_config=_one_decimal(rates))
    download_buttons(rates, file_stem(code, year, "workforce_rates"), key=f"{URL_PATH}.rates")
    symbols_legend()


def _one_decimal(table: pd.DataFrame) -> dict:
    """Figures to one decimal place (an empty cell: no figure); the census year as a plain year."""
    config: dict = {COL_YEAR: st.column_config.NumberColumn(format="%d")}
    for column in table.select_dtypes("number").columns:
        if column != COL_YEAR:
            config[column] = st.column_config.NumberColumn(format="%.1f")
    return config


def _sources_caption(series: pd.DataFrame, year: int, names: dict[str, str]) -> None:
    parts = []
    for name in ("LA", "Region", "England"):
        row = row_of(series, name, year)
        if row is None:
            parts.append(f"{names[name]}: no figures for {year}")
            continue
        text = f"{names[name]}: {SOURCE_WORDS.get(str(row.get('source')), 'source not recorded')}"
        contributing, expected = row.get("las_contributing"), row.get("las_expected")
        if name == "Region" and pd.notna(contributing) and pd.notna(expected):
            text += f" ({int(contributing)} of {int(expected)} LAs contributed)"
        parts.append(text)
    st.caption("; ".join(parts) + ".")


def _headlines(series: pd.DataFrame, year: int, region_name: str, columns: list[str]) -> None:
    """Big numbers, three to a row: a rate beside the region's (the delta), a total beside last year's (an
    LA's total minus its region's says nothing)."""
    la, region, before = row_of(series, "LA", year), row_of(series, "Region", year), row_of(series, "LA", year - 1)
    shown = []
    for column in (c for c in HEADLINES if c in columns):
        m = MEASURES[column]
        shown.append(headline(la, before, m, str(year - 1)) if m.is_count else headline(la, region, m, region_name))
    for start in range(0, len(shown), 3):
        for slot, h in zip(st.columns(3), shown[start:start + 3], strict=False):
            slot.metric(h.label, h.value, delta=h.delta, delta_color=h.delta_color, help=h.help,
                        delta_description=h.delta_description, border=True)


def _non_sw_note(viewer: Viewer, la: pd.Series, la_name: str, year: int) -> None:
    if viewer.is_public or la.get("source") == "published":
        st.info(PUBLISHED_HAS_NO_NON_SW)
        return
    missing = [c for c in WORKBOOK_COLUMNS if c in la.index
               and not shown_as_number(la.get(c), la.get(f"{c}_status"))]
    if missing:
        st.info(f"{la_name} has not sent a regional workbook (R2) for {year}, or sent one without its NonSW "
                "sheet: its non-social-worker workforce is not available.")


def _rate_charts(series: pd.DataFrame, names: dict[str, str], columns: list[str]) -> None:
    rates = [MEASURES[c] for c in RATE_COLUMNS if c in columns]
    slots = st.columns(2)
    for index, m in enumerate(rates):
        data = rate_trend_data(series, m, names)
        with slots[index % 2]:
            if data.empty:
                st.info(f"{m.label}: no figures to chart.")
                continue
            st.altair_chart(trend_chart(data, m.label, "Per cent (%)"), width="stretch")
            st.caption(m.description)


if __name__ == "__main__":
    render()
