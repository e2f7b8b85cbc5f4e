"""The region's agency price caps (seed ``seeds/reference/agency_price_caps.csv``) and which cap is in force.

One row per alliance, role type (the five of the agency rules) and date from which the cap applies
(``effective_from``): ``cap_hourly`` is the most an LA of the alliance should pay per hour for the worker's pay
plus on-costs (employer National Insurance and apprenticeship levy). A cap is in force from its effective date
until the next one for the same alliance and role. AGY030/AGY031 compare an assignment with the cap in force on
its start date (``cap_on``); ``marts.agency_quarterly`` shows the cap in force at the quarter end. A region sets
its own figures: the ones shipped for the demonstration region (North East, E12000001) are illustrative
(column ``illustrative``), not any region's real caps.

The LA's alliance comes from ``alliance_membership.csv`` (the seed dbt uses). An LA whose alliance has no cap
for the role on that date is not checked against a cap.
"""

from __future__ import annotations

import bisect
import csv
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from validation.schemas.agency import ROLE_TYPES

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "seeds" / "reference"
CAPS_FILE = "agency_price_caps.csv"
MEMBERSHIP_FILE = "alliance_membership.csv"
CAP_COLUMNS = ("alliance", "role_type", "effective_from", "cap_hourly", "illustrative", "note")


@dataclass(frozen=True)
class PriceCap:
    alliance: str
    role_type: str
    effective_from: date
    cap_hourly: float
    illustrative: bool = False
    note: str = ""


class PriceCaps:
    """The caps of every alliance, and the alliance of every LA."""

    def __init__(self, caps: Iterable[PriceCap], alliance_of: Mapping[str, str]):
        self._alliance_of = dict(alliance_of)
        self.caps = sorted(caps, key=lambda c: (c.alliance, c.role_type, c.effective_from))
        self._by_key: dict[tuple[str, str], list[PriceCap]] = {}
        for cap in self.caps:
            if cap.role_type not in ROLE_TYPES:
                raise ValueError(f"{CAPS_FILE}: role_type {cap.role_type!r} is not one of {', '.join(ROLE_TYPES)}")
            if not cap.cap_hourly > 0:
                raise ValueError(f"{CAPS_FILE}: cap_hourly for {cap.alliance} {cap.role_type} "
                                 f"{cap.effective_from} is not above 0")
            dates = self._by_key.setdefault((cap.alliance, cap.role_type), [])
            if dates and dates[-1].effective_from == cap.effective_from:
                raise ValueError(f"{CAPS_FILE}: two caps for {cap.alliance} {cap.role_type} from "
                                 f"{cap.effective_from}")
            dates.append(cap)

    @classmethod
    def load(cls, reference_dir: Path = REFERENCE_DIR) -> PriceCaps:
        """The shipped (or a region's own) caps and alliance membership seeds."""
        with (reference_dir / CAPS_FILE).open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != CAP_COLUMNS:
                raise ValueError(f"{CAPS_FILE}: the columns must be {', '.join(CAP_COLUMNS)}")
            caps = [PriceCap(row["alliance"].strip(), row["role_type"].strip(),
                             date.fromisoformat(row["effective_from"].strip()), float(row["cap_hourly"]),
                             row["illustrative"].strip().lower() == "true", row["note"].strip())
                    for row in reader]
        with (reference_dir / MEMBERSHIP_FILE).open(newline="", encoding="utf-8") as handle:
            membership = {row["old_la_code"]: row["alliance_code"] for row in csv.DictReader(handle)}
        for code, alliance in list(membership.items()):  # a joint unit's parts belong to its alliance too
            for part in code.split(" / "):
                membership.setdefault(part.strip(), alliance)
        return cls(caps, membership)

    def alliance_of(self, old_la_code: str | None) -> str | None:
        return self._alliance_of.get(old_la_code) if old_la_code else None

    def cap_on(self, alliance: str | None, role_type: str | None, day: date | None) -> PriceCap | None:
        """The cap in force on ``day``: the latest with effective_from on or before it (None if none was)."""
        if alliance is None or role_type is None or day is None:
            return None
        caps = self._by_key.get((alliance, role_type))
        if not caps:
            return None
        position = bisect.bisect_right([c.effective_from for c in caps], day)
        return caps[position - 1] if position else None

    def cap_for(self, old_la_code: str | None, role_type: str | None, day: date | None) -> PriceCap | None:
        """The cap for an LA's assignment of ``role_type`` in force on ``day``."""
        return self.cap_on(self.alliance_of(old_la_code), role_type, day)


@functools.cache
def default_caps() -> PriceCaps:
    """The shipped seeds, read once per process."""
    return PriceCaps.load()
