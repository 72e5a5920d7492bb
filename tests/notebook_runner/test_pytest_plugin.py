"""``pytest --hitl-notebooks``: notebooks with a replay script beside them become tests (pytester)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.notebooks import write_notebook, write_script

# The package's pytest11 entry point loads hitl_modes.testing, which loads the notebook hook module:
# a fresh project (pytester) gets --hitl-notebooks with no conftest and no -p.
ASK = ["name = input('Your name? ')\nprint('hello', name)"]


def _course(folder):
    """A course folder: one notebook that replays, one whose script is short, one with no script."""
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks, "good", ASK)
    write_script(notebooks, "good.replay.json", {"human": ["Ada"]})
    write_notebook(notebooks, "short", ASK + ["input('Again? ')"])
    (notebooks / "short.replay.yaml").write_text("human: [Ada]\n")
    write_notebook(notebooks, "lonely", ["raise SystemExit('never collected')"])
    write_notebook(notebooks, "good.replayed", ["raise SystemExit('an output, never collected')"])
    return notebooks


def test_each_notebook_with_a_script_is_a_test_failing_with_the_commands_words(pytester):
    _course(pytester.path)
    result = pytester.runpytest_subprocess("--hitl-notebooks", "-v", "notebooks")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notebooks/good.ipynb::good.replay.json PASSED*",
            "*notebooks/short.ipynb::short.replay.yaml FAILED*",
            "*hitl-modes run-notebook short.ipynb --script short.replay.yaml: exit code 3*",
            "*the human script ran out: prompt #2 found no answer;*The prompt was: 'Again?'*",
            "*[[]cell 2[]] human prompt #2 (input) 'Again?' -> no answer (EOFError)*",
        ]
    )
    assert "never collected" not in result.stdout.str()
    assert not (pytester.path / "notebooks" / "short.replayed.ipynb").exists()  # nothing written beside


def test_without_the_flag_notebooks_are_not_collected(pytester):
    _course(pytester.path)
    result = pytester.runpytest_subprocess("notebooks")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_collecting_imports_neither_autogen_nor_nbclient(pytester):
    _course(pytester.path)
    pytester.makeconftest(
        """
        import sys

        def pytest_collection_finish(session):
            print("loaded:", sorted(m for m in ("autogen", "nbclient", "openai") if m in sys.modules))
        """
    )
    result = pytester.runpytest_subprocess("--hitl-notebooks", "--collect-only", "notebooks")
    result.stdout.fnmatch_lines(["loaded: []", "*2 tests collected*"])


def test_the_package_plugin_loads_the_hook_without_importing_autogen():
    code = (
        "import sys, hitl_modes.testing as t; "
        "assert t.pytest_plugins == ['hitl_modes.notebook_runner.pytest_plugin'], t.pytest_plugins; "
        "import hitl_modes.notebook_runner.pytest_plugin; "
        "print(sorted(m for m in ('autogen', 'nbclient', 'openai') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
