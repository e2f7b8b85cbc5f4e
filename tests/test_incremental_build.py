"""`workforce run` on a complete warehouse rebuilds only what new files change, and gets exactly what a full
build gets (pipeline/build_state.py, the command line's ``_run`` and ``affected_by``).

One home, through the real console script: a first run with all three kinds of file (CSWW returns, an R2
workbook, DfE's published statistics: a full build), a run with nothing new (no build), then a CSWW
resubmission, a new workbook and a new published file, each a run (a build of what is downstream of the raw
tables it was loaded into, leaving out the other kinds' models) followed by ``workforce build`` (everything)
on the same raw data, whose marts must equal the incremental ones row for row.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import build_state
from pipeline.settings import Settings
from reference.paths import DBT_PROJECT_DIR, PUBLISHED_INDICATORS
from tests.csww_builders import csww, la_level, worker
from tests.test_ees_input import base_rows, ees_csv
from tests.test_pipeline import workforce
from tests.workbook_builders import about, summary_row, team_row, workbook

pytestmark = pytest.mark.pipeline

NODES = re.compile(r"dbt build: (\d+) nodes, 0 failed")


def marts(home: Path) -> dict[str, list[tuple]]:
    """Every table of the serving copy's marts, sorted."""
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}
    finally:
        con.close()


# built by submission (dbt_project/macros/incremental_by_submission.sql): a resubmission run adds the new
# submission's rows and deletes the superseded one's, where every other build rebuilds them whole
INCREMENTAL_MODELS = ("int_csww__workers_classified", "int_csww__la_components")


def incremental_tables(home: Path) -> dict[str, list[tuple]]:
    """The incremental models' tables in the warehouse, sorted (read when no command is running)."""
    con = duckdb.connect(str(home / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        return {m: con.execute(f"select * from intermediate.{m} order by all").fetchall() for m in INCREMENTAL_MODELS}
    finally:
        con.close()


def durham_headcount(home: Path) -> float:
    """County Durham's 2025 inpost_headcount from the returns, in the serving copy."""
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select inpost_headcount from marts.workforce_indicators where source = 'returns' and "
            "geographic_level = 'Local authority' and old_la_code = '840' and time_period = 2025").fetchall()
    finally:
        con.close()
    assert len(rows) == 1, rows
    return rows[0][0]


def durham_2025(inbox: Path, name: str, extra_workers: int) -> None:
    # County Durham 2025: 1 + extra_workers in-post case holders (FTE 1.0, 15 cases each) and one agency
    # worker (FTE 1.0, 10 cases). In post: headcount 1 + extra_workers.
    workers = [worker(SWENo=f"SW00000{i + 1}") for i in range(1 + extra_workers)]
    workers.append(worker(SWENo="SW200002", AgencyWorker=1, Cases30=10))
    (inbox / name).write_bytes(csww(workers, lea="840", year=2025))


def two_returns_and_published(inbox: Path) -> None:
    """County Durham's and Darlington's 2025 returns, and DfE's published statistics."""
    durham_2025(inbox, "durham_2025.xml", extra_workers=0)
    (inbox / "darlington_2025.xml").write_bytes(
        csww([worker(SWENo="SW000005", FTE=0.5, FTE30=0.5, Cases30=5)], lea="841", year=2025,
             la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    shutil.copy(PUBLISHED_INDICATORS, inbox / PUBLISHED_INDICATORS.name)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("incremental") / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    two_returns_and_published(inbox)
    (inbox / "hartlepool_2025.xlsx").write_bytes(hartlepool_workbook(inpost_headcount=402))
    found: dict = {"home": home}
    for step in ("first", "nothing_new"):
        found[step] = workforce(home, "run")
        found[f"{step}_marts"] = marts(home)
        found[f"{step}_durham"] = durham_headcount(home)
    # Durham resubmits 2025 with two more in-post workers (headcount 1 -> 3)
    durham_2025(inbox, "durham_2025_resubmitted.xml", extra_workers=2)
    found["resubmission"] = workforce(home, "run")
    found["resubmission_marts"] = marts(home)
    found["resubmission_durham"] = durham_headcount(home)
    found["resubmission_incremental"] = incremental_tables(home)
    found["full"] = workforce(home, "build")
    found["full_marts"] = marts(home)
    found["full_incremental"] = incremental_tables(home)
    # the same file again under another name (renamed in the inbox): its rows are loaded again (the same
    # submission_id, its content's hash, and a new loaded_at), which the incremental models must replace, not
    # keep or duplicate
    (inbox / "durham_2025_resubmitted.xml").rename(inbox / "durham_2025_sent_again.xml")
    run_then_build(home, found, "reload")
    # Hartlepool sends a new workbook; then newer published statistics arrive (other values for some areas)
    (inbox / "hartlepool_2025_v2.xlsx").write_bytes(hartlepool_workbook(inpost_headcount=410))
    run_then_build(home, found, "workbook")
    (inbox / "indicators_update.csv").write_bytes(ees_csv(base_rows()))
    run_then_build(home, found, "published")
    return found


def run_then_build(home: Path, found: dict, step: str) -> None:
    found[step] = workforce(home, "run")
    found[f"{step}_marts"] = marts(home)
    found[f"{step}_incremental"] = incremental_tables(home)
    found[f"{step}_full"] = workforce(home, "build")
    found[f"{step}_full_marts"] = marts(home)
    found[f"{step}_full_incremental"] = incremental_tables(home)


def hartlepool_workbook(inpost_headcount: int) -> bytes:
    """Hartlepool (805) sends no CSWW return: its figures come from its annual R2 workbook."""
    return workbook(about_row=about(old_la_code="805", la_name="Hartlepool"),
                    summary=[summary_row(inpost_headcount=inpost_headcount)], teams=[team_row()])


def built(result, model: str) -> bool:
    """Whether dbt built ``model`` in this command (its line in dbt's output)."""
    return re.search(rf"OK created sql (table|view|incremental) model \w+\.{model} ", result.stdout) is not None


def nodes(result) -> int:
    match = NODES.search(result.stdout)
    assert match, result.stdout[-3000:] + result.stderr[-3000:]
    return int(match.group(1))


def test_first_run_builds_everything_and_records_a_complete_warehouse(runs):
    first = runs["first"]
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "rebuilding what the new files change" not in first.stdout
    record = json.loads((runs["home"] / "dbt" / build_state.RECORD).read_text())
    assert record["project"] == build_state.project_fingerprint()


def test_nothing_new_builds_nothing(runs):
    again = runs["nothing_new"]
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "nothing new was loaded" in again.stdout
    assert NODES.search(again.stdout) is None  # dbt did not run
    assert runs["nothing_new_marts"] == runs["first_marts"]


def test_resubmission_rebuilds_only_what_is_downstream(runs):
    result = runs["resubmission"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "durham_2025_resubmitted.xml: accepted" in result.stdout
    assert "rebuilding what the new files change (downstream of raw/csww_la_level, raw/csww_workers" in result.stdout
    # the seeds, the reference staging and their tests are not run again
    assert 0 < nodes(result) < nodes(runs["first"]) == nodes(runs["full"])


def test_resubmission_builds_the_incremental_models_incrementally(runs):
    result = runs["resubmission"]
    assert "dbt build: seeds, models and tests (incremental) ..." in result.stdout
    for model in INCREMENTAL_MODELS:
        assert re.search(rf"OK created sql incremental model intermediate\.{model} ", result.stdout), model
    # every other build rebuilds them whole
    for step in ("first", "full"):
        assert "dbt build: seeds, models and tests ..." in runs[step].stdout
        assert "(incremental)" not in runs[step].stdout


@pytest.mark.parametrize("step, full", [("resubmission", "full"), ("reload", "reload_full"),
                                        ("workbook", "workbook_full")])
def test_incremental_models_equal_a_full_rebuild(runs, step, full):
    """After a resubmission the superseded submission's rows are gone and the new one's are there; after the
    same file is loaded again its rows are made again from that load; in each case exactly as ``workforce
    build`` (a full refresh) makes them from the same raw data."""
    incremental, full_tables = runs[f"{step}_incremental"], runs[f"{full}_incremental"]
    for model in INCREMENTAL_MODELS:
        assert incremental[model] == full_tables[model], model
    # Durham 2025 (three in-post workers and an agency worker) and Darlington 2025 (one worker)
    assert len(full_tables["int_csww__workers_classified"]) == 5
    assert len(full_tables["int_csww__la_components"]) == 2


def test_a_file_loaded_again_is_rebuilt_from_its_new_load(runs):
    result = runs["reload"]
    assert "durham_2025_sent_again.xml: accepted" in result.stdout, result.stdout[-3000:]
    assert "dbt build: seeds, models and tests (incremental) ..." in result.stdout
    def durham_loads(step: str, model: str) -> set[tuple]:
        """The (submission_id, loaded_at) pairs of County Durham's rows in a step's incremental table."""
        return {row[2:4] for row in runs[f"{step}_incremental"][model] if row[0] == "840"}

    for model in INCREMENTAL_MODELS:
        [(submission, now)], [(same_submission, then)] = durham_loads("reload", model), durham_loads("full", model)
        assert submission == same_submission and now > then, model


def test_resubmission_changes_the_figures(runs):
    assert runs["first_durham"] == 1.0  # one in-post worker (the agency worker is not in post)
    assert runs["resubmission_durham"] == 3.0  # three after the resubmission


@pytest.mark.parametrize("step, full", [("resubmission", "full"), ("reload", "reload_full"),
                                        ("workbook", "workbook_full"), ("published", "published_full")])
def test_incremental_build_equals_a_full_build(runs, step, full):
    for result in (runs[step], runs[full]):
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    incremental, full_marts = runs[f"{step}_marts"], runs[f"{full}_marts"]
    assert incremental.keys() == full_marts.keys() and "workforce_indicators" in full_marts
    for table in full_marts:
        assert incremental[table] == full_marts[table], table


def test_each_step_changed_the_marts(runs):
    # so that the comparisons above compare something: each new file changed what was published
    assert runs["resubmission_marts"] != runs["nothing_new_marts"]
    assert runs["workbook_marts"] != runs["full_marts"]
    assert runs["published_marts"] != runs["workbook_full_marts"]


# which models each kind of file rebuilds: each kind's own, and everything that combines them
CENSUS = ("int_csww__current_submissions", "int_csww__workers_classified", "caseload_distribution")
WORKBOOK = ("int_workbook__current_submissions", "int_workbook__la_components", "team_caseloads")
PUBLISHED = ("stg_ees__published_indicators", "int_published__indicators_wide")
COMBINED = ("int_la_components", "workforce_indicators", "benchmarks", "submissions", "validation_issues")


@pytest.mark.parametrize("step, own", [("resubmission", CENSUS), ("workbook", WORKBOOK),
                                       ("published", PUBLISHED)])
def test_a_new_file_rebuilds_its_own_kind_and_what_combines_them(runs, step, own):
    result = runs[step]
    others = {model for models in (CENSUS, WORKBOOK, PUBLISHED) if models != own for model in models}
    for model in (*own, *COMBINED):
        if step == "published" and model == "int_la_components":
            continue  # the published statistics are the comparator, not an LA's components
        assert built(result, model), model
    for model in others:
        assert not built(result, model), model
    for model in (*CENSUS, *WORKBOOK, *PUBLISHED):  # a full build builds them all
        assert built(runs["full"], model), model


def test_models_reading_submissions_of_one_kind_say_so():
    """The rebuild trusts each model's meta ``submissions_return_types``: it must be exactly the return types
    its SQL keeps from stg_ingest__submissions, and every model that keeps only some types must declare them."""
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    declared, filtered = {}, {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or "model.workforce.stg_ingest__submissions" not in node["depends_on"][
                "nodes"]:
            continue
        sql = (DBT_PROJECT_DIR / node["original_file_path"]).read_text()
        types = set(re.findall(r"where return_type = '(\w+)'", sql))
        if types:
            filtered[node["name"]] = types
        if "submissions_return_types" in node["meta"]:
            declared[node["name"]] = set(node["meta"]["submissions_return_types"])
    assert declared == filtered
    assert set(declared) == {"int_csww__current_submissions", "int_workbook__current_submissions",
                             "stg_ees__published_indicators"}


# --- when the warehouse counts as complete -------------------------------------------------------------------

@pytest.fixture
def complete_home(tmp_path) -> Settings:
    settings = Settings(home=tmp_path).ensure()
    settings.warehouse.write_bytes(b"")
    settings.serving.write_bytes(b"")
    build_state.published(settings)
    return settings


def test_complete_after_publishing(complete_home):
    assert build_state.warehouse_is_complete(complete_home)


def test_a_build_that_started_and_did_not_publish_is_not_complete(complete_home):
    build_state.build_started(complete_home)
    assert not build_state.warehouse_is_complete(complete_home)


def test_a_changed_dbt_project_is_not_complete(complete_home, monkeypatch):
    monkeypatch.setattr(build_state, "project_fingerprint", lambda: "a model was edited")
    assert not build_state.warehouse_is_complete(complete_home)


def test_a_missing_serving_copy_is_not_complete(complete_home):
    complete_home.serving.unlink()
    assert not build_state.warehouse_is_complete(complete_home)


def test_the_fingerprint_follows_the_project_files():
    files = build_state.project_files()
    assert any(p.name == "workforce_indicators.sql" for p in files)
    assert any(p.suffix == ".csv" and p.parent.name == "reference" for p in files)
    assert build_state.project_fingerprint() == build_state.project_fingerprint()


def test_a_failed_export_means_the_next_run_builds_everything(complete_home, monkeypatch):
    """The build is finished when its EES export is written: if the export fails, `workforce run` must not
    find the warehouse complete and "nothing new" (it would never try the export again)."""
    from dagster import materialize

    from orchestration.assets.export import ees_indicators
    from orchestration.resources import WorkforceConfig

    monkeypatch.setenv("WORKFORCE_HOME", str(complete_home.home))
    result = materialize([ees_indicators], resources={"workforce": WorkforceConfig.from_env()},
                         raise_on_error=False)
    assert not result.success  # the serving copy is an empty file: there is nothing to export
    assert not build_state.warehouse_is_complete(complete_home)


@pytest.mark.parametrize("full_refresh, warehouse_complete, args", [
    (True, True, ["build", "--exclude-resource-type", "unit_test", "--full-refresh"]),
    (True, False, ["build", "--exclude-resource-type", "unit_test", "--full-refresh"]),
    # asked for, but the last build did not publish, or dbt changed
    (False, False, ["build", "--exclude-resource-type", "unit_test", "--full-refresh"]),
    (False, True, ["build", "--exclude-resource-type", "unit_test"]),  # never dbt's unit tests
])
def test_dbt_builds_incrementally_only_when_asked_and_the_warehouse_is_complete(full_refresh, warehouse_complete,
                                                                                 args):
    from orchestration.assets.dbt import build_args

    assert build_args(full_refresh, warehouse_complete) == args


def test_a_warehouse_made_before_loaded_at_gains_the_column(tmp_path):
    """raw.submissions.loaded_at was added after the first release: the raw layer of an older warehouse gets
    it, empty (staging reads those rows as loaded when they arrived), and keeps its rows."""
    from pipeline import warehouse

    path = tmp_path / "warehouse.duckdb"
    old_columns = warehouse.RAW_TABLES["submissions"].split("loaded_at")[0].rstrip().rstrip(",")
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(f"create table raw.submissions ({old_columns})")
        con.execute("insert into raw.submissions (submission_id, return_type, file_name, archive_path, arrived_at, "
                    "status, rows_received, rows_accepted, rows_rejected, error_count, warning_count) values "
                    "('s1', 'csww_xml', 'a.xml', 'archive/s1', timestamp '2025-10-01 09:00', 'accepted', "
                    "1, 1, 0, 0, 0)")
        assert "loaded_at" not in warehouse.raw_columns(con, "submissions")
    warehouse.ensure_raw_tables(path)
    with duckdb.connect(str(path)) as con:
        assert warehouse.raw_columns(con, "submissions")[-1] == "loaded_at"
        assert con.execute("select submission_id, loaded_at from raw.submissions").fetchall() == [("s1", None)]
        assert {t for (t,) in con.execute("select table_name from information_schema.tables "
                                           "where table_schema = 'raw'").fetchall()} == set(warehouse.RAW_TABLES)
