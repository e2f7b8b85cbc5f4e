"""Validate CSWW returns (R1): file rules, the pandera schema, then the cross-field rules.

Input is the raw bytes; output is what may be loaded (typed, pseudonymised worker rows and the LA-level
row), what must be quarantined (rejected rows, as sent, with their reasons) and every issue found.
A file error rejects the whole file; a row error rejects only that row. Many returns can be validated in
one call (``validate_csww_batch``, what ingestion uses): the result for each is the same as alone.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow

from validation import privacy
from validation.issues import Issue
from validation.readers.csww_xml import (
    LA_LEVEL_ITEMS,
    WORKER_ITEMS,
    CswwMessage,
    CswwReadError,
    read_csww_xml,
)
from validation.result import ValidationResult, file_rows
from validation.schemas.csww import LA_LEVEL_SCHEMA, WORKER_SCHEMA, failures, to_numbers

WORKER_COLUMNS = {
    "AgencyWorker": ("agency_worker", "int"), "FTE": ("fte", "float"),
    "GenderCurrent": ("gender_current", "int"), "Sex": ("sex", "text"), "Ethnicity": ("ethnicity", "text"),
    "QualInst": ("qual_inst", "text"), "QualLevel": ("qual_level", "int"),
    "StepUpGrad": ("step_up_grad", "int"), "FrontlineGrad": ("frontline_grad", "int"),
    "OrgRole": ("org_role", "int"), "RoleStartDate": ("role_start_date", "date"),
    "RoleEndDate": ("role_end_date", "date"), "StartOrigin": ("start_origin", "int"),
    "LeaverDestination": ("leaver_destination", "int"), "ReasonLeave": ("reason_leave", "int"),
    "FTE30": ("fte30", "float"), "Cases30": ("cases30", "int"),
    "WorkingDaysLost": ("working_days_lost", "float"), "ContractWeeks": ("contract_weeks", "float"),
    "Absat30Sept": ("absat30sept", "int"), "ReasonAbsence": ("reason_absence", "text"),
    "CFKSSstatus": ("cfkss_status", "int"), "BaseSalary": ("base_salary", "float"),
    "RRPayments": ("rr_payments", "float"), "OtherPayments": ("other_payments", "float"),
}
LA_LEVEL_COLUMNS = {
    "NumberOfVacancies": ("number_of_vacancies", "float"), "NoAgencyFTE": ("no_agency_fte", "float"),
    "NoAgencyHeadcount": ("no_agency_headcount", "int"), "RecruitmentBonus": ("recruitment_bonus", "int"),
    "RetentionBonus": ("retention_bonus", "int"), "PerformanceAward": ("performance_award", "int"),
    "CarAllowance": ("car_allowance", "int"), "RelocationPackage": ("relocation_package", "int"),
    "RegionalWeighting": ("regional_weighting", "int"), "CostSWE": ("cost_swe", "int"),
    "CostDBS": ("cost_dbs", "int"), "OtherAllowances": ("other_allowances", "text"),
}
# Items whose sent value is personal: an issue about them never repeats the value in full.
PERSONAL_ITEMS = {
    "SWENo": lambda v: "(withheld)",
    "PersonBirthDate": lambda v: privacy.birth_month(v) or "(withheld)",
}
CASES_WARNING_ABOVE = 40
MAX_WORKING_DAYS_LOST = 260


class CswwValidation(ValidationResult):
    """A validated CSWW return: frames ``csww_workers`` and ``csww_la_level``."""

    @property
    def workers(self) -> pd.DataFrame:
        return self.frames.get("csww_workers", pd.DataFrame())

    @property
    def la_level(self) -> pd.DataFrame:
        return self.frames.get("csww_la_level", pd.DataFrame())


@dataclass(frozen=True)
class CswwFile:
    """One CSWW return to validate: its bytes, the name it arrived with, and the LA it was sent for."""

    data: bytes
    file_name: str
    expected_la: str | None = None


@dataclass
class _Read:
    """A return whose header passed: its message and its census year's window."""

    result: CswwValidation
    message: CswwMessage
    start: pd.Timestamp
    reference: pd.Timestamp


def validate_csww(
    data: bytes, *, file_name: str, known_la_codes: Collection[str], secret: bytes, expected_la: str | None = None
) -> CswwValidation:
    """Validate one CSWW return. ``known_la_codes`` may map each code to the unit it reports under (a joint
    unit such as ``940 / 941``); the return is then recorded under that unit."""
    return validate_csww_batch([CswwFile(data, file_name, expected_la)], known_la_codes=known_la_codes,
                               secret=secret)[0]


def validate_csww_batch(
    files: Sequence[CswwFile], *, known_la_codes: Collection[str], secret: bytes,
    seconds: dict[str, float] | None = None,
) -> list[CswwValidation]:
    """Validate many CSWW returns at once: one result per file, exactly as if each were validated alone.

    The file rules run per file; the pandera schemas, the typing and the cross-field rules run once over
    the rows of every file together (their cost is mostly fixed per call, not per row), and each issue and
    rejected row goes back to its own file with its own line, record number and worker. ``seconds``, if
    given, gets the time spent parsing (``parse``) and validating (``validate_csww``) added to it.
    """
    with _collector_paused():
        return _validate_batch(files, known_la_codes, secret, seconds)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector, paused for one batch. Parsing makes millions of small objects (an
    item dict per worker record) that stay alive until the batch is done, and every collection the
    allocations trigger walks all of them again: with it running, a national year's batches took 30-80%
    longer, by how often it happened to run. Reference counting still frees everything as usual; the
    few reference cycles wait for the next collection after the batch."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _validate_batch(
    files: Sequence[CswwFile], known_la_codes: Collection[str], secret: bytes, seconds: dict[str, float] | None,
) -> list[CswwValidation]:
    began = time.perf_counter()
    results: list[CswwValidation] = []
    read: list[_Read] = []
    for file in files:
        result, message = _read_file(file, known_la_codes)
        results.append(result)
        if message is not None:
            year = result.census_year
            read.append(_Read(result, message, pd.Timestamp(year - 1, 10, 1), pd.Timestamp(year, 9, 30)))
    parsed = time.perf_counter()
    _validate_la_levels(read)
    agency_fte = _validate_workers(read, secret)
    for number, entry in enumerate(read):
        _check_agency_cover(entry.result, agency_fte.get(number))
    if seconds is not None:
        seconds["parse"] = seconds.get("parse", 0.0) + parsed - began
        seconds["validate_csww"] = seconds.get("validate_csww", 0.0) + time.perf_counter() - parsed
    return results


def _read_file(file: CswwFile, known: Collection[str]) -> tuple[CswwValidation, CswwMessage | None]:
    """Parse one return and apply the file rules; the message is None when the file is rejected."""
    result = CswwValidation(file_name=file.file_name, return_type="csww_xml")
    try:
        message = read_csww_xml(file.data)
    except CswwReadError as exc:
        result.issues.append(Issue("CSWW001", exc.line, None, None, str(exc)))
        return result, None
    result.rows_received = len(message.workers)
    if not _check_header(message, result, known, file.expected_la):
        return result, None
    for tag, line in _first_of_each(message.unknown_elements):
        result.issues.append(Issue("CSWW070", line, tag, None,
                                   f"<{tag}> is not part of the CSWW layouts this product knows; ignored"))
    return result, message


def _check_header(
    message: CswwMessage, result: CswwValidation, known: Collection[str], expected: str | None
) -> bool:
    if not message.lea:
        result.issues.append(Issue("CSWW001", None, "LEA", None, "the header has no LEA code"))
        return False
    result.old_la_code = known.get(message.lea, message.lea) if isinstance(known, Mapping) else message.lea
    if message.lea not in known:
        result.issues.append(Issue("CSWW002", None, "LEA", message.lea,
                                   f"LEA code {message.lea} is not a known English LA code"))
    elif expected is not None and expected not in (message.lea, result.old_la_code):
        result.issues.append(Issue("CSWW002", None, "LEA", message.lea,
                                   f"the file is for LA {message.lea} but was submitted for LA {expected}"))
    year = message.year or ""
    if not (year.isdigit() and len(year) == 4):
        result.issues.append(Issue("CSWW003", None, "Year", message.year,
                                   "the collection Year is missing or not a 4-digit year"))
        return False
    result.census_year = int(year)
    result.period_end = date(result.census_year, 9, 30)
    if message.reference_date != f"{year}-09-30":
        result.issues.append(Issue("CSWW003", None, "ReferenceDate", message.reference_date,
                                   f"ReferenceDate should be {year}-09-30"))
    return not result.file_rejected


def _first_of_each(elements: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    seen: dict[str, int | None] = {}
    for tag, line in elements:
        seen.setdefault(tag, line)
    return list(seen.items())


def _validate_la_levels(read: list[_Read]) -> None:
    """The LA-level element of every return: one schema run over all of them, issues back to each file."""
    with_element = [entry for entry in read if entry.message.la_level is not None]
    for entry in read:
        if entry.message.la_level is None:
            entry.result.issues.append(Issue("CSWW010", None, "LALevel", None,
                                             "no LALevelVacancies / LALevel element: vacancies and agency cover "
                                             "are not available for this return"))
            entry.result.frames["csww_la_level"] = pd.DataFrame()
    if not with_element:
        return
    elements = [entry.message.la_level for entry in with_element]
    frame = pd.DataFrame({item: [e.items.get(item) for e in elements] for item in LA_LEVEL_ITEMS}, dtype="string")
    problems: dict[int, list[tuple[str, object, str]]] = {}
    for row, column, value, expected in failures(LA_LEVEL_SCHEMA, frame):
        problems.setdefault(int(row), []).append((column, value, expected))
    typed = _typed(frame, LA_LEVEL_COLUMNS)
    typed["old_la_code"] = pd.array([entry.result.old_la_code for entry in with_element], dtype="str")
    typed["census_year"] = [entry.result.census_year for entry in with_element]
    for row, entry in enumerate(with_element):
        element, result = elements[row], entry.result
        found = problems.get(row, [])
        for column, value, expected in found:
            result.issues.append(Issue("CSWW011", element.line, column, _shown(column, value),
                                       f"{column} should be {expected}"))
        if found:
            result.quarantined.append({"element": element.tag, "line": element.line, "items": element.items,
                                       "reasons": [f"CSWW011 {p[0]}" for p in found], "counts_as_row": False})
            result.frames["csww_la_level"] = pd.DataFrame()
        else:
            result.frames["csww_la_level"] = file_rows(typed, row, row + 1)


def _validate_workers(all_read: list[_Read], secret: bytes) -> dict[int, float]:
    """Every worker record of every return, checked together; each file gets its own issues and rows.

    Returns, by position in ``all_read``, the FTE at the reference date of each file's accepted agency
    worker records (for CSWW060)."""
    numbers = [number for number, entry in enumerate(all_read) if entry.message.workers]
    read = [all_read[number] for number in numbers]
    if not read:
        return {}
    workers = [w for entry in read for w in entry.message.workers]
    sizes = np.array([len(entry.message.workers) for entry in read])
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    file_of = np.repeat(np.arange(len(read)), sizes)
    items = [w.items for w in workers]
    raw = _text_frame(items, WORKER_ITEMS)
    lines = pd.Series([w.line for w in workers], dtype="Int64")
    refs = pd.Series(privacy.worker_refs([i.get("SWENo") for i in items], secret), dtype="string")
    start = pd.Series(np.repeat(np.array([e.start for e in read], dtype="datetime64[ns]"), sizes))
    reference = pd.Series(np.repeat(np.array([e.reference for e in read], dtype="datetime64[ns]"), sizes))
    issues: list[tuple[int, str, str | None, str | None, str]] = []  # (row, code, item, value, message)

    # CSWW010: required items
    agency = raw["AgencyWorker"]
    for item in ("AgencyWorker", "SWENo"):
        for row in raw.index[raw[item].isna()]:
            issues.append((row, "CSWW010", item, None, f"{item} is required"))
    for item in ("FTE", "OrgRole", "RoleStartDate"):
        for row in raw.index[(agency == "0").fillna(False) & raw[item].isna()]:
            issues.append((row, "CSWW010", item, None, f"{item} is required for a worker who is not agency"))
    # CSWW011: types, code lists and ranges (pandera)
    for row, column, value, expected in failures(WORKER_SCHEMA, raw):
        issues.append((int(row), "CSWW011", column, _shown(column, value), f"{column} should be {expected}"))

    typed = _typed(raw, WORKER_COLUMNS)
    issues.extend(_cross_field_issues(raw, typed, refs, file_of, start, reference))

    by_file: list[list[tuple[int, str, str | None, str | None, str]]] = [[] for _ in read]
    for issue in issues:
        by_file[file_of[issue[0]]].append(issue)
    rejected = np.zeros(len(raw), dtype=bool)
    for number, entry in enumerate(read):
        rows = _file_issues(entry, by_file[number], int(offsets[number]), lines, refs)
        rejected[rows] = True

    keep = ~rejected
    typed = typed.loc[keep].copy()
    typed["worker_ref"] = refs[keep]
    typed["birth_month"] = raw.loc[keep, "PersonBirthDate"].map(privacy.birth_month, na_action="ignore")
    typed["line"] = lines[keep]
    typed["record_number"] = pd.Series(np.arange(len(raw)) - offsets[file_of] + 1, dtype="Int64")[keep]
    kept_file = file_of[keep]
    codes = [entry.result.old_la_code for entry in read]
    typed["old_la_code"] = pd.array([codes[f] for f in kept_file], dtype="str")
    typed["census_year"] = np.array([entry.result.census_year for entry in read])[kept_file]
    kept_offsets = np.concatenate([[0], np.cumsum(np.bincount(kept_file, minlength=len(read)))])
    for number, entry in enumerate(read):
        entry.result.frames["csww_workers"] = file_rows(typed, kept_offsets[number], kept_offsets[number + 1])
    # FTE at the reference date of the agency workers still there (FTE30, else FTE), per file
    ended = typed["role_end_date"].notna() & (typed["role_end_date"] <= reference[keep])
    agency = ((typed["agency_worker"] == 1) & ~ended).fillna(False).astype(bool)
    fte = typed["fte30"].fillna(typed["fte"])
    sums = fte[agency].groupby(kept_file[agency.to_numpy()]).sum()
    return {numbers[f]: float(sums.get(f, 0.0)) for f in range(len(read))
            if kept_offsets[f + 1] > kept_offsets[f]}


_TEXT = pyarrow.string()


def _text_frame(items: list[dict[str, str | None]], columns: tuple[str, ...]) -> pd.DataFrame:
    """The items of many records as a frame of text columns (pandas' "string" dtype), built by Arrow; the
    same frame as ``pd.DataFrame({c: [i.get(c) for i in items] for c in columns}, dtype="string")``.
    Each record becomes a tuple and the tuples are transposed (a third faster than Arrow's own
    ``Table.from_pylist`` of the dicts)."""
    if not items:
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
    values = zip(*[tuple(map(record.get, columns)) for record in items], strict=True)
    table = pyarrow.Table.from_arrays([pyarrow.array(column, type=_TEXT) for column in values], names=list(columns))
    return table.to_pandas(types_mapper={_TEXT: pd.StringDtype()}.get)


def _file_issues(entry: _Read, issues: list[tuple[int, str, str | None, str | None, str]], offset: int,
                 lines: pd.Series, refs: pd.Series) -> list[int]:
    """Record one file's worker issues and quarantined rows; return the (batch) rows it rejects."""
    result = entry.result
    reasons: dict[int, set[str]] = {}
    for row, code, item, value, text in issues:
        ref = refs.iat[row]
        issue = Issue(code, _int(lines.iat[row]), item, value, text, ref if pd.notna(ref) else None,
                      row - offset + 1)
        result.issues.append(issue)
        if issue.rejects_row:
            reasons.setdefault(row, set()).add(f"{code} {item or ''}".strip())
    result.issues.sort(key=lambda i: (i.line or 0, i.rule_code))
    for row in sorted(reasons):
        result.quarantined.append({"element": "CSWWWorker", "line": _int(lines.iat[row]),
                                   "record_number": row - offset + 1,
                                   "items": entry.message.workers[row - offset].items,
                                   "reasons": sorted(reasons[row])})
    return sorted(reasons)


def _cross_field_issues(
    raw: pd.DataFrame, typed: pd.DataFrame, refs: pd.Series, file_of: np.ndarray, start: pd.Series,
    reference: pd.Series,
) -> list[tuple[int, str, str | None, str | None, str]]:
    found: list[tuple[int, str, str | None, str | None, str]] = []
    begin, end = typed["role_start_date"], typed["role_end_date"]
    is_agency = typed["agency_worker"] == 1
    not_agency = typed["agency_worker"] == 0
    ended_by_reference = end.notna() & (end <= reference)
    left_in_year = not_agency & end.notna() & (end >= start) & (end <= reference)
    started_in_year = not_agency & begin.notna() & (begin >= start) & (begin <= reference)
    in_post = not_agency & begin.notna() & (begin <= reference) & ~ended_by_reference
    cases = typed["cases30"]

    def add(mask: pd.Series, code: str, item: str, message: str | Callable[[int], str]) -> None:
        for row in raw.index[mask.fillna(False).astype(bool)]:
            text = message(row) if callable(message) else message
            found.append((row, code, item, _shown(item, raw.at[row, item]) if item in raw else None, text))

    add(end.notna() & begin.notna() & (end < begin), "CSWW020", "RoleEndDate",
        "RoleEndDate is before RoleStartDate")
    add(begin.notna() & (begin > reference), "CSWW021", "RoleStartDate",
        lambda row: f"RoleStartDate is after the reference date {reference.iat[row].date()}")
    add(left_in_year & raw["ReasonLeave"].isna(), "CSWW022", "ReasonLeave",
        "this worker left in the census year but has no ReasonLeave")
    for item in ("ReasonLeave", "LeaverDestination"):
        add(raw[item].notna() & ~ended_by_reference, "CSWW023", item,
            f"{item} is given but the worker did not leave by the reference date")
    add(started_in_year & raw["StartOrigin"].isna(), "CSWW024", "StartOrigin",
        "this worker started in the census year but has no StartOrigin")
    add((cases > 0) & ended_by_reference, "CSWW030", "Cases30",
        "Cases30 is above 0 but the worker was not in post at the reference date")
    add(cases > CASES_WARNING_ABOVE, "CSWW031", "Cases30",
        f"Cases30 is above {CASES_WARNING_ABOVE}: check the count")
    role = typed["org_role"]
    holds_post = in_post | (is_agency & ~ended_by_reference)
    add(((role == 6) & (cases > 0)) | ((role == 5) & (cases == 0) & holds_post),
        "CSWW032", "OrgRole", "OrgRole and Cases30 disagree (role 6 holds no cases; role 5 holds cases)")
    add(typed["working_days_lost"] > MAX_WORKING_DAYS_LOST, "CSWW040", "WorkingDaysLost",
        f"WorkingDaysLost is above {MAX_WORKING_DAYS_LOST}")
    # the same SWENo twice within one return (never across returns)
    duplicated = refs.notna() & pd.DataFrame({"file": file_of, "ref": refs}).duplicated(keep=False)
    add(duplicated, "CSWW050", "SWENo",
        "this SWENo appears more than once in the return (two posts): both kept for FTE, one for headcount")
    return found


def _check_agency_cover(result: CswwValidation, agency_fte: float | None) -> None:
    """CSWW060: NoAgencyFTE above the FTE of the agency worker records (``agency_fte``: None when the return
    has no accepted worker record)."""
    if result.la_level.empty or agency_fte is None:
        return
    cover = result.la_level["no_agency_fte"].iloc[0]
    if pd.notna(cover) and cover > agency_fte + 0.005:
        result.issues.append(Issue("CSWW060", None, "NoAgencyFTE", f"{cover:g}",
                                   f"NoAgencyFTE {cover:g} is greater than the {agency_fte:.2f} FTE of the "
                                   "agency worker records"))


def _typed(frame: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for item, (name, kind) in columns.items():
        values = frame[item] if item in frame else pd.Series(pd.NA, index=frame.index, dtype="string")
        if kind == "text":
            out[name] = values.astype("string")
        elif kind == "date":
            out[name] = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        else:
            numbers = to_numbers(values)
            out[name] = numbers.round().astype("Int64") if kind == "int" else numbers.astype("Float64")
    return out


def _shown(item: str | None, value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return PERSONAL_ITEMS[item](text) if item in PERSONAL_ITEMS else text[:200]


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
