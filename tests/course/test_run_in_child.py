"""run_in_child runs a function a lesson shows in a cell in a child process with nobody at stdin,
stdin open and then closed: lesson 03 shows with it that an ALWAYS chat hangs or crashes there,
and that a check before the chat fails fast."""

from __future__ import annotations

from hitl_modes.course.headless import run_in_child


def ask(question, check_first=False):
    """Self-contained, as run_in_child needs: it imports what it uses."""
    import sys

    if check_first and not sys.stdin.isatty():
        raise RuntimeError("nobody is at stdin")
    print("asking")
    return input(question)


def test_it_runs_the_function_with_stdin_open_then_closed_and_prints_each_run(capsys):
    runs = run_in_child(ask, "name? ", wait_for="name? ", patience=0.5)
    assert list(runs) == ["open", "devnull"]
    assert runs["open"].still_waiting and runs["open"].stdout == "asking\nname? "
    assert runs["devnull"].returncode == 1 and runs["devnull"].error == "EOFError: EOF when reading a line"
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"ask('name? ')  {runs['open']}", f"ask('name? ')  {runs['devnull']}"]


def test_a_check_before_asking_fails_fast_whatever_the_stdin():
    runs = run_in_child(ask, "name? ", True, wait_for="name? ")
    assert all(r.returncode == 1 and r.error == "RuntimeError: nobody is at stdin" for r in runs.values())
    assert all(r.stdout == "" for r in runs.values()), "it never got as far as asking"
