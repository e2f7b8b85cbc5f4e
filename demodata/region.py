"""Seeded generator of a demonstration region: one CSWW XML return per local authority (LA) and year.

Every worker is fake (``SWENo`` is ``SW`` + 10 digits built from the LA code, the year and a random
serial: longer than any real Social Work England number) but each LA's totals are calibrated to that
LA's real published figures (``seeds/published/csww_indicators_2017_to_2025.csv``), so the product's
indicators computed from the generated files land near the published ones.

Calibration, per LA and census year Y (R = 30 Sep Y, S = 1 Oct Y-1), following
``shared/spec/definitions.md``:

1. **Targets.** The published inpost, starters, leavers and agency headcounts and FTEs, vacancy_fte
   (NumberOfVacancies), agency_cover_fte (NoAgencyFTE), case_holders_fte, cases and
   working_days_lost_fte. A ``u`` (low reliability) value that DfE still counted in the regional row is
   recovered as the regional total minus the region's other LAs when it is the region's only ``u`` for
   that measure. Any other symbol is replaced by something plausible (recorded in ``Targets.notes``):
   ``low`` -> 0.2 FTE (1 for a headcount); ``u`` / ``x`` / ``c`` / ``z`` / blank -> from the paired
   measure with the LA's own FTE-per-head ratio when the pair has a number (e.g. leavers_fte 'u' with
   28 leavers), otherwise the median ratio over the LAs of the same region and year (measure / inpost
   FTE; cases / case_holders_fte; agency cover / agency FTE) times this LA's base. An LA with no usable
   inpost figures (or no row at all) borrows them from its nearest year.
2. **Record counts** are exact: with C starters who also left (about 8% of the smaller flow), the
   file holds ``starters - C`` starters still in post, C starter-leavers, ``leavers - C`` other leavers,
   ``inpost - (starters - C)`` longer-serving staff, the agency headcount of agency workers at R plus one
   or two agency workers who left before R, and in about half of the LAs a second post (same SWENo,
   birth date, sex, ethnicity) that does not add to headcount (more second posts, of 0.5 FTE, where the
   published in-post FTE exceeds the headcount).
3. **FTE** is split in hundredths (most people 1.0, part-timers 0.4 to 0.9) so that each group sums to
   its target: contracted FTE of starters (the starter-leavers get the values nearest the leavers' mean),
   the remaining leavers' FTE over the other leavers, FTE at R (FTE30) of the longer-serving staff to what
   in-post FTE still needs (if they cannot carry it even at 1.0, starters' FTE30 rises above their
   contracted FTE), and agency FTE at R. A few in-post records have a contracted FTE different from
   FTE30, and a few omit FTE30 where it equals FTE (FTE at R falls back to FTE, so no total moves).
4. **Case holders** are picked greedily (newly qualified starters first, most agency workers, then other
   staff in random order; staff absent at R never) while their FTE at R fits under case_holders_fte, so
   the gap is below one part-timer's FTE. They get OrgRole 5 (some 4 and 3); other staff 1, 2, 3, 4 or 6.
5. **Cases30** are drawn in proportion to FTE x a gamma noise (first-year social workers x 0.65) and
   rounded to sum exactly to ``cases`` (each holder 1..38).
6. **WorkingDaysLost** is zero for ~45% of in-post and leaver records, log-normal otherwise (sickness
   absence at R adds a long spell), scaled so that sum(WorkingDaysLost x FTE) hits the target, and capped
   at 250.

Deterministic: each LA-year has its own ``random.Random`` seeded from (seed, LA, year), so a file does
not depend on which other LAs or years are generated, and nothing reads the clock (``DateTime`` is
``<year>-10-15T09:00:00``). Joint published units such as ``940 / 941`` are written under their first
code (``csww_940_<year>.xml``, LEA 940) and calibrated to the joint figures. Generated files are never
committed: the generator writes where it is told.

Command line: ``python -m demodata.region OUT_DIR [--region E12000001] [--years 2024 2025] [--seed N]``.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from demodata.csww_xml import write_csww_xml
from reference import geography
from reference.geography import ALLIANCES_FILE, alliance_membership, local_authorities
from reference.paths import SEEDS_DIR

PUBLISHED_FILE = Path("published/csww_indicators_2017_to_2025.csv")
SOFTWARE_CODE = "DEMODATA-REGION"

LOW_FTE = 0.2  # 'low' published FTE (rounds to 0)
SECOND_POST_FTE = 0.2  # the occasional second post
EXTRA_POST_FTE = 0.5  # second posts added where published in-post FTE exceeds the headcount
MAX_CASES = 38
MAX_WORKING_DAYS_LOST = 250.0
FIRST_YEAR_CASELOAD_FACTOR = 0.65

# (headcount, FTE) pairs and single measures, in resolution order.
PAIRS: tuple[tuple[str, str], ...] = (
    ("inpost_headcount", "inpost_fte"),
    ("starters_headcount", "starters_fte"),
    ("leavers_headcount", "leavers_fte"),
    ("agency_headcount", "agency_fte"),
)
SINGLES: tuple[str, ...] = ("vacancy_fte", "agency_cover_fte", "case_holders_fte", "cases",
                            "working_days_lost_fte")
MEASURES: tuple[str, ...] = tuple(m for pair in PAIRS for m in pair) + SINGLES
# Base of the peer ratio used when a single measure is a symbol.
SINGLE_BASE: dict[str, str] = {
    "vacancy_fte": "inpost_fte",
    "agency_cover_fte": "agency_fte",
    "case_holders_fte": "inpost_fte",
    "cases": "case_holders_fte",
    "working_days_lost_fte": "inpost_fte",
}

ETHNICITY_WEIGHTS: dict[str, float] = {
    "WBRI": 62, "WIRI": 1, "WIRT": 0.1, "WOTH": 6, "WROM": 0.1, "MWBC": 1, "MWBA": 0.5, "MWAS": 0.5,
    "MOTH": 1, "AIND": 2, "APKN": 2, "ABAN": 0.5, "AOTH": 1, "BCRB": 2, "BAFR": 7, "BOTH": 0.5,
    "CHNE": 0.2, "OOTH": 1, "REFU": 3, "NOBT": 6,
}
QUAL_INSTITUTIONS: tuple[str, ...] = (
    "Northumbria University", "Durham University", "Newcastle University", "Teesside University",
    "University of Sunderland", "The Open University", "University of York", "Leeds Beckett University",
    "University of Central Lancashire", "Manchester Metropolitan University", "Overseas institution",
)
START_ORIGIN_WEIGHTS: dict[int, float] = {1: 30, 2: 25, 3: 3, 4: 12, 5: 5, 6: 8, 7: 4, 8: 5, 9: 6, 10: 2}
REASON_LEAVE_WEIGHTS: dict[int, float] = {1: 55, 2: 1, 3: 1, 4: 4, 5: 10, 6: 0.5, 7: 6, 8: 8, 9: 12,
                                          10: 2.5}
DESTINATION_WEIGHTS: dict[int, float] = {1: 25, 2: 5, 3: 15, 4: 10, 5: 8, 6: 10, 7: 7, 8: 15, 9: 5}
REASON_ABSENCE_WEIGHTS: dict[str, float] = {"MAT": 40, "SIC": 35, "OTH": 10, "TRN": 5, "UNP": 5,
                                            "PUB": 3, "UNA": 2}
CASE_HOLDER_ROLES: dict[int, float] = {5: 82, 4: 13, 3: 5}
OTHER_INPOST_ROLES: dict[int, float] = {1: 7, 2: 15, 3: 25, 4: 13, 6: 40}
OTHER_AGENCY_ROLES: dict[int, float] = {2: 20, 3: 30, 6: 50}
LEAVER_ROLES: dict[int, float] = {5: 70, 4: 12, 3: 10, 2: 5, 6: 3}
SALARY_RANGES: dict[int, tuple[int, int]] = {1: (80_000, 110_000), 2: (58_000, 72_000),
                                             3: (47_000, 56_000), 4: (42_000, 49_000),
                                             5: (34_000, 44_000), 6: (38_000, 46_000)}
PAY_ITEM_WEIGHTS: dict[str, dict[int, float]] = {
    "RecruitmentBonus": {0: 60, 1: 10, 2: 30}, "RetentionBonus": {0: 55, 1: 15, 2: 30},
    "PerformanceAward": {0: 85, 1: 5, 2: 10}, "CarAllowance": {0: 30, 1: 20, 2: 50},
    "RelocationPackage": {0: 60, 1: 5, 2: 35}, "RegionalWeighting": {0: 90, 1: 8, 2: 2},
    "CostSWE": {0: 40, 1: 50, 2: 10}, "CostDBS": {0: 20, 1: 75, 2: 5},
}
OTHER_ALLOWANCES: tuple[str | None, ...] = (
    None, None, "Essential car user allowance", "Market supplement for hard-to-fill posts",
    "Professional development allowance & mileage",
)


# --------------------------------------------------------------------------------------------------
# Reference and published data


@dataclass(frozen=True)
class LocalAuthority:
    old_la_code: str  # as published: '390', or a joint unit '940 / 941'
    la_name: str
    first_year: int
    last_year: int

    @property
    def lea(self) -> str:
        """The code written in the return: the first code of a joint unit."""
        return self.old_la_code.split("/")[0].strip()

    def active_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Targets:
    """The LA totals a generated return is calibrated to (symbols already replaced)."""

    inpost_headcount: int
    inpost_fte: float
    starters_headcount: int
    starters_fte: float
    leavers_headcount: int
    leavers_fte: float
    agency_headcount: int
    agency_fte: float
    vacancy_fte: float
    agency_cover_fte: float
    case_holders_fte: float
    cases: int
    working_days_lost_fte: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LaReturn:
    """What one generated file holds, before it is written."""

    lea: str
    year: int
    workers: list[dict[str, object]]
    la_level: dict[str, object]
    targets: Targets


Published = dict[tuple[str, int], dict[str, str]]


@lru_cache(maxsize=4)
def load_published(seeds_dir: Path = SEEDS_DIR) -> Published:
    """Published LA rows keyed by (old_la_code, year), values as published (numbers or symbols)."""
    with (seeds_dir / PUBLISHED_FILE).open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["geographic_level"] == "Local authority"]
    return {(r["old_la_code"], int(r["time_period"])): r for r in rows}


@lru_cache(maxsize=4)
def load_published_regions(seeds_dir: Path = SEEDS_DIR) -> Published:
    """Published regional rows keyed by (region_code, year); Inner and Outer London have rows of their own."""
    with (seeds_dir / PUBLISHED_FILE).open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["geographic_level"] == "Regional"]
    return {(r["region_code"], int(r["time_period"])): r for r in rows}


def region_residual(published: Published, regions: Published, la_code: str, year: int, measure: str) -> float | None:
    """A 'u' (low reliability) LA value recovered as the regional total minus the other LAs.

    DfE's regional rows count 'u' values (not 'x' or 'c'), so where this LA is the only 'u' of its region
    for the measure, region - sum(other LAs) is its unpublished value, to rounding. None otherwise.
    """
    row = published.get((la_code, year), {})
    region = regions.get((row.get("region_code", ""), year), {})
    total = _number(region.get(measure))
    if row.get(measure) != "u" or total is None:
        return None
    others = [r for (code, y), r in published.items()
              if y == year and code != la_code and r["region_code"] == row["region_code"]]
    if any(r.get(measure) == "u" for r in others):
        return None
    return max(0.0, round(total - sum(_number(r.get(measure)) or 0.0 for r in others), 1))


def region_members(alliance_code: str, seeds_dir: Path = SEEDS_DIR) -> list[LocalAuthority]:
    """The LAs of an alliance (region code; London rolled up), in alliance-file order."""
    codes = [m.old_la_code for m in alliance_membership(seeds_dir / "reference") if m.alliance_code == alliance_code]
    if not codes:
        raise ValueError(f"no LAs for alliance {alliance_code!r} in {ALLIANCES_FILE}")
    spans: dict[str, list[geography.LocalAuthority]] = {}
    for la in local_authorities(seeds_dir / "reference"):
        spans.setdefault(la.old_la_code, []).append(la)
    return [_local_authority(code, spans.get(code, [])) for code in codes]


def _local_authority(code: str, rows: list[geography.LocalAuthority]) -> LocalAuthority:
    if not rows:
        return LocalAuthority(code, code, 0, 9999)
    latest = max(rows, key=lambda la: la.last_year)
    return LocalAuthority(code, latest.la_name, min(la.first_year for la in rows), max(la.last_year for la in rows))


# --------------------------------------------------------------------------------------------------
# Targets: published figures with symbols replaced


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _peer_ratio(published: Published, peers: Sequence[str], year: int, measure: str, base: str) -> float:
    """Median of measure / base over the peers (else all LAs) with numbers for both and base > 0."""
    def ratios(codes: Iterable[str]) -> list[float]:
        out = []
        for code in codes:
            row = published.get((code, year), {})
            num, den = _number(row.get(measure)), _number(row.get(base))
            if num is not None and den:
                out.append(num / den)
        return out

    found = ratios(peers) or ratios(code for code, y in published if y == year)
    return statistics.median(found) if found else 0.0


def _nearest_row(published: Published, code: str, year: int, measure: str) -> dict[str, str] | None:
    years = sorted((y for c, y in published if c == code), key=lambda y: (abs(y - year), y))
    for y in years:
        if _number(published[(code, y)].get(measure)) is not None:
            return published[(code, y)]
    return None


def resolve_targets(published: Published, la_code: str, year: int, peers: Sequence[str],
                    regions: Published | None = None) -> Targets:
    """The calibration targets for one LA and year (see the module docstring for the symbol rules)."""
    notes: list[str] = []
    row = published.get((la_code, year))
    if row is not None and regions:
        row = dict(row)
        for measure, text in list(row.items()):
            if text == "u" and (value := region_residual(published, regions, la_code, year, measure)) is not None:
                row[measure] = str(value)
                notes.append(f"{measure} 'u': {value} (region total minus the other LAs)")
    if row is None:
        row = _nearest_row(published, la_code, year, "inpost_headcount") or {}
        notes.append(f"no published row for {year}: figures from {row.get('time_period', 'region medians')}")
    values: dict[str, float] = {}
    _resolve_inpost(published, la_code, year, peers, row, values, notes)
    for headcount, fte in PAIRS[1:]:
        _resolve_pair(published, year, peers, row, headcount, fte, values, notes)
    for measure in SINGLES:
        _resolve_single(published, year, peers, row, measure, values, notes)
    return _consistent_targets(values, notes)


def _resolve_inpost(
    published: Published, code: str, year: int, peers: Sequence[str], row: dict[str, str],
    values: dict[str, float], notes: list[str],
) -> None:
    if _number(row.get("inpost_headcount")) is None and _number(row.get("inpost_fte")) is None:
        nearest = _nearest_row(published, code, year, "inpost_headcount")
        if nearest is not None:
            notes.append(f"inpost figures from {nearest['time_period']}")
            row = nearest
        else:
            median = _peer_median(published, peers, year, "inpost_headcount")
            row = {"inpost_headcount": str(median)}
            notes.append("inpost_headcount: region median")
    _resolve_pair(published, year, peers, row, "inpost_headcount", "inpost_fte", values, notes,
                  fte_per_head=_peer_ratio(published, peers, year, "inpost_fte", "inpost_headcount"))


def _peer_median(published: Published, peers: Sequence[str], year: int, measure: str) -> float:
    found = [n for code in peers if (n := _number(published.get((code, year), {}).get(measure))) is not None]
    return statistics.median(found) if found else 0.0


def _resolve_pair(
    published: Published, year: int, peers: Sequence[str], row: dict[str, str], headcount: str, fte: str,
    values: dict[str, float], notes: list[str], fte_per_head: float | None = None,
) -> None:
    if fte_per_head is None:
        inpost_hc = values["inpost_headcount"]
        fte_per_head = values["inpost_fte"] / inpost_hc if inpost_hc else 0.9
    hc_value, fte_value = _number(row.get(headcount)), _number(row.get(fte))
    if hc_value is None and fte_value is not None:
        hc_value = float(round(fte_value / fte_per_head)) if fte_per_head else fte_value
        notes.append(f"{headcount} {row.get(headcount)!r}: from {fte} / FTE per head")
    elif hc_value is None:
        ratio = _peer_ratio(published, peers, year, headcount, "inpost_headcount")
        hc_value = float(round(ratio * values.get("inpost_headcount", 0.0)))
        notes.append(f"{headcount} {row.get(headcount)!r}: region median ratio to inpost_headcount")
    if fte_value is None and row.get(fte) == "low":
        fte_value = LOW_FTE
        notes.append(f"{fte} 'low': {LOW_FTE}")
    elif fte_value is None:
        fte_value = round(hc_value * fte_per_head, 1)
        notes.append(f"{fte} {row.get(fte)!r}: {headcount} x FTE per head")
    values[headcount], values[fte] = hc_value, fte_value


def _resolve_single(
    published: Published, year: int, peers: Sequence[str], row: dict[str, str], measure: str,
    values: dict[str, float], notes: list[str],
) -> None:
    value = _number(row.get(measure))
    if value is None and row.get(measure) == "low":
        value = LOW_FTE
        notes.append(f"{measure} 'low': {LOW_FTE}")
    elif value is None:
        base = SINGLE_BASE[measure]
        value = round(_peer_ratio(published, peers, year, measure, base) * values[base], 1)
        notes.append(f"{measure} {row.get(measure)!r}: region median ratio to {base}")
    values[measure] = value


def _consistent_targets(values: dict[str, float], notes: list[str]) -> Targets:
    """Round headcounts, keep FTEs within [0, headcount] (in post: 2 x) and case holders within staff."""
    for headcount, fte in PAIRS:
        values[headcount] = float(max(0, round(values[headcount])))
        most = values[headcount] * (2 if fte == "inpost_fte" else 1)  # in post: second posts add FTE
        capped = min(max(values[fte], 0.0), most)
        if capped != values[fte]:
            notes.append(f"{fte} capped at {headcount}")
        values[fte] = capped
    staff_fte = values["inpost_fte"] + values["agency_fte"]
    values["case_holders_fte"] = min(max(values["case_holders_fte"], 0.0), staff_fte)
    values["cases"] = float(max(0, round(values["cases"])))
    ints = {"inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"}
    kwargs = {m: int(values[m]) if m in ints else float(values[m]) for m in MEASURES}
    return Targets(**kwargs, notes=tuple(notes))


# --------------------------------------------------------------------------------------------------
# Worker records


@dataclass(frozen=True)
class _Person:
    sweno: str
    birth_date: date
    sex: str
    gender_current: int
    ethnicity: str
    qual_level: int
    qual_inst: str
    step_up: int
    frontline: int


@dataclass
class _Record:
    kind: str  # stayer, starter, starter_leaver, leaver, second_post, agency, agency_leaver
    person: _Person
    start: date
    end: date | None = None
    fte: float = 1.0
    fte30: float | None = None
    org_role: int | None = None
    start_origin: int | None = None
    reason_leave: int | None = None
    destination: int | None = None
    cases: int | None = None
    wdl: float | None = None
    absent_reason: str | None = None
    case_holder: bool = False
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def agency(self) -> bool:
        return self.kind.startswith("agency")

    @property
    def at_reference(self) -> bool:
        """In post (non-agency) or agency at the reference date."""
        return self.kind in ("stayer", "starter", "second_post", "agency")

    @property
    def fte_at_r(self) -> float:
        return self.fte30 if self.fte30 is not None else self.fte

    @property
    def first_year(self) -> bool:
        return self.start_origin == 1 and self.kind == "starter"


def _weighted(rng: random.Random, weights: dict, k: int = 1) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _pick(rng: random.Random, weights: dict):
    return _weighted(rng, weights)[0]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), max(first, last).toordinal()))


@dataclass
class _Calendar:
    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 10, 1)

    @property
    def reference(self) -> date:
        return date(self.year, 9, 30)


class _PersonFactory:
    """Fake people with unique SWENos within one return."""

    def __init__(self, rng: random.Random, lea: str, calendar: _Calendar, size: int) -> None:
        self._rng = rng
        self._calendar = calendar
        prefix = f"SW{int(lea):03d}{calendar.year % 100:02d}"
        self._numbers = iter(f"{prefix}{n:05d}" for n in rng.sample(range(100_000), size))

    def make(self, *, newly_qualified: bool = False) -> _Person:
        rng = self._rng
        age = rng.triangular(22, 45, 26) if newly_qualified else rng.triangular(24, 66, 40)
        birth = self._calendar.reference - timedelta(days=int(age * 365.25))
        sex = "F" if rng.random() < 0.84 else "M"
        gender = {"F": 2, "M": 1}[sex] if rng.random() > 0.01 else 9
        qual_level = _pick(rng, {1: 55, 2: 40, 3: 5})
        return _Person(
            sweno=next(self._numbers), birth_date=birth, sex=sex, gender_current=gender,
            ethnicity=_pick(rng, ETHNICITY_WEIGHTS), qual_level=qual_level,
            qual_inst=rng.choice(QUAL_INSTITUTIONS), step_up=int(qual_level == 2 and rng.random() < 0.06),
            frontline=int(qual_level == 2 and rng.random() < 0.12),
        )


def split_fte(rng: random.Random, count: int, total: float) -> list[float]:
    """``count`` FTE values (hundredths, 0.01..1.0) summing to ``total`` (clamped to what is possible).

    Most values are 1.0 with some part-timers; when the mean is below 0.5 the total is shared evenly.
    """
    if count <= 0:
        return []
    target = min(max(round(total * 100), count), count * 100)
    if target < 50 * count:
        base, extra = divmod(target, count)
        values = [base + (1 if i < extra else 0) for i in range(count)]
        rng.shuffle(values)
        return [v / 100 for v in values]
    values = [100] * count
    deficit = count * 100 - target
    cuts = (50, 40, 20, 60, 10, 30, 25, 15)
    while deficit > 0:
        full = [i for i, v in enumerate(values) if v == 100] or [i for i, v in enumerate(values) if v > 10]
        i = rng.choice(full)
        cut = min(rng.choice(cuts), deficit, values[i] - 10)
        values[i] -= cut
        deficit -= cut
    return [v / 100 for v in values]


def _plan_counts(targets: Targets, rng: random.Random) -> dict[str, int]:
    starters, leavers, inpost = targets.starters_headcount, targets.leavers_headcount, targets.inpost_headcount
    both = max(1, round(0.08 * min(starters, leavers))) if min(starters, leavers) >= 2 else 0
    both = min(max(both, starters - inpost), starters, leavers)
    stayers = max(0, inpost - (starters - both))
    agency = targets.agency_headcount
    agency_leavers = (1 + int(rng.random() < 0.4)) if agency >= 3 else int(rng.random() < 0.3)
    second_post = int(stayers >= 20 and rng.random() < 0.5)
    extra_fte = max(0.0, targets.inpost_fte - inpost)
    return {
        "stayer": stayers, "starter": starters - both, "starter_leaver": both, "leaver": leavers - both,
        "second_post": second_post, "agency": agency, "agency_leaver": agency_leavers,
        "extra_post": min(stayers - second_post, math.ceil(extra_fte / EXTRA_POST_FTE)),
    }


def _make_records(counts: dict[str, int], factory: _PersonFactory, rng: random.Random,
                  calendar: _Calendar) -> list[_Record]:
    records: list[_Record] = []
    for kind in ("stayer", "starter", "starter_leaver", "leaver", "agency", "agency_leaver"):
        for _ in range(counts[kind]):
            origin = _pick(rng, START_ORIGIN_WEIGHTS) if kind in ("starter", "starter_leaver") else None
            person = factory.make(newly_qualified=origin == 1)
            record = _Record(kind=kind, person=person, start=calendar.start, start_origin=origin)
            _set_dates(record, rng, calendar)
            records.append(record)
    stayers = _of_kind(records, "stayer")
    holders = rng.sample(stayers, counts["second_post"] + counts["extra_post"])
    for i, first in enumerate(holders):
        fte = SECOND_POST_FTE if i < counts["second_post"] else EXTRA_POST_FTE
        records.append(_second_post(first, fte, rng, calendar))
    return records


def _set_dates(record: _Record, rng: random.Random, calendar: _Calendar) -> None:
    start, reference = calendar.start, calendar.reference
    if record.kind in ("stayer", "leaver"):
        age_years = (reference - record.person.birth_date).days / 365.25
        tenure_years = min(rng.expovariate(1 / 6), max(age_years - 23, 0.1))
        record.start = start - timedelta(days=1 + int(tenure_years * 365.25))
    elif record.kind == "starter":
        record.start = _day_between(rng, start, reference)
    elif record.kind in ("starter_leaver", "agency_leaver"):
        record.start = _day_between(rng, start, reference - timedelta(days=60))
    elif record.kind == "agency":
        record.start = reference - timedelta(days=rng.randint(0, 3 * 365))
    if record.kind == "leaver":
        record.end = _day_between(rng, start, reference)
    elif record.kind == "starter_leaver":
        record.end = _day_between(rng, record.start + timedelta(days=30), reference)
    elif record.kind == "agency_leaver":
        record.end = _day_between(rng, record.start + timedelta(days=30), reference - timedelta(days=1))


def _second_post(first: _Record, fte: float, rng: random.Random, calendar: _Calendar) -> _Record:
    """A second in-post record of a longer-serving worker: same person, started before the year."""
    start = _day_between(rng, first.start, calendar.start - timedelta(days=1))
    return _Record(kind="second_post", person=first.person, start=start, fte=fte, fte30=fte, org_role=6)


def _of_kind(records: list[_Record], *kinds: str) -> list[_Record]:
    return [r for r in records if r.kind in kinds]


def _assign_fte(records: list[_Record], targets: Targets, rng: random.Random) -> None:
    _assign_starter_fte(records, targets, rng)
    both_fte = sum(r.fte for r in _of_kind(records, "starter_leaver"))
    leavers = _of_kind(records, "leaver")
    for record, fte in zip(leavers, split_fte(rng, len(leavers), targets.leavers_fte - both_fte), strict=True):
        record.fte = fte
    fixed = sum(r.fte_at_r for r in _of_kind(records, "starter", "second_post"))
    stayers = _of_kind(records, "stayer")
    for record, fte in zip(stayers, split_fte(rng, len(stayers), targets.inpost_fte - fixed), strict=True):
        record.fte30 = fte
        record.fte = _contracted_fte(fte, rng)
    _raise_starters_fte30(_of_kind(records, "starter"), targets.inpost_fte - fixed - len(stayers))
    agency = _of_kind(records, "agency")
    for record, fte in zip(agency, split_fte(rng, len(agency), targets.agency_fte), strict=True):
        record.fte, record.fte30 = fte, fte
    for record in _of_kind(records, "agency_leaver"):
        record.fte = rng.choice((1.0, 1.0, 0.8))


def _assign_starter_fte(records: list[_Record], targets: Targets, rng: random.Random) -> None:
    """Split starters' FTE; the starter-leavers get the values nearest the leavers' mean FTE."""
    starters = _of_kind(records, "starter", "starter_leaver")
    values = split_fte(rng, len(starters), targets.starters_fte)
    leavers_mean = targets.leavers_fte / targets.leavers_headcount if targets.leavers_headcount else 1.0
    both = _of_kind(records, "starter_leaver")
    nearest = sorted(range(len(values)), key=lambda i: (abs(values[i] - leavers_mean), i))[:len(both)]
    ordered = [values[i] for i in nearest] + [v for i, v in enumerate(values) if i not in set(nearest)]
    for record, fte in zip(both + _of_kind(records, "starter"), ordered, strict=True):
        record.fte = fte
        record.fte30 = fte if record.kind == "starter" else None


def _raise_starters_fte30(starters: list[_Record], surplus: float) -> None:
    """If the longer-serving staff cannot carry the in-post FTE, starters' hours rose by 30 Sep."""
    for record in starters:
        if surplus <= 0.005:
            return
        rise = min(round(1.0 - record.fte, 2), round(surplus, 2))
        record.fte30 = round(record.fte + rise, 2)
        surplus -= rise


def _contracted_fte(fte30: float, rng: random.Random) -> float:
    """Mostly the FTE at R; for ~4% of staff their hours changed during the year."""
    if rng.random() >= 0.04:
        return fte30
    return round(max(0.1, fte30 - 0.2), 2) if fte30 >= 0.6 else round(min(1.0, fte30 + 0.2), 2)


def _drop_some_fte30(records: list[_Record], rng: random.Random) -> None:
    """~4% of records at R omit FTE30 where it equals FTE (FTE at R falls back to FTE)."""
    for record in records:
        if record.at_reference and record.fte30 == record.fte and rng.random() < 0.04:
            record.fte30 = None


def _assign_absence(records: list[_Record], rng: random.Random) -> None:
    stayers = _of_kind(records, "stayer")
    count = max(1, round(0.03 * len(stayers))) if len(stayers) >= 10 else 0
    for record in rng.sample(stayers, count):
        record.absent_reason = _pick(rng, REASON_ABSENCE_WEIGHTS)


def _select_case_holders(records: list[_Record], target_fte: float, rng: random.Random) -> None:
    newly_qualified = [r for r in records if r.first_year]
    agency = _of_kind(records, "agency")
    rng.shuffle(agency)
    cut = round(0.9 * len(agency))
    others = [r for r in records if r.kind in ("stayer", "starter") and not r.first_year
              and r.absent_reason is None]
    rng.shuffle(others)
    candidates = newly_qualified + agency[:cut] + others + agency[cut:]
    total = 0.0
    for record in candidates:
        if total + record.fte_at_r <= target_fte + 0.005:
            record.case_holder = True
            total += record.fte_at_r
    _close_case_holder_gap(candidates, target_fte - total)


def _close_case_holder_gap(candidates: list[_Record], gap: float) -> None:
    """Swap one holder for one non-holder whose FTE is larger by as close to the gap as possible."""
    if gap < 0.05:
        return
    held = {r.fte_at_r: r for r in reversed(candidates) if r.case_holder}
    free = {r.fte_at_r: r for r in reversed(candidates) if not r.case_holder}
    best = min(((gap - (b - a), a, b) for a in held for b in free if 0 < b - a <= gap + 0.005),
               default=None, key=lambda t: abs(t[0]))
    if best is not None and abs(best[0]) < gap:
        held[best[1]].case_holder, free[best[2]].case_holder = False, True


def _assign_roles(records: list[_Record], rng: random.Random) -> None:
    for record in records:
        if record.kind == "second_post":
            continue
        if record.case_holder:
            record.org_role = 5 if record.first_year else _pick(rng, CASE_HOLDER_ROLES)
        elif record.kind == "agency":
            record.org_role = _pick(rng, OTHER_AGENCY_ROLES)
        elif record.at_reference:
            record.org_role = _pick(rng, OTHER_INPOST_ROLES)
        else:
            record.org_role = _pick(rng, LEAVER_ROLES)


def distribute_cases(rng: random.Random, weights: list[float], total: int, cap: int = MAX_CASES) -> list[int]:
    """Whole numbers >= 1 proportional to ``weights`` x gamma noise, summing exactly to ``total``.

    Needs ``len(weights) <= total``; the cap is raised if ``total`` could not fit under it.
    """
    count = len(weights)
    if count == 0:
        return []
    cap = max(cap, -(-total // count))
    noisy = [w * rng.gammavariate(8.0, 1 / 8.0) for w in weights]
    scale = total / sum(noisy) if sum(noisy) else 0.0
    cases = [min(cap, max(1, round(x * scale))) for x in noisy]
    remaining = total - sum(cases)
    while remaining:
        step = 1 if remaining > 0 else -1
        i = rng.randrange(count)
        if 1 <= cases[i] + step <= cap:
            cases[i] += step
            remaining -= step
    return cases


def _assign_cases(records: list[_Record], total: int, rng: random.Random) -> None:
    holders = [r for r in records if r.case_holder]
    if len(holders) > total:  # fewer cases than holders: the extra holders hold none
        for record in holders[total:]:
            record.case_holder = False
            record.org_role = 4 if record.org_role == 5 else record.org_role
        holders = holders[:total]
    weights = [r.fte_at_r * (FIRST_YEAR_CASELOAD_FACTOR if r.first_year else 1.0) for r in holders]
    for record, cases in zip(holders, distribute_cases(rng, weights, total), strict=True):
        record.cases = cases
    for record in records:
        if record.at_reference and not record.case_holder:
            record.cases = 0


def distribute_working_days_lost(rng: random.Random, ftes: list[float], boosts: list[bool],
                                 total: float) -> list[float]:
    """Days lost per record (2 dp, 0..250) such that sum(days x FTE) is ``total`` (to rounding)."""
    raw = [(0.0 if rng.random() < 0.45 else rng.lognormvariate(1.6, 1.1)) + (40.0 if boost else 0.0)
           for boost in boosts]
    weighted = sum(d * f for d, f in zip(raw, ftes, strict=True))
    if total <= 0 or weighted <= 0:
        return [0.0] * len(ftes)
    days = [min(MAX_WORKING_DAYS_LOST, round(d * total / weighted, 2)) for d in raw]
    order = sorted(range(len(days)), key=lambda i: -ftes[i])
    for i in order:  # put the rounding and capping residual on the fullest-time records
        residual = total - sum(d * f for d, f in zip(days, ftes, strict=True))
        if abs(residual) < 0.005 or ftes[i] <= 0:
            break
        days[i] = round(min(MAX_WORKING_DAYS_LOST, max(0.0, days[i] + residual / ftes[i])), 2)
    return days


def _assign_working_days_lost(records: list[_Record], total: float, rng: random.Random) -> None:
    staff = [r for r in records if not r.agency]
    days = distribute_working_days_lost(rng, [r.fte for r in staff],
                                        [r.absent_reason == "SIC" for r in staff], total)
    for record, value in zip(staff, days, strict=True):
        record.wdl = value


def _assign_flows(records: list[_Record], rng: random.Random) -> None:
    for record in records:
        if record.kind in ("leaver", "starter_leaver"):
            record.reason_leave = _pick(rng, REASON_LEAVE_WEIGHTS)
            record.destination = _pick(rng, DESTINATION_WEIGHTS)


def _assign_pay_and_status(records: list[_Record], rng: random.Random) -> None:
    for record in records:
        if record.agency:
            continue
        role = record.org_role or 6
        low, high = SALARY_RANGES[role]
        record.extras["BaseSalary"] = float(round(rng.uniform(low, high) * record.fte))
        record.extras["RRPayments"] = float(rng.choice((500, 1000, 2000, 3000))) if rng.random() < 0.3 else 0.0
        record.extras["OtherPayments"] = float(rng.randint(100, 1500)) if rng.random() < 0.2 else 0.0
        record.extras["ContractWeeks"] = 39.0 if rng.random() < 0.03 else 52.0
        record.extras["CFKSSstatus"] = _cfkss_status(record, rng)


def _cfkss_status(record: _Record, rng: random.Random) -> int | None:
    if record.first_year:
        return 1
    chance = {5: (2, 0.3), 4: (2, 0.4), 3: (3, 0.5), 2: (4, 0.3)}.get(record.org_role or 0)
    return chance[0] if chance and rng.random() < chance[1] else None


def _worker_items(record: _Record) -> dict[str, object]:
    """The record as CSWW worker items (both gender items: the writer keeps the year's one)."""
    person = record.person
    agency = record.agency
    at_reference = record.at_reference
    absent = record.absent_reason is not None
    items: dict[str, object] = {
        "AgencyWorker": int(agency), "SWENo": person.sweno, "FTE": record.fte,
        "PersonBirthDate": person.birth_date, "GenderCurrent": person.gender_current, "Sex": person.sex,
        "Ethnicity": person.ethnicity,
        "QualInst": None if agency else person.qual_inst,
        "QualLevel": None if agency else person.qual_level,
        "StepUpGrad": None if agency else person.step_up,
        "FrontlineGrad": None if agency else person.frontline,
        "OrgRole": record.org_role, "RoleStartDate": record.start, "RoleEndDate": record.end,
        "StartOrigin": record.start_origin, "LeaverDestination": record.destination,
        "ReasonLeave": record.reason_leave,
        "FTE30": record.fte30 if at_reference else None,
        "Cases30": record.cases, "WorkingDaysLost": record.wdl,
        "Absat30Sept": int(absent) if at_reference and not agency else None,
        "ReasonAbsence": record.absent_reason,
    }
    items.update(record.extras)
    return items


def _la_level(targets: Targets, rng: random.Random) -> dict[str, object]:
    per_head = targets.agency_fte / targets.agency_headcount if targets.agency_headcount else 1.0
    cover_headcount = round(targets.agency_cover_fte / per_head) if per_head else 0
    if targets.agency_cover_fte > 0:
        cover_headcount = max(1, cover_headcount)
    items: dict[str, object] = {
        "NumberOfVacancies": targets.vacancy_fte, "NoAgencyFTE": targets.agency_cover_fte,
        "NoAgencyHeadcount": cover_headcount,
    }
    for item, weights in PAY_ITEM_WEIGHTS.items():
        items[item] = _pick(rng, weights)
    items["OtherAllowances"] = rng.choice(OTHER_ALLOWANCES)
    return items


def build_la_return(
    old_la_code: str, year: int, *, seed: int = 2025, seeds_dir: Path = SEEDS_DIR,
    peers: Sequence[str] | None = None, targets: Targets | None = None,
) -> LaReturn:
    """Generate (without writing) one LA's return for ``year``, calibrated to its published figures.

    ``peers`` are the LAs used for symbol fallbacks (default: the LA's alliance); ``targets`` overrides
    the published targets altogether.
    """
    lea = old_la_code.split("/")[0].strip()
    if targets is None:
        peers = peers if peers is not None else _alliance_peers(old_la_code, seeds_dir)
        targets = resolve_targets(load_published(seeds_dir), old_la_code, year, peers,
                                  load_published_regions(seeds_dir))
    rng = random.Random(f"{seed}|{lea}|{year}")
    calendar = _Calendar(year)
    counts = _plan_counts(targets, rng)
    factory = _PersonFactory(rng, lea, calendar, sum(counts.values()))
    records = _make_records(counts, factory, rng, calendar)
    _assign_fte(records, targets, rng)
    _drop_some_fte30(records, rng)
    _assign_absence(records, rng)
    _select_case_holders(records, targets.case_holders_fte, rng)
    _assign_roles(records, rng)
    _assign_cases(records, targets.cases, rng)
    _assign_working_days_lost(records, targets.working_days_lost_fte, rng)
    _assign_flows(records, rng)
    _assign_pay_and_status(records, rng)
    rng.shuffle(records)
    workers = [_worker_items(r) for r in records]
    return LaReturn(lea=lea, year=year, workers=workers, la_level=_la_level(targets, rng), targets=targets)


def _alliance_peers(old_la_code: str, seeds_dir: Path) -> list[str]:
    rows = alliance_membership(seeds_dir / "reference")
    alliance = next((m.alliance_code for m in rows if m.old_la_code == old_la_code), None)
    return [m.old_la_code for m in rows if m.alliance_code == alliance]


def output_name(la: LocalAuthority | str, year: int) -> str:
    """File name of a generated return: ``csww_<old_la_code>_<year>.xml`` (first code of a joint unit)."""
    lea = la.lea if isinstance(la, LocalAuthority) else la.split("/")[0].strip()
    return f"csww_{lea}_{year}.xml"


def region_targets(
    alliance_code: str = "E12000001", years: Iterable[int] = (2024, 2025), *, seeds_dir: Path = SEEDS_DIR,
) -> dict[tuple[LocalAuthority, int], Targets]:
    """Calibration targets of every LA of the alliance in each year it existed (ref first..last year)."""
    members = region_members(alliance_code, seeds_dir)
    peers = [la.old_la_code for la in members]
    published = load_published(seeds_dir)
    regions = load_published_regions(seeds_dir)
    return {(la, year): resolve_targets(published, la.old_la_code, year, peers, regions)
            for la in members for year in years if la.active_in(year)}


def generate_region(
    alliance_code: str = "E12000001",
    years: Iterable[int] = (2024, 2025),
    *,
    out_dir: Path | str,
    seed: int = 2025,
    seeds_dir: Path = SEEDS_DIR,
) -> list[Path]:
    """Write one calibrated CSWW return per LA of the alliance and year; return the paths written.

    An LA outside its years of existence (ref_local_authorities first_year..last_year) is skipped.
    """
    out = Path(out_dir)
    paths: list[Path] = []
    for (la, year), targets in region_targets(alliance_code, years, seeds_dir=seeds_dir).items():
        generated = build_la_return(la.old_la_code, year, seed=seed, seeds_dir=seeds_dir, targets=targets)
        paths.append(write_csww_xml(
            out / output_name(la, year), lea=generated.lea, year=year, workers=generated.workers,
            la_level=generated.la_level, software_code=SOFTWARE_CODE))
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demodata.region", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write csww_<la>_<year>.xml files into")
    parser.add_argument("--region", default="E12000001", help="alliance (region) code, default North East")
    parser.add_argument("--years", type=int, nargs="+", default=[2024, 2025])
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    paths = generate_region(args.region, args.years, out_dir=args.out_dir, seed=args.seed)
    for path in paths:
        print(path)
    for (la, year), targets in region_targets(args.region, args.years).items():
        for note in targets.notes:
            print(f"note: {la.la_name} {year}: {note}")
    print(f"{len(paths)} files written to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
