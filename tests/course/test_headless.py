"""run_headless runs a snippet with nobody at stdin and reports what it did: lesson 03 relies on
it to show, the same way in a terminal and a notebook, that a waiting chat hangs or crashes."""

from __future__ import annotations

import pytest

from hitl_modes.course.headless import run_headless


def test_closed_stdin_makes_input_raise_eoferror():
    result = run_headless("print('asking'); input('name? ')", stdin="devnull")
    assert not result.still_waiting
    assert result.returncode == 1
    assert result.error == "EOFError: EOF when reading a line"
    assert "asking" in result.stdout


def test_open_stdin_nobody_typing_keeps_input_waiting_and_is_stopped():
    result = run_headless("input('name? '); print('answered')", stdin="open", wait_for="name? ", patience=0.5)
    assert result.still_waiting
    assert result.returncode is None
    assert result.stdout == "name? "  # the prompt was shown; nothing after it ran
    assert "still waiting" in str(result)


def test_open_stdin_a_snippet_that_finishes_is_not_waiting():
    result = run_headless("import sys; print('done'); sys.exit(3)", stdin="open", wait_for="never printed")
    assert not result.still_waiting
    assert result.returncode == 3
    assert result.stdout == "done\n"
    assert "exited with code 3" in str(result)


def test_the_error_is_the_last_stderr_line():
    result = run_headless("raise ValueError('bad input: expected a list')", stdin="devnull")
    assert result.error == "ValueError: bad input: expected a list"


def test_a_snippet_that_never_reaches_its_prompt_raises_instead_of_reporting_a_wait():
    with pytest.raises(TimeoutError, match="did not print 'prompt>'"):
        run_headless("import time; time.sleep(60)", stdin="open", wait_for="prompt>", timeout=1.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"stdin": "tty"}, "stdin must be 'devnull' or 'open'"),
        ({"stdin": "open"}, "stdin='open' needs wait_for"),
    ],
)
def test_bad_arguments_say_how_to_fix_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_headless("pass", **kwargs)
