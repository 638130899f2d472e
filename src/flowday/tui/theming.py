"""Theme files → Textual themes: register them, pick the run's theme, remember the pick.

The themes appear in the command palette's theme picker ("Theme" / ctrl+p) beside
Textual's own. What a run uses is decided by :func:`flowday.themes.choose_theme`:
``--theme`` > the theme picked in the app > ``theme`` in the config (newer than that
pick wins) > flowday-dark.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from flowday.domain.errors import FlowdayError
from flowday.themes import (
    STATE_THEME,
    STATE_THEME_CONFIG,
    UNSET,
    ThemeCatalog,
    ThemeSpec,
    choose_theme,
    load_catalog,
)

if TYPE_CHECKING:
    from textual.app import App

    from flowday.store import Store


def to_textual_theme(spec: ThemeSpec) -> Theme:
    colors = spec.colors
    for value in [*colors.values(), *spec.flowday.values()]:
        Color.parse(value)  # the loader checked the form already; this is Textual's own word
    return Theme(
        name=spec.name,
        primary=colors["primary"],
        secondary=colors.get("secondary"),
        accent=colors.get("accent"),
        foreground=colors.get("foreground"),
        background=colors.get("background"),
        surface=colors.get("surface"),
        panel=colors.get("panel"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
        dark=spec.dark,
        variables=spec.variables(),
    )


def register_themes(app: App[Any], catalog: ThemeCatalog | None = None) -> ThemeCatalog:
    """Register every usable theme file (shipped and the user's) for the theme picker; a
    theme Textual refuses joins ``catalog.broken``. Returns the catalog."""
    catalog = catalog if catalog is not None else load_catalog()
    for spec in list(catalog.themes.values()):
        try:
            app.register_theme(to_textual_theme(spec))
        except (ColorParseError, ValueError) as exc:
            del catalog.themes[spec.name]
            catalog.broken[spec.name] = f"theme file {spec.path}: {exc}; it is skipped"
    return catalog


def apply_themes(
    app: App[Any],
    config_theme: str | None,
    cli_theme: str | None,
    stored_theme: str | None,
    *,
    stored_config_theme: str | None = UNSET,
    config_file: Any = None,
    catalog: ThemeCatalog | None = None,
    use: Callable[[str], None] | None = None,
) -> list[str]:
    """Register the theme files on ``app``, set ``app.theme`` (or call ``use`` with the
    chosen name) and return the warnings (one per problem, each naming the file or the
    setting). Never raises for a bad theme."""
    catalog = register_themes(app, catalog)
    choice = choose_theme(
        app.available_themes,
        cli=cli_theme,
        config=config_theme,
        stored=stored_theme,
        stored_config=stored_config_theme,
        broken=catalog.broken,
        config_file=config_file,
    )
    if use is not None:
        use(choice.name)
    else:
        app.theme = choice.name
    return choice.warnings


def remember_theme_choices(app: App[Any], store: Store, config_theme: str | None) -> None:
    """Persist every later theme change made in the app (the palette's picker), with the
    config's ``theme`` at that moment (see :func:`flowday.themes.choose_theme`)."""
    current = app.theme

    def persist(theme: Theme) -> None:
        nonlocal current
        if theme.name == current:
            return  # the run's own start-up choice (e.g. --theme) is not a pick
        current = theme.name
        try:
            with store.transaction() as txn:
                txn.set_state(**{STATE_THEME: theme.name, STATE_THEME_CONFIG: config_theme})
        except FlowdayError as exc:  # a theme that cannot be saved must not stop the app
            app.notify(f"could not remember the theme: {exc}", severity="warning", markup=False)

    app.theme_changed_signal.subscribe(app, persist)


def install_themes(
    app: App[Any],
    store: Store,
    config: Any,
    cli_theme: str | None,
    use: Callable[[str], None] | None = None,
) -> list[str]:
    """Everything the app needs before it starts: register and choose. Returns the
    warnings, for the app to show once it runs (and then :func:`remember_theme_choices`).
    ``use``: sets the chosen theme (default: ``app.theme = name``)."""
    warnings: list[str] = []
    try:
        state = store.state()
    except FlowdayError as exc:  # a damaged state file costs the remembered theme, no more
        state = {}
        warnings.append(f"the theme picked in the app is forgotten: {exc}")
    warnings += apply_themes(
        app,
        config.theme,
        cli_theme,
        state.get(STATE_THEME),
        stored_config_theme=state.get(STATE_THEME_CONFIG, UNSET),
        config_file=config.source,
        use=use,
    )
    return warnings
