"""``flowday themes``: the themes there are to choose from (no Textual import)."""

from __future__ import annotations

import argparse

from flowday.cli.common import Context, out, print_json, warn
from flowday.domain.text import shown


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    themes = commands.add_parser(
        "themes",
        parents=[shared],
        help="list the themes (shipped and your own)",
        description='List the themes for --theme NAME, `theme = "NAME"` in the config, '
        "or the command palette's theme picker. Your own themes go in the folder shown "
        "at the end; a theme of yours with a shipped theme's name replaces it.",
    )
    themes.add_argument("--json", action="store_true", help="machine-readable output")
    themes.set_defaults(handler=run_themes)


def run_themes(args: argparse.Namespace, context: Context) -> int:
    from flowday.themes import DEFAULT_THEME, load_catalog, user_themes_dir  # only when used

    catalog = load_catalog()
    for message in catalog.warnings():
        warn(message)
    specs = sorted(catalog.themes.values(), key=lambda spec: spec.name)
    if args.json:
        print_json(
            [
                {
                    "name": spec.name,
                    "source": spec.source,
                    "default": spec.name == DEFAULT_THEME,
                    "dark": spec.dark,
                    "description": spec.description,
                    "path": str(spec.path),
                }
                for spec in specs
            ]
        )
        return 0
    # a user theme's name comes from its file: measured as it will show
    width = max((len(shown(spec.name)) for spec in specs), default=0)
    for spec in specs:
        source: str = spec.source
        if spec.name in catalog.shadowed:
            source = "user, replaces shipped"
        mark = " (default)" if spec.name == DEFAULT_THEME else ""
        out(f"  {shown(spec.name):<{width}}  {source + mark:<22}  {spec.description}".rstrip())
    out(f"your own themes: {user_themes_dir()}")
    out("Textual's built-in themes (nord, gruvbox, ...) can be chosen by name too.")
    return 0
