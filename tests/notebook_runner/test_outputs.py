"""Issue 22, item 4: the executed notebook holds only what this run produced. After a failing cell, the
later cells keep none of their published outputs: each says it did not run, and why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from hitl_modes.notebook_runner.execute import NOT_RUN
from hitl_modes.notebook_runner.runner import run_notebook
from tests.support.notebooks import write_notebook, write_script

CORPUS = Path(__file__).resolve().parent / "autogen_notebooks"
CURRENCY = "agentchat_function_call_currency_calculator"


def _outputs(path: Path) -> list:
    return [cell.get("outputs") for cell in nbformat.read(str(path), as_version=4).cells]


def test_after_a_failing_cell_no_published_output_survives_and_later_cells_say_they_did_not_run(tmp_path):
    if not (CORPUS / f"{CURRENCY}.ipynb").exists():
        pytest.skip(f"AutoGen's {CURRENCY}.ipynb is not in this checkout (public code stays out of its commits)")
    shutil.copy(CORPUS / f"{CURRENCY}.ipynb", tmp_path)
    script = json.loads((CORPUS / f"{CURRENCY}.replay.json").read_text())
    script["model"] = script["model"][:5]  # the second chat (cell 20) runs out after its first reply
    run = run_notebook(tmp_path / f"{CURRENCY}.ipynb", write_script(tmp_path, "short.json", script))
    assert run.exit_code == 3, run.message
    assert "(so cell 20 raised" in run.message

    published = _outputs(tmp_path / f"{CURRENCY}.ipynb")
    replayed = _outputs(tmp_path / f"{CURRENCY}.replayed.ipynb")
    assert published[20] and published[21] and published[22]  # cells 21-23 were published with results
    why = "the run stopped at cell 20: "
    for number in (21, 22, 23):
        (out,) = replayed[number - 1]
        assert out["output_type"] == "stream" and out["text"].startswith(f"{NOT_RUN} ({why}"), out
    text = json.dumps(replayed)
    for stale in ("Chat summary: 112.23 Euros", "How much is 123.45 US Dollars in Euros?", "Chat history:"):
        assert stale not in text
    assert any(o["output_type"] == "error" for o in replayed[19])  # the failing cell shows its own error
    assert "Chat summary: 123.45 USD is equivalent to 112.23 EUR." in json.dumps(replayed[14])  # this run's
    counts = [c.execution_count for c in nbformat.read(str(tmp_path / f"{CURRENCY}.replayed.ipynb"), 4).cells[20:]]
    assert counts == [None, None, None]


def test_cells_after_a_failure_lose_their_old_outputs_in_any_notebook(tmp_path):
    notebook = write_notebook(tmp_path, "stale", ["print('first')", "1 / 0", "print('third')"])
    nb = nbformat.read(str(notebook), as_version=4)
    for cell, old in zip(nb.cells, ["old first\n", "old second\n", "old third\n"]):
        cell.outputs, cell.execution_count = [nbformat.v4.new_output("stream", name="stdout", text=old)], 7
    nbformat.write(nb, str(notebook))
    run = run_notebook(notebook, write_script(tmp_path, "s.json", {"human": []}), output=tmp_path / "out.ipynb")
    assert run.exit_code == 1, run.message
    first, second, third = _outputs(tmp_path / "out.ipynb")
    assert [o.get("text") for o in first] == ["first\n"]
    assert second[-1]["ename"] == "ZeroDivisionError" and "old second" not in json.dumps(second)
    assert third == [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text=f"{NOT_RUN} (the run stopped at cell 2: ZeroDivisionError: division by zero).\n",
        )
    ]


def test_a_cell_tagged_skip_execution_says_so_instead_of_keeping_its_old_output(tmp_path):
    notebook = write_notebook(tmp_path, "tagged", ["print('ran')", "print('skipped?')"])
    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells[1].metadata["tags"] = ["skip-execution"]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="from last year\n")]
    nbformat.write(nb, str(notebook))
    run = run_notebook(notebook, write_script(tmp_path, "s.json", {"human": []}))
    assert run.exit_code == 0, run.message
    (out,) = _outputs(tmp_path / "tagged.replayed.ipynb")[1]
    assert out["text"] == f"{NOT_RUN} (it is tagged 'skip-execution').\n"


def test_a_kernel_that_dies_names_its_cell_and_the_cells_after_it_say_they_did_not_run(tmp_path):
    notebook = write_notebook(tmp_path, "dies", ["print('alive')", "import os\nos._exit(3)", "print('never')"])
    run = run_notebook(notebook, write_script(tmp_path, "s.json", {"human": []}), output=tmp_path / "out.ipynb")
    assert run.exit_code == 1
    assert run.message.startswith("cell 2 raised DeadKernelError: the kernel died"), run.message
    third = _outputs(tmp_path / "out.ipynb")[2]
    assert third[0]["text"].startswith(f"{NOT_RUN} (the run stopped at cell 2: DeadKernelError: the kernel died")


def test_a_kernel_that_cannot_start_says_so_with_its_own_last_words(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "zmq.py").write_text("raise ImportError('this environment has a broken zmq')\n")
    notebook = write_notebook(tmp_path, "never", ["print('never')"])
    script = write_script(tmp_path, "s.json", {"human": [], "env": {"PYTHONPATH": str(broken)}})
    run = run_notebook(notebook, script, output=tmp_path / "out.ipynb", timeout=60)
    assert run.exit_code == 1
    assert run.message.startswith("the kernel did not start: DeadKernelError: the kernel died before it answered")
    assert "this environment has a broken zmq" in run.message
    (out,) = _outputs(tmp_path / "out.ipynb")[0]
    assert out["text"].startswith(NOT_RUN)
