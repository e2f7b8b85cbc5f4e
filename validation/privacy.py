"""Pseudonymisation: the only place a raw SWENo or a full birth date is handled after parsing.

SWENo becomes an HMAC-SHA256 keyed with WORKFORCE_SECRET (or a random secret created once, owner-only,
in WORKFORCE_HOME); birth dates are cut to the month. The agency return's ``swe_number`` is hashed exactly as the
census SWENo (same key, same function), so the region can match an agency worker to census records (AGY040)
without ever holding the number.

A time-use diary's ``worker_ref`` is hashed too, whatever it is (``diary_worker_refs``): a SWE number (2 letters
and up to 10 digits) as the census SWENo, so that it matches the census records; anything else, the LA's own
pseudonym, with the LA code and a prefix of its own, so that two LAs' "W001" never look like one worker and a
pseudonym never looks like a registration number. A pseudonym is still an identifier: the LA holds the list that
turns it back into a name, LAs often use staff numbers or initials, and the same reference may come back in the
next diary. Nothing the warehouse holds should let anyone outside the LA follow a named person, so no
reference as typed goes further than quarantine.
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
SWE_NUMBER = re.compile(r"^[A-Z]{2}\d{1,10}$")
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


def swe_number_of(value: object) -> str | None:
    """A Social Work England number as sent ("sw 123456", "SW123456") in its normal form, or None."""
    if not isinstance(value, str):
        return None
    text = normalise_sweno(value)
    return text if SWE_NUMBER.fullmatch(text) else None


def diary_worker_refs(values: list[str | None], old_la_codes: list[str], secret: bytes
                      ) -> tuple[list[str | None], list[str | None]]:
    """Keyed hashes of a diary's worker references, and what each was: ``swe_number`` (hashed as the census
    SWENo, so it matches) or ``pseudonym`` (the LA's own reference: hashed with the LA code, case and spaces at
    the ends ignored)."""
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    known: dict[tuple[str | None, str], tuple[str | None, str | None]] = {}  # a worker's rows repeat their ref
    refs: list[str | None] = []
    kinds: list[str | None] = []
    for value, code in zip(values, old_la_codes, strict=True):
        found = known.get((value, code))
        if found is None:
            number = swe_number_of(value)
            if number is not None:
                found = (worker_ref(number, secret), "swe_number")
            elif value is None or not str(value).strip():
                found = (None, None)
            else:
                digest = keyed.copy()
                digest.update(f"pseudonym|{code}|{str(value).strip().casefold()}".encode())
                found = (digest.hexdigest(), "pseudonym")
            known[(value, code)] = found
        refs.append(found[0])
        kinds.append(found[1])
    return refs, kinds
