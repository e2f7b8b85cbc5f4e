"""Altair charts for the dashboard, with accessible defaults.

Holds the colour-blind-safe palette (Okabe-Ito) and ``comparison_bar_chart``, which draws an LA beside
its region for a set of percentage measures. Every bar carries its value as text, so nothing is read from
colour alone, and the labels are plain English. Pure: builds a chart object, draws nothing.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

# Okabe & Ito (2008) palette: distinguishable with the common colour-vision deficiencies, and in greyscale
# (the blue is dark, the orange light).
OKABE_ITO_BLUE = "#0072B2"
OKABE_ITO_ORANGE = "#E69F00"
LA_COLOUR = OKABE_ITO_BLUE
REGION_COLOUR = OKABE_ITO_ORANGE

ROW_HEIGHT = 44  # pixels per measure (two bars and their labels)


def comparison_bar_chart(data: pd.DataFrame, title: str, x_title: str = "Per cent (%)") -> alt.LayerChart:
    """Grouped horizontal bars: for each measure, the LA's bar then the region's, each labelled.

    ``data`` is ``comparison.rate_chart_data`` output (measure, geography, series 'LA'/'Region', value, text).
    """
    measures = list(dict.fromkeys(data["measure"]))
    la_names = list(dict.fromkeys(data.loc[data["series"] == "LA", "geography"]))
    region_names = list(dict.fromkeys(data.loc[data["series"] == "Region", "geography"]))
    domain = la_names + [n for n in region_names if n not in la_names]
    colours = [LA_COLOUR] * len(la_names) + [REGION_COLOUR] * (len(domain) - len(la_names))

    base = alt.Chart(data).encode(
        y=alt.Y("measure:N", title=None, sort=measures, axis=alt.Axis(labelLimit=320, labelFontSize=13)),
        yOffset=alt.YOffset("series:N", sort=["LA", "Region"]),
        x=alt.X("value:Q", title=x_title, scale=alt.Scale(zero=True, nice=True)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "geography:N",
            title=None,
            scale=alt.Scale(domain=domain, range=colours),
            sort=domain,
            legend=alt.Legend(orient="top", labelFontSize=13, symbolType="square"),
        ),
        tooltip=[
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("geography:N", title="Area"),
            alt.Tooltip("text:N", title="Value"),
        ],
    )
    labels = base.mark_text(align="left", baseline="middle", dx=4, fontSize=12).encode(text="text:N")
    return (
        alt.layer(bars, labels)
        .properties(
            title=title,
            height=max(1, len(measures)) * ROW_HEIGHT,
            description=f"{title}. Bar chart; each bar is labelled with its value; the same figures are in "
                        "the table of every measure.",
        )
    )


# --- submissions and data quality -----------------------------------------------------------------------

ERROR_COLOUR = "#D55E00"  # Okabe-Ito vermillion (dark)
WARNING_COLOUR = "#56B4E9"  # Okabe-Ito sky blue (light): told apart from errors by lightness and by label too


def issues_by_la_chart(counts: pd.DataFrame, title: str) -> alt.LayerChart:
    """Horizontal bars, one row per LA and severity: how many errors and warnings its files have.

    ``counts`` is ``submission_tables.issue_counts`` output (columns 'Local authority', 'Severity' and
    'Issues'). Each bar carries its count and its severity as text, so nothing is read from colour alone.
    """
    las = sorted(dict.fromkeys(counts["Local authority"]))
    data = counts.assign(label=[f"{int(n)} {s}{'' if int(n) == 1 else 's'}"
                                for n, s in zip(counts["Issues"], counts["Severity"], strict=True)])
    base = alt.Chart(data).encode(
        y=alt.Y("Local authority:N", title=None, sort=las, axis=alt.Axis(labelLimit=320, labelFontSize=13)),
        yOffset=alt.YOffset("Severity:N", sort=["error", "warning"]),
        # room on the right for the labels; whole numbers only on the axis
        x=alt.X("Issues:Q", title="Number of issues",
                scale=alt.Scale(domain=[0, math.ceil(max(1, int(counts["Issues"].max())) * 1.3)], nice=False),
                axis=alt.Axis(tickMinStep=1, format="d")),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("Severity:N", title=None,
                        scale=alt.Scale(domain=["error", "warning"], range=[ERROR_COLOUR, WARNING_COLOUR]),
                        legend=alt.Legend(orient="top", labelFontSize=13, symbolType="square",
                                          labelExpr="datum.label == 'error' ? 'Errors' : 'Warnings'")),
        tooltip=[alt.Tooltip("Local authority:N"), alt.Tooltip("Severity:N"), alt.Tooltip("Issues:Q")],
    )
    labels = base.mark_text(align="left", baseline="middle", dx=4, fontSize=12).encode(text="label:N")
    return alt.layer(bars, labels).properties(
        title=title,
        height=max(1, len(las)) * ROW_HEIGHT,  # the bars' area: title and legend are added around it
        description=f"{title}. Bar chart; each bar is labelled with its count; the same issues are listed in "
                    "the table below.",
        autosize=alt.AutoSizeParams(type="pad", contains="padding"),
    )


# --- region overview (tartan rug) and LA profile (trends) ---------------------------------------------------

#: Quartile band colours: ColorBrewer PuOr (diverging, colour-blind safe, distinct in greyscale by lightness):
#: A (best quarter) dark purple, B light purple, C light orange, D (worst quarter) dark orange; no band grey.
BAND_COLOURS: dict[str, str] = {"A": "#5E3C99", "B": "#B2ABD2", "C": "#FDB863", "D": "#E66101"}
NO_BAND = "no band"
NO_BAND_COLOUR = "#F0F0F0"
#: Text on a band colour: white on the dark ones, near-black on the light ones (contrast at least 4.5:1).
BAND_TEXT_COLOURS: dict[str, str] = {"A": "#FFFFFF", "B": "#1A1A1A", "C": "#1A1A1A", "D": "#1A1A1A",
                                     NO_BAND: "#1A1A1A"}
BAND_WORDS: dict[str, str] = {
    "A": "A: best quarter of English LAs",
    "B": "B: second quarter",
    "C": "C: third quarter",
    "D": "D: worst quarter",
    NO_BAND: "no band (no figure, or no better direction)",
}
RUG_CELL_WIDTH = 74
RUG_MAX_WIDTH = 820  # the main column of a wide page on a 1400 px screen, less the LA names
RUG_CELL_HEIGHT = 30

#: Trend series: Okabe-Ito colours, each also with its own line dash and point shape (never colour alone).
TREND_SERIES_STYLE: dict[str, tuple[str, list[int], str]] = {
    "LA": (OKABE_ITO_BLUE, [1, 0], "circle"),
    "Region": (OKABE_ITO_ORANGE, [6, 3], "square"),
    "Statistical neighbours (median)": ("#009E73", [2, 2], "triangle-up"),
    "England": ("#000000", [8, 3, 2, 3], "diamond"),
}


def tartan_rug_chart(cells: pd.DataFrame, title: str) -> alt.LayerChart:
    """The "tartan rug": LAs (rows) by measures (columns), each cell coloured by the LA's quartile band and
    labelled with its value and band letter, so it reads without colour too.

    ``cells``: one row per LA and measure with ``la`` (row label), ``header`` (column label, polarity
    stated), ``band`` (A-D or ``NO_BAND``), ``text`` (the cell's label) and ``tooltip_*`` columns
    (measure, value, rank, region, England) shown on hover.
    """
    las = list(dict.fromkeys(cells["la"]))
    headers = list(dict.fromkeys(cells["header"]))
    bands = [*BAND_COLOURS, NO_BAND]
    base = alt.Chart(cells).encode(
        x=alt.X("header:N", sort=headers, title=None,
                axis=alt.Axis(orient="top", labelAngle=-45, labelLimit=230, labelFontSize=12, labelOverlap=False,
                              labelAlign="left")),
        y=alt.Y("la:N", sort=las, title=None, axis=alt.Axis(labelLimit=240, labelFontSize=13)),
    )
    tooltip = [alt.Tooltip("la:N", title="Local authority"),
               alt.Tooltip("tooltip_measure:N", title="Measure"),
               alt.Tooltip("tooltip_value:N", title="Value"),
               alt.Tooltip("band_words:N", title="Band"),
               alt.Tooltip("tooltip_rank:N", title="National rank"),
               alt.Tooltip("tooltip_region:N", title="Region"),
               alt.Tooltip("tooltip_england:N", title="England")]
    rects = base.mark_rect(stroke="#FFFFFF", strokeWidth=1.5).encode(
        color=alt.Color("band:N", title="Quartile band (A best)", sort=bands,
                        scale=alt.Scale(domain=bands, range=[*BAND_COLOURS.values(), NO_BAND_COLOUR]),
                        legend=alt.Legend(orient="bottom", labelExpr=_band_label_expr(), labelLimit=320,
                                          columns=3, symbolType="square", symbolSize=200)),
        tooltip=tooltip,
    )
    labels = base.mark_text(fontSize=10, baseline="middle").encode(
        text="text:N",
        color=alt.Color("band:N", scale=alt.Scale(domain=bands, range=[BAND_TEXT_COLOURS[b] for b in bands]),
                        legend=None),
        tooltip=tooltip,
    )
    return alt.layer(rects, labels).properties(
        title=title,
        # columns 74 px wide, squeezed to fit a laptop's page (the whole rug in view); rows 30 px each
        width=min(len(headers) * RUG_CELL_WIDTH, RUG_MAX_WIDTH),
        height=alt.Step(RUG_CELL_HEIGHT),  # per row: the grid grows with the LAs shown
        description=f"{title}. Grid of local authorities by measures; each cell shows the value and its quartile "
                    "band letter (A best). The same figures are in the table below the chart.",
        # width and height are the grid's: the headings and the legend are added around it (Streamlit would
        # otherwise fit everything into the height and squash the rows)
        autosize=alt.AutoSizeParams(type="pad", contains="padding"),
    ).resolve_scale(color="independent")


def _band_label_expr() -> str:
    """A Vega expression writing each band's legend label in words."""
    cases = " : ".join(f"datum.label == '{band}' ? '{words}'" for band, words in BAND_WORDS.items())
    return f"{cases} : datum.label"


def trend_chart(data: pd.DataFrame, title: str, y_title: str) -> alt.LayerChart:
    """A measure over the census years: the LA, its region, its statistical neighbours' median and England.

    ``data``: one row per year and series with ``year`` (int), ``series`` (a key of TREND_SERIES_STYLE),
    ``label`` (the series as the legend names it, e.g. the LA's name), ``value`` (rounded) and ``text``.
    Each series has its own colour, dash and point shape; the points carry tooltips.
    """
    present = [s for s in TREND_SERIES_STYLE if s in set(data["series"])]
    labels = [next(iter(data.loc[data["series"] == s, "label"])) for s in present]
    colours = [TREND_SERIES_STYLE[s][0] for s in present]
    dashes = [TREND_SERIES_STYLE[s][1] for s in present]
    shapes = [TREND_SERIES_STYLE[s][2] for s in present]
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=260, title=None, symbolStrokeWidth=2.5)
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Census year (30 September)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False, nice=True)),
        color=alt.Color("label:N", sort=labels, scale=alt.Scale(domain=labels, range=colours), legend=legend),
    )
    lines = base.mark_line(strokeWidth=2.5).encode(
        strokeDash=alt.StrokeDash("label:N", sort=labels, scale=alt.Scale(domain=labels, range=dashes),
                                  legend=legend),
    )
    points = base.mark_point(size=60, filled=True).encode(
        shape=alt.Shape("label:N", sort=labels, scale=alt.Scale(domain=labels, range=shapes), legend=legend),
        tooltip=[alt.Tooltip("label:N", title="Series"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("text:N", title="Value")],
    )
    return alt.layer(lines, points).properties(
        title=title, height=320,
        description=f"{title}. Line chart over census years, one line per series (each with its own dash and "
                    "point shape); the same figures are in the table of trends.",
    )


# --- caseloads (the Caseloads page) ---------------------------------------------------------------------------

OKABE_ITO_VERMILLION = "#D55E00"
OKABE_ITO_SKY = "#56B4E9"
LIMIT_COLOUR = "#333333"  # the safe-limit lines: near black, labelled, so not read from colour
FIRST_YEAR_COLOUR = OKABE_ITO_ORANGE
OTHER_CASE_HOLDERS_COLOUR = OKABE_ITO_BLUE


def caseload_histogram_data(distribution: pd.DataFrame, group_labels: dict[str, str]) -> pd.DataFrame:
    """``marts.caseload_distribution`` rows of one LA and year as histogram bars: one per number of cases held
    and worker group, spanning half a case either side of its value (start, end) and stacked in the order of
    ``group_labels`` (low, high), with what the tooltip shows."""
    columns = ["cases", "start", "end", "group", "case_holders", "low", "high", "limit", "above"]
    if distribution.empty:
        return pd.DataFrame(columns=columns)
    order = {label: i for i, label in enumerate(group_labels.values())}
    d = pd.DataFrame({
        "cases": distribution["cases30"].astype(int).to_numpy(),
        "group": [group_labels.get(str(g), str(g)) for g in distribution["worker_group"]],
        "case_holders": distribution["case_holders"].astype(int).to_numpy(),
        "limit": distribution["caseload_limit"].astype(float).to_numpy(),
        "above": ["Yes" if bool(v) else "No" for v in distribution["is_over_limit"]],
    })
    d["_order"] = d["group"].map(lambda g: order.get(g, len(order)))
    d = d.sort_values(["cases", "_order"]).reset_index(drop=True)
    d["high"] = d.groupby("cases")["case_holders"].cumsum()
    d["low"] = d["high"] - d["case_holders"]
    d["start"] = d["cases"] - 0.5
    d["end"] = d["cases"] + 0.5
    return d[columns]


def caseload_histogram(bars: pd.DataFrame, limits: list[tuple[float, str]], title: str,
                       group_order: list[str]) -> alt.LayerChart:
    """Stacked histogram of case holders by number of cases held, coloured by worker group (stacked as
    ``caseload_histogram_data`` places them), with a labelled
    vertical line just above each safe limit (a caseload to the right of a group's line is above its limit).

    ``bars`` is ``caseload_histogram_data`` output; ``limits`` is (limit, label) pairs such as
    (18, 'First-year limit: 18').
    """
    colours = [FIRST_YEAR_COLOUR, OTHER_CASE_HOLDERS_COLOUR, OKABE_ITO_SKY][: len(group_order)]
    top = float(bars["high"].max()) if not bars.empty else 1.0
    highest = float(bars["end"].max()) if not bars.empty else 1.0
    x_max = max([highest, *(limit + 3 for limit, _ in limits)])
    x_scale = alt.Scale(domain=[0, x_max], nice=False)
    y_scale = alt.Scale(domain=[0, top * 1.2], nice=True)
    histogram = alt.Chart(bars).mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("start:Q", title="Cases held at 30 September", scale=x_scale, axis=alt.Axis(tickMinStep=1)),
        x2="end:Q",
        y=alt.Y("low:Q", title="Number of case holders", scale=y_scale, axis=alt.Axis(tickMinStep=1)),
        y2="high:Q",
        color=alt.Color("group:N", title=None, sort=group_order,
                        scale=alt.Scale(domain=group_order, range=colours),
                        legend=alt.Legend(orient="top", labelFontSize=13, symbolType="square")),
        tooltip=[
            alt.Tooltip("cases:Q", title="Cases held"),
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("case_holders:Q", title="Case holders"),
            alt.Tooltip("limit:Q", title="Their safe limit"),
            alt.Tooltip("above:N", title="Above the limit"),
        ],
    )
    lines = pd.DataFrame({
        "at": [limit + 0.5 for limit, _ in limits],
        "label": [label for _, label in limits],
        "y": [top * (1.15 - 0.08 * i) for i in range(len(limits))],
    })
    rules = alt.Chart(lines).mark_rule(color=LIMIT_COLOUR, strokeWidth=2, strokeDash=[6, 3]).encode(
        x=alt.X("at:Q", scale=x_scale), tooltip=[alt.Tooltip("label:N", title="Safe limit")])
    labels = alt.Chart(lines).mark_text(align="left", dx=4, fontSize=12, color=LIMIT_COLOUR).encode(
        x=alt.X("at:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="label:N")
    return alt.layer(histogram, rules, labels).properties(
        title=title,
        height=320,
        description=f"{title}. Histogram: the number of case holders holding each number of cases, first-year "
                    "social workers and other case holders stacked, with dashed lines at the safe limits. "
                    "The same figures are in the table below the chart.",
    )


def team_caseload_chart(data: pd.DataFrame, title: str) -> alt.LayerChart:
    """Horizontal bars of children per case holder FTE for each team type, each labelled with its value,
    a black tick at the team type's safe limit, and bars above their limit in vermillion (the status is also
    in the legend, the tooltip and the table, so nothing is read from colour alone).

    ``data`` is ``caseload_tables.team_chart_data`` output (team, caseload, limit, status, text).
    """
    teams = list(data["team"])
    statuses = ["Within the safe limit", "Above the safe limit"]
    base = alt.Chart(data).encode(y=alt.Y("team:N", title=None, sort=teams,
                                          axis=alt.Axis(labelLimit=320, labelFontSize=13)))
    bars = base.mark_bar().encode(
        x=alt.X("caseload:Q", title="Children allocated per case holder FTE", scale=alt.Scale(zero=True)),
        color=alt.Color("status:N", title=None, sort=statuses,
                        scale=alt.Scale(domain=statuses, range=[OKABE_ITO_BLUE, OKABE_ITO_VERMILLION]),
                        legend=alt.Legend(orient="top", labelFontSize=13, symbolType="square")),
        tooltip=[alt.Tooltip("team:N", title="Team type"), alt.Tooltip("text:N", title="Children per FTE"),
                 alt.Tooltip("limit:Q", title="Safe limit"), alt.Tooltip("status:N", title="Status")],
    )
    text = base.mark_text(align="left", baseline="middle", dx=4, fontSize=12).encode(
        x="caseload:Q", text="text:N")
    ticks = base.mark_tick(color=LIMIT_COLOUR, thickness=3, size=ROW_HEIGHT - 8).encode(
        x=alt.X("limit:Q"), tooltip=[alt.Tooltip("limit:Q", title="Safe limit")])
    return alt.layer(bars, text, ticks).properties(
        title=title,
        height=max(1, len(teams)) * ROW_HEIGHT,
        description=f"{title}. Bar chart; each bar is labelled with its value and a black tick marks the team "
                    "type's safe limit. The same figures are in the team table.",
    )


# --- workforce (the Workforce page) ---------------------------------------------------------------------------

#: The parts of the workforce, each an Okabe-Ito colour told apart by lightness as well as hue (dark blue, light
#: orange, reddish purple, bluish green); the bars are also labelled in the tooltip and the table beside them.
COMPOSITION_COLOURS: dict[str, str] = {
    "Social workers in post": OKABE_ITO_BLUE,
    "Agency social workers": OKABE_ITO_ORANGE,
    "Vacant social worker posts": "#CC79A7",
    "Non-social-worker staff": "#009E73",
}


def workforce_composition_chart(data: pd.DataFrame, title: str) -> alt.Chart:
    """Stacked bars, one per census year: the LA's workforce by kind, in FTE.

    ``data`` is ``workforce_figures.composition_chart_data`` output (year, part, order, fte, text). The parts
    stack in a fixed order (in post at the bottom) and keep their colours whichever are present.
    """
    parts = [p for p in COMPOSITION_COLOURS if p in set(data["part"])]
    return (
        alt.Chart(data)
        .mark_bar(stroke="#FFFFFF", strokeWidth=1)
        .encode(
            x=alt.X("year:O", title="Census year (30 September)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("fte:Q", title="Full-time equivalent (FTE)", stack="zero"),
            color=alt.Color("part:N", title=None, sort=parts,
                            scale=alt.Scale(domain=parts, range=[COMPOSITION_COLOURS[p] for p in parts]),
                            legend=alt.Legend(orient="top", columns=4, labelFontSize=13, labelLimit=260,
                                              symbolType="square")),
            order=alt.Order("order:Q", sort="ascending"),
            tooltip=[alt.Tooltip("year:O", title="Census year"), alt.Tooltip("part:N", title="Part"),
                     alt.Tooltip("text:N", title="FTE")],
        )
        .properties(
            title=title, height=360,
            description=f"{title}. Stacked bar chart, one bar per census year; the same figures are in the "
                        "table below the chart.",
        )
    )


def caseload_trend_chart(data: pd.DataFrame, title: str, y_title: str) -> alt.LayerChart:
    """Lines with points of one measure over the years, the LA (blue, solid) beside its region (orange,
    dashed), each point labelled in its tooltip; ``data`` has Year, Area, Value, Source and series
    ('LA'/'Region') columns (``caseload_tables.trend_table`` rows of one measure)."""
    la_names = list(dict.fromkeys(data.loc[data["series"] == "LA", "Area"]))
    region_names = [n for n in dict.fromkeys(data.loc[data["series"] == "Region", "Area"]) if n not in la_names]
    domain = la_names + region_names
    colours = [LA_COLOUR] * len(la_names) + [REGION_COLOUR] * len(region_names)
    dashes = [[1, 0]] * len(la_names) + [[6, 3]] * len(region_names)
    base = alt.Chart(data).encode(
        x=alt.X("Year:O", title="Census year (at 30 September)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Value:Q", title=y_title, scale=alt.Scale(zero=True)),
        color=alt.Color("Area:N", title=None, sort=domain, scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(orient="top", labelFontSize=13)),
    )
    lines = base.mark_line(strokeWidth=2.5).encode(
        strokeDash=alt.StrokeDash("Area:N", sort=domain, scale=alt.Scale(domain=domain, range=dashes), legend=None))
    points = base.mark_point(filled=True, size=60).encode(
        shape=alt.Shape("Area:N", sort=domain, legend=None),
        tooltip=[alt.Tooltip("Area:N"), alt.Tooltip("Year:O"), alt.Tooltip("Value:Q", title=y_title),
                 alt.Tooltip("Source:N")])
    return alt.layer(lines, points).properties(
        title=title, height=260,
        description=f"{title}. Line chart of the LA (solid) and its region (dashed) over the years; the same "
                    "figures are in the table under the charts.")
