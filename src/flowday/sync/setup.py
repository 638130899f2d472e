"""The collections ``[sync]`` names, opened the one way the CLI and the planner both use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowday.config import Config, ConfigError, SyncSettings

if TYPE_CHECKING:
    from flowday.sync.everything import Connect
    from flowday.sync.server import CalDavCollection

NOT_SET_UP = (
    'no [sync] in the config: add url = "https://dav.example.org/" (and user, '
    "password_cmd) — the README's Sync section shows how"
)


def sync_settings(config: Config) -> SyncSettings:
    """``[sync]``, or :class:`ConfigError` saying how to set it up."""
    if config.sync is None:
        raise ConfigError(NOT_SET_UP)
    return config.sync


def connector(config: Config) -> Connect:
    """Opens the server's collections by display name for one sync or a planner session:
    the password is asked of ``password_cmd`` or the keyring once, and each collection is
    opened once (``SyncError`` when unreachable)."""
    from flowday.sync.credentials import password
    from flowday.sync.server import CalDavCollection

    settings = sync_settings(config)
    secret = password(settings)
    opened: dict[str, CalDavCollection] = {}

    def connect(name: str, create: bool) -> CalDavCollection:
        if name not in opened:
            opened[name] = CalDavCollection(settings.url, settings.user, secret, name,
                                            create=create)  # fmt: skip
        return opened[name]

    return connect
