"""The one reader of each geography seed: local authorities (with the years they existed), regions, alliances.

The seeds are the files dbt loads (``seeds/reference``, OGL: see ``seeds/README.md``); every Python reader of
them goes through here, so a change to a seed's layout is made in one place. Values are kept as the seed
writes them (codes are text: ``'201'``, ``'940 / 941'``, ``'E12000007'``). Each reader takes the folder, so a
test or a generator can point it at another copy of the seeds.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reference.paths import REFERENCE_DIR

LOCAL_AUTHORITIES_FILE = "ref_local_authorities.csv"
REGIONS_FILE = "ref_regions.csv"
ALLIANCES_FILE = "alliance_membership.csv"

#: London as one region (the regional row this product publishes), and its two sub-regions: London LA rows of
#: DfE's files may carry an Inner or Outer London code (ees.md).
LONDON_CODE = "E12000007"
LONDON_SUBREGIONS: dict[str, str] = {"E13000001": "Inner London", "E13000002": "Outer London"}


@dataclass(frozen=True)
class LocalAuthority:
    """One row of ``ref_local_authorities.csv``: an LA under one old and one new code, for the census years
    ``first_year`` to ``last_year`` it appears in the published file. A joint unit (one children's services
    provider for two councils) has an ``old_la_code`` such as ``'940 / 941'``."""

    old_la_code: str
    new_la_code: str
    la_name: str
    region_code: str
    region_name: str
    london_subregion_code: str
    first_year: int
    last_year: int


@dataclass(frozen=True)
class AllianceMember:
    """One row of ``alliance_membership.csv``: an LA (old_la_code) in an alliance (regional grouping)."""

    alliance_code: str
    alliance_name: str
    old_la_code: str


def _rows(reference_dir: Path, name: str) -> list[dict[str, str]]:
    with (Path(reference_dir) / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=4)
def local_authorities(reference_dir: Path = REFERENCE_DIR) -> tuple[LocalAuthority, ...]:
    """Every row of the LA seed, in the seed's order."""
    return tuple(
        LocalAuthority(r["old_la_code"], r["new_la_code"], r["la_name"], r["region_code"], r["region_name"],
                       r.get("london_subregion_code") or "", int(r["first_year"]), int(r["last_year"]))
        for r in _rows(reference_dir, LOCAL_AUTHORITIES_FILE))


def latest_year(reference_dir: Path = REFERENCE_DIR) -> int:
    """The LA seed's latest census year: the latest published, not an end (an LA current then is current
    after it)."""
    return max(la.last_year for la in local_authorities(reference_dir))


@lru_cache(maxsize=4)
def regions(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """The English regions (London as one): region_code -> region_name, in the seed's order."""
    return {r["region_code"].strip(): r["region_name"] for r in _rows(reference_dir, REGIONS_FILE)}


@lru_cache(maxsize=4)
def alliance_membership(reference_dir: Path = REFERENCE_DIR) -> tuple[AllianceMember, ...]:
    """Every row of the alliance seed, in the seed's order."""
    return tuple(AllianceMember(r["alliance_code"], r["alliance_name"], r["old_la_code"])
                 for r in _rows(reference_dir, ALLIANCES_FILE))


@lru_cache(maxsize=1)
def la_units() -> dict[str, str]:
    """Every LA code a return may carry -> the unit it is reported under.

    Joint units such as ``940 / 941`` (one children's services provider for two councils) are one unit:
    a return under either code belongs to the joint unit.
    """
    units = {la.old_la_code for la in local_authorities()}
    mapping = {unit: unit for unit in units}
    for unit in units:
        for part in unit.split(" / "):
            mapping.setdefault(part.strip(), unit)
    return mapping
