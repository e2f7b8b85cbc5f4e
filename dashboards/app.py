"""Streamlit entry point of the workforce dashboard: ``streamlit run dashboards/app.py``.

Holds the page registry (``build_pages``) and the one place where data-access errors become friendly
messages (``run_page``). Pages live in ``dashboards/views/``; to add one, write a module with a
``render()`` and list it in ``build_pages``. Roles and login will filter that list here.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboards/app.py` puts dashboards/ (not the project root) on sys.path; the package is
# normally installed (editable), this only helps when it is not.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # pragma: no cover
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboards.data_access import DataAccessError, ServingCopyMissing  # noqa: E402
from dashboards.views import la_vs_region  # noqa: E402

APP_TITLE = "Children's social work workforce"


def build_pages() -> list[st.Page]:
    """The pages this user may see (one for now; roles will choose among more)."""
    return [
        st.Page(la_vs_region.render, title=la_vs_region.TITLE, url_path=la_vs_region.URL_PATH,
                icon=":material/compare_arrows:", default=True),
    ]


def run_page(page: st.Page) -> None:
    """Run a page; a missing or unreadable serving copy becomes a plain message, never a traceback."""
    try:
        page.run()
    except ServingCopyMissing as exc:
        st.error(f"**No data to show yet.** {exc}", icon=":material/database_off:")
    except DataAccessError as exc:
        st.error(f"**The data cannot be read.** {exc}", icon=":material/error:")


def main() -> None:
    """Configure the app, pick the page from the navigation, run it."""
    st.set_page_config(page_title=APP_TITLE, page_icon=":material/groups:", layout="wide")
    page = st.navigation(build_pages())
    run_page(page)


if __name__ == "__main__":
    main()
