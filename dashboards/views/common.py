"""Pieces shared by every page: where the data comes from, the symbols legend, CSV and Excel downloads."""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.auth import current_viewer
from dashboards.data_access import ServingCopyInfo
from dashboards.measures import SYMBOLS
from pipeline.access.roles import Viewer

#: Session-state key of the pages the signed-in viewer may open, in navigation order, as (title, URL path):
#: ``dashboards.app`` sets it on every run, before it runs the page (so the Downloads page can list the other
#: pages without importing the app that imports it).
SESSION_OPEN_PAGES = "app.open_pages"

SOURCE_WORDS = {
    "returns": "computed from the LA returns",
    "published": "as published by DfE on Explore Education Statistics",
}


def data_source_caption(info: ServingCopyInfo) -> None:
    """A caption naming the serving copy the page reads and when it was published."""
    st.caption(
        f"Children's social work workforce figures from the serving copy `{info.path}`, "
        f"published {info.published_text}. Census date 30 September of each year."
    )


def open_pages() -> list[tuple[str, str]]:
    """(title, URL path) of each page the viewer may open, as the app's navigation lists them."""
    return [tuple(page) for page in st.session_state.get(SESSION_OPEN_PAGES, ())]


def symbols_legend() -> None:
    """What the symbols mean, and how figures are rounded."""
    symbols = "; ".join(f"**{code}** {meaning}" for code, meaning in SYMBOLS.items())
    st.caption(
        f"Symbols: {symbols}. Figures are rounded for display (FTEs, rates, caseloads and days to 1 decimal "
        "place, headcounts and cases to whole numbers); differences are worked out from unrounded figures."
    )


def xlsx_bytes(table: pd.DataFrame, sheet: str = "data") -> bytes:
    """The table as an Excel workbook (one sheet, a header row, columns sized to their contents)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        name = "".join(ch for ch in sheet if ch not in "[]:*?/\\")[:31] or "data"
        table.to_excel(writer, sheet_name=name, index=False)
        worksheet = writer.sheets[name]
        for i, column in enumerate(table.columns):
            width = max([len(str(column))] + [len(str(v)) for v in table[column].head(200)])
            worksheet.set_column(i, i, min(max(width + 2, 8), 60))
    return buffer.getvalue()


def file_stem(*parts: object) -> str:
    """A safe download file name stem from its parts: ``file_stem('390', 2025, 'caseloads')``."""
    text = "_".join(str(p) for p in parts if p is not None and str(p) != "")
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-_") or "table"


def download_buttons(table: pd.DataFrame, stem: str, key: str, label: str = "this table") -> None:
    """CSV and XLSX download buttons for exactly the table shown (never more rows or columns than the page
    received from the scoped readers, so a download cannot leak what the viewer's role does not allow)."""
    left, right = st.columns(2)
    left.download_button(f"Download {label} (CSV)", table.to_csv(index=False).encode("utf-8"),
                         file_name=f"{stem}.csv", mime="text/csv", key=f"{key}.csv", width="stretch")
    right.download_button(f"Download {label} (Excel)", xlsx_bytes(table, stem),
                          file_name=f"{stem}.xlsx", key=f"{key}.xlsx", width="stretch",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- choosing an LA and a year (shared by the pages; the choice follows the user from page to page) ---------

#: Session keys of the chosen LA and year, kept outside any widget so they survive a change of page.
CHOSEN_LA = "chosen.la"
CHOSEN_YEAR = "chosen.year"


def text_cell(row: pd.Series | None, column: str, default: str) -> str:
    """A text cell of a row, or ``default`` where the row or column is absent or the cell is null."""
    value = None if row is None else row.get(column)
    return str(value) if isinstance(value, str) and value.strip() else default


def la_labels(las: pd.DataFrame) -> dict[str, str]:
    """old_la_code -> the name shown; the code is added only where two LAs share a name."""
    names = {str(code): (str(name) if pd.notna(name) else str(code))
             for code, name in zip(las["old_la_code"], las["la_name"], strict=True)}
    counts = pd.Series(list(names.values())).value_counts()
    return {code: (f"{name} ({code})" if counts[name] > 1 else name) for code, name in names.items()}


def _default_la(viewer: Viewer, las: pd.DataFrame) -> str:
    """The LA a page starts on: the viewer's own, else the first of their alliance, else the first listed."""
    codes = [str(c) for c in las["old_la_code"]]
    if viewer.la_code in codes:
        return str(viewer.la_code)
    alliance = [c for c in codes if c in viewer.alliance_las]
    if alliance:
        return alliance[0]
    with_returns = [str(c) for c, flag in zip(las["old_la_code"], las["has_returns"], strict=True) if flag]
    return with_returns[0] if with_returns else codes[0]


def select_la_and_year(viewer: Viewer, page_key: str, detail_only: bool = False,
                       with_year: bool = True) -> tuple[str, int | None, str] | None:
    """Sidebar choices (old_la_code, year or None, LA name shown), or None when there is nothing to choose.

    Lists the LAs the viewer may see (``detail_only``: only those whose worker-level detail they may see).
    The choice is remembered across pages in ``CHOSEN_LA`` / ``CHOSEN_YEAR``; ``page_key`` namespaces
    the widgets.
    """
    las = data_access.local_authorities(viewer)
    if detail_only:
        las = las[[viewer.may_see_detail(c) for c in las["old_la_code"]]]
    if las.empty:
        if detail_only:
            st.info("There is no local authority whose detailed figures your role lets you see.")
        else:
            st.info("The serving copy holds no local authority figures yet.")
        return None
    labels = la_labels(las)
    codes = list(labels)
    remembered = st.session_state.get(CHOSEN_LA)
    start = remembered if remembered in codes else _default_la(viewer, las)
    code = st.sidebar.selectbox("Local authority", codes, index=codes.index(start),
                                format_func=labels.__getitem__, key=f"{page_key}.la")
    st.session_state[CHOSEN_LA] = code
    if not with_year:
        return code, None, labels[code]
    years = data_access.available_years(viewer, code)
    if not years:
        st.info(f"There are no figures for {labels[code]} that your role lets you see.")
        return None
    remembered_year = st.session_state.get(CHOSEN_YEAR)
    year = st.sidebar.selectbox("Census year (at 30 September)", years,
                                index=years.index(remembered_year) if remembered_year in years else 0,
                                key=f"{page_key}.year")
    st.session_state[CHOSEN_YEAR] = int(year)
    return code, int(year), labels[code]


def start_page(title: str, page_key: str, intro: str | None = None,
               detail_only: bool = False) -> tuple[Viewer, str, int, str] | None:
    """The opening every LA page shares: title, where the data comes from, an optional one-line introduction,
    and the sidebar's LA and year. Returns (viewer, old_la_code, year, LA name shown), or None when there is
    nothing to choose (a message has been shown)."""
    st.title(title)
    data_source_caption(data_access.serving_copy_info())
    if intro:
        st.caption(intro)
    viewer = current_viewer()
    choice = select_la_and_year(viewer, page_key, detail_only=detail_only)
    if choice is None:
        return None
    code, year, la_label = choice
    if year is None:
        return None
    return viewer, code, year, la_label
