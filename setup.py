"""Build hook: copy the top-level ``themes/`` folder into the package.

The design keeps the shipped themes in ``themes/`` at the top of the repository, where
people find, read and copy them. A wheel only carries packages, so ``build_py`` copies
``themes/*.toml`` to ``flowday/shipped_themes/`` in the build; ``flowday.themes`` looks
there first and falls back to ``themes/`` in a source checkout (editable installs, tests).
Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

THEMES = Path(__file__).resolve().parent / "themes"


class BuildPyWithThemes(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads themes/ in place
        themes = sorted(THEMES.glob("*.toml"))
        if not themes:
            raise SystemExit(f"no theme files in {THEMES}: the wheel would ship without themes")
        target = Path(self.build_lib) / "flowday" / "shipped_themes"
        self.mkpath(str(target))
        for theme in themes:
            self.copy_file(str(theme), str(target / theme.name))


setup(cmdclass={"build_py": BuildPyWithThemes})
