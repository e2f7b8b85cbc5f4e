"""The R5 time-use diary: every TUD rule (a failing and a passing file), .xlsx and CSV, worker references
hashed, the template, and the issues' sheet, row and cell."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest

from tests.diary_builders import START, diary_about, diary_csv, diary_workbook, entry, worker_days
from tests.test_agency import unlocked_columns
from tests.workbook_builders import deflated_zip_bomb, junk
from validation import privacy
from validation.diary import DiaryFile, validate_diary, validate_diary_batch
from validation.diary_template import ACTIVITY_HELP, CASE_TYPE_HELP, write_diary_template
from validation.readers.tabular import looks_like, workbook_kind
from validation.report import write_reports
from validation.rules import RULES
from validation.schemas import agency as r4
from validation.schemas import diary as r5

KNOWN = {"840", "841"}
SECRET = b"test-secret"


def run(data: bytes, expected_la: str | None = None, known=KNOWN):
    return validate_diary(data, file_name="diary.xlsx", known_la_codes=known, secret=SECRET, expected_la=expected_la)


def codes(result) -> set[str]:
    return {issue.rule_code for issue in result.issues}


def messages(result) -> str:
    return "\n".join(f"{i.rule_code} {i.sheet} {i.line} {i.cell} {i.item} {i.value} {i.message}" for i in result.issues)


CLEAN = diary_workbook()
BASE = worker_days("W-001")  # three clean days

TRIGGERS = {
    "TUD001": junk(),
    "TUD002": diary_workbook(about_row=diary_about(old_la_code="999")),
    "TUD003": diary_workbook(about_row=diary_about(diary_end=date(2025, 9, 29))),  # 29 days
    "TUD010": diary_workbook(rows=[*BASE, entry("W-002", hours=None)]),
    "TUD011": diary_workbook(rows=[*BASE, entry("W-001", activity="paperwork")]),
    "TUD020": diary_workbook(rows=[*BASE, entry("W-001", day=date(2025, 9, 29))]),
    "TUD021": diary_workbook(rows=[*BASE, entry("W-001", day=date(2025, 9, 8), hours=9),
                                   entry("W-001", day=date(2025, 9, 8), activity="admin", hours=7.5)]),
    "TUD030": diary_workbook(rows=worker_days("W-001", 5, hours_per_day=9.5)),  # 47.5 > 1.25 x 37 = 46.25
    "TUD031": diary_workbook(rows=[*BASE, *worker_days("W-002", 2)]),
    "TUD032": diary_workbook(rows=[*BASE[:4], *[{**e, "team_type": "assessment"} for e in BASE[4:]]]),
    "TUD050": diary_workbook(extra_sheets={"Notes": [["my notes"]]}),
    "TUD051": diary_workbook(rows=[*BASE[:-1], {**BASE[-1], "worker_ref": "=A1"}]),
    "TUD052": diary_workbook(columns={"Entries": [c for c in r5.ENTRIES.columns if c != "cases_proceedings"]}),
    "TUD053": diary_workbook(rows=[]),
}


def test_clean_diary_has_no_issues_in_both_formats():
    for data in (CLEAN, diary_csv()):
        result = run(data)
        assert result.issues == [], messages(result)
        assert (result.status, result.return_type, result.old_la_code, result.diary_start, result.diary_end,
                result.census_year, result.contracted_hours_per_fte) == (
            "accepted", "diary", "840", START, date(2025, 9, 28), 2025, 37.0)
        assert result.rows_received == result.rows_accepted == len(result.entries) == 24
        assert result.entries["hours"].sum() == pytest.approx(3 * 7.5 + 3 * 6.0)
        assert set(result.entries["worker_ref_type"]) == {"pseudonym", "swe_number"}


def test_every_rule_has_a_trigger():
    assert set(TRIGGERS) == {code for code in RULES if code.startswith("TUD")}


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_fails_its_file_and_not_the_clean_one(code):
    result = run(TRIGGERS[code])
    assert code in codes(result), messages(result)
    assert code not in codes(run(CLEAN))
    found = next(i for i in result.issues if i.rule_code == code)
    rule = RULES[code]
    if rule.severity == "error" and rule.scope == "file":
        assert result.status == "rejected" and not result.frames
    elif rule.severity == "error":
        assert result.rows_rejected >= 1 and found.sheet == "Entries" and found.cell
        assert len(result.entries) == result.rows_received - result.rows_rejected
    else:
        assert result.rows_rejected == 0 and not result.file_rejected, messages(result)


# --- the bad input issue 22 names -----------------------------------------------------------------------

def test_a_day_over_16_hours_rejects_every_entry_of_that_worker_and_day():
    result = run(TRIGGERS["TUD021"])
    rejected = [i for i in result.issues if i.rule_code == "TUD021"]
    assert len(rejected) == 2 and "add up to 16.5 hours" in rejected[0].message
    assert set(result.entries["entry_date"].dt.date) == {date(2025, 9, 1), date(2025, 9, 2), date(2025, 9, 3)}
    exactly = run(diary_workbook(rows=[*BASE, entry("W-001", day=date(2025, 9, 8), hours=16)]))
    assert "TUD021" not in codes(exactly)


@pytest.mark.parametrize("day, outside", [(date(2025, 8, 31), True), (START, False), (date(2025, 9, 28), False),
                                          (date(2025, 9, 29), True)])
def test_a_date_outside_the_period_is_tud020(day, outside):
    result = run(diary_workbook(rows=[*BASE, entry("W-001", day=day, activity="training", case_type="none")]))
    assert ("TUD020" in codes(result)) is outside, messages(result)


@pytest.mark.parametrize("column, value", [("activity", "paperwork"), ("case_type", "adoption"),
                                           ("hours", "two"), ("hours", "1,5"), ("hours", 0), ("fte", 1.2),
                                           ("team_type", "MASH"), ("first_year", 2), ("cases_cp", 2.5)])
def test_unknown_codes_and_hours_as_text_are_tud011(column, value):
    result = run(diary_csv(rows=[*BASE, entry("W-001", **{column: value})]))
    issue = next(i for i in result.issues if i.rule_code == "TUD011")
    letter = openpyxl.utils.get_column_letter(len(r5.ABOUT_COLUMNS) + list(r5.ENTRIES.columns).index(column) + 1)
    assert (issue.sheet, issue.line, issue.cell) == (None, 14, f"{letter}14")  # a CSV: row and cell, no sheet
    assert issue.item == f"Entries/{column}" and result.rows_rejected == 1


def test_a_worker_with_one_day_only_is_tud031_on_their_first_row():
    result = run(diary_workbook(rows=[*BASE, *worker_days("W-009", 1)]))
    warned = [i for i in result.issues if i.rule_code == "TUD031"]
    assert [i.line for i in warned] == [14] and "1 diary day" in warned[0].message
    assert warned[0].value == "(withheld)" and warned[0].worker_ref


def test_overtime_threshold_worked_by_hand():
    """fte 0.8 and 37 contracted hours: the week's limit is 1.25 x 37 x 0.8 = 37.0 hours. Five days of 7.4 hours
    (37.0) pass; five of 7.45 (37.25) are over, reported once for the week on its first entry."""
    at = run(diary_workbook(rows=worker_days("W-001", 5, hours_per_day=7.4, fte=0.8)))
    assert "TUD030" not in codes(at), messages(at)
    over = run(diary_workbook(rows=worker_days("W-001", 5, hours_per_day=7.45, fte=0.8)))
    warned = [i for i in over.issues if i.rule_code == "TUD030"]
    assert len(warned) == 1 and warned[0].line == 2 and "holds 37.25 hours, above 1.25 x 37" in warned[0].message
    assert "= 37" in warned[0].message and over.rows_rejected == 0
    longer = run(diary_workbook(about_row=diary_about(contracted_hours_per_fte=39),
                                rows=worker_days("W-001", 5, hours_per_day=7.45, fte=0.8)))
    assert "TUD030" not in codes(longer)  # 1.25 x 39 x 0.8 = 39.0


def test_weeks_count_from_diary_start():
    # Thursday 4 to Wednesday 10 September is two diary weeks (1-7 and 8-14): 30 + 30 hours, neither over 46.25
    rows = [entry("W-001", day=START + timedelta(days=d), hours=7.5) for d in (3, 4, 5, 6, 7, 8, 9)]
    rows += [entry("W-001", day=START + timedelta(days=d), activity="admin", hours=7.5) for d in (3, 6)]
    result = run(diary_workbook(rows=rows))
    assert "TUD030" not in codes(result), messages(result)


@pytest.mark.parametrize("about_row, words", [
    (diary_about(diary_end=date(2025, 8, 31)), "before diary_start"),
    (diary_about(diary_end=date(2025, 9, 29)), "29 days long"),
    (diary_about(diary_start=None), "diary_start) is empty"),
    (diary_about(contracted_hours_per_fte="37 hours"), "should be a number from 1 to 60"),
    (diary_about(contracted_hours_per_fte=0), "should be a number from 1 to 60"),
])
def test_a_wrong_period_is_tud003(about_row, words):
    result = run(diary_workbook(about_row=about_row))
    assert codes(result) == {"TUD003"} and result.status == "rejected"
    assert words in result.issues[0].message, messages(result)


def test_blank_contracted_hours_are_37():
    result = run(diary_workbook(about_row=diary_about(contracted_hours_per_fte=None)))
    assert result.status == "accepted" and result.returns["contracted_hours_per_fte"].iloc[0] == 37.0


# --- worker references: always hashed ---------------------------------------------------------------------

def test_worker_refs_are_hashed_swe_numbers_as_the_census_pseudonyms_with_the_la(tmp_path):
    rows = [*worker_days("sw 1234567"), *worker_days("W-001"), *worker_days("Jo Smith", 1)]
    result = run(diary_workbook(rows=rows))
    refs = result.entries.drop_duplicates("worker_ref")[["worker_ref", "worker_ref_type"]].values.tolist()
    assert refs[0] == [privacy.worker_ref("SW1234567", SECRET), "swe_number"]  # matches the census worker_ref
    assert refs[1][1] == refs[2][1] == "pseudonym"
    other_la = run(diary_workbook(about_row=diary_about(old_la_code="841", la_name="Darlington"), rows=rows))
    assert other_la.entries["worker_ref"].iloc[0] == refs[0][0]  # the same registered social worker
    assert other_la.entries.drop_duplicates("worker_ref")["worker_ref"].iloc[1] != refs[1][0]  # another "W-001"
    same_case = run(diary_workbook(rows=worker_days(" w-001 ")))
    assert same_case.entries["worker_ref"].iloc[0] == refs[1][0]
    html, xlsx = write_reports(tmp_path / "r", [("File", "diary.xlsx")], result.issues)
    book = openpyxl.load_workbook(xlsx)
    texts = [html.read_text(), result.entries.to_csv(), repr([i.as_record("d") for i in result.issues])]
    texts += [str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None]
    assert any("TUD031" in t for t in texts)
    for raw in ("1234567", "W-001", "Jo Smith"):
        assert not any(raw in text for text in texts), raw


def test_a_formula_like_reference_is_withheld_too():
    result = run(TRIGGERS["TUD051"])
    issue = next(i for i in result.issues if i.rule_code == "TUD051")
    assert issue.value == "(withheld)" and "=A1" not in issue.message and issue.cell == "A13"


def test_quarantine_keeps_the_reference_as_sent():
    result = run(diary_workbook(rows=[*BASE, entry("Jo Smith", hours="lots")]))
    assert result.quarantined[0]["items"]["worker_ref"] == "Jo Smith"
    assert result.quarantined[0]["reasons"] == ["TUD011 hours"]


# --- files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, words", [
    (diary_csv(encoding="utf-16"), "UTF-16"),
    (diary_csv(rows=[entry("Zoë")]).decode().encode("latin-1"), "not UTF-8"),
    (deflated_zip_bomb(), "zip bomb"),
    (b"\x00\x01binary", "NUL bytes"),
])
def test_hostile_files_are_tud001(data, words):
    result = run(data)
    assert codes(result) == {"TUD001"} and words in result.issues[0].message, messages(result)


def test_recognised_by_content():
    assert looks_like(diary_csv()[:4096], r5.LAYOUT) and not looks_like(diary_csv()[:4096], r4.LAYOUT)
    assert workbook_kind(CLEAN, (r4.LAYOUT, r5.LAYOUT)) == "diary"


def test_batch_gives_each_file_what_it_gets_alone():
    files = [TRIGGERS["TUD021"], CLEAN, TRIGGERS["TUD003"], diary_csv(), TRIGGERS["TUD030"], TRIGGERS["TUD053"]]
    batch = validate_diary_batch([DiaryFile(d, f"f{n}") for n, d in enumerate(files)], known_la_codes=KNOWN,
                                 secret=SECRET)
    for number, data in enumerate(files):
        alone = validate_diary(data, file_name=f"f{number}", known_la_codes=KNOWN, secret=SECRET)
        assert batch[number].issues == alone.issues and batch[number].quarantined == alone.quarantined
        for table in alone.frames:
            pd.testing.assert_frame_equal(batch[number].frames[table], alone.frames[table])


# --- the template --------------------------------------------------------------------------------------

def test_filled_template_validates_clean(tmp_path):
    path = write_diary_template(tmp_path / "r5.xlsx", "840", "2025-09-01")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Guidance", "About", "Entries", "Lists"]
    assert [c.value for c in book["About"][2]][:2] == ["840", "County Durham"]
    assert book["About"]["D2"].value.date() == date(2025, 9, 28)
    sheet = book["Entries"]
    assert [c.value for c in sheet[1]] == list(r5.ENTRIES.columns)
    for row in worker_days("W-1"):
        sheet.append([row.get(c) for c in r5.ENTRIES.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue())
    assert result.status == "accepted", messages(result)
    assert len(result.entries) == 12 and result.diary_end == date(2025, 9, 28)


def test_template_lists_and_checks(tmp_path):
    path = write_diary_template(tmp_path / "r5.xlsx", "840", date(2025, 9, 1), diary_end=date(2025, 9, 14))
    book = openpyxl.load_workbook(path)
    assert list(ACTIVITY_HELP) == list(r5.ACTIVITIES) and list(CASE_TYPE_HELP) == list(r5.CASE_TYPES)
    guidance = " ".join(str(c.value) for row in book["Guidance"].iter_rows() for c in row if c.value)
    for words in ("1 September 2025 to 14 September 2025", "more than 16 hours", "1.25 times", "never a name"):
        assert words in guidance, words
    validations = book["Entries"].data_validations.dataValidation
    activity = next(dv for dv in validations if dv.type == "list" and str(dv.sqref).startswith("F"))
    assert activity.formula1 == '"' + ",".join(r5.ACTIVITIES) + '"'
    day = next(dv for dv in validations if dv.type == "date")
    serial = [(d - date(1899, 12, 30)).days for d in (date(2025, 9, 1), date(2025, 9, 14))]
    assert (day.operator or "between", day.formula1, day.formula2) == ("between", *map(str, serial))
    assert unlocked_columns(book["Entries"]) == set(range(1, len(r5.ENTRY_COLUMNS) + 1))
    lists = [(r[0], r[1]) for r in book["Lists"].iter_rows(min_row=2, values_only=True)]
    assert ("activity", "multi_agency_meetings") in lists and ("case_type", "proceedings") in lists


@pytest.mark.parametrize("start, end, words", [("2025-09-01", "2025-09-29", "longer than 4 weeks"),
                                               ("2025-09-10", "2025-09-01", "before diary_start"),
                                               ("1/9/25", None, "not a date")])
def test_template_refuses_a_wrong_period(tmp_path, start, end, words):
    with pytest.raises(ValueError, match=words):
        write_diary_template(tmp_path / "x.xlsx", "840", start, diary_end=end)
