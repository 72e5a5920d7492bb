"""A lesson's outline, read from its own markdown cells: the title, and each section's heading
and one-line lead. ``hitl-modes lessons`` lists the titles; a lesson run as a script prints each
heading and lead as it reaches that section (:class:`Narrator`), so a terminal run teaches too."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

__all__ = ["Section", "Outline", "read_outline", "Narrator"]

_SETUP = re.compile(r"(?:Lesson|Course)\.setup\(\s*(\d+)\s*,\s*\"([^\"]+)\"")
_SENTENCE = re.compile(r"(.{12,}?[.!?])(\s|$)")


@dataclass(frozen=True)
class Section:
    line: int  # 1-based line of the heading in the lesson file
    heading: str  # without the leading ##
    lead: str  # the first sentence under it ("" when none)
    body: str  # all the markdown under it, up to the next heading


@dataclass(frozen=True)
class Outline:
    path: Path
    number: int
    title: str
    intro: str  # the first sentence under the lesson's # title
    sections: Tuple[Section, ...]


def _markdown_cells(lines: List[str]) -> List[Tuple[int, List[str]]]:
    """(first line number, text lines) of each ``# %% [markdown]`` cell."""
    cells: List[Tuple[int, List[str]]] = []
    current: Optional[List[str]] = None
    for n, line in enumerate(lines, start=1):
        if line.startswith("# %%"):
            current = [] if "[markdown]" in line else None
            if current is not None:
                cells.append((n + 1, current))
        elif current is not None:
            if line.startswith("#"):
                current.append(line[2:] if line.startswith("# ") else line[1:])
            elif line.strip():
                current = None
    return cells


def _lead(body: List[str]) -> str:
    paragraph: List[str] = []
    for line in body:
        if not line.strip():
            if paragraph:
                break
            continue
        if line.lstrip().startswith(("|", "```")):
            break
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    m = _SENTENCE.match(text)
    return (m.group(1) if m else text).strip()


def read_outline(path: Path) -> Outline:
    lines = path.read_text(encoding="utf-8").splitlines()
    setup = _SETUP.search("\n".join(lines))
    number = int(setup.group(1)) if setup else int(path.name[:2])
    title, intro = (setup.group(2) if setup else path.stem), ""
    sections: List[Section] = []
    for start, cell in _markdown_cells(lines):
        heads = [i for i, text in enumerate(cell) if text.startswith("#")]
        for k, i in enumerate(heads):
            body = cell[i + 1 : heads[k + 1] if k + 1 < len(heads) else len(cell)]
            text = cell[i].lstrip("#").strip()
            if cell[i].startswith("# "):
                intro = _lead(body)
                if not setup:
                    title = text
            else:
                sections.append(Section(start + i, text, _lead(body), "\n".join(body).strip()))
    return Outline(path, number, title, intro, tuple(sections))


class Narrator:
    """Prints each section's heading and lead once the lesson's code reaches that section.

    It looks at where in the lesson file the caller is (the lesson's own helpers call
    :meth:`catch_up`), and prints every section that starts above that line and was not printed yet.
    """

    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.printed = 0

    def catch_up(self) -> Optional[Section]:
        """Print the sections up to the calling line; return the section the caller is in."""
        line = self._caller_line()
        if line is None:
            return None
        sections = self.outline.sections
        while self.printed < len(sections) and sections[self.printed].line < line:
            section = sections[self.printed]
            print(f"\n## {section.heading}")
            if section.heading.lower() in ("summary", "exercises"):
                print("\n".join(f"   {text}" for text in section.body.splitlines() if text.strip()))
            elif section.lead:
                print(f"   {section.lead}")
            self.printed += 1
        return sections[self.printed - 1] if self.printed else None

    def _caller_line(self) -> Optional[int]:
        target = self.outline.path.resolve()
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_code.co_filename
            if name.endswith(target.name) and Path(name).resolve() == target:
                return frame.f_lineno
            frame = frame.f_back  # type: ignore[assignment]
        return None
