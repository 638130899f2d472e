"""The server password: printed by ``password_cmd`` or kept by the system keyring.

flowday never stores it: the command runs (no shell) each sync and its first line of
output is the password; else the ``keyring`` package, when installed, is asked for
service ``flowday-sync`` and the user name.
"""

from __future__ import annotations

import shlex
import subprocess

from flowday.config import ConfigError, SyncSettings
from flowday.domain.text import shown

KEYRING_SERVICE = "flowday-sync"
COMMAND_TIMEOUT = 60  # seconds: a password manager may ask for its own passphrase


def password(settings: SyncSettings) -> str:
    """The password, "" for a server without one (no user name, nothing found)."""
    if settings.password_cmd:
        return _from_command(settings.password_cmd)
    if not settings.user:
        return ""
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]  # optional
    except ImportError:
        keyring = None
    found = keyring.get_password(KEYRING_SERVICE, settings.user) if keyring else None
    if not found:
        raise ConfigError(
            "sync.password_cmd is not set and the keyring holds no password for "
            f"{shown(settings.user)} (service {KEYRING_SERVICE}): set one of them"
        )
    return str(found)


def _from_command(command: str) -> str:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"sync.password_cmd cannot be read as a command: {exc}") from None
    if not argv:
        raise ConfigError("sync.password_cmd is empty")
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"sync.password_cmd could not run: {shown(reason)}") from None
    if done.returncode != 0:
        raise ConfigError(f"sync.password_cmd failed (exit status {done.returncode})")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise ConfigError("sync.password_cmd printed no password")
    return lines[0]
