"""The themes ship inside the package: a wheel built from this checkout, installed into a
fresh virtual environment outside the checkout, still finds every theme."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pendulum
import platformdirs
import textual
import tinydb

from flowday.themes import shipped_themes_dir

ROOT = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "themes"]


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


def test_installed_wheel_finds_every_shipped_theme(tmp_path: Path) -> None:
    # build from a copy, so the checkout gets no build/ or egg-info litter
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    # the PEP 517 backend pyproject names, called as pip would (without pip's own start-up
    # and an isolated build environment: seconds of the suite); the build requirements come
    # with the test extra, in the same setuptools range as pyproject's [build-system]
    run(sys.executable, "-c", "import sys, setuptools.build_meta as backend; "
        "backend.build_wheel(sys.argv[1])", wheels, cwd=source)  # fmt: skip
    [wheel] = wheels.glob("flowday-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    python = env_dir / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    # installed as an installer does a pure-Python wheel: its files unpacked into the
    # environment's site-packages (the `flowday` script is left out: the runs below use
    # `python -m flowday`; the wheel has no data files)
    with zipfile.ZipFile(wheel) as unpacked:
        unpacked.extractall(site.stdout.strip())
    # The dependencies come from this interpreter's site-packages, appended after the new
    # environment's own (a .pth line; nested .pth files there, like an editable flowday,
    # are not processed), so `flowday` can only be the installed wheel.
    dependency_dirs = {
        str(Path(module.__file__).resolve().parents[1])  # type: ignore[arg-type]
        for module in (textual, tinydb, pendulum, platformdirs)
    }
    Path(site.stdout.strip(), "deps.pth").write_text("\n".join(sorted(dependency_dirs)) + "\n")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}} | {
        "FLOWDAY_DATA_DIR": str(tmp_path / "data")
    }
    where = run(python, "-c", "import flowday.themes as t; print(t.__file__)", cwd=outside, env=env)
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout
    listed = run(python, "-m", "flowday", "themes", "--json", cwd=outside, env=env)
    themes = json.loads(listed.stdout)

    expected = sorted(path.stem for path in shipped_themes_dir().glob("*.toml"))
    assert sorted(theme["name"] for theme in themes) == expected
    assert len(expected) >= 4
    for theme in themes:
        assert theme["source"] == "shipped"
        assert theme["path"].startswith(str(env_dir)), theme["path"]
    assert listed.stderr == ""  # no warnings: every shipped file read cleanly
