"""The local users file: who may sign in to the dashboard, with which role, and their hashed password.

A TOML file (``Settings.users_file``: ``$WORKFORCE_HOME/users.toml`` or ``WORKFORCE_USERS_FILE``), written
with owner-only permissions by ``workforce users add`` and never committed::

    [users.ann]
    name = "Ann Analyst"
    role = "analyst"              # public | la | analyst
    alliance = "E12000001"        # analyst: required; la: optional (else their LA's alliance)
    email = "ann@example.org"     # optional: maps an OIDC identity to this entry
    password_hash = "scrypt$16384$8$1$<salt, base64>$<key, base64>"

    [users.dan]
    name = "Dan Director"
    role = "la"
    la = "390"                    # the LA's old_la_code

Passwords are hashed with scrypt (stdlib ``hashlib.scrypt``; N=2^14, r=8, p=1, 16-byte random salt, 32-byte
key) and compared in constant time. A plain password is never stored or logged. An entry without
``password_hash`` can sign in only through OIDC.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.access.roles import Role, Viewer

SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES, SALT_BYTES = 2**14, 8, 1, 32, 16
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
CODE = re.compile(r"^[A-Za-z0-9]{1,12}$")
MIN_PASSWORD_LENGTH = 10


class UsersFileError(ValueError):
    """The users file cannot be read or an entry is invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class User:
    """One entry of the users file."""

    username: str
    name: str
    role: Role
    la: str | None = None
    alliance: str | None = None
    email: str | None = None
    password_hash: str | None = None

    def viewer(self) -> Viewer:
        """The ``Viewer`` this user is once signed in (alliance members are resolved later, from the data)."""
        return Viewer(username=self.username, display_name=self.name, role=self.role, la_code=self.la,
                      alliance_code=self.alliance)


# --- passwords ------------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The scrypt hash of a password in the users file's format (a new random salt unless one is given)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether the password matches the stored hash (False for a missing or malformed hash)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt, validate=True),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected), maxmem=2**27)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


#: Checked against when the username is unknown, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-password", salt=b"\0" * SALT_BYTES)


# --- the file -------------------------------------------------------------------------------------------

def _user(username: str, entry: Mapping[str, object], path: Path) -> User:
    """One validated entry; ``UsersFileError`` naming the file and the entry otherwise."""
    where = f"{path}: user {username!r}"
    if not USERNAME.match(username):
        raise UsersFileError(f"{where}: a username is 1 to 64 lower-case letters, digits, '.', '_' or '-'")
    try:
        role = Role(str(entry.get("role", "")))
    except ValueError:
        raise UsersFileError(f"{where}: role must be one of {', '.join(r.value for r in Role)}") from None
    la = entry.get("la")
    alliance = entry.get("alliance")
    for item, value in (("la", la), ("alliance", alliance)):
        if value is not None and not CODE.match(str(value)):
            raise UsersFileError(f"{where}: {item} {value!r} is not a code (letters and digits)")
    if role is Role.LA and la is None:
        raise UsersFileError(f"{where}: an 'la' user needs la = \"<old_la_code>\"")
    if role is Role.ANALYST and alliance is None:
        raise UsersFileError(f"{where}: an 'analyst' user needs alliance = \"<alliance code>\"")
    return User(
        username=username,
        name=str(entry.get("name") or username),
        role=role,
        la=str(la) if la is not None else None,
        alliance=str(alliance) if alliance is not None else None,
        email=str(entry["email"]).strip().lower() if entry.get("email") else None,
        password_hash=str(entry["password_hash"]) if entry.get("password_hash") else None,
    )


def load_users(path: Path) -> dict[str, User]:
    """Every user of the file by username; {} when the file does not exist."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsersFileError(f"{path}: cannot be read as TOML ({exc})") from exc
    entries = data.get("users", {})
    if not isinstance(entries, dict):
        raise UsersFileError(f"{path}: expected [users.<name>] tables")
    return {name: _user(name, entry, path) for name, entry in entries.items() if isinstance(entry, dict)}


def _toml_string(value: str) -> str:
    """A TOML basic string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump_users(users: Iterable[User]) -> str:
    """The users file's text."""
    lines = ["# Dashboard users (workforce users add/remove). Passwords are scrypt hashes; keep this file private.",
             ""]
    for user in sorted(users, key=lambda u: u.username):
        lines.append(f"[users.{user.username}]")
        fields = {"name": user.name, "role": user.role.value, "la": user.la, "alliance": user.alliance,
                  "email": user.email, "password_hash": user.password_hash}
        lines.extend(f"{key} = {_toml_string(value)}" for key, value in fields.items() if value is not None)
        lines.append("")
    return "\n".join(lines)


def save_users(path: Path, users: Iterable[User]) -> None:
    """Write the file atomically with owner-only permissions (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(dump_users(users))
    os.replace(tmp, path)


def add_user(path: Path, user: User, password: str | None) -> User:
    """Add or replace a user (hashing the password if one is given) and save the file."""
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise UsersFileError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    checked = _user(user.username, {"name": user.name, "role": user.role.value, "la": user.la,
                                    "alliance": user.alliance, "email": user.email}, path)
    stored = User(**{**checked.__dict__,
                     "password_hash": hash_password(password) if password is not None else user.password_hash})
    users = load_users(path)
    users[stored.username] = stored
    save_users(path, users.values())
    return stored


def remove_user(path: Path, username: str) -> bool:
    """Remove a user; False when there was none of that name."""
    users = load_users(path)
    if users.pop(username, None) is None:
        return False
    save_users(path, users.values())
    return True


def authenticate(users: Mapping[str, User], username: str, password: str) -> User | None:
    """The user whose username and password match, else None (same work either way)."""
    user = users.get(username.strip().lower())
    ok = verify_password(password, user.password_hash if user is not None else _DUMMY_HASH)
    return user if ok and user is not None and user.password_hash else None


def user_for_email(users: Mapping[str, User], email: str | None) -> User | None:
    """The user an OIDC identity maps to (by e-mail, case-insensitive), or None."""
    if not email:
        return None
    wanted = email.strip().lower()
    return next((u for u in users.values() if u.email == wanted), None)


#: The demonstration users: username -> (name, role, la, alliance).
DEMO_USERS: dict[str, tuple[str, Role, str | None, str | None]] = {
    "analyst": ("Regional analyst (demo)", Role.ANALYST, None, "E12000001"),
    "director": ("LA director, Newcastle (demo)", Role.LA, "391", None),
    "public": ("Member of the public (demo)", Role.PUBLIC, None, None),
}


def ensure_demo_users(users_file: Path) -> dict[str, str]:
    """Create the demonstration users with random passwords if the users file does not exist yet.

    Returns username -> password for the users created (empty when the file already existed: its passwords
    are not known and are left alone).
    """
    if users_file.exists():
        return {}
    created: dict[str, str] = {}
    for username, (name, role, la, alliance) in DEMO_USERS.items():
        password = secrets.token_urlsafe(12)
        add_user(users_file, User(username=username, name=name, role=role, la=la, alliance=alliance), password)
        created[username] = password
    return created
