"""The one way flowday writes a file: a temp file beside the target, fsync, ``os.replace``,
fsync the folder. A crash at any instant leaves the old file or the new one, never a mix,
and two processes writing the same path at once each replace it whole (unique temp names).
Stdlib only: the store, the calendar export and the stats cache all use it. The store's
changes to several files use its two halves, :func:`prepare` (the part that needs disk
space) and :meth:`PreparedFile.put_in_place` (the rename), so a full disk refuses a change
before any file is replaced. :func:`append` is the one durable append (the store's
per-month change log): a line is written and fsynced, or cut off again.

Paths a person names can be anything: :func:`regular_target` (before a write) and
:func:`read_regular` (a bounded read that never blocks) are the one check that a path is a
regular file, so a rename never turns a device, a named pipe or a symbolic link into a
plain file and a read never waits on a pipe or reads ``/dev/zero`` forever."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

TEMP_MARK = ".tmp-"  # in every temp file's name, so leftovers of a killed writer can be found


def temp_path_for(path: Path) -> Path:
    """A name no other writer (process or thread) picks: pid plus random bytes."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}")


class PreparedFile:
    """New contents written and synced beside their target, not yet in its place: the part
    of a write that needs disk space, done before anything a reader sees has changed. A
    change to several files prepares them all first, so a full disk refuses it whole."""

    def __init__(self, path: Path, temp: Path) -> None:
        self.path = path
        self.temp = temp

    def put_in_place(self) -> None:
        """The rename: needs no space; durable once the folder is synced (``fsync_folder``)."""
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.temp)


def prepare(path: Path, payload: bytes, *, permissions: int = 0o600) -> PreparedFile:
    """Write and fsync ``payload`` to a temp file beside ``path`` (see :class:`PreparedFile`).
    Raises ``OSError`` (a full disk: ``ENOSPC``, ``EDQUOT``; ``EIO``) with no temp file left."""
    path = Path(path)
    temp = temp_path_for(path)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, permissions)
    try:
        try:
            view = memoryview(payload)
            while view:  # os.write may write less than asked
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return PreparedFile(path, temp)


def write_atomically(path: Path, payload: bytes, *, permissions: int = 0o600) -> None:
    """Replace ``path`` with ``payload`` atomically and durably. Raises ``OSError`` (callers
    turn it into their own one-line error); a failure before the rename leaves the target
    untouched and no temp file behind (one syncing the folder after it leaves the new file
    in place, not yet durable). The folder must exist. ``permissions`` is for a new file,
    before the umask."""
    prepared = prepare(path, payload, permissions=permissions)
    try:
        prepared.put_in_place()
    except BaseException:
        prepared.discard()
        raise
    fsync_folder(Path(path).parent)


def append(path: Path, payload: bytes, *, at: int, permissions: int = 0o600) -> os.stat_result:
    """Write ``payload`` at offset ``at`` of ``path`` (created if missing) and fsync it; the
    file's ``fstat`` afterwards. Bytes past ``at`` (a line torn by a crash) are cut off
    first, so what follows the last whole line is never kept under a new one. A failure
    cuts the file back to ``at`` (a file this call created is removed) and raises
    ``OSError``: a failed append leaves nothing. Not a link, never blocking (a named pipe
    there is refused); the caller holds a lock, so no one else appends at once."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    created = not os.path.lexists(path)
    fd = os.open(path, flags, permissions)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(info.st_mode)
        if info.st_size < at:  # someone cut it under the lock: never write past a hole
            raise OSError(errno.EIO, f"shorter ({info.st_size} bytes) than expected ({at})")
        try:
            if info.st_size > at:
                os.ftruncate(fd, at)
            view, offset = memoryview(payload), at
            while view:  # os.pwrite may write less than asked
                written = os.pwrite(fd, view, offset)
                view, offset = view[written:], offset + written
            os.fsync(fd)
            if created:  # the new name durable too
                fsync_folder(Path(path).parent)
            return os.fstat(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, at)
                os.fsync(fd)
            if created:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            raise
    finally:
        os.close(fd)


def remove(path: Path) -> None:
    """Remove ``path`` (gone already: fine) and make that durable."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fsync_folder(Path(path).parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or unlink in ``folder`` durable (the file's own fsync does not)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class NotRegularFileError(OSError):
    """A path that is not a regular file where one is needed; ``strerror`` says what it is
    in words ("not a regular file (a named pipe)") and ``kind`` names the kind alone."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(errno.EINVAL, reason)
        self.kind = kind


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words, from its ``st_mode``."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def _not_regular(mode: int, prefix: str = "") -> NotRegularFileError:
    kind = kind_of(mode)
    return NotRegularFileError(f"{prefix}not a regular file ({kind})", kind)


def regular_target(path: Path) -> Path:
    """The path :func:`write_atomically` should replace so that a regular file is all it
    ever replaces, or :class:`NotRegularFileError` (an ``OSError``) saying why not.

    Missing or a regular file: ``path`` itself. A symbolic link to a regular file: the
    file it resolves to, so the new contents land there and the link stays (a calendar
    kept in a dotfiles folder and linked from home keeps working). A dangling or looping
    link is refused, rather than creating a file wherever it happens to point. Devices,
    named pipes, sockets and folders are refused: replacing one would swap it for a plain
    file (``/dev/full`` as root). Checked before the write, not under a lock: the paths are
    a person's own files, and a race here only replaces a file, never writes into one."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    if stat.S_ISREG(mode):
        return path
    if not stat.S_ISLNK(mode):
        raise _not_regular(mode)
    try:
        resolved = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        pointee = os.path.realpath(path)
        raise NotRegularFileError(
            f"a symbolic link to {pointee}, which does not exist", "a dangling symbolic link"
        ) from None
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise NotRegularFileError(
            "a symbolic link that loops back on itself", "a looping symbolic link"
        ) from None
    mode = os.stat(resolved).st_mode
    if not stat.S_ISREG(mode):
        raise _not_regular(mode, f"a symbolic link to {resolved}, ")
    return resolved


def read_regular(
    path: Path, limit: int, *, follow_links: bool = True, offset: int = 0
) -> tuple[os.stat_result, bytes]:
    """The open file's ``fstat`` and at most ``limit`` bytes of the regular file at ``path``
    (from ``offset``: what was appended since a reader last looked),
    or ``OSError`` (:class:`NotRegularFileError` for anything else; ``FileNotFoundError``
    when it is missing). Opened without blocking and checked on the open descriptor: a
    named pipe with no writer would block ``open`` and ``read`` forever, and ``/dev/zero``
    never ends. ``follow_links=False`` refuses a symbolic link (the store, which saves by
    renaming over its files, would replace the link)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links and os.path.islink(path):
            raise _not_regular(stat.S_IFLNK) from None
        # a socket cannot be opened at all (ENXIO): name what it is instead of "No such device"
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):
            try:
                mode = os.stat(path).st_mode
            except OSError:
                raise exc from None
            if not stat.S_ISREG(mode):
                raise _not_regular(mode) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(info.st_mode)
        if offset:
            os.lseek(fd, offset, os.SEEK_SET)
        chunks: list[bytes] = []
        left = limit
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return info, b"".join(chunks)
    finally:
        os.close(fd)
