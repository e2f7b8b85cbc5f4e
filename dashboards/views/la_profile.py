"""Page "LA profile": one LA's benchmarks for a census year, and how they moved over the years.

Sidebar: the LA and the census year (shared with the other pages). Body: a warning where caseloads exceed the
safe range; the profile table (per measure: the LA's value beside its region, the median of its statistical
neighbours with how many were used, England, the quartile band, the national rank of how many, and the change
from last year, with the measure's definition and better direction; downloadable); trend charts of the LA, its
region, its neighbours' median and England over every year up to the chosen one, for the measures picked, with
their figures as a downloadable table.

Data: ``data_access.la_profile`` (public viewers read the published-only benchmarks; la and analyst viewers an
LA outside their alliance as published). The table builders (``profile_table``, ``trend_data``,
``trend_table``, ``caseload_alerts``) are pure, so the downloads can be tested for every role.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.charts import trend_chart
from dashboards.measures import (
    MEASURES,
    POLARITY_WORDS,
    Measure,
    Polarity,
    Unit,
    compare_words,
    format_difference,
    format_value,
    is_missing,
    round_half_up,
)
from dashboards.views.common import (
    SOURCE_WORDS,
    download_buttons,
    file_stem,
    start_page,
    symbols_legend,
)
from pipeline.access.roles import ALL_ROLES, Viewer

TITLE = "LA profile"
URL_PATH = "la-profile"
ICON = ":material/person_pin_circle:"
ROLES = ALL_ROLES

BAND_NAMES = {"A": "A (best quarter)", "B": "B", "C": "C", "D": "D (worst quarter)"}

#: The trend charts shown first (the headline national measures and the safe-caseload measure).
DEFAULT_TRENDS: tuple[str, ...] = ("caseload_fte", "turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte",
                                   "case_holders_over_limit_pct")

#: Safe caseload limits (definitions.md, strengthened measures): 20 cases, 18 in the first year after qualifying.
SAFE_LIMIT = 20
FIRST_YEAR_LIMIT = 18

COL_MEASURE = "Measure"
PROFILE_COLUMNS = (COL_MEASURE, "Unit", "Which way is better", "LA", "Region", "Statistical neighbours (median)",
                   "England", "Quartile band", "National rank", "Change from last year", "What it measures")


#: Symbols that keep a measure in the table even without any figure: a suppressed or unreliable LA value says
#: something; 'not available' (x) or 'not applicable' (z) everywhere does not (listed under the table instead).
SHOWN_SYMBOLS = ("c", "low", "u")


def profile_measures(rows: pd.DataFrame) -> list[Measure]:
    """The catalogue measures of the rows that have a figure (LA, region, neighbours or England) or a
    suppressed LA value, in catalogue order (national, then strengthened)."""
    if rows.empty:
        return []
    figures = rows[["value", "region_value", "sn_median", "england_value"]].notna().any(axis=1)
    present = set(rows.loc[figures | rows["status"].isin(SHOWN_SYMBOLS), "measure"])
    return [m for m in MEASURES.values() if m.column in present]


def _number(value: object, m: Measure) -> str:
    return format_value(value, None, m)


def _rank(rank: object, of: object) -> str:
    if is_missing(rank):
        return ""
    return f"{int(float(rank))} of {int(float(of))}" if not is_missing(of) and float(of) > 0 else str(int(float(rank)))


def _neighbours(text: str, median: object, count: object) -> str:
    """'16.4 (10 neighbours)': the median and how many neighbours had a figure."""
    if is_missing(median) or is_missing(count):
        return text
    n = int(float(count))
    return f"{text} ({n} neighbour{'s' if n != 1 else ''})"


def unavailable_measures(rows: pd.DataFrame, year: int) -> list[Measure]:
    """The catalogue measures of the year's rows with no figure at all (left out of the profile table)."""
    year_rows = rows[rows["time_period"].astype(int) == int(year)]
    shown = {m.column for m in profile_measures(year_rows)}
    present = set(year_rows["measure"])
    return [m for m in MEASURES.values() if m.column in present and m.column not in shown]


def profile_table(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """The profile table (shown and downloaded) for one year: a row per measure with a figure, each figure
    written as ``format_value`` writes it (rounded half up, symbols in words)."""
    year_rows = rows[rows["time_period"].astype(int) == int(year)]
    by_measure = {str(r["measure"]): r for r in year_rows.to_dict("records")}
    records: list[dict[str, str]] = []
    for m in profile_measures(year_rows):
        r = by_measure[m.column]
        change = None if is_missing(r["change_from_previous"]) else float(r["change_from_previous"])
        change_text = format_difference(change, m, with_unit=True)
        words = compare_words(change, m)
        sn = _number(r["sn_median"], m)
        band = r["quartile_band"] if isinstance(r["quartile_band"], str) else ""
        records.append({
            COL_MEASURE: m.label,
            "Unit": m.unit.value,
            "Which way is better": POLARITY_WORDS[m.polarity],
            "LA": format_value(r["value"], r["status"], m),
            "Region": _number(r["region_value"], m),
            "Statistical neighbours (median)": _neighbours(sn, r["sn_median"], r["sn_count"]),
            "England": _number(r["england_value"], m),
            "Quartile band": BAND_NAMES.get(band, "") if m.polarity is not Polarity.NONE else "no band",
            "National rank": _rank(r["national_rank"], r["las_ranked"]),
            "Change from last year": f"{change_text}, {words}" if words and change is not None else change_text,
            "What it measures": m.description,
        })
    return pd.DataFrame(records, columns=list(PROFILE_COLUMNS))


def series_labels(la_name: str, region_name: str) -> dict[str, str]:
    """Trend series -> the label a reader sees."""
    return {"LA": la_name, "Region": region_name,
            "Statistical neighbours (median)": "Statistical neighbours (median)", "England": "England"}


def trend_data(rows: pd.DataFrame, m: Measure, la_name: str, region_name: str) -> pd.DataFrame:
    """One measure over the years, long: year, series, label, value (rounded half up to the measure's
    decimals, as displayed), text. Years where a series has no figure are left out of that series."""
    columns = {"LA": "value", "Region": "region_value", "Statistical neighbours (median)": "sn_median",
               "England": "england_value"}
    labels = series_labels(la_name, region_name)
    mine = rows[rows["measure"] == m.column].sort_values("time_period")
    out: list[dict[str, object]] = []
    for series, column in columns.items():
        for r in mine.to_dict("records"):
            if is_missing(r[column]):
                continue
            out.append({"year": int(r["time_period"]), "series": series, "label": labels[series],
                        "value": float(round_half_up(float(r[column]), m.decimals)),
                        "text": format_value(r[column], None, m, with_unit=True)})
    return pd.DataFrame(out, columns=["year", "series", "label", "value", "text"])


def trend_table(rows: pd.DataFrame, measures: list[Measure], la_name: str, region_name: str) -> pd.DataFrame:
    """The figures of the trend charts shown (downloaded with them): one row per measure and year, a column
    per series, rounded as displayed."""
    frames = []
    for m in measures:
        data = trend_data(rows, m, la_name, region_name)
        if data.empty:
            continue
        wide = data.pivot(index="year", columns="label", values="value").reset_index()
        wide.insert(0, COL_MEASURE, m.label)
        frames.append(wide)
    if not frames:
        return pd.DataFrame(columns=[COL_MEASURE, "Census year"])
    table = pd.concat(frames, ignore_index=True).rename(columns={"year": "Census year"})
    table.columns.name = None
    order = [COL_MEASURE, "Census year"] + [label for label in series_labels(la_name, region_name).values()
                                            if label in table.columns]
    return table[order]


def caseload_alerts(rows: pd.DataFrame, year: int) -> list[str]:
    """Plain-English warnings where the LA's caseloads exceed the safe range in the year (empty if none)."""
    year_rows = rows[rows["time_period"].astype(int) == int(year)].set_index("measure")

    def value(column: str) -> float | None:
        if column not in year_rows.index:
            return None
        v = year_rows.at[column, "value"]
        return None if is_missing(v) else float(v)

    alerts = []
    over = value("case_holders_over_limit_pct")
    if over is not None and round_half_up(over, 1) > 0:
        alerts.append(f"{format_value(over, None, MEASURES['case_holders_over_limit_pct'])}% of case holders "
                      f"hold more cases than their safe limit ({FIRST_YEAR_LIMIT} in their first year after "
                      f"qualifying, otherwise {SAFE_LIMIT}).")
    p90 = value("caseload_p90")
    if p90 is not None and p90 > SAFE_LIMIT:
        alerts.append(f"The most loaded tenth of case holders hold {format_value(p90, None, MEASURES['caseload_p90'])}"
                      f" cases or more, above the safe limit of {SAFE_LIMIT}.")
    nqsw = value("nqsw_caseload_mean")
    if nqsw is not None and nqsw > FIRST_YEAR_LIMIT:
        alerts.append(f"First-year social workers hold {format_value(nqsw, None, MEASURES['nqsw_caseload_mean'])} "
                      f"cases on average, above their protected limit of {FIRST_YEAR_LIMIT}.")
    return alerts


def _y_title(m: Measure) -> str:
    return "Per cent (%)" if m.unit is Unit.PERCENT else str(m.unit).capitalize()


def _region_name(viewer: Viewer, rows: pd.DataFrame) -> str:
    """The name of the LA's region (alliance), from the regions the viewer may see."""
    if rows.empty:
        return "Region"
    latest = rows.sort_values("time_period").iloc[-1]
    code = latest["alliance_code"] if isinstance(latest["alliance_code"], str) else latest["region_code"]
    regions = data_access.regions(viewer)
    names = dict(zip(regions["region_code"].astype(str), regions["region_name"].astype(str), strict=True))
    return names.get(str(code), "Region")


def render() -> None:
    """Draw the page."""
    start = start_page(TITLE, URL_PATH)
    if start is None:
        return
    viewer, code, year, la_label = start
    rows = data_access.la_profile(viewer, code, year)
    year_rows = rows[rows["time_period"].astype(int) == year] if not rows.empty else rows
    if year_rows.empty:
        st.info(f"There are no benchmarks for {la_label} in {year} that your role lets you see.")
        return
    region_name = _region_name(viewer, rows)

    st.header(f"{la_label}, {year}")
    source = str(year_rows["source"].iloc[0])
    st.caption(f"{la_label}: figures {SOURCE_WORDS.get(source, source)}. Region: {region_name}. Bands and ranks are "
               "among all English LAs with a figure; statistical neighbours are the 10 LAs DfE finds most alike.")
    for alert in caseload_alerts(rows, year):
        st.warning(alert, icon=":material/warning:")

    st.subheader("Every benchmark")
    table = profile_table(rows, year)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"What it measures": st.column_config.TextColumn(width="large")})
    download_buttons(table, file_stem(code, year, "la_profile"), key=f"{URL_PATH}.table")
    missing = unavailable_measures(rows, year)
    if missing:
        st.caption("No figures for " + ", ".join(m.label for m in missing)
                   + (" (not published by DfE: computed only from the LA returns)." if viewer.is_public else "."))
    symbols_legend()

    st.subheader("Trends")
    measures = profile_measures(rows)
    labels = {m.column: m.label for m in measures}
    chartable = [c for c in labels if not trend_data(rows, MEASURES[c], la_label, region_name).empty]
    default = [c for c in DEFAULT_TRENDS if c in chartable] or chartable[:4]
    chosen = st.multiselect("Measures to chart", list(labels), default=default, format_func=labels.__getitem__,
                            key=f"{URL_PATH}.trends")
    picked = [m for m in measures if m.column in chosen]
    slots = st.columns(2)
    for i, m in enumerate(picked):
        data = trend_data(rows, m, la_label, region_name)
        with slots[i % 2]:
            if data.empty:
                st.info(f"{m.label}: no figures to chart.")
                continue
            st.altair_chart(trend_chart(data, m.label, _y_title(m)), width="stretch")
            st.caption(f"{m.description} {POLARITY_WORDS[m.polarity].capitalize()}.")
    if picked:
        trends = trend_table(rows, picked, la_label, region_name)
        st.dataframe(trends, hide_index=True, width="stretch")
        download_buttons(trends, file_stem(code, year, "la_profile_trends"), key=f"{URL_PATH}.trends_table",
                         label="the trend figures")


if __name__ == "__main__":
    render()
