"""Tests of the CSWW XML writer and the calibrated demonstration-region generator (demodata/).

The generated files are re-read with lxml and counted here, independently of the generator, following
shared/spec/definitions.md; the totals are compared with the published CSV read directly.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from demodata.csww_xml import build_csww_xml, write_csww_xml
from demodata.region import (
    Targets,
    build_la_return,
    distribute_cases,
    distribute_working_days_lost,
    generate_region,
    main,
    split_fte,
)

REPO = Path(__file__).resolve().parents[1]
PUBLISHED = REPO / "seeds" / "published" / "csww_indicators_2017_to_2025.csv"
NORTH_EAST = "E12000001"
NORTH_EAST_LAS = {"390", "391", "392", "393", "394", "805", "806", "807", "808", "840", "841", "929"}
YEARS = (2024, 2025)
ETHNICITIES = set("WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE "
                  "OOTH REFU NOBT".split())
COUNT_MEASURES = ("inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases")
FTE_MEASURES = ("inpost_fte", "starters_fte", "leavers_fte", "agency_fte", "vacancy_fte",
                "agency_cover_fte", "case_holders_fte", "working_days_lost_fte")


# ------------------------------------------------------------------------------------------------
# An independent reading of a CSWW file


@dataclass
class Worker:
    items: dict[str, str]
    line: int

    def text(self, item: str) -> str | None:
        return self.items.get(item)

    def number(self, item: str) -> float | None:
        value = self.items.get(item)
        return float(value) if value is not None else None

    def day(self, item: str) -> date | None:
        value = self.items.get(item)
        return date.fromisoformat(value) if value is not None else None


def read_workers(path: Path) -> tuple[etree._Element, list[Worker]]:
    root = etree.parse(str(path)).getroot()
    workers = [Worker({child.tag: child.text for child in element}, element.sourceline)
               for element in root.iter("CSWWWorker")]
    return root, workers


def census_year(root: etree._Element) -> int:
    return int(root.findtext("Header/CollectionDetails/Year"))


def classify(worker: Worker, year: int) -> set[str]:
    """The categories of definitions.md a record falls in."""
    start_year, reference = date(year - 1, 10, 1), date(year, 9, 30)
    start, end = worker.day("RoleStartDate"), worker.day("RoleEndDate")
    ended = end is not None and end <= reference
    if worker.text("AgencyWorker") == "1":
        return {"agency_at_r"} if not ended else {"agency_left"}
    found = set()
    if end is not None and start_year <= end <= reference:
        found.add("leaver")
    if start is not None and start_year <= start <= reference:
        found.add("starter")
    if start is not None and start <= reference and not ended:
        found.add("in_post")
    return found


def headcount_key(worker: Worker) -> tuple:
    birth = worker.text("PersonBirthDate") or ""
    sex = worker.text("Sex") or worker.text("GenderCurrent")
    return worker.text("SWENo"), birth[:7], sex, worker.text("Ethnicity")


def summarise(path: Path) -> dict[str, float]:
    """LA totals of one file, as definitions.md computes them."""
    root, workers = read_workers(path)
    year = census_year(root)
    la_level = root.find("LALevel")
    if la_level is None:
        la_level = root.find("LALevelVacancies")
    totals: Counter[str] = Counter()
    keys: dict[str, set] = {"in_post": set(), "starter": set(), "leaver": set()}
    for worker in workers:
        kinds = classify(worker, year)
        fte = worker.number("FTE") or 0.0
        fte30 = worker.number("FTE30")
        at_r = fte30 if fte30 is not None else fte
        if "in_post" in kinds:
            keys["in_post"].add(headcount_key(worker))
            totals["inpost_fte"] += at_r
        if "starter" in kinds:
            keys["starter"].add((*headcount_key(worker), worker.text("RoleStartDate")))
            totals["starters_fte"] += fte
        if "leaver" in kinds:
            keys["leaver"].add((*headcount_key(worker), worker.text("RoleEndDate")))
            totals["leavers_fte"] += fte
        if "agency_at_r" in kinds:
            totals["agency_headcount"] += 1
            totals["agency_fte"] += at_r
        cases = int(worker.text("Cases30") or 0)
        if kinds & {"in_post", "agency_at_r"} and cases > 0:
            totals["case_holders_fte"] += at_r
            totals["cases"] += cases
        if kinds & {"in_post", "leaver"}:
            totals["working_days_lost_fte"] += (worker.number("WorkingDaysLost") or 0.0) * fte
    totals["inpost_headcount"] = len(keys["in_post"])
    totals["starters_headcount"] = len(keys["starter"])
    totals["leavers_headcount"] = len(keys["leaver"])
    totals["vacancy_fte"] = float(la_level.findtext("NumberOfVacancies"))
    totals["agency_cover_fte"] = float(la_level.findtext("NoAgencyFTE"))
    return dict(totals)


def published_figures(la_code: str, year: int) -> dict[str, str]:
    with PUBLISHED.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["geographic_level"], row["old_la_code"], row["time_period"]) == (
                    "Local authority", la_code, str(year)):
                return row
    raise LookupError((la_code, year))


def as_number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("north_east")
    generate_region(NORTH_EAST, YEARS, out_dir=out, seed=2025)
    return out


@pytest.fixture(scope="session")
def region_files(region_dir: Path) -> list[Path]:
    return sorted(region_dir.glob("*.xml"))


@pytest.fixture(scope="session")
def region_workers(region_files: list[Path]) -> dict[Path, tuple[int, list[Worker]]]:
    parsed = {}
    for path in region_files:
        root, workers = read_workers(path)
        parsed[path] = (census_year(root), workers)
    return parsed


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.xml"))}


# ------------------------------------------------------------------------------------------------
# Generator: files, determinism, layout


def test_one_file_per_la_and_year(region_files: list[Path]) -> None:
    expected = {f"csww_{code}_{year}.xml" for code in NORTH_EAST_LAS for year in YEARS}
    assert {p.name for p in region_files} == expected


def test_same_seed_same_bytes_and_other_seed_differs(region_dir: Path, tmp_path: Path) -> None:
    again = generate_region(NORTH_EAST, YEARS, out_dir=tmp_path / "again", seed=2025)
    assert len(again) == 24
    assert file_bytes(tmp_path / "again") == file_bytes(region_dir)
    generate_region(alliance_code=NORTH_EAST, years=YEARS, out_dir=tmp_path / "other", seed=7)
    other = file_bytes(tmp_path / "other")
    assert other.keys() == file_bytes(region_dir).keys()
    assert all(other[name] != data for name, data in file_bytes(region_dir).items())


def test_a_file_does_not_depend_on_the_other_years_generated(region_dir: Path, tmp_path: Path) -> None:
    generate_region(NORTH_EAST, years=(2025,), out_dir=tmp_path)
    assert (tmp_path / "csww_390_2025.xml").read_bytes() == (region_dir / "csww_390_2025.xml").read_bytes()


@pytest.mark.parametrize("year", YEARS)
def test_layout_of_each_year(region_files: list[Path], year: int) -> None:
    files = [p for p in region_files if p.stem.endswith(str(year))]
    assert len(files) == 12
    for path in files:
        data = path.read_bytes()
        assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Message>\n")
        root, workers = read_workers(path)
        assert root.tag == "Message"
        assert root.findtext("Header/CollectionDetails/Collection") == "CSWW"
        assert root.findtext("Header/CollectionDetails/Year") == str(year)
        assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{year}-09-30"
        assert root.findtext("Header/Source/SourceLevel") == "L"
        assert root.findtext("Header/Source/LEA") == path.stem.split("_")[1]
        assert root.findtext("Header/Source/DateTime") == f"{year}-10-15T09:00:00"
        assert [child.tag for child in root] == ["Header", "LALevel" if year >= 2025 else "LALevelVacancies"]\
            + ["CSWWWorker"] * len(workers)
        tags = {tag for w in workers for tag in w.items}
        assert "Sex" in tags and "GenderCurrent" not in tags
        assert ("BaseSalary" in tags) == (year >= 2025)
        assert ("QualInst" in tags) == (year <= 2024) and ("CFKSSstatus" in tags) == (year <= 2024)
        la_items = [child.tag for child in root[1]]
        assert la_items[:3] == ["NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"]
        assert ("RecruitmentBonus" in la_items and "CostDBS" in la_items) == (year >= 2025)
        assert len(data.splitlines()) > 10 * len(workers), "one element per line"


def test_every_record_is_clean_against_the_cross_field_rules(
        region_workers: dict[Path, tuple[int, list[Worker]]]) -> None:
    for path, (year, workers) in region_workers.items():
        swenos = Counter(w.text("SWENo") for w in workers)
        for worker in workers:
            where = f"{path.name}:{worker.line}"
            kinds = classify(worker, year)
            start, end = worker.day("RoleStartDate"), worker.day("RoleEndDate")
            assert worker.text("AgencyWorker") in ("0", "1") and worker.text("SWENo"), where
            assert worker.text("SWENo").startswith("SW") and worker.text("SWENo")[2:].isdigit(), where
            assert len(worker.text("SWENo")) == 12, where
            assert worker.text("Ethnicity") in ETHNICITIES, where
            assert 0 < worker.number("FTE") <= 1, where
            assert worker.number("FTE30") is None or 0 < worker.number("FTE30") <= 1, where
            if worker.text("AgencyWorker") == "0":
                assert worker.text("OrgRole") and start is not None, where
            assert start <= date(year, 9, 30), where
            assert end is None or end >= start, where
            assert ("leaver" in kinds) == (worker.text("ReasonLeave") is not None), where
            assert ("leaver" in kinds) == (worker.text("LeaverDestination") is not None), where
            assert ("starter" in kinds) == (worker.text("StartOrigin") is not None), where
            cases = int(worker.text("Cases30") or 0)
            assert cases == 0 or kinds & {"in_post", "agency_at_r"}, where
            assert cases <= 40, where
            role = worker.text("OrgRole")
            if kinds & {"in_post", "agency_at_r"}:
                assert not (role == "6" and cases > 0) and not (role == "5" and cases == 0), where
            assert (worker.number("WorkingDaysLost") or 0) <= 260, where
            assert (worker.text("Absat30Sept") == "1") == (worker.text("ReasonAbsence") is not None), where
            birth = worker.day("PersonBirthDate")
            assert 21 <= (date(year, 9, 30) - birth).days / 365.25 <= 67, where
        assert max(swenos.values()) <= 2, path.name


def test_totals_land_near_the_published_figures(region_files: list[Path]) -> None:
    misses = []
    compared = 0
    for path in region_files:
        _, code, year = path.stem.split("_")
        published = published_figures(code, int(year))
        generated = summarise(path)
        for measure in COUNT_MEASURES + FTE_MEASURES:
            target = as_number(published[measure])
            if target is None:
                continue  # a symbol: nothing to compare with
            compared += 1
            tolerance = max(0.01 * target, 1.0) if measure in COUNT_MEASURES else max(0.01 * target, 0.3)
            if abs(generated.get(measure, 0.0) - target) > tolerance:
                misses.append((path.name, measure, round(generated.get(measure, 0.0), 2), target))
    assert compared >= 24 * 12
    assert misses == []


def test_headcounts_cases_and_fte_sums_are_exact(region_files: list[Path]) -> None:
    for path in region_files:
        _, code, year = path.stem.split("_")
        published = published_figures(code, int(year))
        generated = summarise(path)
        for measure in ("inpost_headcount", "leavers_headcount", "starters_headcount", "cases"):
            assert generated[measure] == int(published[measure]), (path.name, measure)
        for measure in ("inpost_fte", "starters_fte", "leavers_fte", "agency_fte", "vacancy_fte",
                        "agency_cover_fte", "working_days_lost_fte"):
            if as_number(published[measure]) is not None:  # FTE split in hundredths: exact to rounding
                assert generated[measure] == pytest.approx(float(published[measure]), abs=0.051), measure


def test_symbols_get_plausible_values(region_dir: Path) -> None:
    # Sunderland: agency FTE 'low' in 2025 (1 agency worker) and leavers FTE 'u' in 2024 (28 leavers).
    # The 'u' is still counted in the North East's published leavers_fte for 2024 (271.5); the other 11
    # LAs publish 40.2 + 10.6 + 25.5 + 18.1 + 31.5 + 28 + 21.6 + 20.5 + 20.2 + 29 + 24.3 = 269.5, so
    # Sunderland's unpublished value is 271.5 - 269.5 = 2.0.
    sunderland_2025 = summarise(region_dir / "csww_394_2025.xml")
    assert sunderland_2025["agency_headcount"] == 1
    assert 0 < sunderland_2025["agency_fte"] < 0.5
    assert 0 < sunderland_2025["agency_cover_fte"] < 0.5
    sunderland_2024 = summarise(region_dir / "csww_394_2024.xml")
    assert sunderland_2024["leavers_headcount"] == 28
    assert sunderland_2024["leavers_fte"] == pytest.approx(2.0, abs=0.01)


def test_variety_features_are_present(region_workers: dict[Path, tuple[int, list[Worker]]]) -> None:
    found: Counter[str] = Counter()
    for _, (year, workers) in region_workers.items():
        reference = date(year, 9, 30)
        swenos = Counter(w.text("SWENo") for w in workers)
        for worker in workers:
            kinds = classify(worker, year)
            found["starter_leaver"] += kinds >= {"starter", "leaver"}
            found["agency_left_before_r"] += worker.text("AgencyWorker") == "1" and \
                worker.day("RoleEndDate") is not None and worker.day("RoleEndDate") < reference
            found["missing_fte30_in_post"] += bool(kinds & {"in_post", "agency_at_r"}) and \
                worker.text("FTE30") is None
            found["fte30_differs"] += worker.text("FTE30") is not None and \
                worker.number("FTE30") != worker.number("FTE")
            found["part_time"] += worker.number("FTE") < 1
            found["newly_qualified_starter"] += worker.text("StartOrigin") == "1"
            found["absent_at_r"] += worker.text("Absat30Sept") == "1"
            found["caseload_over_20"] += int(worker.text("Cases30") or 0) > 20
            found["no_cases_role_6"] += worker.text("OrgRole") == "6" and worker.text("Cases30") == "0"
            found["manager"] += worker.text("OrgRole") in ("1", "2", "3")
            found["case_holder_role_4_or_3"] += worker.text("OrgRole") in ("3", "4") and \
                int(worker.text("Cases30") or 0) > 0
        for sweno in (s for s, n in swenos.items() if n == 2):
            pair = [w for w in workers if w.text("SWENo") == sweno]
            assert len({headcount_key(w) for w in pair}) == 1, "two posts of one person share the key"
            found["two_posts"] += 1
    for feature in ("starter_leaver", "agency_left_before_r", "missing_fte30_in_post", "fte30_differs",
                    "part_time", "newly_qualified_starter", "absent_at_r", "caseload_over_20",
                    "no_cases_role_6", "manager", "case_holder_role_4_or_3", "two_posts"):
        assert found[feature] >= 1, feature
    assert found["two_posts"] < 24, "a second post in some LAs, not all"


def test_first_year_social_workers_hold_fewer_cases(
        region_workers: dict[Path, tuple[int, list[Worker]]]) -> None:
    first_year, others = [], []
    for _, (year, workers) in region_workers.items():
        for worker in workers:
            cases, fte = int(worker.text("Cases30") or 0), worker.number("FTE30") or worker.number("FTE")
            if cases == 0 or "in_post" not in classify(worker, year):
                continue
            (first_year if worker.text("StartOrigin") == "1" else others).append(cases / fte)
    assert len(first_year) > 20
    assert sum(first_year) / len(first_year) < 0.85 * sum(others) / len(others)


def test_joint_unit_is_written_under_its_first_code(tmp_path: Path) -> None:
    paths = generate_region("E12000004", (2025,), out_dir=tmp_path)
    names = {p.name for p in paths}
    assert "csww_940_2025.xml" in names and "csww_941_2025.xml" not in names
    assert "csww_928_2025.xml" not in names and len(names) == 9  # Northamptonshire ended in 2020
    root, _ = read_workers(tmp_path / "csww_940_2025.xml")
    assert root.findtext("Header/Source/LEA") == "940"
    assert summarise(tmp_path / "csww_940_2025.xml")["inpost_headcount"] == 439  # joint published unit


def test_cli_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--region", NORTH_EAST, "--years", "2025"]) == 0
    assert len(list(tmp_path.glob("csww_*_2025.xml"))) == 12
    assert "12 files written" in capsys.readouterr().out


def test_custom_targets_are_hit(tmp_path: Path) -> None:
    targets = Targets(inpost_headcount=40, inpost_fte=36.5, starters_headcount=8, starters_fte=7.2,
                      leavers_headcount=6, leavers_fte=5.5, agency_headcount=4, agency_fte=3.6, vacancy_fte=5.0,
                      agency_cover_fte=3.0, case_holders_fte=25.0, cases=400, working_days_lost_fte=300.0)
    generated = build_la_return("390", 2024, seed=1, targets=targets)
    path = write_csww_xml(tmp_path / "custom.xml", lea=generated.lea, year=2024, workers=generated.workers,
                          la_level=generated.la_level)
    totals = summarise(path)
    for measure in COUNT_MEASURES:
        assert totals[measure] == getattr(targets, measure), measure
    for measure in FTE_MEASURES:
        assert totals[measure] == pytest.approx(getattr(targets, measure), abs=0.3), measure


def test_split_fte_and_distributions_sum_exactly() -> None:
    rng = random.Random(3)
    values = split_fte(rng, 50, 43.37)
    assert len(values) == 50 and round(sum(values), 2) == 43.37 and all(0 < v <= 1 for v in values)
    assert values.count(1.0) > 20, "mostly full time"
    assert round(sum(split_fte(rng, 3, 0.2)), 2) == 0.2
    assert round(sum(split_fte(rng, 4, 9.0)), 2) == 4.0, "clamped to 1.0 each"
    cases = distribute_cases(rng, [1.0] * 30 + [0.5] * 10, 600)
    assert sum(cases) == 600 and min(cases) >= 1 and max(cases) <= 38
    ftes = [1.0, 0.5, 0.8] * 20
    days = distribute_working_days_lost(rng, ftes, [False] * 60, 512.3)
    assert sum(d * f for d, f in zip(days, ftes, strict=True)) == pytest.approx(512.3, abs=0.05)
    assert 0 <= min(days) and max(days) <= 250 and days.count(0.0) > 10


# ------------------------------------------------------------------------------------------------
# Writer


HAND_WRITTEN = {
    "AgencyWorker": 0, "SWENo": "SW0000000001", "FTE": 0.8, "PersonBirthDate": date(1985, 3, 14),
    "GenderCurrent": 2, "Sex": "F", "Ethnicity": "WBRI", "QualInst": "Uni <of> R&D", "QualLevel": 2,
    "StepUpGrad": 0, "FrontlineGrad": 1, "OrgRole": 5, "RoleStartDate": "2024-11-04", "RoleEndDate": None,
    "StartOrigin": 1, "LeaverDestination": None, "ReasonLeave": None, "FTE30": 0.6, "Cases30": 14,
    "WorkingDaysLost": 3.5, "ContractWeeks": 52, "Absat30Sept": 0, "ReasonAbsence": None,
    "CFKSSstatus": 1, "BaseSalary": 31234.5, "RRPayments": 0, "OtherPayments": None,
}
LA_LEVEL = {"NumberOfVacancies": 4.5, "NoAgencyFTE": 2, "NoAgencyHeadcount": 3, "RecruitmentBonus": 2,
            "CostDBS": 1, "OtherAllowances": "Car & phone"}


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_writer_round_trips_a_2025_worker() -> None:
    root = parse(build_csww_xml(lea="390", year=2025, workers=[HAND_WRITTEN], la_level=LA_LEVEL))
    (worker,) = root.findall("CSWWWorker")
    written = {child.tag: child.text for child in worker}
    assert written == {
        "AgencyWorker": "0", "SWENo": "SW0000000001", "FTE": "0.8000", "PersonBirthDate": "1985-03-14",
        "Sex": "F", "Ethnicity": "WBRI", "QualLevel": "2", "StepUpGrad": "0", "FrontlineGrad": "1",
        "OrgRole": "5", "RoleStartDate": "2024-11-04", "StartOrigin": "1", "FTE30": "0.6000",
        "Cases30": "14", "WorkingDaysLost": "3.50", "ContractWeeks": "52", "Absat30Sept": "0",
        "BaseSalary": "31234.50", "RRPayments": "0",
    }
    assert root.find("LALevelVacancies") is None
    assert {c.tag: c.text for c in root.find("LALevel")} == {
        "NumberOfVacancies": "4.50", "NoAgencyFTE": "2", "NoAgencyHeadcount": "3", "RecruitmentBonus": "2",
        "CostDBS": "1", "OtherAllowances": "Car & phone"}


def test_writer_2023_layout_keeps_gender_qualinst_and_drops_2025_items() -> None:
    data = build_csww_xml(lea="805", year=2023, workers=[HAND_WRITTEN, {"AgencyWorker": 1, "SWENo": "SW2"}],
                          la_level=LA_LEVEL)
    assert b"Uni &lt;of&gt; R&amp;D" in data and b"Car &amp; phone" not in data
    root = parse(data)
    first, second = root.findall("CSWWWorker")
    tags = [child.tag for child in first]
    assert "GenderCurrent" in tags and "Sex" not in tags
    assert first.findtext("QualInst") == "Uni <of> R&D" and first.findtext("CFKSSstatus") == "1"
    assert "BaseSalary" not in tags and "RRPayments" not in tags
    assert [(c.tag, c.text) for c in second] == [("AgencyWorker", "1"), ("SWENo", "SW2")]
    assert [c.tag for c in root.find("LALevelVacancies")] == ["NumberOfVacancies", "NoAgencyFTE",
                                                              "NoAgencyHeadcount"]
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2023-09-30"
    assert root.findtext("Header/Source/LEA") == "805"


def test_writer_omits_none_items() -> None:
    worker = {"AgencyWorker": 0, "SWENo": "SW1", "FTE": None, "OrgRole": None, "Cases30": 0}
    root = parse(build_csww_xml(lea="390", year=2024, workers=[worker], la_level={"NoAgencyFTE": None}))
    assert [c.tag for c in root.find("CSWWWorker")] == ["AgencyWorker", "SWENo", "Cases30"]
    assert len(root.find("LALevelVacancies")) == 0


def test_writer_options_for_off_layout_and_odd_files(tmp_path: Path) -> None:
    worker = {"Cases30": 3, "NewItem2026": "x", "SWENo": "SW9", "AgencyWorker": 0, "GenderCurrent": 1}
    path = write_csww_xml(
        tmp_path / "sub" / "odd.xml", lea="999", year=2025, workers=[worker], la_level={},
        reference_date="2025-03-31", software_code="ACME 1.2", date_time="2025-11-01T12:00:00",
        extra_header={"Contact": "data@example.org"}, strict_layout=False, keep_item_order=True,
    )
    root = parse(path.read_bytes())
    assert [c.tag for c in root.find("CSWWWorker")] == list(worker)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    assert root.findtext("Header/Source/SoftwareCode") == "ACME 1.2"
    assert root.findtext("Header/Source/DateTime") == "2025-11-01T12:00:00"
    assert root.findtext("Header/Contact") == "data@example.org"
    canonical = parse(build_csww_xml(lea="999", year=2025, workers=[worker], la_level={}))
    assert [c.tag for c in canonical.find("CSWWWorker")] == ["AgencyWorker", "SWENo", "Cases30", "NewItem2026"]


def test_writer_output_is_pretty_printed_with_meaningful_lines() -> None:
    data = build_csww_xml(lea="390", year=2025, workers=[HAND_WRITTEN] * 2, la_level=LA_LEVEL)
    root = parse(data)
    lines = data.decode("utf-8").splitlines()
    for element in root.iter():
        assert lines[element.sourceline - 1].strip().startswith(f"<{element.tag}>"), element.tag
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_writer_rejects_values_it_cannot_write() -> None:
    with pytest.raises(TypeError):
        build_csww_xml(lea="390", year=2025, workers=[{"AgencyWorker": object()}], la_level={})
