"""``hitl-modes run-notebook``: its exit codes (0, 1, 2, 3) and their messages, strict both ways."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hitl_modes.cli import main
from tests.support.notebooks import output_text, write_notebook, write_script

ASK_NAME = [
    """
    name = input("Your name? ")
    print("hello", name)
    """
]

CHAT = [
    """
    import autogen
    llm = {"config_list": autogen.config_list_from_json("OAI_CONFIG_LIST"), "cache_seed": None}
    assistant = autogen.AssistantAgent("assistant", llm_config=llm)
    user = autogen.UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
    user.initiate_chat(assistant, message="Tell me a story", max_turns=2)
    """
]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hitl_modes", "run-notebook", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


def test_exit_0_writes_the_executed_notebook_beside_it_and_prints_the_timeline(tmp_path):
    notebook = write_notebook(tmp_path, "ask", ASK_NAME)
    (tmp_path / "ask.replay.yaml").write_text("# YAML works too\nhuman:\n  - Ada\n")
    proc = _cli(notebook.name, "--script", "ask.replay.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[cell 1] human prompt #1 (input) 'Your name?' -> 'Ada'" in proc.stdout
    assert "ok: every cell ran and every scripted reply and answer was used" in proc.stdout
    assert "hello Ada" in output_text(tmp_path / "ask.replayed.ipynb")


def test_exit_1_names_the_cell_and_the_error(tmp_path):
    notebook = write_notebook(tmp_path, "broken", ["#md A title", "x = 1", "print('before')\n1 / 0"])
    write_script(tmp_path, "s.json", {"model": []})
    proc = _cli(str(notebook), "--script", "s.json", "--output", "out.ipynb", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cell 3 raised ZeroDivisionError: division by zero (the cell begins: \"print('before')\")" in proc.stderr
    assert "before" in output_text(tmp_path / "out.ipynb")  # the outputs up to the error are kept


def test_exit_1_when_a_cell_runs_past_the_timeout(tmp_path):
    notebook = write_notebook(tmp_path, "slow", ["import time\ntime.sleep(120)"])
    write_script(tmp_path, "s.json", {"human": []})
    proc = _cli(str(notebook), "--script", "s.json", "--timeout", "2", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cell 1 raised TimeoutError: still running after 2 s (the timeout per cell)" in proc.stderr


def test_exit_3_when_the_model_script_runs_out(tmp_path):
    notebook = write_notebook(tmp_path, "chat", CHAT)
    write_script(tmp_path, "short.json", {"model": ["Once upon a time."]})
    proc = _cli(str(notebook), "--script", "short.json", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        "the model script ran out: model call #2 (to model 'gpt-4o-mini') found no reply; short.json has 1 model "
        "reply. The last message the model saw was: ''." in proc.stderr
    )
    assert "REFUSED" in proc.stdout and proc.stdout.count("REFUSED") == 1


def test_exit_3_when_the_human_script_runs_out_and_the_notebook_never_hangs(tmp_path):
    notebook = write_notebook(tmp_path, "ask", ASK_NAME + ["input('Second question? ')"])
    write_script(tmp_path, "short.json", {"human": ["Ada"]})
    proc = _cli(str(notebook), "--script", "short.json", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        "the human script ran out: prompt #2 found no answer; short.json has 1 human answer. "
        "The prompt was: 'Second question?'." in proc.stderr
    )
    assert "-> no answer (EOFError)" in proc.stdout


def test_exit_3_when_replies_and_answers_are_left_over(tmp_path):
    notebook = write_notebook(tmp_path, "ask", ASK_NAME)
    write_script(tmp_path, "long.json", {"model": ["never asked"], "human": ["Ada", "Bob", "Cy"]})
    proc = _cli(str(notebook), "--script", "long.json", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        "long.json has replies left over: 1 model reply never requested (the model was called 0 times; "
        "unused: 'never asked') and 2 human answers never asked for (unused: 'Bob', 'Cy')." in proc.stderr
    )


@pytest.mark.parametrize(
    "script, words",
    [
        ('{"model": "hi"}', '"model" must be a list, got str'),
        ('{"human": [1]}', "human answer #1 must be a string"),
        ('{"model": [{"tool_calls": [{"arguments": {}}]}]}', "model reply #1, tool call #1 has no function name"),
        ('{"modle": []}', "unknown key(s) ['modle']"),
        ("{", "not valid JSON at line 1"),
    ],
)
def test_exit_2_for_an_invalid_script_names_what_is_wrong(tmp_path, capsys, script, words):
    notebook = write_notebook(tmp_path, "ask", ASK_NAME)
    (tmp_path / "bad.json").write_text(script)
    assert main(["run-notebook", str(notebook), "--script", str(tmp_path / "bad.json")]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "ask.replayed.ipynb").exists()


def test_exit_2_for_bad_arguments(tmp_path, capsys):
    notebook = write_notebook(tmp_path, "ask", ASK_NAME)
    write_script(tmp_path, "s.json", {"human": ["Ada"]})
    (tmp_path / "s.txt").write_text("{}")
    cases = [
        (["missing.ipynb", "--script", "s.json"], "missing.ipynb: no such notebook"),
        (["s.json", "--script", "s.json"], "not a notebook (expected a .ipynb file)"),
        ([str(notebook), "--script", "nope.json"], "nope.json: cannot read the script"),
        ([str(notebook), "--script", "s.txt"], "ends in .json, .yaml or .yml"),
        ([str(notebook), "--script", "s.json", "--output", "no/such/dir/out.ipynb"], "does not exist"),
        ([str(notebook), "--script", "s.json", "--output", str(notebook)], "never overwritten"),
        ([str(notebook), "--script", "s.json", "--timeout", "0"], "positive number of seconds"),
    ]
    for argv, words in cases:
        assert main(["run-notebook", *argv]) == 2, argv
        assert words in capsys.readouterr().err, argv
    with pytest.raises(SystemExit) as info:  # argparse: neither --script nor --record
        main(["run-notebook", str(notebook)])
    assert info.value.code == 2
    assert "one of the arguments --script --record is required" in capsys.readouterr().err
