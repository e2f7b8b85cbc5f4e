"""The R4 quarterly agency return: every AGY rule (a failing and a passing file), .xlsx and CSV, hashing, the
price caps on the start date (a cap change inside a quarter), the template, and the report's sheet, row and cell."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from tests.agency_builders import agency_about, agency_csv, agency_workbook, assignment, default_assignments
from tests.workbook_builders import declared_zip_bomb, entity_bomb, junk, ole_encrypted
from validation import privacy
from validation.agency import AgencyFile, quarter_start, validate_agency, validate_agency_batch
from validation.agency_template import write_agency_template
from validation.readers.tabular import looks_like, workbook_kind
from validation.report import ISSUE_COLUMNS, write_reports
from validation.rules import RULES
from validation.schemas import agency as r4
from validation.schemas import diary as r5

KNOWN = {"840", "841", "390"}
SECRET = b"test-secret"
SWE = "SW1234567"


def run(data: bytes, expected_la: str | None = None):
    return validate_agency(data, file_name="agency.xlsx", known_la_codes=KNOWN, secret=SECRET,
                           expected_la=expected_la)


def codes(result) -> set[str]:
    return {issue.rule_code for issue in result.issues}


def messages(result) -> str:
    return "\n".join(f"{i.rule_code} {i.sheet} {i.line} {i.cell} {i.item} {i.value} {i.message}" for i in result.issues)


CLEAN = agency_workbook()

# (rule code, a return that breaks that rule). AGY040 is found in the warehouse (dbt), across the alliance.
TRIGGERS = {
    "AGY001": junk(),
    "AGY002": agency_workbook(about_row=agency_about(old_la_code="999")),
    "AGY003": agency_workbook(about_row=agency_about(quarter_end=date(2025, 6, 29))),
    "AGY010": agency_workbook(rows=[assignment(swe_number=None), assignment("AG-0002", swe_number="SW7654321")]),
    "AGY011": agency_workbook(rows=[assignment(hourly_pay_rate="thirty"), assignment("AG-0002")]),
    "AGY020": agency_workbook(rows=[assignment(start_date=date(2025, 5, 1), end_date=date(2025, 4, 20)),
                                    assignment("AG-0002")]),
    "AGY021": agency_workbook(rows=[assignment(start_date=date(2025, 7, 1)), assignment("AG-0002")]),
    "AGY022": agency_workbook(rows=[assignment(hourly_charge_rate=34.0), assignment("AG-0002")]),
    "AGY023": agency_workbook(rows=[assignment("AG-7"), assignment("ag-7 ", swe_number="SW7654321"),
                                    assignment("AG-8")]),
    "AGY030": agency_workbook(rows=[assignment(hourly_pay_rate=33.0, hourly_on_costs=4.72, hourly_charge_rate=44.0)]),
    "AGY031": agency_workbook(rows=[assignment(hourly_pay_rate=33.0, hourly_on_costs=4.72, hourly_charge_rate=44.0,
                                               cap_exception_approved_by="Director of Children's Services")]),
    "AGY032": agency_workbook(rows=[assignment(pqe_years=1.5)]),
    "AGY033": agency_workbook(rows=[assignment(references_received=1)]),
    "AGY034": agency_workbook(rows=[assignment(notice_weeks=8)]),
    "AGY050": agency_workbook(columns={"Assignments": [*r4.ASSIGNMENTS.columns, "notes"]},
                              rows=[{**assignment(), "notes": "agency B"}]),
    "AGY051": agency_workbook(rows=[assignment(cap_exception_approved_by="=HYPERLINK(\"http://x\",\"y\")")]),
    "AGY052": agency_workbook(columns={"Assignments": [c for c in r4.ASSIGNMENTS.columns if c != "notice_weeks"]}),
    "AGY053": agency_workbook(rows=[]),
}
WAREHOUSE_RULES = {"AGY040"}


def test_clean_return_has_no_issues_in_both_formats():
    for data in (CLEAN, agency_csv()):
        result = run(data)
        assert result.issues == [], messages(result)
        assert (result.status, result.return_type, result.old_la_code, result.quarter_end, result.census_year) == (
            "accepted", "agency", "840", date(2025, 6, 30), 2025)
        assert result.rows_received == result.rows_accepted == 2
        assert result.assignments["assignment_id"].tolist() == ["AG-0001", "AG-0002"]
        spend = result.returns[list(r4.SPEND_COLUMNS)].iloc[0].tolist()
        assert spend == [182_000.0, 175_500.5, 190_250.0]


def test_every_rule_has_a_trigger_and_is_in_the_rule_table():
    assert set(TRIGGERS) == {code for code in RULES if code.startswith("AGY")} - WAREHOUSE_RULES
    assert RULES["AGY040"].severity == "warning" and "3 months" in RULES["AGY040"].description


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_fails_its_file_and_not_the_clean_one(code):
    result = run(TRIGGERS[code])
    assert code in codes(result), messages(result)
    assert code not in codes(run(CLEAN))
    found = next(i for i in result.issues if i.rule_code == code)
    assert found.message and found.action
    rule = RULES[code]
    if rule.severity == "error" and rule.scope == "file":
        assert result.status == "rejected" and result.rows_accepted == 0 and not result.frames
    elif rule.severity == "error":
        assert result.rows_rejected >= 1 and len(result.quarantined) == result.rows_rejected
        assert found.sheet == "Assignments" and found.line >= 2 and found.cell
        assert len(result.assignments) == result.rows_received - result.rows_rejected
    else:
        assert result.rows_rejected == 0 and not result.file_rejected, messages(result)


@pytest.mark.parametrize("code", ["AGY010", "AGY011", "AGY020", "AGY021", "AGY022", "AGY023", "AGY030", "AGY031",
                                  "AGY032", "AGY033", "AGY034"])
def test_the_same_rows_as_csv_break_the_same_rule(code):
    book = openpyxl.load_workbook(io.BytesIO(TRIGGERS[code]))
    sheet = book["Assignments"]
    header = [c.value for c in sheet[1]]
    rows = [{h: (v.date() if hasattr(v, "date") else v) for h, v in zip(header, r, strict=True)}
            for r in sheet.iter_rows(min_row=2, values_only=True)]
    result = run(agency_csv(rows=rows))
    assert code in codes(result), messages(result)
    found = next(i for i in result.issues if i.rule_code == code)
    assert found.sheet is None and found.cell and found.cell[-1].isdigit()  # a CSV has no sheet, but cells


# --- the bad input issue 21 names -----------------------------------------------------------------------

@pytest.mark.parametrize("column, value, words", [
    ("hourly_pay_rate", "£30", "hourly_pay_rate should be a number above 0"),
    ("hourly_pay_rate", -30.0, "hourly_pay_rate should be a number above 0"),
    ("hourly_pay_rate", 0, "hourly_pay_rate should be a number above 0"),
    ("hourly_on_costs", -1, "hourly_on_costs should be a number from 0"),
    ("hourly_charge_rate", "n/a", "hourly_charge_rate should be a number above 0"),
])
def test_rates_as_text_or_negative_are_agy011_and_only_that_row_is_rejected(column, value, words):
    result = run(agency_workbook(rows=[assignment(**{column: value}), assignment("AG-0002")]))
    assert codes(result) == {"AGY011"}, messages(result)
    issue = result.issues[0]
    letter = openpyxl.utils.get_column_letter(list(r4.ASSIGNMENTS.columns).index(column) + 1)
    assert (issue.sheet, issue.line, issue.cell, issue.item) == ("Assignments", 2, f"{letter}2",
                                                                 f"Assignments/{column}")
    assert words in issue.message and f"Assignments row 2 (cell {letter}2)" in issue.message
    assert result.status == "rows_rejected" and result.assignments["assignment_id"].tolist() == ["AG-0002"]
    assert result.quarantined[0]["reasons"] == [f"AGY011 {column}"]


@pytest.mark.parametrize("start, end, rejected", [
    (date(2025, 7, 1), None, True),  # starts after the quarter end (30 June 2025)
    (date(2025, 1, 6), date(2025, 3, 31), True),  # ended the day before the quarter began (1 April 2025)
    (date(2025, 1, 6), date(2025, 4, 1), False),  # ended on the quarter's first day: active in it
    (date(2025, 6, 30), None, False),  # started on the quarter end
    (date(2023, 3, 1), None, False),  # long-running: started before the quarter, still running
])
def test_an_assignment_outside_its_quarter_is_agy021(start, end, rejected):
    result = run(agency_workbook(rows=[assignment(start_date=start, end_date=end)]))
    assert ("AGY021" in codes(result)) is rejected, messages(result)
    assert result.rows_rejected == int(rejected)


def test_quarter_start():
    assert [quarter_start(d) for d in (date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30),
                                       date(2025, 9, 30))] == [date(2024, 10, 1), date(2025, 1, 1),
                                                               date(2025, 4, 1), date(2025, 7, 1)]


@pytest.mark.parametrize("quarter_end, words", [
    (date(2025, 6, 29), "not a quarter end"), ("2025-02-30", "not a date"), (None, "is empty"),
    ("end of June", "not a date"),
])
def test_a_quarter_end_that_is_not_one_is_agy003(quarter_end, words):
    result = run(agency_workbook(about_row=agency_about(quarter_end=quarter_end)))
    assert codes(result) == {"AGY003"} and result.status == "rejected"
    assert words in result.issues[0].message and result.issues[0].cell == "C2"


def test_duplicate_assignment_ids_reject_every_copy():
    result = run(TRIGGERS["AGY023"])
    assert [i.line for i in result.issues if i.rule_code == "AGY023"] == [2, 3]
    assert result.assignments["assignment_id"].tolist() == ["AG-8"]
    assert "also on row 3" in result.issues[0].message


def test_charge_below_pay_plus_on_costs_is_agy022_to_the_penny():
    assert "AGY022" in codes(run(agency_workbook(rows=[assignment(hourly_charge_rate=34.28)])))
    assert "AGY022" not in codes(run(agency_workbook(rows=[assignment(hourly_charge_rate=34.29)])))


# --- the price caps: the cap in force on the start date ------------------------------------------------------

def test_a_cap_change_inside_the_quarter_is_crossed_by_the_start_date():
    """Worked by hand: the North East's illustrative social worker cap is £36.00 from 31 October 2024 and
    £37.00 from 1 May 2025 (inside the quarter to 30 June 2025). Two assignments at £32.00 + £4.58 = £36.58 an
    hour: the one that started on 30 April is over the cap in force then (£36.00); the one that started on
    1 May is within the new cap (£37.00)."""
    rows = [assignment("AG-A", start_date=date(2025, 4, 30), hourly_pay_rate=32.0, hourly_on_costs=4.58,
                       hourly_charge_rate=41.0),
            assignment("AG-B", swe_number="SW7654321", start_date=date(2025, 5, 1), hourly_pay_rate=32.0,
                       hourly_on_costs=4.58, hourly_charge_rate=41.0)]
    result = run(agency_workbook(rows=rows))
    over = [i for i in result.issues if i.rule_code == "AGY030"]
    assert [i.line for i in over] == [2] and codes(result) == {"AGY030"}
    assert "£36.58 is above the social_worker cap £36.00" in over[0].message
    assert "cap from 2024-10-31" in over[0].message
    assert result.status == "accepted_with_warnings" and len(result.assignments) == 2


def test_an_approved_exception_is_agy031_not_agy030():
    result = run(TRIGGERS["AGY031"])
    assert codes(result) == {"AGY031"} and "Director of Children's Services" in result.issues[0].message
    assert codes(run(TRIGGERS["AGY030"])) == {"AGY030"}


def test_an_assignment_started_before_any_cap_is_not_checked_and_another_alliance_has_none():
    old = run(agency_workbook(rows=[assignment(start_date=date(2021, 1, 4), hourly_pay_rate=60.0,
                                               hourly_on_costs=8.6, hourly_charge_rate=80.0)]))
    assert "AGY030" not in codes(old)  # the first illustrative caps apply from 1 April 2022
    other = validate_agency(agency_workbook(about_row=agency_about(old_la_code="202", la_name="Camden"),
                                            rows=[assignment(hourly_pay_rate=60.0, hourly_on_costs=8.6,
                                                             hourly_charge_rate=80.0)]),
                            file_name="x.xlsx", known_la_codes={"202"}, secret=SECRET)
    assert other.issues == [], messages(other)  # London has set no caps in this product


# --- hashing: no raw SWE number anywhere but quarantine ---------------------------------------------------

def test_swe_number_is_hashed_like_the_census_sweno_and_never_leaves_but_to_quarantine(tmp_path):
    rows = [assignment("AG-1", swe_number="sw 1234567"), assignment("AG-2", swe_number="SW7654321", pqe_years=1),
            assignment("AG-3", swe_number="SW5550001", hourly_pay_rate="x")]
    result = run(agency_workbook(rows=rows))
    frame = result.assignments
    assert "swe_number" not in frame.columns
    assert frame["worker_ref"].tolist() == [privacy.worker_ref("SW1234567", SECRET),
                                            privacy.worker_ref("SW7654321", SECRET)]
    assert frame["worker_ref"].tolist() == privacy.worker_refs(["SW1234567", "SW7654321"], SECRET)
    warned = next(i for i in result.issues if i.rule_code == "AGY032")
    assert warned.worker_ref == privacy.worker_ref("SW7654321", SECRET)
    assert result.quarantined[0]["items"]["swe_number"] == "SW5550001"  # quarantine keeps what was sent
    html, xlsx = write_reports(tmp_path / "report", [("File", "agency.xlsx")], result.issues)
    texts = [html.read_text(), frame.to_csv(), repr([i.as_record("agency.xlsx") for i in result.issues])]
    book = openpyxl.load_workbook(xlsx)
    texts += [str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None]
    for number in ("1234567", "7654321", "5550001"):
        assert not any(number in text for text in texts), number


def test_a_malformed_swe_number_is_agy011_and_its_value_withheld():
    result = run(agency_workbook(rows=[assignment(swe_number="1234567X")]))
    issue = result.issues[0]
    assert (issue.rule_code, issue.value) == ("AGY011", "(withheld)") and "1234567X" not in issue.message


# --- About, CSV and hostile files -------------------------------------------------------------------------

def test_invalid_monthly_spend_is_agy011_on_about_and_the_rows_still_load():
    result = run(agency_workbook(about_row=agency_about(monthly_agency_spend_2="lots")))
    assert codes(result) == {"AGY011"} and result.issues[0].cell == "E2" and result.issues[0].sheet == "About"
    assert result.rows_rejected == 0 and len(result.assignments) == 2
    assert pd.isna(result.returns["monthly_agency_spend_2"].iloc[0])
    assert result.quarantined[0]["sheet"] == "About" and result.quarantined[0]["counts_as_row"] is False


def test_wrong_la_for_submission_is_agy002():
    result = run(CLEAN, expected_la="841")
    assert codes(result) == {"AGY002"} and "submitted for LA 841" in result.issues[0].message


def test_csv_about_columns_that_disagree_reject_the_file():
    rows = default_assignments()
    rows[1] = {**rows[1], "quarter_end": "2025-03-31"}
    result = run(agency_csv(rows=rows))
    assert codes(result) == {"AGY001"} and "a file is one LA's return for one period" in result.issues[0].message
    assert result.issues[0].line == 3


def test_csv_with_about_on_the_first_row_only_is_read():
    result = run(agency_csv(about_on_every_row=False))
    assert result.status == "accepted", messages(result)


@pytest.mark.parametrize("data, words", [
    (agency_csv(encoding="utf-16"), "UTF-16"),
    (agency_csv(rows=[assignment(cap_exception_approved_by="Directrice adjointe é")], encoding="latin-1"),
     "not UTF-8"),
    (junk(), "NUL bytes"),
    (ole_encrypted(), "password-protected"),
    (declared_zip_bomb(), "zip bomb"),
    (entity_bomb(), "DTD or entities"),
    (b"", "empty"),
    (b"name,value\nx,1\n", "names none of the Assignments columns"),
])
def test_hostile_or_wrong_files_are_agy001_with_a_clear_message(data, words):
    result = run(data)
    assert codes(result) == {"AGY001"} and result.status == "rejected"
    assert words in result.issues[0].message, result.issues[0].message


def test_an_r2_workbook_is_not_an_agency_return():
    from tests.workbook_builders import workbook
    result = run(workbook())
    assert codes(result) == {"AGY001"} and "no Assignments sheet" in result.issues[0].message


def test_recognised_by_content():
    assert looks_like(agency_csv()[:4096], r4.LAYOUT) and not looks_like(agency_csv()[:4096], r5.LAYOUT)
    assert workbook_kind(CLEAN, (r4.LAYOUT, r5.LAYOUT)) == "agency"
    from tests.workbook_builders import workbook
    assert workbook_kind(workbook(), (r4.LAYOUT, r5.LAYOUT)) is None
    assert workbook_kind(junk(), (r4.LAYOUT, r5.LAYOUT)) is None


def test_batch_gives_each_file_what_it_gets_alone():
    files = [TRIGGERS["AGY011"], CLEAN, TRIGGERS["AGY003"], agency_csv(), TRIGGERS["AGY023"]]
    batch = validate_agency_batch([AgencyFile(d, f"f{n}") for n, d in enumerate(files)], known_la_codes=KNOWN,
                                  secret=SECRET)
    for number, data in enumerate(files):
        alone = validate_agency(data, file_name=f"f{number}", known_la_codes=KNOWN, secret=SECRET)
        assert batch[number].issues == alone.issues
        assert batch[number].quarantined == alone.quarantined
        for table in alone.frames:
            pd.testing.assert_frame_equal(batch[number].frames[table], alone.frames[table])


def test_issues_render_in_the_report_with_sheet_row_and_cell(tmp_path):
    result = run(TRIGGERS["AGY022"])
    _, xlsx = write_reports(tmp_path / "r", [("File", "agency.xlsx")], result.issues)
    rows = list(openpyxl.load_workbook(xlsx)["Issues"].iter_rows(values_only=True))
    record = dict(zip(ISSUE_COLUMNS, rows[1], strict=True))
    assert (record["rule_code"], record["sheet"], record["line"], record["cell"]) == ("AGY022", "Assignments", 2,
                                                                                      "I2")


# --- the template ------------------------------------------------------------------------------------------

def unlocked_columns(sheet) -> set[int]:
    """The column numbers whose format unlocks their cells (openpyxl groups neighbouring columns)."""
    return {number for dimension in sheet.column_dimensions.values() if dimension.min
            and not dimension.protection.locked for number in range(dimension.min, dimension.max + 1)}


def test_filled_template_validates_clean(tmp_path):
    path = write_agency_template(tmp_path / "r4.xlsx", "840", "2025-06-30")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Guidance", "About", "Assignments", "Lists"]
    about = book["About"]
    assert [c.value for c in about[1]] == list(r4.ABOUT_COLUMNS)
    assert about["A2"].value == "840" and about["C2"].value.date() == date(2025, 6, 30)
    for cell, value in zip(("D2", "E2", "F2"), (120_000, 118_500.5, 121_000), strict=True):
        about[cell] = value
    sheet = book["Assignments"]
    assert [c.value for c in sheet[1]] == list(r4.ASSIGNMENTS.columns)
    for row in default_assignments():
        sheet.append([row[c] for c in r4.ASSIGNMENTS.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue())
    assert result.status == "accepted", messages(result)
    assert len(result.assignments) == 2 and result.returns["monthly_agency_spend_2"].iloc[0] == 118_500.5


def test_template_lists_checks_and_caps(tmp_path):
    path = write_agency_template(tmp_path / "r4.xlsx", "840", date(2025, 6, 30))
    book = openpyxl.load_workbook(path)
    guidance = " ".join(str(c.value) for row in book["Guidance"].iter_rows() for c in row if c.value)
    for words in ("1 April 2025 to 30 June 2025", "£36.00 from 31 October 2024", "£37.00 from 1 May 2025",
                  "illustrative", "never who the worker is", "cap_exception_approved_by", "County Durham (840)"):
        assert words in guidance, words
    validations = book["Assignments"].data_validations.dataValidation
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in validations if dv.type == "list"}
    assert lists["C"] == '"' + ",".join(r4.ROLE_TYPES) + '"' and lists["J"] == '"0,1"'
    assert {dv.type for dv in validations} == {"list", "date", "decimal", "whole"}
    sheet = book["Assignments"]  # input columns unlocked (the column's format), the header locked
    assert unlocked_columns(sheet) == set(range(1, len(r4.ASSIGNMENT_COLUMNS) + 1))
    assert sheet["A1"].protection.locked and sheet.protection.sheet
    assert book["About"]["A2"].protection.locked and not book["About"]["D2"].protection.locked
    assert validate_agency(path.read_bytes(), file_name="t", known_la_codes=KNOWN, secret=SECRET).status == \
        "accepted_with_warnings"  # an empty template: AGY053 only


@pytest.mark.parametrize("quarter_end, words", [("2025-06-29", "not a quarter end"), ("soon", "not a date")])
def test_template_refuses_a_date_that_is_not_a_quarter_end(tmp_path, quarter_end, words):
    with pytest.raises(ValueError, match=words):
        write_agency_template(tmp_path / "x.xlsx", "840", quarter_end)
    with pytest.raises(ValueError, match="not a known English LA code"):
        write_agency_template(tmp_path / "x.xlsx", "999", "2025-06-30")
