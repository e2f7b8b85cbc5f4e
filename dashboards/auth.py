"""Who is signed in: the session's ``Viewer``.

``current_viewer()`` is what every page calls: the signed-in viewer, completed with their alliance's member
LAs from the serving copy (``data_access.resolve_viewer``). ``app.py`` puts the viewer in the session after a
successful login (``sign_in``) and removes it at sign-out (``sign_out``). Login itself (OIDC through
Streamlit, or the local users file with hashed passwords) is in ``dashboards.login``.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data_access
from pipeline.access.roles import Viewer

#: Session-state key of the signed-in viewer (tests set it to sign a viewer in directly).
SESSION_VIEWER = "auth.viewer"


def signed_in_viewer() -> Viewer | None:
    """The viewer stored in this session, as stored (not yet resolved), or None when nobody is signed in."""
    viewer = st.session_state.get(SESSION_VIEWER)
    return viewer if isinstance(viewer, Viewer) else None


def current_viewer() -> Viewer:
    """The signed-in viewer with their alliance resolved from the serving copy.

    Pages are only run for a signed-in viewer (``app.py``); called without one, this raises rather than
    guess a role.
    """
    viewer = signed_in_viewer()
    if viewer is None:
        raise PermissionError("nobody is signed in")
    return data_access.resolve_viewer(viewer)


def sign_in(viewer: Viewer) -> None:
    """Remember the viewer for this browser session."""
    st.session_state[SESSION_VIEWER] = viewer


def sign_out() -> None:
    """Forget the viewer and every choice made on the pages."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
