"""The CalDAV collection, through the maintained ``caldav`` library.

Only what a sync needs: the changes since a sync-token (RFC 6578), or the whole listing
of hrefs and ETags when the server has no sync-token or forgot ours; GET one object
with its ETag, or a hundred in one calendar-multiget REPORT; PUT with ``If-Match`` (an
update) or ``If-None-Match: *`` (a new event); DELETE with ``If-Match``. A precondition
that fails (someone changed the object since we read it) is :class:`Stale`, which the
engine answers by reading again and merging. Every other failure is one
:class:`SyncError` line: nothing half-done is left, the next sync finishes the job.
"""

from __future__ import annotations

import hashlib
import re
import threading
import urllib.parse
from typing import Any, Protocol

from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import Record, define, field
from flowday.domain.text import shown

TIMEOUT = 30  # seconds per request: a server that stops answering is an error, not a hang
# requests under way at once while sending: enough to hide the round trips of a first sync
# of years (one request per event), few enough not to swamp a small server
PARALLEL = 4


class SyncError(FlowdayError):
    """The server could not be reached or did not do what was asked (exit status 6)."""

    exit_code = 6


class Refused(SyncError):
    """403 or 415 on a write: the collection does not take this kind of object (a calendar
    made for events only refuses a journal) or this object at all."""


class Stale(Exception):
    """412: the object changed on the server since it was read (or exists already)."""


@define(frozen=False)
class Listing(Record):
    token: str | None  # the token to ask from next time (None: the server gave none)
    full: bool  # every object is listed (absent ones are gone), not only the changes
    etags: dict[str, str | None] = field(default_factory=dict)  # href → ETag; None: deleted


class Collection(Protocol):
    """What the engine asks of a server (tests wrap the real one to inject faults)."""

    url: str

    def listing(self, token: str | None) -> Listing: ...

    def get(self, href: str) -> tuple[str, str] | None: ...  # (ETag, text); None: gone

    def put(self, href: str, text: str, etag: str | None) -> str | None: ...  # new ETag

    def delete(self, href: str, etag: str) -> None: ...

    def href_for(self, uid: str) -> str: ...


_SAFE_NAME = re.compile(r"[A-Za-z0-9@._-]{1,120}")


class CalDavCollection:
    """One calendar collection on a CalDAV server, found (or made) by its display name;
    ``create=False``: one that must exist already (a subscription, never made by flowday).

    GET, PUT and DELETE may be called from :data:`PARALLEL` threads at once: each thread
    talks through a client (an HTTP session) of its own, as sessions are not meant to be
    shared between threads."""

    parallel = PARALLEL

    def __init__(
        self, url: str, user: str, password: str, calendar: str, *, create: bool = True
    ) -> None:
        from caldav.davclient import DAVClient
        from caldav.lib import error

        self._error = error
        self._options: dict[str, Any] = {
            "url": url, "username": user or None, "password": password or None,
            "ssl_verify_cert": True, "timeout": TIMEOUT,
        }  # fmt: skip
        self._owner = threading.get_ident()
        self._threads = threading.local()
        try:
            self._client: Any = DAVClient(**self._options)
            principal = self._client.principal()
            found = next(
                (c for c in principal.calendars() if c.get_display_name() == calendar), None
            )
            if found is None and not create:
                raise SyncError(f"no calendar named {shown(calendar)} at {shown(url)} "
                                "(sync.subscribe names calendars on the same server)")  # fmt: skip
            self._calendar: Any = found or principal.make_calendar(name=calendar)
        except SyncError:
            raise
        except error.AuthorizationError:
            raise SyncError(f"{shown(url)} refused the user name or password (sync.user, "
                            "sync.password_cmd)") from None  # fmt: skip
        except Exception as exc:
            raise SyncError(f"cannot reach the calendar at {shown(url)}: {_reason(exc)}") from None
        self.url = str(self._calendar.url)

    def href_for(self, uid: str) -> str:
        name = uid if _SAFE_NAME.fullmatch(uid) else hashlib.sha1(uid.encode()).hexdigest()
        return urllib.parse.urljoin(self.url, urllib.parse.quote(name) + ".ics")

    def listing(self, token: str | None) -> Listing:
        from caldav.elements import dav

        tag = dav.GetEtag.tag
        if token and not token.startswith("fake-"):
            try:
                found = self._calendar.get_objects_by_sync_token(
                    token, load_objects=False, disable_fallback=True
                )
            except self._error.DAVError:
                pass  # expired, or no sync-collection: list everything below
            except Exception as exc:
                raise SyncError(f"cannot list {shown(self.url)}: {_reason(exc)}") from None
            else:
                return Listing(_token(found.sync_token), False, self._etags(found, tag))
        try:
            found = self._calendar.get_objects_by_sync_token(None, load_objects=False)
        except Exception as exc:
            raise SyncError(f"cannot list {shown(self.url)}: {_reason(exc)}") from None
        etags: dict[str, str | None] = {
            href: etag for href, etag in self._etags(found, tag).items() if etag
        }
        return Listing(_token(found.sync_token), True, etags)

    def _etags(self, found: Any, tag: str) -> dict[str, str | None]:
        deleted = {str(u) for u in getattr(found, "deleted_urls", ()) or ()}
        etags: dict[str, str | None] = {}
        for obj in found:
            href = str(obj.url)
            if href.rstrip("/") == self.url.rstrip("/"):
                continue
            etag = (getattr(obj, "props", None) or {}).get(tag)
            etags[href] = None if href in deleted else (str(etag) if etag else None)
        return etags

    def get_many(self, hrefs: list[str]) -> dict[str, tuple[str, str]]:
        """Several objects in one request (calendar-multiget, RFC 4791 7.9): (ETag, text)
        by href. One the answer lacks (or a server without multiget: none) is left out,
        and the engine reads it alone with :meth:`get`, which says what went wrong."""
        from caldav.elements import dav
        from caldav.lib.url import URL

        try:
            found = self._calendar.multiget([URL.objectify(href) for href in hrefs])
        except Exception:
            return {}
        wanted = {_path_of(href): href for href in hrefs}
        got: dict[str, tuple[str, str]] = {}
        for obj in found:
            href = wanted.get(_path_of(str(obj.url)))
            etag = (getattr(obj, "props", None) or {}).get(dav.GetEtag.tag)
            text = obj.data
            if href and etag and isinstance(text, str) and text:
                got[href] = (str(etag), text)
        return got

    def get(self, href: str) -> tuple[str, str] | None:
        response = self._request(href, "GET", "", {})
        if response.status == 404:
            return None
        if response.status != 200:
            raise SyncError(f"reading {shown(href)}: the server answered {response.status}")
        etag = response.headers.get("ETag") or ""
        return etag, _text(response)

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        headers["If-Match" if etag else "If-None-Match"] = etag or "*"
        response = self._request(href, "PUT", text, headers)
        if response.status == 412:
            raise Stale(href)
        if response.status in (403, 415):
            raise Refused(f"writing {shown(href)}: the server answered {response.status}")
        if response.status not in (200, 201, 204):
            raise SyncError(f"writing {shown(href)}: the server answered {response.status}")
        return response.headers.get("ETag")

    def delete(self, href: str, etag: str) -> None:
        response = self._request(href, "DELETE", "", {"If-Match": etag})
        if response.status == 412:
            raise Stale(href)
        if response.status not in (200, 204, 404):
            raise SyncError(f"deleting {shown(href)}: the server answered {response.status}")

    def _client_here(self) -> Any:
        if threading.get_ident() == self._owner:
            return self._client
        client = getattr(self._threads, "client", None)
        if client is None:
            from caldav.davclient import DAVClient

            client = self._threads.client = DAVClient(**self._options)
        return client

    def _request(self, href: str, method: str, body: str, headers: dict[str, str]) -> Any:
        try:
            return self._client_here().request(href, method, body, headers)
        except self._error.DAVError as exc:
            status = getattr(exc, "status", None) or _status_in(str(exc))
            if status:
                return _Answer(int(status))
            raise SyncError(f"{method} {shown(href)}: {_reason(exc)}") from None
        except Exception as exc:
            raise SyncError(f"{method} {shown(href)}: {_reason(exc)}") from None


@define(frozen=False)
class _Answer(Record):
    """A status the library raised instead of returning (e.g. 412 on some versions)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)


def _path_of(href: str) -> str:
    # servers differ in what they percent-encode ('@' or '%40'): compare unquoted paths
    return urllib.parse.unquote(urllib.parse.urlsplit(href).path)


def _status_in(text: str) -> str | None:
    match = re.search(r"\b([45]\d\d)\b", text)
    return match[1] if match else None


def _text(response: Any) -> str:
    raw = getattr(response, "raw", "")
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _token(token: Any) -> str | None:
    text = str(token) if token else ""
    return text if text and not text.startswith("fake-") else None


def _reason(exc: BaseException) -> str:
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    # the HTTP stack wraps "connection refused" in a pool's retry error: say the cause
    errno = _ERRNO.search(first)
    if errno:
        return f"{shown(errno[1]).lower()} (is the server running, and the url right?)"
    unknown = _UNRESOLVED.search(first)
    if unknown:
        return f"no such host {shown(unknown[1])} (offline, or a typo in the url?)"
    return shown(first[:160]) or type(exc).__name__


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\"\])]+)")
_UNRESOLVED = re.compile(r"Failed to resolve '([^']+)'")
