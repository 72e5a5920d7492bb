"""Issue 22, item 5: a replay leaves the environment it runs in as it found it. Code run with no
``work_dir`` does not write into AutoGen's own package, and ``%pip``/``!pip`` cells install nothing:
the cell's output and the timeline say what was not run, and a failure it causes says why."""

from __future__ import annotations

import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

from hitl_modes.notebook_runner.runner import run_notebook
from hitl_modes.notebook_runner.session import autogen_extensions_folder
from tests.support.notebooks import output_text, write_notebook, write_script


def test_code_run_with_no_work_dir_never_writes_into_autogens_package(tmp_path):
    probe = f"hitl_probe_{uuid.uuid4().hex}.txt"
    extensions = Path(autogen_extensions_folder())
    cells = [
        """
        import autogen
        config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")
        assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": None})
        user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config={"use_docker": False})
        user.initiate_chat(assistant, message="Write a file.", max_turns=2)
        """
    ]
    code = f"```python\nimport os\nopen({probe!r}, 'w').write('x')\nprint('wrote in', os.getcwd())\n```"
    notebook = write_notebook(tmp_path, "no_work_dir", cells)
    try:
        run = run_notebook(notebook, write_script(tmp_path, "s.json", {"model": [code, "Done."]}))
        assert run.exit_code == 0, run.message
        assert not (extensions / probe).exists()
        text = output_text(tmp_path / "no_work_dir.replayed.ipynb")
        assert "exitcode: 0 (execution succeeded)" in text and "wrote in /" in text
        assert str(extensions) not in text.split("wrote in ", 1)[1].splitlines()[0]
        notes = [line for line in run.timeline if "code ran with no work_dir" in line]
        assert notes == [
            f"[cell 1] code ran with no work_dir: its files went to the run's own folder, not into AutoGen's "
            f"package ({extensions})"
        ]
    finally:
        (extensions / probe).unlink(missing_ok=True)  # what an unguarded run leaves behind


def _wheel(folder: Path, name: str) -> Path:
    """A one-module wheel pip installs from the file alone (no index, no build)."""
    path = folder / f"{name}-0.0.1-py3-none-any.whl"
    info = f"{name}-0.0.1.dist-info"
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr(f"{name}/__init__.py", "VALUE = 1\n")
        whl.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n")
        whl.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: hitl-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        whl.writestr(f"{info}/RECORD", f"{name}/__init__.py,,\n{info}/METADATA,,\n{info}/WHEEL,,\n{info}/RECORD,,\n")
    return path


def _installed(name: str) -> bool:
    """Is ``name`` installed in this environment (asked in a fresh process: no import caches)?"""
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({name!r}) is None)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60).returncode == 0


def test_pip_cells_install_nothing_and_say_so_and_the_failure_they_cause_says_why(tmp_path):
    name = "hitl_probe_pkg"
    wheel = _wheel(tmp_path, name)
    assert not _installed(name)
    cells = [
        f"%%capture\n%pip install {wheel}",  # output captured: the timeline still says it
        f"!pip install --no-index {wheel} && echo installed",
        f"import sys\n!{{sys.executable}} -m pip install {wheel}",
        f"%%bash\necho a bash cell\npip3 install {wheel}",
        "!{sys.executable} -m pip --version",  # not an install: it runs
        f"import {name}",
    ]
    notebook = write_notebook(tmp_path, "installs", cells)
    try:
        run = run_notebook(notebook, write_script(tmp_path, "s.json", {"human": []}))
        assert not _installed(name)
        assert run.exit_code == 1, run.message
        assert f"cell 6 raised ModuleNotFoundError: No module named '{name}'" in run.message
        assert f"which a replay does not run: install what it needs into {sys.prefix} first" in run.message
        refused = [line for line in run.timeline if "did not run `" in line]
        assert [line.split("]")[0] for line in refused] == ["[cell 1", "[cell 2", "[cell 3", "[cell 4"]
        assert all(f"a replay never installs into the environment it runs in ({sys.prefix})" in r for r in refused)
        assert f"install {wheel}" in refused[0] and "&&" not in refused[1]
        text = output_text(tmp_path / "installs.replayed.ipynb")
        assert text.count("hitl-modes run-notebook: did not run `") == 3  # cells 2-4 (cell 1's output is captured)
        assert "a bash cell" not in text  # the whole cell was not run
        assert "installed" not in text.replace("did not run", "")  # `&& echo installed` never ran either
        assert "pip " in text and " from " in text  # `pip --version` ran
    finally:
        if _installed(name):  # what an unguarded run leaves behind
            subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", name], timeout=120)
