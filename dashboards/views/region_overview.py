"""Page "Region overview": the tartan rug of a region's LAs and, for la and analyst viewers, who has sent
their return.

Sidebar: the region (alliance; la and analyst viewers start on their own) and the census year. Body: the rug
(LAs by benchmark measures, each cell coloured by the LA's quartile band among all English LAs, A best given
the measure's polarity, with its value and band letter), the same as a table (downloadable), what each measure
means, and the submission status of the viewer's alliance for the year.

Who sees what: public viewers read the published-only benchmarks (``marts.benchmarks_published``); la and
analyst viewers see their alliance's rows computed from the returns, and other regions as published; the
submission status is the alliance's (never a public view), with error and warning counts only for the LAs
whose detail the viewer may see. The table builders (``rug_cells``, ``rug_table``, ``status_table``) are pure,
so the downloads can be tested for every role.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards.auth import current_viewer
from dashboards.charts import BAND_WORDS, NO_BAND, tartan_rug_chart
from dashboards.measures import (
    MEASURES,
    POLARITY_WORDS,
    REPLACING_SYMBOLS,
    Measure,
    Polarity,
    format_value,
    is_missing,
    normalise_status,
)
from dashboards.submission_tables import returns_words, status_words
from dashboards.views.common import (
    CHOSEN_LA,
    CHOSEN_YEAR,
    SOURCE_WORDS,
    data_source_caption,
    download_buttons,
    file_stem,
    symbols_legend,
)
from pipeline.access.roles import ALL_ROLES, Viewer

TITLE = "Region overview"
URL_PATH = "region-overview"
ICON = ":material/grid_on:"
ROLES = ALL_ROLES

#: Session key of the chosen region, kept across pages.
CHOSEN_REGION = "chosen.region"

COL_LA = "Local authority"
COL_SOURCE = "Figures"


def rug_measures(rows: pd.DataFrame) -> list[Measure]:
    """The measures of the rug: those with a better direction (a band) and at least one value in ``rows``,
    in catalogue order (the national measures, then the strengthened ones)."""
    if rows.empty:
        return []
    with_value = set(rows.loc[rows["value"].notna() & (rows["polarity"] != "none"), "measure"])
    return [m for m in MEASURES.values() if m.column in with_value and m.polarity is not Polarity.NONE]


def header(m: Measure) -> str:
    """A rug column's heading: the measure's label and which direction is better."""
    return f"{m.label} ({POLARITY_WORDS[m.polarity]})"


def _rank_text(rank: object, of: object) -> str:
    """'16 of 148', or 'no rank' where the LA has none."""
    if is_missing(rank):
        return "no rank"
    return f"{int(float(rank))} of {int(float(of))}" if not is_missing(of) and float(of) > 0 else str(int(float(rank)))


def cell_text(value: object, status: object, band: str, m: Measure) -> str:
    """A rug cell's label: the value rounded and its band letter ('16.6 (C)'), the symbol where one replaces the
    value ('c'), or '–' for no figure."""
    symbol = normalise_status(status)
    if symbol in REPLACING_SYMBOLS:
        return symbol
    if is_missing(value):
        return "–"
    text = format_value(value, None, m)
    return text if band == NO_BAND else f"{text} ({band})"


def rug_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per LA and rug measure, ready for ``tartan_rug_chart``: la, header, measure label, band
    (A-D or ``NO_BAND``), text (value and band letter), tooltip columns, and source.

    ``rows`` are ``data_access.region_overview`` rows; only the rug's measures are kept. Values are written by
    ``format_value`` (rounded half up to the measure's decimals, symbols in words: 'confidential (c)').
    """
    measures = rug_measures(rows)
    columns = ["la", "old_la_code", "header", "measure", "band", "band_words", "text", "tooltip_measure",
               "tooltip_value", "tooltip_rank", "tooltip_region", "tooltip_england", "source"]
    out: list[dict[str, object]] = []
    by_measure = {m.column: m for m in measures}
    order = {m.column: i for i, m in enumerate(measures)}
    rows = rows.assign(_order=rows["measure"].map(order)).sort_values(["_order", "la_name", "old_la_code"],
                                                                       kind="stable")
    names = _la_names(rows)
    for row in rows.itertuples(index=False):
        m = by_measure.get(str(row.measure))
        if m is None:
            continue
        band = row.quartile_band if isinstance(row.quartile_band, str) else NO_BAND
        out.append({
            "la": names[str(row.old_la_code)], "old_la_code": str(row.old_la_code), "header": header(m),
            "measure": m.label, "band": band, "band_words": BAND_WORDS[band],
            "text": cell_text(row.value, row.status, band, m),
            "tooltip_measure": f"{m.label} ({POLARITY_WORDS[m.polarity]})",
            "tooltip_value": format_value(row.value, row.status, m, with_unit=True),
            "tooltip_rank": _rank_text(row.national_rank, row.las_ranked),
            "tooltip_region": format_value(row.region_value, None, m, with_unit=True),
            "tooltip_england": format_value(row.england_value, None, m, with_unit=True),
            "source": str(row.source),
        })
    return pd.DataFrame(out, columns=columns)


def _la_names(rows: pd.DataFrame) -> dict[str, str]:
    """old_la_code -> the LA's name (the code added where two share a name)."""
    names = {str(c): (str(n) if isinstance(n, str) else str(c))
             for c, n in zip(rows["old_la_code"], rows["la_name"], strict=True)}
    counts = pd.Series(list(names.values()), dtype="object").value_counts()
    return {c: (f"{n} ({c})" if counts[n] > 1 else n) for c, n in names.items()}


def rug_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The rug as a table (what is shown and downloaded): one row per LA, one column per measure (its heading
    states the better direction), each cell the value and its band letter, then where the figures come from."""
    if cells.empty:
        return pd.DataFrame(columns=[COL_LA])
    headers = list(dict.fromkeys(cells["header"]))
    las = sorted(dict.fromkeys(cells["la"]), key=str.casefold)
    wide = cells.pivot(index="la", columns="header", values="text").reindex(index=las, columns=headers)
    wide = wide.reset_index().rename(columns={"la": COL_LA})
    wide.columns.name = None
    sources = cells.drop_duplicates("la").set_index("la")["source"]
    wide[COL_SOURCE] = [SOURCE_WORDS.get(str(sources[la]), str(sources[la])) for la in wide[COL_LA]]
    return wide


def measure_notes(measures: list[Measure]) -> pd.DataFrame:
    """Each rug measure's plain-English definition and better direction (shown beside the rug)."""
    return pd.DataFrame({
        "Measure": [m.label for m in measures],
        "Which way is better": [POLARITY_WORDS[m.polarity] for m in measures],
        "Definition": [m.description for m in measures],
    })


STATUS_COLUMNS = {"la_name": COL_LA, "status": "Return", "returns": "What arrived",
                  "received": "Received on", "errors": "Errors", "warnings": "Warnings"}


def status_table(status: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """The alliance's submission status as shown and downloaded. Error and warning counts appear only for the
    LAs whose detail the viewer may see (the columns are dropped when there is none: an ``la`` viewer sees their
    own LA's counts and nobody else's); nothing for a public viewer."""
    if viewer.is_public or status.empty:
        return pd.DataFrame(columns=[COL_LA, "Return", "What arrived", "Received on"])
    table = status.copy()
    detail = [viewer.may_see_detail(c) for c in table["old_la_code"]]
    for column in ("errors", "warnings"):
        table[column] = [int(v) if ok and pd.notna(v) else None for v, ok in zip(table[column], detail, strict=True)]
    keep = ["la_name", "status", "returns", "received"] + (["errors", "warnings"] if any(detail) else [])
    table["status"] = [status_words(code) for code in table["status"]]
    table["returns"] = [returns_words(kinds) for kinds in table["returns"]]
    table["received"] = [d.strftime("%-d %B %Y") if pd.notna(d) else "" for d in table["received"]]
    table = table[keep].rename(columns=STATUS_COLUMNS)
    for column in ("Errors", "Warnings"):
        if column in table:
            table[column] = table[column].astype("Int64")
    return table.reset_index(drop=True)


def _choose_region(viewer: Viewer) -> tuple[str, str] | None:
    """Sidebar region choice (code, name): the viewer's alliance first, else the region last chosen or that of
    the LA last chosen; None when the serving copy holds no region."""
    regions = data_access.regions(viewer)
    if regions.empty:
        st.info("The serving copy holds no regional figures yet.")
        return None
    names = dict(zip(regions["region_code"].astype(str), regions["region_name"].astype(str), strict=True))
    codes = list(names)
    start = st.session_state.get(CHOSEN_REGION)
    if start not in codes:
        start = viewer.alliance_code if viewer.alliance_code in codes else None
    if start is None and st.session_state.get(CHOSEN_LA):
        las = data_access.local_authorities(viewer)
        match = las.loc[las["old_la_code"] == st.session_state[CHOSEN_LA], "region_code"]
        start = str(match.iloc[0]) if len(match) and str(match.iloc[0]) in codes else None
    code = _remembered_selectbox("Region", codes, start or codes[0], f"{URL_PATH}.region", CHOSEN_REGION,
                                 names.__getitem__)
    return code, names[code]


def _remember(key: str, memory: str) -> None:
    """on_change: keep a widget's new value in the session key that outlives the page."""
    st.session_state[memory] = st.session_state[key]


def _remembered_selectbox(label: str, options: list, start: object, key: str, memory: str,
                          format_func: object = str) -> object:
    """A sidebar selectbox that starts on ``start`` (the remembered choice) even if its widget already holds
    another value, and remembers every change in ``memory``."""
    if st.session_state.get(key) != start:
        st.session_state[key] = start
    value = st.sidebar.selectbox(label, options, key=key, format_func=format_func,  # type: ignore[arg-type]
                                 on_change=_remember, args=(key, memory))
    st.session_state[memory] = value
    return value


def _choose_year(viewer: Viewer) -> int | None:
    years = data_access.available_years(viewer)
    if not years:
        st.info("The serving copy holds no local authority figures yet.")
        return None
    remembered = st.session_state.get(CHOSEN_YEAR)
    year = _remembered_selectbox("Census year (at 30 September)", years,
                                 remembered if remembered in years else years[0], f"{URL_PATH}.year", CHOSEN_YEAR)
    return int(year)  # type: ignore[call-overload]


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    data_source_caption(data_access.serving_copy_info())
    viewer = current_viewer()
    region = _choose_region(viewer)
    year = _choose_year(viewer) if region is not None else None
    if region is None or year is None:
        return
    region_code, region_name = region

    st.header(f"{region_name}, {year}: each LA against every LA in England")
    rows = data_access.region_overview(viewer, region_code, year)
    if viewer.is_public:
        st.caption("Published figures only (DfE, Explore Education Statistics), as a member of the public sees them.")
    elif region_code != viewer.alliance_code:
        st.caption(f"{region_name} is not your alliance: its LAs are shown with the figures DfE published.")
    cells = rug_cells(rows)
    if cells.empty:
        st.info(f"There are no benchmarked figures for the LAs of {region_name} in {year}.")
    else:
        st.markdown(
            "Each cell is an LA's figure and its **quartile band** among all English LAs with a figure that year: "
            "**A** the best quarter, **D** the worst, judged by the direction stated under each measure "
            "(for example, for turnover *lower is better*). Hover over a cell for the LA's national rank and "
            "the regional and England figures."
        )
        st.altair_chart(tartan_rug_chart(cells, f"{region_name}, {year}: quartile bands (A best)"),
                        width="content")
        table = rug_table(cells)
        st.subheader("The same as a table")
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, file_stem(region_code, year, "region_overview"), key=f"{URL_PATH}.rug")
        with st.expander("What each measure means", expanded=False):
            notes = measure_notes(rug_measures(rows))
            st.dataframe(notes, hide_index=True, width="stretch",
                         column_config={"Definition": st.column_config.TextColumn(width="large")})
            download_buttons(notes, file_stem("measure_definitions"), key=f"{URL_PATH}.notes")
    symbols_legend()

    if not viewer.is_public:
        _submission_section(viewer, year)


def _submission_section(viewer: Viewer, year: int) -> None:
    """Who in the viewer's alliance has sent their return for the year."""
    st.subheader(f"Returns for {year} from your alliance")
    status = data_access.submission_status(viewer, year)
    table = status_table(status, viewer)
    if table.empty:
        st.info("No member LAs of your alliance are known in the serving copy.")
        return
    received = int(status["status"].notna().sum())
    years = data_access.available_years(viewer)
    if received == 0 and years and year < years[0]:  # a past year before the collection began
        st.caption(f"No LA of your alliance sent a return for {year}: the figures above are as published by DfE.")
        return
    st.caption(
        f"{received} of {len(status)} LAs have sent a return for {year}. "
        + ("Error and warning counts are shown for your own LA only; the Submissions page has the reports."
           if not viewer.is_analyst else "The Submissions page lists every file with its validation report.")
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, file_stem(viewer.alliance_code, year, "returns_status"), key=f"{URL_PATH}.status")


if __name__ == "__main__":
    render()
