"""The checksums of the inbox files already hashed, kept by each file's identity on disk, as git's index does.

`workforce run` looks at every file in the inbox each time. A file already loaded is skipped, but finding
that out meant reading and hashing it again: half a second for the national inbox (1,800 files, 250 MB) on
every run, however little was new. A file whose device, inode, size, modification time and change time are
what they were when it was hashed still holds the bytes that were hashed. The change time (``st_ctime``) is
set by the kernel whenever the content or the metadata changes, and no tool can set it back, so a file
rewritten with the same size and its old modification time restored is still seen as changed.

A file changed in the same clock tick as it was read could keep its times. Files modified less than
``SETTLE_SECONDS`` before they were hashed are therefore not recorded: they are hashed again next time.
The record is a cache: without it (or when it is unreadable) every file is simply hashed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE_NAME = "seen_files.json"
SETTLE_SECONDS = 1.0

Identity = tuple[int, int, int, int, int]  # device, inode, size, mtime_ns, ctime_ns


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class SeenFiles:
    """Checksums by path, valid while the file's identity is unchanged. ``folder``: where the record lives."""

    def __init__(self, folder: Path):
        self.path = folder / FILE_NAME
        self._known: dict[str, tuple[Identity, str]] = {}
        self._seen: dict[str, tuple[Identity, str]] = {}
        try:
            for name, (ident, checksum) in json.loads(self.path.read_text(encoding="utf-8")).items():
                self._known[name] = (tuple(ident), checksum)
        except (OSError, ValueError, TypeError):
            self._known = {}

    def lookup(self, path: Path) -> tuple[str, int] | None:
        """(checksum, size) of ``path`` when it is unchanged since it was hashed, else None."""
        known = self._known.get(str(path))
        if known is None:
            return None
        try:
            current = identity(path.stat())
        except OSError:
            del self._known[str(path)]
            return None
        if current != known[0]:
            del self._known[str(path)]  # changed: hashed again, recorded afresh
            return None
        self._seen[str(path)] = known
        return known[1], current[2]

    def record(self, path: Path, checksum: str, hashed_at_ns: int) -> None:
        """Note the checksum of a file hashed from ``hashed_at_ns`` (time.time_ns()) on, unless it changed
        too shortly before that to be sure its times would show a later change."""
        try:
            ident = identity(path.stat())
        except OSError:
            return
        if max(ident[3], ident[4]) > hashed_at_ns - int(SETTLE_SECONDS * 1e9):
            return
        self._seen[str(path)] = (ident, checksum)

    def save(self) -> None:
        """Write the record atomically: the files hashed or found unchanged in this pass, and the others it
        held that still exist (another pass, such as the published files' ingest, may look at them)."""
        kept = {name: entry for name, entry in self._known.items()
                if name not in self._seen and os.path.exists(name)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}")
        temporary.write_text(json.dumps({**kept, **self._seen}), encoding="utf-8")
        os.replace(temporary, self.path)
