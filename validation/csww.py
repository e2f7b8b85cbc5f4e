"""Validate one CSWW return (R1): file rules, the pandera schema, then the cross-field rules.

Input is the raw bytes; output is what may be loaded (typed, pseudonymised worker rows and the LA-level
row), what must be quarantined (rejected rows, as sent, with their reasons) and every issue found.
A file error rejects the whole file; a row error rejects only that row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

import pandas as pd

from validation import privacy
from validation.issues import Issue
from validation.readers.csww_xml import (
    LA_LEVEL_ITEMS,
    WORKER_ITEMS,
    CswwMessage,
    CswwReadError,
    read_csww_xml,
)
from validation.result import ValidationResult
from validation.schemas.csww import LA_LEVEL_SCHEMA, WORKER_SCHEMA, failures

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


def validate_csww(
    data: bytes, *, file_name: str, known_la_codes: Collection[str], secret: bytes, expected_la: str | None = None
) -> CswwValidation:
    """Validate one CSWW return. ``known_la_codes`` may map each code to the unit it reports under (a joint
    unit such as ``940 / 941``); the return is then recorded under that unit."""
    result = CswwValidation(file_name=file_name, return_type="csww_xml")
    try:
        message = read_csww_xml(data)
    except CswwReadError as exc:
        result.issues.append(Issue("CSWW001", exc.line, None, None, str(exc)))
        return result
    result.rows_received = len(message.workers)
    if not _check_header(message, result, known_la_codes, expected_la):
        return result
    for tag, line in _first_of_each(message.unknown_elements):
        result.issues.append(Issue("CSWW070", line, tag, None,
                                   f"<{tag}> is not part of the CSWW layouts this product knows; ignored"))
    reference = pd.Timestamp(result.census_year, 9, 30)
    start = pd.Timestamp(result.census_year - 1, 10, 1)
    result.frames["csww_la_level"] = _validate_la_level(message, result)
    workers, rejected = _validate_workers(message, result, secret, start, reference)
    result.frames["csww_workers"] = workers
    result.quarantined.extend(rejected)
    _check_agency_cover(result, reference)
    return result


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


def _validate_la_level(message: CswwMessage, result: CswwValidation) -> pd.DataFrame:
    element = message.la_level
    if element is None:
        result.issues.append(Issue("CSWW010", None, "LALevel", None,
                                   "no LALevelVacancies / LALevel element: vacancies and agency cover are "
                                   "not available for this return"))
        return pd.DataFrame()
    frame = pd.DataFrame([{item: element.items.get(item) for item in LA_LEVEL_ITEMS}], dtype="string")
    problems = failures(LA_LEVEL_SCHEMA, frame)
    for _, column, value, expected in problems:
        result.issues.append(Issue("CSWW011", element.line, column, _shown(column, value),
                                   f"{column} should be {expected}"))
    if problems:
        result.quarantined.append({"element": element.tag, "line": element.line, "items": element.items,
                                   "reasons": [f"CSWW011 {p[1]}" for p in problems], "counts_as_row": False})
        return pd.DataFrame()
    typed = _typed(frame, LA_LEVEL_COLUMNS)
    return _with_keys(typed, result)


def _validate_workers(
    message: CswwMessage, result: CswwValidation, secret: bytes, start: pd.Timestamp, reference: pd.Timestamp
) -> tuple[pd.DataFrame, list[dict]]:
    if not message.workers:
        return pd.DataFrame(), []
    raw = pd.DataFrame([{item: w.items.get(item) for item in WORKER_ITEMS} for w in message.workers],
                       dtype="string")
    lines = pd.Series([w.line for w in message.workers], dtype="Int64")
    refs = pd.Series([privacy.worker_ref(w.items.get("SWENo"), secret) for w in message.workers],
                     dtype="string")
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
    issues.extend(_cross_field_issues(raw, typed, refs, start, reference))

    rejected_rows: set[int] = set()
    for row, code, item, value, text in issues:
        issue = Issue(code, _int(lines[row]), item, value, text, refs[row] if pd.notna(refs[row]) else None,
                      row + 1)
        result.issues.append(issue)
        if issue.rejects_row:
            rejected_rows.add(row)
    result.issues.sort(key=lambda i: (i.line or 0, i.rule_code))

    quarantined = []
    for row in sorted(rejected_rows):
        reasons = sorted({f"{code} {item or ''}".strip() for r, code, item, _, _ in issues if r == row
                          and Issue(code, None, None, None, "").rejects_row})
        quarantined.append({"element": "CSWWWorker", "line": _int(lines[row]), "record_number": row + 1,
                            "items": message.workers[row].items, "reasons": reasons})

    keep = ~raw.index.isin(sorted(rejected_rows))
    typed = typed.loc[keep].copy()
    typed["worker_ref"] = refs[keep]
    typed["birth_month"] = raw.loc[keep, "PersonBirthDate"].map(privacy.birth_month, na_action="ignore")
    typed["line"] = lines[keep]
    typed["record_number"] = pd.Series(range(1, len(raw) + 1), dtype="Int64")[keep]
    return _with_keys(typed.reset_index(drop=True), result), quarantined


def _cross_field_issues(
    raw: pd.DataFrame, typed: pd.DataFrame, refs: pd.Series, start: pd.Timestamp, reference: pd.Timestamp
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

    def add(mask: pd.Series, code: str, item: str, message: str) -> None:
        for row in raw.index[mask.fillna(False).astype(bool)]:
            found.append((row, code, item, _shown(item, raw.at[row, item]) if item in raw else None, message))

    add(end.notna() & begin.notna() & (end < begin), "CSWW020", "RoleEndDate",
        "RoleEndDate is before RoleStartDate")
    add(begin.notna() & (begin > reference), "CSWW021", "RoleStartDate",
        f"RoleStartDate is after the reference date {reference.date()}")
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
    duplicated = refs.notna() & refs.duplicated(keep=False)
    add(duplicated, "CSWW050", "SWENo",
        "this SWENo appears more than once in the return (two posts): both kept for FTE, one for headcount")
    return found


def _check_agency_cover(result: CswwValidation, reference: pd.Timestamp) -> None:
    if result.la_level.empty or result.workers.empty:
        return
    cover = result.la_level["no_agency_fte"].iloc[0]
    workers = result.workers
    at_reference = (workers["agency_worker"] == 1) & ~(workers["role_end_date"].notna()
                                                       & (workers["role_end_date"] <= reference))
    agency_fte = workers.loc[at_reference.fillna(False), "fte30"].fillna(
        workers.loc[at_reference.fillna(False), "fte"]).sum()
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
            numbers = pd.to_numeric(values, errors="coerce")
            out[name] = numbers.round().astype("Int64") if kind == "int" else numbers.astype("Float64")
    return out


def _with_keys(frame: pd.DataFrame, result: CswwValidation) -> pd.DataFrame:
    frame = frame.copy()
    frame["old_la_code"] = result.old_la_code
    frame["census_year"] = result.census_year
    return frame


def _shown(item: str | None, value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return PERSONAL_ITEMS[item](text) if item in PERSONAL_ITEMS else text[:200]


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
