"""Read a CSWW census return (R1 XML) into plain Python structures, safely.

No DTD is loaded, no entity is resolved, nothing is fetched from the network, and a document with a
DOCTYPE is refused outright (a CSWW return never has one), before parsing and, whatever encoding tricks hid
it, again after. Only UTF-8 (or plain ASCII) is read: UTF-16/32 text, NUL bytes, bytes that are not UTF-8
(a Latin-1 export) and any other declared encoding (UTF-7 would hide markup from a byte scan) are refused with
a message saying what the file is. Every value is kept as the text that was sent; typing and checking are the
validators' job. Worker items may come in any order.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree

MAX_BYTES = 50 * 1024 * 1024  # far above any real return (the largest LA sends a few MB)

WORKER_ITEMS = (
    "AgencyWorker", "SWENo", "FTE", "PersonBirthDate", "GenderCurrent", "Sex", "Ethnicity", "QualInst",
    "QualLevel", "StepUpGrad", "FrontlineGrad", "OrgRole", "RoleStartDate", "RoleEndDate", "StartOrigin",
    "LeaverDestination", "ReasonLeave", "FTE30", "Cases30", "WorkingDaysLost", "ContractWeeks",
    "Absat30Sept", "ReasonAbsence", "CFKSSstatus", "BaseSalary", "RRPayments", "OtherPayments",
)
LA_LEVEL_ITEMS = (
    "NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount", "RecruitmentBonus", "RetentionBonus",
    "PerformanceAward", "CarAllowance", "RelocationPackage", "RegionalWeighting", "CostSWE", "CostDBS",
    "OtherAllowances",
)
LA_LEVEL_ELEMENTS = ("LALevelVacancies", "LALevel")
# Wide encodings, by byte-order mark or by how "<" starts the file without one.
_WIDE_STARTS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (b"<\x00\x00\x00", "UTF-32"),
    (b"\x00\x00\x00<", "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
    (b"<\x00", "UTF-16"), (b"\x00<", "UTF-16"),
)
_DECLARED_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}


class CswwReadError(Exception):
    """The file cannot be read as a CSWW message at all (rule CSWW001)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class Element:
    tag: str
    line: int | None
    items: dict[str, str | None]


@dataclass
class CswwMessage:
    collection: str | None
    year: str | None
    reference_date: str | None
    lea: str | None
    software_code: str | None
    la_level: Element | None
    workers: list[Element]
    unknown_elements: list[tuple[str, int | None]] = field(default_factory=list)


def _wide_encoding(data: bytes) -> str | None:
    return next((name for start, name in _WIDE_STARTS if data.startswith(start)), None)


def looks_like_csww(head: bytes) -> bool:
    """Recognise a CSWW return by its content (the first few KB), not its name. UTF-16/32 text is
    recognised too, so that it gets a clear encoding error rather than "not a return"."""
    if _wide_encoding(head):
        head = head.replace(b"\x00", b"").lstrip(b"\xff\xfe")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<") and b"<Message" in head and b"CSWW" in head


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: object) -> str:
    """The local name of an element's tag ('' for anything that is not an element); cached per tag."""
    if not isinstance(tag, str):
        return ""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = etree.QName(tag).localname
        if len(_LOCAL_NAMES) > 10_000:  # a hostile file with endless distinct tags
            _LOCAL_NAMES.clear()
    return name


def _text(element: etree._Element) -> str | None:
    value = (element.text or "").strip()
    return value or None


def read_csww_xml(data: bytes) -> CswwMessage:
    if len(data) > MAX_BYTES:
        raise CswwReadError(f"the file is {len(data):,} bytes, larger than any real return "
                            f"(limit {MAX_BYTES:,}): not read")
    _check_encoding(data)
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise CswwReadError(DTD_REFUSED)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        raise CswwReadError(f"not well-formed XML: {exc.msg}", line) from None
    docinfo = root.getroottree().docinfo if root is not None else None
    if docinfo is not None and (docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url):
        raise CswwReadError(DTD_REFUSED)
    if root is None or _local(root.tag) != "Message":
        raise CswwReadError("not a CSWW message: the root element is not <Message>")

    header = _child(root, "Header")
    if header is None:
        raise CswwReadError("not a CSWW message: no <Header>")
    details = _child(header, "CollectionDetails")
    source = _child(header, "Source")
    message = CswwMessage(
        collection=_child_text(details, "Collection"),
        year=_child_text(details, "Year"),
        reference_date=_child_text(details, "ReferenceDate"),
        lea=_child_text(source, "LEA"),
        software_code=_child_text(source, "SoftwareCode"),
        la_level=None,
        workers=[],
    )
    if message.collection != "CSWW":
        raise CswwReadError("not a CSWW message: Header/CollectionDetails/Collection is not 'CSWW'")

    for child in root:
        tag = _local(child.tag)
        if tag == "Header":
            continue
        if tag in LA_LEVEL_ELEMENTS:
            message.la_level = _element(child, LA_LEVEL_ITEMS, message)
        elif tag == "CSWWWorker":
            message.workers.append(_element(child, WORKER_ITEMS, message))
        elif tag:
            message.unknown_elements.append((tag, child.sourceline))
    return message


DTD_REFUSED = ("the file declares a DOCTYPE or entities, which a CSWW return never has: not read (entities are "
               "never expanded)")


def _check_encoding(data: bytes) -> None:
    """Refuse, saying what the file is, anything but UTF-8 (or ASCII) text."""
    wide = _wide_encoding(data)
    if wide:
        raise CswwReadError(f"the file is {wide} text; a CSWW return is UTF-8 XML: export it again as UTF-8 "
                            "and resend")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise CswwReadError("the file contains NUL bytes: it is binary (or UTF-16 text), not a CSWW XML return",
                            line)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CswwReadError(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} at line {line} cannot be "
                            "read (a Latin-1/Windows-1252 export?); export it again as UTF-8 and resend",
                            line) from None
    declared = _DECLARED_ENCODING.match(data[:1024])
    if declared and declared.group(1).decode("ascii", "replace").strip().lower() not in _UTF8_NAMES:
        name = declared.group(1).decode("ascii", "replace")[:40]
        raise CswwReadError(f"the file declares encoding {name!r}; a CSWW return is UTF-8 XML: export it again "
                            "as UTF-8 and resend", 1)


def _element(node: etree._Element, known: tuple[str, ...], message: CswwMessage) -> Element:
    items: dict[str, str | None] = {}
    known_names = _KNOWN_SETS.get(known) or _KNOWN_SETS.setdefault(known, frozenset(known))
    names = _LOCAL_NAMES
    for child in node:
        tag = names.get(child.tag) if isinstance(child.tag, str) else ""  # the cache, inline: the hot loop
        if tag is None:
            tag = _local(child.tag)
        if not tag:
            continue
        if tag in known_names:
            text = child.text
            items[tag] = (text.strip() or None) if text else None
        else:
            message.unknown_elements.append((f"{_local(node.tag)}/{tag}", child.sourceline))
    return Element(tag=_local(node.tag), line=node.sourceline, items=items)


_KNOWN_SETS: dict[tuple[str, ...], frozenset[str]] = {}


def _child(node: etree._Element | None, name: str) -> etree._Element | None:
    if node is None:
        return None
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


def _child_text(node: etree._Element | None, name: str) -> str | None:
    child = _child(node, name)
    return _text(child) if child is not None else None
