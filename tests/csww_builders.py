"""Small CSWW returns for tests, written with the product's own XML writer (demodata.csww_xml)."""

from __future__ import annotations

from demodata.csww_xml import build_csww_xml

SECRET = b"test-secret-not-for-production"


def worker(**items: object) -> dict:
    """A valid, in-post, non-agency case holder for census year 2025; override any item."""
    base: dict[str, object] = {
        "AgencyWorker": 0, "SWENo": "SW100001", "FTE": 1.0, "PersonBirthDate": "1985-06-17", "Sex": "F",
        "Ethnicity": "WBRI", "QualLevel": 1, "OrgRole": 5, "RoleStartDate": "2020-04-01", "FTE30": 1.0,
        "Cases30": 15, "WorkingDaysLost": 2.5, "Absat30Sept": 0,
    }
    base.update(items)
    return base


def la_level(**items: object) -> dict:
    base: dict[str, object] = {"NumberOfVacancies": 3.0, "NoAgencyFTE": 1.0, "NoAgencyHeadcount": 1}
    base.update(items)
    return base


def csww(workers: list[dict] | None = None, *, lea: str = "840", year: int = 2025, la: dict | None = None,
         **kwargs: object) -> bytes:
    """A CSWW message; by default one valid worker and one agency worker covering 1 FTE."""
    if workers is None:
        workers = [worker(), worker(AgencyWorker=1, SWENo="SW200002", OrgRole=5, Cases30=10)]
    return build_csww_xml(lea=lea, year=year, workers=workers, la_level=la if la is not None else la_level(),
                          strict_layout=False, **kwargs)
