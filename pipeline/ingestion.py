"""Ingest returns: archive each file unchanged, recognise it, validate it, quarantine what is rejected,
write its report and (unless only validating) load what was accepted into the raw layer.

Plain Python, called by the ingest asset; one file's failure never stops the others. Files are taken in
chunks: each chunk is archived here, validated (in worker processes for a large batch, see
``pipeline.ingest_batch``), then quarantined, compared with the returns it replaces and loaded here in
bulk (one transaction per round, DuckDB reading whole DataFrames), and its reports written by the workers.
Files are processed in order: a later file for the same LA and period replaces an earlier one exactly as if
each had been ingested alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import warehouse
from pipeline.ingest_batch import (
    ReportJob,
    ToValidate,
    chunks,
    executor,
    validate_chunk,
    weight,
    workers_for,
    write_report_chunk,
)
from pipeline.ingest_batch import validate_file as validate_file  # re-exported: what `ingest` runs per file
from pipeline.seen_files import SeenFiles
from pipeline.settings import Settings
from validation import privacy
from validation.readers.csww_xml import MAX_BYTES
from validation.report import summary_rows
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
    """Keep the raw bytes, whatever their size, under their SHA-256 (content-addressed) and log the arrival.

    A file of a return's size is read once: the bytes hashed are the bytes archived (and, when the archive
    already holds them, nothing is written). A larger one is streamed, never read whole into memory. With
    ``settings`` None it is only hashed. Returns (checksum, archive path or None, size in bytes).
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        return _archive_streamed(path, settings, arrived_at)
    data = path.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    if settings is None:
        return checksum, None, len(data)
    target = _archive_target(settings, checksum, path)
    if not target.exists():
        temporary = settings.archive / f".incoming-{os.getpid()}-{arrived_at.timestamp()}"
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as copy:
            copy.write(data)
        os.replace(temporary, target)
    _log_arrival(settings, checksum, path, arrived_at, len(data), target)
    return checksum, target, len(data)


def _archive_target(settings: Settings, checksum: str, path: Path) -> Path:
    target = settings.archive / checksum[:2] / f"{checksum}{path.suffix.lower()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _log_arrival(settings: Settings, checksum: str, path: Path, arrived_at: datetime, size: int,
                 target: Path) -> None:
    with (settings.archive / "index.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps({"checksum": checksum, "file_name": path.name, "arrived_at": arrived_at.isoformat(),
                              "bytes": size, "archive_path": str(target)}) + "\n")


def _archive_streamed(path: Path, settings: Settings | None, arrived_at: datetime) -> tuple[str, Path | None, int]:
    """A file far larger than any return: copied in 1 MB blocks while it is hashed."""
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
    target = _archive_target(settings, checksum, path)
    if target.exists():
        temporary.unlink()
    else:
        os.replace(temporary, target)
    _log_arrival(settings, checksum, path, arrived_at, size, target)
    return checksum, target, size


@dataclass
class IngestStats:
    """Where an ingest spent its time (seconds; the workers' seconds add up across processes)."""

    files: int = 0
    skipped: int = 0  # already loaded unchanged (``skip_loaded``): neither validated nor loaded again
    validated: Counter[str] = field(default_factory=Counter)  # the other files, by return type
    records: int = 0
    workers: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] += seconds


@dataclass
class _Staged:
    """A file archived (or only hashed) and waiting for its validation result."""

    path: Path
    checksum: str
    archived: Path | None
    size: int
    arrived_at: datetime
    skipped: FileOutcome | None = None  # already loaded unchanged (``skip_loaded``)


def ingest(paths: Iterable[Path], settings: Settings, *, load: bool = True, expected_la: str | None = None,
           progress: Callable[[str], object] = print, skip_loaded: bool = False,
           stats: IngestStats | None = None) -> list[FileOutcome]:
    """Ingest (or, with ``load=False``, only validate and report on) every file under ``paths``.

    With ``skip_loaded`` a file whose exact content was already loaded under the same name (and whose
    reports are still there) is not validated or loaded again: its line repeats the stored outcome.
    """
    settings.ensure()
    stats = stats if stats is not None else IngestStats()
    secret = privacy.load_secret(settings.home)
    files = list(iter_files(paths))
    stats.files = len(files)
    con = warehouse.connect(settings.warehouse) if load else None
    outcomes: list[FileOutcome] = []
    try:
        if con is not None:
            warehouse.create_raw_tables(con)
        loaded = _loaded_submissions(con) if con is not None and skip_loaded else {}
        # the pool (if the work is large) starts while the files are archived: the work is estimated from the
        # files' sizes, leaving out names already loaded (nearly always unchanged when `workforce run` skips)
        stats.workers = workers_for(_estimated_weight(files, {name for _, name in loaded}))
        with executor(stats.workers) as pool:
            staged = _stage(files, settings if con is not None else None, loaded, stats, remember=skip_loaded)
            validating: deque = deque()  # (staged chunk, validation future), in file order
            reporting: deque = deque()  # (outcomes, report future), in file order
            for chunk in _chunks(staged):
                todo = [ToValidate(e.archived or e.path, e.path.name, e.size) for e in chunk if e.skipped is None]
                validating.append((chunk, pool.submit(validate_chunk, todo, secret, expected_la) if todo else None))
                while len(validating) > stats.workers + 1:  # keep every worker busy
                    reporting.append(_finish(*validating.popleft(), settings, con, pool, stats))
                    _print_ready(reporting, outcomes, progress, stats)
            while validating:
                reporting.append(_finish(*validating.popleft(), settings, con, pool, stats))
                _print_ready(reporting, outcomes, progress, stats)
            _print_ready(reporting, outcomes, progress, stats, wait=True)
    finally:
        if con is not None:
            con.close()
    stats.records = sum(o.rows_received for o in outcomes)
    return outcomes


def _estimated_weight(files: list[Path], loaded_names: set[str]) -> int:
    total = 0
    for path in files:
        if path.name not in loaded_names:
            try:
                total += weight(ToValidate(path, path.name, path.stat().st_size))
            except OSError:
                continue
    return total


def _chunks(staged: list[_Staged]) -> Iterator[list[_Staged]]:
    """Chunks of about the same validation cost (files already loaded weigh nothing)."""
    return chunks(staged, lambda e: 0 if e.skipped is not None else weight(ToValidate(e.path, e.path.name, e.size)))


def _print_ready(reporting: deque, outcomes: list[FileOutcome], progress: Callable[[str], object],
                 stats: IngestStats, wait: bool = False) -> None:
    """Print the lines of the chunks whose reports are written (in file order); with ``wait``, all of them."""
    while reporting and (wait or reporting[0][1] is None or reporting[0][1].done()):
        chunk_outcomes, future = reporting.popleft()
        if future is not None:
            stats.add("reports", future.result())
        for outcome in chunk_outcomes:
            outcomes.append(outcome)
            progress(outcome.line())


def _stage(files: list[Path], settings: Settings | None, loaded: dict, stats: IngestStats,
           remember: bool = False) -> list[_Staged]:
    """Archive every file first (or, when only validating, just hash it); note those already loaded.

    With ``remember`` (``workforce run``, which skips what was loaded), the checksums are kept by the files'
    identity on disk (``SeenFiles``): a file unchanged since it was last hashed and already loaded under its
    name is then skipped without being read again (it was archived when it arrived: no new arrival is
    logged)."""
    began = time.perf_counter()
    seen = SeenFiles(settings.archive) if settings is not None and remember else None
    staged = []
    for path in files:
        arrived_at = datetime.now(UTC).replace(tzinfo=None)
        known = seen.lookup(path) if seen is not None else None
        skipped = _already_loaded(loaded.get((known[0], path.name)), path) if known else None
        if skipped is not None:
            entry = _Staged(path, known[0], None, known[1], arrived_at, skipped)
        else:
            hashed_at = time.time_ns()
            checksum, archived, size = archive_file(path, settings, arrived_at)
            entry = _Staged(path, checksum, archived, size, arrived_at)
            entry.skipped = _already_loaded(loaded.get((checksum, path.name)), path)
            if seen is not None:
                seen.record(path, checksum, hashed_at)
        staged.append(entry)
        stats.skipped += entry.skipped is not None
    if seen is not None:
        seen.save()
    stats.add("archive", time.perf_counter() - began)
    return staged


def _finish(staged: list[_Staged], future, settings: Settings, con, pool, stats: IngestStats):
    """Quarantine, compare and load one validated chunk and start writing its reports; return the chunk's
    outcomes (in file order) and the reports' future."""
    chunk = future.result() if future is not None else None
    results = iter(chunk.results) if chunk is not None else iter(())
    for stage, seconds in (chunk.seconds.items() if chunk is not None else ()):
        stats.add(stage, seconds)
    validated = [(entry, next(results)) for entry in staged if entry.skipped is None]
    began = time.perf_counter()
    for entry, result in validated:
        if entry.archived is not None:
            _quarantine(result, entry.checksum, entry.archived, settings)
    changes: dict[int, list[str]] = {}
    if con is not None:
        for round_ in _rounds(validated):
            changes.update(_round_changes(con, round_))
            _load_many(con, round_, settings)
    stats.add("load", time.perf_counter() - began)
    jobs, outcomes = [], {}
    for number, (entry, result) in enumerate(validated):
        base = _report_base(settings, result, entry.checksum)
        jobs.append(ReportJob(base, _summary(entry, result, changes.get(number, [])), result.issues))
        outcomes[id(entry)] = _outcome(entry, result, base)
        stats.validated[result.return_type] += 1
    report = pool.submit(write_report_chunk, jobs) if jobs else None
    return [entry.skipped or outcomes[id(entry)] for entry in staged], report


def _summary(entry: _Staged, result: ValidationResult, changes: list[str]) -> list[tuple[str, str]]:
    return summary_rows(file_name=entry.path.name, checksum=entry.checksum, la=result.old_la_code,
                        year=result.census_year, status=result.status, rows_received=result.rows_received,
                        rows_accepted=result.rows_accepted, rows_rejected=result.rows_rejected,
                        issues=result.issues, changes=changes)


def _report_base(settings: Settings, result: ValidationResult, checksum: str) -> Path:
    return settings.reports / f"{_safe(result.old_la_code) or 'unknown'}_{result.census_year or 'unknown'}_{checksum}"


def _outcome(entry: _Staged, result: ValidationResult, base: Path) -> FileOutcome:
    return FileOutcome(entry.path, entry.checksum, result.return_type, result.status, result.old_la_code,
                       result.census_year, result.rows_received, result.rows_accepted, result.rows_rejected,
                       result.error_count, result.warning_count, base.with_suffix(".html"),
                       base.with_suffix(".xlsx"))


def _rounds(validated: list[tuple[_Staged, ValidationResult]]) -> list[list[tuple[int, _Staged, ValidationResult]]]:
    """Split a chunk so that no round holds two files for the same return (LA, year, kind, period) or with the
    same content: a later one is compared with, and replaces, the earlier one as if ingested after it."""
    rounds: list[list[tuple[int, _Staged, ValidationResult]]] = []
    next_for: dict[object, int] = {}
    for number, (entry, result) in enumerate(validated):
        key = (result.old_la_code, result.census_year, result.return_type, result.period_end)
        position = max(next_for.get(key, 0), next_for.get(entry.checksum, 0))
        if result.old_la_code is not None:
            next_for[key] = position + 1
        next_for[entry.checksum] = position + 1
        while len(rounds) <= position:
            rounds.append([])
        rounds[position].append((number, entry, result))
    return rounds


def _round_changes(con, round_: list[tuple[int, _Staged, ValidationResult]]) -> dict[int, list[str]]:
    """What each resubmission in the round changed; one query finds which files replace an earlier return."""
    candidates = [(n, e, r) for n, e, r in round_ if not r.file_rejected and r.old_la_code is not None
                  and r.return_type in ("csww_xml", "workbook")]
    if not candidates:
        return {}
    keys = pd.DataFrame({"old_la_code": [r.old_la_code for _, _, r in candidates],
                         "census_year": [r.census_year for _, _, r in candidates],
                         "return_type": [r.return_type for _, _, r in candidates]})
    con.register("incoming_keys", keys)
    try:
        existing = {tuple(row) for row in con.execute(
            """select distinct s.old_la_code, s.census_year, s.return_type from raw.submissions s
               join incoming_keys k using (old_la_code, census_year, return_type)
               where s.status <> 'rejected'""").fetchall()}
    finally:
        con.unregister("incoming_keys")
    return {n: _changes(con, r, e.checksum) for n, e, r in candidates
            if (r.old_la_code, r.census_year, r.return_type) in existing}


def _loaded_submissions(con) -> dict[tuple[str, str], tuple]:
    rows = con.execute(
        """select submission_id, file_name, return_type, status, old_la_code, census_year, rows_received,
                  rows_accepted, rows_rejected, error_count, warning_count, report_html, report_xlsx
           from raw.submissions""").fetchall()
    return {(row[0], row[1]): row for row in rows}


def _already_loaded(row: tuple | None, path: Path) -> FileOutcome | None:
    if row is None:
        return None
    (checksum, _, return_type, status, la, year, received, accepted, rejected, errors, warnings, html,
     xlsx) = row
    if not (html and xlsx and Path(html).exists() and Path(xlsx).exists()):
        return None
    return FileOutcome(path, checksum, return_type, status, la, year, received, accepted, rejected, errors,
                       warnings, Path(html), Path(xlsx))


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


def _load_many(con, round_: list[tuple[int, _Staged, ValidationResult]], settings: Settings) -> None:
    """Replace the raw rows of every submission in the round, in one transaction (whole DataFrames)."""
    if not round_:
        return
    ids = [entry.checksum for _, entry, _ in round_]
    first_arrival = dict(con.execute(
        "select submission_id, min(arrived_at) from raw.submissions where submission_id in (select unnest(?)) "
        "group by 1", [ids]).fetchall())
    tables: dict[str, list[tuple[str | None, pd.DataFrame]]] = defaultdict(list)
    submissions = []
    for _, entry, result in round_:
        base = _report_base(settings, result, entry.checksum)
        submissions.append({
            "submission_id": entry.checksum, "return_type": result.return_type, "file_name": entry.path.name,
            "archive_path": str(entry.archived), "old_la_code": result.old_la_code,
            "census_year": result.census_year, "period_end": result.period_end,
            "arrived_at": first_arrival.get(entry.checksum) or entry.arrived_at, "status": result.status,
            "rows_received": result.rows_received, "rows_accepted": result.rows_accepted,
            "rows_rejected": result.rows_rejected, "error_count": result.error_count,
            "warning_count": result.warning_count, "report_html": str(base.with_suffix(".html")),
            "report_xlsx": str(base.with_suffix(".xlsx")), "loaded_at": entry.arrived_at,
        })
        issues = pd.DataFrame([i.as_record(entry.path.name) for i in result.issues])
        tables["validation_issues"].append((entry.checksum, issues))
        if not result.file_rejected:
            for table, frame in result.frames.items():
                tables[table].append((entry.checksum, frame))
    tables["submissions"].append((None, pd.DataFrame(submissions)))
    warehouse.replace_submissions(con, ids, dict(tables))


def _safe(value: str | None) -> str | None:
    return None if value is None else "".join(c if c.isalnum() else "-" for c in value)
