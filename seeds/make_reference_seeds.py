"""Derive the reference seeds in ``seeds/reference/`` from the published DfE file in ``seeds/published/``.

Run it again when a new vintage of the published file is copied in:

    .venv/bin/python seeds/make_reference_seeds.py

The seeds it writes are committed; this script documents how they were made.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PUBLISHED = HERE / "published" / "csww_indicators_2017_to_2025.csv"
REFERENCE = HERE / "reference"

LONDON = ("E12000007", "London")
LONDON_SUBREGIONS = {"E13000001", "E13000002"}


def main() -> None:
    with PUBLISHED.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))

    regions: dict[str, str] = {}
    years: dict[tuple[str, str, str, str, str], set[int]] = defaultdict(set)
    for row in rows:
        if row["geographic_level"] == "Regional" and row["region_code"] not in LONDON_SUBREGIONS:
            regions[row["region_code"]] = row["region_name"]
        if row["geographic_level"] != "Local authority":
            continue
        key = (row["old_la_code"], row["new_la_code"], row["la_name"], row["region_code"], row["region_name"])
        years[key].add(int(row["time_period"]))

    las = []
    for (old, new, name, region_code, region_name), seen in sorted(years.items()):
        subregion = ""
        if region_code in LONDON_SUBREGIONS:
            subregion = region_code
            region_code, region_name = LONDON
        las.append({
            "old_la_code": old,
            "new_la_code": new,
            "la_name": name,
            "region_code": region_code,
            "region_name": region_name,
            "london_subregion_code": subregion,
            "first_year": min(seen),
            "last_year": max(seen),
        })

    write_seed(REFERENCE / "ref_local_authorities.csv", las)
    write_seed(REFERENCE / "ref_regions.csv",
           [{"region_code": code, "region_name": name} for code, name in sorted(regions.items())])
    # The default alliances: the nine English regions, Inner and Outer London together as London.
    members = sorted({(la["region_code"], la["region_name"], la["old_la_code"]) for la in las})
    write_seed(REFERENCE / "alliance_membership.csv",
           [{"alliance_code": code, "alliance_name": name, "old_la_code": old} for code, name, old in members])


def write_seed(path: Path, records: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    print(f"wrote {len(records)} rows to {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
