"""Signing in: Streamlit's OIDC login where it is configured, else the local users file.

- **OIDC**: when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's ``st.login``), the sign-in
  page offers it. The identity (``st.user.email``) is mapped to a role through the users file's ``email``
  entries; an identity the file does not list gets the ``public`` role.
- **Local users file** (``pipeline.access.users``): username and password, checked against the scrypt hash. Five
  wrong attempts in a session lock the form for a minute.
- **Published figures without signing in**: unless ``WORKFORCE_DASHBOARD_ANONYMOUS=0``, the sign-in page also
  offers the ``public`` view (published figures only, rounded and suppressed: nothing a member of the public
  could not already download from DfE).

At every run a password or OIDC sign-in is checked again against the users file, so removing a user or changing
their role takes effect at their next click.
"""

from __future__ import annotations

import os
import time

import streamlit as st

from dashboards import auth
from pipeline.access.roles import PUBLIC_VIEWER, ROLE_WORDS, Role, Viewer
from pipeline.access.users import User, UsersFileError, authenticate, load_users, user_for_email
from pipeline.settings import Settings

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60
KEY_FAILURES = "login.failures"
KEY_LOCKED_UNTIL = "login.locked_until"
KEY_METHOD = "login.method"  # how this session signed in: "password", "oidc" or "anonymous"

KEY_USERNAME = "login.username"
KEY_PASSWORD = "login.password"


def anonymous_allowed() -> bool:
    """Whether visitors may see the published figures without signing in (default yes)."""
    return os.environ.get("WORKFORCE_DASHBOARD_ANONYMOUS", "1").strip().lower() not in {"0", "false", "no", "off"}


def oidc_configured() -> bool:
    """Whether Streamlit's OIDC login is configured (an ``[auth]`` section in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error types
        return False


def _users() -> dict[str, User]:
    """The users file's entries; an unreadable file is shown as an error and treated as empty."""
    path = Settings.from_env().users_file
    try:
        return load_users(path)
    except UsersFileError as exc:
        st.error(f"The users file cannot be used: {exc}", icon=":material/error:")
        return {}


def _oidc_user_viewer() -> Viewer | None:
    """The viewer for an OIDC identity, if Streamlit has one."""
    if not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email") or "")
    user = user_for_email(_users(), email)
    if user is not None:
        return user.viewer()
    name = str(st.user.get("name") or email or "Signed-in visitor")
    return Viewer(username=f"oidc:{email}", display_name=name, role=Role.PUBLIC)


def ensure_signed_in() -> Viewer | None:
    """The viewer of this session, re-checked against the users file; None when nobody is signed in."""
    viewer = auth.signed_in_viewer()
    if viewer is None:
        viewer = _oidc_user_viewer()
        if viewer is not None:
            auth.sign_in(viewer)
            st.session_state[KEY_METHOD] = "oidc"
        return viewer
    method = st.session_state.get(KEY_METHOD)
    if method == "oidc":
        current = _oidc_user_viewer()
    elif method == "password":
        user = _users().get(viewer.username)
        current = user.viewer() if user is not None and user.password_hash else None
    else:  # the public view, or a viewer put in the session by server code (tests)
        return viewer
    if current is None:  # removed from the users file, or the OIDC session ended
        auth.sign_out()
        return None
    if current != viewer:
        auth.sign_in(current)
    return current


def _locked_for() -> int:
    """Seconds the form stays locked after too many failures (0: not locked)."""
    return max(0, int(st.session_state.get(KEY_LOCKED_UNTIL, 0) - time.time()))


def _password_form(users: dict[str, User]) -> None:
    """Username and password; signs in and reruns on success."""
    locked = _locked_for()
    with st.form("login.form"):
        st.text_input("Username", key=KEY_USERNAME, autocomplete="username")
        st.text_input("Password", type="password", key=KEY_PASSWORD, autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", disabled=bool(locked))
    if locked:
        st.warning(f"Too many wrong attempts: try again in {locked} seconds.", icon=":material/lock_clock:")
        return
    if not submitted:
        return
    user = authenticate(users, str(st.session_state.get(KEY_USERNAME, "")),
                        str(st.session_state.get(KEY_PASSWORD, "")))
    if user is None:
        failures = int(st.session_state.get(KEY_FAILURES, 0)) + 1
        st.session_state[KEY_FAILURES] = failures
        st.error("The username or password is not right.", icon=":material/error:")
        if failures >= MAX_FAILURES:
            st.session_state[KEY_LOCKED_UNTIL] = time.time() + LOCKOUT_SECONDS
            st.session_state[KEY_FAILURES] = 0
            st.warning(f"Too many wrong attempts: try again in {LOCKOUT_SECONDS} seconds.",
                       icon=":material/lock_clock:")
        return
    auth.sign_in(user.viewer())
    st.session_state[KEY_METHOD] = "password"
    st.rerun()


def render_login_page() -> None:
    """The sign-in page: OIDC (if configured), the users file's form, and the published-figures view."""
    st.title("Children's social work workforce: sign in")
    st.write(
        "Benchmarks of children's social work workforce figures for the local authorities of a regional "
        "alliance. What you see depends on your role:"
    )
    st.markdown("\n".join(f"- **{role.value}**: {ROLE_WORDS[role]}" for role in Role))
    users = _users()
    if oidc_configured():
        if st.button("Sign in with your organisation's account", type="primary", icon=":material/login:"):
            st.login()
    if any(u.password_hash for u in users.values()):
        _password_form(users)
    elif not oidc_configured():
        path = Settings.from_env().users_file
        st.info(
            f"No users are set up yet ({path} has none). An administrator adds one with "
            "`workforce users add USERNAME --role analyst --alliance E12000001` (or `--role la --la 390`).",
            icon=":material/person_add:",
        )
    if anonymous_allowed():
        st.divider()
        st.caption("Not a member of the alliance? The published national figures need no account.")
        if st.button("Continue with published figures only", icon=":material/public:"):
            auth.sign_in(PUBLIC_VIEWER)
            st.session_state[KEY_METHOD] = "anonymous"
            st.rerun()


def sidebar_account(viewer: Viewer) -> None:
    """Who is signed in, what the role shows, and a sign-out button."""
    st.sidebar.caption(f"Signed in: {viewer.describe()}.")
    if st.sidebar.button("Sign out", icon=":material/logout:", key="login.sign_out"):
        via_oidc = st.session_state.get(KEY_METHOD) == "oidc"
        auth.sign_out()
        if via_oidc:
            st.logout()
        st.rerun()
