"""Readers of ``marts.workforce_indicators`` by what pages ask: years, LAs, an LA beside its region, regions,
the rows the EES download is built from. Each is scoped to the viewer (``dashboards.data_access.scoped``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.data_access.connection import (
    INDICATORS,
    LA_LEVEL,
    LONDON,
    LONDON_PARTS,
    REGION_LEVEL,
    indicator_columns,
    query,
)
from dashboards.data_access.scoped import indicators
from dashboards.disclosure import public_indicators
from pipeline.access.roles import Viewer, indicator_filter


def available_years(viewer: Viewer, old_la_code: str | None = None, path: Path | None = None) -> list[int]:
    """Census years with local-authority figures this viewer may see, newest first; only that LA's years if
    one is given."""
    sql = (f"select distinct time_period from {INDICATORS} "
           f"where geographic_level = $level and {indicator_filter(viewer)}")
    params: dict[str, Any] = {"level": LA_LEVEL}
    if old_la_code is not None:
        sql += " and cast(old_la_code as varchar) = $la"
        params["la"] = str(old_la_code)
    years = query(sql + " order by time_period desc", params, path)
    return [int(y) for y in years["time_period"]]


def local_authorities(viewer: Viewer, year: int | None = None, path: Path | None = None) -> pd.DataFrame:
    """The LAs this viewer may see in the serving copy (that year's, or any year's), sorted by name.

    One row per ``old_la_code``: old_la_code, new_la_code, la_name, region_code, region_name, taken from
    the LA's latest row in range (names and regions can change over the years), and has_returns (figures
    computed from the LA's own returns, not only published ones, that the viewer may see).
    """
    where = f"geographic_level = $level and {indicator_filter(viewer)}"
    params: dict[str, Any] = {"level": LA_LEVEL}
    if year is not None:
        where += " and time_period = $year"
        params["year"] = int(year)
    sql = f"""
        select cast(old_la_code as varchar) as old_la_code,
               arg_max(new_la_code, time_period) as new_la_code,
               arg_max(la_name, time_period) as la_name,
               arg_max(region_code, time_period) as region_code,
               arg_max(region_name, time_period) as region_name,
               {"bool_or(source = 'returns')" if "source" in indicator_columns(path) else "false"} as has_returns
        from {INDICATORS}
        where {where} and old_la_code is not null
        group by 1
        order by la_name, old_la_code
    """
    return query(sql, params, path)


def la_and_region(viewer: Viewer, old_la_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The LA's row and its region's row for a year that this viewer may see (at most one of each; the LA row
    first).

    The region is the ``Regional`` row with the LA row's ``region_code`` for the same year; for an LA coded
    Inner or Outer London (E13000001/2) with no such row, the London row (E12000007). Tell the rows
    apart by ``geographic_level``. Where a geography has both a ``returns`` and a ``published`` row the viewer
    may see, the ``returns`` row is taken. Empty if the LA has no row that year.
    """
    columns = indicator_columns(path)
    prefer = "case source when 'returns' then 0 else 1 end" if "source" in columns else "1"
    allowed = indicator_filter(viewer)
    sql = f"""
        with la as (
            select * from {INDICATORS}
            where geographic_level = $la_level and time_period = $year
              and cast(old_la_code as varchar) = $la and {allowed}
            order by {prefer}
            limit 1
        ),
        region as (
            select * from {INDICATORS}
            where geographic_level = $region_level and time_period = $year and {allowed}
              and (region_code = (select region_code from la)
                   or (region_code = $london and list_contains($london_parts, (select region_code from la))))
            order by region_code = (select region_code from la) desc, {prefer}
            limit 1
        )
        select * from (select * from la union all select * from region)
        order by geographic_level = $region_level
    """
    params = {"la_level": LA_LEVEL, "region_level": REGION_LEVEL, "year": int(year), "la": str(old_la_code),
              "london": LONDON, "london_parts": list(LONDON_PARTS)}
    rows = query(sql, params, path)
    return public_indicators(rows) if viewer.is_public else rows


def returns_years(viewer: Viewer, path: Path | None = None) -> list[int]:
    """Census years with LA figures computed from returns that the viewer may see, newest first (the
    collection years of their alliance; none for public)."""
    if "source" not in indicator_columns(path):
        return []
    sql = (f"select distinct time_period from {INDICATORS} "
           f"where geographic_level = $level and source = 'returns' and {indicator_filter(viewer)} "
           "order by time_period desc")
    return [int(y) for y in query(sql, {"level": LA_LEVEL}, path)["time_period"]]


def ees_source_rows(viewer: Viewer, path: Path | None = None) -> pd.DataFrame:
    """The ``source = 'returns'`` rows of ``marts.workforce_indicators`` the viewer may see, unrounded, as
    the EES export reads them: their alliance's LAs and regional row and the national row; none for public
    (who may see published figures only)."""
    if viewer.is_public or "source" not in indicator_columns(path):
        return pd.DataFrame()
    return indicators(viewer, "source = 'returns'", path=path)


def regions(viewer: Viewer, path: Path | None = None) -> pd.DataFrame:
    """The regions (alliances) the region overview can show: region_code, region_name, sorted by name.

    From the regional rows of ``marts.workforce_indicators`` the viewer may see (every published region; an
    ``la`` or ``analyst`` viewer's own alliance row computed from the returns too)."""
    sql = f"""
        select region_code, arg_max(region_name, time_period) as region_name
        from {INDICATORS}
        where geographic_level = $level and region_code is not null and {indicator_filter(viewer)}
        group by region_code
        order by region_name, region_code
    """
    return query(sql, {"level": REGION_LEVEL}, path)
