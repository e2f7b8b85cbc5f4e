"""The parallel half of ingestion: validating chunks of files and writing their reports in worker processes.

Plain functions on picklable values (paths, names, results), so that they run the same in this process (a
few files) or in a pool of processes (many files: a national run). Validation reads the bytes the archive
holds (content-addressed, so exactly the bytes that were hashed), or the file itself when only validating.
CSWW returns of a chunk are validated together (``validation.csww.validate_csww_batch``), and so are its
workbooks (``validation.workbook.validate_workbook_batch``): pandera's cost is mostly per call, so one call
for many files is what makes national volumes fast.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.recognition import HEAD_BYTES, recognise
from reference.geography import la_units
from validation.csww import CswwFile, validate_csww, validate_csww_batch
from validation.ees import validate_ees
from validation.issues import Issue
from validation.readers.csww_xml import MAX_BYTES
from validation.result import ValidationResult

CHUNK_WEIGHT = 12 * 1024 * 1024  # bytes of XML (or the equivalent) validated in one call
WORKBOOK_WEIGHT = 300 * 1024  # validating a workbook costs about as much as this much XML
POOL_MIN_WEIGHT = 3 * CHUNK_WEIGHT  # less work than this is validated in this process (a pool takes ~2 s to start)
PRELOAD = ["pipeline.ingest_batch", "validation.csww", "validation.workbook", "validation.ees",
           "validation.report"]


@dataclass(frozen=True)
class ToValidate:
    """One file to validate: where to read it, the name it arrived with, its size."""

    read_from: Path
    name: str
    size: int


@dataclass
class ChunkResult:
    """What a worker sends back: one result per file, and where its time went (seconds)."""

    results: list[ValidationResult]
    seconds: dict[str, float] = field(default_factory=dict)


def weight(item: ToValidate) -> int:
    return WORKBOOK_WEIGHT if item.name.lower().endswith(".xlsx") else item.size


def chunks(items: Sequence, weigh, limit: int = CHUNK_WEIGHT) -> Iterator[list]:
    """Consecutive runs of items whose weights add up to about ``limit`` (never empty, order kept)."""
    chunk, total = [], 0
    for item in items:
        if chunk and total + weigh(item) > limit:
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += weigh(item)
    if chunk:
        yield chunk


def validate_chunk(items: list[ToValidate], secret: bytes, expected_la: str | None) -> ChunkResult:
    """Validate a chunk of files: the CSWW returns in one batch, the workbooks in another, anything else one by
    one."""
    from validation.workbook import WorkbookFile, validate_workbook_batch

    seconds = {"read": 0.0, "parse": 0.0, "validate_csww": 0.0, "validate": 0.0}
    results: list[ValidationResult | None] = [None] * len(items)
    csww: list[tuple[int, CswwFile]] = []
    workbooks: list[tuple[int, WorkbookFile]] = []
    for number, item in enumerate(items):
        if item.size > MAX_BYTES:
            results[number] = validate_file(b"", item.size, item.name, secret, expected_la)
            continue
        began = time.perf_counter()
        data = item.read_from.read_bytes()
        seconds["read"] += time.perf_counter() - began
        kind = recognise(data[:HEAD_BYTES], item.name)
        if kind == "csww_xml":
            csww.append((number, CswwFile(data, item.name, expected_la)))
        elif kind == "workbook":
            workbooks.append((number, WorkbookFile(data, item.name, expected_la)))
        else:
            began = time.perf_counter()
            results[number] = validate_file(data, len(data), item.name, secret, expected_la)
            seconds["validate"] += time.perf_counter() - began
    if csww:
        batch = validate_csww_batch([f for _, f in csww], known_la_codes=la_units(), secret=secret,
                                    seconds=seconds)
        for (number, _), result in zip(csww, batch, strict=True):
            results[number] = result
    if workbooks:
        began = time.perf_counter()
        batch = validate_workbook_batch([f for _, f in workbooks], known_la_codes=set(la_units()))
        for (number, _), result in zip(workbooks, batch, strict=True):
            results[number] = result
        seconds["validate"] += time.perf_counter() - began
    return ChunkResult(results=results, seconds=seconds)


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


@dataclass(frozen=True)
class ReportJob:
    base: Path
    summary: list[tuple[str, str]]
    issues: list[Issue]


def write_report_chunk(jobs: list[ReportJob]) -> float:
    """Write the HTML and XLSX report of each job; return the seconds it took."""
    from validation.report import write_reports

    started = time.perf_counter()
    for job in jobs:
        write_reports(job.base, job.summary, job.issues)
    return time.perf_counter() - started


class InlineExecutor(Executor):
    """The Executor interface, running each call at once in this process (small batches)."""

    def submit(self, fn, /, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def workers_for(total_weight: int) -> int:
    """How many worker processes a batch of this much work (``weight`` summed) gets (0: in this process)."""
    if total_weight < POOL_MIN_WEIGHT:
        return 0
    configured = os.environ.get("WORKFORCE_INGEST_WORKERS")
    return int(configured) if configured else (os.cpu_count() or 1)


@contextmanager
def executor(workers: int) -> Iterator[Executor]:
    """A process pool of ``workers`` (forked from a clean server process with the validators loaded), or an
    inline executor for 0."""
    if workers <= 0:
        yield InlineExecutor()
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    for _ in range(workers):  # start the workers now (they load the validators) rather than at the first task
        pool.submit(int)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
