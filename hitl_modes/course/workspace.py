"""A learner's working copy of a lesson, outside ``lessons/``: ``hitl-modes exercises N``.

``lessons/`` and ``notebooks/`` are the course's own copies (``make test`` checks that they match),
so solving an exercise there would break the build. ``exercises/NN_*.py`` (and ``.ipynb``, for
Jupyter) are the learner's: created once, never overwritten, in the folder the command runs in
(not beside the installed package), ignored by git and by the checks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import List, Tuple

__all__ = ["exercises_dir", "working_copy"]


def exercises_dir() -> Path:
    """``exercises/`` in the current folder; ``HITL_EXERCISES_DIR`` puts the copies elsewhere."""
    return Path(os.environ.get("HITL_EXERCISES_DIR") or Path.cwd() / "exercises")


def _unpaired(text: str) -> str:
    """The lesson's source without jupytext's pairing to lessons/ and notebooks/: a working copy
    opened in Jupyter must never write back into the course."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#     formats: "))


def working_copy(script: Path) -> Tuple[Path, List[Path]]:
    """``exercises/NN_name.py`` (and its notebook) for ``script``; returns the script copy and the
    files written now (none when the copies already exist: a learner's work is never overwritten)."""
    from .notebooks import render_notebook

    folder = exercises_dir()
    folder.mkdir(exist_ok=True)
    py, ipynb = folder / script.name, folder / (script.stem + ".ipynb")
    written = []
    if not py.exists():
        py.write_text(_unpaired(script.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(py)
    if not ipynb.exists():
        nb = json.loads(render_notebook(script))
        nb.get("metadata", {}).get("jupytext", {}).pop("formats", None)
        ipynb.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(ipynb)
    return py, written
