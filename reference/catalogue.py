"""The measure catalogue: every measure's facts, written once in ``seeds/reference/measure_catalogue.csv``.

One row per measure column of a mart: where it lives (``mart``: ``workforce_indicators`` today; later marts
such as ``quarterly_indicators``, ``agency_quarterly``, ``workload`` or ``workforce_projection`` add their rows
with their own mart), which set of definitions it belongs to (``family``), its label, unit, decimals,
grouping, polarity, disclosure guard, one-line description, whether it is benchmarked and exported. Everything
that shows, rounds, bands or publishes a measure reads it from here:

- dbt: ``benchmark_measures()`` (the measures of ``marts.benchmarks`` and their polarity) reads the macro
  ``measure_catalogue()`` in ``dbt_project/macros/measure_catalogue.sql``, which this module writes
  (``python -m reference.catalogue --write-dbt``, run by ``make prepare``; a test fails while it is stale);
  the CSV is also a dbt seed (``measure_catalogue``, documented in ``seeds/reference/_measure_catalogue.yml``);
- the dashboard (``dashboards.measures``): labels, units, decimals, polarity, groups, definitions;
- the EES export (``pipeline.ees_export``): which measures are exported, their meta labels, units, decimals,
  groupings and disclosure guards.

The columns of the CSV (``Measure`` holds them typed):

==============  ================================================================================================
measure         the measure's column in its mart (``Measure.column``)
mart            the mart it lives in (schema ``marts``); empty: not in a mart yet (a guard count the export
                will use once a mart has it)
family          ``national`` (DfE's definitions), ``strengthened`` (this product's), ``coverage`` (how many LAs
                a regional or national row adds up), ``guard`` (a count of people that guards other measures)
grouping        the group it is shown and published under (EES ``indicator_grouping``)
label           the plain-English label (dashboard, pack; and the EES label unless ``ees_label`` is set)
ees_label       the EES meta file's label where it differs (it names the unit: ``Turnover rate (FTE) (%)``)
unit            one of ``Unit``; the EES ``indicator_unit`` is ``%`` for ``%``, else empty
decimals        decimal places shown and published (definitions.md "Disclosure control")
polarity        ``low`` (low is good), ``high`` (high is good) or ``none``: quartile bands and ranks follow it
benchmarked     ``true``: a measure of ``marts.benchmarks`` (bands, ranks, neighbours)
exported        ``true``: a column of the EES data file
guard           the headcount columns whose sum guards it (``c`` when under 5): columns joined by ``+``,
                alternatives (the first whose columns are all in the mart is used) by ``|``; a headcount
                (unit ``people``) is always suppressed under 5 and needs none
levels          the geographic levels it applies to, joined by ``|`` (elsewhere ``z``); empty: every level
read_beside     for a strengthened measure, the national measure it is best read beside
description     one line from definitions.md
adds            for a strengthened measure, what it shows that the national figures hide
==============  ================================================================================================
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from reference.paths import DBT_PROJECT_DIR, REFERENCE_DIR

CATALOGUE_FILE = REFERENCE_DIR / "measure_catalogue.csv"
DBT_MACRO_FILE = DBT_PROJECT_DIR / "macros" / "measure_catalogue.sql"
FAMILIES = ("national", "strengthened", "coverage", "guard")


class Unit(StrEnum):
    """The unit a measure is expressed in (what a reader sees next to the number)."""

    FTE = "FTE"
    PEOPLE = "people"
    PERCENT = "%"
    CASES = "cases"
    CASES_PER_FTE = "cases per FTE"
    DAYS = "days"
    RECORDS = "records"
    CASES_PER_CASE_HOLDER = "cases per case holder"
    FTE_PER_CASE_HOLDER_FTE = "FTE per case holder FTE"
    FTE_PER_10K_CHILDREN = "FTE per 10,000 children"
    LOCAL_AUTHORITIES = "local authorities"


#: Units of measures that are ratios, not totals (an LA is compared with its region by difference).
RATIO_UNITS: frozenset[Unit] = frozenset({
    Unit.PERCENT, Unit.CASES_PER_FTE, Unit.CASES_PER_CASE_HOLDER, Unit.FTE_PER_CASE_HOLDER_FTE,
    Unit.FTE_PER_10K_CHILDREN,
})


class Polarity(StrEnum):
    """Which direction is better (definitions.md, "Benchmarks": quartile bands follow it). The values are the
    ones dbt writes in ``marts.benchmarks.polarity``."""

    LOW_IS_GOOD = "low"
    HIGH_IS_GOOD = "high"
    NONE = "none"


@dataclass(frozen=True)
class Measure:
    """One row of the measure catalogue (see the module docstring for what each field means)."""

    column: str
    mart: str
    family: str
    grouping: str
    label: str
    ees_label: str
    unit: Unit
    decimals: int
    polarity: Polarity
    benchmarked: bool
    exported: bool
    guard: tuple[tuple[str, ...], ...]
    levels: tuple[str, ...] | None
    read_beside: str | None
    description: str
    adds: str

    @property
    def status_column(self) -> str:
        """The column holding this measure's status symbol (c, low, u, x, z or null)."""
        return f"{self.column}_status"

    @property
    def is_rate(self) -> bool:
        """Whether the measure is a percentage (its differences are percentage points)."""
        return self.unit is Unit.PERCENT

    @property
    def is_count(self) -> bool:
        """Whether the measure is a total (FTE, people, cases, days, records) that grows with the area's
        size, so an LA is compared with its region by its share, not by a difference."""
        return self.unit not in RATIO_UNITS

    @property
    def is_headcount(self) -> bool:
        """Whether the measure counts people (suppressed under 5 wherever it is published)."""
        return self.unit is Unit.PEOPLE

    @property
    def is_strengthened(self) -> bool:
        return self.family == "strengthened"


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the file, the row and the column."""


_BOOLEANS = {"true": True, "false": False}


def _measure(row: dict[str, str], line: int, path: Path) -> Measure:
    def fail(column: str, why: str) -> CatalogueError:
        return CatalogueError(f"{path}, line {line}, column {column}: {why}")

    try:
        unit = Unit(row["unit"])
    except ValueError:
        raise fail("unit", f"{row['unit']!r} is not one of {[u.value for u in Unit]}") from None
    try:
        polarity = Polarity(row["polarity"])
    except ValueError:
        raise fail("polarity", f"{row['polarity']!r} is not low, high or none") from None
    if row["family"] not in FAMILIES:
        raise fail("family", f"{row['family']!r} is not one of {FAMILIES}")
    if not row["decimals"].isdigit():
        raise fail("decimals", f"{row['decimals']!r} is not a whole number")
    flags = {}
    for name in ("benchmarked", "exported"):
        if row[name] not in _BOOLEANS:
            raise fail(name, f"{row[name]!r} is not true or false")
        flags[name] = _BOOLEANS[row[name]]
    if flags["benchmarked"] and not row["mart"]:
        raise fail("benchmarked", "a benchmarked measure must name its mart")
    guard = tuple(tuple(part.strip() for part in alternative.split("+"))
                  for alternative in row["guard"].split("|") if alternative.strip())
    levels = tuple(level.strip() for level in row["levels"].split("|")) if row["levels"].strip() else None
    return Measure(column=row["measure"], mart=row["mart"], family=row["family"], grouping=row["grouping"],
                   label=row["label"], ees_label=row["ees_label"], unit=unit, decimals=int(row["decimals"]),
                   polarity=polarity, benchmarked=flags["benchmarked"], exported=flags["exported"], guard=guard,
                   levels=levels, read_beside=row["read_beside"] or None, description=row["description"],
                   adds=row["adds"])


@lru_cache(maxsize=4)
def load_catalogue(path: Path = CATALOGUE_FILE) -> tuple[Measure, ...]:
    """Every measure of the catalogue, in the file's order (each mart's columns in the mart's order)."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        measures = tuple(_measure(row, line, Path(path)) for line, row in enumerate(csv.DictReader(handle), 2))
    seen: set[tuple[str, str]] = set()
    for m in measures:
        if (m.mart, m.column) in seen:
            raise CatalogueError(f"{path}: {m.column} is listed twice for mart {m.mart or '(none)'}")
        seen.add((m.mart, m.column))
    return measures


def catalogue() -> tuple[Measure, ...]:
    """The product's measure catalogue."""
    return load_catalogue()


def by_column(mart: str | None = None) -> dict[str, Measure]:
    """column -> measure (of one mart, or of every mart when None; a column is named once per mart)."""
    return {m.column: m for m in catalogue() if mart is None or m.mart == mart}


def of_family(family: str, mart: str = "workforce_indicators") -> tuple[Measure, ...]:
    """The measures of one family in a mart, in catalogue order."""
    return tuple(m for m in catalogue() if m.family == family and m.mart == mart)


# --- dbt's copy --------------------------------------------------------------------------------------------

def dbt_macro(measures: tuple[Measure, ...]) -> str:
    """The text of ``dbt_project/macros/measure_catalogue.sql``: the catalogue as a list dbt's macros read."""
    lines = [
        "{#",
        "    GENERATED from seeds/reference/measure_catalogue.csv by `python -m reference.catalogue --write-dbt`",
        "    (make prepare). Do not edit: change the catalogue and regenerate; tests/test_measure_catalogue.py",
        "    fails while this file is stale. One entry per measure: its column (measure), the mart it lives in, its",
        "    family, unit, decimals, polarity ('low' / 'high' / 'none') and whether it is benchmarked.",
        "#}",
        "{% macro measure_catalogue() %}",
        "    {%- do return([",
    ]
    for m in measures:
        lines.append(
            f"        {{'measure': '{m.column}', 'mart': '{m.mart}', 'family': '{m.family}', 'unit': '{m.unit.value}', "
            f"'decimals': {m.decimals}, 'polarity': '{m.polarity.value}', "
            f"'benchmarked': {str(m.benchmarked).lower()}}},")
    lines += ["    ]) -%}", "{% endmacro %}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference.catalogue",
                                     description="The measure catalogue: check it, or write dbt's copy.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write-dbt", action="store_true", help=f"write {DBT_MACRO_FILE.name} from the catalogue")
    action.add_argument("--check-dbt", action="store_true", help=f"exit 1 if {DBT_MACRO_FILE.name} is stale")
    args = parser.parse_args(argv)
    try:
        text = dbt_macro(catalogue())
    except CatalogueError as exc:
        print(f"measure catalogue: {exc}", file=sys.stderr)
        return 2
    current = DBT_MACRO_FILE.read_text(encoding="utf-8") if DBT_MACRO_FILE.exists() else None
    if args.check_dbt:
        if current != text:
            print(f"{DBT_MACRO_FILE} is stale: run `python -m reference.catalogue --write-dbt`", file=sys.stderr)
            return 1
        return 0
    if current != text:  # left alone when unchanged, so that dbt's partial parse and make stay quiet
        DBT_MACRO_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {DBT_MACRO_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
