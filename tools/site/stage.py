"""The site's source tree, written from the checkout: what Sphinx (with myst-nb) renders.

``build/site/src/`` holds

- ``index.md``: the README, its lessons table linked to the lesson pages, and the navigation (the
  lessons in their order, then the guides in ``docs/``) as hidden tables of contents;
- ``docs/*.md``: the guides, as they are;
- ``lessons/NN_name.ipynb``: each executed notebook, with a "Run this lesson" box under its title;
- ``_notebooks/NN_name.ipynb``: the same notebook without outputs, offered as a download.

A relative link in the README or a guide keeps working on the site: a link to a lesson's script or
notebook goes to its page, one to another file of the checkout (a tool, an example) to a copy of that
file. Files no longer produced are removed: a renamed lesson leaves no page behind.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Dict, List, Sequence

__all__ = ["stage_site", "guide_order"]

#: Markdown links ``[text](target)`` and ``![alt](target)``, target without spaces.
_LINK = re.compile(r"(!?\[[^\]\n]*\]\()([^)\s]+)(\))")
#: A lesson script named in a table row of the README (`01_never.py`).
_TABLE_LESSON = re.compile(r"`(\d\d_\w+)\.py`")
#: Where the clean notebooks (the download) sit in the source tree; conf.py keeps Sphinx from reading them.
NOTEBOOKS = "_notebooks"


def guide_order(readme: str, guides: Sequence[str]) -> List[str]:
    """The guides (``approvals.md``, ...) in the order the README first links them, then the rest by name."""
    first_seen = {}
    for match in _LINK.finditer(readme):
        name = PurePosixPath(match.group(2).split("#", 1)[0]).name
        if name in guides and name not in first_seen:
            first_seen[name] = match.start()
    return sorted(guides, key=lambda g: (g not in first_seen, first_seen.get(g, 0), g))


def _run_box(number: int, stem: str) -> str:
    return f"""```{{admonition}} Run this lesson yourself
:class: tip

- **In a terminal**, offline: `.venv/bin/hitl-modes lesson {number}` (add `--human console` to type the human's part,
  `--live` for a real model; `--help` lists every option).
- **As a notebook**: {{download}}`{stem}.ipynb </{NOTEBOOKS}/{stem}.ipynb>` (these cells without their outputs), or
  `make lab`, which opens the course's own copy in JupyterLab (kernel **Python 3 (ipykernel)**).
- **The exercises**: `.venv/bin/hitl-modes exercises {number}` copies this lesson to `./exercises/`; solve them
  there and run the command again to check your answers.

Every output below is this lesson's own, from `make site`: run offline, with the scripted model and human.
```"""


def _lesson_page(executed: Path, number: int, stem: str) -> str:
    """The executed notebook with the run box as a markdown cell under its title."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    box = {"cell_type": "markdown", "id": "site-run-this-lesson", "metadata": {}, "source": _run_box(number, stem)}
    nb["cells"].insert(1 if nb["cells"] else 0, box)
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


class _Tree:
    """The files of the source tree to write: relative path -> text (or the file to copy)."""

    def __init__(self) -> None:
        self.texts: Dict[str, str] = {}
        self.copies: Dict[str, Path] = {}

    def write(self, src: Path) -> None:
        wanted = set(self.texts) | set(self.copies)
        if src.exists():
            for path in sorted(src.rglob("*"), reverse=True):
                rel = path.relative_to(src).as_posix()
                if path.is_file() and rel not in wanted:
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        for rel, text in self.texts.items():
            _write_if_changed(src / rel, text.encode("utf-8"))
        for rel, original in self.copies.items():
            _write_if_changed(src / rel, original.read_bytes())


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _relink(text: str, page: str, root: Path, lesson_pages: Dict[str, str], tree: _Tree) -> str:
    """Make each relative link of ``page`` (its path in the checkout and on the site) work on the site."""
    page_dir = PurePosixPath(page).parent

    def fix(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "/")):
            return match.group(0)  # a URL, an anchor on this page, or already absolute in the site
        path, _, anchor = target.partition("#")
        in_repo = PurePosixPath(os.path.normpath((page_dir / path).as_posix()))
        if str(in_repo).startswith(".."):
            return match.group(0)
        stem = PurePosixPath(in_repo).stem
        if in_repo.parent.as_posix() in ("lessons", "notebooks") and stem in lesson_pages:
            new = lesson_pages[stem]
        elif in_repo.as_posix() == "README.md":
            new = "index.md"
        elif (root / in_repo).is_file() and in_repo.as_posix() not in tree.texts:
            new = in_repo.as_posix()
            if in_repo.suffix in (".md", ".ipynb"):  # another page of the checkout: shown, but not in the navigation
                body = (root / in_repo).read_text(encoding="utf-8")
                tree.texts[new] = "---\norphan: true\n---\n" + body if in_repo.suffix == ".md" else body
            else:
                tree.copies[new] = root / in_repo
        else:
            return match.group(0)  # a page of the site already, or missing: Sphinx says so
        relative = os.path.relpath(new, page_dir.as_posix() or ".")
        return match.group(1) + relative + (f"#{anchor}" if anchor else "") + match.group(3)

    return _LINK.sub(fix, text)


def stage_site(root: Path, src: Path, executed: Dict[str, Path]) -> None:
    """Write the source tree for ``executed`` (lesson stem -> executed notebook, in lesson order)."""
    tree = _Tree()
    lesson_pages = {stem: f"lessons/{stem}.ipynb" for stem in executed}
    readme = (root / "README.md").read_text(encoding="utf-8")
    guides = sorted(p.name for p in (root / "docs").glob("*.md"))
    for name in guides:
        tree.texts[f"docs/{name}"] = (root / "docs" / name).read_text(encoding="utf-8")
    for stem, notebook in executed.items():
        number = int(stem.split("_", 1)[0])
        tree.texts[lesson_pages[stem]] = _lesson_page(notebook, number, stem)
        clean = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in clean["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        clean["metadata"].pop("hitl_site", None)
        tree.texts[f"{NOTEBOOKS}/{stem}.ipynb"] = json.dumps(clean, ensure_ascii=False, indent=1) + "\n"

    def link_table_lesson(match: re.Match) -> str:
        stem = match.group(1)
        return f"[`{stem}.py`]({lesson_pages[stem]})" if stem in lesson_pages else match.group(0)

    readme_lines = [
        _TABLE_LESSON.sub(link_table_lesson, line) if line.startswith("|") else line for line in readme.split("\n")
    ]
    navigation = ["", "```{toctree}", ":hidden:", ":caption: Lessons", ""]
    navigation += [f"lessons/{stem}" for stem in executed] + ["```", ""]
    navigation += ["```{toctree}", ":hidden:", ":caption: Guides", ""]
    navigation += [f"docs/{name[:-3]}" for name in guide_order(readme, guides)] + ["```", ""]
    index = "\n".join(readme_lines).rstrip("\n") + "\n" + "\n".join(navigation)
    tree.texts["index.md"] = _relink(index, "README.md", root, lesson_pages, tree)
    for name in guides:
        page = f"docs/{name}"
        tree.texts[page] = _relink(tree.texts[page], page, root, lesson_pages, tree)
    tree.write(src)
