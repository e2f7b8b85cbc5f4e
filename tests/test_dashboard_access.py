"""Signing in and what each role may see: the users file (scrypt hashes), the login page, the role-filtered
navigation, the scoped readers and the public view's disclosure control.

The scoping tests use the hand-written serving copy (tests/serving_fixture.py) with some rows turned into
published ones, so that every answer is known: Barnsley (370) and Doncaster (371) in Yorkshire and The
Humber (E12000003), 2023 and 2024.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data_access
from dashboards.app import PAGE_MODULES
from dashboards.disclosure import public_indicators
from dashboards.views.common import SOURCE_WORDS
from pipeline.access.roles import PUBLIC_VIEWER, Role, Viewer, indicator_filter
from pipeline.access.users import (
    DEMO_USERS,
    User,
    UsersFileError,
    add_user,
    authenticate,
    ensure_demo_users,
    hash_password,
    load_users,
    remove_user,
    user_for_email,
    verify_password,
)
from pipeline.settings import Settings
from tests.dashboard_apptest import APP, TIMEOUT, open_app, open_page, texts
from tests.serving_fixture import ANALYST, indicator_rows, write_serving_copy

WORKFORCE = str(Path(sys.executable).with_name("workforce"))
PASSWORD = "correct horse battery"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("WORKFORCE_HOME", str(home))
    monkeypatch.delenv("WORKFORCE_USERS_FILE", raising=False)
    monkeypatch.delenv("WORKFORCE_DASHBOARD_ANONYMOUS", raising=False)
    return home


def mixed_rows() -> pd.DataFrame:
    """The fixture's rows as returns, plus a published copy of every row with 1 added to caseload_fte (so the
    two sources are told apart by value: Barnsley 2024 returns 17.26, published 18.26)."""
    returns = indicator_rows()
    published = returns.copy()
    published["source"] = "published"
    published["caseload_fte"] = published["caseload_fte"] + 1
    return pd.concat([returns, published], ignore_index=True)


@pytest.fixture
def serving(home: Path) -> Path:
    return write_serving_copy(Settings.from_env().serving, mixed_rows())


@pytest.fixture
def users_file(home: Path) -> Path:
    path = Settings.from_env().users_file
    add_user(path, User("ann", "Ann Analyst", Role.ANALYST, alliance="E12000003"), PASSWORD)
    add_user(path, User("dan", "Dan Director", Role.LA, la="370", email="Dan@Example.org"), PASSWORD)
    add_user(path, User("pat", "Pat Public", Role.PUBLIC), PASSWORD)
    return path


# --------------------------------------------------------------------------------------------- passwords

def test_password_hash_round_trip_and_salt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a new random salt each time
    assert first.startswith("scrypt$16384$8$1$") and PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)
    assert not verify_password(PASSWORD, None)
    assert not verify_password(PASSWORD, "scrypt$1$2$3$not-base64$")
    assert not verify_password(PASSWORD, "md5$x")


def test_users_file_is_private_and_holds_no_password(users_file: Path) -> None:
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    text = users_file.read_text()
    assert PASSWORD not in text and text.count("password_hash = \"scrypt$") == 3
    users = load_users(users_file)
    assert set(users) == {"ann", "dan", "pat"}
    assert users["dan"].la == "370" and users["dan"].email == "dan@example.org"
    assert authenticate(users, "ann", PASSWORD) == users["ann"]
    assert authenticate(users, " ANN ", PASSWORD) == users["ann"]  # usernames are lower case
    assert authenticate(users, "ann", "wrong password") is None
    assert authenticate(users, "nobody", PASSWORD) is None
    assert user_for_email(users, "DAN@example.org") == users["dan"]
    assert user_for_email(users, "someone@else.org") is None
    assert remove_user(users_file, "pat") and not remove_user(users_file, "pat")
    assert set(load_users(users_file)) == {"ann", "dan"}


@pytest.mark.parametrize(("entry", "message"), [
    ('role = "boss"', "role must be one of public, la, analyst"),
    ('role = "la"', "an 'la' user needs la"),
    ('role = "analyst"', "an 'analyst' user needs alliance"),
    ('role = "la"\nla = "39 1"', "la '39 1' is not a code"),
])
def test_invalid_users_file_entries_are_named(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "users.toml"
    path.write_text(f"[users.eve]\n{entry}\n")
    with pytest.raises(UsersFileError, match=message) as error:
        load_users(path)
    assert str(path) in str(error.value) and "'eve'" in str(error.value)


def test_short_passwords_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="at least 10 characters"):
        add_user(tmp_path / "users.toml", User("eve", "Eve", Role.PUBLIC), "short")
    assert not (tmp_path / "users.toml").exists()


def test_users_command(home: Path) -> None:
    env = {**os.environ, "WORKFORCE_HOME": str(home)}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([WORKFORCE, "users", *args], env=env, input=stdin, capture_output=True, text=True,
                              timeout=120)

    added = run("add", "dan", "--role", "la", "--la", "370", "--name", "Dan Director", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    listed = run("list")
    assert listed.returncode == 0 and "dan\tla\t370\tpassword\tDan Director" in listed.stdout
    assert "scrypt" not in listed.stdout
    users = load_users(Settings.from_env().users_file)
    assert authenticate(users, "dan", PASSWORD) is not None
    refused = run("add", "eve", "--role", "analyst", "--password-stdin", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "needs alliance" in refused.stderr
    assert run("remove", "dan").returncode == 0 and run("remove", "dan").returncode == 1


def test_demo_users_are_created_once(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    created = ensure_demo_users(path)
    assert set(created) == set(DEMO_USERS)
    users = load_users(path)
    for username, password in created.items():
        assert authenticate(users, username, password) == users[username]
        assert password not in path.read_text()
    assert users["director"].role is Role.LA and users["director"].la == "391"
    assert users["analyst"].alliance == "E12000001"
    assert ensure_demo_users(path) == {}  # an existing file is left alone


# ------------------------------------------------------------------------------------------ the login page

def sign_in(at, username: str, password: str):
    at.text_input(key="login.username").input(username)
    at.text_input(key="login.password").input(password)
    return at.button[0].click().run()


@pytest.mark.app
def test_login_page_without_users_explains_what_to_do(home: Path, serving: Path) -> None:
    at = open_app(None)
    assert not at.exception
    assert "sign in" in at.title[0].value.lower()
    assert any("workforce users add" in i.value for i in at.info)
    assert not at.dataframe and not at.metric


@pytest.mark.app
def test_wrong_password_is_refused_and_locks_after_five(home: Path, serving: Path, users_file: Path) -> None:
    at = open_app(None)
    at = sign_in(at, "dan", "not the password")
    assert [e.value for e in at.error] == ["The username or password is not right."]
    assert "sign in" in at.title[0].value.lower() and not at.dataframe
    for _ in range(4):
        at = sign_in(at, "dan", "still not the password")
    assert any("Too many wrong attempts" in w.value for w in at.warning)
    at = sign_in(at, "dan", PASSWORD)  # locked: even the right password does not sign in
    assert "sign in" in at.title[0].value.lower()


@pytest.mark.app
def test_la_user_signs_in_and_out(home: Path, serving: Path, users_file: Path) -> None:
    at = sign_in(open_app(None), "dan", PASSWORD)
    assert not at.exception
    assert "sign in" not in at.title[0].value.lower()
    assert "Dan Director: la (LA 370)" in texts(at)
    assert not at.switch_page("views/submissions.py").run().exception  # a page of the la role
    at.button(key="login.sign_out").click().run()
    assert "sign in" in at.title[0].value.lower()


@pytest.mark.app
def test_a_removed_user_is_signed_out_at_the_next_click(home: Path, serving: Path, users_file: Path) -> None:
    at = sign_in(open_app(None), "ann", PASSWORD)
    assert "Ann Analyst: analyst" in texts(at)
    remove_user(users_file, "ann")
    at.run()
    assert "sign in" in at.title[0].value.lower()


@pytest.mark.app
def test_role_change_in_the_users_file_takes_effect(home: Path, serving: Path, users_file: Path) -> None:
    at = sign_in(open_app(None), "dan", PASSWORD)
    add_user(users_file, User("dan", "Dan Director", Role.PUBLIC), PASSWORD)
    at.run()
    assert "Dan Director: public" in texts(at)


@pytest.mark.app
def test_published_figures_without_an_account(home: Path, serving: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(None)
    button = next(b for b in at.button if b.label == "Continue with published figures only")
    at = button.click().run()
    assert "Public visitor: public" in texts(at)
    monkeypatch.setenv("WORKFORCE_DASHBOARD_ANONYMOUS", "0")
    at = open_app(None)
    assert all(b.label != "Continue with published figures only" for b in at.button)


@pytest.mark.parametrize(("viewer", "allowed"), [
    (PUBLIC_VIEWER, False),
    (Viewer("dan", "Dan", Role.LA, la_code="370"), True),
    (ANALYST, True),
])
@pytest.mark.app
def test_submissions_page_only_for_la_and_analyst(home: Path, serving: Path, viewer: Viewer, allowed: bool) -> None:
    if allowed:
        assert not open_page(viewer, "submissions").exception
    else:
        with pytest.raises(ValueError, match="navigation page"):
            open_page(viewer, "submissions")


# -------------------------------------------------------------------------------------- the scoped readers

def test_viewer_scopes() -> None:
    dan = Viewer("dan", "Dan", Role.LA, la_code="370", alliance_code="E12000003",
                 alliance_las=frozenset({"370", "371"}))
    assert dan.detail_las() == {"370"} and dan.la_level_las() == {"370", "371"}
    assert dan.may_see_detail("370") and not dan.may_see_detail("371") and not dan.may_see_detail(None)
    ann = replace(ANALYST, alliance_las=frozenset({"370", "371"}))
    assert ann.detail_las() == {"370", "371"}
    assert PUBLIC_VIEWER.detail_las() == frozenset() and PUBLIC_VIEWER.sources == ("published",)
    with pytest.raises(ValueError, match="not a code"):
        indicator_filter(replace(dan, alliance_las=frozenset({"370' or '1'='1"})))


def test_resolve_viewer_reads_the_alliance_from_the_serving_copy(serving: Path) -> None:
    dan = data_access.resolve_viewer(Viewer("dan", "Dan", Role.LA, la_code="370"))
    assert dan.alliance_code == "E12000003" and dan.alliance_las == {"370", "371"}
    ann = data_access.resolve_viewer(ANALYST)
    assert ann.alliance_las == {"370", "371"}
    stranger = data_access.resolve_viewer(Viewer("sam", "Sam", Role.ANALYST, alliance_code="E12000009"))
    assert stranger.alliance_las == frozenset()


def test_public_viewer_reads_published_rows_only(serving: Path) -> None:
    rows = data_access.indicators(PUBLIC_VIEWER, "geographic_level = 'Local authority'")
    assert set(rows["source"]) == {"published"} and len(rows) == 4
    barnsley = rows[(rows["old_la_code"] == "370") & (rows["time_period"] == 2024)].iloc[0]
    assert barnsley["caseload_fte"] == 18.3  # the published 18.26, rounded for the public view
    years = data_access.available_years(PUBLIC_VIEWER, "370")
    assert years == [2024, 2023]
    pair = data_access.la_and_region(PUBLIC_VIEWER, "370", 2024)
    assert set(pair["source"]) == {"published"} and len(pair) == 2


def test_alliance_viewers_get_the_returns_rows(serving: Path) -> None:
    dan = data_access.resolve_viewer(Viewer("dan", "Dan", Role.LA, la_code="370"))
    la_rows = data_access.la_and_region(dan, "371", 2024)  # another alliance LA, at LA level: allowed
    assert set(la_rows["source"]) == {"returns"}
    assert la_rows.iloc[0]["caseload_fte"] == pytest.approx(13.42)  # unrounded, as the warehouse holds it
    outsider = data_access.resolve_viewer(Viewer("sam", "Sam", Role.LA, la_code="999", alliance_code="E12000009"))
    rows = data_access.indicators(outsider, "true")
    assert set(rows["source"]) == {"published"}  # another alliance's returns are not theirs to see
    assert len(data_access.indicators(dan, "true")) == len(mixed_rows())


def test_detail_tables_are_limited_to_the_viewers_detail_las(serving: Path) -> None:
    import duckdb

    con = duckdb.connect(str(serving))
    try:
        con.execute("create table marts.detail_demo as select * from (values ('370', 1), ('371', 2)) t(old_la_code, n)")
    finally:
        con.close()
    dan = data_access.resolve_viewer(Viewer("dan", "Dan", Role.LA, la_code="370"))
    assert data_access.detail(dan, "marts.detail_demo")["old_la_code"].tolist() == ["370"]
    assert data_access.detail(dan, "marts.detail_demo", "old_la_code = '371'").empty
    ann = data_access.resolve_viewer(ANALYST)
    assert sorted(data_access.detail(ann, "marts.detail_demo")["old_la_code"]) == ["370", "371"]
    assert data_access.detail(PUBLIC_VIEWER, "marts.detail_demo").empty
    assert data_access.detail(ann, "marts.no_such_table").empty


# -------------------------------------------------------------------------------- the public view's numbers

def test_public_indicators_round_and_suppress() -> None:
    rows = indicator_rows()
    doncaster = rows[(rows["old_la_code"] == "371") & (rows["time_period"] == 2024)].copy()
    doncaster["inpost_headcount"] = 4.0  # under 5: suppressed, and so is every rate guarded by it
    doncaster["turnover_rate_fte_status"] = None
    out = public_indicators(doncaster).iloc[0]
    assert pd.isna(out["inpost_headcount"]) and out["inpost_headcount_status"] == "c"
    assert pd.isna(out["turnover_rate_fte"]) and out["turnover_rate_fte_status"] == "c"  # guard: in-post 4
    assert pd.isna(out["agency_headcount"]) and out["agency_headcount_status"] == "c"  # 3, status c
    assert out["inpost_fte"] == 301.2 and out["cases"] == 3702

    barnsley = rows[(rows["old_la_code"] == "370") & (rows["time_period"] == 2024)].copy()
    barnsley["absence_rate_fte_status"] = "u"
    out = public_indicators(barnsley).iloc[0]
    assert out["caseload_fte"] == 17.3  # 17.26 rounded half up
    assert out["inpost_fte"] == 210.4 and out["turnover_rate_fte"] == 14.0
    assert out["absence_rate_fte"] == 2.8 and out["absence_rate_fte_status"] == "u"  # u keeps its number
    assert pd.isna(out["vacancy_agency_cover_rate_fte"]) and out["vacancy_agency_cover_rate_fte_status"] == "z"


# ---------------------------------------------------------------------------------------------- OIDC login

AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
                "client_id": "test-client", "client_secret": "test-client-secret",
                "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}


def oidc_app(user: dict) -> AppTest:
    """The app with Streamlit's [auth] secrets configured and ``st.user`` as given."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = user
    return at.run()


@pytest.mark.app
def test_oidc_sign_in_offered_when_configured(home: Path, serving: Path, users_file: Path) -> None:
    at = oidc_app({"is_logged_in": False})
    assert not at.exception
    assert any(b.label == "Sign in with your organisation's account" for b in at.button)
    assert "sign in" in at.title[0].value.lower()


@pytest.mark.app
def test_oidc_identity_gets_the_role_of_its_users_file_entry(home: Path, serving: Path, users_file: Path) -> None:
    at = oidc_app({"is_logged_in": True, "email": "dan@example.org", "name": "Dan D"})
    assert not at.exception
    assert "Dan Director: la (LA 370)" in texts(at)


@pytest.mark.app
def test_oidc_identity_not_in_the_users_file_is_public(home: Path, serving: Path, users_file: Path) -> None:
    at = oidc_app({"is_logged_in": True, "email": "someone@elsewhere.org", "name": "Someone"})
    assert not at.exception
    assert "Someone: public" in texts(at)
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/submissions.py")


# ------------------------------------------------------------------- every page, every role, on the demo

DEMO_VIEWERS = {
    "public": PUBLIC_VIEWER,
    "la": Viewer("dana", "Dana Director", Role.LA, la_code="391"),
    "analyst": Viewer("ann", "Ann Analyst", Role.ANALYST, alliance_code="E12000001"),
}


@pytest.mark.app
@pytest.mark.parametrize("module", [m.__name__.rsplit(".", 1)[1] for m in PAGE_MODULES])
@pytest.mark.parametrize("role", list(DEMO_VIEWERS))
def test_every_page_for_every_role(demo_home: Path, monkeypatch: pytest.MonkeyPatch, role: str, module: str) -> None:
    """Each page opens without an error for the roles it lists and cannot be reached by the others; a public
    viewer's page never says a figure was computed from the returns."""
    monkeypatch.setenv("WORKFORCE_HOME", str(demo_home))
    viewer = DEMO_VIEWERS[role]
    page = next(m for m in PAGE_MODULES if m.__name__.endswith(f".{module}"))
    if viewer.role not in page.ROLES:
        with pytest.raises(ValueError, match="navigation page"):
            open_page(viewer, module)
        return
    at = open_page(viewer, module)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == page.TITLE
    failures = [e.value for e in at.error if "No data to show" in e.value or "cannot be read" in e.value]
    assert not failures, failures  # the friendly data-access errors of app.run_page (other errors are flags)
    shown = texts(at)
    assert f"{viewer.display_name}: {role}" in shown
    if role == "public":
        assert SOURCE_WORDS["returns"] not in shown


def test_page_roles_are_as_documented() -> None:
    """Submissions are for la and analyst users only; every other page is open to every role."""
    roles = {m.__name__.rsplit(".", 1)[1]: m.ROLES for m in PAGE_MODULES}
    assert roles.pop("submissions") == {Role.LA, Role.ANALYST}
    assert all(allowed == frozenset(Role) for allowed in roles.values()), roles
