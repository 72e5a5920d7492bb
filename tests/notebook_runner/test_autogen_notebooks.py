"""AutoGen 0.2's own published notebooks (``autogen_notebooks/``, unchanged) replay from their hand-written
scripts, twice in a row, and print what their checks say they should: text that also appears in the
author's published output, and what the scripted code must print (see ``autogen_notebooks/README.md``)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

from hitl_modes.notebook_runner.runner import run_notebook
from hitl_modes.notebook_runner.session import autogen_extensions_folder

CORPUS = Path(__file__).resolve().parent / "autogen_notebooks"
NAMES = sorted(p.stem for p in CORPUS.glob("*.replay.json"))
NAMES = [name.removesuffix(".replay") for name in NAMES]
#: AutoGen's notebooks are public code, which stays out of this repository's commits: a developer copies
#: them in (autogen_notebooks/README.md says from where); the scripts and checks are ours and committed.
ABSENT = "AutoGen's published notebook is not in this checkout (public code stays out of its commits): copy it in"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cell_outputs(notebook: Path) -> Dict[int, str]:
    """Each code cell's output text (streams, results, errors), ANSI colours removed, by 1-based cell number."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    texts: Dict[int, str] = {}
    for number, cell in enumerate(nb["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        parts: List[str] = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                parts.append("".join(out["text"]))
            elif out["output_type"] in ("execute_result", "display_data"):
                parts.append("".join(out["data"].get("text/plain", "")))
            elif out["output_type"] == "error":
                parts.append(f"{out['ename']}: {out['evalue']}")
        texts[number] = _ANSI.sub("", "".join(parts))
    return texts


def check_prints(expect: Dict[str, Any], published: Dict[int, str], replayed: Dict[int, str], timeline: List[str]):
    for cell, wanted in expect["published"].items():
        number = int(cell)
        if wanted == "all":
            assert published[number], f"cell {number} has no published output to compare with"
            assert replayed[number] == published[number], f"cell {number}"
            continue
        for text in wanted:
            assert text in published[number], f"the check is not the author's: {text!r} not in cell {number}"
            assert text in replayed[number], f"cell {number} printed no {text!r}:\n{replayed[number][-2000:]}"
    for cell, wanted in expect["prints"].items():
        for text in wanted:
            assert text in replayed[int(cell)], f"cell {cell} printed no {text!r}:\n{replayed[int(cell)][-2000:]}"
    calls = [line for line in timeline if "] model call #" in line and "REFUSED" not in line]
    per_cell = {cell: sum(line.startswith(f"[cell {cell}] ") for line in calls) for cell in expect["calls_per_cell"]}
    assert per_cell == expect["calls_per_cell"], timeline
    for line in expect.get("timeline", []):
        assert any(line in t for t in timeline), (line, timeline)


@pytest.mark.parametrize("name", NAMES)
def test_a_published_notebook_replays_unchanged_twice_and_prints_what_it_should(tmp_path, name):
    if not (CORPUS / f"{name}.ipynb").exists():
        pytest.skip(f"{ABSENT} from microsoft/autogen at the commit autogen_notebooks/README.md names: {name}.ipynb")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for suffix in (".ipynb", ".replay.json"):
        shutil.copy(CORPUS / f"{name}{suffix}", folder / f"{name}{suffix}")
    notebook, script = folder / f"{name}.ipynb", folder / f"{name}.replay.json"
    expect = json.loads((CORPUS / f"{name}.expect.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    extensions = Path(autogen_extensions_folder())
    before = sorted(p.name for p in extensions.iterdir())
    published = cell_outputs(notebook)

    runs = [run_notebook(notebook, script, output=tmp_path / f"run{i}.ipynb") for i in (1, 2)]

    for run in runs:
        assert run.exit_code == 0, run.message + "\n" + "\n".join(run.timeline)
        assert (run.model_calls, run.human_prompts) == (expect["model_calls"], expect["human_prompts"])
        check_prints(expect, published, cell_outputs(run.output), run.timeline)
    assert runs[1].timeline == runs[0].timeline  # the second run gives the same result: nothing carried over
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == digest  # never written
    # Beside it: only what the notebook's own code writes (no .cache, no output file), and nothing in AutoGen.
    assert sorted(p.name for p in folder.iterdir()) == sorted([notebook.name, script.name, *expect["files"]])
    assert sorted(p.name for p in extensions.iterdir()) == before


def test_the_corpus_is_six_published_notebooks_each_with_a_script_and_a_check():
    assert len(NAMES) == 6
    for name in NAMES:
        assert (CORPUS / f"{name}.replay.json").is_file() and (CORPUS / f"{name}.expect.json").is_file()
        assert f"`{name}.ipynb`" in (CORPUS / "README.md").read_text(encoding="utf-8"), f"{name}: where it comes from"
        notebook = CORPUS / f"{name}.ipynb"
        if notebook.exists():  # copied in by a developer (not committed: see ABSENT)
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            assert any(cell.get("outputs") for cell in nb["cells"]), f"{name}: published outputs are part of the corpus"
