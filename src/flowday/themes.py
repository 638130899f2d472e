"""Theme files: find, read and validate them, and decide which theme a run uses.

Pure Python (tomllib): no Textual here; ``flowday.tui.theming`` turns a :class:`ThemeSpec`
into a Textual theme. A theme is one TOML file whose name (without ``.toml``) is the
theme's name::

    description = "..."      # optional, shown by `flowday themes`
    dark = true              # required: a dark or a light theme
    [colors]                 # Textual's colours; only `primary` is required
    primary = "#4F8FD6"
    [flowday]                # flowday's own ($flowday-work ...); optional
    work = "#4F8FD6"

Shipped themes live in the top-level ``themes/`` folder of the source tree, which the
build copies into the package (``flowday/shipped_themes``). A user's own themes live in
``<user config dir>/themes``; a user theme with a shipped theme's name replaces it.

Nothing here raises for a bad theme: every problem becomes one warning that names the
file and the problem, and the run falls back to :data:`DEFAULT_THEME`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal

from flowday.domain.frozen import Record, define, field

DEFAULT_THEME = "flowday-dark"
FALLBACK_THEME = "textual-dark"  # only if the shipped default itself cannot be read

TEXTUAL_COLORS = (
    "primary", "secondary", "accent", "foreground", "background",
    "surface", "panel", "warning", "error", "success",
)  # fmt: skip
FLOWDAY_COLORS = ("work", "personal", "break", "fence", "violation", "now")

# State keys in the store (state.json): the theme picked in the app, and the config's
# `theme` at that moment, so a later edit of the config can be told apart (it wins).
STATE_THEME = "theme"
STATE_THEME_CONFIG = "theme_config"

Source = Literal["shipped", "user"]
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_TOP_KEYS = {"description", "dark", "colors", "flowday"}


class ThemeFileError(Exception):
    """One theme file cannot be used; the message names the file and the problem."""


@define
class ThemeSpec(Record):
    """A validated theme file. Colours are ``#RRGGBB`` strings."""

    name: str
    source: Source
    path: Path
    dark: bool
    colors: dict[str, str]
    flowday: dict[str, str]
    description: str = ""

    def variables(self) -> dict[str, str]:
        """flowday's colours as Textual theme variables (``flowday-work`` ...)."""
        return {f"flowday-{key}": value for key, value in self.flowday.items()}


@define(frozen=False)
class ThemeCatalog(Record):
    """Every usable theme by name, plus one message per file that could not be used."""

    themes: dict[str, ThemeSpec] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # theme name -> message
    shadowed: dict[str, ThemeSpec] = field(default_factory=dict)  # shipped, replaced by user

    def warnings(self, *, skip: Collection[str] = ()) -> list[str]:
        return [message for name, message in self.broken.items() if name not in skip]


ThemeOrigin = Literal["--theme", "config", "app", "default"]


@define
class ThemeChoice(Record):
    """The theme a run uses, where the choice came from, and what went wrong on the way."""

    name: str
    origin: ThemeOrigin
    warnings: list[str]


# --- where themes live --------------------------------------------------------------------


def shipped_themes_dir() -> Path:
    """The installed package's copy, else the source checkout's top-level ``themes/``."""
    packaged = Path(__file__).resolve().parent / "shipped_themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def user_themes_dir() -> Path:
    from flowday.places import config_root

    return config_root() / "themes"


# --- reading ------------------------------------------------------------------------------


def parse_color(value: Any) -> str | None:
    """``#RGB`` or ``#RRGGBB`` → ``#RRGGBB`` (upper case); anything else → ``None``."""
    if not isinstance(value, str) or not _HEX.match(value.strip()):
        return None
    digits = value.strip()[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits.upper()}"


def load_theme_file(path: Path, source: Source) -> ThemeSpec:
    """Read one theme file; :class:`ThemeFileError` names the file and the problem."""
    name = path.stem

    def problem(message: str) -> ThemeFileError:
        return ThemeFileError(f"theme file {path}: {message}")

    if not _NAME.match(name):
        raise problem("a theme's file name may only hold letters, digits, '-' and '_'")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise problem(f"not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise problem("not UTF-8 text") from None
    except OSError as exc:
        raise problem(f"cannot read it ({exc.strerror or exc})") from None

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise problem(f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    dark = data.get("dark")
    if not isinstance(dark, bool):
        raise problem("'dark' must be set to true or false")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise problem("'description' must be text")
    colors = _color_table(data, "colors", TEXTUAL_COLORS, problem)
    if "primary" not in colors:
        raise problem("[colors] must set at least 'primary'")
    flowday = _color_table(data, "flowday", FLOWDAY_COLORS, problem)
    return ThemeSpec(name, source, path, dark, colors, flowday, description.strip())


def _color_table(
    data: dict[str, Any], table: str, known: tuple[str, ...], problem: Any
) -> dict[str, str]:
    raw = data.get(table, {})
    if not isinstance(raw, dict):
        raise problem(f"[{table}] must be a table of colours")
    colors: dict[str, str] = {}
    for key, value in raw.items():
        if key not in known:
            raise problem(f"unknown colour {table}.{key} (known: {', '.join(known)})")
        color = parse_color(value)
        if color is None:
            raise problem(f'{table}.{key} = {value!r} is not a colour (use "#RRGGBB")')
        colors[key] = color
    return colors


def _theme_files(folder: Path | None) -> list[Path]:
    if folder is None:
        return []
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def load_catalog(shipped_dir: Path | None = None, user_dir: Path | None = None) -> ThemeCatalog:
    """Shipped themes, then the user's (a user theme replaces a shipped one of that name).

    ``None`` means the standard folders; pass a folder to point elsewhere (tests)."""
    catalog = ThemeCatalog()
    folders: list[tuple[Source, Path]] = [
        ("shipped", shipped_dir or shipped_themes_dir()),
        ("user", user_dir or user_themes_dir()),
    ]
    for source, folder in folders:
        for path in _theme_files(folder):
            try:
                spec = load_theme_file(path, source)
            except ThemeFileError as exc:
                replaced = catalog.themes.get(path.stem)
                tail = f"; using the shipped {path.stem!r}" if replaced else "; it is skipped"
                catalog.broken[path.stem] = f"{exc}{tail}"
                continue
            if spec.name in catalog.themes:
                catalog.shadowed[spec.name] = catalog.themes[spec.name]
            catalog.themes[spec.name] = spec
            catalog.broken.pop(spec.name, None)
    return catalog


# --- choosing -----------------------------------------------------------------------------

UNSET: Any = object()  # "no value stored", as opposed to a stored ``None``


def choose_theme(
    available: Collection[str],
    *,
    cli: str | None = None,
    config: str | None = None,
    stored: str | None = None,
    stored_config: str | None = UNSET,
    broken: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> ThemeChoice:
    """Which theme a run uses.

    Precedence: ``--theme`` (this run only) > the theme picked in the app > ``theme`` in the
    config > :data:`DEFAULT_THEME`. The app's pick is remembered with the config's value at
    that moment: editing the config's ``theme`` afterwards is the newer choice and wins.

    ``available`` holds every usable name (flowday's and Textual's own themes); ``broken``
    maps names to the message of a theme file that could not be used. Each broken file and
    an unknown choice give one warning each; an unusable choice gives the default theme."""
    broken = broken or {}
    if stored_config is UNSET:
        stored_config = config  # a pick stored without it counts as made under this config
    candidates: list[tuple[str | None, Literal["--theme", "config", "app"]]] = [
        (cli, "--theme"),
        (stored if stored_config == config else None, "app"),
        (config, "config"),
        (stored, "app"),
    ]
    default = DEFAULT_THEME if DEFAULT_THEME in available else FALLBACK_THEME
    origin: ThemeOrigin = "default"
    chosen, problem = default, None
    for name, from_ in candidates:
        if not name:
            continue
        origin = from_
        if name in available:
            chosen = name
        elif name in broken:
            problem = (name, f"{broken[name].removesuffix('; it is skipped')}; using {default!r}")
        else:
            where = {
                "--theme": "--theme",
                "config": f"theme in {config_file}" if config_file else "theme in the config",
                "app": "the theme picked in the app",
            }[from_]
            known = ", ".join(sorted(available))
            problem = (name, f"{where}: unknown theme {name!r}; using {default!r} ({known})")
        break
    # one warning per problem: a broken file that was asked for is named once, with the choice
    warnings = [message for name, message in broken.items() if not problem or name != problem[0]]
    if problem:
        warnings.append(problem[1])
    return ThemeChoice(chosen, origin, warnings)
