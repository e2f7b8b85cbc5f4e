"""The reader of About + table returns (R4, R5) from .xlsx or CSV: size and row caps, CSV columns (unknown,
repeated, missing, values under no header, formula-like text), recognition by content and routing peeks."""

from __future__ import annotations

from datetime import date

import pytest

from tests.agency_builders import agency_about, agency_csv, agency_workbook, assignment
from tests.diary_builders import diary_csv, diary_workbook
from tests.workbook_builders import junk, workbook
from validation.agency import validate_agency
from validation.kinds import peek_agency, peek_diary, tabular_kind
from validation.readers.tabular import MAX_CSV_BYTES, TabularReadError, read_tabular
from validation.schemas import agency as r4

SECRET = b"k"


def run(data: bytes):
    return validate_agency(data, file_name="a.csv", known_la_codes={"840"}, secret=SECRET)


def codes(result) -> set[str]:
    return {i.rule_code for i in result.issues}


def test_a_csv_far_larger_than_any_return_is_refused_before_parsing():
    data = agency_csv() + b"x" * (MAX_CSV_BYTES + 1)
    with pytest.raises(TabularReadError, match="far larger than any real agency return"):
        read_tabular(data, r4.LAYOUT)


def test_rows_far_below_any_real_return_are_refused():
    header, row = agency_csv().split(b"\r\n", 1)
    lines = row.split(b"\r\n")[0]
    data = header + b"\r\n" + b"\r\n" * (r4.MAX_ASSIGNMENTS + 5) + lines + b"\r\n"
    result = run(data)
    assert codes(result) == {"AGY001"} and "far more rows" in result.issues[0].message


def test_csv_columns_unknown_repeated_missing_and_values_under_no_header():
    header = [*r4.ABOUT_COLUMNS, *[c for c in r4.ASSIGNMENTS.columns if c != "notice_weeks"], "agency name",
              "hourly_pay_rate"]
    data = agency_csv(header=header)
    data = data.replace(b"\r\n", b",spare\r\n").replace(b",spare\r\n", b"\r\n", 1)  # values beyond the header
    result = run(data)
    messages = [i.message for i in result.issues]
    assert codes(result) == {"AGY050", "AGY052"}, messages
    assert any("'agency name', was ignored: not a column of this return" in m for m in messages)
    assert any("a second 'hourly_pay_rate' column" in m for m in messages)
    assert any("has no column 'notice_weeks'" in m for m in messages)
    assert any("has values but no header" in m for m in messages)
    assert result.status == "accepted_with_warnings" and len(result.assignments) == 2


def test_formula_like_text_in_a_csv_is_kept_as_text_and_never_echoed_live():
    result = run(agency_csv(rows=[assignment(cap_exception_approved_by="=cmd|' /C calc'!A0")]))
    issue = next(i for i in result.issues if i.rule_code == "AGY051")
    assert issue.value.startswith("'=") and issue.sheet is None and issue.cell.startswith("U")
    assert result.assignments["cap_exception_approved_by"].iloc[0].startswith("=")  # the value, as text


def test_a_csv_with_only_a_header_names_no_la():
    header = agency_csv().split(b"\r\n", 1)[0] + b"\r\n"
    result = run(header)
    assert codes(result) == {"AGY001"} and "has its About columns empty" in result.issues[0].message
    no_about = agency_csv(header=list(r4.ASSIGNMENTS.columns))
    assert "has no About columns" in run(no_about).issues[0].message


def test_an_about_row_without_assignments_is_an_empty_return():
    result = run(agency_csv(rows=[], about_on_every_row=True) + b"840,County Durham,2025-06-30,0,0,0\r\n")
    assert codes(result) == {"AGY053"} and result.status == "accepted_with_warnings"
    assert result.assignments.empty and list(result.returns["monthly_agency_spend_1"]) == [0.0]


def test_about_with_two_rows_in_a_workbook_rejects_the_file():
    from tests.workbook_builders import write_sheets
    data = write_sheets({"About": (list(r4.ABOUT_COLUMNS), [agency_about(), agency_about(old_la_code="841")]),
                         "Assignments": (list(r4.ASSIGNMENTS.columns), [assignment()])})
    result = run(data)
    assert codes(result) == {"AGY001"} and "2 filled rows" in result.issues[0].message


@pytest.mark.parametrize("data, kind", [
    (agency_workbook(), "agency"), (agency_csv(), "agency"), (diary_workbook(), "diary"), (diary_csv(), "diary"),
    (workbook(), None), (junk(), None), (b"time_period,geographic_level\n2025,National\n", None),
])
def test_tabular_kind_by_content(data, kind):
    assert tabular_kind(data) == kind


def test_peeks_route_without_validating(tmp_path):
    paths = {"a.xlsx": agency_workbook(about_row=agency_about(quarter_end=date(2024, 12, 31))),
             "a.csv": agency_csv(), "d.xlsx": diary_workbook(), "junk.xlsx": junk(),
             "d.csv": diary_csv()}
    for name, data in paths.items():
        (tmp_path / name).write_bytes(data)
    assert peek_agency(tmp_path / "a.xlsx") == ("840", 2025)  # 31 December 2024 is in census year 2025
    assert peek_agency(tmp_path / "a.csv") == ("840", 2025)
    assert peek_diary(tmp_path / "d.xlsx") == peek_diary(tmp_path / "d.csv") == ("840", 2025)
    assert peek_agency(tmp_path / "junk.xlsx") == (None, None) == peek_agency(tmp_path / "missing.csv")
