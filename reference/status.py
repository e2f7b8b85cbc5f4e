"""The outcomes of a file sent in, and the one table of the words people read for them.

Every page, table and report that names an outcome uses ``STATUS_WORDS`` (the words of outputs.md: a file is
"accepted", "accepted with N warnings", has "N rows rejected" or is "rejected"); the validation report adds
what each means for the LA (``validation.report``).
"""

from __future__ import annotations

from collections.abc import Iterable

#: A file's outcome (``validation.result.ValidationResult.status``, ``marts.submissions.status``), best first.
STATUSES: tuple[str, ...] = ("accepted", "accepted_with_warnings", "rows_rejected", "rejected")

#: The words shown for each outcome.
STATUS_WORDS: dict[str, str] = {
    "accepted": "Accepted",
    "accepted_with_warnings": "Accepted with warnings",
    "rows_rejected": "Some rows rejected",
    "rejected": "Rejected: nothing loaded",
}
#: An LA with no file at all for the period.
NO_RETURN = "No return received"


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of some files' outcomes (``STATUSES`` order); a status outside ``STATUSES`` counts as best."""
    return max(statuses, key=lambda s: STATUSES.index(s) if s in STATUSES else -1)
