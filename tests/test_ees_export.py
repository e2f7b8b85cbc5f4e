"""The EES export and its screening rules (ees.md; definitions.md "Disclosure control").

- Screening: a small valid data/meta pair passes; each rule has a case that breaks it (and only that case's
  rule is asserted); DfE's own published CSWW file passes (London sub-regions, joint returns, code changes).
- Export: a hand-built serving copy (England, a region, two LAs, and a row of another source) is exported and
  every cell that matters is checked by hand: half-up rounding, headcounts under 5 and the rates they guard
  shown as c, statuses as symbols, internal columns left out, the meta file's rows, units and decimals.
- The real demonstration region's serving copy exports and passes screening.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from pipeline.disclosure import EES_MEASURES, MEASURES_BY_COLUMN, ees_measure, format_number, round_half_up
from pipeline.ees_export import EESScreeningError, build_ees_frames, export_ees
from reference.paths import PUBLISHED_INDICATORS
from validation.ees_screening import GEOGRAPHY_TIME_COLUMNS, screen, screen_files

# ---------------------------------------------------------------------------------------- screening rules

GEO = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
       "region_name", "new_la_code", "old_la_code", "la_name"]
ENGLAND = ["2024", "Reporting year", "National", "E92000001", "England", "", "", "", "", ""]
YORKSHIRE = ["2024", "Reporting year", "Regional", "E92000001", "England", "E12000003", "Yorkshire and The Humber",
             "", "", ""]
BARNSLEY = ["2024", "Reporting year", "Local authority", "E92000001", "England", "E12000003",
            "Yorkshire and The Humber", "E08000016", "370", "Barnsley"]
DONCASTER = ["2024", "Reporting year", "Local authority", "E92000001", "England", "E12000003",
             "Yorkshire and The Humber", "E08000017", "371", "Doncaster"]


def good_pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = pd.DataFrame([ENGLAND + ["36186.3", "11.8"], YORKSHIRE + ["2210.8", "c"],
                         BARNSLEY + ["210.4", "z"], DONCASTER + ["301.2", "low"]],
                        columns=GEO + ["inpost_fte", "turnover_rate_fte"], dtype=object)
    meta = pd.DataFrame([
        ["inpost_fte", "Indicator", "Social workers in post (FTE)", "In post", "", "1", "", ""],
        ["turnover_rate_fte", "Indicator", "Turnover rate (FTE)", "Leavers", "%", "1", "", ""],
    ], columns=["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column"], dtype=object)
    return data, meta


def rules(data: pd.DataFrame, meta: pd.DataFrame, name: str = "csww_test.csv",
          meta_name: str | None = "csww_test.meta.csv") -> set[str]:
    return {f.rule for f in screen(data, meta, name, meta_name)}


def set_cell(frame: pd.DataFrame, row: int, column: str, value: Any) -> pd.DataFrame:
    frame.loc[row, column] = value
    return frame


def with_filter(data: pd.DataFrame, meta: pd.DataFrame, values: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = data.assign(worker_type=values)
    meta = pd.concat([meta, pd.DataFrame([{
        "col_name": "worker_type", "col_type": "Filter", "label": "Worker type", "indicator_grouping": "",
        "indicator_unit": "", "indicator_dp": "", "filter_hint": "Agency or not", "filter_grouping_column": ""}])],
        ignore_index=True)
    return data, meta


def test_good_pair_passes() -> None:
    data, meta = good_pair()
    assert screen(data, meta, "csww_test.csv", "csww_test.meta.csv") == []


Breaker = Callable[[pd.DataFrame, pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]

# (case, how the good pair is broken, the rule that must fail)
BROKEN: list[tuple[str, Breaker, str]] = [
    ("required column missing", lambda d, m: (d.drop(columns="country_name"), m), "required_columns"),
    ("LA rows without la_name column", lambda d, m: (d.drop(columns="la_name"), m), "required_columns"),
    ("column name not snake_case",
     lambda d, m: (d.rename(columns={"inpost_fte": "InPost FTE"}), set_cell(m, 0, "col_name", "InPost FTE")),
     "column_names"),
    ("reporting year with 2 digits", lambda d, m: (set_cell(d, 0, "time_period", "24"), m), "time_period"),
    ("reporting year with 6 digits", lambda d, m: (set_cell(d, 0, "time_period", "202324"), m), "time_period"),
    ("academic year with 4 digits",
     lambda d, m: (d.assign(time_identifier="Academic year"), m), "time_period"),
    ("academic year not consecutive",
     lambda d, m: (d.assign(time_identifier="Academic year", time_period="202426"), m), "time_period"),
    ("unknown time identifier", lambda d, m: (set_cell(d, 1, "time_identifier", "Year"), m), "time_identifier"),
    ("unknown geographic level", lambda d, m: (set_cell(d, 1, "geographic_level", "Ward"), m), "geographic_level"),
    ("region filled on the National row", lambda d, m: (set_cell(d, 0, "region_code", "E12000003"), m),
     "geography_finer_filled"),
    ("LA name filled on a Regional row", lambda d, m: (set_cell(d, 1, "la_name", "Barnsley"), m),
     "geography_finer_filled"),
    ("region blank on a Regional row", lambda d, m: (set_cell(d, 1, "region_name", ""), m), "geography_missing"),
    ("region blank on an LA row", lambda d, m: (set_cell(d, 2, "region_code", ""), m), "geography_missing"),
    ("old_la_code blank on an LA row", lambda d, m: (set_cell(d, 2, "old_la_code", ""), m), "geography_missing"),
    ("new_la_code blank for an LA that still exists", lambda d, m: (set_cell(d, 2, "new_la_code", ""), m),
     "geography_missing"),
    ("country not England", lambda d, m: (set_cell(d, 0, "country_code", "E92000002"), m), "country"),
    ("region code with the wrong name", lambda d, m: (set_cell(d, 1, "region_name", "Yorkshire"), m),
     "region_code_name"),
    ("region code not official", lambda d, m: (set_cell(d, 1, "region_code", "E12000010"), m), "region_code_name"),
    ("LA code with the wrong name", lambda d, m: (set_cell(d, 2, "la_name", "Doncaster"), m), "la_code_name"),
    ("LA old and new codes of different LAs", lambda d, m: (set_cell(d, 2, "new_la_code", "E08000017"), m),
     "la_code_name"),
    ("LA code not official", lambda d, m: (set_cell(d, 2, "old_la_code", "999"), m), "la_code_name"),
    ("LA code of a year it did not exist in (Barnsley's code changed in 2025)",
     lambda d, m: (set_cell(d, 2, "time_period", "2025"), m), "la_code_name"),
    ("LA in another region",
     lambda d, m: (set_cell(set_cell(d, 2, "region_code", "E12000001"), 2, "region_name", "North East"), m),
     "la_region"),
    ("a 'Total' region row", lambda d, m: (set_cell(d, 1, "region_name", "Total"), m), "total_rows"),
    ("an 'All LAs' row", lambda d, m: (set_cell(d, 3, "la_name", "All local authorities"), m), "total_rows"),
    ("blank indicator cell", lambda d, m: (set_cell(d, 2, "inpost_fte", ""), m), "indicator_values"),
    ("':' indicator cell", lambda d, m: (set_cell(d, 2, "inpost_fte", ":"), m), "indicator_values"),
    ("'~' indicator cell", lambda d, m: (set_cell(d, 2, "inpost_fte", "~"), m), "indicator_values"),
    ("'-' indicator cell", lambda d, m: (set_cell(d, 2, "inpost_fte", "-"), m), "indicator_values"),
    ("thousands separator", lambda d, m: (set_cell(d, 0, "inpost_fte", "36,186.3"), m), "indicator_values"),
    ("unknown symbol", lambda d, m: (set_cell(d, 2, "turnover_rate_fte", "[c]"), m), "indicator_values"),
    ("duplicate rows", lambda d, m: (pd.concat([d, d.iloc[[2]]], ignore_index=True), m), "duplicate_rows"),
    ("duplicate rows over geography, time and filter",
     lambda d, m: with_filter(pd.concat([d, d.iloc[[2]]], ignore_index=True), m,
                              ["Total", "Total", "Agency", "Total", "Agency"]), "duplicate_rows"),
    ("blank filter cell", lambda d, m: with_filter(d, m, ["Total", "", "Total", "Total"]), "filter_values"),
    ("no rows", lambda d, m: (d.iloc[0:0], m), "data_empty"),
    ("meta column missing", lambda d, m: (d, m.drop(columns="filter_hint")), "meta_columns"),
    ("unknown meta column", lambda d, m: (d, m.assign(notes="")), "meta_columns"),
    ("data column without a meta row", lambda d, m: (d, m.iloc[[0]]), "meta_rows"),
    ("meta row for a column not in the data", lambda d, m: (d.drop(columns="turnover_rate_fte"), m), "meta_rows"),
    ("meta row for a geography column",
     lambda d, m: (d, pd.concat([m, m.iloc[[0]].assign(col_name="la_name", label="LA")], ignore_index=True)),
     "meta_rows"),
    ("column described twice",
     lambda d, m: (d, pd.concat([m, m.iloc[[0]].assign(label="Other label")], ignore_index=True)), "meta_rows"),
    ("col_type neither Filter nor Indicator", lambda d, m: (d, set_cell(m, 0, "col_type", "Measure")),
     "meta_col_type"),
    ("label blank", lambda d, m: (d, set_cell(m, 0, "label", " ")), "meta_label"),
    ("labels not unique", lambda d, m: (d, set_cell(m, 1, "label", "Social workers in post (FTE)")), "meta_label"),
    ("unit not allowed", lambda d, m: (d, set_cell(m, 1, "indicator_unit", "percent")), "meta_indicator_unit"),
    ("dp negative", lambda d, m: (d, set_cell(m, 0, "indicator_dp", "-1")), "meta_indicator_dp"),
    ("dp not an integer", lambda d, m: (d, set_cell(m, 0, "indicator_dp", "1.5")), "meta_indicator_dp"),
    ("indicator with a filter_hint", lambda d, m: (d, set_cell(m, 0, "filter_hint", "hint")),
     "meta_indicator_filter_fields"),
    ("indicator with a filter_grouping_column", lambda d, m: (d, set_cell(m, 0, "filter_grouping_column", "la_name")),
     "meta_indicator_filter_fields"),
    ("filter with an indicator unit",
     lambda d, m: (lambda dm: (dm[0], set_cell(dm[1], 2, "indicator_unit", "%")))(
         with_filter(d, m, ["Total"] * 4)), "meta_filter_indicator_fields"),
    ("filter grouped by a column the data lacks",
     lambda d, m: (lambda dm: (dm[0], set_cell(dm[1], 2, "filter_grouping_column", "worker_group")))(
         with_filter(d, m, ["Total"] * 4)), "meta_filter_grouping_column"),
]


@pytest.mark.parametrize(("breaker", "rule"), [(b, r) for _, b, r in BROKEN], ids=[c for c, _, _ in BROKEN])
def test_screening_rule_fails(breaker: Breaker, rule: str) -> None:
    data, meta = breaker(*good_pair())
    assert rule in rules(data, meta)


@pytest.mark.parametrize(("name", "meta_name", "rule"), [
    ("csww indicators.csv", "csww indicators.meta.csv", "file_name"),
    ("csww£indicators.csv", "csww£indicators.meta.csv", "file_name"),
    ("../csww_indicators.csv", None, "file_name"),
    ("csww_indicators.csv", "csww_indicators_meta.csv", "meta_file_name"),
    ("csww_indicators.csv", "other.meta.csv", "meta_file_name"),
])
def test_screening_file_names(name: str, meta_name: str | None, rule: str) -> None:
    assert rule in rules(*good_pair(), name=name, meta_name=meta_name)


@pytest.mark.parametrize("breaker", [
    lambda d, m: (d.assign(inpost_fte=["z", "x", "c", "low"], turnover_rate_fte=["u", "0", "-1.5", "12"]), m),
    lambda d, m: (d.assign(time_identifier="Academic year", time_period="202425"), m),
    lambda d, m: (d.assign(time_identifier="Calendar year"), m),
    # Cumbria: an authority that no longer exists may have no new code
    lambda d, m: (set_cell(set_cell(set_cell(set_cell(set_cell(d, 3, "old_la_code", "909"), 3, "la_name", "Cumbria"),
                                             3, "new_la_code", ""), 3, "region_code", "E12000002"),
                           3, "region_name", "North West").assign(time_period="2022"), m),
    # a London LA may carry its Inner/Outer London sub-region; Inner and Outer London regional rows exist
    lambda d, m: (set_cell(set_cell(set_cell(set_cell(set_cell(d, 3, "old_la_code", "202"), 3, "la_name", "Camden"),
                                             3, "new_la_code", "E09000007"), 3, "region_code", "E13000001"),
                           3, "region_name", "Inner London"), m),
    lambda d, m: (set_cell(set_cell(d, 1, "region_code", "E13000002"), 1, "region_name", "Outer London"), m),
    # a joint return is one authority of the official list
    lambda d, m: (set_cell(set_cell(set_cell(set_cell(set_cell(d, 3, "old_la_code", "314 / 318"),
                                                      3, "new_la_code", "E09000021 / E09000027"),
                                             3, "la_name", "Kingston upon Thames / Richmond upon Thames"),
                                    3, "region_code", "E12000007"), 3, "region_name", "London"), m),
    lambda d, m: (d, m.assign(indicator_unit=["numberstring", "pp"], indicator_dp=["", "0"])),
    lambda d, m: with_filter(pd.concat([d, d.iloc[[2]]], ignore_index=True), m,
                             ["Total", "Total", "Agency", "Total", "Total"]),
], ids=["all symbols and signed numbers", "academic year", "calendar year", "ceased LA without new code",
        "London sub-region on an LA row", "Outer London regional row", "joint return", "units and dp",
        "rows differing by a filter"])
def test_screening_accepts_what_ees_accepts(breaker: Breaker) -> None:
    data, meta = breaker(*good_pair())
    assert screen(data, meta, "csww_test.csv", "csww_test.meta.csv") == []


def test_camden_in_outer_london_fails() -> None:
    data, meta = good_pair()
    for column, value in {"old_la_code": "202", "la_name": "Camden", "new_la_code": "E09000007",
                          "region_code": "E13000002", "region_name": "Outer London"}.items():
        set_cell(data, 3, column, value)
    failures = screen(data, meta, "csww_test.csv")
    assert [(f.rule, f.row, f.column) for f in failures] == [("la_region", 3, "region_code")]


def test_failure_says_where() -> None:
    data, meta = good_pair()
    set_cell(data, 2, "inpost_fte", ":")
    (failure,) = screen(data, meta, "csww_test.csv", "csww_test.meta.csv")
    assert (failure.rule, failure.row, failure.column, failure.file) == ("indicator_values", 2, "inpost_fte", "data")
    assert "':'" in failure.message and "indicator_values" in str(failure)


def test_dfe_published_file_passes_screening() -> None:
    """DfE's own CSWW file (London sub-regions, joint returns, boundary and code changes) passes."""
    data = pd.read_csv(PUBLISHED_INDICATORS, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    indicators = [c for c in data.columns if c not in GEOGRAPHY_TIME_COLUMNS]
    meta = pd.DataFrame({"col_name": indicators, "col_type": "Indicator",
                         "label": [ees_measure(c).label for c in indicators], "indicator_grouping": "",
                         "indicator_unit": [ees_measure(c).unit for c in indicators],
                         "indicator_dp": [str(ees_measure(c).dp) for c in indicators],
                         "filter_hint": "", "filter_grouping_column": ""})
    assert screen(data, meta, PUBLISHED_INDICATORS.name) == []


# ------------------------------------------------------------------------------ rounding and the catalogue

@pytest.mark.parametrize(("value", "dp", "expected"), [
    (12.25, 1, "12.3"), (14.45, 1, "14.5"), (2.5, 0, "3"), (12.5, 0, "13"), (0.05, 1, "0.1"), (17.26, 1, "17.3"),
    (-0.04, 1, "0.0"), (-2.25, 1, "-2.3"), (100.0, 1, "100.0"), (2594.0, 0, "2594"),
])
def test_round_half_up_like_dfe(value: float, dp: int, expected: str) -> None:
    assert format_number(value, dp) == expected
    assert round_half_up(value, dp) == Decimal(expected)


def test_catalogue_is_consistent() -> None:
    labels = [m.label for m in EES_MEASURES]
    assert len(labels) == len(set(labels))
    for m in EES_MEASURES:
        assert (m.unit == "%") == (m.label.endswith("(%)") or "(% of" in m.label), m.column  # the label says %
        if m.column.endswith(("_rate_fte", "_rate_headcount", "_pct")):
            assert m.unit == "%" and m.dp == 1
        elif m.column.endswith("_headcount"):
            assert m.is_headcount and m.dp == 0


def test_unknown_measures_get_a_generic_entry() -> None:
    assert (ees_measure("mystery_index").label, ees_measure("mystery_index").dp) == ("Mystery index", 1)
    assert ees_measure("bank_headcount").is_headcount
    assert ees_measure("retention_rate_headcount").unit == "%"
    rate = ees_measure("retention_rate_fte")
    assert (rate.unit, rate.dp, rate.guard_columns(["inpost_headcount", "agency_headcount"])) == (
        "%", 1, ("inpost_headcount", "agency_headcount"))
    assert ees_measure("cases_in_court").dp == 1 and ees_measure("court_cases").dp == 0


# ------------------------------------------------------------------------- export of a hand-built serving copy

MEASURES = ["inpost_fte", "inpost_headcount", "leavers_fte", "leavers_headcount", "turnover_rate_fte",
            "turnover_rate_headcount", "agency_fte", "agency_headcount", "agency_rate_fte", "agency_rate_headcount",
            "agency_cover_fte", "agency_cover_rate_fte", "vacancy_fte", "vacancy_rate_fte",
            "vacancy_agency_cover_rate_fte", "case_holders_fte", "cases", "caseload_fte", "absence_rate_fte",
            "fte_missing_records", "caseload_median", "nqsw_caseload_mean", "mystery_index"]
NO_STATUS = {"fte_missing_records", "mystery_index"}


def mart_columns() -> dict[str, str]:
    columns = {c: "varchar" for c in GEO}
    columns["time_period"] = "integer"
    columns["source"] = "varchar"
    for m in MEASURES:
        columns[m] = "double"
    for m in MEASURES:
        if m not in NO_STATUS:
            columns[f"{m}_status"] = "varchar"
    columns["las_contributing"] = "integer"
    columns["las_expected"] = "integer"
    return columns


REGION = {"region_code": "E12000003", "region_name": "Yorkshire and The Humber"}
GEOGRAPHIES: dict[str, dict[str, Any]] = {
    # the National row of the mart wrongly carries a region: the export blanks it
    "England": {"geographic_level": "National", "region_code": "E12000003", "las_contributing": 150,
                "las_expected": 153},
    "Region": {"geographic_level": "Regional", **REGION, "las_contributing": 2, "las_expected": 2},
    "Barnsley": {"geographic_level": "Local authority", **REGION, "old_la_code": "370", "new_la_code": "E08000016",
                 "la_name": "Barnsley"},
    "Doncaster": {"geographic_level": "Local authority", **REGION, "old_la_code": "371", "new_la_code": "E08000017",
                  "la_name": "Doncaster"},
}
# geography -> measure -> value or (value, status); unlisted measures are null with no status
FIGURES: dict[str, dict[str, Any]] = {
    "England": dict(inpost_fte=36186.25, inpost_headcount=38292, turnover_rate_fte=11.75, caseload_fte=15.15),
    "Region": dict(inpost_fte=2210.8, inpost_headcount=2341, agency_headcount=258, agency_rate_headcount=9.925,
                   turnover_rate_fte=12.61, cases=25010.0, caseload_fte=15.84, caseload_median=16.5),
    "Barnsley": dict(
        inpost_fte=12.25,  # -> 12.3 (half up; Python's round gives 12.2)
        inpost_headcount=212, leavers_fte=29.55, leavers_headcount=12.5,  # -> 13: whole, half up
        turnover_rate_fte=14.45,  # -> 14.5 (its float is 14.4499...: rounded from the shortest repr)
        turnover_rate_headcount=(13.78, "u"),  # u keeps the number
        agency_fte=2.6, agency_headcount=3,  # -> c
        agency_rate_fte=1.2,  # guard agency + in post = 215: shown
        agency_rate_headcount=1.396,  # same guard: shown
        agency_cover_fte=(1.0, "c"),  # a c status always wins over a value
        agency_cover_rate_fte=38.46,  # guard agency headcount 3 -> c
        vacancy_fte=0.0, vacancy_rate_fte=0.04,  # rounds to 0 but is not 0 -> low
        vacancy_agency_cover_rate_fte=(None, "z"),  # -> z
        cases=None,  # no value, no status -> x
        case_holders_fte=150.3, caseload_fte=17.26, absence_rate_fte=(None, "x"), fte_missing_records=4,
        caseload_median=17.0, nqsw_caseload_mean=12.0, mystery_index=0.333,
    ),
    "Doncaster": dict(
        inpost_fte=3.6, inpost_headcount=4,  # -> c, and every rate it guards -> c
        leavers_fte=1.0, leavers_headcount=1, turnover_rate_fte=27.78, turnover_rate_headcount=25.0,
        agency_fte=10.0, agency_headcount=10, agency_rate_fte=73.53, agency_rate_headcount=71.43,
        vacancy_fte=2.0, vacancy_rate_fte=35.71, absence_rate_fte=3.4, caseload_fte=12.04, cases=163.0,
        case_holders_fte=13.54,
    ),
}


def indicator_frame(source: str = "returns") -> pd.DataFrame:
    rows = []
    for geography, figures in FIGURES.items():
        row: dict[str, Any] = dict.fromkeys(mart_columns())
        row.update(time_period=2024, time_identifier="Reporting year", country_code="E92000001",
                   country_name="England", source=source, **GEOGRAPHIES[geography])
        for measure, given in figures.items():
            value, status = given if isinstance(given, tuple) else (given, None)
            row[measure] = None if value is None else float(value)
            if measure not in NO_STATUS:
                row[f"{measure}_status"] = status
        rows.append(row)
    return pd.DataFrame(rows, columns=list(mart_columns()))


def write_mart(path: Path, frame: pd.DataFrame) -> Path:
    con = duckdb.connect(str(path))
    try:
        ddl = ", ".join(f'"{c}" {t}' for c, t in mart_columns().items())
        con.execute("create schema marts")
        con.execute(f"create table marts.workforce_indicators ({ddl})")
        con.register("rows_df", frame)
        con.execute("insert into marts.workforce_indicators by name select * from rows_df")
    finally:
        con.close()
    return path


@pytest.fixture
def serving(tmp_path: Path) -> Path:
    published = indicator_frame("published").iloc[[2]].assign(inpost_fte=999.0)  # another source: not exported
    return write_mart(tmp_path / "serving.duckdb", pd.concat([indicator_frame(), published], ignore_index=True))


@pytest.fixture
def exported(serving: Path, tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame, Path, Path]:
    data_path, meta_path = export_ees(serving, tmp_path / "exports")
    data = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    meta = pd.read_csv(meta_path, dtype=str, keep_default_na=False)
    return data, meta, data_path, meta_path


def cells(data: pd.DataFrame, la_name: str) -> dict[str, str]:
    return data[data["la_name"] == la_name].iloc[0].to_dict()


def test_export_writes_the_pair_named_as_ees_wants(exported, tmp_path: Path) -> None:
    _, _, data_path, meta_path = exported
    assert (data_path.name, meta_path.name) == ("csww_regional_indicators.csv", "csww_regional_indicators.meta.csv")
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [data_path.name, meta_path.name]
    assert screen_files(data_path) == []


def test_export_rows_and_geography(exported) -> None:
    data, *_ = exported
    assert list(data["geographic_level"]) == ["National", "Regional", "Local authority", "Local authority"]
    assert (data["time_period"] == "2024").all() and (data["time_identifier"] == "Reporting year").all()
    national = data.iloc[0]
    assert [national[c] for c in ("region_code", "region_name", "old_la_code", "new_la_code", "la_name")] == [""] * 5
    regional = data.iloc[1]
    assert (regional["region_code"], regional["old_la_code"], regional["la_name"]) == ("E12000003", "", "")
    assert cells(data, "Barnsley")["inpost_fte"] == "12.3"  # the 'published' row (999) is not exported


def test_export_rounds_half_up(exported) -> None:
    data, *_ = exported
    barnsley = cells(data, "Barnsley")
    assert barnsley["inpost_fte"] == "12.3"
    assert barnsley["leavers_headcount"] == "13"
    assert barnsley["leavers_fte"] == "29.6"
    assert barnsley["turnover_rate_fte"] == "14.5"
    assert barnsley["caseload_fte"] == "17.3"
    assert barnsley["inpost_headcount"] == "212"
    assert data.iloc[0]["inpost_fte"] == "36186.3" and data.iloc[0]["turnover_rate_fte"] == "11.8"
    assert data.iloc[0]["caseload_fte"] == "15.2"
    assert data.iloc[1]["agency_rate_headcount"] == "9.9" and data.iloc[1]["cases"] == "25010"


def test_export_disclosure_control(exported) -> None:
    data, *_ = exported
    barnsley, doncaster = cells(data, "Barnsley"), cells(data, "Doncaster")
    assert barnsley["agency_headcount"] == "c"  # 3 < 5
    assert barnsley["agency_cover_rate_fte"] == "c"  # denominator: agency workers, 3 of them
    assert barnsley["agency_rate_fte"] == "1.2" and barnsley["agency_rate_headcount"] == "1.4"  # 3 + 212 >= 5
    assert barnsley["agency_fte"] == "2.6"  # FTEs are not suppressed (definitions.md)
    assert doncaster["inpost_headcount"] == "c" and doncaster["leavers_headcount"] == "c"
    for rate in ("turnover_rate_fte", "turnover_rate_headcount", "vacancy_rate_fte", "absence_rate_fte"):
        assert doncaster[rate] == "c", rate  # guarded by in-post headcount 4
    assert doncaster["agency_rate_fte"] == "73.5"  # guarded by agency + in post = 14
    assert doncaster["caseload_fte"] == "12.0"  # case holders: in post + agency = 14
    assert doncaster["inpost_fte"] == "3.6" and doncaster["agency_headcount"] == "10"
    # no first-year case-holder headcount in the mart: fail closed
    assert barnsley["nqsw_caseload_mean"] == "c"


def test_export_symbols(exported) -> None:
    data, *_ = exported
    barnsley = cells(data, "Barnsley")
    assert barnsley["vacancy_agency_cover_rate_fte"] == "z"
    assert barnsley["absence_rate_fte"] == "x"
    assert barnsley["cases"] == "x"  # null with no status
    assert barnsley["agency_cover_fte"] == "c"  # value with status c
    assert barnsley["turnover_rate_headcount"] == "13.8"  # u qualifies a number that is still shown
    assert barnsley["vacancy_rate_fte"] == "low" and barnsley["vacancy_fte"] == "0.0"
    assert (barnsley["las_contributing"], barnsley["las_expected"]) == ("z", "z")
    assert (data.iloc[1]["las_contributing"], data.iloc[0]["las_expected"]) == ("2", "153")


def test_export_columns_and_meta(exported) -> None:
    data, meta, *_ = exported
    indicators = [c for c in MEASURES if c != "fte_missing_records"] + ["las_contributing", "las_expected"]
    assert list(data.columns) == GEO + indicators
    assert not any(c.endswith("_status") for c in data.columns) and "source" not in data.columns
    assert list(meta.columns) == ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
                                  "indicator_dp", "filter_hint", "filter_grouping_column"]
    assert list(meta["col_name"]) == indicators
    assert (meta["col_type"] == "Indicator").all()
    assert (meta["filter_hint"] == "").all() and (meta["filter_grouping_column"] == "").all()
    by = meta.set_index("col_name")
    expected = {"inpost_fte": ("", "1"), "inpost_headcount": ("", "0"), "turnover_rate_fte": ("%", "1"),
                "cases": ("", "0"), "caseload_fte": ("", "1"), "absence_rate_fte": ("%", "1"),
                "las_contributing": ("", "0"), "mystery_index": ("", "1")}
    for column, (unit, dp) in expected.items():
        assert (by.at[column, "indicator_unit"], by.at[column, "indicator_dp"]) == (unit, dp), column
    assert by.at["turnover_rate_fte", "label"] == "Turnover rate (FTE) (%)"
    assert by.at["caseload_median", "label"] == "Median caseload (cases per case holder)"
    assert by.at["mystery_index", "label"] == "Mystery index"  # unknown measure: generic label, still exported
    assert cells(data, "Barnsley")["mystery_index"] == "0.3"


def test_export_fills_an_la_rows_region_from_the_official_list(tmp_path: Path) -> None:
    frame = indicator_frame()
    frame.loc[3, ["region_code", "region_name"]] = [None, None]
    data, meta = build_ees_frames(frame)
    assert tuple(data[data["la_name"] == "Doncaster"].iloc[0][["region_code", "region_name"]]) == (
        "E12000003", "Yorkshire and The Humber")
    assert screen(data, meta, "x.csv") == []


def test_export_reads_read_only_and_closes(serving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_connect = duckdb.connect

    def spy(database: str = ":memory:", *args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        calls.append(kwargs.get("read_only"))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr("pipeline.ees_export.duckdb.connect", spy)
    export_ees(serving, tmp_path / "out")
    assert calls == [True]
    monkeypatch.undo()
    real_connect(str(serving)).close()  # a writer can open it: no connection is left behind


def test_export_refuses_a_failing_file_and_keeps_the_previous_one(serving: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data_path, meta_path = export_ees(serving, out)
    before = data_path.read_bytes(), meta_path.read_bytes()
    bad = indicator_frame()
    bad.loc[1, ["region_code", "region_name"]] = ["A0000001", "Northern Alliance"]  # not an official region
    bad_serving = write_mart(tmp_path / "bad.duckdb", bad)
    with pytest.raises(EESScreeningError) as raised:
        export_ees(bad_serving, out)
    assert {f.rule for f in raised.value.failures} == {"region_code_name"}
    assert "A0000001" in str(raised.value)
    assert (data_path.read_bytes(), meta_path.read_bytes()) == before
    assert sorted(p.name for p in out.iterdir()) == [data_path.name, meta_path.name]  # no temporary left


def test_export_refuses_a_bad_name_without_writing(serving: Path, tmp_path: Path) -> None:
    with pytest.raises(EESScreeningError) as raised:
        export_ees(serving, tmp_path / "out", name="csww indicators")
    assert {f.rule for f in raised.value.failures} == {"file_name"}
    assert not (tmp_path / "out").exists()


def test_export_with_no_rows_of_the_source(serving: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no rows"):
        export_ees(serving, tmp_path / "out", source="elsewhere")
    with pytest.raises(FileNotFoundError):
        export_ees(tmp_path / "missing.duckdb", tmp_path / "out")


def test_export_of_the_published_source(serving: Path, tmp_path: Path) -> None:
    data_path, _ = export_ees(serving, tmp_path / "out", name="csww_published", source="published")
    data = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    assert list(data["la_name"]) == ["Barnsley"] and data.at[0, "inpost_fte"] == "999.0"


# ------------------------------------------------------------------------------- the demonstration region

@pytest.fixture(scope="session")
def demo_serving(demo_home: Path) -> Path:
    """The demonstration region's serving copy: the session's one real `workforce demo` (conftest)."""
    return demo_home / "warehouse" / "serving.duckdb"


def test_demo_export_passes_screening(demo_serving: Path, tmp_path: Path) -> None:
    data_path, meta_path = export_ees(demo_serving, tmp_path / "exports")
    assert screen_files(data_path, meta_path) == []
    data = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    # 12 LAs, the North East and England (from the returns), for 2024 and 2025
    assert len(data) == 28 and set(data["geographic_level"]) == {"National", "Regional", "Local authority"}
    assert (data["agency_headcount"] == "c").any()  # the demo has LAs with 1 to 4 agency workers
    headcounts = [c for c in data.columns if c in MEASURES_BY_COLUMN and MEASURES_BY_COLUMN[c].is_headcount]
    assert "inpost_headcount" in headcounts and "agency_rate_headcount" not in headcounts
    for column in headcounts:
        numbers = pd.to_numeric(data[column], errors="coerce").dropna()
        assert (numbers >= 5).all(), column


def test_london_la_coded_with_its_sub_region_is_exported_in_london() -> None:
    """Published LA rows of London carry Inner/Outer London (E13...): the export gives the LA its region."""
    frame = indicator_frame("published").iloc[[2]].copy()
    frame[["region_code", "region_name", "old_la_code", "new_la_code", "la_name"]] = [
        "E13000001", "Inner London", "202", "E09000007", "Camden"]
    data, meta = build_ees_frames(frame)
    assert tuple(data.iloc[0][["region_code", "region_name", "la_name"]]) == ("E12000007", "London", "Camden")
    assert screen(data, meta, "x.csv") == []
