"""Streamlit entry point of the workforce dashboard: ``streamlit run dashboards/app.py``.

Holds the page registry (``PAGE_MODULES``; ``build_pages`` keeps those the viewer's role may open), the
login gate (``dashboards.login``) and the one place where data-access errors become friendly messages
(``run_page``). Pages live in ``dashboards/views/``; to add one, write a module with ``TITLE``, ``URL_PATH``,
``ICON``, ``ROLES``, a ``render()`` that reads data only through the scoped readers of
``dashboards.data_access`` for ``auth.current_viewer()``, and ``if __name__ == "__main__": render()`` at the
end (Streamlit runs each page's file as a script, so tests can open it with ``AppTest.switch_page``), and
list it in ``PAGE_MODULES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboards/app.py` puts dashboards/ (not the project root) on sys.path; the package is
# normally installed (editable), this only helps when it is not.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # pragma: no cover
    sys.path.insert(0, str(_ROOT))

from types import ModuleType  # noqa: E402

import streamlit as st  # noqa: E402

from dashboards import login  # noqa: E402
from dashboards.data_access import DataAccessError, ServingCopyMissing  # noqa: E402
from dashboards.views import (  # noqa: E402
    caseloads,
    downloads,
    la_profile,
    la_vs_region,
    region_overview,
    submissions,
    workforce,
)
from dashboards.views.common import SESSION_OPEN_PAGES  # noqa: E402
from pipeline.access.roles import Viewer  # noqa: E402

APP_TITLE = "Children's social work workforce"

#: Every page, in navigation order; the first a viewer may open is their start page.
PAGE_MODULES: tuple[ModuleType, ...] = (
    region_overview, la_profile, la_vs_region, caseloads, workforce, submissions, downloads,
)


def pages_for(viewer: Viewer) -> list[ModuleType]:
    """The page modules the viewer's role may open."""
    return [module for module in PAGE_MODULES if viewer.role in module.ROLES]


def build_pages(viewer: Viewer) -> list[st.Page]:
    """The navigation entries of the pages this viewer may open (a page not listed cannot be reached)."""
    modules = pages_for(viewer)
    return [st.Page(Path(str(m.__file__)), title=m.TITLE, url_path=m.URL_PATH, icon=m.ICON, default=(i == 0))
            for i, m in enumerate(modules)]


def run_page(page: st.Page) -> None:
    """Run a page; a missing or unreadable serving copy becomes a plain message, never a traceback."""
    try:
        page.run()
    except ServingCopyMissing as exc:
        st.error(f"**No data to show yet.** {exc}", icon=":material/database_off:")
    except DataAccessError as exc:
        st.error(f"**The data cannot be read.** {exc}", icon=":material/error:")


def main() -> None:
    """Configure the app; without a signed-in viewer show the login; else pick the page and run it."""
    st.set_page_config(page_title=APP_TITLE, page_icon=":material/groups:", layout="wide")
    viewer = login.ensure_signed_in()
    if viewer is None:
        st.navigation([st.Page(login.render_login_page, title="Sign in", url_path="sign-in",
                               icon=":material/login:")], position="hidden").run()
        return
    login.sidebar_account(viewer)
    st.session_state[SESSION_OPEN_PAGES] = [(m.TITLE, m.URL_PATH) for m in pages_for(viewer)]
    page = st.navigation(build_pages(viewer))
    run_page(page)


if __name__ == "__main__":
    main()
