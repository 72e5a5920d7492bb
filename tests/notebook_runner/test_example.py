"""The lesson-sized example under examples/run_notebook runs offline, unchanged, from its own script."""

from __future__ import annotations

import shutil
from pathlib import Path

from hitl_modes.notebook_runner.runner import run_notebook
from tests.support.notebooks import output_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "run_notebook"


def test_the_example_notebook_replays_from_its_script(tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)  # the run writes currency.replayed.ipynb beside the notebook
    run = run_notebook(folder / "currency.ipynb", folder / "currency.replay.json")
    assert run.exit_code == 0, run.message
    assert (run.model_calls, run.human_prompts) == (4, 2)
    text = output_text(folder / "currency.replayed.ipynb")
    assert "Code output: \n108.0" in text and "Code output: \n85.0" in text  # the code really ran
    assert "Summary: 100 EUR is 108.0 USD and 85.0 GBP." in text  # AutoGen strips TERMINATE
    assert not (folder / ".cache").exists()
