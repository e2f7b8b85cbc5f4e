"""Pieces shared by every page: where the data comes from, and the symbols legend."""

from __future__ import annotations

import streamlit as st

from dashboards.data_access import ServingCopyInfo
from dashboards.measures import SYMBOLS

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


def symbols_legend() -> None:
    """What the symbols mean, and how figures are rounded."""
    symbols = "; ".join(f"**{code}** {meaning}" for code, meaning in SYMBOLS.items())
    st.caption(
        f"Symbols: {symbols}. Figures are rounded for display (FTEs, rates, caseloads and days to 1 decimal "
        "place, headcounts and cases to whole numbers); differences are worked out from unrounded figures."
    )
