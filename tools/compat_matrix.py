"""``make compat``: the mode-semantics tests and every lesson script, under each classic distribution.

Each distribution gets its own virtual environment under ``.venv-compat/``. One row per
distribution: name, version, passed and failed counts. Exit status 1 if any failed.

    python tools/compat_matrix.py [--only NAME] [--keep-going]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

__all__ = ["Distribution", "DISTRIBUTIONS", "SEMANTICS_TESTS", "installed_version", "run_matrix", "main"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Distribution:
    """A distribution of the classic API, and the pins it needs to install and run."""

    name: str
    requirements: Sequence[str]
    note: str = ""


DISTRIBUTIONS = (
    Distribution(
        "pyautogen", ["pyautogen==0.2.35", "openai==1.40.8", "httpx==0.27.2"], "the default (requirements.txt)"
    ),
    Distribution(
        "autogen-agentchat",
        ["autogen-agentchat==0.2.40", "openai==1.40.8", "httpx==0.27.2"],
        "the classic line under Microsoft's new package name",
    ),
    # ag2 >= 0.10 requires httpx >= 0.28.1, which openai 1.40 cannot use; its own `openai` extra
    # brings openai 2.x. ag2 0.14.0 is the newest 0.x release; ag2 1.x dropped the classic API.
    Distribution("ag2", ["ag2[openai]==0.14.0"], "the community fork; newest 0.x"),
)

#: The tests that pin AutoGen's behaviour (not the notebook or Docker infrastructure).
SEMANTICS_TESTS = (
    "tests/chat/test_semantics.py",
    "tests/chat/test_bare_terminate_under_max_turns.py",
    "tests/chat/test_pause_and_resume.py",
    "tests/course/test_simulate.py",
    "tests/course/test_simulate_tools.py",
    "tests/course/test_exercises_05_08.py",
    "tests/chat/test_scripted_llm.py",
    "tests/chat/test_scripted_human.py",
    "tests/chat/test_trace.py",
    "tests/agents/test_smart_proxy.py",
    "tests/agents/test_workflow.py",
    "tests/chat/test_group_semantics.py",
    "tests/course/test_group_simulate.py",
)

#: Libraries the lesson scripts import besides AutoGen (no Jupyter: notebooks run in the main job).
_LESSON_DEPS = ("pytest==9.2.0", "docker==7.2.0")


def _venv(dist: Distribution) -> Path:
    return ROOT / ".venv-compat" / dist.name


def _extra_runtime_requirements() -> List[str]:
    """Runtime pins from requirements.txt that lessons import (the web inbox, for instance)."""
    wanted = ("starlette", "uvicorn", "anyio", "httpx-sse")
    out = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and line.split("==")[0].split("[")[0].lower() in wanted:
            out.append(line)
    return out


def ensure_env(dist: Distribution) -> Path:
    venv = _venv(dist)
    py = venv / "bin" / "python"
    stamp = venv / ".installed"
    requirements = [*dist.requirements, *_LESSON_DEPS, *_extra_runtime_requirements()]
    # pyproject.toml too: the editable install's metadata (the pytest11 entry point that gives the
    # tests their fixtures) is written from it at install time.
    pyproject = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    wanted = json.dumps({"requirements": requirements, "pyproject": pyproject})
    if stamp.exists() and stamp.read_text() == wanted:
        return py
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *requirements], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(wanted)
    return py


def installed_version(py: Path, dist_name: str) -> str:
    """The version of ``dist_name`` installed in the environment of the interpreter ``py``."""
    code = f"import importlib.metadata as m; print(m.version({dist_name!r}))"
    return subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True).stdout.strip()


@dataclass
class Row:
    name: str
    version: str
    passed: int
    failed: int
    failures: List[str]


def _run_tests(py: Path, dist: Distribution) -> tuple[int, int, List[str]]:
    report = _venv(dist) / "junit.xml"
    tests = [t for t in SEMANTICS_TESTS if (ROOT / t).exists()]
    subprocess.run(
        [str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", f"--junitxml={report}", *tests],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    passed = failed = 0
    failures: List[str] = []
    if not report.exists():
        return 0, 1, ["pytest did not run"]
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            failures.append(f"{case.get('classname')}::{case.get('name')}")
        elif case.find("skipped") is None:
            passed += 1
    return passed, failed, failures


def _run_lessons(py: Path) -> tuple[int, int, List[str]]:
    passed = failed = 0
    failures: List[str] = []
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OAI_CONFIG_LIST", "HITL_LIVE")}
    env["HITL_QUIET"] = "1"
    for script in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py")):
        proc = subprocess.run(
            [str(py), str(script)], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=ROOT
        )
        if proc.returncode == 0:
            passed += 1
        else:
            failed += 1
            failures.append(f"{script.name}: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    return passed, failed, failures


def run_matrix(names: Optional[Sequence[str]] = None) -> List[Row]:
    rows = []
    for dist in DISTRIBUTIONS:
        if names and dist.name not in names:
            continue
        print(f"[compat] {dist.name}: preparing {_venv(dist).relative_to(ROOT)}", flush=True)
        py = ensure_env(dist)
        version = installed_version(py, dist.name)
        tp, tf, tfail = _run_tests(py, dist)
        lp, lf, lfail = _run_lessons(py)
        rows.append(Row(dist.name, version, tp + lp, tf + lf, tfail + lfail))
        print(f"[compat] {dist.name} {version}: {tp + lp} passed, {tf + lf} failed", flush=True)
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="make compat", description=__doc__)
    parser.add_argument("--only", action="append", help="run only this distribution (repeatable)")
    args = parser.parse_args(argv)
    rows = run_matrix(args.only)
    print(f"\n{'distribution':<20} {'version':<10} {'passed':>7} {'failed':>7}")
    for r in rows:
        print(f"{r.name:<20} {r.version:<10} {r.passed:>7} {r.failed:>7}")
    for r in rows:
        for f in r.failures:
            print(f"  FAILED [{r.name}] {f}")
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
