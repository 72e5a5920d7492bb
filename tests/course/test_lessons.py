"""Every lesson runs as a script with no stdin and no key, and as a notebook in a real Jupyter
kernel with stdin disabled (nbclient); notebooks never drift from their scripts, and a notebook run
and saved as JupyterLab saves it changes neither lessons/ nor the drift check."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import nbformat
import pytest

from hitl_modes.course.catalog import lessons_dir, list_lessons
from hitl_modes.course.notebooks import drifted_notebooks, notebook_path, notebook_statuses
from hitl_modes.course.outline import read_outline
from tests.support.jupyter import copy_course, same_files, save_like_jupyterlab
from tests.support.plain import assert_plain_autogen_runs

LESSONS = list_lessons()
IDS = [p.stem for p in LESSONS]


def is_plain(script):
    """A lesson of plain AutoGen chat cells (issue 20) sets up a ``Course``; the older lessons use
    ``Lesson`` helpers (``lesson.run``, ``lesson.assistant``) and are rewritten one by one."""
    return "Course.setup(" in script.read_text(encoding="utf-8")


def test_there_are_lessons():
    assert LESSONS, "no lessons/NN_*.py found"


def test_notebooks_are_generated_from_the_lesson_scripts():
    assert drifted_notebooks() == []


@pytest.mark.parametrize("script", LESSONS, ids=IDS)
def test_lesson_script_runs_offline_without_stdin_and_reads_well_at_a_terminal(script, tmp_path):
    """Offline, no stdin, no key, as a person at a terminal reads it (not quiet): every heading, in the
    lesson's order, printed as its section starts; each chat once, as its timeline (AutoGen's printout is
    kept, not printed beside it); the one-line legend at most once, never the long one; its claims checked.

    And, for a lesson of plain AutoGen chat cells, those cells run without the course (the code is
    copyable): see tests/support/plain.py."""
    transcript = tmp_path / "transcript.json"
    env = dict(os.environ)  # offline: tests/conftest.py clears every live and personal switch
    proc = subprocess.run(
        [sys.executable, str(script)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "HITL_TRANSCRIPT": str(transcript)},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "✓" in out, "a lesson asserts its claims and reports them"
    assert "--- timeline" in out
    positions = []
    for section in read_outline(script).sections:
        assert f"\n## {section.heading}\n" in out, f"heading {section.heading!r} not printed"
        positions.append(out.index(f"\n## {section.heading}\n"))
    assert positions == sorted(positions), "headings come in the lesson's order"
    assert positions[0] < out.index("--- timeline"), "the first chat comes under a heading"
    assert not AUTOGEN_PRINTOUT.search(out), "a chat is shown once: its timeline, not AutoGen's printout too"
    assert "How to read a timeline" not in out and out.count("   legend: ") <= 1
    if not is_plain(script):
        assert not transcript.exists(), f"{script.name} records a transcript but sets up no Course"
        return
    assert_plain_autogen_runs(script, transcript, tmp_path / "plain")


FOLDED = "<details><summary>the same chat as text and AutoGen's own output</summary>"
#: How AutoGen prints each message ("user_proxy (to assistant):"), when it is not folded away.
AUTOGEN_PRINTOUT = re.compile(r"^\S+ \(to \S+\):$", re.MULTILINE)
#: Lesson 04 prints the first and last lines of a 201-message runaway chat as text, on purpose.
SHOWN_AS_TEXT = {"04_max_turns"}
#: Lessons whose chats run with AutoGen alone, unrecorded, so AutoGen's printout is their one rendering:
#: none now (lesson 16's group resumes and sequential chats are recorded like any other chat).
UNRECORDED_CHATS: set = set()


@pytest.mark.parametrize("script", LESSONS, ids=IDS)
def test_notebook_executes_headlessly(script, tmp_path, built_site):
    """As a learner runs it, AutoGen's printing on (lesson 01: each chat shown once, its printout folded).

    The notebook is the one ``make site`` executed in a real kernel (nbclient, stdin disabled, no key, no
    live switch: ``tools/site/execute.py``); the build runs once per test run, for these tests and the site's."""
    executed = built_site / "build" / "site" / "executed" / f"{script.stem}.ipynb"
    nb = nbformat.read(executed, as_version=4)
    committed = nbformat.read(notebook_path(script), as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in committed.cells], "executed a notebook other than ours"
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    pictures = [o["data"]["text/html"] for o in outputs if "<svg" in o.get("data", {}).get("text/html", "")]
    assert pictures, "the notebook draws its timeline, inline in HTML (hover texts work in JupyterLab)"
    assert not any("image/svg+xml" in o.get("data", {}) for o in outputs), "JupyterLab shows that as an <img>"
    assert "How to read it" in pictures[0] and all("How to read it" not in p for p in pictures[1:])
    text = "".join(o.get("text", "") for o in outputs)
    assert "✓" in text
    # A chat the lesson records is shown once, as its picture: no text timeline or AutoGen printout beside it.
    if script.stem not in SHOWN_AS_TEXT:
        assert "--- timeline" not in text, "a recorded chat's text timeline is folded under its picture"
    if script.stem not in UNRECORDED_CHATS:
        assert not AUTOGEN_PRINTOUT.search(text), "AutoGen's printout is folded under the chat's picture"
    if script == LESSONS[0]:
        assert len(pictures) >= 3, "lesson 01 records at least three chats"
        assert all(FOLDED in p for p in pictures), "AutoGen's printout and the text timeline are folded under it"
        assert "user_proxy (to assistant)" in pictures[0], "AutoGen's printout is kept, folded under the picture"

    # Save it, outputs and all, as JupyterLab's save and autosave do, in a copy of the course.
    course = copy_course(tmp_path / "course")
    saved = course / "notebooks" / notebook_path(script).name
    save_like_jupyterlab(course, f"notebooks/{saved.name}", nb)
    saved_cells = nbformat.read(saved, as_version=4).cells
    assert any(c.get("execution_count") and c.get("outputs") for c in saved_cells), "saved with its outputs"
    assert same_files(course / "lessons", lessons_dir()), "saving a notebook rewrote a lesson script"
    assert [s.state for s in notebook_statuses(course / "notebooks") if s.name == saved.name] == ["fresh"]
    assert drifted_notebooks(course / "notebooks") == []


def test_each_lesson_ends_with_exercises_and_a_check():
    for script in LESSONS:
        source = script.read_text(encoding="utf-8")
        tail = source[source.rfind("## Exercises") :]
        assert "## Exercises" in source, f"{script.name} has no Exercises section"
        assert "check_" in tail, f"{script.name}: the exercises offer no check function"


@pytest.mark.parametrize("script", LESSONS, ids=IDS)
def test_what_a_lesson_tells_the_learner_to_open_or_run_exists_and_works_from_a_fresh_shell(script):
    """A path a lesson names is there (lesson 04 once pointed at hitl_modes/limits.py); a command it
    gives runs without an activated venv (lesson 03 once said `python lessons/03_always.py`); and it
    claims nothing about other texts it does not show ("most tutorials miss this")."""
    text = script.read_text(encoding="utf-8")
    root = lessons_dir().parent
    for path in re.findall(r"\b((?:hitl_modes|lessons|notebooks|docs|tests)/[\w/.-]+\.(?:py|md|ipynb))", text):
        assert (root / path).exists(), f"{script.name} names {path}, which does not exist"
    assert not re.search(r"(?<!bin/)\b(python3?|hitl-modes) (lessons/|-m hitl_modes|lesson \d|exercises? \d)", text), (
        f"{script.name} gives a command that needs an activated venv: write .venv/bin/..."
    )
    assert "most tutorials" not in text.lower()
