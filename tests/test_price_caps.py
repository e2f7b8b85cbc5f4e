"""The agency price caps seed (seeds/reference/agency_price_caps.csv) and the cap in force on a date."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from validation.price_caps import CAP_COLUMNS, REFERENCE_DIR, PriceCap, PriceCaps
from validation.schemas.agency import ROLE_TYPES

NORTH_EAST = "E12000001"


def test_seed_columns_roles_and_illustrative_marking():
    with (REFERENCE_DIR / "agency_price_caps.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CAP_COLUMNS
    assert {r["role_type"] for r in rows} == set(ROLE_TYPES)
    assert all(r["illustrative"] == "true" and "Illustrative" in r["note"] for r in rows)  # the demo region's
    assert {r["alliance"] for r in rows} == {NORTH_EAST}
    # a change inside one quarter (1 April to 30 June 2025), for every role
    inside = {r["role_type"] for r in rows if date(2025, 4, 1) < date.fromisoformat(r["effective_from"])
              <= date(2025, 6, 30)}
    assert inside == set(ROLE_TYPES)


@pytest.mark.parametrize("day, cap", [(date(2022, 3, 31), None), (date(2022, 4, 1), 34.0), (date(2024, 10, 30), 34.0),
                                      (date(2024, 10, 31), 36.0), (date(2025, 4, 30), 36.0), (date(2025, 5, 1), 37.0),
                                      (date(2030, 1, 1), 37.0)])
def test_the_cap_in_force_is_the_latest_effective_on_or_before_the_day(day, cap):
    found = PriceCaps.load().cap_on(NORTH_EAST, "social_worker", day)
    assert (found.cap_hourly if found else None) == cap


def test_the_la_alliance_comes_from_the_membership_seed():
    caps = PriceCaps.load()
    assert caps.alliance_of("840") == NORTH_EAST and caps.alliance_of("202") == "E12000007"
    assert caps.cap_for("841", "team_manager", date(2025, 6, 1)).cap_hourly == 47.4
    assert caps.cap_for("202", "team_manager", date(2025, 6, 1)) is None
    assert caps.cap_for(None, "team_manager", date(2025, 6, 1)) is None


@pytest.mark.parametrize("caps, words", [
    ([PriceCap("X", "agency_worker", date(2024, 1, 1), 30.0)], "is not one of"),
    ([PriceCap("X", "social_worker", date(2024, 1, 1), 0.0)], "is not above 0"),
    ([PriceCap("X", "social_worker", date(2024, 1, 1), 30.0), PriceCap("X", "social_worker", date(2024, 1, 1), 31.0)],
     "two caps"),
])
def test_a_broken_caps_setting_is_refused(caps, words):
    with pytest.raises(ValueError, match=words):
        PriceCaps(caps, {})


def test_a_region_can_ship_its_own_caps(tmp_path: Path):
    (tmp_path / "agency_price_caps.csv").write_text(
        ",".join(CAP_COLUMNS) + "\nE12000002,social_worker,2024-10-31,38.5,false,North West pledge\n")
    (tmp_path / "alliance_membership.csv").write_text("alliance_code,alliance_name,old_la_code\nE12000002,NW,340\n")
    caps = PriceCaps.load(tmp_path)
    assert caps.cap_for("340", "social_worker", date(2025, 1, 1)) == PriceCap(
        "E12000002", "social_worker", date(2024, 10, 31), 38.5, False, "North West pledge")
