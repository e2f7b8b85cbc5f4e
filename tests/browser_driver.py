"""Drive the real dashboard in a real headless Chromium (Debian's, through Playwright).

``serve(home, users_file)`` starts ``streamlit run dashboards/app.py`` on a free port for a WORKFORCE_HOME and
waits for ``/_stcore/health``; ``BrowserSession`` signs in through the login form, opens pages from the
navigation, times them (from the click until Streamlit has finished running the page) and takes
screenshots. Used by ``tests/test_browser.py`` and by ``make screenshot``
(``python -m tests.browser_driver OUT.png``: the demo dashboard as the demonstration LA director, for the
README).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("WORKFORCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Wait for Streamlit's health endpoint to answer ``ok``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (localhost)
                if response.read().strip() == b"ok":
                    return
        time.sleep(0.3)
    raise TimeoutError(f"{url} was not healthy within {timeout} s")


@contextlib.contextmanager
def serve(home: Path, users_file: Path, log: Path | None = None) -> Iterator[str]:
    """Run the dashboard for ``home`` with ``users_file``; yields its URL; stops it afterwards."""
    port = free_port()
    env = {**os.environ, "WORKFORCE_HOME": str(home), "WORKFORCE_USERS_FILE": str(users_file)}
    streamlit = Path(sys.executable).with_name("streamlit")
    command = [str(streamlit), "run", str(PROJECT_ROOT / "dashboards" / "app.py"), f"--server.port={port}",
               "--server.address=127.0.0.1", "--server.headless=true", "--browser.gatherUsageStats=false"]
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            out.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Debian Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class BrowserSession:
    """One browser tab on the dashboard."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.url = url
        self.page: Page = browser.new_page(viewport=VIEWPORT)
        self.page.set_default_timeout(60_000)

    def running(self) -> bool:
        """Whether Streamlit shows its 'running' indicator now."""
        return bool(self.page.evaluate(
            "() => !!document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"))

    def wait_idle(self, quiet: float = 1.0, timeout: float = 90) -> float:
        """Wait until Streamlit has not been running the script for ``quiet`` seconds (the indicator can
        appear a moment after a click); returns the ``perf_counter`` time it was last seen running."""
        last_running = time.perf_counter()
        deadline = last_running + timeout
        while time.perf_counter() < deadline:
            now = time.perf_counter()
            if self.running():
                last_running = now
            elif now - last_running >= quiet:
                return last_running
            self.page.wait_for_timeout(100)
        raise TimeoutError("the dashboard was still running after {timeout} s")

    def open(self) -> float:
        """Load the app; seconds until the first page (the sign-in page) has run (Streamlit last seen
        running; the same for the timings below)."""
        start = time.perf_counter()
        self.page.goto(self.url)
        self.page.get_by_role("heading", level=1).first.wait_for()
        return self.wait_idle() - start

    def sign_in(self, username: str, password: str) -> float:
        """Fill in the login form and submit; seconds until the start page has run."""
        self.page.get_by_label("Username", exact=True).fill(username)
        self.page.get_by_label("Password", exact=True).fill(password)
        start = time.perf_counter()
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        self.page.get_by_text("Signed in:").wait_for()
        return self.wait_idle() - start

    def go_to(self, title: str) -> float:
        """Click a page in the sidebar navigation; seconds until it has run."""
        start = time.perf_counter()
        self.page.get_by_role("link", name=title).first.click()
        self.page.get_by_role("heading", name=title).first.wait_for()
        return self.wait_idle() - start

    def text(self) -> str:
        """The text of the main area."""
        return self.page.locator("section.stMain, [data-testid='stMain']").first.inner_text()

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path


def readme_screenshot(out: Path) -> dict[str, float]:
    """Sign in to the demo dashboard (``data/`` after ``make demo``) as a temporary LA director of Newcastle
    (391), open the LA profile and save a screenshot; returns the page load times in seconds."""
    from pipeline.access.roles import Role
    from pipeline.access.users import User, add_user
    from pipeline.settings import Settings

    home = Settings.from_env().home
    if not Settings.from_env().serving.exists():
        raise SystemExit(f"no serving copy in {home}: run `make demo` first")
    with tempfile.TemporaryDirectory() as tmp:
        users = Path(tmp) / "users.toml"
        password = "screenshot-" + os.urandom(6).hex()
        add_user(users, User("director", "LA director, Newcastle", Role.LA, la="391"), password)
        with serve(home, users) as url, chromium() as browser:
            session = BrowserSession(browser, url)
            times = {"sign-in page": session.open(), "sign in": session.sign_in("director", password)}
            times["LA profile"] = session.go_to("LA profile")
            session.screenshot(out)
    return times


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/dashboard.png")
    for name, seconds in readme_screenshot(target).items():
        print(f"{name}: {seconds:.2f} s")
    print(f"saved {target}")
