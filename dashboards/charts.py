"""Altair charts for the dashboard, with accessible defaults.

Holds the colour-blind-safe palette (Okabe-Ito) and ``comparison_bar_chart``, which draws an LA beside
its region for a set of percentage measures. Every bar carries its value as text, so nothing is read from
colour alone, and the labels are plain English. Pure: builds a chart object, draws nothing.
"""

from __future__ import annotations

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
