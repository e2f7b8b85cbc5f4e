"""What a file is, and which LA codes exist: read from the file's first bytes and the reference seed.

Plain Python (no Dagster import), so that the ingest worker processes start quickly; ``orchestration.partitions``
builds the partitions and routing on top of it.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from orchestration.settings import SEEDS_DIR
from validation.readers.csww_xml import looks_like_csww
from validation.readers.ees_csv import looks_like_ees


@lru_cache(maxsize=1)
def la_units() -> dict[str, str]:
    """Every LA code a return may carry -> the unit it is reported under.

    Joint units such as ``940 / 941`` (one children's services provider for two councils) are one unit:
    a return under either code belongs to the joint unit.
    """
    with (SEEDS_DIR / "reference" / "ref_local_authorities.csv").open(newline="", encoding="utf-8") as handle:
        units = {row["old_la_code"] for row in csv.DictReader(handle)}
    mapping = {unit: unit for unit in units}
    for unit in units:
        for part in unit.split(" / "):
            mapping.setdefault(part.strip(), unit)
    return mapping


HEAD_BYTES = 8192


def recognise(head: bytes, name: str) -> str:
    """The kind of a file, from its first bytes (and, for a workbook that is not even a zip, its name):
    csww_xml | workbook | ees_csv | unrecognised. Routing and validation both ask this one function."""
    if looks_like_csww(head):
        return "csww_xml"
    if head.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return "workbook"
    if looks_like_ees(head):
        return "ees_csv"
    return "unrecognised"
