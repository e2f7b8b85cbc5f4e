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
from dashboards.views.common import (
    SOURCE_WORDS,
    download_buttons,
    file_stem,
    start_page,
    symbols_legend,
    text_cell,
)
from pipeline.access.roles import ALL_ROLES

TITLE = "LA compared with region"
ICON = ":material/compare_arrows:"
ROLES = ALL_ROLES
URL_PATH = "la-vs-region"

def render() -> None:
    """Draw the page."""
    start = start_page(TITLE, URL_PATH)
    if start is None:
        return
    viewer, code, year, la_label = start

    la, region = split_rows(data_access.la_and_region(viewer, code, year))
    if la is None:  # the file was replaced between two queries and the LA went; the next run fixes it
        st.warning(f"{la_label} has no figures for {year}.")
        return
    la_name = text_cell(la, "la_name", la_label)
    region_name = text_cell(region if region is not None else la, "region_name", "its region")

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
    download_buttons(table, file_stem(code, year, "la_compared_with_region"), key=f"{URL_PATH}.table")

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


if __name__ == "__main__":
    render()
