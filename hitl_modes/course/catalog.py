"""Where the lessons are: the numbered lesson scripts of this checkout, found by name alone.

Nothing here imports AutoGen, so listing the lessons (``hitl-modes lessons``), launching one
(``hitl-modes lesson N``, whose script then pays for its own imports) and checking the notebooks
start at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Union

__all__ = ["lessons_dir", "list_lessons", "find_lesson"]


def lessons_dir() -> Path:
    """The lessons/ folder of this checkout."""
    return Path(__file__).resolve().parents[2] / "lessons"


def list_lessons() -> List[Path]:
    return sorted(p for p in lessons_dir().glob("[0-9][0-9]_*.py"))


def find_lesson(number: Union[int, str]) -> Optional[Path]:
    """``lessons/NN_*.py`` for lesson ``number`` (3, "3" or "03"), or None."""
    wanted = str(number).strip().lstrip("0") or "0"
    for script in list_lessons():
        if script.stem.split("_", 1)[0].lstrip("0") == wanted:
            return script
    return None
