"""Readers of the "Region overview" (tartan rug) and "LA profile" pages.

Each is one query on the benchmarks mart the viewer reads (``benchmarks_table``: the published-only mart for
public) with the role's filter (``benchmark_filter``), plus one on ``indicators()`` for the status symbols of
the LA values shown, so a figure the role's view suppresses (``c`` for public) is shown as its symbol and never
as a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.data_access.connection import LA_LEVEL, page_connection, query, table_exists
from dashboards.data_access.scoped import indicators
from pipeline.access.roles import Viewer, benchmark_filter, benchmarks_table
from pipeline.disclosure import REPLACING_SYMBOLS

#: The columns of a benchmarks mart these readers return, then ``las_ranked`` (how many LAs have a national
#: rank for the year and measure: the "of N" of the rank) and ``status`` (the LA value's symbol, or null).
BENCHMARK_COLUMNS: tuple[str, ...] = (
    "old_la_code", "la_name", "time_period", "measure", "value", "region_value", "sn_median", "sn_count",
    "england_value", "quartile_band", "national_rank", "change_from_previous", "alliance_flag", "region_code",
    "alliance_code", "polarity", "source",
)



def _bench_select(alias: str = "b") -> str:
    """The benchmark columns, text codes as varchar."""
    return ", ".join(f"cast({alias}.{c} as varchar) as {c}" if c == "old_la_code" else f"{alias}.{c}"
                     for c in BENCHMARK_COLUMNS)


def _with_statuses(viewer: Viewer, bench: pd.DataFrame, where: str, params: Mapping[str, Any],
                   path: Path | None) -> pd.DataFrame:
    """``bench`` with ``status``: the symbol of each LA value in the viewer's view of
    ``marts.workforce_indicators`` (same LA, year and source). Where that symbol replaces the number (c, low, x,
    z: for public also the disclosure control's ``c``), ``value`` and ``change_from_previous`` become null."""
    out = bench.copy()
    out["status"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if out.empty:
        return out
    rows = indicators(viewer, f"geographic_level = '{LA_LEVEL}' and ({where})", params, path=path)
    measures = [m for m in out["measure"].unique() if f"{m}_status" in rows.columns]
    if rows.empty or not measures:
        return out
    keys = ["old_la_code", "time_period", "source"]
    rows = rows.assign(old_la_code=rows["old_la_code"].astype(str), time_period=rows["time_period"].astype(int))
    long = rows[keys + [f"{m}_status" for m in measures]].melt(id_vars=keys, var_name="measure",
                                                               value_name="symbol")
    long["measure"] = long["measure"].str.removesuffix("_status")
    long["symbol"] = [s.strip().lower() if isinstance(s, str) and s.strip() else None for s in long["symbol"]]
    long = long.dropna(subset=["symbol"]).drop_duplicates(keys + ["measure"])
    merged = out.drop(columns="status").assign(time_period=out["time_period"].astype(int)).merge(
        long, on=keys + ["measure"], how="left")
    merged.index = out.index
    out["status"] = merged["symbol"].astype("object").where(merged["symbol"].notna(), None)
    hidden = out["status"].isin(REPLACING_SYMBOLS)
    out.loc[hidden, ["value", "change_from_previous"]] = None
    return out


def region_overview(viewer: Viewer, region_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The tartan rug's cells: one row per LA of the region (alliance) and measure for the year, as the viewer
    may see them (``BENCHMARK_COLUMNS``, ``las_ranked``, ``status``), sorted by LA name and measure.

    An LA belongs to the region of its alliance (``alliance_code``; ``region_code`` when it has none), so an
    alliance's rug lists its member LAs. Outside their own alliance, ``la`` and ``analyst`` viewers get the
    published-based rows only (``benchmark_filter``); public viewers read ``marts.benchmarks_published``.
    Empty if the serving copy has no benchmarks mart for the viewer.
    """
    with page_connection(path):
        return _region_overview(viewer, region_code, year, path)


def _region_overview(viewer: Viewer, region_code: str, year: int, path: Path | None) -> pd.DataFrame:
    table = benchmarks_table(viewer)
    if not table_exists(table, path):
        return pd.DataFrame(columns=[*BENCHMARK_COLUMNS, "las_ranked", "status"])
    sql = f"""
        with ranked as (
            select measure, count(national_rank) as las_ranked
            from {table} where time_period = $year group by measure
        )
        select {_bench_select()}, coalesce(ranked.las_ranked, 0) as las_ranked
        from {table} as b
        left join ranked on b.measure = ranked.measure
        where b.time_period = $year and coalesce(b.alliance_code, b.region_code) = $region
          and {benchmark_filter(viewer, 'b')}
        order by b.la_name, b.old_la_code, b.measure
    """
    params = {"year": int(year), "region": str(region_code)}
    rows = query(sql, params, path)
    las = sorted(set(rows["old_la_code"]))
    return _with_statuses(viewer, rows, "time_period = $year and list_contains($las, cast(old_la_code as varchar))",
                          {"year": int(year), "las": las}, path)


def la_profile(viewer: Viewer, old_la_code: str, year: int | None = None, path: Path | None = None
               ) -> pd.DataFrame:
    """Every benchmark row of one LA the viewer may see, for every census year up to ``year`` (all years when
    None): ``BENCHMARK_COLUMNS``, ``las_ranked`` and ``status``, sorted by year and measure.

    Each row holds the LA's value beside its region, its statistical neighbours' median and England, with its
    band, national rank (of ``las_ranked``) and change from the year before: the profile table is the rows of
    one year, the trend charts all of them. Public viewers read ``marts.benchmarks_published``; ``la`` and
    ``analyst`` viewers get an LA outside their alliance from its published-based rows only.
    """
    with page_connection(path):
        return _la_profile(viewer, old_la_code, year, path)


def _la_profile(viewer: Viewer, old_la_code: str, year: int | None, path: Path | None) -> pd.DataFrame:
    table = benchmarks_table(viewer)
    if not table_exists(table, path):
        return pd.DataFrame(columns=[*BENCHMARK_COLUMNS, "las_ranked", "status"])
    until = "time_period <= $year" if year is not None else "true"
    until_b = "b.time_period <= $year" if year is not None else "true"
    sql = f"""
        with ranked as (
            select time_period, measure, count(national_rank) as las_ranked
            from {table} where {until} group by time_period, measure
        )
        select {_bench_select()}, coalesce(ranked.las_ranked, 0) as las_ranked
        from {table} as b
        left join ranked on b.time_period = ranked.time_period and b.measure = ranked.measure
        where cast(b.old_la_code as varchar) = $la and {until_b} and {benchmark_filter(viewer, 'b')}
        order by b.time_period, b.measure
    """
    params: dict[str, Any] = {"la": str(old_la_code)}
    if year is not None:
        params["year"] = int(year)
    rows = query(sql, params, path)
    return _with_statuses(viewer, rows, f"cast(old_la_code as varchar) = $la and {until}", params, path)
