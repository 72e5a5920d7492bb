"""The package's public surface, and what importing it costs a lesson."""

from __future__ import annotations

import json
import subprocess
import sys

import hitl_modes


def modules_after(code: str) -> set:
    probe = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_every_public_name_resolves():
    assert len(hitl_modes.__all__) == len(set(hitl_modes.__all__))
    for name in hitl_modes.__all__:
        assert getattr(hitl_modes, name) is not None, name
    assert set(hitl_modes.__all__) <= set(dir(hitl_modes))


def test_unknown_name_is_an_attribute_error():
    try:
        hitl_modes.NoSuchThing  # noqa: B018
    except AttributeError as e:
        assert "NoSuchThing" in str(e)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_the_package_loads_nothing_heavy():
    loaded = modules_after("import hitl_modes")
    assert not {"autogen", "openai", "docker", "starlette", "uvicorn", "IPython", "jupytext"} & loaded
    assert [m for m in loaded if m.startswith("hitl_modes.")] == []


def test_a_lesson_loads_only_what_it_uses():
    loaded = modules_after("from hitl_modes.course.lesson import Lesson\nimport hitl_modes.course.exercises.lesson01")
    unused = {
        "starlette",
        "uvicorn",
        "jupytext",
        "nbformat",
        "hitl_modes.sandbox.executors",
        "hitl_modes.inbox.human",
        "hitl_modes.risk.policy",
        "hitl_modes.risk.shell",
        "hitl_modes.course.notebooks",
        "hitl_modes.agents.workflow",
    }
    assert not unused & loaded, unused & loaded


def test_listing_and_launching_lessons_imports_no_autogen():
    # `hitl-modes lessons`, `lesson N` (the lesson script pays for its own imports), `exercise N` and
    # `notebooks --check` start at once: finding the lessons is hitl_modes.course.catalog, not Lesson.
    loaded = modules_after(
        "import contextlib, io\n"
        "from hitl_modes.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['lessons']) == 0\n"
        "import hitl_modes.course.demo, hitl_modes.course.notebooks, hitl_modes.course.workspace"
    )
    assert "hitl_modes.course.catalog" in loaded
    assert not {"autogen", "hitl_modes.course.lesson"} & loaded, {"autogen", "hitl_modes.course.lesson"} & loaded


def test_reading_a_notebook_builds_no_parser_at_import():
    # jsonschema 4.24+ pulls in rfc3987-syntax, which builds a Lark grammar when imported: 0.8 s of
    # CPU in every run-notebook and every test worker. requirements.txt pins the version without it.
    loaded = modules_after("import nbformat, nbclient")
    assert "nbformat" in loaded
    assert not {"rfc3987_syntax", "lark"} & loaded, (
        "an older .venv keeps rfc3987-syntax: `.venv/bin/pip uninstall -y rfc3987-syntax lark`, or recreate it"
    )


def test_the_inbox_human_kind_is_available_without_importing_the_inbox():
    from hitl_modes.course.lesson import HUMAN_KINDS

    assert {"script", "console", "inbox"} <= set(HUMAN_KINDS)


def test_the_classic_distribution_is_identified():
    from importlib import metadata

    from hitl_modes.chat.compat import asks_twice_in_async_chats, classic_distribution

    dist = classic_distribution()
    assert dist.name in ("pyautogen", "autogen-agentchat", "ag2")
    assert dist.version == metadata.version(dist.name)
    assert asks_twice_in_async_chats() == (dist.name != "ag2")


def test_the_package_type_checks():
    from pathlib import Path

    root = Path(hitl_modes.__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
