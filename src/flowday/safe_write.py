"""The one way flowday writes a file: a temp file beside the target, fsync, ``os.replace``,
fsync the folder. A crash at any instant leaves the old file or the new one, never a mix,
and two processes writing the same path at once each replace it whole (unique temp names).
Stdlib only: the store, the calendar export and the stats cache all use it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TEMP_MARK = ".tmp-"  # in every temp file's name, so leftovers of a killed writer can be found


def temp_path_for(path: Path) -> Path:
    """A name no other writer (process or thread) picks: pid plus random bytes."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}")


def write_atomically(path: Path, payload: bytes, *, permissions: int = 0o600) -> None:
    """Replace ``path`` with ``payload`` atomically and durably. Raises ``OSError`` (callers
    turn it into their own one-line error); on failure the target is untouched and no temp
    file is left behind. The folder must exist. ``permissions`` is for a new file, before
    the umask."""
    path = Path(path)
    temp = temp_path_for(path)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, permissions)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or unlink in ``folder`` durable (the file's own fsync does not)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
