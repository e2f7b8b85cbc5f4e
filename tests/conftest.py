"""Shared test set-up: an isolated WORKFORCE_HOME per test and a fixed HMAC secret (never a real one)."""

from __future__ import annotations

import os

import pytest

os.environ["WORKFORCE_SECRET"] = "test-secret-not-for-production"


@pytest.fixture
def workforce_home(tmp_path, monkeypatch):
    home = tmp_path / "workforce_home"
    monkeypatch.setenv("WORKFORCE_HOME", str(home))
    return home
