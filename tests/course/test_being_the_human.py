"""Being the human yourself: in a notebook (a real kernel answered the way JupyterLab answers its
input boxes) and in a terminal (a pseudo-terminal). Switching to typing is what each lesson's
"Running this lesson" cell teaches; an interrupt at a prompt stops with one line, no traceback."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from hitl_modes.course.catalog import list_lessons
from hitl_modes.course.notebooks import notebook_path
from tests.support.jupyter import Kernel

LESSON_02 = next(s for s in list_lessons() if s.name.startswith("02_"))
ASK_AT_TERMINATION = "Press enter or type 'exit' to stop the conversation: "
INTERRUPTED = (
    "lesson 02 stopped: interrupted while the chat waited for your reply, so it stops here "
    "and no reply was sent. To end only the chat and go on, type 'exit' at the prompt instead."
)


def _env():
    return dict(os.environ)  # offline: tests/conftest.py clears every live and personal switch


def _code_cells(script: Path):
    return [c.source for c in nbformat.read(notebook_path(script), as_version=4).cells if c.cell_type == "code"]


def _setup_and_first_two_chats(script: Path):
    """The setup cell, the first two cells that start a chat, and the cell after the second: its
    checks (a lesson of plain AutoGen chat cells checks each chat in a short cell of its own)."""
    cells = _code_cells(script)
    first, second = [i for i, c in enumerate(cells) if ".initiate_chat(" in c][:2]
    return cells[0], cells[first], cells[second], cells[second + 1]


@pytest.fixture
def kernel(tmp_path):
    k = Kernel(tmp_path, _env())
    yield k
    k.close()


@pytest.mark.parametrize("script", list_lessons(), ids=lambda p: p.stem)
def test_each_notebook_says_how_to_run_it_and_how_to_be_the_human(script):
    cells = nbformat.read(notebook_path(script), as_version=4).cells
    running = cells[1].source  # right after the lesson's introduction, before any code
    assert cells[1].cell_type == "markdown" and running.startswith("### Running this lesson"), script.name
    assert all(c.cell_type == "markdown" for c in cells[:2])
    for taught in ("make lab", "Python 3 (ipykernel)", f"hitl-modes lesson {int(script.name[:2])}`"):
        assert taught in running, f"{script.name}: 'Running this lesson' does not mention {taught!r}"
    if not script.name.startswith("01_"):  # lesson 01 (NEVER) never asks a person
        for taught in ("%env HITL_HUMAN=console", "--human console", "NO HUMAN INPUT RECEIVED", "`exit`", "Interrupt"):
            assert taught in running, f"{script.name}: 'Running this lesson' does not mention {taught!r}"


def test_env_magic_before_the_setup_cell_makes_you_the_human(kernel):
    setup, first_chat, feedback_chat, feedback_checks = _setup_and_first_two_chats(LESSON_02)
    assert kernel.execute("%env HITL_HUMAN=console").status == "ok"
    assert "human: console" in kernel.execute(setup).text

    run = kernel.execute(first_chat, answer=lambda prompt: "")
    assert run.status == "ok", run.errors
    assert len(run.prompts) == 1 and run.prompts[0].endswith(ASK_AT_TERMINATION)
    assert "NO HUMAN INPUT RECEIVED" in run.text  # AutoGen's note after an Enter, which the lesson explains
    assert "text/html" in run.mime_types  # the timeline: inline SVG in HTML

    answers = iter(["Drop the title and the footnote.", "exit"])
    run = kernel.execute(feedback_chat, answer=lambda prompt: next(answers))
    assert run.status == "ok", run.errors
    assert len(run.prompts) == 2
    assert "text/html" in run.mime_types  # its timeline

    run = kernel.execute(feedback_checks)  # the claims about that chat, checked on the person's run
    assert run.status == "ok", run.errors
    assert "✓ 'exit' at the next termination message ended the chat  (checked on your run)" in run.text


def test_an_interrupt_at_the_input_box_stops_the_chat_with_one_line(kernel):
    setup, first_chat, feedback_chat, _ = _setup_and_first_two_chats(LESSON_02)
    kernel.execute("%env HITL_HUMAN=console")
    kernel.execute(setup)

    run = kernel.execute(first_chat, answer=lambda prompt: Kernel.INTERRUPT)
    assert run.status == "error"  # the cell fails, so "Run All" stops here
    assert run.errors == []  # no traceback: one line on the cell's stderr
    assert run.stderr.strip().splitlines() == [INTERRUPTED], run.stderr

    # The kernel and the lesson go on: the next chat asks again.
    answers = iter(["", "exit"])
    run = kernel.execute(feedback_chat, answer=lambda prompt: next(answers))
    assert run.status == "ok", run.errors


def _reading_stdin(pid: int) -> bool:
    """True while the process is blocked in read(0, ...): Linux's /proc/PID/syscall names the call
    (0 on x86-64, 63 on arm64) and its first argument, the file descriptor."""
    fields = Path(f"/proc/{pid}/syscall").read_text().split()
    return len(fields) > 1 and fields[0] in ("0", "63") and fields[1] == "0x0"


def test_ctrl_c_at_a_terminal_prompt_stops_the_lesson_with_one_line(tmp_path):
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "hitl-modes"), "lesson", "2", "--human", "console"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**_env(), "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, as a terminal's foreground job has
        # and Ctrl-C's default action, as a shell gives a foreground job, even when this test runs
        # in the background of a shell that ignores SIGINT (`make test &`): Python then never raises
        # KeyboardInterrupt.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(follower)
    try:
        seen = b""
        deadline = time.monotonic() + 120  # a guard against hanging, not a measurement
        while ASK_AT_TERMINATION.encode() not in seen and proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                seen += os.read(proc.stdout.fileno(), 4096)
        assert ASK_AT_TERMINATION.encode() in seen, seen.decode(errors="replace")[-2000:]
        # A person presses Ctrl-C long after the prompt; a test must wait until the lesson really
        # reads (a signal just before read() starts is only seen once the read returns).
        (lesson,) = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        while not _reading_stdin(int(lesson)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _reading_stdin(int(lesson)), "the lesson never waited on stdin"
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole foreground group
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    errors = err.decode()
    assert proc.returncode != 0
    assert "Traceback" not in errors, errors
    assert errors.strip().splitlines()[-1] == INTERRUPTED, errors
    assert "KeyboardInterrupt" not in errors, errors
