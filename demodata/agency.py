"""Seeded demonstration agency returns (R4): one per LA and quarter, for the four quarters since the agency rules
came into force (quarters ending 31 December 2024 to 30 September 2025).

Each LA's assignments are planned once for the year (:func:`plan_agency`), from its generated CSWW return for
census year 2025 (``demodata.region.build_la_return``), so that the returns agree with everything else:

- the agency workers still there on 30 September 2025 (the CSWW records with AgencyWorker 1 and no end) are
  the assignments active at that quarter end: same SWE number, start date and FTE, a role from their OrgRole
  and cases (case holder: social worker or senior; 4: advanced practitioner; 2, 3: team manager; 6: IRO or CP
  chair), so the quarter's active headcount is the census agency headcount;
- the CSWW agency workers who left during the year are assignments that ended then;
- assignments that ended before 30 September 2025 are added so that the headcount active at each earlier
  quarter end follows a line from the LA's 30 September 2024 agency headcount to its 2025 one (with noise);
  the quarterly R2 workbooks (``demodata.quarterly``) take their agency headcount and FTE at those quarter
  ends from the same plan;
- rates sit under the alliance's cap in force on the start date (``validation.price_caps``; 88-99% of it for
  pay plus on-costs, on-costs 14.3% of pay: employer National Insurance and the apprenticeship levy), the
  agency's margin £3.50-£7.50 an hour; 3-20 years' PQE, 2 or 3 references, 1-4 weeks' notice; most cover a
  vacancy. An alliance without caps gets rates around each role's typical pay;
- monthly spend is the charge rate x 7.4 hours x FTE for each weekday an assignment ran in the month.

**Planted breaches** (``REGION_PLANTS``, the North East; warnings, never errors, so every file validates):
pay over the cap without an approved exception (Middlesbrough, AGY030) and one with an approval (Stockton-on-
Tees, AGY031); a short PQE (Redcar and Cleveland, AGY032); one reference (County Durham, AGY033); 8 weeks'
notice (Northumberland, AGY034); two assignments in Darlington at the same £36.58 an hour either side of the
cap change of 1 May 2025 (the one that started on 28 April is over the £36.00 cap then in force: AGY030; the
one from 6 May is within the new £37.00); and a **cool-off case**: a social worker who left Newcastle upon
Tyne (a census leaver in its generated CSWW XML, same SWENo) starting an agency assignment in Gateshead 41
days later (AGY040, found in dbt), beside a control who left Newcastle and started in North Tyneside 110 days
later (outside the 3 months). The planted assignments added to a plan end before 30 September 2025, so the
census agency headcount still equals the last quarter's.

Deterministic: each LA has its own ``random.Random`` seeded from (seed, LA), and nothing reads the clock.
"""

from __future__ import annotations

import calendar
import random
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from demodata.csv_layout import about_table_csv
from demodata.region import SEEDS_DIR, LaReturn, build_la_return, region_members
from demodata.workbook import classify, saved_xlsx, summary_from_workers
from validation.agency import quarter_start
from validation.agency_template import write_agency_template
from validation.price_caps import PriceCaps, default_caps
from validation.schemas.agency import ABOUT_COLUMNS, ASSIGNMENTS
from validation.schemas.workbook import census_year_of
from validation.template_parts import la_name

AGENCY_YEAR = 2025
AGENCY_QUARTERS = (date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30))
ON_COST_RATE = 0.143  # employer NI above the threshold and the apprenticeship levy, as a share of pay
HOURS_PER_DAY = 7.4
# typical hourly pay by role where the alliance sets no cap
BASE_PAY = {"social_worker": 31.0, "senior_social_worker": 33.5, "advanced_practitioner": 35.5,
            "team_manager": 40.0, "iro_cp_chair": 37.5}
TEAM_WEIGHTS = {"front_door": 10, "assessment": 30, "long_term": 30, "children_in_care": 15, "care_leavers": 4,
                "disabled_children": 6, "other": 5}
CSV_LAS = frozenset({"392"})  # North Tyneside sends its agency returns as CSV (the others fill the template)


@dataclass
class PlannedAssignment:
    assignment_id: str
    swe_number: str
    role_type: str
    team_type: str
    start: date
    end: date | None
    fte: float = 1.0
    pay: float = 0.0
    on_costs: float = 0.0
    charge: float = 0.0
    project_team: int = 0
    covering_vacancy: int = 1
    pqe: float = 6.0
    references: int = 2
    notice: int = 4
    approved_by: str | None = None
    planted: str | None = None  # why a planted assignment is there (None for the ordinary ones)

    def active_at(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)

    def active_in(self, begin: date, end: date) -> bool:
        return self.start <= end and (self.end is None or self.end >= begin)


@dataclass
class AgencyPlan:
    lea: str
    assignments: list[PlannedAssignment] = field(default_factory=list)

    def active_at(self, day: date) -> list[PlannedAssignment]:
        return [a for a in self.assignments if a.active_at(day)]

    def headcount_at(self, day: date) -> int:
        return len(self.active_at(day))

    def fte_at(self, day: date) -> float:
        return round(sum(a.fte for a in self.active_at(day)), 2)

    def in_quarter(self, quarter_end: date) -> list[PlannedAssignment]:
        begin = quarter_start(quarter_end)
        return [a for a in self.assignments if a.active_in(begin, quarter_end)]


@dataclass(frozen=True)
class Plant:
    """A deliberate case in one LA's plan: ``kind`` over_cap | approved_over_cap | short_pqe | few_references |
    long_notice | cap_change_pair | cool_off | cool_off_control (the last two take a leaver of ``from_la``)."""

    lea: str
    kind: str
    quarter_end: date
    from_la: str | None = None
    days_after: int = 0


REGION_PLANTS: dict[str, tuple[Plant, ...]] = {
    "E12000001": (
        Plant("806", "over_cap", date(2025, 3, 31)),
        Plant("808", "approved_over_cap", date(2025, 6, 30)),
        Plant("807", "short_pqe", date(2024, 12, 31)),
        Plant("840", "few_references", date(2025, 6, 30)),
        Plant("929", "long_notice", date(2025, 9, 30)),
        Plant("841", "cap_change_pair", date(2025, 6, 30)),
        Plant("390", "cool_off", date(2025, 6, 30), from_la="391", days_after=41),
        Plant("392", "cool_off_control", date(2025, 6, 30), from_la="391", days_after=110),
    ),
}


def agency_rng(lea: str, seed: int = 2025) -> random.Random:
    return random.Random(f"{seed}|r4|{lea}")


def _role_of(worker: Mapping[str, object], rng: random.Random) -> str:
    role = worker.get("OrgRole")
    if role in (2, 3):
        return "team_manager"
    if role == 4:
        return "advanced_practitioner"
    if role == 6:
        return "iro_cp_chair"
    return "senior_social_worker" if rng.random() < 0.25 else "social_worker"


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _set_rates(assignment: PlannedAssignment, lea: str, caps: PriceCaps, rng: random.Random,
               share: tuple[float, float] = (0.88, 0.99)) -> None:
    """Pay, on-costs and charge under the cap in force on the start date (or around the role's pay)."""
    cap = caps.cap_for(lea, assignment.role_type, assignment.start)
    if cap is not None:
        pay = cap.cap_hourly / (1 + ON_COST_RATE) * rng.uniform(*share)
    else:
        pay = BASE_PAY[assignment.role_type] * rng.uniform(0.92, 1.08)
    _price(assignment, round(pay, 2), rng)


def _price(assignment: PlannedAssignment, pay: float, rng: random.Random) -> None:
    assignment.pay = pay
    assignment.on_costs = round(pay * ON_COST_RATE, 2)
    assignment.charge = round(pay + assignment.on_costs + rng.uniform(3.5, 7.5), 2)


def _terms(assignment: PlannedAssignment, rng: random.Random) -> None:
    assignment.pqe = round(min(30.0, 3.0 + rng.gammavariate(2.0, 3.0)), 1)
    assignment.references = 2 if rng.random() < 0.7 else 3
    assignment.notice = rng.choice((1, 2, 4, 4, 4))
    assignment.covering_vacancy = int(rng.random() < 0.85)


def target_headcounts(previous: int, current: int, rng: random.Random,
                      quarter_ends: Sequence[date] = AGENCY_QUARTERS) -> dict[date, int]:
    """The agency headcount each quarter end aims at: a line from 30 September of the year before to the census
    figure, with noise (the last quarter end is the census figure itself)."""
    targets = {}
    for number, day in enumerate(quarter_ends, start=1):
        value = previous + (current - previous) * number / len(quarter_ends)
        targets[day] = current if number == len(quarter_ends) else max(0, round(value * rng.uniform(0.94, 1.06)))
    return targets


def plan_agency(lea: str, generated: LaReturn, previous_headcount: int, *, seed: int = 2025,
                caps: PriceCaps | None = None, quarter_ends: Sequence[date] = AGENCY_QUARTERS) -> AgencyPlan:
    """One LA's agency assignments over the quarters (see the module docstring); no planted cases."""
    caps = caps if caps is not None else default_caps()
    rng = agency_rng(lea, seed)
    last = quarter_ends[-1]
    year_start = quarter_start(quarter_ends[0])
    plan = AgencyPlan(lea)
    workers = [w for w in generated.workers if w.get("AgencyWorker") == 1]
    for worker in workers:
        end = worker.get("RoleEndDate")
        if end is not None and end < year_start:
            continue
        plan.assignments.append(PlannedAssignment(
            "", str(worker["SWENo"]), _role_of(worker, rng), _pick(rng, TEAM_WEIGHTS), worker["RoleStartDate"],
            end, float(worker.get("FTE30") or worker.get("FTE") or 1.0)))
    current = sum(1 for a in plan.assignments if a.active_at(last))
    numbers = iter(rng.sample(range(100_000, 1_000_000), 5_000))  # SX + LA + 6 digits: 11 characters
    targets = target_headcounts(previous_headcount, current, rng, quarter_ends)
    for day in quarter_ends[:-1]:
        while plan.headcount_at(day) < targets[day]:
            start = day - timedelta(days=rng.randint(7, 330))
            end = min(day + timedelta(days=rng.randint(1, 200)), last - timedelta(days=1))
            plan.assignments.append(PlannedAssignment(
                "", f"SX{int(lea):03d}{next(numbers)}", _pick(rng, {"social_worker": 60,
                                                                      "senior_social_worker": 20,
                                                                      "advanced_practitioner": 8,
                                                                      "team_manager": 8, "iro_cp_chair": 4}),
                _pick(rng, TEAM_WEIGHTS), start, end))
    for assignment in plan.assignments:
        _set_rates(assignment, lea, caps, rng)
        _terms(assignment, rng)
    _number(plan)
    return plan


def _number(plan: AgencyPlan) -> None:
    plan.assignments.sort(key=lambda a: (a.start, a.swe_number))
    for number, assignment in enumerate(plan.assignments, start=1):
        assignment.assignment_id = f"{plan.lea}-AG{number:04d}"


# --------------------------------------------------------------------------------------------------
# Planted cases


def apply_plants(plans: Mapping[str, AgencyPlan], plants: Iterable[Plant], returns: Mapping[str, LaReturn], *,
                 caps: PriceCaps | None = None, seed: int = 2025) -> None:
    """Plant the deliberate cases in the plans (each LA's plan changed in place)."""
    caps = caps if caps is not None else default_caps()
    for plant in plants:
        plan = plans.get(plant.lea)
        if plan is None:
            continue
        rng = random.Random(f"{seed}|plant|{plant.lea}|{plant.kind}")
        if plant.kind in ("over_cap", "approved_over_cap", "short_pqe", "few_references", "long_notice"):
            _modify(plan, plant, caps, rng)
        elif plant.kind == "cap_change_pair":
            _cap_change_pair(plan, plant, caps, rng)
        elif plant.kind in ("cool_off", "cool_off_control"):
            _cool_off(plan, plant, returns[plant.from_la or ""], caps, rng)
        else:
            raise ValueError(f"unknown plant {plant.kind!r}")
        _number(plan)


def _recent(plan: AgencyPlan, quarter_end: date) -> PlannedAssignment:
    """An assignment active at the quarter end, started under the agency rules' caps (from 31 October 2024)."""
    found = [a for a in plan.active_at(quarter_end) if a.start >= date(2024, 10, 31) and a.planted is None]
    found = found or [a for a in plan.active_at(quarter_end) if a.planted is None]
    if not found:
        raise ValueError(f"LA {plan.lea} has no agency assignment at {quarter_end} to plant a case in")
    return min(found, key=lambda a: (a.start, a.swe_number))


def _modify(plan: AgencyPlan, plant: Plant, caps: PriceCaps, rng: random.Random) -> None:
    assignment = _recent(plan, plant.quarter_end)
    if plant.kind in ("over_cap", "approved_over_cap"):
        cap = caps.cap_for(plan.lea, assignment.role_type, assignment.start)
        if cap is None:
            raise ValueError(f"LA {plan.lea} has no cap for {assignment.role_type} on {assignment.start}")
        over = 1.06 if plant.kind == "over_cap" else 1.09
        _price(assignment, round(cap.cap_hourly * over / (1 + ON_COST_RATE), 2), rng)
        if plant.kind == "approved_over_cap":
            assignment.approved_by = "Director of Children's Services"
        assignment.planted = f"pay plus on-costs {assignment.pay + assignment.on_costs:.2f} over the cap " \
                             f"{cap.cap_hourly:.2f}" + (" (approved)" if assignment.approved_by else "")
    elif plant.kind == "short_pqe":
        assignment.pqe, assignment.planted = 1.5, "PQE 1.5 years"
    elif plant.kind == "few_references":
        assignment.references, assignment.planted = 1, "one reference"
    else:
        assignment.notice, assignment.planted = 8, "8 weeks' notice"


def _cap_change_pair(plan: AgencyPlan, plant: Plant, caps: PriceCaps, rng: random.Random) -> None:
    """Two social workers at £32.00 + £4.58 = £36.58 an hour, started either side of the cap change of 1 May
    2025 (£36.00 before, £37.00 from): over the cap in force on the first one's start date only."""
    for number, start in enumerate((date(2025, 4, 28), date(2025, 5, 6))):
        assignment = PlannedAssignment("", f"SY{int(plan.lea):03d}{number}{rng.randint(10_000, 99_999)}",
                                       "social_worker", "long_term", start, date(2025, 8, 29))
        _terms(assignment, rng)
        assignment.pay, assignment.on_costs, assignment.charge = 32.0, 4.58, 41.2
        cap = caps.cap_for(plan.lea, "social_worker", start)
        assignment.planted = f"£36.58 against the cap of {cap.cap_hourly:.2f} in force on {start}" if cap else None
        plan.assignments.append(assignment)


def _cool_off(plan: AgencyPlan, plant: Plant, source: LaReturn, caps: PriceCaps, rng: random.Random) -> None:
    """A census leaver of ``plant.from_la`` starting here ``days_after`` their leaving date, in the quarter."""
    begin, end = quarter_start(plant.quarter_end), plant.quarter_end
    leavers = sorted((w for w in source.workers if classify(w, source.year)["leaver"]
                      and w.get("OrgRole") in (4, 5)
                      and begin <= w["RoleEndDate"] + timedelta(days=plant.days_after) <= end),
                     key=lambda w: (w["RoleEndDate"], w["SWENo"]))
    if plant.kind == "cool_off_control" and leavers:
        leavers = leavers[len(leavers) // 2:]  # another worker than the breach's, where the same LA gives both
    if not leavers:
        raise ValueError(f"no leaver of LA {plant.from_la} to plant a cool-off case in LA {plan.lea}")
    worker = leavers[0]
    start = worker["RoleEndDate"] + timedelta(days=plant.days_after)
    assignment = PlannedAssignment("", str(worker["SWENo"]), "social_worker", "assessment", start,
                                   min(start + timedelta(days=84), date(2025, 9, 26)))
    _set_rates(assignment, plan.lea, caps, rng)
    _terms(assignment, rng)
    assignment.planted = (f"left LA {plant.from_la} on {worker['RoleEndDate']}, started here {plant.days_after} "
                          f"days later")
    plan.assignments.append(assignment)


# --------------------------------------------------------------------------------------------------
# The region


@dataclass
class RegionAgency:
    """Every LA's plan, the CSWW returns they were made from (census year 2025) and the planted cases."""

    plans: dict[str, AgencyPlan]
    returns: dict[str, LaReturn]
    previous: dict[str, dict[str, float | None]]  # each LA's annual Summary for census year 2024
    plants: tuple[Plant, ...]


def region_agency(alliance_code: str = "E12000001", *, seed: int = 2025, seeds_dir: Path = SEEDS_DIR,
                  caps: PriceCaps | None = None, returns: Mapping[tuple[str, int], LaReturn] | None = None
                  ) -> RegionAgency:
    """The plans of every LA of the alliance active in 2025 (with the alliance's planted cases). ``returns``
    may hold the LAs' generated CSWW returns for 2024 and 2025 (keyed by (LA, year)) to save building them."""
    caps = caps if caps is not None else default_caps()
    known = dict(returns or {})
    plans, current, previous = {}, {}, {}
    for la in region_members(alliance_code, seeds_dir):
        if not la.active_in(AGENCY_YEAR):
            continue
        for year in (AGENCY_YEAR - 1, AGENCY_YEAR):
            if (la.lea, year) not in known:
                known[(la.lea, year)] = build_la_return(la.old_la_code, year, seed=seed, seeds_dir=seeds_dir)
        last = known[(la.lea, AGENCY_YEAR - 1)]
        previous[la.lea] = summary_from_workers(last.workers, last.la_level, AGENCY_YEAR - 1)
        current[la.lea] = known[(la.lea, AGENCY_YEAR)]
        plans[la.lea] = plan_agency(la.lea, current[la.lea], int(previous[la.lea]["agency_headcount"] or 0),
                                    seed=seed, caps=caps)
    plants = REGION_PLANTS.get(alliance_code, ())
    apply_plants(plans, plants, current, caps=caps, seed=seed)
    return RegionAgency(plans, current, previous, plants)


# --------------------------------------------------------------------------------------------------
# Writing the returns


def monthly_spend(plan: AgencyPlan, quarter_end: date) -> list[float]:
    """Pounds charged in each month of the quarter: charge x 7.4 hours x FTE per weekday each assignment ran."""
    begin = quarter_start(quarter_end)
    spend = []
    for offset in range(3):
        year, month = begin.year, begin.month + offset
        first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        total = 0.0
        for a in plan.in_quarter(quarter_end):
            days = _weekdays(max(first, a.start), min(last, a.end - timedelta(days=1)) if a.end else last)
            total += days * HOURS_PER_DAY * a.fte * a.charge
        spend.append(float(round(total)))
    return spend


def _weekdays(first: date, last: date) -> int:
    if last < first:
        return 0
    days = (last - first).days + 1
    full, rest = divmod(days, 7)
    return full * 5 + sum(1 for d in range(rest) if (first + timedelta(days=full * 7 + d)).weekday() < 5)


def assignment_rows(plan: AgencyPlan, quarter_end: date) -> list[dict[str, object]]:
    """The Assignments rows of one quarter's return, in the template's columns."""
    return [{
        "assignment_id": a.assignment_id, "swe_number": a.swe_number, "role_type": a.role_type,
        "team_type": a.team_type, "start_date": a.start,
        "end_date": a.end if a.end is not None and a.end <= quarter_end else None,
        "hourly_pay_rate": a.pay, "hourly_on_costs": a.on_costs, "hourly_charge_rate": a.charge,
        "project_team": a.project_team, "covering_vacancy": a.covering_vacancy, "pqe_years": a.pqe,
        "references_received": a.references, "notice_weeks": a.notice, "cap_exception_approved_by": a.approved_by,
    } for a in plan.in_quarter(quarter_end)]


def build_agency_return(plan: AgencyPlan, quarter_end: date, *, fmt: str = "xlsx",
                        caps: PriceCaps | None = None) -> bytes:
    """One quarter's R4 return of a planned LA: the template filled in (``fmt`` xlsx) or the CSV layout."""
    rows = assignment_rows(plan, quarter_end)
    spend = monthly_spend(plan, quarter_end)
    if fmt == "csv":
        return _csv(plan.lea, quarter_end, spend, rows)
    with tempfile.TemporaryDirectory() as folder:
        template = write_agency_template(Path(folder) / "r4.xlsx", plan.lea, quarter_end, caps=caps)
        book = openpyxl.load_workbook(template)
    about = book["About"]
    for column, value in zip(("D", "E", "F"), spend, strict=True):
        about[f"{column}2"] = value
    sheet = book["Assignments"]
    columns = list(ASSIGNMENTS.columns)
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(columns, start=1):
            if row[column] is not None:
                sheet.cell(row=row_number, column=column_number, value=row[column])
    return saved_xlsx(book, datetime.combine(quarter_end + timedelta(days=20), datetime.min.time()).replace(hour=9))


def _csv(lea: str, quarter_end: date, spend: list[float], rows: list[dict[str, object]]) -> bytes:
    about = {"old_la_code": lea, "la_name": la_name(lea, census_year_of(quarter_end)), "quarter_end": quarter_end,
             **dict(zip(ABOUT_COLUMNS[3:], (f"{s:.0f}" for s in spend), strict=True))}
    return about_table_csv(about, ABOUT_COLUMNS, ASSIGNMENTS.columns, rows)


def output_name(lea: str, quarter_end: date, fmt: str = "xlsx") -> str:
    """``r4_<old_la_code>_<quarter end>.xlsx`` (or ``.csv``)."""
    return f"r4_{lea}_{quarter_end.isoformat()}.{fmt}"


def write_plan_returns(plan: AgencyPlan, out_dir: Path | str, *, fmt: str = "xlsx",
                       quarter_ends: Sequence[date] = AGENCY_QUARTERS, caps: PriceCaps | None = None) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for quarter_end in quarter_ends:
        path = out / output_name(plan.lea, quarter_end, fmt)
        path.write_bytes(build_agency_return(plan, quarter_end, fmt=fmt, caps=caps))
        paths.append(path)
    return paths


def generate_region_agency(alliance_code: str = "E12000001", *, out_dir: Path | str, seed: int = 2025,
                           seeds_dir: Path = SEEDS_DIR, region: RegionAgency | None = None) -> list[Path]:
    """Write the four quarters' agency returns of every LA of the alliance; return the paths written."""
    region = region if region is not None else region_agency(alliance_code, seed=seed, seeds_dir=seeds_dir)
    paths = []
    for lea, plan in region.plans.items():
        paths += write_plan_returns(plan, out_dir, fmt="csv" if lea in CSV_LAS else "xlsx")
    return paths


def planted_cases(region: RegionAgency) -> list[tuple[str, str, str, date, date | None]]:
    """(LA, assignment_id, what was planted, start, end) of every planted assignment."""
    return [(lea, a.assignment_id, a.planted, a.start, a.end) for lea, plan in region.plans.items()
            for a in plan.assignments if a.planted]


__all__ = ["AGENCY_QUARTERS", "AgencyPlan", "Plant", "PlannedAssignment", "REGION_PLANTS", "RegionAgency",
           "apply_plants", "assignment_rows", "build_agency_return", "generate_region_agency", "monthly_spend",
           "output_name", "plan_agency", "planted_cases", "region_agency", "target_headcounts",
           "write_plan_returns"]
