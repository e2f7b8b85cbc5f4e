"""Page "LA compared with region": one LA's national measures beside its region's, for one census year.

Sidebar: the LA (by name) and a census year (the LA's years, newest first). Body: headline metrics,
the full comparison table (downloadable), and a bar chart of the rate measures.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.charts import comparison_bar_chart
from dashboards.comparison import COL_DEFINITION, comparison_table, headline, rate_chart_data, split_rows
from dashboards.measures import HEADLINE_COLUMNS, MEASURES, present
from dashboards.views.common import SOURCE_WORDS, data_source_caption, symbols_legend

TITLE = "LA compared with region"
URL_PATH = "la-vs-region"

# Widget keys, namespaced by page so later pages cannot collide with them.
KEY_LA = "la_vs_region.la"
KEY_YEAR = "la_vs_region.year"


def _keep_if_valid(key: str, options: list) -> None:
    """Forget a remembered choice that is no longer offered (so the widget falls back to its default)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def _text(row: pd.Series, column: str, default: str) -> str:
    """A text cell of a row, or ``default`` where the column is absent or null."""
    value = row.get(column)
    return str(value) if isinstance(value, str) and value.strip() else default


def la_labels(las: pd.DataFrame) -> dict[str, str]:
    """old_la_code -> the name shown; the code is added only where two LAs share a name."""
    names = {str(code): (str(name) if pd.notna(name) else str(code))
             for code, name in zip(las["old_la_code"], las["la_name"], strict=True)}
    counts = pd.Series(list(names.values())).value_counts()
    return {code: (f"{name} ({code})" if counts[name] > 1 else name) for code, name in names.items()}


def select_la_and_year() -> tuple[str, int, str] | None:
    """Sidebar choices: (old_la_code, year, LA name shown), or None when there is nothing to choose."""
    las = data_access.local_authorities()
    if las.empty:
        st.info("The serving copy holds no local authority figures yet.")
        return None
    labels = la_labels(las)
    codes = list(labels)
    _keep_if_valid(KEY_LA, codes)
    if KEY_LA not in st.session_state:  # start on an LA of the alliance (one with returns), if there is one
        with_returns = [str(c) for c, flag in zip(las["old_la_code"], las["has_returns"], strict=True) if flag]
        if with_returns:
            st.session_state[KEY_LA] = with_returns[0]
    code = st.sidebar.selectbox("Local authority", codes, format_func=labels.__getitem__, key=KEY_LA)

    years = data_access.available_years(code)
    _keep_if_valid(KEY_YEAR, years)
    year = st.sidebar.selectbox("Census year (at 30 September)", years, key=KEY_YEAR)
    return code, int(year), labels[code]


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    data_source_caption(data_access.serving_copy_info())

    choice = select_la_and_year()
    if choice is None:
        return
    code, year, la_label = choice

    la, region = split_rows(data_access.la_and_region(code, year))
    if la is None:  # the file was replaced between two queries and the LA went; the next run fixes it
        st.warning(f"{la_label} has no figures for {year}.")
        return
    la_name = _text(la, "la_name", la_label)
    region_name = _text(region if region is not None else la, "region_name", "its region")

    st.header(f"{la_name} compared with {region_name}, {year}")
    sources = [f"{la_name}: {SOURCE_WORDS.get(str(la.get('source')), 'source not recorded')}"]
    if region is None:
        st.warning(
            f"There is no regional row for {region_name} (code {la.get('region_code')}) in {year}, "
            "so the region's figures are shown as no data."
        )
    else:
        sources.append(f"{region_name}: {SOURCE_WORDS.get(str(region.get('source')), 'source not recorded')}")
        las_contributing, las_expected = region.get("las_contributing"), region.get("las_expected")
        if pd.notna(las_contributing) and pd.notna(las_expected):
            sources.append(f"{int(las_contributing)} of {int(las_expected)} LAs in the region contributed")
    st.caption("; ".join(sources) + ".")

    columns = data_access.indicator_columns()
    measures = present(columns)

    headlines = [headline(la, region, MEASURES[c], region_name) for c in HEADLINE_COLUMNS if c in columns]
    for slot, h in zip(st.columns(len(headlines) or 1), headlines, strict=False):
        slot.metric(h.label, h.value, delta=h.delta, delta_color=h.delta_color, help=h.help,
                    delta_description=h.delta_description, border=True)

    st.subheader("Every measure")
    table = comparison_table(la, region, measures)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={COL_DEFINITION: st.column_config.TextColumn(width="large")},
    )
    st.download_button(
        "Download this table (CSV)",
        table.to_csv(index=False).encode("utf-8"),
        file_name=f"{code}_{year}_la_compared_with_region.csv".replace(" ", "").replace("/", "-"),
        mime="text/csv",
    )

    st.subheader("Rates")
    data, notes = rate_chart_data(la, region, measures, la_name, region_name)
    if data.empty:
        st.info("None of the rate measures has a figure to chart for this LA and year.")
    else:
        title = f"Rates: {la_name} compared with {region_name}, {year}"
        st.altair_chart(comparison_bar_chart(data, title), width="stretch")
    if notes:
        st.caption("Not charted: " + "; ".join(notes) + ".")
    symbols_legend()
