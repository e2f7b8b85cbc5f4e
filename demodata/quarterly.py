"""Seeded demonstration quarterly R2 workbooks: each LA's regional core dataset for every quarter of a census
year (returns.md, "Quarters"), agreeing with its annual figures.

For census year Y the quarters end on 31 December Y-1, 31 March, 30 June and 30 September Y. Per LA and year
(:func:`la_quarters`):

- **flows** (starters and leavers, FTE and headcount, and working days lost) are the LA's annual figures (the
  Summary its generated CSWW return implies: ``demodata.workbook.summary_from_workers``) split over the four
  quarters with seasonal weights and noise (starters peak in July-September, when newly qualified social
  workers start; leavers in the summer; sickness in winter), headcounts in whole people and FTEs in hundredths,
  each quarter's FTE no larger than its headcount, so the four quarters **add up exactly to the annual flows**;
  no quarter holds more than 24% of the in-post figure (RWR033 warns above 25%);
- **stocks** (in post, agency, agency cover, vacancies, case holders, cases) at 30 September are **exactly the
  annual figures**; at the three earlier quarter ends they follow a line from the 30 September before (the
  previous year's annual Summary, or its calibration targets for the first year) with 1.5% noise, FTE per head,
  case-holding share and caseload interpolated too, so that every quarter keeps the R2 rules. Where the LA's
  agency returns are planned (``demodata.agency``, quarters from 31 December 2024) the agency headcount and FTE
  at each quarter end are the plan's assignments active then, so the R2 and R4 returns agree;
- **Teams** at 30 September are the annual workbook's rows; at other quarter ends they are drawn around that
  quarter's Summary as the annual ones are (``team_rows``); **NonSW** stocks follow in-post FTE and its annual
  leavers and absence are split over the quarters like the social workers' flows.

Every file is the R2 template for the quarter (``About.return_type`` quarterly) filled in, deterministic to the
byte (each LA, year and quarter has its own ``random.Random``; times are 15 days after the quarter end).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from demodata.agency import AgencyPlan, RegionAgency, region_agency
from demodata.region import SEEDS_DIR, LaReturn, Targets, build_la_return, region_members, region_targets
from demodata.workbook import (
    capped_split,
    filled_workbook,
    la_sheets,
    split_total,
    summary_from_workers,
    team_rows,
)
from validation.schemas.workbook import SUMMARY_COLUMNS
from validation.workbook import QUARTER_FLOW_SHARE_LIMIT

QUARTERLY_YEARS = (2024, 2025)
# share of the census year's flow in each quarter (Oct-Dec, Jan-Mar, Apr-Jun, Jul-Sep), before noise
FLOW_SEASONS = {"starters": (0.26, 0.19, 0.17, 0.38), "leavers": (0.23, 0.22, 0.24, 0.31),
                "working_days_lost_fte": (0.27, 0.29, 0.22, 0.22), "non_sw_leavers": (0.24, 0.23, 0.24, 0.29)}
FLOW_LIMIT = QUARTER_FLOW_SHARE_LIMIT - 0.01  # a quarter's flow stays below RWR033's threshold
STOCK_NOISE = 0.015

Summary = dict[str, float | int | None]


def quarter_ends(year: int) -> tuple[date, date, date, date]:
    """The quarter ends of census year ``year``."""
    return date(year - 1, 12, 31), date(year, 3, 31), date(year, 6, 30), date(year, 9, 30)


def quarter_rng(lea: str, period_end: date, seed: int = 2025) -> random.Random:
    return random.Random(f"{seed}|r2q|{lea}|{period_end.isoformat()}")


def _lerp(first: float | None, last: float | None, share: float) -> float | None:
    if first is None or last is None:
        return last
    return first + (last - first) * share


def _ratio(numerator: float | None, denominator: float | None, cap: float | None = None) -> float | None:
    if numerator is None or not denominator:
        return None
    value = numerator / denominator
    return min(value, cap) if cap is not None else value


def targets_summary(targets: Targets) -> Summary:
    """A Summary-shaped dict of calibration targets (the 30 September stocks of a year not generated)."""
    return {column: getattr(targets, column) for column in SUMMARY_COLUMNS}


def split_flows(annual: Mapping[str, float | None], stocks: Sequence[Mapping[str, float | None]],
                rng: random.Random) -> list[Summary]:
    """The annual starters, leavers and working days lost over four quarters: whole people, FTE in hundredths
    no larger than the quarter's people, each flow below FLOW_LIMIT of the quarter's in-post figure where it can
    be, summing exactly to the annual figures."""
    parts: list[Summary] = [{} for _ in range(4)]
    for flow in ("starters", "leavers"):
        heads = int(annual[f"{flow}_headcount"] or 0)
        weights = [w * rng.uniform(0.8, 1.2) for w in FLOW_SEASONS[flow]]
        limits = [math.floor(FLOW_LIMIT * float(s["inpost_headcount"] or 0)) for s in stocks]
        counts = _limited_split(heads, weights, limits)
        fte_total = float(annual[f"{flow}_fte"] or 0.0)
        fte = capped_split(fte_total, dict(enumerate(counts)), {q: float(c) for q, c in enumerate(counts)})
        for quarter in range(4):
            parts[quarter][f"{flow}_headcount"] = int(counts[quarter])
            parts[quarter][f"{flow}_fte"] = round(fte[quarter], 2)
    days = float(annual["working_days_lost_fte"] or 0.0)
    weights = [w * rng.uniform(0.85, 1.15) for w in FLOW_SEASONS["working_days_lost_fte"]]
    for quarter, value in enumerate(split_total(days, weights)):
        parts[quarter]["working_days_lost_fte"] = value
    return parts


def _limited_split(total: int, weights: Sequence[float], limits: Sequence[int]) -> list[int]:
    """``total`` whole units in proportion to ``weights``, then moved from quarters above their limit to the
    quarters with the most room (where the year's total fits under the limits at all)."""
    counts = [int(c) for c in split_total(total, weights, step=1)]
    if total > sum(limits):
        return counts
    for _ in range(total):
        over = [q for q in range(4) if counts[q] > limits[q]]
        if not over:
            break
        room = max(range(4), key=lambda q: (limits[q] - counts[q], -q))
        counts[over[0]] -= 1
        counts[room] += 1
    return counts


def stocks_at(previous: Mapping[str, float | None], annual: Mapping[str, float | None], share: float,
              rng: random.Random, agency: tuple[int, float] | None = None) -> Summary:
    """The stocks a fraction ``share`` of the way from one 30 September to the next (1: the annual figures);
    ``agency`` (headcount, FTE) from the agency plan where there is one."""
    if share >= 1:
        stocks = {c: annual[c] for c in ("inpost_fte", "inpost_headcount", "agency_fte", "agency_headcount",
                                         "agency_cover_fte", "vacancy_fte", "case_holders_fte", "cases")}
        if agency is not None and (agency[0], round(agency[1], 2)) != (annual["agency_headcount"],
                                                                         round(float(annual["agency_fte"]), 2)):
            raise ValueError(f"the agency plan has {agency} at 30 September, the census {annual['agency_headcount']} "
                             f"people, {annual['agency_fte']} FTE")
        return stocks

    def noisy(value: float | None) -> float | None:
        return None if value is None else max(0.0, value * rng.uniform(1 - STOCK_NOISE, 1 + STOCK_NOISE))

    heads = round(noisy(_lerp(previous["inpost_headcount"], annual["inpost_headcount"], share)) or 0)
    per_head = _lerp(_ratio(previous["inpost_fte"], previous["inpost_headcount"], 1.0),
                     _ratio(annual["inpost_fte"], annual["inpost_headcount"], 1.0), share) or 0.9
    inpost_fte = round(min(float(heads), heads * per_head), 2)
    if agency is not None:
        agency_heads, agency_fte = agency[0], round(agency[1], 2)
    else:
        agency_heads = round(noisy(_lerp(previous["agency_headcount"], annual["agency_headcount"], share)) or 0)
        agency_per_head = _lerp(_ratio(previous["agency_fte"], previous["agency_headcount"], 1.0),
                                _ratio(annual["agency_fte"], annual["agency_headcount"], 1.0), share) or 1.0
        agency_fte = round(min(float(agency_heads), agency_heads * agency_per_head), 2)
    cover = noisy(_lerp(previous["agency_cover_fte"], annual["agency_cover_fte"], share))
    vacancies = noisy(_lerp(previous["vacancy_fte"], annual["vacancy_fte"], share))
    staff = inpost_fte + agency_fte
    holding = _lerp(_ratio(previous["case_holders_fte"], (previous["inpost_fte"] or 0) + (previous["agency_fte"] or 0),
                           1.0),
                    _ratio(annual["case_holders_fte"], (annual["inpost_fte"] or 0) + (annual["agency_fte"] or 0), 1.0),
                    share) or 0.75
    holders = round(min(staff, staff * holding), 2)
    caseload = _lerp(_ratio(previous["cases"], previous["case_holders_fte"]),
                     _ratio(annual["cases"], annual["case_holders_fte"]), share) or 16.0
    return {
        "inpost_fte": inpost_fte, "inpost_headcount": heads, "agency_fte": agency_fte,
        "agency_headcount": agency_heads,
        "agency_cover_fte": None if cover is None else round(min(cover, agency_fte), 2),
        "vacancy_fte": None if vacancies is None else round(vacancies, 2),
        "case_holders_fte": holders, "cases": round(holders * caseload * rng.uniform(0.985, 1.015)),
    }


@dataclass
class LaQuarters:
    """One LA's four quarterly returns of a census year: Summary, Teams and NonSW rows by quarter end."""

    lea: str
    year: int
    summaries: dict[date, Summary]
    teams: dict[date, list[dict[str, object]]]
    non_sw: dict[date, list[dict[str, object]]]


def la_quarters(generated: LaReturn, previous: Mapping[str, float | None], *, seed: int = 2025,
                agency: AgencyPlan | None = None) -> LaQuarters:
    """The quarterly returns of a generated LA-year (``previous``: its Summary at the 30 September before)."""
    lea, year = generated.lea, generated.year
    annual, annual_teams, annual_non_sw = la_sheets(lea, year, generated.workers, generated.la_level, seed=seed)
    ends = quarter_ends(year)
    flows_rng = quarter_rng(lea, ends[-1], seed)
    stocks = []
    for number, period_end in enumerate(ends, start=1):
        planned = (agency.headcount_at(period_end), agency.fte_at(period_end)) if agency is not None and \
            period_end >= date(2024, 12, 31) else None
        stocks.append(stocks_at(previous, annual, number / 4, quarter_rng(lea, period_end, seed), planned))
    flows = split_flows(annual, stocks, flows_rng)
    summaries, teams, non_sw = {}, {}, {}
    for number, period_end in enumerate(ends):
        summary = {**stocks[number], **flows[number]}
        summaries[period_end] = {column: summary[column] for column in SUMMARY_COLUMNS}
        if period_end == ends[-1]:
            teams[period_end] = annual_teams
        else:
            started = [w for w in generated.workers if w.get("RoleStartDate") is None or
                       w["RoleStartDate"] <= period_end]
            teams[period_end] = team_rows(summaries[period_end], started, year,
                                          random.Random(f"{seed}|r2q-teams|{lea}|{period_end}"))
    non_sw_flows = _non_sw_flows(annual_non_sw, flows_rng)
    for number, period_end in enumerate(ends):
        scale = (float(summaries[period_end]["inpost_fte"] or 0) / float(annual["inpost_fte"])
                 if annual["inpost_fte"] else 1.0)
        non_sw[period_end] = [_non_sw_quarter(row, scale, non_sw_flows[row["role"]][number]) for row in annual_non_sw]
    return LaQuarters(lea, year, summaries, teams, non_sw)


def _non_sw_flows(rows: Sequence[Mapping[str, object]], rng: random.Random) -> dict[str, list[tuple[float, float]]]:
    flows = {}
    for row in rows:
        weights = [w * rng.uniform(0.85, 1.15) for w in FLOW_SEASONS["non_sw_leavers"]]
        leavers = split_total(float(row["leavers_fte"] or 0), weights, step=0.1)
        days = split_total(float(row["working_days_lost_fte"] or 0), FLOW_SEASONS["working_days_lost_fte"], step=0.1)
        flows[str(row["role"])] = list(zip(leavers, days, strict=True))
    return flows


def _non_sw_quarter(row: Mapping[str, object], scale: float, flows: tuple[float, float]) -> dict[str, object]:
    fte = round(float(row["fte"] or 0) * scale, 1)
    heads = max(math.ceil(fte), round(int(row["headcount"] or 0) * scale)) if fte > 0 else 0
    return {"role": row["role"], "headcount": heads, "fte": fte,
            "agency_fte": round(float(row["agency_fte"] or 0) * scale, 1),
            "vacancy_fte": round(float(row["vacancy_fte"] or 0) * scale, 1),
            "leavers_fte": flows[0], "working_days_lost_fte": flows[1]}


def build_quarter_workbook(quarters: LaQuarters, period_end: date) -> bytes:
    """The filled quarterly R2 workbook of one LA and quarter end."""
    return filled_workbook(quarters.lea, quarters.year, quarters.summaries[period_end], quarters.teams[period_end],
                           quarters.non_sw[period_end], quarterly_period_end=period_end)


def output_name(lea: str, period_end: date) -> str:
    """``r2q_<old_la_code>_<quarter end>.xlsx``."""
    return f"r2q_{lea}_{period_end.isoformat()}.xlsx"


def write_la_quarters(quarters: LaQuarters, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for period_end in quarters.summaries:
        path = out / output_name(quarters.lea, period_end)
        path.write_bytes(build_quarter_workbook(quarters, period_end))
        paths.append(path)
    return paths


def region_quarters(alliance_code: str = "E12000001", years: Iterable[int] = QUARTERLY_YEARS, *, seed: int = 2025,
                    seeds_dir: Path = SEEDS_DIR, agency: RegionAgency | None = None) -> list[LaQuarters]:
    """Every LA's quarterly returns for ``years`` (the last eight quarters by default), agreeing with the
    annual returns ``demodata.region.generate_region`` writes for those years and with the agency plans."""
    years = tuple(sorted(years))
    agency = agency if agency is not None else region_agency(alliance_code, seed=seed, seeds_dir=seeds_dir)
    first_targets = region_targets(alliance_code, [years[0] - 1], seeds_dir=seeds_dir)
    targets = region_targets(alliance_code, years, seeds_dir=seeds_dir)
    out = []
    for la in region_members(alliance_code, seeds_dir):
        previous: Mapping[str, float | None] | None = None
        first = first_targets.get((la, years[0] - 1))
        if first is not None:
            previous = targets_summary(first)
        for year in years:
            if (la, year) not in targets:
                previous = None
                continue
            generated = agency.returns.get(la.lea) if year == 2025 and la.lea in agency.returns else \
                build_la_return(la.old_la_code, year, seed=seed, seeds_dir=seeds_dir, targets=targets[(la, year)])
            annual = summary_from_workers(generated.workers, generated.la_level, year)
            if previous is None:
                previous = annual
            plan = agency.plans.get(la.lea) if year == 2025 else None
            out.append(la_quarters(generated, previous, seed=seed, agency=plan))
            previous = annual
    return out


def generate_region_quarterly(alliance_code: str = "E12000001", years: Iterable[int] = QUARTERLY_YEARS, *,
                              out_dir: Path | str, seed: int = 2025, seeds_dir: Path = SEEDS_DIR,
                              agency: RegionAgency | None = None) -> list[Path]:
    """Write every LA's quarterly R2 workbooks for ``years``; return the paths written."""
    paths = []
    for quarters in region_quarters(alliance_code, years, seed=seed, seeds_dir=seeds_dir, agency=agency):
        paths += write_la_quarters(quarters, out_dir)
    return paths
