"""Write Children's Social Work Workforce census (CSWW, "R1") XML messages.

Used by the demonstration-data generator (:mod:`demodata.region`) and, as a fixture builder, by tests
that need a CSWW return on disk. The tree is built with ``lxml.etree`` (values are set as element text,
so ``&``, ``<`` and the like are escaped by lxml, never by string concatenation) and serialised as UTF-8
with an XML declaration, pretty-printed one element per line so that line numbers in reports are
meaningful.

Message layout (see ``shared/spec/returns.md``)::

    Message
      Header
        CollectionDetails: Collection, Year, ReferenceDate
        Source: SourceLevel, LEA, SoftwareCode, DateTime
        (extra_header items, if any)
      LALevelVacancies (2021-2024) | LALevel (2025+)
      CSWWWorker (one per worker record)

Year layouts: ``GenderCurrent`` to 2023 and ``Sex`` from 2024; ``QualInst`` and ``CFKSSstatus`` to 2024;
``BaseSalary``, ``RRPayments`` and ``OtherPayments`` from 2025; the LA-level element is ``LALevel`` with
the pay and incentive items from 2025. Years before 2021 use the 2021 layout.

With ``strict_layout=True`` (the default) an item that belongs to another year's layout is left out, so
one worker dict (say with both ``GenderCurrent`` and ``Sex``) can be written for any year; likewise the
LA-level pay and incentive items are written only from 2025. With ``strict_layout=False`` every item
given is written, which is how a test builds an off-layout file. Items that no layout knows are always
written (after the known ones), so a test can add an element a newer collection might bring. A value of
``None`` always means "omit the item".
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

COLLECTION = "CSWW"
SOURCE_LEVEL = "L"
DEFAULT_SOFTWARE_CODE = "DEMODATA"
FIRST_LALEVEL_YEAR = 2025

# Worker items in the order the generator writes them (the spec's table order).
WORKER_ITEMS: tuple[str, ...] = (
    "AgencyWorker", "SWENo", "FTE", "PersonBirthDate", "GenderCurrent", "Sex", "Ethnicity", "QualInst",
    "QualLevel", "StepUpGrad", "FrontlineGrad", "OrgRole", "RoleStartDate", "RoleEndDate", "StartOrigin",
    "LeaverDestination", "ReasonLeave", "FTE30", "Cases30", "WorkingDaysLost", "ContractWeeks",
    "Absat30Sept", "ReasonAbsence", "CFKSSstatus", "BaseSalary", "RRPayments", "OtherPayments",
)
# (first year, last year) for items that are not in every layout; None = open-ended.
WORKER_ITEM_YEARS: dict[str, tuple[int | None, int | None]] = {
    "GenderCurrent": (None, 2023),
    "Sex": (2024, None),
    "QualInst": (None, 2024),
    "CFKSSstatus": (None, 2024),
    "BaseSalary": (2025, None),
    "RRPayments": (2025, None),
    "OtherPayments": (2025, None),
}
LA_LEVEL_BASE_ITEMS: tuple[str, ...] = ("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount")
LA_LEVEL_PAY_ITEMS: tuple[str, ...] = (
    "RecruitmentBonus", "RetentionBonus", "PerformanceAward", "CarAllowance", "RelocationPackage",
    "RegionalWeighting", "CostSWE", "CostDBS", "OtherAllowances",
)
# Decimal places used when a float is given for these items.
DECIMAL_PLACES: dict[str, int] = {
    "FTE": 4, "FTE30": 4, "WorkingDaysLost": 2, "ContractWeeks": 1, "BaseSalary": 2, "RRPayments": 2,
    "OtherPayments": 2, "NumberOfVacancies": 2, "NoAgencyFTE": 2,
}


def la_level_element_for_year(year: int) -> str:
    """Name of the LA-level element: ``LALevelVacancies`` to 2024, ``LALevel`` from 2025."""
    return "LALevel" if year >= FIRST_LALEVEL_YEAR else "LALevelVacancies"


def la_level_items_for_year(year: int) -> tuple[str, ...]:
    """LA-level items in the layout of ``year``."""
    return LA_LEVEL_BASE_ITEMS + (LA_LEVEL_PAY_ITEMS if year >= FIRST_LALEVEL_YEAR else ())


def worker_items_for_year(year: int) -> tuple[str, ...]:
    """Worker items in the layout of ``year``, in writing order."""
    return tuple(item for item in WORKER_ITEMS if _item_in_year(item, year))


def _item_in_year(item: str, year: int) -> bool:
    first, last = WORKER_ITEM_YEARS.get(item, (None, None))
    return (first is None or year >= first) and (last is None or year <= last)


def format_value(item: str, value: object) -> str:
    """Text of one item: dates ISO, bools 1/0, floats to the item's decimal places, strings as given."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        places = DECIMAL_PLACES.get(item)
        return f"{float(value):.{places}f}" if places is not None else repr(float(value))
    raise TypeError(f"{item}: cannot write a value of type {type(value).__name__}")


def _ordered_items(
    values: Mapping[str, object], known: tuple[str, ...], allowed: tuple[str, ...], *,
    strict_layout: bool, keep_item_order: bool,
) -> list[tuple[str, object]]:
    """(item, value) pairs to write: None dropped, off-layout items dropped when strict, known first."""
    present = [(k, v) for k, v in values.items() if v is not None]
    kept = [(k, v) for k, v in present if not (strict_layout and k in known and k not in allowed)]
    if keep_item_order:
        return kept
    rank = {item: i for i, item in enumerate(known)}
    return sorted(kept, key=lambda kv: rank.get(kv[0], len(known)))  # stable: unknown keep their order


def _add_items(parent: etree._Element, pairs: Iterable[tuple[str, object]]) -> None:
    for item, value in pairs:
        etree.SubElement(parent, item).text = format_value(item, value)


def _build_header(
    message: etree._Element, *, lea: str, year: int, reference_date: str, software_code: str,
    date_time: str, extra_header: Mapping[str, object] | None,
) -> None:
    header = etree.SubElement(message, "Header")
    details = etree.SubElement(header, "CollectionDetails")
    _add_items(details, [("Collection", COLLECTION), ("Year", year), ("ReferenceDate", reference_date)])
    source = etree.SubElement(header, "Source")
    _add_items(source, [("SourceLevel", SOURCE_LEVEL), ("LEA", lea), ("SoftwareCode", software_code),
                        ("DateTime", date_time)])
    if extra_header:
        _add_items(header, [(k, v) for k, v in extra_header.items() if v is not None])


def build_csww_xml(
    *,
    lea: str,
    year: int,
    workers: Iterable[Mapping[str, object]],
    la_level: Mapping[str, object],
    reference_date: str | date | None = None,
    software_code: str = DEFAULT_SOFTWARE_CODE,
    date_time: str | None = None,
    extra_header: Mapping[str, object] | None = None,
    strict_layout: bool = True,
    keep_item_order: bool = False,
) -> bytes:
    """Serialise one CSWW message and return its UTF-8 bytes.

    ``reference_date`` defaults to 30 September of ``year`` and ``date_time`` to ``<year>-10-15T09:00:00``
    (fixed, so the output is reproducible). ``keep_item_order=True`` writes items in the dicts' own order
    instead of the canonical one.
    """
    ref = format_value("ReferenceDate", reference_date) if reference_date is not None else f"{year}-09-30"
    message = etree.Element("Message")
    _build_header(message, lea=lea, year=year, reference_date=ref, software_code=software_code,
                  date_time=date_time or f"{year}-10-15T09:00:00", extra_header=extra_header)
    la_element = etree.SubElement(message, la_level_element_for_year(year))
    _add_items(la_element, _ordered_items(
        la_level, LA_LEVEL_BASE_ITEMS + LA_LEVEL_PAY_ITEMS, la_level_items_for_year(year),
        strict_layout=strict_layout, keep_item_order=keep_item_order))
    allowed = worker_items_for_year(year)
    for worker in workers:
        element = etree.SubElement(message, "CSWWWorker")
        _add_items(element, _ordered_items(worker, WORKER_ITEMS, allowed, strict_layout=strict_layout,
                                           keep_item_order=keep_item_order))
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_csww_xml(
    path: Path | str,
    *,
    lea: str,
    year: int,
    workers: Iterable[Mapping[str, object]],
    la_level: Mapping[str, object],
    reference_date: str | date | None = None,
    software_code: str = DEFAULT_SOFTWARE_CODE,
    date_time: str | None = None,
    extra_header: Mapping[str, object] | None = None,
    strict_layout: bool = True,
    keep_item_order: bool = False,
) -> Path:
    """Write one CSWW message to ``path`` (parent folders created) and return the path."""
    data = build_csww_xml(
        lea=lea, year=year, workers=workers, la_level=la_level, reference_date=reference_date,
        software_code=software_code, date_time=date_time, extra_header=extra_header,
        strict_layout=strict_layout, keep_item_order=keep_item_order,
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
