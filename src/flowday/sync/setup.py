"""The collection ``[sync]`` names, opened the one way the CLI and the planner both use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowday.config import Config, ConfigError

if TYPE_CHECKING:
    from flowday.sync.server import CalDavCollection

NOT_SET_UP = (
    'no [sync] in the config: add url = "https://dav.example.org/" (and user, '
    "password_cmd) — the README's Sync section shows how"
)


def open_collection(config: Config) -> CalDavCollection:
    """The server's collection (the password asked of ``password_cmd`` or the keyring);
    :class:`ConfigError` when ``[sync]`` is missing, ``SyncError`` when unreachable."""
    from flowday.sync.credentials import password
    from flowday.sync.server import CalDavCollection

    settings = config.sync
    if settings is None:
        raise ConfigError(NOT_SET_UP)
    return CalDavCollection(settings.url, settings.user, password(settings), settings.calendar)
