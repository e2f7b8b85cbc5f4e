"""Seeded demonstration time-use diaries (R5): six North East LAs, four weeks (1 to 28 September 2025).

Calibrated to the published workload studies: the pooled share of hours in direct work with children and
families near a fifth to a quarter (County Councils Network / Newton Europe: about 20% direct work and about
half on case recording and admin; BASW's 2018 survey: 18 of 45 hours a week direct), recording and admin near
half, and the rest meetings, travel, court, supervision and training. Per LA (:func:`la_diary`):

- **who**: a sample of the LA's case holders in its generated CSWW return for census year 2025 (about 15%,
  12 to 40 people), spread over the team types in proportion to the case holders' FTE of the LA's Teams sheet
  (``demodata.workbook.la_sheets``); each keeps their FTE and first-year status, and holds their team's
  children per case holder FTE x their FTE (with noise), split by kind as the team's children are, so that
  the diaries' hours per case and the Teams sheet's children make a consistent workload model;
- **hours**: 7.4 x FTE a weekday times the worker's own pace (0.95-1.08: a week never reaches TUD030's
  1.25 x contracted hours x FTE), with day-to-day noise; up to three days of leave each;
- **where they go**: each worker's activity shares drawn around the team type's (``TEAM_SHARES``, a Dirichlet
  with concentration 70, so workers differ by several points), each day's around the worker's; hours in
  quarter hours; case-related time split over the worker's case types, court time for children in
  proceedings, admin, training, supervision and most internal meetings for no one case;
- the worker's cases by type on the first entry of each day.

**Planted**: one team clearly **over capacity**, Middlesbrough's long-term team (``OVER_CAPACITY``): its
workers record 1.32-1.45 times their contracted hours (unpaid overtime: TUD030 warnings, kept), so its
required hours are well above its capacity; and one worker who recorded only two days (Newcastle upon Tyne:
TUD031). Sunderland records SWE numbers as worker references (hashed on arrival, they match its census
records) and sends CSV; the others use pseudonyms and fill the template.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from demodata.csv_layout import about_table_csv
from demodata.region import SEEDS_DIR, LaReturn, build_la_return, region_members
from demodata.workbook import classify, la_sheets, saved_xlsx
from validation.diary_template import write_diary_template
from validation.schemas.diary import ABOUT_COLUMNS, ACTIVITIES, ENTRIES
from validation.schemas.workbook import TEAM_TYPES
from validation.template_parts import la_name

DIARY_LAS = ("840", "390", "806", "391", "929", "394")
DIARY_START, DIARY_END = date(2025, 9, 1), date(2025, 9, 28)
DIARY_YEAR = 2025
CONTRACTED_HOURS = 37.0
OVER_CAPACITY = ("806", "long_term")
SHORT_DIARY = "391"  # one worker with two diary days
SWE_REFERENCES = frozenset({"394"})  # worker_ref is the SWE number
CSV_LAS = frozenset({"394"})
# pooled activity shares by team type (sum 1): direct work ~24%, recording and admin ~47%
BASE_SHARES = {"direct_face_to_face": 0.17, "direct_remote": 0.07, "case_recording": 0.34, "admin": 0.13,
               "internal_meetings": 0.07, "multi_agency_meetings": 0.05, "court": 0.02, "travel": 0.08,
               "supervision_reflection": 0.03, "training": 0.02, "other": 0.02}
TEAM_ADJUST = {
    "front_door": {"direct_face_to_face": 0.6, "direct_remote": 1.8, "travel": 0.4, "court": 0.0,
                   "case_recording": 1.1},
    "assessment": {"court": 0.5},
    "long_term": {"court": 2.2},
    "children_in_care": {"court": 1.4, "travel": 1.2},
    "care_leavers": {"court": 0.0, "direct_remote": 1.3},
    "disabled_children": {"travel": 1.4, "court": 0.3},
    "other": {},
}
CONCENTRATION = 70.0  # a worker's shares around the team's
DAY_CONCENTRATION = 45.0  # a day's shares around the worker's
NO_CASE = ("admin", "training", "supervision_reflection", "other")
CASE_KEYS = ("cin", "cp", "cla", "care_leaver")


def team_shares(team_type: str) -> dict[str, float]:
    """The activity shares a team type's workers are drawn around (sum 1)."""
    adjusted = {a: s * TEAM_ADJUST.get(team_type, {}).get(a, 1.0) for a, s in BASE_SHARES.items()}
    total = sum(adjusted.values())
    return {a: s / total for a, s in adjusted.items()}


@dataclass
class DiaryWorker:
    ref: str
    team_type: str
    fte: float
    first_year: int
    cases: dict[str, int]  # cin, cp, cla, care_leaver, proceedings
    overtime: float
    shares: dict[str, float]
    days: list[date] = field(default_factory=list)


def _dirichlet(rng: random.Random, means: Mapping[str, float], concentration: float) -> dict[str, float]:
    draws = {k: (rng.gammavariate(m * concentration, 1.0) if m > 0 else 0.0) for k, m in means.items()}
    total = sum(draws.values()) or 1.0
    return {k: v / total for k, v in draws.items()}


def _worker_cases(team: Mapping[str, object], fte: float, rng: random.Random) -> dict[str, int]:
    """A diarist's cases: their team's children per case holder FTE (the Teams sheet) x their FTE, with noise,
    split by kind as the team's children are; children in proceedings in the team's proportion."""
    team_fte = float(team.get("case_holders_fte") or 0)
    allocated = float(team.get("children_allocated") or 0)
    total = round(allocated / team_fte * fte * rng.uniform(0.9, 1.1)) if team_fte else 0
    kinds = [float(team.get(c) or 0) for c in ("children_cin", "children_cp", "children_cla",
                                                 "children_care_leavers")]
    weight = sum(kinds)
    counts = [int(total * k / weight) for k in kinds] if weight else [total, 0, 0, 0]
    counts[max(range(4), key=lambda i: kinds[i])] += total - sum(counts)
    cases = dict(zip(CASE_KEYS, counts, strict=True))
    cases["proceedings"] = round(total * float(team.get("children_in_proceedings") or 0) / allocated) \
        if allocated else 0
    return cases


def _weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=d) for d in range((last - first).days + 1)
            if (first + timedelta(days=d)).weekday() < 5]


def diary_workers(lea: str, generated: LaReturn, teams: Sequence[Mapping[str, object]], rng: random.Random, *,
                  plants: bool = True) -> list[DiaryWorker]:
    """The sample of case holders who keep the diary, with their team types, cases, overtime and shares
    (``plants``: the over-capacity team and the short diary, where the LA is theirs)."""
    holders = [w for w in generated.workers if (flags := classify(w, generated.year))["case_holder"]
               and not flags["agency"]]
    holders.sort(key=lambda w: str(w["SWENo"]))
    size = min(len(holders), max(12, min(40, round(0.15 * len(holders)))))
    sample = rng.sample(holders, size)
    team_rows = {str(t["team_type"]): t for t in teams}
    weights = [float(team_rows[t]["case_holders_fte"] or 0) if t in team_rows else 0.0 for t in TEAM_TYPES]
    team_of = rng.choices(list(TEAM_TYPES), weights=weights, k=size)
    over_capacity = OVER_CAPACITY if plants else None
    if over_capacity is not None and over_capacity[0] == lea:  # enough diarists to show it
        for number in range(min(6, size)):
            team_of[number] = OVER_CAPACITY[1]
    days = _weekdays(DIARY_START, DIARY_END)
    workers = []
    for number, (record, team_type) in enumerate(zip(sample, team_of, strict=True)):
        over = (lea, team_type) == over_capacity
        ref = str(record["SWENo"]) if lea in SWE_REFERENCES else f"{lea}-D{number + 1:03d}"
        fte = float(record.get("FTE30") or record.get("FTE") or 1.0)
        first_year = int(classify(record, generated.year)["first_year"])
        worker = DiaryWorker(ref, team_type, fte, first_year, _worker_cases(team_rows[team_type], fte, rng),
                             rng.uniform(1.32, 1.45) if over else rng.uniform(0.95, 1.08),
                             _dirichlet(rng, team_shares(team_type), CONCENTRATION))
        leave = set(rng.sample(days, rng.choice((0, 0, 1, 2, 3))))
        worker.days = [d for d in days if d not in leave]
        workers.append(worker)
    if plants and lea == SHORT_DIARY and workers:
        workers[-1].days = workers[-1].days[:2]
    return workers


def worker_entries(worker: DiaryWorker, rng: random.Random) -> list[dict[str, object]]:
    """One worker's diary rows: for each day, the hours by activity and case type (quarter hours)."""
    rows: list[dict[str, object]] = []
    weekly: dict[int, float] = {}
    daily_contract = CONTRACTED_HOURS * worker.fte / 5
    ceiling = 1.2 * CONTRACTED_HOURS * worker.fte  # an ordinary worker's week stays below TUD030's 1.25
    for day in worker.days:
        hours = daily_contract * worker.overtime * rng.uniform(0.88, 1.12)
        week = (day - DIARY_START).days // 7
        if worker.overtime < 1.25:
            hours = min(hours, max(0.0, ceiling - weekly.get(week, 0.0)))
        hours = min(hours, 15.0)
        shares = _dirichlet(rng, worker.shares, DAY_CONCENTRATION)
        quarters = _quarter_hours(hours, shares)
        weekly[week] = weekly.get(week, 0.0) + sum(quarters.values()) / 4
        first = True
        for activity in ACTIVITIES:
            units = quarters.get(activity, 0)
            if units <= 0:
                continue
            for case_type, part in _case_split(activity, units, worker, rng):
                row = {"worker_ref": worker.ref, "team_type": worker.team_type, "fte": worker.fte,
                       "first_year": worker.first_year, "date": day, "activity": activity, "case_type": case_type,
                       "hours": part / 4}
                if first:
                    row.update({f"cases_{k}": v for k, v in worker.cases.items()})
                    first = False
                rows.append(row)
    return rows


def _quarter_hours(hours: float, shares: Mapping[str, float]) -> dict[str, int]:
    """``hours`` in quarter hours over the activities by ``shares`` (largest remainder; tiny shares drop)."""
    units = int(round(hours * 4))
    exact = {a: units * s for a, s in shares.items()}
    parts = {a: int(x) for a, x in exact.items()}
    for activity in sorted(exact, key=lambda a: -(exact[a] - parts[a]))[: units - sum(parts.values())]:
        parts[activity] += 1
    return parts


def _case_split(activity: str, units: int, worker: DiaryWorker, rng: random.Random) -> list[tuple[str, int]]:
    if activity == "court":
        return [("proceedings" if worker.cases.get("proceedings") else "cp", units)]
    if activity in NO_CASE or (activity == "internal_meetings" and rng.random() < 0.7):
        return [("none", units)]
    held = {k: worker.cases[k] for k in CASE_KEYS if worker.cases.get(k)}
    if not held:
        return [("none", units)]
    kinds = rng.choices(list(held), weights=list(held.values()), k=2)
    if kinds[0] == kinds[1] or units < 2:
        return [(kinds[0], units)]
    first = max(1, round(units * rng.uniform(0.4, 0.75)))
    return [(kinds[0], first), (kinds[1], units - first)]


@dataclass
class LaDiary:
    lea: str
    workers: list[DiaryWorker]
    rows: list[dict[str, object]]


def diary_rng(lea: str, seed: int = 2025) -> random.Random:
    return random.Random(f"{seed}|r5|{lea}")


def la_diary(lea: str, generated: LaReturn, *, seed: int = 2025, plants: bool = True) -> LaDiary:
    """One LA's diary, from its generated CSWW return for 2025 and its annual Teams sheet (no workers where the
    LA has no case holders). ``plants`` False leaves out the planted cases (the national files)."""
    _, teams, _ = la_sheets(lea, generated.year, generated.workers, generated.la_level, seed=seed)
    rng = diary_rng(lea, seed)
    workers = diary_workers(lea, generated, teams, rng, plants=plants)
    rows = [row for worker in workers for row in worker_entries(worker, rng)]
    return LaDiary(lea, workers, rows)


def build_diary(diary: LaDiary, *, fmt: str = "xlsx") -> bytes:
    """The diary as the template filled in (``fmt`` xlsx) or in the CSV layout."""
    columns = list(ENTRIES.columns)
    if fmt == "csv":
        about = {"old_la_code": diary.lea, "la_name": la_name(diary.lea, DIARY_YEAR), "diary_start": DIARY_START,
                 "diary_end": DIARY_END, "contracted_hours_per_fte": f"{CONTRACTED_HOURS:g}"}
        return about_table_csv(about, ABOUT_COLUMNS, columns, diary.rows)
    with tempfile.TemporaryDirectory() as folder:
        template = write_diary_template(Path(folder) / "r5.xlsx", diary.lea, DIARY_START, diary_end=DIARY_END)
        book = openpyxl.load_workbook(template)
    sheet = book["Entries"]
    for row in diary.rows:
        sheet.append([row.get(c) for c in columns])
    return saved_xlsx(book, datetime(2025, 10, 3, 9, 0, 0))


def output_name(lea: str, fmt: str = "xlsx") -> str:
    """``r5_<old_la_code>_<diary start>.xlsx`` (or ``.csv``)."""
    return f"r5_{lea}_{DIARY_START.isoformat()}.{fmt}"


def region_diaries(alliance_code: str = "E12000001", las: Sequence[str] = DIARY_LAS, *, seed: int = 2025,
                   seeds_dir: Path = SEEDS_DIR, returns: Mapping[str, LaReturn] | None = None) -> list[LaDiary]:
    """The diaries of ``las`` (default the six demo LAs), from their 2025 CSWW returns (``returns``: by LA, to
    save building them again)."""
    members = {la.lea: la for la in region_members(alliance_code, seeds_dir)}
    diaries = []
    for lea in las:
        generated = (returns or {}).get(lea) or build_la_return(members[lea].old_la_code, DIARY_YEAR, seed=seed,
                                                                seeds_dir=seeds_dir)
        diaries.append(la_diary(lea, generated, seed=seed))
    return diaries


def generate_region_diaries(alliance_code: str = "E12000001", las: Sequence[str] = DIARY_LAS, *,
                            out_dir: Path | str, seed: int = 2025, seeds_dir: Path = SEEDS_DIR,
                            returns: Mapping[str, LaReturn] | None = None) -> list[Path]:
    """Write the diaries of ``las``; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for diary in region_diaries(alliance_code, las, seed=seed, seeds_dir=seeds_dir, returns=returns):
        fmt = "csv" if diary.lea in CSV_LAS else "xlsx"
        path = out / output_name(diary.lea, fmt)
        path.write_bytes(build_diary(diary, fmt=fmt))
        paths.append(path)
    return paths
