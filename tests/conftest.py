"""Shared test set-up: an isolated WORKFORCE_HOME per test and a fixed HMAC secret (never a real one).

Markers (pyproject.toml): a test that uses the demonstration home (``demo_home``, a real `workforce demo`) is
marked ``pipeline`` here, whatever its module, and so are the tests using the other slow fixtures of
``SLOW_FIXTURES``; modules and tests mark the rest (``dbt``, ``pipeline``, ``browser``, ``app``, ``gx``).
``make test-fast`` runs the tests with none of them.
"""

from __future__ import annotations

import os

import pytest

os.environ["WORKFORCE_SECRET"] = "test-secret-not-for-production"


@pytest.fixture
def workforce_home(tmp_path, monkeypatch):
    home = tmp_path / "workforce_home"
    monkeypatch.setenv("WORKFORCE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory):
    """A WORKFORCE_HOME after a real `workforce demo` (generated North East returns + DfE's published file,
    ingested, built and published), shared by every test of the session that reads the demo's outputs.
    Read-only by convention: tests must not write into it."""
    import subprocess
    import sys
    from pathlib import Path

    home = tmp_path_factory.mktemp("demo_home") / "home"
    workforce = Path(sys.executable).with_name("workforce")
    env = {**os.environ, "WORKFORCE_HOME": str(home)}
    result = subprocess.run([str(workforce), "demo"], env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (home / "demo_stdout.txt").write_text(result.stdout)
    return home


#: Fixtures that make a test slow, and the marker a test using one (directly or through another fixture) gets.
SLOW_FIXTURES = {
    "demo_home": "pipeline",  # a real `workforce demo`
    "errors_home": "pipeline",  # test_dashboard_submissions: returns ingested with the CLI
    "ingested": "pipeline",  # test_hostile_input: a folder of hostile files ingested with the CLI
    "published_warehouse": "dbt",  # test_ees_input: dbt built on the real published file
    "hand_home": "dbt",  # test_dashboard_caseloads: dbt built on the hand-worked example
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in SLOW_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(getattr(pytest.mark, marker))
