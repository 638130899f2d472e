"""Where flowday's folders and files are: the data folder, the config file, the user cache
folder. Light on purpose (the standard library; platformdirs only when asked for a default):
``flowday next``'s fast path resolves them without loading the planner."""

from __future__ import annotations

import os
from pathlib import Path

from flowday.domain.errors import InputError


def data_dir(explicit: str | None) -> Path:
    if explicit:
        return _expanded(explicit, "--data-dir")
    if os.environ.get("FLOWDAY_DATA_DIR"):
        return _expanded(os.environ["FLOWDAY_DATA_DIR"], "$FLOWDAY_DATA_DIR")
    from platformdirs import user_data_dir

    return Path(user_data_dir("flowday"))


def _expanded(path: str, where: str) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError:  # ~user of no such user, or no home folder to put for ~
        raise InputError(f"{where}: cannot expand {path!r}: no such home folder") from None


def config_root() -> Path:
    """flowday's user config folder: config.toml and the user's own themes."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("flowday"))


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
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("flowday")
    return Path(base)


def screenshot_folder() -> Path:
    """The Downloads folder when it exists (where Textual saves screenshots), else the
    folder flowday was started in."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()
