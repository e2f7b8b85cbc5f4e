"""Opening the dashboard in Streamlit's AppTest as a given viewer, on a given page.

``open_app(viewer)`` runs ``dashboards/app.py`` with the viewer signed in (as the login would leave them);
``open_page(viewer, module)`` then switches to a page (``dashboards.views.<module>``) and runs it. Every page
is a file Streamlit runs as a script, so ``AppTest.switch_page`` reaches it only if the viewer's role lists it
in the navigation: a test that opens a page a role may not open fails with ValueError.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboards.auth import SESSION_VIEWER
from pipeline.access.roles import Viewer

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
TIMEOUT = 120


def open_app(viewer: Viewer | None) -> AppTest:
    """The app after one run, with ``viewer`` signed in (None: nobody signed in)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if viewer is not None:
        at.session_state[SESSION_VIEWER] = viewer
    return at.run()


def open_page(viewer: Viewer, module: str, at: AppTest | None = None) -> AppTest:
    """The app switched to the page ``dashboards/views/<module>.py`` and run, as ``viewer``."""
    at = at if at is not None else open_app(viewer)
    return at.switch_page(f"views/{module}.py").run()


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (titles, headers, markdown, captions, alerts, metrics), joined:
    for asserting what a viewer can and cannot read."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)
