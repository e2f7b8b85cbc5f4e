"""Validate quarterly agency returns (R4, returns.md): file rules, the pandera schema, then the agency rules.

Input is the raw bytes of an .xlsx (About + Assignments sheets) or a CSV (the About columns and the
Assignments columns on every row); output is what may be loaded, what is quarantined and every issue found:

- file errors (the file is rejected): AGY001 not an agency return (unreadable, hostile, no Assignments, About
  missing or naming two LAs or quarters) or no LA; AGY002 an LA unknown or not the one submitted for; AGY003
  ``quarter_end`` missing, not a date or not a quarter end;
- row errors (the assignment is rejected, the rest load): AGY010 a required item missing; AGY011 a wrong type
  or code (a rate as text or negative, a role not in the list...); AGY020 end before start; AGY021 an
  assignment outside the quarter; AGY022 charge below pay plus on-costs; AGY023 a duplicate assignment_id (every
  copy);
- warnings (kept): AGY030 pay plus on-costs above the alliance's cap for the role in force on the start date
  without an approved exception, AGY031 the same with one; AGY032 pqe_years below 3; AGY033 fewer than 2
  references; AGY034 notice above 4 weeks; AGY050-053 about the form (unknown or missing columns, formula-like
  text, no assignments). AGY040 (the cool-off across the alliance) is found later, in dbt.

``swe_number`` is hashed on arrival with the census SWENo's key and function (``validation.privacy``): frames and
issues carry ``worker_ref`` only; the number as sent stays in quarantine. An invalid monthly spend in About is an
AGY011 error on the About row (quarantined, not counted as a row): that month's spend is not loaded.

Frames: ``agency_returns`` (one row: the LA, the quarter and its monthly spend) and ``agency_assignments``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from validation import privacy
from validation.price_caps import PriceCaps, default_caps
from validation.readers.workbook import as_sent, shown
from validation.result import ValidationResult
from validation.schemas import agency as layout_r4
from validation.schemas.columns import empty_typed
from validation.schemas.workbook import QUARTER_ENDS, census_year_of, date_of, is_empty
from validation.tabular import (
    AboutIssue,
    Accepted,
    Batch,
    Found,
    ReturnFile,
    TabularValidator,
    about_frame,
    about_number,
    day_text,
    with_empty_columns,
)

__all__ = ["AgencyFile", "AgencyValidation", "quarter_start", "validate_agency", "validate_agency_batch"]

MIN_PQE_YEARS = 3  # AGY032
MIN_REFERENCES = 2  # AGY033
MAX_NOTICE_WEEKS = 4  # AGY034
PENNY = 0.005  # rates are compared to the penny

AgencyFile = ReturnFile

ASSIGNMENT_FRAME_COLUMNS = (
    "old_la_code", "census_year", "quarter_end", "line", "assignment_id", "worker_ref", "role_type", "team_type",
    "start_date", "end_date", "hourly_pay_rate", "hourly_on_costs", "hourly_charge_rate", "project_team",
    "covering_vacancy", "pqe_years", "references_received", "notice_weeks", "cap_exception_approved_by",
)
RETURN_FRAME_COLUMNS = ("old_la_code", "census_year", "quarter_end", "la_name", *layout_r4.SPEND_COLUMNS)


class AgencyValidation(ValidationResult):
    """A validated agency return: frames ``agency_returns`` (one row) and ``agency_assignments``;
    ``period_end`` is the quarter end."""

    @property
    def quarter_end(self) -> date | None:
        return self.period_end

    @property
    def returns(self) -> pd.DataFrame:
        return self.frames.get("agency_returns", pd.DataFrame())

    @property
    def assignments(self) -> pd.DataFrame:
        return self.frames.get("agency_assignments", pd.DataFrame())


def quarter_start(quarter_end: date) -> date:
    """The first day of the quarter ending on ``quarter_end`` (a quarter end)."""
    month = quarter_end.month - 2
    return date(quarter_end.year, month, 1)


def validate_agency(data: bytes, *, file_name: str, known_la_codes: Collection[str], secret: bytes,
                    expected_la: str | None = None, caps: PriceCaps | None = None) -> AgencyValidation:
    """Validate one agency return. ``known_la_codes`` may map each code to the unit it reports under (a joint
    unit such as ``940 / 941``); ``caps`` default to the shipped seeds (``validation.price_caps``)."""
    return validate_agency_batch([AgencyFile(data, file_name, expected_la)], known_la_codes=known_la_codes,
                                 secret=secret, caps=caps)[0]


def validate_agency_batch(files: Sequence[AgencyFile], *, known_la_codes: Collection[str], secret: bytes,
                          caps: PriceCaps | None = None) -> list[AgencyValidation]:
    """Validate many agency returns at once: one result per file, exactly as if each were validated alone
    (the schema and the rules run once over the rows of every file together)."""
    validator = AgencyValidator(secret, caps if caps is not None else default_caps())
    return validator.validate(files, known_la_codes=known_la_codes)  # type: ignore[return-value]


class AgencyValidator(TabularValidator):
    layout = layout_r4.LAYOUT
    schema = layout_r4.ASSIGNMENTS_SCHEMA
    columns = layout_r4.ASSIGNMENT_COLUMNS
    read_code, la_code, empty_code = "AGY001", "AGY002", "AGY053"
    return_type = "agency"
    what = "agency return"

    def __init__(self, secret: bytes, caps: PriceCaps):
        self.secret = secret
        self.caps = caps

    def new_result(self, file: ReturnFile) -> AgencyValidation:
        return AgencyValidation(file_name=file.file_name, return_type=self.return_type)

    def check_period(self, result: ValidationResult, values: Mapping[str, object], issue: AboutIssue
                     ) -> dict[str, object]:
        raw = values.get("quarter_end")
        quarter_end = date_of(raw)
        if quarter_end is None:
            what = "is empty" if is_empty(raw) else f"is {shown(raw)!r}, not a date"
            issue("AGY003", "quarter_end", shown(raw), f"{what}: enter the quarter's last day")
            return {}
        if (quarter_end.month, quarter_end.day) not in QUARTER_ENDS:
            issue("AGY003", "quarter_end", quarter_end.isoformat(),
                  f"is {quarter_end.isoformat()}, not a quarter end (31 March, 30 June, 30 September or "
                  "31 December)")
            return {}
        result.period_end = quarter_end
        result.census_year = census_year_of(quarter_end)
        about: dict[str, object] = {"quarter_end": quarter_end, "quarter_start": quarter_start(quarter_end),
                                    "la_name": values.get("la_name")}
        problems = len(result.issues)
        for column in layout_r4.SPEND_COLUMNS:
            about[column] = about_number(issue, dataclasses.replace(layout_r4.SPEND, name=column), values, "AGY011")
        if len(result.issues) > problems:
            result.quarantined.append({
                "sheet": "About", "line": issue.line, "counts_as_row": False,
                "items": {column: as_sent(value) for column, value in values.items()},
                "reasons": sorted({f"AGY011 {i.item.split('/', 1)[1]}" for i in result.issues[problems:]}),
            })
        return about

    def worker_refs(self, batch: Batch) -> list[str | None]:
        numbers = batch.typed["swe_number"].tolist()
        return privacy.worker_refs([None if pd.isna(n) else n for n in numbers], self.secret)

    def row_rules(self, batch: Batch, errors: np.ndarray) -> list[Found]:
        data, raw = batch.typed, batch.raw
        found: list[Found] = []

        def add(mask: pd.Series, code: str, column: str, message) -> None:
            for position in raw.index[mask.fillna(False).astype(bool)]:
                found.append((position, code, column, raw.at[position, column], message(position)))

        start, end = data["start_date"], data["end_date"]
        quarter_end = pd.to_datetime(batch.about("quarter_end"))
        quarter_begin = pd.to_datetime(batch.about("quarter_start"))
        add(end < start, "AGY020", "end_date",
            lambda p: f"end_date {day_text(end[p])} is before start_date {day_text(start[p])}")
        add(start > quarter_end, "AGY021", "start_date",
            lambda p: f"start_date {day_text(start[p])} is after the quarter end {day_text(quarter_end[p])}: the "
                      "assignment was not active in the quarter")
        add((end < quarter_begin) & ~(end < start), "AGY021", "end_date",
            lambda p: f"end_date {day_text(end[p])} is before the quarter began ({day_text(quarter_begin[p])}): the "
                      "assignment was not active in the quarter")
        pay, on_costs, charge = data["hourly_pay_rate"], data["hourly_on_costs"], data["hourly_charge_rate"]
        cost = pay + on_costs
        add(charge < cost - PENNY, "AGY022", "hourly_charge_rate",
            lambda p: f"hourly_charge_rate {_money(charge[p])} is below hourly_pay_rate + hourly_on_costs "
                      f"{_money(cost[p])}")
        found.extend(self._duplicates(batch))
        found.extend(self._caps(batch, cost))
        add(data["pqe_years"] < MIN_PQE_YEARS, "AGY032", "pqe_years",
            lambda p: f"pqe_years {data['pqe_years'][p]:g} is below {MIN_PQE_YEARS}")
        add(data["references_received"] < MIN_REFERENCES, "AGY033", "references_received",
            lambda p: f"references_received {data['references_received'][p]} is below {MIN_REFERENCES}")
        add(data["notice_weeks"] > MAX_NOTICE_WEEKS, "AGY034", "notice_weeks",
            lambda p: f"notice_weeks {data['notice_weeks'][p]} is above {MAX_NOTICE_WEEKS}")
        return found

    def _duplicates(self, batch: Batch) -> list[Found]:
        ids = batch.typed["assignment_id"].str.casefold()
        keyed = pd.DataFrame({"file": batch.file_of, "id": ids})
        repeated = ids.notna() & keyed.duplicated(keep=False)
        found: list[Found] = []
        for (_, _), group in keyed[repeated].groupby(["file", "id"], sort=False):
            lines = [int(batch.lines[p]) for p in group.index]
            for position in group.index:
                others = ", ".join(str(line) for line in lines if line != batch.lines[position])
                found.append((position, "AGY023", "assignment_id", batch.raw.at[position, "assignment_id"],
                              f"assignment_id {shown(batch.raw.at[position, 'assignment_id'])!r} is also on row "
                              f"{others}: which row is right cannot be told, so none of them was loaded"))
        return found

    def _caps(self, batch: Batch, cost: pd.Series) -> list[Found]:
        data = batch.typed
        found: list[Found] = []
        candidates = cost.notna() & data["role_type"].notna() & data["start_date"].notna()
        for position in batch.raw.index[candidates.fillna(False).astype(bool)]:
            entry = batch.files[batch.file_of[position]]
            cap = self.caps.cap_for(entry.result.old_la_code, data.at[position, "role_type"],
                                    data.at[position, "start_date"].date())
            total = float(cost[position])
            if cap is None or total <= cap.cap_hourly + PENNY:
                continue
            approver = data.at[position, "cap_exception_approved_by"]
            approved = not pd.isna(approver) and bool(str(approver).strip())
            text = (f"hourly pay plus on-costs {_money(total)} is above the {cap.role_type} cap "
                    f"{_money(cap.cap_hourly)} in force on the start date {day_text(data.at[position, 'start_date'])} "
                    f"(cap from {cap.effective_from.isoformat()})")
            if approved:
                found.append((position, "AGY031", "cap_exception_approved_by",
                              batch.raw.at[position, "cap_exception_approved_by"],
                              f"{text}, with an exception approved by {shown(approver)!r}"))
            else:
                found.append((position, "AGY030", "hourly_pay_rate", batch.raw.at[position, "hourly_pay_rate"],
                              f"{text}, and no approved exception (cap_exception_approved_by is empty)"))
        return found

    def frames(self, batch: Batch, keep: np.ndarray) -> None:
        frame = batch.typed.copy()
        frame["worker_ref"] = pd.array(batch.refs, dtype="string")
        frame["line"] = pd.array(batch.lines, dtype="Int64")
        batch.file_columns(frame, dates=("quarter_end",))
        frame = frame.drop(columns=["swe_number"])[list(ASSIGNMENT_FRAME_COLUMNS)]
        for entry, part in zip(batch.files, self.split(batch, frame, keep), strict=True):
            entry.result.frames["agency_assignments"] = part
            entry.result.frames["agency_returns"] = _returns_frame(entry)

    def empty_frames(self, result: ValidationResult, accepted: Accepted) -> None:
        result.frames["agency_assignments"] = with_empty_columns(
            empty_typed(self.columns).drop(columns=["swe_number"]),
            {"worker_ref": "string", "line": "Int64", "old_la_code": "string", "census_year": "Int64",
             "quarter_end": "datetime64[s]"}, ASSIGNMENT_FRAME_COLUMNS)
        result.frames["agency_returns"] = _returns_frame(accepted)


def _returns_frame(entry: Accepted) -> pd.DataFrame:
    about = entry.about
    return about_frame(entry, {"quarter_end": (about["quarter_end"], "datetime64[s]"),
                               "la_name": (about.get("la_name"), "string"),
                               **{c: (about.get(c), "Float64") for c in layout_r4.SPEND_COLUMNS}})




def _money(value: float) -> str:
    return f"£{float(value):,.2f}"
