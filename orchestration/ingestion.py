"""Ingest returns: archive each file unchanged, recognise it, validate it, quarantine what is rejected,
write its report and (unless only validating) load what was accepted into the raw layer.

Plain Python, called by the ingest asset; one file's failure never stops the others.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from orchestration import warehouse
from orchestration.partitions import HEAD_BYTES, la_units, recognise
from orchestration.settings import Settings
from validation import privacy
from validation.csww import validate_csww
from validation.ees import validate_ees
from validation.issues import Issue
from validation.readers.csww_xml import MAX_BYTES
from validation.report import summary_rows, write_reports
from validation.result import ValidationResult

ACCEPTED_SUFFIXES = {".xml", ".xlsx", ".csv"}


@dataclass
class FileOutcome:
    path: Path
    checksum: str
    return_type: str
    status: str
    la: str | None
    year: int | None
    rows_received: int
    rows_accepted: int
    rows_rejected: int
    errors: int
    warnings: int
    report_html: Path | None
    report_xlsx: Path | None

    def line(self) -> str:
        if self.status == "rejected":
            what = "rejected"
        elif self.status == "rows_rejected":
            what = f"{self.rows_rejected} rows rejected"
        elif self.warnings:
            what = f"accepted with {self.warnings} warnings"
        else:
            what = "accepted"
        where = f" (report: {self.report_html})" if self.report_html else ""
        return f"{self.path.name}: {what}{where}"


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the files with a return's suffix inside folders (sorted, recursive)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ACCEPTED_SUFFIXES)
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")


def archive_file(path: Path, settings: Settings | None, arrived_at: datetime) -> tuple[str, Path | None, int]:
    """Copy the raw bytes, whatever their size, under their SHA-256 (content-addressed) and log the arrival.

    The file is streamed (never read whole into memory here). With ``settings`` None it is only hashed.
    Returns (checksum, archive path or None, size in bytes).
    """
    digest, size = hashlib.sha256(), 0
    temporary = None
    if settings is not None:
        settings.archive.mkdir(parents=True, exist_ok=True)
        temporary = settings.archive / f".incoming-{os.getpid()}-{arrived_at.timestamp()}"
    # the archive holds personal data (raw SWENo): owner-only, like the quarantine
    sink = os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") if temporary \
        else open(os.devnull, "wb")
    with path.open("rb") as source, sink as copy:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            copy.write(chunk)
            size += len(chunk)
    checksum = digest.hexdigest()
    if temporary is None:
        return checksum, None, size
    target = settings.archive / checksum[:2] / f"{checksum}{path.suffix.lower()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        temporary.unlink()
    else:
        os.replace(temporary, target)
    with (settings.archive / "index.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps({"checksum": checksum, "file_name": path.name, "arrived_at": arrived_at.isoformat(),
                              "bytes": size, "archive_path": str(target)}) + "\n")
    return checksum, target, size


def ingest(paths: Iterable[Path], settings: Settings, *, load: bool = True,
           expected_la: str | None = None, progress=print) -> list[FileOutcome]:
    """Ingest (or, with ``load=False``, only validate and report on) every file under ``paths``."""
    settings.ensure()
    secret = privacy.load_secret(settings.home)
    outcomes = []
    con = warehouse.connect(settings.warehouse) if load else None
    try:
        if con is not None:
            warehouse.create_raw_tables(con)
        for path in iter_files(paths):
            outcome = _ingest_one(path, settings, secret, expected_la, con)
            outcomes.append(outcome)
            progress(outcome.line())
    finally:
        if con is not None:
            con.close()
    return outcomes


def validate_file(data: bytes, size: int, name: str, secret: bytes, expected_la: str | None) -> ValidationResult:
    """Recognise a file by its content and run the validator for its kind."""
    units = la_units()
    if size > MAX_BYTES:
        result = ValidationResult(file_name=name)
        result.issues.append(Issue("FILE001", None, None, None,
                                   f"the file is {size:,} bytes, far larger than any real return "
                                   f"(limit {MAX_BYTES:,}): not read"))
        return result
    kind = recognise(data[:HEAD_BYTES], name)
    if kind == "csww_xml":
        return validate_csww(data, file_name=name, known_la_codes=units, secret=secret, expected_la=expected_la)
    if kind == "workbook":
        from validation.workbook import validate_workbook

        return validate_workbook(data, file_name=name, known_la_codes=set(units), expected_la=expected_la)
    if kind == "ees_csv":
        return validate_ees(data, file_name=name, known_la_codes=set(units.values()))
    result = ValidationResult(file_name=name)
    result.issues.append(Issue("FILE001", None, None, None,
                               "not a return this product recognises: expected the CSWW census XML, the "
                               "regional workbook (.xlsx) or a published EES indicators file (.csv)"))
    return result


def _ingest_one(path: Path, settings: Settings, secret: bytes, expected_la: str | None, con) -> FileOutcome:
    arrived_at = datetime.now(UTC).replace(tzinfo=None)
    # archived first, unchanged; only what is sent for loading is archived (validate-only leaves no trace)
    checksum, archived, size = archive_file(path, settings if con is not None else None, arrived_at)
    data = path.read_bytes() if size <= MAX_BYTES else b""  # a larger file is rejected unread

    result = validate_file(data, size, path.name, secret, expected_la)
    if archived is not None:
        _quarantine(result, checksum, archived, settings)
    changes = _changes(con, result, checksum) if con is not None and not result.file_rejected else []
    la, year = result.old_la_code, result.census_year
    summary = summary_rows(file_name=path.name, checksum=checksum, la=la, year=year, status=result.status,
                           rows_received=result.rows_received, rows_accepted=result.rows_accepted,
                           rows_rejected=result.rows_rejected, issues=result.issues, changes=changes)
    base = settings.reports / f"{_safe(la) or 'unknown'}_{year or 'unknown'}_{checksum}"
    report_html, report_xlsx = write_reports(base, summary, result.issues)

    if con is not None:
        _load(con, result, checksum, result.return_type, path.name, archived, arrived_at, report_html,
              report_xlsx)
    return FileOutcome(path, checksum, result.return_type, result.status, la, year, result.rows_received,
                       result.rows_accepted, result.rows_rejected, result.error_count, result.warning_count,
                       report_html, report_xlsx)


# What a resubmission changed: totals of the new return beside those of the return it replaces.
CHANGE_MEASURES: dict[str, dict[str, str]] = {
    "csww_workers": {
        "worker records": "count(*)",
        "agency worker records": "count(*) filter (where agency_worker = 1)",
        "FTE (sum over records)": "sum(fte)",
        "cases at 30 September (sum of Cases30)": "sum(cases30)",
        "working days lost (sum)": "sum(working_days_lost)",
    },
    "csww_la_level": {"vacancies (FTE)": "sum(number_of_vacancies)", "agency cover (FTE)": "sum(no_agency_fte)"},
    "workbook_summary": {name: f"sum({name})" for name in (
        "inpost_fte", "inpost_headcount", "leavers_fte", "agency_fte", "vacancy_fte", "case_holders_fte",
        "cases")},
    "workbook_teams": {"team case holders (FTE)": "sum(case_holders_fte)",
                       "children allocated": "sum(children_allocated)"},
    "workbook_non_sw": {"non-social-worker FTE": "sum(fte)"},
}


def _changes(con, result: ValidationResult, checksum: str) -> list[str]:
    """Lines saying how this return differs from the LA's current return for the same period."""
    if result.old_la_code is None or result.return_type not in ("csww_xml", "workbook"):
        return []
    previous = con.execute(
        """select submission_id, arrived_at from raw.submissions
           where old_la_code = ? and census_year = ? and return_type = ? and status <> 'rejected'
             and submission_id <> ? and period_end is not distinct from ?
           order by arrived_at desc, submission_id desc limit 1""",
        [result.old_la_code, result.census_year, result.return_type, checksum, result.period_end],
    ).fetchall()
    if not previous:
        return []
    previous = previous[0]
    lines = [f"replaces the return received {previous[1]:%d %B %Y %H:%M} (checksum {previous[0][:12]}...)"]
    for table, measures in CHANGE_MEASURES.items():
        frame = result.frames.get(table)
        if frame is None:
            continue
        con.register("incoming_frame", frame if not frame.empty else pd.DataFrame(columns=warehouse.raw_columns(
            con, table)))
        for label, expression in measures.items():
            before = con.execute(f"select {expression} from raw.{table} where submission_id = ?",
                                 [previous[0]]).fetchall()[0][0]
            after = con.execute(f"select {expression} from incoming_frame").fetchall()[0][0]
            if (before or 0) != (after or 0):
                lines.append(f"{label}: {_number(before)} -> {_number(after)}")
        con.unregister("incoming_frame")
    if "csww_workers" in result.frames and not result.frames["csww_workers"].empty:
        con.register("incoming_frame", result.frames["csww_workers"][["worker_ref"]])
        added, removed = con.execute(
            """select (select count(distinct worker_ref) from incoming_frame where worker_ref not in
                         (select worker_ref from raw.csww_workers where submission_id = $1)),
                      (select count(distinct worker_ref) from raw.csww_workers where submission_id = $1
                         and worker_ref not in (select worker_ref from incoming_frame))""",
            [previous[0]]).fetchall()[0]
        con.unregister("incoming_frame")
        lines.append(f"workers added: {added}; workers no longer in the return: {removed}")
    if len(lines) == 1:
        lines.append("no change in the totals")
    return lines


def _number(value) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _quarantine(result: ValidationResult, checksum: str, archived: Path, settings: Settings) -> None:
    """Keep every rejected row (or the whole rejected file's whereabouts) with its reasons."""
    if not result.quarantined and not result.file_rejected:
        return
    record = {
        "checksum": checksum, "file_name": result.file_name, "archive_path": str(archived),
        "file_rejected": result.file_rejected,
        "file_reasons": [f"{i.rule_code}: {i.message}" for i in result.issues if i.rejects_file],
        "rows": result.quarantined,
    }
    target = settings.quarantine / f"{checksum}.json"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1, default=str)


def _load(con, result: ValidationResult, checksum: str, return_type: str, file_name: str, archived: Path | None,
          arrived_at: datetime, report_html: Path, report_xlsx: Path) -> None:
    previous = con.execute("select min(arrived_at) from raw.submissions where submission_id = ?",
                           [checksum]).fetchall()[0][0]
    submission = pd.DataFrame([{
        "submission_id": checksum, "return_type": return_type, "file_name": file_name,
        "archive_path": str(archived), "old_la_code": result.old_la_code, "census_year": result.census_year,
        "period_end": result.period_end, "arrived_at": previous or arrived_at, "status": result.status,
        "rows_received": result.rows_received, "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected, "error_count": result.error_count,
        "warning_count": result.warning_count, "report_html": str(report_html), "report_xlsx": str(report_xlsx),
    }])
    issues = pd.DataFrame([i.as_record(file_name) for i in result.issues])
    frames = {"submissions": submission, "validation_issues": _with_id(issues, checksum)}
    if not result.file_rejected:
        frames.update({table: _with_id(frame, checksum) for table, frame in result.frames.items()})
    warehouse.replace_submission(con, checksum, frames)


def _with_id(frame: pd.DataFrame, checksum: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["submission_id"] = checksum
    return frame


def _safe(value: str | None) -> str | None:
    return None if value is None else "".join(c if c.isalnum() else "-" for c in value)
