"""Writing small notebooks and replay scripts for the run-notebook tests (each test builds its own in tmp)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any, Dict, Sequence

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(folder: Path, name: str, cells: Sequence[str]) -> Path:
    """``folder/name.ipynb`` with one code cell per string (dedented); a string starting with ``#md`` is markdown."""
    nb = new_notebook(
        cells=[
            new_markdown_cell(c[3:].strip()) if c.startswith("#md") else new_code_cell(textwrap.dedent(c).strip())
            for c in cells
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def write_script(folder: Path, name: str, script: Dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(script), encoding="utf-8")
    return path


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def output_text(notebook: Path) -> str:
    """Everything the executed notebook printed (stream outputs and errors), in order, without colours."""
    nb = nbformat.read(str(notebook), as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") or "\n".join(out.get("traceback", [])))
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return _ANSI.sub("", "".join(parts))
