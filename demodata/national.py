"""Seeded generator of national demonstration data: every LA in England, every census year 2017 to 2025.

For the benchmark (``bench/``): one worker-level CSWW return per LA and year (1,355 files, about 400,000
worker records), each calibrated to that LA's published figures for that year exactly as the demonstration
region is (:mod:`demodata.region`: same targets, same symbol and 'u' residual rules, same per-file seeds,
so the North East files are byte-identical to ``generate_region``'s), plus the R2 annual workbook for a
third of the LAs (every third single LA in code order, every year it existed), agreeing with their CSWW returns
(:mod:`demodata.workbook`).

The second round's inputs (:func:`generate_national_second_round`, for the census year 2025): every single LA's
four quarterly R2 workbooks (:mod:`demodata.quarterly`), its four quarterly agency returns as CSV
(:mod:`demodata.agency`: as many assignments as its agency headcount, about 45 a return on average) and, for
a third of the LAs (every third single LA from the second, in code order), a four-week time-use diary as CSV
(:mod:`demodata.diary`). No planted cases (those are the demonstration region's), so the only warnings are AGY053
for an LA with no agency worker in a quarter.

Command line: ``python -m demodata.national OUT_DIR [--years 2017 ... 2025] [--seed N] [--las 840 841]
[--no-workbooks] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from demodata import agency as r4
from demodata import diary as r5
from demodata import quarterly as r2q
from demodata.csww_xml import write_csww_xml
from demodata.region import (
    SOFTWARE_CODE,
    LocalAuthority,
    Targets,
    build_la_return,
    output_name,
    region_targets,
)
from demodata.workbook import output_name as workbook_name
from demodata.workbook import write_return_workbook
from reference.geography import alliance_membership
from reference.paths import SEEDS_DIR

YEARS: tuple[int, ...] = tuple(range(2017, 2026))
WORKBOOK_EVERY = 3  # an R2 workbook for every third LA (in code order)


@dataclass(frozen=True)
class Job:
    """One LA and year to write: its CSWW return, and its R2 workbook when ``workbook``."""

    la: LocalAuthority
    year: int
    targets: Targets
    workbook: bool


def alliances(seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """Every alliance (region) code, in the alliance file's order."""
    return list(dict.fromkeys(m.alliance_code for m in alliance_membership(seeds_dir / "reference")))


def national_jobs(years: Iterable[int] = YEARS, *, las: Sequence[str] | None = None,
                  workbooks: bool = True, seeds_dir: Path = SEEDS_DIR) -> list[Job]:
    """Every (LA, year) to generate with its calibration targets (peers: the LA's alliance, as for a region).

    ``las`` limits the LAs (old LA codes; the targets still use the whole alliance as peers).
    """
    years = tuple(years)
    targets: dict[tuple[LocalAuthority, int], Targets] = {}
    for alliance in alliances(seeds_dir):
        targets.update(region_targets(alliance, years, seeds_dir=seeds_dir))
    # the R2 template names a single LA, so joint units (``940 / 941``) send the census return only
    codes = sorted({la.old_la_code for la, _ in targets if "/" not in la.old_la_code})
    with_workbook = set(codes[::WORKBOOK_EVERY]) if workbooks else set()
    wanted = set(las) if las is not None else None
    return [Job(la, year, t, la.old_la_code in with_workbook)
            for (la, year), t in sorted(targets.items(), key=lambda kv: (kv[0][0].old_la_code, kv[0][1]))
            if wanted is None or la.old_la_code in wanted or la.lea in wanted]


def write_job(job: Job, out_dir: Path, seed: int) -> list[Path]:
    """Write one LA-year's files; return their paths."""
    generated = build_la_return(job.la.old_la_code, job.year, seed=seed, targets=job.targets)
    paths = [write_csww_xml(out_dir / output_name(job.la, job.year), lea=generated.lea, year=job.year,
                            workers=generated.workers, la_level=generated.la_level, software_code=SOFTWARE_CODE)]
    if job.workbook:
        paths.append(write_return_workbook(out_dir / workbook_name(generated.lea, job.year), generated, seed=seed))
    return paths


def _write_chunk(args: tuple[list[Job], Path, int]) -> list[Path]:
    jobs, out_dir, seed = args
    return [path for job in jobs for path in write_job(job, out_dir, seed)]


def generate_national(out_dir: Path | str, years: Iterable[int] = YEARS, *, seed: int = 2025,
                      las: Sequence[str] | None = None, workbooks: bool = True, jobs: int = 1) -> list[Path]:
    """Write the national returns (and workbooks) into ``out_dir``; return the paths, in (LA, year) order.

    Deterministic whatever ``jobs`` is: each file has its own seed (seed, LA, year).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    work = national_jobs(years, las=las, workbooks=workbooks)
    if jobs <= 1 or len(work) < 2:
        return _write_chunk((work, out, seed))
    chunks = [work[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        written = [p for paths in pool.map(_write_chunk, [(c, out, seed) for c in chunks]) for p in paths]
    return sorted(written)


SECOND_ROUND_YEAR = 2025
DIARY_EVERY = 3  # a diary for every third single LA (from the second in code order)


@dataclass(frozen=True)
class SecondRoundJob:
    """One LA's second-round files for 2025: quarterly R2, agency returns and (``diary``) a time-use diary."""

    la: LocalAuthority
    targets: Targets  # census year 2025
    previous: Targets | None  # census year 2024 (its 30 September stocks start the quarters)
    diary: bool


def second_round_jobs(*, las: Sequence[str] | None = None, seeds_dir: Path = SEEDS_DIR) -> list[SecondRoundJob]:
    """Every single LA active in 2025 (joint units send the census return only), with its targets."""
    year = SECOND_ROUND_YEAR
    targets: dict[tuple[LocalAuthority, int], Targets] = {}
    for alliance in alliances(seeds_dir):
        targets.update(region_targets(alliance, (year - 1, year), seeds_dir=seeds_dir))
    singles = sorted({la.old_la_code for la, y in targets if y == year and "/" not in la.old_la_code})
    with_diary = set(singles[1::DIARY_EVERY])
    wanted = set(las) if las is not None else None
    jobs = []
    for (la, y), current in sorted(targets.items(), key=lambda kv: kv[0][0].old_la_code):
        if y != year or la.old_la_code not in singles or (wanted is not None and la.old_la_code not in wanted):
            continue
        jobs.append(SecondRoundJob(la, current, targets.get((la, year - 1)), la.old_la_code in with_diary))
    return jobs


def write_second_round_job(job: SecondRoundJob, out_dir: Path, seed: int) -> list[Path]:
    """Write one LA's second-round files; return their paths."""
    generated = build_la_return(job.la.old_la_code, SECOND_ROUND_YEAR, seed=seed, targets=job.targets)
    annual = r2q.summary_from_workers(generated.workers, generated.la_level, SECOND_ROUND_YEAR)
    previous = r2q.targets_summary(job.previous) if job.previous is not None else annual
    plan = r4.plan_agency(generated.lea, generated, int(previous["agency_headcount"] or 0), seed=seed)
    paths = r2q.write_la_quarters(r2q.la_quarters(generated, previous, seed=seed, agency=plan), out_dir)
    paths += r4.write_plan_returns(plan, out_dir, fmt="csv")
    diary = r5.la_diary(generated.lea, generated, seed=seed, plants=False) if job.diary else None
    if diary is not None and diary.rows:  # (an LA with no case holders keeps no diary: the Isles of Scilly)
        path = out_dir / r5.output_name(generated.lea, "csv")
        path.write_bytes(r5.build_diary(diary, fmt="csv"))
        paths.append(path)
    return paths


def _write_second_round_chunk(args: tuple[list[SecondRoundJob], Path, int]) -> list[Path]:
    jobs, out_dir, seed = args
    return [path for job in jobs for path in write_second_round_job(job, out_dir, seed)]


def generate_national_second_round(out_dir: Path | str, *, seed: int = 2025, las: Sequence[str] | None = None,
                                   jobs: int = 1) -> list[Path]:
    """Write the second round's national files (see the module docstring) into ``out_dir``; return the paths,
    sorted. Deterministic whatever ``jobs`` is."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    work = second_round_jobs(las=las)
    if jobs <= 1 or len(work) < 2:
        return sorted(_write_second_round_chunk((work, out, seed)))
    chunks = [work[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return sorted(p for paths in pool.map(_write_second_round_chunk, [(c, out, seed) for c in chunks])
                      for p in paths)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demodata.national", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write csww_<la>_<year>.xml and r2_*.xlsx into")
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS))
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--las", nargs="+", default=None, help="only these LA codes (default every LA)")
    parser.add_argument("--no-workbooks", action="store_true", help="CSWW returns only")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: CPUs)")
    args = parser.parse_args(argv)
    paths = generate_national(args.out_dir, args.years, seed=args.seed, las=args.las,
                              workbooks=not args.no_workbooks, jobs=args.jobs)
    xml = sum(p.suffix == ".xml" for p in paths)
    print(f"{xml} CSWW returns and {len(paths) - xml} R2 workbooks written to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
