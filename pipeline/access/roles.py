"""Who may see what: the three roles, the signed-in viewer, and the SQL filters that enforce them.

Roles (issue 5):

- ``public``: published figures only (``source = 'published'``), rounded and suppressed before they leave the
  data-access layer (``dashboards.disclosure``); no worker-level detail, no submissions, no reports.
- ``la``: their own LA in detail (caseload distribution, team caseloads, their own submissions and
  validation reports); the other LAs of their alliance at LA level (the indicator and benchmark rows
  computed from returns); published figures for everyone; their alliance's regional rows.
- ``analyst``: the whole alliance in detail: every member LA's detail, every submission and report.

Every reader in ``dashboards.data_access`` (and every query module built on it) takes a ``Viewer`` and
filters in SQL with the helpers here, so a page cannot show (or offer for download) rows its viewer may not
see: what a page never receives it cannot leak. The alliance's member LAs come from the serving copy
(``marts.benchmarks.alliance_code``), so they follow the deployment's ``alliance_membership`` seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a signed-in user may see (see the module docstring)."""

    PUBLIC = "public"
    LA = "la"
    ANALYST = "analyst"


ROLE_WORDS: dict[Role, str] = {
    Role.PUBLIC: "published figures only, rounded and suppressed",
    Role.LA: "your LA in detail, the other LAs of your alliance at LA level, published figures for all",
    Role.ANALYST: "every LA of your alliance in detail, with submissions and validation reports",
}


@dataclass(frozen=True)
class Viewer:
    """The person using the dashboard, as the login resolved them.

    ``la_code`` is the ``la`` role's own LA (old_la_code, as text). ``alliance_code`` is the alliance an ``la``
    or ``analyst`` user belongs to. ``alliance_las`` are that alliance's member LAs (old_la_code), filled in
    from the serving copy by ``data_access.resolve_viewer``; empty means none is known yet.
    """

    username: str
    display_name: str
    role: Role
    la_code: str | None = None
    alliance_code: str | None = None
    alliance_las: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_public(self) -> bool:
        """Whether this viewer may see published figures only."""
        return self.role is Role.PUBLIC

    @property
    def is_analyst(self) -> bool:
        """Whether this viewer is a regional analyst (the whole alliance in detail)."""
        return self.role is Role.ANALYST

    @property
    def sources(self) -> tuple[str, ...]:
        """The values of ``source`` this viewer may read."""
        return ("published",) if self.is_public else ("returns", "published")

    def detail_las(self) -> frozenset[str]:
        """The LAs whose worker-level detail, submissions and reports this viewer may see."""
        if self.role is Role.ANALYST:
            return self.alliance_las
        if self.role is Role.LA and self.la_code is not None:
            return frozenset({self.la_code})
        return frozenset()

    def may_see_detail(self, old_la_code: object) -> bool:
        """Whether this viewer may see the LA's worker-level detail, submissions and reports."""
        return old_la_code is not None and str(old_la_code) in self.detail_las()

    def la_level_las(self) -> frozenset[str]:
        """The LAs whose returns-based LA-level figures this viewer may see (their alliance's, or none)."""
        return frozenset() if self.is_public else self.alliance_las | self.detail_las()

    def describe(self) -> str:
        """One line for the sidebar: who is signed in and what the role shows."""
        where = ""
        if self.role is Role.LA and self.la_code:
            where = f" (LA {self.la_code})"
        elif self.role is Role.ANALYST and self.alliance_code:
            where = f" (alliance {self.alliance_code})"
        return f"{self.display_name}: {self.role.value}{where}, {ROLE_WORDS[self.role]}"


PUBLIC_VIEWER = Viewer(username="public", display_name="Public visitor", role=Role.PUBLIC)


def _in_list(column: str, values: Iterable[str]) -> str:
    """``column in ('a', 'b')`` for trusted codes (digits and letters only), or ``false`` for none."""
    codes = sorted({str(v) for v in values})
    for code in codes:
        if not code.replace("_", "").isalnum():
            raise ValueError(f"not a code: {code!r}")
    if not codes:
        return "false"
    return f"cast({column} as varchar) in ({', '.join(repr(c) for c in codes)})"


def indicator_filter(viewer: Viewer, prefix: str = "") -> str:
    """SQL condition on ``marts.workforce_indicators`` (or any table with source, geographic_level,
    old_la_code and region_code): the rows this viewer may see.

    Published rows: everyone. Returns rows: not for ``public``; LA rows only for the viewer's LA-level LAs;
    regional rows only for the viewer's alliance; the national row (the sum of the returns) for la and analyst
    viewers whose alliance has member LAs in the serving copy.
    """
    p = f"{prefix}." if prefix else ""
    if viewer.is_public:
        return f"{p}source = 'published'"
    alliance = f"{p}region_code = {viewer.alliance_code!r}" if viewer.alliance_code else "false"
    national = "true" if viewer.alliance_las else "false"  # only for members of an alliance with returns
    return (
        f"({p}source = 'published' or ({p}source = 'returns' and ("
        f"({p}geographic_level = 'Local authority' and {_in_list(p + 'old_la_code', viewer.la_level_las())})"
        f" or ({p}geographic_level = 'Regional' and {alliance})"
        f" or ({p}geographic_level = 'National' and {national}))))"
    )


def benchmark_filter(viewer: Viewer, prefix: str = "") -> str:
    """SQL condition on ``marts.benchmarks``: LA rows this viewer may see (public reads another table,
    ``marts.benchmarks_published``, whose every row is built from published figures only)."""
    p = f"{prefix}." if prefix else ""
    if viewer.is_public:
        return "true"
    return f"({p}source = 'published' or {_in_list(p + 'old_la_code', viewer.la_level_las())})"


def benchmarks_table(viewer: Viewer) -> str:
    """The benchmarks mart this viewer reads: the published-only one for ``public``."""
    return "marts.benchmarks_published" if viewer.is_public else "marts.benchmarks"


def detail_filter(viewer: Viewer, column: str = "old_la_code") -> str:
    """SQL condition for worker-level detail, submissions, validation issues and reports: the viewer's
    detail LAs only (none for ``public``)."""
    return _in_list(column, viewer.detail_las())


ALL_ROLES: frozenset[Role] = frozenset(Role)
