"""Page "Downloads": the EES export, the published figures, and what every other page offers.

Open to every role, but each sees only what the role allows:

- ``la`` and ``analyst``: the EES open-data export (data file + ``.meta.csv``, rounded and suppressed, screened)
  built on demand from the rows of the serving copy computed from the returns that the viewer may see (their
  alliance's LAs and regional row, and the national row; ``dashboards.ees_download``). It is regional data ahead
  of DfE's publication, so it is never offered to ``public``.
- everyone: the published DfE figures the serving copy holds (for ``public`` rounded and suppressed, as on
  every page), as CSV and Excel.
- everyone: a list of the downloads on each page their role may open.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.auth import current_viewer
from dashboards.ees_download import EESDownload, build_ees_download
from dashboards.views.common import data_source_caption, download_buttons, file_stem, open_pages, xlsx_bytes
from pipeline.access.roles import ALL_ROLES, Viewer

TITLE = "Downloads"
URL_PATH = "downloads"
ICON = ":material/download:"
ROLES = ALL_ROLES

PREVIEW_ROWS = 50

#: What each page offers for download (by URL path); every table shown comes as CSV and Excel.
PAGE_DOWNLOADS: dict[str, str] = {
    "region-overview": "the tartan rug (every LA by every measure, with its quartile band) and the submission "
                       "status of each LA",
    "la-profile": "each measure for the LA beside its region, statistical neighbours and England, with band, "
                  "rank and change; the trend figures behind the charts",
    "la-vs-region": "every measure for the LA beside its region",
    "caseloads": "the caseload distribution and the caseload measures, national and strengthened",
    "workforce": "social workers, agency workers, vacancies, absence and the non-social-worker workforce",
    "submissions": "submission status, the returns received, the errors and warnings, and each validation "
                   "report (HTML and XLSX)",
    "downloads": "this page: the EES export and the published figures",
}


def published_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The published rows as offered for download: the rows the viewer received (for ``public`` already
    rounded and suppressed), newest year first, without the ``source`` column (they are all published)."""
    if rows.empty:
        return rows
    table = rows.drop(columns=[c for c in ("source",) if c in rows.columns])
    order = [c for c in ("time_period", "geographic_level", "region_code", "old_la_code") if c in table.columns]
    ascending = [c != "time_period" for c in order]
    return table.sort_values(order, ascending=ascending, kind="stable", na_position="first").reset_index(drop=True)


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    data_source_caption(data_access.serving_copy_info())
    viewer = current_viewer()
    if viewer.is_public:
        st.info("The EES export of the regional returns is for the alliance's local authorities and analysts "
                "before DfE publishes; as a public visitor you can download the published figures below.")
    else:
        _ees_section(viewer)
    _published_section(viewer)
    _pages_section()


def _ees_section(viewer: Viewer) -> None:
    """The EES data file and meta file from the returns rows the viewer may see."""
    st.header("EES open-data export")
    st.markdown(
        "The figures computed from the returns in the layout of DfE's *Explore education statistics* (EES): a "
        "data file and its metadata file (`.meta.csv`). Values are rounded half up (FTEs, rates and caseloads to "
        "1 decimal place, headcounts whole); small numbers are shown as **c** (a headcount under 5, or a rate "
        "about fewer than 5 people) and a value that rounds to zero as **low**. The pair is checked against "
        "DfE's screening rules before it is offered."
    )
    export = build_ees_download(data_access.ees_source_rows(viewer))
    if export is None:
        st.info("There are no figures computed from returns that your role lets you export.")
        return
    levels = export.data["geographic_level"].value_counts()
    st.caption(
        f"Built now from the serving copy: {len(export.data)} rows ({int(levels.get('Local authority', 0))} LA, "
        f"{int(levels.get('Regional', 0))} regional, {int(levels.get('National', 0))} national) and "
        f"{len(export.meta)} indicators, for the local authorities your role shows at LA level."
    )
    if not export.passed:
        _screening_failures(export)
        return
    st.success(f"`{export.data_name}` and `{export.meta_name}` pass the EES screening checks (required columns, "
               "geography and time, allowed symbols, meta file columns and units, names, no duplicate rows).",
               icon=":material/verified:")
    stem = file_stem(export.name, viewer.alliance_code)
    columns = st.columns(4)
    columns[0].download_button("Data file (CSV)", export.data_bytes, file_name=export.data_name, mime="text/csv",
                               key=f"{URL_PATH}.ees.data", width="stretch")
    columns[1].download_button("Metadata file (.meta.csv)", export.meta_bytes, file_name=export.meta_name,
                               mime="text/csv", key=f"{URL_PATH}.ees.meta", width="stretch")
    columns[2].download_button("Both files (zip)", export.zip_bytes(), file_name=f"{stem}.zip",
                               mime="application/zip", key=f"{URL_PATH}.ees.zip", width="stretch")
    columns[3].download_button("Data file (Excel)", xlsx_bytes(export.data, export.name), file_name=f"{stem}.xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               key=f"{URL_PATH}.ees.xlsx", width="stretch")
    st.subheader("Preview of the data file")
    shown = export.data.head(PREVIEW_ROWS)
    st.dataframe(shown, hide_index=True, width="stretch")
    if len(export.data) > len(shown):
        st.caption(f"The first {len(shown)} of {len(export.data)} rows; the download has them all.")
    with st.expander("The metadata file"):
        st.dataframe(export.meta, hide_index=True, width="stretch")


def _screening_failures(export: EESDownload) -> None:
    """Why the export is not offered."""
    st.error(f"The export fails {len(export.failures)} EES screening check(s), so it is not offered. Tell the "
             "team that runs the pipeline; the first failures are listed below.", icon=":material/block:")
    st.dataframe(pd.DataFrame([{"rule": f.rule, "file": f.file, "row": f.row, "column": f.column,
                                "message": f.message} for f in export.failures[:50]]),
                 hide_index=True, width="stretch")


def _published_section(viewer: Viewer) -> None:
    """DfE's published figures as the serving copy holds them, for every role."""
    st.header("Published figures")
    words = ("rounded and with small numbers suppressed, as on every page" if viewer.is_public
             else "as DfE published them")
    st.markdown(f"DfE's published statistics for every LA, region and England, every year the serving copy "
                f"holds, {words}. Symbols are in the `_status` columns.")
    if not st.toggle("Prepare the published figures for download", key=f"{URL_PATH}.published"):
        return
    table = published_table(data_access.indicators(viewer, "source = 'published'"))
    if table.empty:
        st.info("The serving copy holds no published figures.")
        return
    st.caption(f"{len(table)} rows, {len(table.columns)} columns; the first {min(PREVIEW_ROWS, len(table))} "
               "are shown.")
    st.dataframe(table.head(PREVIEW_ROWS), hide_index=True, width="stretch")
    download_buttons(table, file_stem("csww_published_figures"), key=f"{URL_PATH}.published_table",
                     label="the published figures")


def _pages_section() -> None:
    """What the other pages offer for download, for the pages this viewer may open."""
    st.header("Downloads on the other pages")
    st.markdown("Every table on every page has **CSV** and **Excel** buttons beneath it, holding exactly the rows "
                "shown. The pages your role opens offer:")
    lines = [f"- **{title}**: {PAGE_DOWNLOADS.get(url_path, 'every table shown')}."
             for title, url_path in open_pages() if url_path != URL_PATH]
    st.markdown("\n".join(lines))


if __name__ == "__main__":
    render()
