"""The pages "Submissions and data quality" and "Downloads", for every role, on real pipeline outputs.

Two homes. The session's ``demo_home``: twelve North East LAs, 2024 and 2025, census XML and R2 workbooks,
every return accepted, some with CSWW050 warnings (counts are read from its serving copy, as the demo grows).
``errors_home``, built here through the real ``workforce`` command: County Durham (840) sends a 2025 return,
then a second one with one record in error (WorkingDaysLost 300, CSWW040) and one warning (Cases30 45,
CSWW031), and a 2024 return; Darlington (841) sends a 2024 return and a 2025 return with the wrong reference
date (CSWW003: rejected); DfE's published file gives the alliance its twelve members. Expected values are read
independently from the serving copy with duckdb, or worked out by hand in the comments.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from dashboards import data_access
from dashboards import submission_tables as tables
from dashboards.ees_download import build_ees_download
from dashboards.views.downloads import published_table
from pipeline.access.roles import PUBLIC_VIEWER, Role, Viewer
from pipeline.disclosure import MEASURES_BY_COLUMN
from reference.paths import PUBLISHED_INDICATORS
from tests.csww_builders import csww, la_level, worker
from tests.dashboard_apptest import open_app, open_page, texts
from tests.serving_fixture import write_serving_copy

WORKFORCE = str(Path(sys.executable).with_name("workforce"))
NORTH_EAST = "E12000001"
NE_LAS = {"390", "391", "392", "393", "394", "805", "806", "807", "808", "840", "841", "929"}

ANALYST = Viewer("ana", "Ana Lyst", Role.ANALYST, alliance_code=NORTH_EAST)
DURHAM = Viewer("lee", "Lee Durham", Role.LA, la_code="840")
DARLINGTON = Viewer("dee", "Dee Darlington", Role.LA, la_code="841")
NORTH_WEST_ANALYST = Viewer("nwa", "North West analyst", Role.ANALYST, alliance_code="E12000002")


# --- helpers ----------------------------------------------------------------------------------------------

def serving_df(home: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    """An independent read of a home's serving copy."""
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def table_with(at, column: str) -> pd.DataFrame:
    """The one dataframe on the page that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables with {column!r}"
    return found[0]


def all_cells(at) -> str:
    """Every cell of every dataframe on the page, as text."""
    return "\n".join(d.value.to_csv(index=False) for d in at.dataframe)


def chart_data(at) -> list[dict]:
    """The rows of the (one) Altair chart on the page."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    assert json.loads(proto.spec)["title"]
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in proto.datasets]
    return [row for frame in frames for row in frame.to_dict("records")]


def resolved(viewer: Viewer) -> Viewer:
    return data_access.resolve_viewer(viewer)


def workforce(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKFORCE_HOME": str(home)}
    return subprocess.run([WORKFORCE, *args], env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture
def demo(demo_home, monkeypatch) -> Path:
    monkeypatch.setenv("WORKFORCE_HOME", str(demo_home))
    return demo_home


@pytest.fixture(scope="module")
def errors_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("submissions") / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    first = home / "durham_2025_first.xml"
    first.write_bytes(csww([worker(SWENo="SW000001"), worker(SWENo="SW000002"), worker(SWENo="SW000003")],
                           lea="840", year=2025))
    result = workforce(home, "ingest", str(first))
    assert "durham_2025_first.xml: accepted" in result.stdout, result.stdout + result.stderr
    (inbox / "durham_2025_second.xml").write_bytes(csww([
        worker(SWENo="SW000001"),
        worker(SWENo="SW000002", WorkingDaysLost=300),  # CSWW040: the record is rejected
        worker(SWENo="SW000003", Cases30=45),  # CSWW031: a warning, the record is kept
        worker(SWENo="SW000004"),
        worker(SWENo="SW200002", AgencyWorker=1, Cases30=10),
    ], lea="840", year=2025))
    (inbox / "durham_2024.xml").write_bytes(csww([worker(SWENo="SW000001", RoleStartDate="2019-01-01")],
                                                 lea="840", year=2024, la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    (inbox / "darlington_2025.xml").write_bytes(csww(lea="841", year=2025, reference_date="2025-03-31"))
    (inbox / "darlington_2024.xml").write_bytes(csww([worker(SWENo="SW000005", FTE=0.5, FTE30=0.5, Cases30=5)],
                                                     lea="841", year=2024,
                                                     la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    shutil.copy(PUBLISHED_INDICATORS, inbox / PUBLISHED_INDICATORS.name)
    result = workforce(home, "run")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]  # rows and a file rejected
    return home


@pytest.fixture
def errors(errors_home, monkeypatch) -> Path:
    monkeypatch.setenv("WORKFORCE_HOME", str(errors_home))
    return errors_home


def submission_id(home: Path, file_name: str) -> str:
    return str(serving_df(home, "select submission_id from marts.submissions where file_name = ?",
                          [file_name]).iloc[0, 0])


# --- who may open what ------------------------------------------------------------------------------------

def test_public_cannot_open_the_submissions_page(demo):
    with pytest.raises(ValueError):
        open_page(PUBLIC_VIEWER, "submissions")


def test_public_gets_no_submissions_issues_or_reports(demo):
    any_id = submission_id(demo, "csww_840_2025.xml")
    assert data_access.submissions(PUBLIC_VIEWER).empty
    assert data_access.validation_issues(PUBLIC_VIEWER).empty
    for kind in ("html", "xlsx"):
        with pytest.raises(data_access.ReportNotAvailable):
            data_access.report_bytes(PUBLIC_VIEWER, any_id, kind)
    assert data_access.ees_source_rows(PUBLIC_VIEWER).empty


# --- analyst, demo ------------------------------------------------------------------------------------------

def test_analyst_sees_every_alliance_submission_and_report(demo):
    at = open_page(ANALYST, "submissions")
    assert not at.exception
    expected = serving_df(demo, """select submission_id, old_la_code, time_period, rows_accepted, warning_count
        from marts.submissions where old_la_code is not null order by submission_id""")
    assert set(expected["old_la_code"]) == NE_LAS and len(expected) >= 24  # at least an XML per LA and year
    per_la_2025 = expected[expected["time_period"] == 2025].groupby("old_la_code").size()

    status = table_with(at, tables.COL_STATUS)  # the latest year, 2025: every LA sent one accepted return
    assert set(status[tables.COL_CODE]) == NE_LAS
    assert set(status[tables.COL_YEAR]) == {2025}
    assert dict(zip(status[tables.COL_CODE], status[tables.COL_RETURNS], strict=True)) == per_la_2025.to_dict()
    assert "Every LA shown has a return that counts for 2025" in texts(at)

    returns = table_with(at, tables.COL_USED)
    assert len(returns) == len(expected) and set(returns[tables.COL_USED]) == {tables.USED_CURRENT}
    by_checksum = returns.set_index(tables.COL_CHECKSUM)
    for _, row in expected.iterrows():
        shown = by_checksum.loc[row["submission_id"][:12]]
        assert shown[tables.COL_LOADED] == row["rows_accepted"]
        assert shown[tables.COL_WARNINGS] == row["warning_count"]

    report_picker = at.selectbox(key="submissions.report")  # one entry per file, every LA
    assert len(report_picker.options) == len(expected)
    assert {label.split(",")[0] for label in report_picker.options} == set(status[tables.COL_LA])
    assert report_picker.value in set(expected["submission_id"])

    issues = table_with(at, "Rule")
    n_issues = serving_df(demo, "select count(*) from marts.validation_issues where old_la_code is not null")
    assert len(issues) == int(n_issues.iloc[0, 0]) > 0
    assert set(issues["Rule"]) == {"CSWW050"} and set(issues["Severity"]) == {"warning"}
    assert (issues["Worker (hashed)"].str.fullmatch(r"[0-9a-f]{12}")).all()
    assert "SW" not in "".join(issues["Worker (hashed)"])


def test_analyst_reports_are_the_files_in_the_reports_folder(demo):
    viewer = resolved(ANALYST)
    rows = serving_df(demo, "select submission_id, report_html, report_xlsx from marts.submissions "
                            "where old_la_code is not null")
    for _, row in rows.iterrows():
        for kind in ("html", "xlsx"):
            assert data_access.report_bytes(viewer, row["submission_id"], kind) == \
                Path(row[f"report_{kind}"]).read_bytes()


def test_analyst_of_another_alliance_sees_none_of_these_returns(demo):
    viewer = resolved(NORTH_WEST_ANALYST)
    assert "390" not in viewer.detail_las() and viewer.detail_las()
    assert data_access.submissions(viewer).empty
    assert data_access.validation_issues(viewer).empty
    with pytest.raises(data_access.ReportNotAvailable):
        data_access.report_path(viewer, submission_id(demo, "csww_840_2025.xml"), "html")


# --- la user, demo ---------------------------------------------------------------------------------------

def test_la_user_sees_only_their_own_submissions_issues_and_reports(demo):
    at = open_page(DURHAM, "submissions")
    assert not at.exception
    assert at.selectbox(key="submissions.la").options == ["County Durham"]  # no other LA can be chosen
    own = serving_df(demo, """select submission_id, file_name, time_period,
        strftime(arrived_at, '%Y-%m-%d %H:%M:%S') as arrived from marts.submissions where old_la_code = '840'""")
    own_issues = serving_df(demo, "select count(*) from marts.validation_issues where old_la_code = '840'")
    assert len(own) >= 2
    for column in (tables.COL_STATUS, tables.COL_USED, "Rule"):
        assert set(table_with(at, column)[tables.COL_CODE]) == {"840"}
    assert len(table_with(at, tables.COL_USED)) == len(own)
    assert len(table_with(at, "Rule")) == int(own_issues.iloc[0, 0]) > 0  # CSWW050 warnings of 840's 2024 XML
    assert set(at.selectbox(key="submissions.report").options) == {
        f"County Durham, {r.time_period}: {r.file_name} (arrived {r.arrived}, counts)" for r in own.itertuples()}
    shown = texts(at) + all_cells(at)
    for other in ("Gateshead", "Darlington", "Sunderland", "csww_390", "csww_841"):
        assert other not in shown


def test_la_user_forcing_another_la_in_the_session_still_sees_only_their_own(demo):
    at = open_app(DURHAM)
    at.session_state["submissions.la"] = "390"
    at = open_page(DURHAM, "submissions", at)
    shown = texts(at) + all_cells(at)
    assert "Gateshead" not in shown and "csww_390" not in shown
    for d in at.dataframe:
        if tables.COL_CODE in d.value.columns:
            assert set(d.value[tables.COL_CODE]) <= {"840"}


def test_scoped_readers_give_an_la_user_no_row_of_another_la(demo):
    viewer = resolved(DURHAM)
    assert set(data_access.submissions(viewer)["old_la_code"]) == {"840"}
    assert data_access.submissions(viewer, "old_la_code = $la", {"la": "390"}).empty
    issues = data_access.validation_issues(viewer)
    assert set(issues["old_la_code"]) == {"840"}
    assert len(issues) == int(serving_df(demo, "select count(*) from marts.validation_issues "
                                               "where old_la_code = '840'").iloc[0, 0]) > 0
    assert data_access.validation_issues(viewer, "old_la_code = '390'").empty
    gateshead = submission_id(demo, "csww_390_2025.xml")
    for kind in ("html", "xlsx"):
        with pytest.raises(data_access.ReportNotAvailable):
            data_access.report_bytes(viewer, gateshead, kind)
    # The download tables are built from these rows only.
    assert set(tables.submissions_table(data_access.submissions(viewer))[tables.COL_CODE]) == {"840"}
    assert set(tables.issues_table(issues, {})[tables.COL_CODE]) == {"840"}


def test_la_user_can_read_their_report_on_the_page(demo):
    at = open_page(DURHAM, "submissions")
    at.toggle(key="submissions.show_report").set_value(True).run()
    html = at.get("html")
    assert len(html) == 1
    body = html[0].proto.body
    chosen = at.session_state["submissions.report"]
    newest = serving_df(demo, """select arg_max(submission_id, arrived_at) from marts.submissions
        where old_la_code = '840' and time_period = 2025""").iloc[0, 0]
    assert chosen == newest  # the latest year's newest file is offered first
    assert "Validation report" in body and chosen in body and "<style" not in body


# --- report files: never outside the reports folder -------------------------------------------------------

def test_report_path_outside_the_reports_folder_is_refused(tmp_path):
    reports = tmp_path / "home" / "reports"
    reports.mkdir(parents=True)
    good = reports / "840_2025_abc.html"
    good.write_text("<html><body>report</body></html>")
    assert data_access.safe_report_path(str(good), reports) == good.resolve()
    assert data_access.safe_report_path("840_2025_abc.html", reports) == good.resolve()  # relative to reports/
    secret = tmp_path / "home" / "secret.html"
    secret.write_text("not a report")
    (reports / "link.html").symlink_to(secret)
    (reports / "serving.duckdb").write_bytes(b"")
    for stored in (str(secret), "../secret.html", str(reports / ".." / "secret.html"), str(reports / "link.html"),
                   "/etc/passwd", str(reports / "serving.duckdb"), str(reports), "", None,
                   str(reports / "missing.html")):
        with pytest.raises(data_access.ReportNotAvailable):
            data_access.safe_report_path(stored, reports)


def test_a_submission_whose_report_path_leaves_the_reports_folder_is_refused(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("WORKFORCE_HOME", str(home))
    serving = write_serving_copy(home / "warehouse" / "serving.duckdb")
    outside = tmp_path / "outside.html"
    outside.write_text("<html>private</html>")
    (home / "reports").mkdir()
    inside = home / "reports" / "370_2024_bbb.html"
    inside.write_text("<html>the report</html>")
    con = duckdb.connect(str(serving))
    try:
        con.execute("""create table marts.submissions as select *, 2024 as time_period,
                date '2024-09-30' as period_end, 'csww_xml' as return_type, now() as arrived_at from (values
            ('370', 'aaa', '370_outside.xml', ?, ?), ('370', 'bbb', '370_inside.xml', ?, ?))
            t(old_la_code, submission_id, file_name, report_html, report_xlsx)""",
                    [str(outside), str(outside), str(inside), None])
    finally:
        con.close()
    viewer = Viewer("b", "Barnsley", Role.LA, la_code="370")
    with pytest.raises(data_access.ReportNotAvailable, match="not in the reports folder"):
        data_access.report_bytes(viewer, "aaa", "html", path=serving)
    assert data_access.report_bytes(viewer, "bbb", "html", path=serving) == b"<html>the report</html>"
    with pytest.raises(data_access.ReportNotAvailable, match="No validation report"):
        data_access.report_bytes(viewer, "bbb", "xlsx", path=serving)
    with pytest.raises(ValueError):
        data_access.report_path(viewer, "bbb", "duckdb", path=serving)
    other_la = Viewer("d", "Doncaster", Role.LA, la_code="371")
    with pytest.raises(data_access.ReportNotAvailable, match="no return"):
        data_access.report_bytes(other_la, "bbb", "html", path=serving)


# --- a region with errors, a resubmission, a rejected file and missing LAs -----------------------------------

def test_analyst_sees_who_is_missing_and_what_is_wrong(errors):
    at = open_page(ANALYST, "submissions")
    assert not at.exception
    status = table_with(at, tables.COL_STATUS).set_index(tables.COL_CODE)
    # 2025: 840 has one return that counts (the second), 841 only a rejected file, the other ten nothing.
    assert len(status) == 12
    assert status.loc["840", tables.COL_STATUS] == "Some rows rejected"
    assert (status.loc["840", tables.COL_ERRORS], status.loc["840", tables.COL_WARNINGS]) == (1, 1)
    assert status.loc["841", tables.COL_STATUS] == tables.ONLY_REJECTED
    assert set(status.index[status[tables.COL_STATUS] == tables.NO_RETURN]) == NE_LAS - {"840", "841"}
    page = texts(at)
    assert "11 of 12 LAs have sent no return that counts for 2025" in page
    assert "Darlington (only rejected files)" in page and "Gateshead" in page
    assert "LAs with a return that counts 1 of 12" in page
    assert "LAs whose files have errors 2" in page  # 840's second return and 841's rejected file
    assert status.loc["841", tables.COL_ERRORS] == 1

    returns = [d.value for d in at.dataframe if tables.COL_USED in d.value.columns][0].set_index(tables.COL_FILE)
    expected = serving_df(errors, """select file_name, rows_received, rows_accepted, rows_rejected, error_count,
        warning_count, superseded, status from marts.submissions where old_la_code is not null""")
    current = expected[~expected["superseded"] & (expected["status"] != "rejected")]
    assert set(returns.index) == set(current["file_name"]) == {"durham_2025_second.xml", "durham_2024.xml",
                                                              "darlington_2024.xml"}
    second = returns.loc["durham_2025_second.xml"]
    assert (second[tables.COL_RECEIVED], second[tables.COL_LOADED], second[tables.COL_REJECTED]) == (5, 4, 1)


def test_earlier_and_rejected_files_are_listed_apart(errors):
    at = open_page(ANALYST, "submissions")
    frames = [d.value for d in at.dataframe if tables.COL_USED in d.value.columns]
    assert len(frames) == 2
    current, earlier = frames
    assert set(current[tables.COL_USED]) == {tables.USED_CURRENT}
    assert dict(zip(earlier[tables.COL_FILE], earlier[tables.COL_USED], strict=True)) == {
        "durham_2025_first.xml": tables.USED_SUPERSEDED, "darlington_2025.xml": tables.USED_REJECTED}
    assert dict(zip(earlier[tables.COL_FILE], earlier[tables.COL_OUTCOME], strict=True))[
        "darlington_2025.xml"] == "Rejected: nothing loaded"


def test_issues_filters_and_chart(errors):
    at = open_page(ANALYST, "submissions")
    issues = table_with(at, "Rule")
    # The files that count or were rejected: CSWW003 (841, file), CSWW040 and CSWW031 (840's second file);
    # not the CSWW060 warning of 840's first, superseded file.
    assert sorted(issues["Rule"]) == ["CSWW003", "CSWW031", "CSWW040"]
    row = issues.set_index("Rule").loc["CSWW040"]
    assert (row[tables.COL_CODE], row["Severity"], row["Item"], row["Value"]) == ("840", "error",
                                                                                  "WorkingDaysLost", "300")
    assert row["Worker (hashed)"] == str(serving_df(errors, "select worker_ref from marts.validation_issues "
                                                            "where rule_code = 'CSWW040'").iloc[0, 0])[:12]
    assert row["What to do"]
    counts = {(r["Local authority"], r["Severity"]): r["Issues"] for r in chart_data(at)}
    assert counts == {("County Durham", "error"): 1, ("County Durham", "warning"): 1, ("Darlington", "error"): 1}

    at.toggle(key="submissions.superseded_issues").set_value(True).run()
    assert sorted(table_with(at, "Rule")["Rule"]) == ["CSWW003", "CSWW031", "CSWW040", "CSWW060"]
    at.multiselect(key="submissions.severity").set_value(["error"]).run()
    assert sorted(table_with(at, "Rule")["Rule"]) == ["CSWW003", "CSWW040"]
    at.multiselect(key="submissions.severity").set_value(["error", "warning"]).run()
    at.multiselect(key="submissions.rules").set_value(["CSWW060"]).run()
    only = table_with(at, "Rule")
    assert list(only["Rule"]) == ["CSWW060"] and list(only[tables.COL_FILE]) == ["durham_2025_first.xml"]


def test_choosing_one_la_and_year(errors):
    at = open_page(ANALYST, "submissions")
    at.selectbox(key="submissions.la").set_value("841").run()
    at.selectbox(key="submissions.year").set_value(2024).run()
    status = table_with(at, tables.COL_STATUS)
    assert list(status[tables.COL_CODE]) == ["841"] and list(status[tables.COL_STATUS]) == ["Accepted"]
    assert [list(d.value[tables.COL_FILE]) for d in at.dataframe if tables.COL_USED in d.value.columns] == [
        ["darlington_2024.xml"]]  # one table: no earlier or rejected file for 841 in 2024
    assert at.selectbox(key="submissions.report").value == submission_id(errors, "darlington_2024.xml")


def test_la_user_whose_only_return_was_rejected_is_told(errors):
    at = open_page(DARLINGTON, "submissions")
    page = texts(at)
    assert "Your LA has sent no return that counts for 2025:** Darlington (only rejected files)" in page
    assert "LAs with a return" not in page  # the alliance counts are for analysts
    assert "County Durham" not in page + all_cells(at)
    issues = table_with(at, "Rule")
    assert list(issues["Rule"]) == ["CSWW003"]
    rejected = submission_id(errors, "darlington_2025.xml")
    html = data_access.report_bytes(resolved(DARLINGTON), rejected, "html").decode()
    assert "ReferenceDate" in html
    with pytest.raises(data_access.ReportNotAvailable):
        data_access.report_bytes(resolved(DARLINGTON), submission_id(errors, "durham_2025_second.xml"), "html")


def test_status_table_by_hand():
    rows = pd.DataFrame({
        "old_la_code": ["1", "1", "2"], "time_period": [2025, 2025, 2025],
        "status": ["accepted", "accepted_with_warnings", "rejected"], "superseded": [True, False, False],
        "error_count": [0, 0, 3], "warning_count": [0, 2, 0],
        "arrived_at": pd.to_datetime(["2025-10-01 10:00", "2025-10-02 11:30", "2025-10-03 09:00"]),
    })
    status = tables.status_for_year(["1", "2", "3"], {"1": "One", "2": "Two", "3": "Three"}, rows, 2025)
    assert list(status[tables.COL_LA]) == ["Three", "Two", "One"]  # nothing, only rejected, then the rest
    assert list(status[tables.COL_STATUS]) == [tables.NO_RETURN, tables.ONLY_REJECTED, "Accepted with warnings"]
    assert list(status[tables.COL_WARNINGS]) == [0, 0, 2]  # the superseded return's counts are not added
    assert list(status[tables.COL_ERRORS]) == [0, 3, 0]  # no return counts for Two: its rejected file's errors
    assert list(status[tables.COL_LAST]) == ["", "2025-10-03 09:00:00", "2025-10-02 11:30:00"]
    assert tables.missing(status) == ["Three", "Two (only rejected files)"]


# --- downloads: the EES export ----------------------------------------------------------------------------

def test_ees_download_equals_the_command_line_export(errors, tmp_path):
    result = workforce(errors, "export", "ees", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    for viewer in (ANALYST, DURHAM):
        export = build_ees_download(data_access.ees_source_rows(resolved(viewer)))
        assert export is not None and export.passed
        assert export.data_bytes == (tmp_path / "out" / "csww_regional_indicators.csv").read_bytes()
        assert export.meta_bytes == (tmp_path / "out" / "csww_regional_indicators.meta.csv").read_bytes()


def test_ees_download_of_the_demo_equals_its_export(demo):
    export = build_ees_download(data_access.ees_source_rows(resolved(DURHAM)))
    assert export is not None and export.passed
    assert export.data_bytes == (demo / "exports" / "csww_regional_indicators.csv").read_bytes()
    assert export.meta_bytes == (demo / "exports" / "csww_regional_indicators.meta.csv").read_bytes()
    las = set(export.data.loc[export.data["geographic_level"] == "Local authority", "old_la_code"])
    assert las == NE_LAS
    assert set(export.data.loc[export.data["geographic_level"] == "Regional", "region_code"]) == {NORTH_EAST}


def test_ees_download_holds_only_what_the_role_allows(tmp_path):
    # The hand-written serving copy has returns rows for Barnsley and Doncaster (Yorkshire and The Humber).
    serving = write_serving_copy(tmp_path / "serving.duckdb")
    yorkshire = Viewer("y", "Barnsley", Role.LA, la_code="370", alliance_code="E12000003",
                       alliance_las=frozenset({"370", "371"}))
    rows = data_access.ees_source_rows(yorkshire, path=serving)
    assert set(rows.loc[rows["geographic_level"] == "Local authority", "old_la_code"]) == {"370", "371"}
    # Another alliance's LA user gets the national row only: no LA or regional row of Yorkshire.
    elsewhere = Viewer("n", "Gateshead", Role.LA, la_code="390", alliance_code=NORTH_EAST,
                       alliance_las=frozenset({"390"}))
    rows = data_access.ees_source_rows(elsewhere, path=serving)
    assert set(rows["geographic_level"]) == {"National"}
    assert set(rows["source"]) == {"returns"}
    export = build_ees_download(rows)
    assert export is not None and set(export.data["geographic_level"]) == {"National"}
    assert data_access.ees_source_rows(PUBLIC_VIEWER, path=serving).empty
    assert build_ees_download(pd.DataFrame()) is None


def test_downloads_page_for_la_and_analyst(demo):
    expected = build_ees_download(data_access.ees_source_rows(resolved(ANALYST)))
    assert expected is not None
    for viewer in (ANALYST, DURHAM):
        at = open_page(viewer, "downloads")
        assert not at.exception
        page = texts(at)
        assert "pass the EES screening checks" in page
        levels = serving_df(demo, """select geographic_level, count(*) as n from marts.workforce_indicators
            where source = 'returns' group by 1""").set_index("geographic_level")["n"]
        assert (f"{levels.sum()} rows ({levels['Local authority']} LA, {levels['Regional']} regional, "
                f"{levels['National']} national)") in page
        preview = table_with(at, "time_identifier")
        pd.testing.assert_frame_equal(preview.reset_index(drop=True).astype(str),
                                      expected.data.head(50).astype(str), check_dtype=False)
        assert "Submissions and data quality" in page  # the other pages' downloads are listed
        labels = [b.proto.label for b in at.get("download_button")]
        assert {"Data file (CSV)", "Metadata file (.meta.csv)", "Both files (zip)"} <= set(labels)


def test_downloads_page_for_public_offers_published_figures_only(demo):
    at = open_page(PUBLIC_VIEWER, "downloads")
    assert not at.exception
    page = texts(at)
    assert "EES open-data export" not in page and "pass the EES screening" not in page
    assert "Submissions and data quality" not in page  # a page public cannot open is not listed
    assert not at.dataframe
    at.toggle(key="downloads.published").set_value(True).run()
    table = published_table(data_access.indicators(PUBLIC_VIEWER, "source = 'published'"))
    n = int(serving_df(demo, "select count(*) from marts.workforce_indicators where source = 'published'")
            .iloc[0, 0])
    assert len(table) == n
    assert "source" not in table.columns
    # Rounded and suppressed: no headcount under 5 survives, and FTEs have at most one decimal place.
    headcounts = [c for c in table.columns if c in MEASURES_BY_COLUMN and MEASURES_BY_COLUMN[c].is_headcount]
    assert "inpost_headcount" in headcounts
    for column in headcounts:
        values = table[column].dropna()
        assert (values >= 5).all(), column
    inpost = table["inpost_fte"].dropna()
    assert ((inpost * 10).round(6) % 1 == 0).all()
    shown = table_with(at, "time_identifier")
    assert len(shown) == 50 and set(shown.columns) == set(table.columns)
