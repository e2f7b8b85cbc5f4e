"""The dashboard in a real headless Chromium: sign in through the form, open the LA profile, save a screenshot.

Runs ``streamlit run`` on the demo's serving copy (the session's ``demo_home``) with a users file written here,
and drives Debian's Chromium with Playwright (``make test`` installs it). Page load times are printed and
written next to the screenshot (``page_times.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipeline.access.roles import Role
from pipeline.access.users import User, add_user
from tests.browser_driver import BrowserSession, chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "users.toml"
    add_user(path, User("director", "Dana Director", Role.LA, la="391"), PASSWORD)
    return path


def la_name(home: Path, code: str) -> str:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute("select any_value(la_name) from marts.workforce_indicators where old_la_code = ?",
                           [code]).fetchall()[0][0]
    finally:
        con.close()


def test_sign_in_open_la_profile_and_screenshot(demo_home: Path, users_file: Path, tmp_path: Path) -> None:
    name = la_name(demo_home, "391")
    assert name == "Newcastle upon Tyne"
    with serve(demo_home, users_file, log=tmp_path / "streamlit.log") as url, chromium() as browser:
        session = BrowserSession(browser, url)
        times = {"sign-in page": session.open()}
        assert "sign in" in session.text().lower()

        session.page.get_by_label("Username", exact=True).fill("director")
        session.page.get_by_label("Password", exact=True).fill("not the password")
        session.page.get_by_role("button", name="Sign in", exact=True).click()
        session.page.get_by_text("The username or password is not right.").wait_for()

        times["sign in"] = session.sign_in("director", PASSWORD)
        assert "Dana Director: la (LA 391)" in session.page.locator("[data-testid='stSidebar']").inner_text()

        times["LA profile"] = session.go_to("LA profile")
        text = session.text()
        assert name in text
        shot = session.screenshot(tmp_path / "la_profile.png")

        for title in ("Region overview", "Caseloads", "Workforce", "Submissions and data quality"):
            times[title] = session.go_to(title)
            assert "Traceback" not in session.text() and "Error" not in session.text()[:200]

    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 30_000
    (tmp_path / "page_times.json").write_text(json.dumps(times, indent=2))
    print("page load times (s):", json.dumps({k: round(v, 2) for k, v in times.items()}))
    assert all(seconds < 60 for seconds in times.values())
