"""Notebooks are generated one way from the lessons and stay clean when a learner uses them.

Saving goes through jupytext's contents manager, as JupyterLab's save and autosave do. Executing
every notebook and saving it with outputs is in test_lessons.py (test_notebook_executes_headlessly).
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat

from hitl_modes.course.catalog import lessons_dir, list_lessons
from hitl_modes.course.notebooks import (
    drifted_notebooks,
    notebook_cells,
    notebook_path,
    notebook_statuses,
    render_notebook,
    sync_notebooks,
)
from tests.support.jupyter import copy_course, git_commit_all, same_files, save_like_jupyterlab

LESSON = list_lessons()[1]  # any lesson with exercises will do
NAME = notebook_path(LESSON).name


def _states(directory):
    return {s.name: s.state for s in notebook_statuses(directory)}


def test_generated_notebooks_carry_no_pairing_back_to_the_lessons():
    for script in list_lessons():
        metadata = json.loads(render_notebook(script))["metadata"]
        assert "jupytext" not in metadata, f"{script.name}: jupytext metadata would pair the notebook with its script"
        assert metadata["kernelspec"]["name"] == "python3"
        assert "formats:" not in script.read_text(encoding="utf-8")[:400], f"{script.name} pairs itself in its header"


def test_the_notebooks_in_this_checkout_are_exactly_the_generated_ones_or_the_committed_ones_are():
    # Byte for byte (no outputs, no pairing) for the working copy, or, when a learner has used it,
    # for the committed copy.
    for script in list_lessons():
        expected = render_notebook(script)
        path = notebook_path(script)
        committed = subprocess.run(
            ["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"], capture_output=True, text=True
        )
        assert path.read_text(encoding="utf-8") == expected or committed.stdout == expected, (
            f"{path.name} is not what `make notebooks` writes"
        )


def test_a_learners_edits_saved_in_jupyter_leave_lessons_and_the_check_clean(tmp_path):
    course = copy_course(tmp_path / "course")
    git_commit_all(course)
    nb = nbformat.read(course / "notebooks" / NAME, as_version=4)
    exercise = [c for c in nb.cells if c.cell_type == "code"][-1]
    exercise.source = "my_answer = 42  # a learner's solution\n" + exercise.source
    exercise.outputs = [nbformat.v4.new_output("stream", text="✓ solved\n")]
    exercise.execution_count = 7
    nb.cells.append(nbformat.v4.new_code_cell("print('my own cell')"))
    save_like_jupyterlab(course, f"notebooks/{NAME}", nb)
    save_like_jupyterlab(course, "notebooks/Untitled.ipynb", nbformat.v4.new_notebook())

    assert same_files(course / "lessons", lessons_dir()), "saving a notebook rewrote a lesson script"
    states = _states(course / "notebooks")
    assert states[NAME] == "edited"
    assert states["Untitled.ipynb"] == "extra"
    assert drifted_notebooks(course / "notebooks") == []


def test_make_notebooks_restores_a_fresh_copy(tmp_path):
    course = copy_course(tmp_path / "course")
    nb = nbformat.read(course / "notebooks" / NAME, as_version=4)
    nb.cells[-1].source = "my_answer = 42"
    save_like_jupyterlab(course, f"notebooks/{NAME}", nb)
    assert _states(course / "notebooks")[NAME] == "drifted", "no git here: an edit cannot be told from drift"

    assert [p.name for p in sync_notebooks(course / "notebooks")] == [NAME]
    assert (course / "notebooks" / NAME).read_text(encoding="utf-8") == render_notebook(LESSON)
    assert _states(course / "notebooks")[NAME] == "fresh"


def test_the_check_still_catches_a_lesson_changed_without_regenerating(tmp_path):
    course = copy_course(tmp_path / "course")
    git_commit_all(course)
    # What a stale notebook looks like: a lesson cell the committed notebook does not have.
    path = course / "notebooks" / NAME
    stale = json.loads(path.read_text(encoding="utf-8"))
    stale["cells"][0]["source"] = ["# an older title\n"]
    path.write_text(json.dumps(stale), encoding="utf-8")
    (course / "notebooks" / "99_removed.ipynb").write_text(render_notebook(LESSON), encoding="utf-8")
    git_commit_all(course, "a stale notebook and one whose lesson was removed")

    states = _states(course / "notebooks")
    assert states[NAME] == "drifted"
    assert states["99_removed.ipynb"] == "orphan"
    problems = drifted_notebooks(course / "notebooks")
    assert any(NAME in p and "make notebooks" in p for p in problems), problems


def test_cells_compared_are_type_and_source_only():
    text = render_notebook(LESSON)
    nb = json.loads(text)
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11"}
    nb["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    for cell in nb["cells"]:
        cell["id"] = "x" + cell["id"]
        cell["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    assert notebook_cells(json.dumps(nb)) == notebook_cells(text)
    nb["cells"][0]["cell_type"] = "raw"
    assert notebook_cells(json.dumps(nb)) != notebook_cells(text)


def test_the_check_command_passes_here():
    proc = subprocess.run(
        [sys.executable, "-m", "hitl_modes", "notebooks", "--check"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
