"""Lesson scripts are the one source; notebooks are generated from them with jupytext.

``hitl-modes notebooks`` regenerates ``notebooks/NN_*.ipynb``; ``--check`` fails on drift, the way
nbdev's CI regenerates and fails on ``git diff``. Notebooks are committed without outputs: what a
learner sees is what the lesson produces when run, and CI runs every one.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

from .lesson import lessons_dir, list_lessons

__all__ = ["notebook_path", "render_notebook", "sync_notebooks", "drifted_notebooks"]


def notebook_path(script: Path) -> Path:
    return lessons_dir().parent / "notebooks" / (script.stem + ".ipynb")


def render_notebook(script: Path) -> str:
    """The notebook text a lesson script produces (no outputs)."""
    import jupytext

    nb = jupytext.read(script, fmt="py:percent")
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"  # stable ids, so regenerating is byte-for-byte repeatable
    return jupytext.writes(nb, fmt="ipynb")


def sync_notebooks() -> List[Path]:
    written = []
    for script in list_lessons():
        target = notebook_path(script)
        text = render_notebook(script)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def drifted_notebooks() -> List[str]:
    """Problems that make the committed notebooks differ from their lesson scripts."""
    problems = []
    scripts = list_lessons()
    expected = {notebook_path(s).name for s in scripts}
    for script in scripts:
        target = notebook_path(script)
        if not target.exists():
            problems.append(f"{target.name} is missing: run `make notebooks`")
        elif target.read_text(encoding="utf-8") != render_notebook(script):
            problems.append(f"{target.name} differs from lessons/{script.name}: run `make notebooks`")
    for nb in sorted((lessons_dir().parent / "notebooks").glob("*.ipynb")):
        if nb.name not in expected:
            problems.append(f"{nb.name} has no lesson script in lessons/")
    return problems
