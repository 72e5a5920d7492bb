"""What a user installs: the wheel holds the package and its data, no dev tools; the extras pin what
requirements.txt pins."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent


def requirement_pins() -> dict:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    return pins


def test_every_extra_pins_what_requirements_txt_pins():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"pyautogen", "notebooks", "sandbox", "inbox"} <= set(extras)
    pins = requirement_pins()
    for extra, requirements in extras.items():
        for requirement in requirements:
            name, _, version = requirement.partition("==")
            assert version == pins.get(name.lower()), f"[{extra}] {requirement}, requirements.txt: {pins.get(name)}"
    wanted = {"sandbox": {"docker"}, "inbox": {"starlette", "uvicorn"}, "notebooks": {"nbclient", "jupytext"}}
    for extra, names in wanted.items():
        assert names <= {r.partition("==")[0] for r in extras[extra]}, extra


def test_the_wheel_holds_the_package_and_its_data_and_no_dev_tools(tmp_path):
    # Build from a copy of the checkout (tools/ and tests/ included), so the build leaves no build/ here.
    source = tmp_path / "source"
    junk = (".venv*", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".cache", "notebooks")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*junk))
    assert (source / "tools" / "bench.py").exists() and (source / "tests").is_dir()
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", "dist", "."]
    proc = subprocess.run(build, cwd=source, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = (source / "dist").glob("hitl_modes-*.whl")
    names = zipfile.ZipFile(wheel).namelist()

    static = sorted(n for n in names if n.startswith("hitl_modes/inbox/static/"))
    expected = sorted(f"hitl_modes/inbox/static/{p.name}" for p in (ROOT / "hitl_modes/inbox/static").iterdir())
    assert static == expected and expected
    assert "hitl_modes/py.typed" in names
    assert "hitl_modes/testing.py" in names and "hitl_modes/chat/script.py" in names
    (dist_info,) = {n.split("/", 1)[0] for n in names if ".dist-info/" in n}
    assert {n.split("/", 1)[0] for n in names} == {"hitl_modes", dist_info}  # only the package at the top
    for dev in ("tools/", "bench", "compat_matrix", "tests/", "conftest"):
        assert not [n for n in names if dev in n], dev
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "[pytest11]\nhitl_modes = hitl_modes.testing" in entry_points
