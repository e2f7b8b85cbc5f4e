"""Validate time-use diaries (R5, returns.md): file rules, the pandera schema, then the diary rules.

Input is the raw bytes of an .xlsx (About + Entries sheets) or a CSV (the About columns and the Entries columns
on every row), one row per worker, day and activity; output is what may be loaded, what is quarantined and every
issue found:

- file errors (the file is rejected): TUD001 not a diary (unreadable, hostile, no Entries, About missing or
  naming two LAs or periods) or no LA; TUD002 an LA unknown or not the one submitted for; TUD003 the period
  wrong (``diary_start``/``diary_end`` missing or not dates, the end before the start, longer than 4 weeks) or
  ``contracted_hours_per_fte`` not a number from 1 to 60 (blank: 37);
- row errors (the entry is rejected, the rest load): TUD010 a required item missing; TUD011 a wrong type or code
  (hours as text, an unknown activity or case type...); TUD020 a date outside the diary period; TUD021 more than
  16 hours for one worker on one day (every entry of that worker and day);
- warnings (kept), over the entries that load: TUD030 a worker's diary week (7 days from ``diary_start``) above
  1.25 x contracted hours x fte, once per worker and week; TUD031 a worker with fewer than 3 diary days; TUD032
  a worker's team_type, fte or first_year differing between entries (the first entry's is the worker's);
  TUD050-053 about the form.

``worker_ref`` is hashed on arrival, always (``validation.privacy.diary_worker_refs``: a SWE number as the census
SWENo, a pseudonym with the LA code): frames and issues carry the hash and ``worker_ref_type``; the reference as
sent stays in quarantine only. A worker is one hashed reference within one diary.

Frames: ``diary_returns`` (one row: the LA, the period, the contracted hours) and ``diary_entries``
(``entry_date`` is the entry's ``date``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from validation import privacy
from validation.readers.workbook import shown
from validation.result import ValidationResult
from validation.schemas import diary as layout_r5
from validation.schemas.columns import empty_typed
from validation.schemas.workbook import census_year_of, date_of, is_empty
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

__all__ = ["DiaryFile", "DiaryValidation", "validate_diary", "validate_diary_batch"]

DiaryFile = ReturnFile

ENTRY_FRAME_COLUMNS = (
    "old_la_code", "census_year", "diary_start", "diary_end", "line", "worker_ref", "worker_ref_type", "team_type",
    "fte", "first_year", "entry_date", "activity", "case_type", "hours", *layout_r5.CASES_COLUMNS,
)
RETURN_FRAME_COLUMNS = ("old_la_code", "census_year", "diary_start", "diary_end", "la_name",
                        "contracted_hours_per_fte")
WORKER_ITEMS = ("team_type", "fte", "first_year")  # TUD032: one value per worker


class DiaryValidation(ValidationResult):
    """A validated diary: frames ``diary_returns`` (one row) and ``diary_entries``; ``period_end`` is the
    diary's last day and ``diary_start`` its first."""

    diary_start: date | None = None
    contracted_hours_per_fte: float | None = None

    @property
    def diary_end(self) -> date | None:
        return self.period_end

    @property
    def returns(self) -> pd.DataFrame:
        return self.frames.get("diary_returns", pd.DataFrame())

    @property
    def entries(self) -> pd.DataFrame:
        return self.frames.get("diary_entries", pd.DataFrame())


def validate_diary(data: bytes, *, file_name: str, known_la_codes: Collection[str], secret: bytes,
                   expected_la: str | None = None) -> DiaryValidation:
    """Validate one time-use diary (``known_la_codes`` may map each code to the unit it reports under)."""
    return validate_diary_batch([DiaryFile(data, file_name, expected_la)], known_la_codes=known_la_codes,
                                secret=secret)[0]


def validate_diary_batch(files: Sequence[DiaryFile], *, known_la_codes: Collection[str], secret: bytes
                         ) -> list[DiaryValidation]:
    """Validate many diaries at once: one result per file, exactly as if each were validated alone."""
    return DiaryValidator(secret).validate(files, known_la_codes=known_la_codes)  # type: ignore[return-value]


class DiaryValidator(TabularValidator):
    layout = layout_r5.LAYOUT
    schema = layout_r5.ENTRIES_SCHEMA
    columns = layout_r5.ENTRY_COLUMNS
    read_code, la_code, empty_code = "TUD001", "TUD002", "TUD053"
    return_type = "diary"
    what = "diary"

    def __init__(self, secret: bytes):
        self.secret = secret

    def new_result(self, file: ReturnFile) -> DiaryValidation:
        return DiaryValidation(file_name=file.file_name, return_type=self.return_type)

    def check_period(self, result: ValidationResult, values: Mapping[str, object], issue: AboutIssue
                     ) -> dict[str, object]:
        days: dict[str, date] = {}
        for column in ("diary_start", "diary_end"):
            raw = values.get(column)
            day = date_of(raw)
            if day is None:
                what = "is empty" if is_empty(raw) else f"is {shown(raw)!r}, not a date"
                issue("TUD003", column, shown(raw), f"{what}: enter the diary's first and last day")
            else:
                days[column] = day
        hours = about_number(issue, layout_r5.CONTRACTED_HOURS, values, "TUD003")
        if len(days) < 2 or result.file_rejected:
            return {}
        start, end = days["diary_start"], days["diary_end"]
        length = (end - start).days + 1
        if end < start:
            issue("TUD003", "diary_end", end.isoformat(),
                  f"is {end.isoformat()}, before diary_start {start.isoformat()}")
        elif length > layout_r5.MAX_DIARY_DAYS:
            issue("TUD003", "diary_end", end.isoformat(),
                  f"is {end.isoformat()}: the diary from {start.isoformat()} is {length} days long, more than "
                  f"{layout_r5.MAX_DIARY_DAYS} (4 weeks)")
        if result.file_rejected:
            return {}
        assert isinstance(result, DiaryValidation)
        result.diary_start, result.period_end = start, end
        result.census_year = census_year_of(end)
        result.contracted_hours_per_fte = hours if hours is not None else layout_r5.DEFAULT_CONTRACTED_HOURS
        return {"diary_start": start, "diary_end": end, "contracted_hours": result.contracted_hours_per_fte,
                "la_name": values.get("la_name")}

    def worker_refs(self, batch: Batch) -> list[str | None]:
        texts = [None if pd.isna(v) else v for v in batch.typed["worker_ref"].tolist()]
        codes = [batch.files[f].result.old_la_code or "" for f in batch.file_of]
        refs, kinds = privacy.diary_worker_refs(texts, codes, self.secret)
        batch.ref_kinds = kinds
        return refs

    def row_rules(self, batch: Batch, errors: np.ndarray) -> list[Found]:
        data, raw = batch.typed, batch.raw
        found: list[Found] = []
        day = data["date"]
        start, end = pd.to_datetime(batch.about("diary_start")), pd.to_datetime(batch.about("diary_end"))
        outside = ((day < start) | (day > end)).fillna(False).astype(bool)
        for position in raw.index[outside]:
            found.append((position, "TUD020", "date", raw.at[position, "date"],
                          f"date {day_text(day[position])} is outside the diary period {day_text(start[position])} to "
                          f"{day_text(end[position])}"))
        worker = pd.Series(batch.refs, index=raw.index, dtype="string")
        keys = pd.DataFrame({"file": batch.file_of, "worker": worker, "day": day, "hours": data["hours"]})
        valid = keys["worker"].notna() & keys["day"].notna() & keys["hours"].notna()
        daily = keys[valid].groupby(["file", "worker", "day"], sort=False)["hours"].transform("sum")
        for position in daily.index[(daily > layout_r5.MAX_HOURS_PER_DAY + 1e-9).to_numpy()]:
            found.append((position, "TUD021", "hours", raw.at[position, "hours"],
                          f"the worker's entries for {day_text(day[position])} add up to {float(daily[position]):g} "
                          f"hours, more than {layout_r5.MAX_HOURS_PER_DAY:g}: every entry of that day was "
                          "rejected"))
        rejected = errors.copy()
        rejected[[f[0] for f in found]] = True
        found.extend(self._warnings(batch, keys[valid & ~rejected]))
        return found

    def _warnings(self, batch: Batch, kept: pd.DataFrame) -> list[Found]:
        """TUD030, TUD031 and TUD032, over the entries that load (each on the worker's first row concerned)."""
        data, raw = batch.typed, batch.raw
        found: list[Found] = []
        if kept.empty:
            return found
        first = kept.groupby(["file", "worker"], sort=False).head(1).index
        worker_fte = data.loc[first, "fte"].set_axis(pd.MultiIndex.from_frame(kept.loc[first, ["file", "worker"]]))
        start = pd.to_datetime(batch.about("diary_start"))[kept.index]
        week = ((kept["day"] - start).dt.days // 7).astype(int)
        weekly = kept.assign(week=week).groupby(["file", "worker", "week"], sort=False)
        totals = weekly["hours"].sum()
        for (file, worker, number), hours in totals.items():
            contracted = float(batch.files[file].about["contracted_hours"])
            fte = worker_fte.get((file, worker))
            if fte is None or pd.isna(fte):
                continue
            limit = layout_r5.OVERTIME_FACTOR * contracted * float(fte)
            if hours > limit + 1e-9:
                position = weekly.get_group((file, worker, number)).index[0]
                begin = batch.files[file].about["diary_start"] + timedelta(days=7 * int(number))
                found.append((position, "TUD030", "hours", raw.at[position, "hours"],
                              f"the worker's week from {begin.isoformat()} holds {float(hours):g} hours, above "
                              f"{layout_r5.OVERTIME_FACTOR:g} x {contracted:g} contracted hours x fte {float(fte):g} "
                              f"= {limit:g}: unpaid overtime, reported and kept"))
        by_worker = kept.groupby(["file", "worker"], sort=False)
        days = by_worker["day"].nunique()
        for (file, worker), count in days.items():
            if count < layout_r5.MIN_DIARY_DAYS:
                position = by_worker.get_group((file, worker)).index[0]
                found.append((position, "TUD031", "worker_ref", raw.at[position, "worker_ref"],
                              f"this worker has {count} diary day{'s' if count != 1 else ''}, fewer than "
                              f"{layout_r5.MIN_DIARY_DAYS}"))
        for item in WORKER_ITEMS:
            values = data.loc[kept.index, item]
            first_value = values.groupby([kept["file"], kept["worker"]], sort=False).transform("first")
            differs = (values.notna() & first_value.notna() & (values != first_value)).fillna(False).astype(bool)
            reported = kept[differs].groupby(["file", "worker"], sort=False).head(1).index
            for position in reported:
                found.append((position, "TUD032", item, raw.at[position, item],
                              f"{item} is {shown(raw.at[position, item])!r} here but {first_value[position]!r} on "
                              "the worker's first entry: the first is used for the worker"))
        return found

    def frames(self, batch: Batch, keep: np.ndarray) -> None:
        frame = batch.typed.rename(columns={"date": "entry_date"})
        frame["worker_ref"] = pd.array(batch.refs, dtype="string")
        frame["worker_ref_type"] = pd.array(batch.ref_kinds, dtype="string")
        frame["line"] = pd.array(batch.lines, dtype="Int64")
        batch.file_columns(frame, dates=("diary_start", "diary_end"))
        frame = frame[list(ENTRY_FRAME_COLUMNS)]
        for entry, part in zip(batch.files, self.split(batch, frame, keep), strict=True):
            entry.result.frames["diary_entries"] = part
            entry.result.frames["diary_returns"] = _returns_frame(entry)

    def empty_frames(self, result: ValidationResult, accepted: Accepted) -> None:
        result.frames["diary_entries"] = with_empty_columns(
            empty_typed(self.columns).rename(columns={"date": "entry_date"}),
            {"worker_ref": "string", "worker_ref_type": "string", "line": "Int64", "old_la_code": "string",
             "census_year": "Int64", "diary_start": "datetime64[s]", "diary_end": "datetime64[s]"},
            ENTRY_FRAME_COLUMNS)
        result.frames["diary_returns"] = _returns_frame(accepted)


def _returns_frame(entry: Accepted) -> pd.DataFrame:
    about = entry.about
    return about_frame(entry, {"diary_start": (about["diary_start"], "datetime64[s]"),
                               "diary_end": (about["diary_end"], "datetime64[s]"),
                               "la_name": (about.get("la_name"), "string"),
                               "contracted_hours_per_fte": (about["contracted_hours"], "Float64")})


