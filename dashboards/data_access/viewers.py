"""Who the signed-in viewer is, in the serving copy's terms: their alliance and its member LAs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dashboards.data_access.connection import query, table_exists
from pipeline.access.roles import Role, Viewer


def alliance_members(alliance_code: str, path: Path | None = None) -> frozenset[str]:
    """The member LAs (old_la_code) of an alliance, as the serving copy's benchmarks record them."""
    if not table_exists("marts.benchmarks", path):
        return frozenset()
    rows = query(
        "select distinct cast(old_la_code as varchar) as code from marts.benchmarks where alliance_code = $a",
        {"a": str(alliance_code)}, path,
    )
    return frozenset(str(c) for c in rows["code"])


def alliance_of(old_la_code: str, path: Path | None = None) -> str | None:
    """The alliance of an LA (its latest benchmarks row), or None when the serving copy does not say."""
    if not table_exists("marts.benchmarks", path):
        return None
    rows = query(
        "select arg_max(alliance_code, time_period) as a from marts.benchmarks "
        "where cast(old_la_code as varchar) = $la and alliance_code is not null",
        {"la": str(old_la_code)}, path,
    )
    value = rows["a"].iloc[0] if len(rows) else None
    return str(value) if isinstance(value, str) and value else None


def resolve_viewer(viewer: Viewer, path: Path | None = None) -> Viewer:
    """The viewer with their alliance and its member LAs filled in from the serving copy.

    An ``la`` user's alliance is their LA's (unless the users file names one); an ``analyst`` must be given
    one. A public viewer is returned as it is.
    """
    if viewer.role is Role.PUBLIC:
        return viewer
    alliance = viewer.alliance_code
    if alliance is None and viewer.la_code is not None:
        alliance = alliance_of(viewer.la_code, path)
    members = alliance_members(alliance, path) if alliance else frozenset()
    return replace(viewer, alliance_code=alliance, alliance_las=members)
