"""The R2 regional workforce workbook: the template, the safe reader, every RWR rule, hostile files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, time, timedelta

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipeline import warehouse
from tests.workbook_builders import (
    KNOWN,
    Formula,
    about,
    broken_sheet_xml,
    declared_zip_bomb,
    deflated_zip_bomb,
    encrypted_zip_member,
    entity_bomb,
    fill_template,
    junk,
    non_sw_row,
    ole_encrypted,
    summary_row,
    team_row,
    truncated,
    understated_zip_bomb,
    with_member,
    word_document,
    workbook,
    zip_not_xlsx,
)
from validation.readers.workbook import (
    MAX_ROWS,
    is_formula_like,
    looks_like_workbook,
    peek_about,
    read_workbook,
    shown,
)
from validation.report import write_reports
from validation.result import ValidationResult
from validation.rules import RULES
from validation.schemas.workbook import NON_SW_COLUMNS, NON_SW_ROLES, SUMMARY_COLUMNS, TEAM_COLUMNS, TEAM_TYPES
from validation.workbook import census_year_of, validate_workbook
from validation.workbook_template import write_template


def run(data: bytes, expected_la: str | None = None, file_name: str = "return.xlsx"):
    return validate_workbook(data, file_name=file_name, known_la_codes=KNOWN, expected_la=expected_la)


def codes(result) -> set[str]:
    return {issue.rule_code for issue in result.issues}


def messages(result) -> str:
    return "\n".join(f"{i.rule_code} {i.line} {i.item} {i.value} {i.message}" for i in result.issues)


CLEAN = workbook()
BLANK_TEAMS = [team_row(t, **{c: None for c in TEAM_COLUMNS}) for t in TEAM_TYPES]

# (rule code, a workbook that breaks only that rule)
TRIGGERS = {
    "RWR001": junk(),
    "RWR002": workbook(about_row=about(old_la_code="999")),
    "RWR003": workbook(about_row=about(period_end="soon")),
    "RWR004": workbook(about_row=about(period_end="2025-08-31")),
    "RWR005": workbook(about_row=about(period_end=date(2025, 6, 30), return_type="annual")),
    "RWR010": workbook(summary=[summary_row(vacancy_fte=-1.5)]),
    "RWR011": workbook(teams=[team_row(children_cp=2.5)]),
    "RWR012": workbook(summary=[summary_row(inpost_fte=410.0)]),
    "RWR013": workbook(teams=[team_row("social_care")]),
    "RWR014": workbook(non_sw=[non_sw_row("personal_adviser"), non_sw_row("Personal Adviser")]),
    "RWR020": workbook(extra_sheets={"My notes": [["anything"]]}),
    "RWR021": workbook(columns={"Teams": ["team_type", *TEAM_COLUMNS, "comments"]}),
    "RWR022": workbook(about_row=about(la_name='=HYPERLINK("http://evil.example","Durham")')),
    "RWR023": workbook(columns={"NonSW": ["role", *NON_SW_COLUMNS[:-1]]}),
    "RWR030": workbook(drop=("Summary",)),
    "RWR031": workbook(drop=("Teams",)),
    "RWR032": workbook(summary=[], teams=BLANK_TEAMS, non_sw=[]),
    "RWR033": workbook(about_row=about(period_end=date(2025, 6, 30)),
                       summary=[summary_row(leavers_fte=120.0, leavers_headcount=130)]),
    "RWR034": workbook(summary=[summary_row(working_days_lost_fte=200_000)]),
}


# --- every rule: triggered by a minimal workbook, not by the clean one --------------------------------------

def test_clean_workbook_has_no_issues():
    result = run(CLEAN)
    assert result.issues == [], messages(result)
    assert result.status == "accepted"
    assert (result.return_type, result.old_la_code, result.period_end, result.census_year) == (
        "workbook", "840", date(2025, 9, 30), 2025)
    assert result.rows_received == result.rows_accepted == 5
    assert len(result.summary) == 1 and len(result.teams) == 2 and len(result.non_sw) == 2


# RWR040 compares a workbook with the CSWW return in the warehouse: tests/test_pipeline_workbook.py triggers it.
WAREHOUSE_RULES = {"RWR040"}


def test_every_rule_has_a_trigger():
    assert set(TRIGGERS) == {code for code in RULES if code.startswith("RWR")} - WAREHOUSE_RULES


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_is_triggered(code):
    result = run(TRIGGERS[code])
    assert code in codes(result), messages(result)
    found = next(i for i in result.issues if i.rule_code == code)
    assert found.message and found.action
    rule = RULES[code]
    if rule.severity == "error" and rule.scope == "file":
        assert result.status == "rejected" and result.rows_accepted == 0
        assert all(not frame.size for frame in result.frames.values())
    elif rule.severity == "error":
        assert result.rows_rejected >= 1 and found.line is not None
        assert len(result.quarantined) == result.rows_rejected
        assert found.item.split("/")[0] in {"Summary", "Teams", "NonSW"}
    else:
        assert result.rows_rejected == 0 and not result.file_rejected, messages(result)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_is_not_triggered_by_clean_workbook(code):
    assert code not in codes(run(CLEAN))


ROW_ERRORS = sorted(c for c in TRIGGERS if RULES[c].scope == "row" and RULES[c].severity == "error")


@pytest.mark.parametrize("code", ROW_ERRORS)
def test_row_error_rejects_only_its_row(code):
    result = run(TRIGGERS[code])
    assert result.status == "rows_rejected"
    assert result.rows_accepted == result.rows_received - result.rows_rejected > 0
    for record in result.quarantined:
        assert set(record) == {"sheet", "line", "items", "reasons"}
        assert record["reasons"] and all(reason.startswith("RWR") for reason in record["reasons"])
        frame = {"Summary": result.summary, "Teams": result.teams, "NonSW": result.non_sw}[record["sheet"]]
        assert record["line"] not in frame["line"].tolist()


# --- file rules in detail -----------------------------------------------------------------------------------

def test_la_code_typed_as_a_number_is_read_as_the_code():
    result = run(workbook(about_row=about(old_la_code=840)))
    assert result.old_la_code == "840" and result.status == "accepted"


def test_wrong_la_for_submission_is_rwr002():
    result = run(CLEAN, expected_la="841")
    assert codes(result) == {"RWR002"} and result.status == "rejected"
    assert "submitted for LA 841" in result.issues[0].message
    assert run(CLEAN, expected_la="840").status == "accepted"


@pytest.mark.parametrize("about_row, words", [
    (about(old_la_code=None), "old_la_code) is empty"),
    (about(old_la_code="=1+1"), "not a known English LA code"),
])
def test_la_code_missing_or_unknown_is_rwr002(about_row, words):
    result = run(workbook(about_row=about_row))
    assert "RWR002" in codes(result) and result.status == "rejected"
    assert words in messages(result)


def test_no_about_sheet_is_rwr002():
    result = run(workbook(drop=("About",)))
    assert codes(result) == {"RWR002"} and result.file_rejected
    assert "no About sheet" in result.issues[0].message


def test_two_about_rows_is_rwr002():
    book = openpyxl.load_workbook(io.BytesIO(CLEAN))
    book["About"].append(["841", "Darlington", date(2025, 9, 30)])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue())
    assert codes(result) == {"RWR002"} and "2 filled rows" in result.issues[0].message


@pytest.mark.parametrize("period_end, code", [
    (None, "RWR003"), ("soon", "RWR003"), ("2025-09-31", "RWR003"), (12.5, "RWR003"),
    ("2025-08-31", "RWR004"), (date(2025, 9, 29), "RWR004"),
])
def test_bad_period_end_is_rwr003_and_not_a_quarter_end_rwr004(period_end, code):
    result = run(workbook(about_row=about(period_end=period_end)))
    assert codes(result) == {code}, messages(result)
    assert result.status == "rejected" and "About C2 (period_end)" in result.issues[0].message
    assert (result.issues[0].sheet, result.issues[0].cell) == ("About", "C2")


@pytest.mark.parametrize("period_end, census_year", [
    (date(2025, 9, 30), 2025), (date(2024, 12, 31), 2025), (date(2025, 3, 31), 2025), (date(2025, 6, 30), 2025),
    (date(2025, 12, 31), 2026), ("30/09/2024", 2024), ("2023-09-30", 2023), ("31 December 2024", 2025),
    (45930, 2025),  # an Excel date serial (30 September 2025) typed without a date format
])
def test_period_end_gives_the_census_year(period_end, census_year):
    result = run(workbook(about_row=about(period_end=period_end)))
    assert result.status == "accepted", messages(result)
    assert result.census_year == census_year
    assert set(result.summary["census_year"]) == {census_year}


def test_census_year_of_boundaries():
    assert census_year_of(date(2024, 10, 1)) == 2025
    assert census_year_of(date(2024, 9, 30)) == 2024
    assert census_year_of(date(2025, 9, 30)) == 2025


# --- row rules in detail ------------------------------------------------------------------------------------

def test_issue_names_sheet_row_column_and_value():
    result = run(workbook(teams=[team_row("front_door"), team_row("assessment", children_cla="twelve")]))
    issue = next(i for i in result.issues if i.rule_code == "RWR011")
    assert (issue.line, issue.item, issue.value) == (3, "Teams/children_cla", "twelve")
    assert "Teams row 3 (cell G3)" in issue.message and "children_cla" in issue.message
    assert result.quarantined == [{
        "sheet": "Teams", "line": 3, "items": team_row("assessment", children_cla="twelve"),
        "reasons": ["RWR011 children_cla"]}]
    assert result.teams["team_type"].tolist() == ["front_door"]


@pytest.mark.parametrize("value, code", [
    (-1, "RWR010"), ("-1", "RWR010"), (2.5, "RWR011"), ("2.5", "RWR011"), ("n/a", "RWR011"), (True, "RWR011"),
    (date(2025, 1, 1), "RWR011"), ("-", "RWR011"), (-2.5, "RWR011"),
])
def test_child_counts_are_whole_non_negative_numbers(value, code):
    result = run(workbook(teams=[team_row(children_cin=value)]))
    assert {i.rule_code for i in result.issues if i.rejects_row} == {code}, messages(result)
    assert len([i for i in result.issues if i.item == "Teams/children_cin"]) == 1  # one issue per cell


@pytest.mark.parametrize("value, expected", [(12, 12.0), ("12", 12.0), (" 7.25 ", 7.25), (0, 0.0), ("1e1", 10.0)])
def test_numbers_as_sent_are_accepted(value, expected):
    result = run(workbook(non_sw=[non_sw_row(agency_fte=value)]))
    assert result.status == "accepted", messages(result)
    assert result.non_sw["agency_fte"].iloc[0] == expected


def test_empty_figures_are_null_not_zero():
    result = run(workbook(summary=[summary_row(agency_cover_fte=None, cases="  ")]))
    assert result.status == "accepted"
    row = result.summary.iloc[0]
    assert pd.isna(row["agency_cover_fte"]) and pd.isna(row["cases"]) and row["inpost_fte"] == 380.5


@pytest.mark.parametrize("pair", [("starters_fte", "starters_headcount"), ("leavers_fte", "leavers_headcount"),
                                  ("agency_fte", "agency_headcount"), ("inpost_fte", "inpost_headcount")])
def test_fte_above_headcount_is_rwr012(pair):
    fte, headcount = pair
    result = run(workbook(summary=[summary_row(**{fte: 10.5, headcount: 10})]))
    assert codes(result) == {"RWR012"} and result.issues[0].item == f"Summary/{fte}"
    assert run(workbook(summary=[summary_row(**{fte: 10.0, headcount: 10})])).status == "accepted"


def test_nonsw_fte_above_headcount_and_nqsw_above_case_holders_are_rwr012():
    result = run(workbook(non_sw=[non_sw_row(fte=31, headcount=30)],
                          teams=[team_row(case_holders_fte=5.0, nqsw_case_holders_fte=6.0)]))
    assert [(i.rule_code, i.item) for i in result.issues] == [
        ("RWR012", "Teams/nqsw_case_holders_fte"), ("RWR012", "NonSW/fte")]


def test_team_and_role_names_are_matched_loosely_and_stored_canonically():
    result = run(workbook(teams=[team_row(" Front Door "), team_row("children-in-care")],
                          non_sw=[non_sw_row("Business Support")]))
    assert result.status == "accepted", messages(result)
    assert result.teams["team_type"].tolist() == ["front_door", "children_in_care"]
    assert result.non_sw["role"].tolist() == ["business_support"]


def test_row_with_figures_but_no_team_type_is_rwr013():
    result = run(workbook(teams=[team_row(None)]))
    assert codes(result) == {"RWR013"} and "team_type is empty" in result.issues[0].message


def test_duplicate_team_type_rejects_every_copy():
    result = run(workbook(teams=[team_row("long_term"), team_row("front_door"), team_row("long_term")]))
    assert [i.line for i in result.issues if i.rule_code == "RWR014"] == [2, 4]
    assert result.teams["team_type"].tolist() == ["front_door"]


def test_two_summary_rows_are_rwr014():
    result = run(workbook(summary=[summary_row(), summary_row(cases=10)]))
    assert {i.rule_code for i in result.issues} == {"RWR014"} and result.summary.empty
    assert result.rows_rejected == 2


def test_blank_template_rows_are_no_rows():
    teams = BLANK_TEAMS[:3] + [team_row("long_term")] + BLANK_TEAMS[4:]
    result = run(workbook(teams=teams, summary=[{c: None for c in SUMMARY_COLUMNS}]))
    assert result.issues == [], messages(result)
    assert result.rows_received == 3  # one Teams row, two NonSW rows
    assert result.teams["team_type"].tolist() == ["long_term"] and result.summary.empty


# --- warnings in detail -------------------------------------------------------------------------------------

def test_unknown_sheets_and_columns_are_reported_and_ignored():
    data = workbook(columns={"Summary": ["Notes", *SUMMARY_COLUMNS], "Teams": ["team_type", *TEAM_COLUMNS, ""]},
                    extra_sheets={"Sheet1": [["x"]], "Guidance": [["our own notes"]]})
    result = run(data)
    assert result.status == "accepted_with_warnings", messages(result)
    assert {(i.rule_code, i.value) for i in result.issues} == {("RWR021", "Notes"), ("RWR020", "Sheet1")}
    assert result.summary["inpost_fte"].iloc[0] == 380.5


def test_headers_and_sheet_names_match_ignoring_case_and_spaces():
    data = workbook(columns={"Summary": [f"  {c.upper()} " for c in SUMMARY_COLUMNS],
                             "Teams": ["Team Type", *[c.replace("_", " ").title() for c in TEAM_COLUMNS]]},
                    sheet_names={"NonSW": "Non SW", "Summary": "summary"})
    result = run(data)
    assert result.status == "accepted", messages(result)
    assert result.summary["cases"].iloc[0] == 5200 and len(result.teams) == 2 and len(result.non_sw) == 2


def test_repeated_column_keeps_the_first():
    data = workbook(columns={"NonSW": ["role", *NON_SW_COLUMNS, "FTE"]})
    result = run(data)
    assert codes(result) == {"RWR021"} and "second 'fte' column" in result.issues[0].message


def test_values_under_no_header_are_rwr021():
    book = openpyxl.load_workbook(io.BytesIO(CLEAN))
    book["Teams"]["N2"] = 99
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue())
    assert codes(result) == {"RWR021"} and "column N has values but no header" in result.issues[0].message


def test_sheet_without_its_header_is_one_rwr023():
    result = run(workbook(columns={"Summary": ["a", "b"]}, summary=[{"a": 1}]))
    assert [(i.rule_code, i.item) for i in result.issues if i.rule_code == "RWR023"] == [("RWR023", None)]
    assert "Summary has none of its columns" in messages(result) and result.summary.empty


@pytest.mark.parametrize("value", [10**30, "1e400", "9" * 500, "NaN", "inf", "x" * 5000, "ünïcödé",
                                   float("inf"), True, time(9, 30),
                                   timedelta(days=2)])
def test_odd_values_never_crash(value):
    result = run(workbook(teams=[team_row(children_cp=value, agency_fte=value)]))
    assert isinstance(result, ValidationResult) and result.status in {"accepted", "rows_rejected"}
    assert all(len(i.value or "") <= 201 for i in result.issues)


def test_number_too_large_for_a_float_is_not_a_number():
    data = with_member(workbook(teams=[team_row(children_cp=123456789)]), "xl/worksheets/sheet3.xml",
                       lambda xml: xml.replace(b"<v>123456789</v>", b"<v>" + b"9" * 400 + b"</v>"))
    result = run(data)
    assert [i.rule_code for i in result.issues] == ["RWR011"] and result.issues[0].item == "Teams/children_cp"


# --- formulas: never run, always neutralised where echoed ----------------------------------------------------

@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","x")', "=1+1", "+SUM(A1)", "@cmd", "-2+3",
                                  "\t=1+1"])
def test_formula_like_text_in_a_text_field_is_neutralised(text):
    result = run(workbook(teams=[team_row(text), team_row("long_term")]))
    warning = next(i for i in result.issues if i.rule_code == "RWR022")
    rejected = next(i for i in result.issues if i.rule_code == "RWR013")
    assert warning.line == 2 and warning.item == "Teams/team_type" and "Teams cell A2" in warning.message
    for issue in (warning, rejected):
        assert issue.value == "'" + text
    assert result.quarantined[0]["items"]["team_type"] == "'" + text
    assert result.teams["team_type"].tolist() == ["long_term"]


def test_formula_cell_is_never_evaluated():
    result = run(workbook(teams=[team_row(children_cp=Formula("=1+1"))],
                          about_row=about(la_name=Formula('=HYPERLINK("http://evil.example","Durham")'))))
    assert [i.rule_code for i in result.issues if i.rule_code == "RWR022"] == ["RWR022", "RWR022"]
    value_issue = next(i for i in result.issues if i.rule_code == "RWR011")
    assert value_issue.value == "'=1+1"  # the formula's text, never 2
    assert result.teams.empty and result.status == "rows_rejected"


def test_formula_with_a_saved_result_uses_the_result():
    """Excel saves each formula's result: that is what the LA sees, so it is what is read (never recomputed)."""
    data = workbook(teams=[team_row(children_cp=Formula("=SUM(1,2)"))])
    data = _with_cached_value(data, "F2", "3")
    result = run(data)
    assert result.status == "accepted", messages(result)
    assert result.teams["children_cp"].iloc[0] == 3


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: source.read(i) for i in source.infolist()}
    book = openpyxl.load_workbook(io.BytesIO(CLEAN))
    index = book.sheetnames.index("Teams") + 1
    name = f"xl/worksheets/sheet{index}.xml"
    members[name] = re.sub(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)(<v\s*/>|<v></v>)?'.encode(),
                           rb"\1<v>" + value.encode() + b"</v>", members[name])
    assert b"<v>" + value.encode() + b"</v>" in members[name]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def test_report_never_holds_a_live_formula(tmp_path):
    result = run(workbook(teams=[team_row("=1+1", children_cp=Formula("=2+2"))],
                          about_row=about(la_name="@SUM(A1)")))
    assert {"RWR022", "RWR013", "RWR011"} <= codes(result)
    _, xlsx = write_reports(tmp_path / "report", [("File", "return.xlsx")], result.issues)
    book = openpyxl.load_workbook(xlsx)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'=1+1" in {c.value for c in cells}


def test_shown_and_is_formula_like():
    assert shown("=1+1") == "'=1+1" and shown("-5") == "-5" and shown("front_door") == "front_door"
    assert shown(3.0) == "3" and shown(date(2025, 9, 30)) == "2025-09-30" and shown("  ") is None
    assert is_formula_like("=x") and is_formula_like("\rabc") and not is_formula_like("-") and \
        not is_formula_like("+3.5")


# --- hostile and broken files: a clear RWR001, never a crash ------------------------------------------------

HOSTILE = {
    "random binary junk": (junk(), "not a zip package"),
    "junk after zip magic": (b"PK\x03\x04" + junk(2000), "damaged"),
    "empty file": (b"", "empty"),
    "a zip that is not an xlsx": (zip_not_xlsx(), "zip archive"),
    "a Word document": (word_document(), "Word document"),
    "password-protected workbook": (ole_encrypted(), "password-protected"),
    "encrypted zip members": (encrypted_zip_member(), "encrypted"),
    "declared zip bomb": (declared_zip_bomb(), "zip bomb"),
    "entity expansion": (entity_bomb(), "DTD or entities"),
    "truncated xlsx": (truncated(), "damaged"),
    "worksheet not well-formed": (broken_sheet_xml(), "could not be read"),
    "CSV named .xlsx": (b"old_la_code,period_end\n840,2025-09-30\n", "not a zip package"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_rejected_with_a_clear_message(name):
    data, words = HOSTILE[name]
    result = run(data, file_name="return.xlsx")
    assert isinstance(result, ValidationResult)
    assert codes(result) == {"RWR001"} and result.status == "rejected"
    assert words in result.issues[0].message, result.issues[0].message
    assert result.rows_accepted == 0 and not result.frames


def test_real_zip_bomb_is_refused_before_inflating():
    result = run(deflated_zip_bomb(megabytes=110))
    assert codes(result) == {"RWR001"} and "zip bomb" in result.issues[0].message


def test_member_inflating_beyond_its_declared_size_is_refused():
    data = understated_zip_bomb(megabytes=20)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/media/padding.bin").file_size == 1000
    result = run(data)
    assert codes(result) == {"RWR001"} and "damaged" in result.issues[0].message, messages(result)


def test_filled_rows_far_below_the_table_are_refused():
    book = openpyxl.load_workbook(io.BytesIO(CLEAN))
    book["NonSW"].cell(row=MAX_ROWS + 5, column=2, value=1)
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue())
    assert codes(result) == {"RWR001"} and f"below row {MAX_ROWS}" in result.issues[0].message


def test_looks_like_workbook():
    assert looks_like_workbook(CLEAN[:8])
    assert not looks_like_workbook(b"<?xml version='1.0'?><Message>")
    assert not looks_like_workbook(ole_encrypted()[:8])


def test_peek_about_routes_without_validating(tmp_path):
    assert peek_about(write_template(tmp_path / "a.xlsx", "840", 2025)) == ("840", 2025)
    quarterly = write_template(tmp_path / "q.xlsx", "841", 2025, quarterly_period_end=date(2024, 12, 31))
    assert peek_about(quarterly) == ("841", 2025)
    for name, data in {"junk": junk(), "bomb": declared_zip_bomb(), "no_about": workbook(drop=("About",)),
                       "empty_about": workbook(about_row={}), "code_only": workbook(about_row={"old_la_code": 999})
                       }.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
    assert peek_about(tmp_path / "junk.xlsx") == peek_about(tmp_path / "bomb.xlsx") == (None, None)
    assert peek_about(tmp_path / "no_about.xlsx") == peek_about(tmp_path / "empty_about.xlsx") == (None, None)
    assert peek_about(tmp_path / "code_only.xlsx") == ("999", None)
    assert peek_about(tmp_path / "missing.xlsx") == (None, None)


def test_reader_keeps_values_as_sent():
    book = read_workbook(workbook(teams=[team_row(children_cp="12"), team_row("long_term", children_cp=7)]))
    rows = book.sheets["Teams"].rows
    assert [r.values["children_cp"] for r in rows] == ["12", 7]
    assert [r.line for r in rows] == [2, 3] and book.sheets["Teams"].letters["team_type"] == "A"


# --- the template ---------------------------------------------------------------------------------------------

def _filled(path):
    cells = {
        "Summary": {f"{openpyxl.utils.get_column_letter(i + 1)}2": v
                    for i, v in enumerate(summary_row().values())},
        "Teams": {"B2": 40.5, "C2": 5.0, "D2": 700, "E2": 400, "F2": 200, "G2": 100, "J2": 4.0, "K2": 3.5,
                  "B4": 30.0, "D4": 450},
        "NonSW": {"B3": 12, "C3": 10.5, "D3": 1.0},
    }
    return fill_template(path, cells)


def test_template_round_trips(tmp_path):
    path = write_template(tmp_path / "wb.xlsx", "840", 2025)
    assert path == tmp_path / "wb.xlsx"
    result = run(_filled(path))
    assert result.status == "accepted", messages(result)
    assert (result.old_la_code, result.period_end, result.census_year) == ("840", date(2025, 9, 30), 2025)
    assert result.rows_received == 4
    assert result.summary.iloc[0][list(SUMMARY_COLUMNS)].tolist() == pytest.approx(list(summary_row().values()))
    teams = result.teams.set_index("team_type")
    assert teams.index.tolist() == ["front_door", "long_term"]
    assert teams.loc["front_door", "children_cp"] == 200 and teams.loc["front_door", "agency_fte"] == 3.5
    assert teams.loc["long_term", "line"] == 4 and pd.isna(teams.loc["long_term", "children_cp"])
    assert result.non_sw[["role", "headcount", "fte", "agency_fte"]].values.tolist() == [
        ["social_work_assistant", 12, 10.5, 1.0]]


@pytest.mark.parametrize("quarter_end, census_year", [
    (date(2024, 12, 31), 2025), (date(2025, 3, 31), 2025), (date(2025, 6, 30), 2025)])
def test_quarterly_template_round_trips(tmp_path, quarter_end, census_year):
    path = write_template(tmp_path / "q.xlsx", "841", census_year, quarterly_period_end=quarter_end)
    result = run(_filled(path))
    assert result.status == "accepted", messages(result)
    assert (result.old_la_code, result.period_end, result.census_year) == ("841", quarter_end, census_year)
    assert set(result.teams["period_end"].dt.date) == {quarter_end}


def test_la_changing_period_end_in_the_template(tmp_path):
    path = write_template(tmp_path / "wb.xlsx", "840", 2026)
    result = run(fill_template(path, {"About": {"C2": date(2025, 12, 31)}, "NonSW": {"B2": 3, "C2": 2.5}}))
    assert (result.period_end, result.census_year, result.status) == (date(2025, 12, 31), 2026, "accepted")


def test_empty_template_is_accepted_with_no_figures(tmp_path):
    result = run(write_template(tmp_path / "wb.xlsx", "840", 2025).read_bytes())
    assert codes(result) == {"RWR032"} and result.rows_received == 0


def test_template_layout_guidance_and_input_checks(tmp_path):
    path = write_template(tmp_path / "wb.xlsx", "840", 2025)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Guidance", "About", "Summary", "Teams", "NonSW"]
    guidance = " ".join(str(c.value) for row in book["Guidance"].iter_rows() for c in row if c.value)
    for words in ("FTE", "Headcount", "30 September 2025", "CSWW census XML wins", "send it to", "inpost_fte",
                  "children_in_proceedings", "family_support_worker", "County Durham (840)"):
        assert words in guidance, words
    about_sheet = book["About"]
    assert [c.value for c in about_sheet[1]] == ["old_la_code", "la_name", "period_end", "return_type"]
    assert about_sheet["D2"].value is None and not about_sheet["D2"].protection.locked  # blank: annual
    assert [about_sheet["A2"].value, about_sheet["B2"].value, about_sheet["C2"].value.date()] == [
        "840", "County Durham", date(2025, 9, 30)]
    assert about_sheet.protection.sheet and about_sheet["A2"].protection.locked
    assert not about_sheet["C2"].protection.locked

    assert [c.value for c in book["Summary"][1]] == list(SUMMARY_COLUMNS)
    teams, non_sw = book["Teams"], book["NonSW"]
    assert [c.value for c in teams[1]] == ["team_type", *TEAM_COLUMNS]
    assert [teams.cell(row=r, column=1).value for r in range(2, 2 + len(TEAM_TYPES))] == list(TEAM_TYPES)
    assert [non_sw.cell(row=r, column=1).value for r in range(2, 2 + len(NON_SW_ROLES))] == list(NON_SW_ROLES)
    assert teams.freeze_panes == "B2" and book["Summary"].freeze_panes == "A2"
    assert not teams["B2"].protection.locked and teams["A2"].protection.locked

    for sheet, names in ((teams, TEAM_TYPES), (non_sw, NON_SW_ROLES)):
        validations = sheet.data_validations.dataValidation
        kinds = {dv.type for dv in validations}
        assert kinds == {"list", "decimal", "whole"}
        drop_down = next(dv for dv in validations if dv.type == "list")
        assert drop_down.formula1 == '"' + ",".join(names) + '"' and "A2" in str(drop_down.sqref)
        assert all(dv.showInputMessage and dv.prompt for dv in validations)
        whole = next(dv for dv in validations if dv.type == "whole")
        assert whole.operator == "greaterThanOrEqual" and whole.formula1 == "0"
    summary_kinds = {dv.type for dv in book["Summary"].data_validations.dataValidation}
    assert summary_kinds == {"decimal", "whole"}
    assert {dv.type for dv in about_sheet.data_validations.dataValidation} == {"date", "list"}


def test_template_refuses_unknown_la_and_wrong_quarter(tmp_path):
    with pytest.raises(ValueError, match="not a known English LA code"):
        write_template(tmp_path / "x.xlsx", "999", 2025)
    with pytest.raises(ValueError, match="has no return for 2025"):
        write_template(tmp_path / "x.xlsx", "909", 2025)  # Cumbria, until 2022
    with pytest.raises(ValueError, match="not in census year 2025"):
        write_template(tmp_path / "x.xlsx", "840", 2025, quarterly_period_end=date(2025, 12, 31))
    with pytest.raises(ValueError, match="not a quarter end"):
        write_template(tmp_path / "x.xlsx", "840", 2025, quarterly_period_end=date(2025, 1, 31))


@pytest.mark.parametrize("code, year, name", [("815", 2022, "North Yorkshire"), ("942", 2024, "Cumberland"),
                                               ("840", 2027, "County Durham")])  # after the seed's latest year
def test_template_names_the_la_of_that_year(tmp_path, code, year, name):
    path = write_template(tmp_path / "la.xlsx", code, year)
    assert openpyxl.load_workbook(path)["About"]["B2"].value == name


def test_template_refuses_an_la_before_it_existed(tmp_path):
    with pytest.raises(ValueError, match="has no return for 2020"):
        write_template(tmp_path / "x.xlsx", "942", 2020)  # Cumberland, from 2023


# --- the frames load into the raw tables --------------------------------------------------------------------

def test_frames_have_exactly_the_raw_columns_and_load():
    result = run(workbook())
    con = duckdb.connect(":memory:")
    warehouse.create_raw_tables(con)
    for table in ("workbook_summary", "workbook_teams", "workbook_non_sw"):
        expected = [c for c in warehouse.raw_columns(con, table) if c != "submission_id"]
        assert sorted(result.frames[table].columns) == sorted(expected), table
    frames = {table: frame.assign(submission_id="abc") for table, frame in result.frames.items()}
    warehouse.replace_submission(con, "abc", frames)
    row = con.execute("select old_la_code, census_year, period_end, line, team_type, children_cp "
                      "from raw.workbook_teams order by line").fetchall()
    assert row == [("840", 2025, date(2025, 9, 30), 2, "front_door", 200.0),
                   ("840", 2025, date(2025, 9, 30), 3, "long_term", 200.0)]
    summary = con.execute("select inpost_fte, cases, working_days_lost_fte from raw.workbook_summary").fetchall()
    assert summary == [(380.5, 5200.0, 4100.25)]


def test_rejected_file_has_no_frames_and_empty_sheets_have_typed_empty_frames():
    assert not run(TRIGGERS["RWR002"]).frames
    result = run(workbook(summary=[]))
    assert result.summary.empty and "period_end" in result.summary.columns
    assert str(result.summary["inpost_fte"].dtype) == "Float64" and str(result.summary["line"].dtype) == "Int64"
