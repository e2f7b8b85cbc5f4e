"""Validate one regional workforce workbook (R2): file rules, the pandera schemas, then the cross-field rules.

Input is the raw bytes; output is what may be loaded (one frame per data sheet, in the raw tables' columns),
what must be quarantined (rejected rows, as sent, with their reasons) and every issue found. A file error
(RWR001-005) rejects the whole file; a row error (RWR010-014, RWR034) rejects only that row; warnings
(RWR020-033) reject nothing. Every rule is in ``validation.rules``.

Annual and quarterly returns (returns.md, "Quarters"): About ``period_end`` must be a quarter end (RWR004) and
``return_type`` is ``annual`` or ``quarterly`` (RWR005), blank meaning annual for 30 September and quarterly
for any other quarter end; the result's ``period_type`` carries it (the frames keep the raw tables' columns). In
a quarterly Summary the flows cover the quarter only, so they are checked against the stocks (RWR033: starters
or leavers FTE above ``QUARTER_FLOW_SHARE_LIMIT`` of in-post FTE); in any Summary the working days lost cannot
exceed what the staff could lose in the period (RWR034).

A row whose figures are all empty (a template row not filled in) is not a row: it is neither loaded nor
counted. Where a value is echoed in an issue or in quarantine, formula-like text is prefixed with ``'`` so a
spreadsheet never runs it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from validation.issues import Issue, finding_issue
from validation.readers.workbook import (
    Sheet,
    SheetRow,
    Workbook,
    WorkbookReadError,
    as_sent,
    read_workbook,
    shown,
)
from validation.result import ValidationResult, file_rows
from validation.schemas.workbook import (
    DATA_SHEETS,
    FTE_HEADCOUNT_PAIRS,
    PART_WHOLE_PAIRS,
    QUARTER_ENDS,
    RETURN_TYPES,
    SCHEMAS,
    SheetLayout,
    as_number,
    canonical_name,
    census_year_of,
    date_of,
    failures,
    is_empty,
    la_code_of,
)

__all__ = ["QUARTER_ENDS", "WorkbookFile", "WorkbookValidation", "census_year_of", "period_type_of",
           "validate_workbook", "validate_workbook_batch"]

#: RWR033: in a quarterly Summary, starters or leavers in the quarter above this share of the in-post figure at
#: the quarter end. Published annual rates (2017-2025, every LA): starters 99th percentile 41% and leavers 36% of
#: in-post FTE in a whole year; a quarter holding more than 25% (an annual rate above 100%) is a year-to-date
#: figure or a typing slip far more often than a real quarter.
QUARTER_FLOW_SHARE_LIMIT = 0.25
#: RWR034: working days a full-time worker can lose in the period (the dbt var working_days_per_year, 253; a
#: quarter's share rounded up, 64). Published annual figures reach about 31 days per in-post FTE.
WORKING_DAYS = {"annual": 253, "quarterly": 64}


def period_type_of(period_end: date, return_type: str | None) -> str:
    """About.return_type as it counts: as sent, or (blank) annual for 30 September, else quarterly."""
    if return_type:
        return return_type
    return "annual" if (period_end.month, period_end.day) == (9, 30) else "quarterly"


class WorkbookValidation(ValidationResult):
    """A validated R2 workbook: frames ``workbook_summary``, ``workbook_teams`` and ``workbook_non_sw``, and
    ``period_type`` (``annual`` | ``quarterly``, once About was read)."""

    period_type: str | None = None

    @property
    def summary(self) -> pd.DataFrame:
        return self.frames.get("workbook_summary", pd.DataFrame())

    @property
    def teams(self) -> pd.DataFrame:
        return self.frames.get("workbook_teams", pd.DataFrame())

    @property
    def non_sw(self) -> pd.DataFrame:
        return self.frames.get("workbook_non_sw", pd.DataFrame())


@dataclass(frozen=True)
class WorkbookFile:
    """One R2 workbook to validate: its bytes, the name it arrived with, and the LA it was sent for."""

    data: bytes
    file_name: str
    expected_la: str | None = None


def validate_workbook(
    data: bytes, *, file_name: str, known_la_codes: set[str], expected_la: str | None = None
) -> WorkbookValidation:
    return validate_workbook_batch([WorkbookFile(data, file_name, expected_la)], known_la_codes=known_la_codes)[0]


def validate_workbook_batch(files: Sequence[WorkbookFile], *, known_la_codes: set[str]) -> list[WorkbookValidation]:
    """Validate many workbooks at once: one result per file, exactly as if each were validated alone.

    Reading and the file rules run per file; each sheet's schema and row rules run once over the rows of
    every workbook together, and each issue and rejected row goes back to its own file and row."""
    results: list[WorkbookValidation] = []
    accepted: list[tuple[WorkbookValidation, Workbook, dict[str, list[SheetRow]]]] = []
    for file in files:
        result = WorkbookValidation(file_name=file.file_name, return_type="workbook")
        results.append(result)
        try:
            book = read_workbook(file.data)
        except WorkbookReadError as exc:
            result.issues.append(Issue("RWR001", None, None, None, str(exc)))
            continue
        filled = {layout.name: _filled_rows(book.sheets.get(layout.name), layout) for layout in DATA_SHEETS}
        result.rows_received = sum(len(rows) for rows in filled.values())
        result.issues.extend(finding_issue(f) for f in book.findings)
        _check_sheets_present(book, result)
        if _check_about(book, result, known_la_codes, file.expected_la):
            accepted.append((result, book, filled))
    for layout in DATA_SHEETS:
        present = [(result, book.sheets[layout.name], filled[layout.name]) for result, book, filled in accepted
                   if book.sheets.get(layout.name) is not None]
        for result, book, _ in accepted:
            if book.sheets.get(layout.name) is None:
                result.frames[layout.table] = _empty_frame(layout)
        _validate_sheets(present, layout)
    for result, _, _ in accepted:
        if result.rows_received == 0:
            result.issues.append(Issue("RWR032", None, None, None,
                                       "the workbook holds no figures: every row of Summary, Teams and NonSW is "
                                       "empty"))
    return results


def _filled_rows(sheet: Sheet | None, layout: SheetLayout) -> list[SheetRow]:
    """Rows with at least one figure; a row with only its team type or role (a blank template row) is no row."""
    if sheet is None:
        return []
    return [row for row in sheet.rows if any(not is_empty(row.values.get(c)) for c in layout.values)]


def _check_sheets_present(book: Workbook, result: WorkbookValidation) -> None:
    for layout in DATA_SHEETS:
        if layout.name in book.sheets:
            continue
        if layout.name == "Summary":
            result.issues.append(Issue("RWR030", None, "sheet", "Summary",
                                       "the workbook has no Summary sheet: fine where the CSWW census XML is "
                                       "sent for this year; otherwise no LA totals are loaded"))
        else:
            result.issues.append(Issue("RWR031", None, "sheet", layout.name,
                                       f"the workbook has no {layout.name} sheet: no {layout.name} figures are "
                                       "loaded"))


# --- About: the LA and the period (file rules) -------------------------------------------------------------

def _check_about(book: Workbook, result: WorkbookValidation, known: set[str], expected: str | None) -> bool:
    about = book.sheets.get("About")
    if about is None:
        names = ", ".join(shown(name) or "" for name in book.sheet_names[:10])
        result.issues.append(Issue("RWR002", None, "sheet", "About",
                                   "the workbook has no About sheet, so the LA and period are unknown: use the "
                                   f"template (sheets: {names})"))
        return False
    rows = about.rows
    if len(rows) > 1:
        result.issues.append(Issue("RWR002", rows[1].line, "About", None,
                                   f"About has {len(rows)} filled rows (rows {', '.join(str(r.line) for r in rows)})"
                                   ": it must have one, in row 2, so which LA and period is meant is unclear",
                                   sheet=about.name))
        return False
    values = rows[0].values if rows else {}
    line = rows[0].line if rows else 2

    def issue(code: str, column: str, value: object, text: str) -> None:
        cell = about.cell(column, line)
        result.issues.append(Issue(code, line, f"About/{column}", value,
                                   f"About {cell or column} ({column}) {text}", sheet=about.name, cell=cell))

    code = la_code_of(values.get("old_la_code"))
    if code is None:
        issue("RWR002", "old_la_code", None, "is empty: enter your 3-digit LA code")
        return False
    result.old_la_code = code
    if code not in known:
        issue("RWR002", "old_la_code", shown(code), f"{shown(code)!r} is not a known English LA code")
    elif expected is not None and code != expected:
        issue("RWR002", "old_la_code", shown(code),
              f"the workbook is for LA {code} but was submitted for LA {expected}")

    raw_period = values.get("period_end")
    period_end = date_of(raw_period)
    if period_end is None:
        what = "is empty" if is_empty(raw_period) else f"is {shown(raw_period)!r}, not a date"
        issue("RWR003", "period_end", shown(raw_period),
              f"{what}: enter the period's last day, e.g. 30 September for the annual return")
    elif (period_end.month, period_end.day) not in QUARTER_ENDS:
        issue("RWR004", "period_end", period_end.isoformat(),
              f"is {period_end.isoformat()}, not a quarter end (31 March, 30 June, 30 September or 31 December)")
    else:
        result.period_end = period_end
        result.census_year = census_year_of(period_end)
        raw_type = values.get("return_type")
        sent_type = None if is_empty(raw_type) else str(raw_type).strip().lower()
        if sent_type is not None and sent_type not in RETURN_TYPES:
            issue("RWR005", "return_type", shown(raw_type),
                  f"is {shown(raw_type)!r}: it is 'annual', 'quarterly' or blank")
        elif sent_type == "annual" and (period_end.month, period_end.day) != (9, 30):
            issue("RWR005", "return_type", "annual",
                  f"says annual, but period_end is {period_end.isoformat()}: an annual return ends on 30 September "
                  "(enter quarterly, or leave it blank)")
        else:
            result.period_type = period_type_of(period_end, sent_type)
    return not result.file_rejected


# --- Summary, Teams, NonSW: one row at a time (row rules) ---------------------------------------------------

def _validate_sheets(present: list[tuple[WorkbookValidation, Sheet, list[SheetRow]]], layout: SheetLayout) -> None:
    """One sheet (Summary, Teams or NonSW) of many workbooks: the schema and the row rules run once over all
    their rows; each workbook gets its own issues (by row), quarantined rows and frame of accepted rows."""
    for result, _, rows in present:
        if not rows:
            result.frames[layout.table] = _empty_frame(layout)
    present = [entry for entry in present if entry[2]]
    if not present:
        return
    rows_all = [row for _, _, rows in present for row in rows]
    sizes = np.array([len(rows) for _, _, rows in present])
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    file_of = np.repeat(np.arange(len(present)), sizes)
    raw = pd.DataFrame([{c: row.values.get(c) for c in layout.columns} for row in rows_all], dtype=object)
    found: list[tuple[int, str, str, object, str]] = []  # (position in raw, code, column, value, message)

    for failure in failures(SCHEMAS[layout.name], raw):
        position = int(failure.index)
        if is_empty(failure.value):
            text = f"{failure.column} is empty: every row with figures needs one, {failure.expected}"
        else:
            text = f"{failure.column} should be {failure.expected}, not {shown(failure.value)!r}"
        found.append((position, failure.code, failure.column, failure.value, text))

    numbers = raw.reindex(columns=list(layout.values)).map(as_number).astype("Float64")
    for part, whole in FTE_HEADCOUNT_PAIRS.get(layout.name, ()):
        for position in raw.index[(numbers[part] > numbers[whole] + 1e-9).fillna(False).astype(bool)]:
            found.append((position, "RWR012", part, raw.at[position, part],
                          f"{part} {shown(raw.at[position, part])} is larger than {whole} "
                          f"{shown(raw.at[position, whole])}: each person's FTE is at most 1"))
    for part, whole in PART_WHOLE_PAIRS.get(layout.name, ()):
        for position in raw.index[(numbers[part] > numbers[whole] + 1e-9).fillna(False).astype(bool)]:
            found.append((position, "RWR012", part, raw.at[position, part],
                          f"{part} {shown(raw.at[position, part])} is larger than {whole} "
                          f"{shown(raw.at[position, whole])}, of which it is a part"))
    if layout.name == "Summary":
        period_types = np.array([present[f][0].period_type for f in file_of], dtype=object)
        found.extend(_summary_flow_issues(raw, numbers, period_types))
    for number, (_, _, rows) in enumerate(present):
        start = int(offsets[number])
        part = file_rows(raw, start, start + len(rows))
        found.extend((start + p, *rest) for p, *rest in _duplicates(part, layout, rows))

    by_file: list[list[tuple[int, str, str, object, str]]] = [[] for _ in present]
    for entry in found:
        by_file[file_of[entry[0]]].append(entry)
    rejected = np.zeros(len(raw), dtype=bool)
    for number, (result, sheet, rows) in enumerate(present):
        start = int(offsets[number])
        local = [(p - start, *rest) for p, *rest in by_file[number]]
        for position in _sheet_issues(result, sheet, layout, rows, local):
            rejected[start + position] = True

    keep = ~rejected
    frame = numbers.loc[keep]
    if layout.key:
        frame.insert(0, layout.key, raw.loc[keep, layout.key].map(canonical_name).astype("string"))
    frame.insert(0, "line", pd.Series([row.line for row in rows_all], dtype="Int64")[keep])
    kept_file = file_of[keep]
    frame["old_la_code"] = pd.array([present[f][0].old_la_code for f in kept_file], dtype="string")
    frame["census_year"] = pd.array([present[f][0].census_year for f in kept_file], dtype="Int64")
    frame["period_end"] = pd.Series([pd.Timestamp(present[f][0].period_end) for f in kept_file],
                                    dtype="datetime64[s]", index=frame.index)
    frame = frame[_frame_columns(layout)]
    kept_offsets = np.concatenate([[0], np.cumsum(np.bincount(kept_file, minlength=len(present)))])
    for number, (result, _, _) in enumerate(present):
        result.frames[layout.table] = file_rows(frame, kept_offsets[number], kept_offsets[number + 1])


def _summary_flow_issues(raw: pd.DataFrame, numbers: pd.DataFrame, period_types: np.ndarray
                         ) -> list[tuple[int, str, str, object, str]]:
    """RWR033 (a quarterly Summary's starters or leavers far above its in-post figure) and RWR034 (working days
    lost above what the staff could lose in the period), by row of the Summary rows of many workbooks."""
    found: list[tuple[int, str, str, object, str]] = []
    quarterly = period_types == "quarterly"
    for flow in ("starters", "leavers"):
        fte, heads = numbers[f"{flow}_fte"], numbers[f"{flow}_headcount"]
        by_fte = fte.notna() & numbers["inpost_fte"].notna()
        share = (fte / numbers["inpost_fte"]).where(by_fte, heads / numbers["inpost_headcount"])
        base = pd.Series(np.where(by_fte, "inpost_fte", "inpost_headcount"), index=raw.index)
        column = pd.Series(np.where(by_fte, f"{flow}_fte", f"{flow}_headcount"), index=raw.index)
        over = (share > QUARTER_FLOW_SHARE_LIMIT + 1e-9).fillna(False).astype(bool) & quarterly
        for position in raw.index[over]:
            name, whole = column[position], base[position]
            found.append((position, "RWR033", name, raw.at[position, name],
                          f"{name} {shown(raw.at[position, name])} in one quarter is "
                          f"{100 * share[position]:.0f}% of {whole} {shown(raw.at[position, whole])} (more than "
                          f"{100 * QUARTER_FLOW_SHARE_LIMIT:.0f}%): is it the year to date rather than the quarter?"))
    days = pd.Series([WORKING_DAYS.get(kind, WORKING_DAYS["annual"]) for kind in period_types], index=raw.index)
    staff = numbers["inpost_fte"] + numbers["leavers_fte"].fillna(0)
    most = staff * days
    over = (numbers["working_days_lost_fte"] > most + 1e-6).fillna(False).astype(bool)
    for position in raw.index[over]:
        found.append((position, "RWR034", "working_days_lost_fte", raw.at[position, "working_days_lost_fte"],
                      f"working_days_lost_fte {shown(raw.at[position, 'working_days_lost_fte'])} is more than the "
                      f"{float(most[position]):g} days the staff could lose ((inpost_fte + leavers_fte) "
                      f"{float(staff[position]):g} x {days[position]} working days in the "
                      f"{'quarter' if period_types[position] == 'quarterly' else 'year'})"))
    return found


def _sheet_issues(result: WorkbookValidation, sheet: Sheet, layout: SheetLayout, rows: list[SheetRow],
                  found: list[tuple[int, str, str, object, str]]) -> list[int]:
    """Record one workbook's issues on one sheet, by row, and quarantine its rejected rows; return their
    positions."""
    issues_by_row: dict[int, list[Issue]] = {}
    for position, code, column, value, text in sorted(found, key=lambda f: (f[0], f[1])):
        line = rows[position].line
        cell = sheet.cell(column, line)
        where = f"{layout.name} row {line}" + (f" (cell {cell})" if cell else "")
        issues_by_row.setdefault(position, []).append(
            Issue(code, line, f"{layout.name}/{column}", shown(value), f"{where}: {text}", sheet=sheet.name,
                  cell=cell))
    rejected: list[int] = []
    for position, issues in sorted(issues_by_row.items()):
        result.issues.extend(issues)
        if any(issue.rejects_row for issue in issues):
            rejected.append(position)
            row = rows[position]
            result.quarantined.append({
                "sheet": layout.name, "line": row.line,
                "items": {column: as_sent(value) for column, value in row.values.items()},
                "reasons": sorted({f"{i.rule_code} {i.item.split('/', 1)[1]}" for i in issues if i.rejects_row}),
            })
    return rejected


def _duplicates(raw: pd.DataFrame, layout: SheetLayout, rows: list[SheetRow]
                ) -> list[tuple[int, str, str, object, str]]:
    """RWR014: a team type or role on two filled rows, or Summary with two filled rows: all of them rejected."""
    if layout.key is None:
        if len(raw) < 2:
            return []
        lines = ", ".join(str(row.line) for row in rows)
        return [(p, "RWR014", "row", None,
                 f"{layout.name} has {len(raw)} filled rows ({lines}); it must have one, so none was loaded")
                for p in raw.index]
    names = raw[layout.key].map(canonical_name)
    found = []
    for position in raw.index[(names.notna() & names.isin(layout.keys) & names.duplicated(keep=False))]:
        others = [str(rows[p].line) for p in raw.index[names == names[position]] if p != position]
        found.append((position, "RWR014", layout.key, raw.at[position, layout.key],
                      f"{layout.key} {names[position]!r} is also on row {', '.join(others)}: which figures are "
                      "right cannot be told, so none of these rows was loaded"))
    return found


def _empty_frame(layout: SheetLayout) -> pd.DataFrame:
    columns = {"old_la_code": "string", "census_year": "Int64", "period_end": "datetime64[s]", "line": "Int64"}
    if layout.key:
        columns[layout.key] = "string"
    columns.update({c: "Float64" for c in layout.values})
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


@functools.cache
def _frame_columns(layout: SheetLayout) -> list[str]:
    return list(_empty_frame(layout).columns)


