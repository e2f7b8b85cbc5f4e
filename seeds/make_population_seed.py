"""Derive ``reference/ref_children_population.csv`` (children aged 0 to 17 by LA and year) and
``reference/ref_statistical_neighbours.csv`` (the DfE statistical neighbours, long) from the OGL files in
``published/``. Run it again when a new vintage is copied in:

    .venv/bin/python seeds/make_population_seed.py

ref_children_population: one row per old LA code and ONS mid-year (30 June) estimate year, from
``ons_mid-year_population_estimates_2012_to_2024.csv`` (Local authority rows; suppressed 'x' values left out).
Joint CSWW units are summed from their parts so they match the returns: '940 / 941' = North Northamptonshire
+ West Northamptonshire. dbt uses, for census year Y (reference date 30 September Y), the estimate for mid-year
Y, or for a later census year the latest year available (2025 uses mid-2024).

ref_statistical_neighbours: one row per LA and neighbour (rank 1 = closest) from ``sn_model_2025_wide.csv``
(columns SN_1..SN_10 and the closeness labels SN_1P..SN_10P). A neighbour that is part of a joint CSWW unit
(940 or 941) is written as the unit ('940 / 941', once per LA, at its closer rank), as the returns and the
mart know it; the joint unit itself has no neighbour list in the DfE model, so it gets none here.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from make_reference_seeds import write_seed  # this folder is on sys.path when run as a script

HERE = Path(__file__).resolve().parent
POPULATION = HERE / "published" / "ons_mid-year_population_estimates_2012_to_2024.csv"
NEIGHBOURS = HERE / "published" / "sn_model_2025_wide.csv"
REFERENCE = HERE / "reference"

# Joint units of the CSWW returns (ref_local_authorities) built from their parts.
JOINT_UNITS = {"940 / 941": ("940", "941")}


def population() -> list[dict]:
    with POPULATION.open(newline="", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle)
                if r["geographic_level"] == "Local authority" and r["age_group"] == "Children aged 0 to 17 years"]
    values: dict[tuple[str, int], int] = {}
    names: dict[str, str] = {}
    for row in rows:
        if not row["population_estimate"].strip().isdigit():  # 'x': not available
            continue
        values[(row["old_la_code"], int(row["time_period"]))] = int(row["population_estimate"])
        names[row["old_la_code"]] = row["la_name"]
    parts_by_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    for joint, parts in JOINT_UNITS.items():
        for year in sorted({y for (_, y) in values}):
            found = [values[(p, year)] for p in parts if (p, year) in values]
            if len(found) == len(parts):
                parts_by_year[(joint, year)] = found
    records = [{"old_la_code": code, "la_name": names[code], "population_year": year, "children_0_17": value}
               for (code, year), value in values.items()]
    records += [{"old_la_code": joint, "la_name": " / ".join(names[p] for p in JOINT_UNITS[joint]),
                 "population_year": year, "children_0_17": sum(found)}
                for (joint, year), found in parts_by_year.items()]
    return sorted(records, key=lambda r: (r["old_la_code"], r["population_year"]))


def neighbours() -> list[dict]:
    with NEIGHBOURS.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    unit_of = {part: joint for joint, parts in JOINT_UNITS.items() for part in parts}
    records = []
    for row in rows:
        seen: set[str] = set()
        for rank in range(1, 11):
            code = (row.get(f"SN_{rank}") or "").strip()
            code = unit_of.get(code, code)
            if code and code not in seen:
                seen.add(code)
                records.append({"old_la_code": row["old_la_code"].strip(), "neighbour_rank": rank,
                                "neighbour_old_la_code": code,
                                "closeness": (row.get(f"SN_{rank}P") or "").strip()})
    return records


if __name__ == "__main__":
    write_seed(REFERENCE / "ref_children_population.csv", population())
    write_seed(REFERENCE / "ref_statistical_neighbours.csv", neighbours())
