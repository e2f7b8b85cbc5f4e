"""The XLSX validation report: Summary, Issues, and the rules its issues cite (validation/report.py)."""

from __future__ import annotations

import openpyxl

from validation.issues import Issue
from validation.report import ISSUE_COLUMNS, RULE_COLUMNS, write_reports
from validation.rules import RULES


def sheets(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def test_rules_sheet_explains_exactly_the_rules_cited(tmp_path):
    issues = [Issue("CSWW031", 12, "Cases30", "45", "Cases30 is over 40", "ab12", 3),
              Issue("CSWW011", 14, "FTE", "2", "FTE should be a number from 0 to 1", "cd34", 4),
              Issue("CSWW031", 20, "Cases30", "50", "Cases30 is over 40", "ef56", 9)]
    html, xlsx = write_reports(tmp_path / "840_2025_x", [("File", "x.xml")], issues)
    found = sheets(xlsx)
    assert list(found) == ["Summary", "Issues", "Rules"]
    assert found["Issues"][0] == tuple(ISSUE_COLUMNS) and len(found["Issues"]) == 4
    assert found["Rules"][0] == tuple(RULE_COLUMNS)
    # one row per rule cited, in the order of validation/rules.py, with its own words
    order = list(RULES)
    assert [row[0] for row in found["Rules"][1:]] == sorted(["CSWW011", "CSWW031"], key=order.index)
    assert found["Rules"][1][3] == RULES["CSWW011"].description
    assert "CSWW031" in html.read_text()


def test_a_clean_return_has_an_empty_rules_sheet(tmp_path):
    _, xlsx = write_reports(tmp_path / "840_2025_y", [("File", "y.xml")], [])
    found = sheets(xlsx)
    assert found["Issues"] == [tuple(ISSUE_COLUMNS)]
    assert found["Rules"] == [tuple(RULE_COLUMNS)]
