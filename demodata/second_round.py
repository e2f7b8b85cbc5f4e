"""The demonstration region's second-round inputs in one call (what ``workforce demo`` will write beside the
CSWW returns and annual workbooks): the quarterly R2 workbooks for the last eight quarters
(:mod:`demodata.quarterly`), the agency returns for the last four (:mod:`demodata.agency`, with the planted
breaches) and the time-use diaries of six LAs (:mod:`demodata.diary`). The LAs' CSWW returns for 2024 and 2025
are generated once and shared, so every file agrees with ``demodata.region.generate_region``'s.

Command line: ``python -m demodata.second_round OUT_DIR [--region E12000001] [--seed N]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from demodata.agency import RegionAgency, generate_region_agency, planted_cases, region_agency
from demodata.diary import DIARY_LAS, generate_region_diaries
from demodata.quarterly import QUARTERLY_YEARS, generate_region_quarterly
from demodata.region import SEEDS_DIR


def generate_region_second_round(alliance_code: str = "E12000001", *, out_dir: Path | str, seed: int = 2025,
                                 seeds_dir: Path = SEEDS_DIR, region: RegionAgency | None = None
                                 ) -> dict[str, list[Path]]:
    """Write the alliance's quarterly R2 workbooks, agency returns and (for the North East) diaries into
    ``out_dir``; return the paths by kind (``quarterly``, ``agency``, ``diary``). ``region``: the agency plans,
    if already made (``demodata.agency.region_agency``)."""
    region = region if region is not None else region_agency(alliance_code, seed=seed, seeds_dir=seeds_dir)
    diary_las = [lea for lea in DIARY_LAS if lea in region.returns]
    return {
        "quarterly": generate_region_quarterly(alliance_code, QUARTERLY_YEARS, out_dir=out_dir, seed=seed,
                                               seeds_dir=seeds_dir, agency=region),
        "agency": generate_region_agency(alliance_code, out_dir=out_dir, seed=seed, seeds_dir=seeds_dir,
                                         region=region),
        "diary": generate_region_diaries(alliance_code, diary_las, out_dir=out_dir, seed=seed, seeds_dir=seeds_dir,
                                         returns=region.returns),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demodata.second_round", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--region", default="E12000001", help="alliance (region) code, default North East")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    region = region_agency(args.region, seed=args.seed)
    written = generate_region_second_round(args.region, out_dir=args.out_dir, seed=args.seed, region=region)
    for kind, paths in written.items():
        print(f"{len(paths)} {kind} files written to {args.out_dir}")
    for lea, assignment_id, what, start, end in planted_cases(region):
        print(f"planted: LA {lea} {assignment_id} ({start} to {end or 'running'}): {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
