"""Pseudonymisation: the only place a raw SWENo or a full birth date is handled after parsing.

SWENo becomes an HMAC-SHA256 keyed with WORKFORCE_SECRET (or a random secret created once, owner-only,
in WORKFORCE_HOME); birth dates are cut to the month.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sys
from pathlib import Path

SECRET_ENV = "WORKFORCE_SECRET"
SECRET_FILE = ".workforce_secret"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_secret(home: Path) -> bytes:
    """The HMAC key: WORKFORCE_SECRET, else a generated one kept in ``home`` with mode 0600."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode("utf-8")
    path = home / SECRET_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        print(f"warning: {SECRET_ENV} is not set: created a random secret in {path} (owner-only). "
              f"Set {SECRET_ENV} to keep worker references stable across machines.", file=sys.stderr)
    return path.read_text().strip().encode("utf-8")


def normalise_sweno(sweno: str) -> str:
    return "".join(sweno.split()).upper()


def worker_ref(sweno: str | None, secret: bytes) -> str | None:
    """Keyed hash of a registration number: stable for one secret, irreversible without it."""
    if sweno is None or not sweno.strip():
        return None
    return hmac.new(secret, normalise_sweno(sweno).encode("utf-8"), hashlib.sha256).hexdigest()


def worker_refs(swenos: list[str | None], secret: bytes) -> list[str | None]:
    """``worker_ref`` of many registration numbers (the keyed hash state is set up once, then copied)."""
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    refs: list[str | None] = []
    for sweno in swenos:
        if sweno is None or not sweno.strip():
            refs.append(None)
            continue
        digest = keyed.copy()  # normalise_sweno, inline (the common case has no space to take out)
        digest.update((sweno.upper() if sweno.isalnum() else normalise_sweno(sweno)).encode("utf-8"))
        refs.append(digest.hexdigest())
    return refs


def birth_month(value: str | None) -> str | None:
    """'1985-06-17' -> '1985-06'; anything that is not an ISO date gives None (never the raw text)."""
    if value is None or not _ISO_DATE.match(value.strip()):
        return None
    return value.strip()[:7]
