"""Where flowday's folders and files are: the data folder, the config file, the user cache
folder. Light on purpose (the standard library; platformdirs only where the answer is not
plain XDG): ``flowday next``'s fast path resolves them without loading the planner."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flowday.domain.errors import InputError


def data_dir(explicit: str | None) -> Path:
    if explicit:
        return _expanded(explicit, "--data-dir")
    if os.environ.get("FLOWDAY_DATA_DIR"):
        return _expanded(os.environ["FLOWDAY_DATA_DIR"], "$FLOWDAY_DATA_DIR")
    return _user_folder("data")


_XDG = {"data": ("XDG_DATA_HOME", ".local/share"), "config": ("XDG_CONFIG_HOME", ".config"),
        "cache": ("XDG_CACHE_HOME", ".cache")}  # fmt: skip


def _user_folder(kind: str) -> Path:
    """platformdirs' user folder of ``kind`` for flowday. On Linux with an absolute $HOME it
    is the XDG base directory, read here (importing platformdirs costs a status bar's
    ``flowday next`` ~5 ms of its 60); elsewhere platformdirs answers (a test holds the two
    to the same answer)."""
    variable, default = _XDG[kind]
    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and os.path.isabs(home):
        base = os.environ.get(variable, "")
        return Path(base if os.path.isabs(base) else os.path.join(home, default)) / "flowday"
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("flowday"))


def _expanded(path: str, where: str) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError:  # ~user of no such user, or no home folder to put for ~
        raise InputError(f"{where}: cannot expand {path!r}: no such home folder") from None


def config_root() -> Path:
    """flowday's user config folder: config.toml and the user's own themes."""
    return _user_folder("config")


def default_config_path() -> Path:
    return config_root() / "config.toml"


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("FLOWDAY_CONFIG"):
        return Path(os.environ["FLOWDAY_CONFIG"])
    return default_config_path()


def cache_root() -> Path:
    """flowday's user cache dir (``$FLOWDAY_CACHE_DIR`` wins)."""
    base = os.environ.get("FLOWDAY_CACHE_DIR")
    return Path(base) if base else _user_folder("cache")


def screenshot_folder() -> Path:
    """The Downloads folder when it exists (where Textual saves screenshots), else the
    folder flowday was started in."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()
