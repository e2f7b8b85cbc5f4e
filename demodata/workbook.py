"""Seeded demonstration R2 workbooks: the regional workforce return that goes with a generated CSWW return.

For one LA and census year, :func:`build_la_workbook` writes the official template
(``validation.workbook_template.write_template``) and fills it in as the LA would, from the same worker
records the LA's CSWW census XML holds (``demodata.region.build_la_return``):

- **Summary**: every component computed from the worker records exactly as the warehouse computes it
  (``definitions.md``, ``int_csww__la_components``): in post, starters, leavers and agency at 30 September
  (FTE and headcount, a second post counted once), case holders' FTE and cases, working days lost x FTE,
  and the LALevel vacancy and agency cover FTE. Where both returns arrive the CSWW return wins, and since the
  two agree (to rounding, far below RWR040's 0.05) no RWR040 warning is raised.
- **Teams**: the case holders' FTE split over the seven team types (FTE shares with noise, in hundredths,
  summing exactly to the Summary's ``case_holders_fte``); the cases allocated in proportion to FTE x a
  per-team intensity (summing exactly to ``cases``), so that each LA has a few teams above their team-type
  limit (seed ``team_type_limits``); the children split by kind as the team type suggests (children in care
  teams mostly looked after, care leavers teams mostly care leavers, children in proceedings a share of those
  on a plan or looked after); the first-year case holders' FTE (from the records), vacancies and agency FTE
  split over the teams.
- **NonSW**: the six non-social-worker roles with 30-40% of the social worker FTE (in post + agency) between
  them, headcounts at least the FTE, and plausible agency, vacancy, leaver and absence figures.

Every figure keeps the R2 rules (non-negative, FTE no larger than headcount, child counts whole, a part no
larger than its whole). Deterministic to the byte: each LA and year has its own ``random.Random`` seeded from
(seed, LA, year), and the file's times are 15 October of the census year, 09:00 (as the CSWW returns'
``DateTime``), never the clock.

Use:

- :func:`build_la_workbook` (bytes) / :func:`write_la_workbook` (a file) for one LA and year, given its
  worker records and LALevel items (a ``LaReturn``'s ``workers`` and ``la_level``);
- :func:`generate_region_workbooks` for every LA of an alliance (what ``workforce demo`` does);
- :func:`summary_from_workers`, :func:`team_rows`, :func:`non_sw_rows` for the figures alone.

Command line: ``python -m demodata.workbook OUT_DIR [--region E12000001] [--years 2024 2025] [--seed N]``.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from demodata.region import LaReturn, build_la_return, region_targets
from reference.paths import SEEDS_DIR
from validation.schemas.workbook import NON_SW, NON_SW_ROLES, SUMMARY, SUMMARY_COLUMNS, TEAM_TYPES, TEAMS
from validation.workbook_template import write_template

Workers = Sequence[Mapping[str, object]]

# Share of the case holders' FTE by team type (before noise), and how many cases per FTE a team of that type
# holds relative to the LA's average (a range: drawn per LA and year). Team-type limits are 20-25 and the
# LAs' caseloads about 14-19, so the upper ends put a few long-term, children in care and assessment teams
# above their limit.
TEAM_FTE_SHARES: dict[str, float] = {"front_door": 0.10, "assessment": 0.22, "long_term": 0.30,
                                     "children_in_care": 0.18, "care_leavers": 0.08, "disabled_children": 0.07,
                                     "other": 0.05}
TEAM_INTENSITY: dict[str, tuple[float, float]] = {
    "front_door": (0.8, 1.5), "assessment": (0.9, 1.4), "long_term": (1.05, 1.45),
    "children_in_care": (0.95, 1.35), "care_leavers": (1.0, 1.5), "disabled_children": (0.5, 0.8),
    "other": (0.4, 0.7),
}
# The children a team of each type works with, by kind: (children in need, on a plan, looked after,
# care leavers), before noise; and the share of those on a plan or looked after who are in proceedings.
TEAM_CHILD_MIX: dict[str, tuple[float, float, float, float]] = {
    "front_door": (0.88, 0.12, 0.0, 0.0), "assessment": (0.72, 0.25, 0.03, 0.0),
    "long_term": (0.42, 0.46, 0.12, 0.0), "children_in_care": (0.0, 0.04, 0.96, 0.0),
    "care_leavers": (0.0, 0.0, 0.12, 0.88), "disabled_children": (0.66, 0.12, 0.22, 0.0),
    "other": (0.55, 0.2, 0.2, 0.05),
}
TEAM_PROCEEDINGS_SHARE: dict[str, tuple[float, float]] = {
    "front_door": (0.0, 0.0), "assessment": (0.02, 0.06), "long_term": (0.12, 0.25),
    "children_in_care": (0.08, 0.18), "care_leavers": (0.0, 0.0), "disabled_children": (0.02, 0.08),
    "other": (0.02, 0.1),
}
# Where first-year social workers work, relative to a team's FTE.
TEAM_FIRST_YEAR_WEIGHT: dict[str, float] = {"front_door": 0.6, "assessment": 1.6, "long_term": 1.4,
                                            "children_in_care": 0.8, "care_leavers": 0.3,
                                            "disabled_children": 0.4, "other": 0.3}
# Non-social-worker roles: share of the non-SW FTE (before noise), and the mean FTE per person.
NON_SW_SHARES: dict[str, float] = {"family_support_worker": 0.34, "social_work_assistant": 0.12,
                                   "personal_adviser": 0.12, "early_help_practitioner": 0.15,
                                   "business_support": 0.22, "other": 0.05}
NON_SW_FTE_PER_PERSON: dict[str, float] = {"family_support_worker": 0.9, "social_work_assistant": 0.92,
                                           "personal_adviser": 0.95, "early_help_practitioner": 0.88,
                                           "business_support": 0.8, "other": 0.85}
NON_SW_RATIO = (0.30, 0.40)  # non-SW FTE per social worker FTE (in post + agency at 30 September)


# --------------------------------------------------------------------------------------------------
# Summary: the components of the worker records


def _fte_at_reference(worker: Mapping[str, object]) -> float | None:
    value = worker.get("FTE30")
    return float(value) if value is not None else (float(worker["FTE"]) if worker.get("FTE") is not None else None)


def _headcount_key(worker: Mapping[str, object]) -> tuple:
    """The person behind a record, as the warehouse counts heads (registration, birth month, sex, ethnicity)."""
    birth = worker.get("PersonBirthDate")
    month = (birth.year, birth.month) if isinstance(birth, date) else None
    return (worker.get("SWENo"), month, worker.get("Sex"), worker.get("GenderCurrent"), worker.get("Ethnicity"))


def classify(worker: Mapping[str, object], year: int) -> dict[str, bool]:
    """The record's flags for census year ``year`` (definitions.md, "Classifying a CSWW worker record")."""
    start, reference = date(year - 1, 10, 1), date(year, 9, 30)
    agency = worker.get("AgencyWorker") == 1
    begun, ended = worker.get("RoleStartDate"), worker.get("RoleEndDate")
    open_at_reference = ended is None or ended > reference  # type: ignore[operator]
    in_post = not agency and begun is not None and begun <= reference and open_at_reference  # type: ignore[operator]
    agency_at_reference = agency and open_at_reference
    cases = worker.get("Cases30")
    return {
        "agency": agency,
        "starter": not agency and begun is not None and start <= begun <= reference,  # type: ignore[operator]
        "leaver": not agency and ended is not None and start <= ended <= reference,  # type: ignore[operator]
        "in_post": in_post,
        "agency_at_reference": agency_at_reference,
        "case_holder": (in_post or agency_at_reference) and isinstance(cases, int) and cases > 0,
        "first_year": worker.get("StartOrigin") == 1 and begun is not None
        and start <= begun <= reference,  # type: ignore[operator]
    }


def summary_from_workers(workers: Workers, la_level: Mapping[str, object], year: int) -> dict[str, float | None]:
    """The Summary row the LA's CSWW return implies: every component as the warehouse computes it.

    FTEs and days are rounded to 2 decimals (the template's precision); counts are whole. ``agency_cover_fte``
    and ``vacancy_fte`` come from the LALevel items (None where the return has none).
    """
    totals = dict.fromkeys(("inpost_fte", "starters_fte", "leavers_fte", "agency_fte", "case_holders_fte",
                            "cases", "working_days_lost_fte", "agency_headcount"), 0.0)
    inpost, starters, leavers = set(), set(), set()
    for worker in workers:
        flags = classify(worker, year)
        at_reference = _fte_at_reference(worker) or 0.0
        fte = float(worker["FTE"]) if worker.get("FTE") is not None else 0.0
        if flags["in_post"]:
            totals["inpost_fte"] += at_reference
            inpost.add(_headcount_key(worker))
        if flags["starter"]:
            totals["starters_fte"] += fte
            starters.add((_headcount_key(worker), worker.get("RoleStartDate")))
        if flags["leaver"]:
            totals["leavers_fte"] += fte
            leavers.add((_headcount_key(worker), worker.get("RoleEndDate")))
        if flags["agency_at_reference"]:
            totals["agency_fte"] += at_reference
            totals["agency_headcount"] += 1
        if flags["case_holder"]:
            totals["case_holders_fte"] += at_reference
            totals["cases"] += int(worker["Cases30"])  # type: ignore[arg-type]
        if (flags["in_post"] or flags["leaver"]) and worker.get("WorkingDaysLost") is not None:
            totals["working_days_lost_fte"] += float(worker["WorkingDaysLost"]) * fte  # type: ignore[arg-type]
    vacancies, cover = la_level.get("NumberOfVacancies"), la_level.get("NoAgencyFTE")
    summary: dict[str, float | None] = {
        "inpost_fte": totals["inpost_fte"], "inpost_headcount": len(inpost),
        "starters_fte": totals["starters_fte"], "starters_headcount": len(starters),
        "leavers_fte": totals["leavers_fte"], "leavers_headcount": len(leavers),
        "agency_fte": totals["agency_fte"], "agency_headcount": totals["agency_headcount"],
        "agency_cover_fte": float(cover) if cover is not None else None,  # type: ignore[arg-type]
        "vacancy_fte": float(vacancies) if vacancies is not None else None,  # type: ignore[arg-type]
        "case_holders_fte": totals["case_holders_fte"], "cases": totals["cases"],
        "working_days_lost_fte": totals["working_days_lost_fte"],
    }
    return {column: _tidy(column, summary[column]) for column in SUMMARY_COLUMNS}


def _tidy(column: str, value: float | None) -> float | int | None:
    if value is None:
        return None
    if column.endswith("headcount") or column == "cases":
        return int(round(value))
    return round(value + 0.0, 2)


# --------------------------------------------------------------------------------------------------
# Splitting a total exactly


def split_total(total: float, weights: Sequence[float], step: float = 0.01) -> list[float]:
    """``total`` split in proportion to ``weights`` in units of ``step`` (largest remainder), summing exactly.

    With ``step`` 1 the parts are whole numbers (returned as floats; cast where a count is meant).
    """
    units = int(round(total / step))
    weight_sum = sum(weights)
    if units <= 0 or weight_sum <= 0:
        return [0.0] * len(weights)
    exact = [units * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))[: units - sum(parts)]:
        parts[i] += 1
    return [round(p * step, 2) for p in parts]


def _noisy(rng: random.Random, shares: Mapping[str, float], spread: float = 0.25) -> dict[str, float]:
    return {key: share * rng.uniform(1 - spread, 1 + spread) for key, share in shares.items()}


# --------------------------------------------------------------------------------------------------
# Teams and NonSW


def team_rows(summary: Mapping[str, float | None], workers: Workers, year: int,
              rng: random.Random) -> list[dict[str, object]]:
    """One Teams row per team type (template order) for an LA whose Summary is ``summary``.

    Case holders' FTE and cases sum exactly to the Summary's; first-year case holders' FTE to that of the
    records (StartOrigin 1, started in the census year, holding cases); vacancies and agency FTE to the
    Summary's. Each team's first-year FTE is at most its case holders' FTE.
    """
    fte_weights = _noisy(rng, TEAM_FTE_SHARES)
    holders = split_total(float(summary["case_holders_fte"] or 0.0), [fte_weights[t] for t in TEAM_TYPES])
    team_fte = dict(zip(TEAM_TYPES, holders, strict=True))
    intensity = {t: rng.uniform(*TEAM_INTENSITY[t]) for t in TEAM_TYPES}
    cases = split_total(float(summary["cases"] or 0), [team_fte[t] * intensity[t] for t in TEAM_TYPES], step=1)
    first_year_fte = sum(_fte_at_reference(w) or 0.0 for w in workers
                         if (flags := classify(w, year))["case_holder"] and flags["first_year"])
    first_year = capped_split(first_year_fte, team_fte, TEAM_FIRST_YEAR_WEIGHT)
    vacancies = split_total(float(summary["vacancy_fte"] or 0.0), [team_fte[t] + 0.01 for t in TEAM_TYPES])
    agency = split_total(float(summary["agency_fte"] or 0.0), [team_fte[t] + 0.01 for t in TEAM_TYPES])
    rows = []
    for index, team_type in enumerate(TEAM_TYPES):
        allocated = int(cases[index])
        cin, cp, cla, care_leavers = (int(n) for n in split_total(
            allocated, [share * rng.uniform(0.85, 1.15) for share in TEAM_CHILD_MIX[team_type]], step=1))
        proceedings = round((cp + cla) * rng.uniform(*TEAM_PROCEEDINGS_SHARE[team_type]))
        rows.append({
            "team_type": team_type, "case_holders_fte": team_fte[team_type],
            "nqsw_case_holders_fte": first_year[team_type], "children_allocated": allocated,
            "children_cin": cin, "children_cp": cp, "children_cla": cla, "children_care_leavers": care_leavers,
            "children_in_proceedings": proceedings, "vacancy_fte": vacancies[index], "agency_fte": agency[index],
        })
    return rows


def capped_split(total: float, capacity: Mapping[str, float], weights: Mapping[str, float]) -> dict[str, float]:
    """``total`` (hundredths) over the teams by ``weights`` x capacity, no team above its capacity."""
    remaining = round(min(total, sum(capacity.values())), 2)
    parts = dict.fromkeys(capacity, 0.0)
    while remaining >= 0.005:
        open_teams = [t for t in capacity if capacity[t] - parts[t] >= 0.005]
        shares = split_total(remaining, [weights[t] * (capacity[t] - parts[t]) for t in open_teams])
        placed = 0.0
        for team, share in zip(open_teams, shares, strict=True):
            add = round(min(share, capacity[team] - parts[team]), 2)
            parts[team] = round(parts[team] + add, 2)
            placed += add
        remaining = round(remaining - placed, 2)
        if placed < 0.005:
            break
    return parts


def non_sw_rows(summary: Mapping[str, float | None], rng: random.Random) -> list[dict[str, object]]:
    """One NonSW row per role (template order): 30-40% of the social worker FTE between them."""
    social_workers = float(summary["inpost_fte"] or 0.0) + float(summary["agency_fte"] or 0.0)
    total = social_workers * rng.uniform(*NON_SW_RATIO)
    weights = _noisy(rng, NON_SW_SHARES)
    ftes = split_total(total, [weights[role] for role in NON_SW_ROLES], step=0.1)
    rows = []
    for role, fte in zip(NON_SW_ROLES, ftes, strict=True):
        per_person = NON_SW_FTE_PER_PERSON[role] * rng.uniform(0.95, 1.05)
        headcount = max(int(-(-fte // 1)), round(fte / per_person)) if fte > 0 else 0
        rows.append({
            "role": role, "headcount": headcount, "fte": fte,
            "agency_fte": round(fte * rng.uniform(0.0, 0.08), 1),
            "vacancy_fte": round(fte * rng.uniform(0.03, 0.12), 1),
            "leavers_fte": round(fte * rng.uniform(0.06, 0.16), 1),
            "working_days_lost_fte": round(fte * rng.uniform(5.0, 12.0), 1),
        })
    return rows


# --------------------------------------------------------------------------------------------------
# Writing the workbook


def workbook_rng(old_la_code: str, year: int, seed: int = 2025) -> random.Random:
    """The generator's random source for one LA and year (independent of every other LA and year)."""
    return random.Random(f"{seed}|r2|{old_la_code.split('/')[0].strip()}|{year}")


def la_sheets(old_la_code: str, year: int, workers: Workers, la_level: Mapping[str, object], *,
              rng: random.Random | None = None, seed: int = 2025
              ) -> tuple[dict[str, float | None], list[dict[str, object]], list[dict[str, object]]]:
    """The annual Summary, Teams and NonSW rows of one LA and census year, as :func:`build_la_workbook`
    writes them (the same random draws: the quarterly and diary generators use them too)."""
    lea = old_la_code.split("/")[0].strip()
    rng = rng if rng is not None else workbook_rng(lea, year, seed)
    summary = summary_from_workers(workers, la_level, year)
    teams = team_rows(summary, workers, year, rng)
    non_sw = non_sw_rows(summary, rng)
    return summary, teams, non_sw


def build_la_workbook(old_la_code: str, year: int, workers: Workers, la_level: Mapping[str, object], *,
                      rng: random.Random | None = None, seed: int = 2025) -> bytes:
    """The filled annual R2 workbook (.xlsx bytes) of one LA and census year.

    ``old_la_code`` is the 3-digit code the return is written under (the first code of a joint unit);
    ``workers`` and ``la_level`` are the LA's CSWW worker records and LALevel items as
    ``demodata.region.build_la_return`` makes them (``LaReturn.workers``, ``LaReturn.la_level``): the
    Summary is computed from them, Teams and NonSW are drawn around it with ``rng`` (default
    :func:`workbook_rng` of ``seed``). The LA must be in the reference seed for ``year`` (its name is
    looked up there).
    """
    summary, teams, non_sw = la_sheets(old_la_code, year, workers, la_level, rng=rng, seed=seed)
    return filled_workbook(old_la_code, year, summary, teams, non_sw)


def filled_workbook(old_la_code: str, year: int, summary: Mapping[str, object] | None,
                    teams: Sequence[Mapping[str, object]], non_sw: Sequence[Mapping[str, object]], *,
                    quarterly_period_end: date | None = None) -> bytes:
    """The R2 template of one LA and census year (a quarterly one for ``quarterly_period_end``) with these
    rows typed in, as reproducible .xlsx bytes (its times are 15 October of the census year, 09:00, or 15 days
    after the quarter end)."""
    lea = old_la_code.split("/")[0].strip()
    with tempfile.TemporaryDirectory() as folder:
        template = write_template(Path(folder) / "template.xlsx", lea, year,
                                  quarterly_period_end=quarterly_period_end)
        book = openpyxl.load_workbook(template)
    if summary is not None:
        _fill(book[SUMMARY.name], list(SUMMARY.columns), [summary])
    _fill(book[TEAMS.name], list(TEAMS.columns), teams)
    _fill(book[NON_SW.name], list(NON_SW.columns), non_sw)
    if quarterly_period_end is None:
        stamp = datetime(year, 10, 15, 9, 0, 0)  # as the CSWW returns' DateTime: nothing reads the clock
    else:
        stamp = datetime.combine(quarterly_period_end + timedelta(days=15), datetime.min.time()).replace(hour=9)
    return saved_xlsx(book, stamp)


def saved_xlsx(book: openpyxl.Workbook, stamp: datetime) -> bytes:
    """An openpyxl workbook saved as reproducible bytes: created at ``stamp`` (see :func:`reproducible_xlsx`)."""
    book.properties.created = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_xlsx(buffer.getvalue(), stamp)


def reproducible_xlsx(data: bytes, stamp: datetime) -> bytes:
    """The same workbook with every clock reading replaced by ``stamp`` (the zip members' times and the
    document's modified time, which openpyxl sets on saving), so the same figures give the same bytes (and the
    same archive checksum)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                                 rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), content)
            member = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, content)
    return out.getvalue()


def _fill(sheet, columns: list[str], rows: Sequence[Mapping[str, object]]) -> None:
    """Type the figures into the template's input cells (row 2 onwards; key cells are pre-filled)."""
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(columns, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            if column in ("team_type", "role"):
                if cell.value != row[column]:
                    raise ValueError(f"{sheet.title} row {row_number} is {cell.value!r}, expected {row[column]!r}")
                continue
            cell.value = row.get(column)


def write_la_workbook(path: Path | str, old_la_code: str, year: int, workers: Workers,
                      la_level: Mapping[str, object], *, rng: random.Random | None = None,
                      seed: int = 2025) -> Path:
    """Write :func:`build_la_workbook` to ``path`` (folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_la_workbook(old_la_code, year, workers, la_level, rng=rng, seed=seed))
    return path


def write_return_workbook(path: Path | str, generated: LaReturn, *, seed: int = 2025) -> Path:
    """Write the workbook that goes with a generated CSWW return (``demodata.region.build_la_return``)."""
    return write_la_workbook(path, generated.lea, generated.year, generated.workers, generated.la_level, seed=seed)


def output_name(lea: str, year: int) -> str:
    """File name of a generated workbook: ``r2_<old_la_code>_<year>.xlsx`` (first code of a joint unit)."""
    return f"r2_{lea.split('/')[0].strip()}_{year}.xlsx"


def generate_region_workbooks(
    alliance_code: str = "E12000001", years: Iterable[int] = (2024, 2025), *, out_dir: Path | str,
    seed: int = 2025, seeds_dir: Path = SEEDS_DIR,
) -> list[Path]:
    """Write one annual R2 workbook per LA of the alliance and year, agreeing with the CSWW returns that
    ``demodata.region.generate_region`` writes with the same arguments; return the paths written."""
    out = Path(out_dir)
    paths = []
    for (la, year), targets in region_targets(alliance_code, years, seeds_dir=seeds_dir).items():
        generated = build_la_return(la.old_la_code, year, seed=seed, seeds_dir=seeds_dir, targets=targets)
        paths.append(write_return_workbook(out / output_name(generated.lea, year), generated, seed=seed))
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demodata.workbook", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write r2_<la>_<year>.xlsx files into")
    parser.add_argument("--region", default="E12000001", help="alliance (region) code, default North East")
    parser.add_argument("--years", type=int, nargs="+", default=[2024, 2025])
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    paths = generate_region_workbooks(args.region, args.years, out_dir=args.out_dir, seed=args.seed)
    for path in paths:
        print(path)
    print(f"{len(paths)} workbooks written to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
