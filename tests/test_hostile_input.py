"""Hostile files ("Every input" in returns.md): rejected with a clear message and no harm.

Unit tests first, on the readers and validators (fast; a failure points at the reader), then ONE run of the
real `workforce ingest` on a folder holding two good CSWW returns beside every hostile file: an XML external
entity pointing at a marker file (also hidden behind a UTF-7 declaration, and as an external DTD after 4 KB of
prolog), a billion-laughs entity bomb, a 60 MB file, binary junk named .xml, a Latin-1 file declared UTF-8,
UTF-16 text, a zip named .xlsx and a real workbook with a formula in a text cell. The marker string must
appear nowhere under WORKFORCE_HOME, nor in what the command prints.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import secrets
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest
from lxml import etree

from pipeline.ingestion import validate_file
from tests.csww_builders import SECRET, csww, la_level, worker
from tests.test_pipeline import workforce
from tests.workbook_builders import Formula, about, team_row, workbook, zip_not_xlsx
from validation.csww import validate_csww
from validation.readers.csww_xml import MAX_BYTES, CswwReadError, _parser, looks_like_csww, read_csww_xml
from validation.readers.workbook import WorkbookReadError, read_workbook
from validation.workbook import validate_workbook

HYPERLINK = '=HYPERLINK("http://x","y")'
OVERSIZED_BYTES = 60 * 1024 * 1024


# ---------------------------------------------------------------------------------------------------------
# The hostile files (bytes), shared by the unit tests and the end-to-end run
# ---------------------------------------------------------------------------------------------------------


def _body(lea: str = "840", **items: object) -> bytes:
    """A valid CSWW message (LEA 840, 2025) without its XML declaration; QualInst is the slot "QQQ"."""
    data = csww([worker(QualInst="QQQ", **items)], lea=lea, la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0))
    return data.split(b"?>", 1)[1].lstrip()


def xxe(marker: Path) -> bytes:
    """An external entity reading the marker file, used inside a worker item."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<!DOCTYPE Message [<!ENTITY secret SYSTEM "' + marker.as_uri().encode() + b'">]>\n'
            + _body().replace(b"QQQ", b"&secret;"))


def xxe_utf7(marker: Path) -> bytes:
    """The same entity, its markup hidden from a byte scan by a UTF-7 declaration (+ADw- is "<")."""
    return (b'<?xml version="1.0" encoding="UTF-7"?>\n'
            b'+ADw-!DOCTYPE Message +AFs-+ADw-!ENTITY secret SYSTEM +ACI-' + marker.as_uri().encode()
            + b'+ACI-+AD4-+AF0-+AD4-\n' + _body().replace(b"QQQ", b"+ACY-secret;"))


def xxe_external_dtd(marker: Path) -> bytes:
    """An external DTD (the marker file) declared after 5 KB of comment, beyond a scan of the first 4 KB."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!--' + b" padding" * 640 + b"-->\n"
            b'<!DOCTYPE Message SYSTEM "' + marker.as_uri().encode() + b'">\n' + _body())


def billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol "lol">']
    entities += [b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                 for i in range(1, 10)]
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Message [\n' + b"\n".join(entities) + b"\n]>\n"
            + _body().replace(b"QQQ", b"&lol9;"))


def oversized_parts() -> tuple[bytes, bytes, bytes]:
    """(start, one worker element repeated as padding, end) of a well-formed, valid-looking 60 MB return."""
    message = csww([worker()], la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0))
    first, last = message.index(b"<CSWWWorker>"), message.rindex(b"</CSWWWorker>") + len(b"</CSWWWorker>")
    return message[:first], message[first:last] + b"\n", message[last:]


def write_oversized(path: Path, size: int = OVERSIZED_BYTES) -> None:
    start, element, end = oversized_parts()
    block = element * (1024 * 1024 // len(element))
    with path.open("wb") as handle:
        handle.write(start)
        while handle.tell() < size:
            handle.write(block)
        handle.write(end)


def oversized() -> bytes:
    start, _, end = oversized_parts()
    return start + b" " * OVERSIZED_BYTES + end


def binary_junk() -> bytes:
    data = random.Random(20251004).randbytes(100_000)
    assert not data.startswith((b"<", b"PK", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    return data


def latin1() -> bytes:
    """Declared UTF-8, written in Latin-1 (the é of Université is one byte, 0xE9)."""
    data = _body().replace(b"QQQ", "Université de Paris".encode("latin-1"))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + data


def utf16() -> bytes:
    """A good return, saved as UTF-16 (with its byte-order mark, declared as UTF-16)."""
    return ('<?xml version="1.0" encoding="UTF-16"?>\n' + _body().decode()).encode("utf-16")


def formula_workbook(la_code: str = "390") -> bytes:
    """A real workbook whose free-text cell About/la_name holds a live formula (no saved result)."""
    return workbook(about_row=about(old_la_code=la_code, la_name=Formula(HYPERLINK)))


def marker_in(text: str | bytes, marker: str) -> bool:
    forms = [marker.encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le")]
    data = text.encode() if isinstance(text, str) else text
    return any(form in data for form in forms)


@pytest.fixture(scope="module")
def marker_file(tmp_path_factory) -> tuple[Path, str]:
    """A file outside every data folder holding a unique string that must never leak."""
    marker = f"MARKER-{secrets.token_hex(16)}"
    path = tmp_path_factory.mktemp("outside") / "marker.txt"
    path.write_text(marker)
    return path, marker


# ---------------------------------------------------------------------------------------------------------
# Unit level: the CSWW reader and validator
# ---------------------------------------------------------------------------------------------------------

XML_CASES = {
    # name: (builder taking the marker path, words in the CswwReadError message)
    "external entity": (xxe, "DOCTYPE or entities"),
    "external entity behind UTF-7": (xxe_utf7, "declares encoding 'UTF-7'"),
    "external DTD after 4 KB": (xxe_external_dtd, "DOCTYPE or entities"),
    "billion laughs": (lambda _: billion_laughs(), "DOCTYPE or entities"),
    "Latin-1 declared UTF-8": (lambda _: latin1(), "not UTF-8 text: byte 0xE9 at line"),
    "UTF-16 with BOM": (lambda _: utf16(), "UTF-16 text"),
    "UTF-16 without BOM": (lambda _: ('<?xml version="1.0" encoding="UTF-16"?>' + _body().decode())
                           .encode("utf-16-le"), "UTF-16 text"),
    "UTF-32": (lambda _: ('<?xml version="1.0" encoding="UTF-32"?>' + _body().decode()).encode("utf-32"),
               "UTF-32 text"),
    "NUL bytes": (lambda _: _body().replace(b"QQQ", b"Q\x00Q"), "NUL bytes"),
    "other declared encoding": (lambda _: b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + _body(),
                                "declares encoding 'ISO-8859-1'"),
}


@pytest.mark.parametrize("name", sorted(XML_CASES))
def test_reader_refuses_hostile_xml_with_a_clear_message(name, marker_file):
    build, words = XML_CASES[name]
    data = build(marker_file[0])
    started = time.perf_counter()
    with pytest.raises(CswwReadError) as refused:
        read_csww_xml(data)
    assert time.perf_counter() - started < 1
    assert words in str(refused.value), str(refused.value)
    assert not marker_in(str(refused.value), marker_file[1])


@pytest.mark.parametrize("name", sorted(XML_CASES))
def test_validator_rejects_the_file_as_csww001_and_leaks_nothing(name, marker_file):
    data = XML_CASES[name][0](marker_file[0])
    result = validate_csww(data, file_name="hostile.xml", known_la_codes={"840"}, secret=SECRET)
    assert result.file_rejected and result.status == "rejected"
    assert [i.rule_code for i in result.issues] == ["CSWW001"]
    assert result.frames == {} and result.rows_accepted == 0
    assert not marker_in(repr((result.issues, result.quarantined)), marker_file[1])


@pytest.mark.parametrize("name", sorted(XML_CASES))
def test_every_hostile_xml_is_recognised_as_a_csww_return(name, marker_file):
    """So that it gets the CSWW reader's own message (encoding, entities), not "not a return"."""
    assert looks_like_csww(XML_CASES[name][0](marker_file[0])[:8192])


def test_parser_never_resolves_an_external_entity_even_if_the_refusals_were_bypassed(marker_file):
    """Defence in depth: the lxml parser the reader uses keeps the entity unexpanded and fetches nothing."""
    path, marker = marker_file
    for data in (xxe(path), xxe_utf7(path)):
        root = etree.fromstring(data, _parser())
        assert not marker_in(etree.tostring(root), marker)
        assert not marker_in("".join(root.itertext()), marker)


def test_parser_stops_entity_expansion_quickly():
    started = time.perf_counter()
    try:
        root = etree.fromstring(billion_laughs(), _parser())
    except etree.XMLSyntaxError as exc:  # libxml2's amplification limit
        assert "amplification" in str(exc) or "entit" in str(exc).lower(), exc
    else:
        assert len(etree.tostring(root)) < 10_000  # kept unexpanded
    assert time.perf_counter() - started < 1


def test_oversized_file_is_refused_before_parsing():
    data = oversized()
    assert len(data) > MAX_BYTES
    started = time.perf_counter()
    with pytest.raises(CswwReadError, match="larger than any real return"):
        read_csww_xml(data)
    assert time.perf_counter() - started < 2


def test_a_good_return_with_a_bom_and_an_ascii_declaration_still_reads():
    good = csww()
    assert len(read_csww_xml(b"\xef\xbb\xbf" + good).workers) == 2
    ascii_declared = good.replace(b"encoding='UTF-8'", b"encoding='US-ASCII'")
    assert ascii_declared != good and len(read_csww_xml(ascii_declared).workers) == 2


# ---------------------------------------------------------------------------------------------------------
# Unit level: recognition by content (pipeline.ingestion.validate_file, what `ingest` calls per file)
# ---------------------------------------------------------------------------------------------------------


def check(data: bytes, name: str):
    return validate_file(data, len(data), name, SECRET, None)


@pytest.mark.parametrize(("name", "data", "code", "words"), [
    ("junk.xml", binary_junk(), "FILE001", "not a return this product recognises"),
    ("huge.xml", oversized(), "FILE001", "far larger than any real return"),
    ("latin1.xml", latin1(), "CSWW001", "not UTF-8"),
    ("utf16.xml", utf16(), "CSWW001", "UTF-16"),
    ("billion.xml", billion_laughs(), "CSWW001", "DOCTYPE or entities"),
    ("not_a_workbook.xlsx", zip_not_xlsx(), "RWR001", "the file is a zip archive"),
])
def test_validate_file_rejects_with_one_clear_file_error(name, data, code, words):
    result = check(data, name)
    assert result.status == "rejected" and result.frames == {}
    [issue] = result.issues
    assert issue.rule_code == code and words in issue.message, issue.message


# ---------------------------------------------------------------------------------------------------------
# Unit level: the workbook reader and validator
# ---------------------------------------------------------------------------------------------------------


def test_zip_named_xlsx_is_refused_by_the_reader():
    with pytest.raises(WorkbookReadError, match="not an .xlsx workbook: the file is a zip archive"):
        read_workbook(zip_not_xlsx())


def test_formula_in_a_free_text_cell_is_kept_as_text_never_run():
    book = read_workbook(formula_workbook())
    about_row = book.sheets["About"].rows[0]
    assert about_row.values["la_name"] == HYPERLINK and about_row.formulas["la_name"] == HYPERLINK
    result = validate_workbook(formula_workbook(), file_name="f.xlsx", known_la_codes={"390"})
    assert result.status == "accepted_with_warnings" and result.error_count == 0
    [issue] = result.issues
    assert issue.rule_code == "RWR022" and "not run" in issue.message
    assert issue.value == "'" + HYPERLINK  # shown with a leading ': a spreadsheet never runs it


def test_formula_like_team_type_is_neutralised_and_its_row_rejected():
    data = workbook(about_row=about(old_la_code="390"), teams=[team_row(HYPERLINK), team_row("long_term")])
    result = validate_workbook(data, file_name="f.xlsx", known_la_codes={"390"})
    assert {i.rule_code for i in result.issues} == {"RWR022", "RWR013"}
    assert all(not (i.value or "").startswith("=") and "'=HYPERLINK" in i.message for i in result.issues)
    assert result.rows_rejected == 1 and list(result.teams["team_type"]) == ["long_term"]
    [quarantined] = result.quarantined
    assert quarantined["items"]["team_type"] == "'" + HYPERLINK


# ---------------------------------------------------------------------------------------------------------
# End to end: one `workforce ingest` of a folder holding the good and the hostile files
# ---------------------------------------------------------------------------------------------------------

# file name -> (rule code, words in its message); None: accepted
EXPECTED = {
    "good_840_2025.xml": None,
    "good_841_2025.xml": None,
    "xxe_external_entity.xml": ("CSWW001", "DOCTYPE or entities"),
    "xxe_utf7.xml": ("CSWW001", "declares encoding 'UTF-7'"),
    "xxe_external_dtd.xml": ("CSWW001", "DOCTYPE or entities"),
    "billion_laughs.xml": ("CSWW001", "DOCTYPE or entities"),
    "oversized.xml": ("FILE001", "far larger than any real return"),
    "binary_junk.xml": ("FILE001", "not a return this product recognises"),
    "latin1_declared_utf8.xml": ("CSWW001", "not UTF-8 text"),
    "utf16.xml": ("CSWW001", "UTF-16 text"),
    "not_a_workbook.xlsx": ("RWR001", "the file is a zip archive"),
    "formula.xlsx": ("RWR022", "not run"),
}


def write_folder(folder: Path, marker: Path) -> None:
    folder.mkdir(parents=True)
    files = {
        "good_840_2025.xml": csww(lea="840"),
        "good_841_2025.xml": csww([worker(SWENo="SW300001", FTE=0.5, FTE30=0.5, Cases30=5)], lea="841",
                                  la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)),
        "xxe_external_entity.xml": xxe(marker),
        "xxe_utf7.xml": xxe_utf7(marker),
        "xxe_external_dtd.xml": xxe_external_dtd(marker),
        "billion_laughs.xml": billion_laughs(),
        "binary_junk.xml": binary_junk(),
        "latin1_declared_utf8.xml": latin1(),
        "utf16.xml": utf16(),
        "not_a_workbook.xlsx": zip_not_xlsx(),
        "formula.xlsx": formula_workbook("390"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    write_oversized(folder / "oversized.xml")
    assert sorted(p.name for p in folder.iterdir()) == sorted(EXPECTED)


def warehouse_rows(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, marker_file):
    base = tmp_path_factory.mktemp("hostile")
    home, sent = base / "home", base / "sent"
    write_folder(sent, marker_file[0])
    started = time.perf_counter()
    result = workforce(home, "ingest", str(sent))
    return {"home": home, "sent": sent, "result": result, "seconds": time.perf_counter() - started}


def test_command_rejects_files_without_crashing(ingested):
    result = ingested["result"]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "FAILED" not in result.stderr, result.stderr
    assert ingested["seconds"] < 60  # an entity bomb or a parse of the 60 MB file would show here


def test_each_file_gets_its_own_line(ingested):
    stdout = ingested["result"].stdout
    for name, expected in EXPECTED.items():
        # "<name>: <outcome>", perhaps after a progress prefix such as "[2/4] "
        [line] = [match.group(1) for match in re.finditer(rf"(?m)(?:^|\s)({re.escape(name)}: .*)$", stdout)]
        if expected is None:
            assert line.startswith(f"{name}: accepted"), line
        elif expected[0] == "RWR022":
            assert line.startswith(f"{name}: accepted with 1 warnings"), line
        else:
            assert line.startswith(f"{name}: rejected"), line


def test_each_file_is_recorded_with_its_rule_and_message(ingested):
    home = ingested["home"]
    submissions = {row[0]: row[1:] for row in warehouse_rows(
        home, "select file_name, submission_id, status, return_type from raw.submissions")}
    assert set(submissions) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        submission_id, status, _ = submissions[name]
        issues = warehouse_rows(home, "select rule_code, severity, message from raw.validation_issues "
                                      "where submission_id = ?", [submission_id])
        if expected is None:
            assert status == "accepted" and issues == [], (name, issues)
            continue
        code, words = expected
        [(rule_code, severity, message)] = issues
        assert rule_code == code and words in message, (name, issues)
        if code == "RWR022":
            assert status == "accepted_with_warnings" and severity == "warning"
        else:
            assert status == "rejected" and severity == "error", (name, status)
            quarantined = json.loads((home / "quarantine" / f"{submission_id}.json").read_text())
            assert quarantined["file_rejected"] and quarantined["file_reasons"][0].startswith(code)


def test_the_good_returns_loaded_and_nothing_of_the_hostile_files(ingested):
    home = ingested["home"]
    rows = warehouse_rows(home, """
        select s.file_name, w.old_la_code, count(*) from raw.csww_workers w
        join raw.submissions s using (submission_id) group by all order by all""")
    assert rows == [("good_840_2025.xml", "840", 2), ("good_841_2025.xml", "841", 1)]
    assert warehouse_rows(home, "select count(*) from raw.csww_la_level") == [(2,)]
    assert warehouse_rows(home, "select old_la_code from raw.workbook_summary") == [("390",)]


def test_every_file_sent_is_archived_byte_for_byte(ingested):
    archive = ingested["home"] / "archive"
    for path in ingested["sent"].iterdir():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        archived = archive / digest[:2] / f"{digest}{path.suffix}"
        assert archived.exists(), path.name
        assert archived.stat().st_size == path.stat().st_size
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == digest, path.name


def test_report_of_the_formula_workbook_holds_no_live_formula(ingested):
    home = ingested["home"]
    [report] = warehouse_rows(home, "select report_xlsx from raw.submissions where file_name = 'formula.xlsx'")
    book = openpyxl.load_workbook(io.BytesIO(Path(report[0]).read_bytes()))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert any("HYPERLINK" in str(cell.value) for cell in cells)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]


def test_marker_appears_nowhere_under_the_home_nor_in_the_output(ingested, marker_file):
    marker = marker_file[1]
    home, result = ingested["home"], ingested["result"]
    assert not marker_in(result.stdout + result.stderr, marker)
    files = [path for path in home.rglob("*") if path.is_file()]
    assert len(files) > 20  # archive, quarantine, reports, warehouse, Dagster's storage
    leaked = [str(path) for path in files if marker_in(path.read_bytes(), marker)]
    assert leaked == []
    # DuckDB may compress strings on disk: search every value of every table too
    con = duckdb.connect(str(home / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        assert tables
        for schema, table in tables:
            [(hits,)] = con.execute(f'select count(*) from "{schema}"."{table}" as t where t::varchar like ?',
                                    [f"%{marker}%"]).fetchall()
            assert hits == 0, (schema, table)
    finally:
        con.close()
