"""What validating an About + table return shares, whatever its kind (R4 agency return, R5 time-use diary).

``TabularValidator.validate`` takes many files and returns one result per file, exactly as if each were
validated alone (as ``validation.workbook`` and ``validation.csww`` do):

1. read each file (``validation.readers.tabular``: .xlsx or CSV, safely); a file that cannot be read, has no
   table, or whose About names no LA (or two LAs or periods) is rejected with the return's first rule code
   (AGY001, TUD001); an unknown LA or one other than the file was submitted for with its second (AGY002,
   TUD002); the period is checked by the return (``check_period``: AGY003, TUD003);
2. the table rows of every accepted file go through the pandera schema together (required items, types, code
   lists and ranges: AGY010/011, TUD010/011), are typed once, and the return's cross-field rules run over them
   (``row_rules``);
3. each finding goes back to its file and row, with the sheet, the Excel row number and the cell; a row with an
   error is rejected (kept in quarantine as sent, with its reasons), the others are loaded (``frames``).

An identifier column (``Column.personal``: the SWE number, the diary's worker reference) is never repeated in an
issue: the issue carries the hashed reference instead, and the value as sent stays in quarantine only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from validation.issues import Issue, finding_issue
from validation.readers.tabular import TabularLayout, TabularReadError, TabularReturn, read_tabular
from validation.readers.workbook import Sheet, SheetRow, as_sent, shown
from validation.result import ValidationResult, file_rows
from validation.schemas.columns import Column, typed
from validation.schemas.workbook import SheetSchema, failures, is_empty, la_code_of

WITHHELD = "(withheld)"

#: One finding of a row rule: (position in the batch, rule code, column, value as sent, message).
Found = tuple[int, str, str, object, str]


@dataclass(frozen=True)
class ReturnFile:
    """One return to validate: its bytes, the name it arrived with, and the LA it was sent for."""

    data: bytes
    file_name: str
    expected_la: str | None = None


@dataclass
class Accepted:
    """A file whose file rules passed: its result, what was read, and its About values as typed."""

    result: ValidationResult
    read: TabularReturn
    about: dict[str, object]


@dataclass
class Batch:
    """The table rows of every accepted file, together: as sent (``raw``, object columns), typed (``typed``),
    which file each row is from (``file_of``, position in ``files``) and its spreadsheet row (``lines``)."""

    files: list[Accepted]
    rows: list[SheetRow]
    raw: pd.DataFrame
    typed: pd.DataFrame
    file_of: np.ndarray
    lines: np.ndarray
    refs: list[str | None] = field(default_factory=list)  # hashed worker reference per row (None: none)
    ref_kinds: list[str | None] = field(default_factory=list)  # what each reference was, where a return says

    def about(self, key: str, dtype: str | None = None) -> pd.Series:
        """An About value of each row's file, per row."""
        values = [self.files[f].about.get(key) for f in self.file_of]
        return pd.Series(values, index=self.raw.index, dtype=dtype)

    def file_columns(self, frame: pd.DataFrame, dates: Sequence[str] = ()) -> None:
        """Add each row's file's ``old_la_code`` and ``census_year``, and the About dates ``dates`` (as
        datetime64[s]), to ``frame`` (one row per batch row)."""
        results = [self.files[f].result for f in self.file_of]
        frame["old_la_code"] = pd.array([r.old_la_code for r in results], dtype="string")
        frame["census_year"] = pd.array([r.census_year for r in results], dtype="Int64")
        for column in dates:
            frame[column] = pd.Series([pd.Timestamp(self.files[f].about[column]) for f in self.file_of],
                                      index=frame.index, dtype="datetime64[s]")


class TabularValidator:
    """The shared steps; a return's own rules are the methods a subclass overrides."""

    layout: TabularLayout
    schema: SheetSchema
    columns: tuple[Column, ...]
    read_code: str  # unreadable / not this kind of return / no LA (AGY001, TUD001)
    la_code: str  # LA unknown or not the one submitted for (AGY002, TUD002)
    empty_code: str  # no rows at all (AGY053, TUD053)
    return_type: str  # ValidationResult.return_type of these files
    what: str  # "agency return", "diary": how messages name the file

    # --- what a return overrides ------------------------------------------------------------------------------

    def new_result(self, file: ReturnFile) -> ValidationResult:
        return ValidationResult(file_name=file.file_name, return_type=self.return_type)

    def check_period(self, result: ValidationResult, values: Mapping[str, object], issue: AboutIssue
                     ) -> dict[str, object]:
        """Check About's other values (the period...); record issues through ``issue``; return the typed
        values the rows and frames need (a file error among them rejects the file)."""
        return {}

    def worker_refs(self, batch: Batch) -> list[str | None]:
        """The hashed worker reference of each row (for issues and frames); none by default."""
        return [None] * len(batch.raw)

    def row_rules(self, batch: Batch, errors: np.ndarray) -> list[Found]:
        """Cross-field rules over the batch; ``errors`` marks the rows already failing a schema error."""
        return []

    def frames(self, batch: Batch, keep: np.ndarray) -> None:
        """Set each accepted file's frames from its kept rows."""

    def empty_frames(self, result: ValidationResult, accepted: Accepted) -> None:
        """Set the frames of an accepted file with no rows."""

    # --- the shared steps -------------------------------------------------------------------------------------

    def validate(self, files: Sequence[ReturnFile], *, known_la_codes: Collection[str]) -> list[ValidationResult]:
        results: list[ValidationResult] = []
        accepted: list[Accepted] = []
        for file in files:
            result = self.new_result(file)
            results.append(result)
            entry = self._read_file(file, result, known_la_codes)
            if entry is not None:
                accepted.append(entry)
        with_rows = [entry for entry in accepted if entry.read.table.rows]
        for entry in accepted:
            if not entry.read.table.rows:
                entry.result.issues.append(Issue(self.empty_code, None, None, None,
                                                 f"the {self.what} lists no {self.layout.table.name.lower()}"))
                self.empty_frames(entry.result, entry)
        if with_rows:
            self._validate_rows(with_rows)
        return results

    def _read_file(self, file: ReturnFile, result: ValidationResult, known: Collection[str]) -> Accepted | None:
        try:
            read = read_tabular(file.data, self.layout)
        except TabularReadError as exc:
            result.issues.append(Issue(self.read_code, exc.line, None, None, str(exc)))
            return None
        table = self.layout.table.name
        if read.table is None:  # another kind of workbook: its sheets and columns are not worth reporting
            names = ", ".join(shown(name) or "" for name in read.sheet_names[:10])
            result.issues.append(Issue(self.read_code, None, "sheet", table,
                                       f"the workbook has no {table} sheet, so it is not {_a(self.what)}: use the "
                                       f"template (sheets: {names})"))
            return None
        result.rows_received = len(read.table.rows)
        personal = {c.name for c in self.columns if c.personal}
        for finding in read.findings:
            issue = finding_issue(finding)
            if read.source == "csv":
                issue = dataclasses.replace(issue, sheet=None)
            if finding.column in personal and finding.value is not None:  # never repeat an identifier
                where = f"{finding.sheet} cell {finding.cell}" if read.source == "xlsx" else f"cell {finding.cell}"
                issue = dataclasses.replace(issue, value=WITHHELD, message=(
                    f"{where} ({finding.column}): the value starts like a formula; it was kept as text and never "
                    "run (the value is withheld)"))
            result.issues.append(issue)
        values, issue = self._about(read, result)
        if values is None:
            return None
        code = la_code_of(values.get("old_la_code"))
        if code is None:
            issue(self.read_code, "old_la_code", None, "is empty: enter your 3-digit LA code")
            return None
        result.old_la_code = known.get(code, code) if isinstance(known, Mapping) else code
        if code not in known:
            issue(self.la_code, "old_la_code", shown(code), f"{shown(code)!r} is not a known English LA code")
        elif file.expected_la is not None and file.expected_la not in (code, result.old_la_code):
            issue(self.la_code, "old_la_code", shown(code),
                  f"the {self.what} is for LA {code} but was submitted for LA {file.expected_la}")
        about = self.check_period(result, values, issue)
        if result.file_rejected:
            return None
        return Accepted(result, read, about)

    def _about(self, read: TabularReturn, result: ValidationResult) -> tuple[dict | None, AboutIssue]:
        """About's one row of values (and the function recording an issue about one of them), or None when the
        file is rejected: no About, more than one About row, or (CSV) About values that differ between rows."""
        about = read.about
        issue = AboutIssue(result, about, read.source)
        if about is None or not about.rows:
            where = "sheet" if read.source == "xlsx" else "columns"
            columns = ", ".join(self.layout.about.expected)
            what = f"has no About {where}" if about is None else f"has its About {where} empty"
            result.issues.append(Issue(self.read_code, None, "About", None,
                                       f"the file {what} ({columns}), so the LA and period are unknown: use the "
                                       "template", sheet=read.sheet_of(about) if about is not None else None))
            return None, issue
        if len(about.rows) > 1:
            lines = ", ".join(str(r.line) for r in about.rows)
            result.issues.append(Issue(self.read_code, about.rows[1].line, "About", None,
                                       f"About has {len(about.rows)} filled rows (rows {lines}): it must have one, "
                                       "in row 2, so which LA and period is meant is unclear",
                                       sheet=read.sheet_of(about)))
            return None, issue
        for conflict in read.conflicts[:5]:
            result.issues.append(Issue(
                self.read_code, conflict.line, f"About/{conflict.column}", shown(conflict.value),
                f"{conflict.column} is {shown(conflict.first_value)!r} on row {conflict.first_line} but "
                f"{shown(conflict.value)!r} on row {conflict.line}: a file is one LA's return for one period",
                cell=about.cell(conflict.column, conflict.line)))
        if read.conflicts:
            return None, issue
        issue.line = about.rows[0].line
        return about.rows[0].values, issue

    def _validate_rows(self, accepted: list[Accepted]) -> None:
        rows = [row for entry in accepted for row in entry.read.table.rows]
        sizes = np.array([len(entry.read.table.rows) for entry in accepted])
        file_of = np.repeat(np.arange(len(accepted)), sizes)
        names = [column.name for column in self.columns]
        raw = pd.DataFrame([[row.values.get(c) for c in names] for row in rows], columns=names, dtype=object)
        batch = Batch(accepted, rows, raw, typed(raw, self.columns), file_of,
                      np.array([row.line for row in rows]))
        batch.refs = self.worker_refs(batch)
        found: list[Found] = []
        for failure in failures(self.schema, raw):
            position = int(failure.index)
            if is_empty(failure.value):
                text = f"{failure.column} is empty: it is required"
            else:
                shown_value = self._shown(failure.column, failure.value)
                text = f"{failure.column} should be {failure.expected}, not {shown_value}"
            found.append((position, failure.code, failure.column, failure.value, text))
        errors = np.zeros(len(raw), dtype=bool)
        errors[[f[0] for f in found]] = True
        found.extend(self.row_rules(batch, errors))
        keep = self._record(batch, found)
        self.frames(batch, keep)

    def _record(self, batch: Batch, found: list[Found]) -> np.ndarray:
        """Each finding as an issue of its file (with sheet, row and cell); quarantine the rows with an error;
        return the rows kept."""
        personal = {c.name for c in self.columns if c.personal}
        by_row: dict[int, list[Issue]] = {}
        for position, code, column, value, text in sorted(found, key=lambda f: (f[0], f[1])):
            entry = batch.files[batch.file_of[position]]
            sheet = entry.read.table
            line = int(batch.lines[position])
            cell = sheet.cell(column, line)
            where = (f"{sheet.name} row {line}" if entry.read.source == "xlsx" else f"row {line}") + (
                f" (cell {cell})" if cell else "")
            offset = int(np.searchsorted(batch.file_of, batch.file_of[position]))
            by_row.setdefault(position, []).append(Issue(
                code, line, f"{self.layout.table.name}/{column}",
                WITHHELD if column in personal and not is_empty(value) else shown(value), f"{where}: {text}",
                batch.refs[position], position - offset + 1, entry.read.sheet_of(sheet), cell))
        keep = np.ones(len(batch.raw), dtype=bool)
        for position, issues in sorted(by_row.items()):
            entry = batch.files[batch.file_of[position]]
            entry.result.issues.extend(issues)
            if any(issue.rejects_row for issue in issues):
                keep[position] = False
                row = batch.rows[position]
                entry.result.quarantined.append({
                    "sheet": self.layout.table.name, "line": row.line,
                    "items": {column: as_sent(value) for column, value in row.values.items()},
                    "reasons": sorted({f"{i.rule_code} {i.item.split('/', 1)[1]}" for i in issues
                                       if i.rejects_row}),
                })
        return keep

    def _shown(self, column: str, value: object) -> str:
        personal = any(c.personal and c.name == column for c in self.columns)
        return WITHHELD if personal else repr(shown(value))

    def split(self, batch: Batch, frame: pd.DataFrame, keep: np.ndarray) -> list[pd.DataFrame]:
        """``frame`` (one row per batch row) cut to the kept rows of each file, in file order."""
        kept = frame.loc[keep]
        kept.index = pd.RangeIndex(len(kept))
        counts = np.bincount(batch.file_of[keep], minlength=len(batch.files))
        offsets = np.concatenate([[0], np.cumsum(counts)])
        return [file_rows(kept, offsets[f], offsets[f + 1]) for f in range(len(batch.files))]


class AboutIssue:
    """Records an issue about one About value of one file, with its sheet, row and cell."""

    def __init__(self, result: ValidationResult, about: Sheet | None, source: str):
        self.result = result
        self.about = about
        self.source = source
        self.line = about.rows[0].line if about is not None and about.rows else 2

    def __call__(self, code: str, column: str, value: object, text: str) -> None:
        cell = self.about.cell(column, self.line) if self.about is not None else None
        sheet = self.about.name if self.about is not None and self.source == "xlsx" else None
        where = f"About {cell or column} ({column})" if sheet else (
            f"{column} (cell {cell})" if cell else column)
        self.result.issues.append(Issue(code, self.line, f"About/{column}", value, f"{where} {text}", sheet=sheet,
                                        cell=cell))


def with_empty_columns(frame: pd.DataFrame, columns: Mapping[str, str], order: Sequence[str]) -> pd.DataFrame:
    """``frame`` (no rows) with the empty ``columns`` (name -> dtype) added, in ``order``."""
    for column, dtype in columns.items():
        frame[column] = pd.Series(dtype=dtype)
    return frame[list(order)]


def about_frame(entry: Accepted, columns: Mapping[str, tuple[object, str]]) -> pd.DataFrame:
    """The one-row frame of a file's About: ``old_la_code`` and ``census_year``, then ``columns`` (name ->
    (value, dtype); dates as datetime64[s], text stripped and empty as missing)."""
    data: dict[str, object] = {"old_la_code": pd.array([entry.result.old_la_code], dtype="string"),
                               "census_year": pd.array([entry.result.census_year], dtype="Int64")}
    for name, (value, dtype) in columns.items():
        if dtype.startswith("datetime"):
            data[name] = pd.Series([pd.Timestamp(value) if value is not None else pd.NaT], dtype=dtype)
        elif dtype == "string":
            data[name] = pd.array([None if is_empty(value) else str(value).strip()], dtype="string")
        else:
            data[name] = pd.array([value], dtype=dtype)
    return pd.DataFrame(data)


def day_text(value: object) -> str:
    """A date or timestamp as ISO text (for messages)."""
    return pd.Timestamp(value).date().isoformat()


def about_number(issue: AboutIssue, column: Column, values: Mapping[str, object], code: str) -> float | None:
    """An optional number of About, checked against ``column`` (an issue ``code`` when it is not valid)."""
    value = values.get(column.name)
    if is_empty(value):
        return None
    if not column.valid(value):
        issue(code, column.name, shown(value), f"should be {column.expected}, not {shown(value)!r}")
        return None
    return float(typed(pd.DataFrame({column.name: [value]}, dtype=object), [column]).iloc[0, 0])


def _a(what: str) -> str:
    return f"an {what}" if what[:1] in "aeiou" else f"a {what}"
