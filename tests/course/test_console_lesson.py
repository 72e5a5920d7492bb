"""Being the human teaches: a lesson run with `--human console` in a real pseudo-terminal says
what to try before each chat, checks the claims about the person's own run against that run
(✓ or ✗ with what happened instead, never asserted), still asserts the claims the person cannot
change, and says plainly when the input ended (Ctrl-D)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

HITL = str(Path(sys.executable).parent / "hitl-modes")
PROMPT = r"(?:to (?:stop|end) the conversation|or type 'exit' to end the conversation): "


def spawn(number, tmp_path):
    env = dict(os.environ)  # offline: tests/conftest.py clears every live and personal switch
    return pexpect.spawn(
        HITL,
        ["lesson", str(number), "--human", "console", "--quiet"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 250),
    )


def press_enter_at_every_prompt(child):
    transcript, prompts = [], 0
    while child.expect([PROMPT, pexpect.EOF]) == 0:
        transcript.append(child.before + child.after)
        prompts += 1
        child.sendline("")
    transcript.append(child.before)
    child.close()
    return "".join(transcript), prompts


def test_pressing_enter_at_every_prompt_of_lesson_02_checks_the_claims_on_that_run(tmp_path):
    child = spawn(2, tmp_path)
    out, prompts = press_enter_at_every_prompt(child)
    assert child.exitstatus == 0, out[-3000:]
    assert prompts >= 5
    assert "Traceback" not in out
    # Before each chat: what to try, and what the script would answer.
    first_prompt = out.index("Press enter")
    assert out.index(">>> Your turn (TERMINATE)") < first_prompt
    assert out.index(">>> The script answers: Enter.") < first_prompt
    assert out.count(">>> Your turn") == out.count("\n  ■ "), (
        "each chat: what to try before it, why it stopped after it"
    )
    # Claims about the person's run: checked on it, both ways, never asserted (the run finished).
    assert "✓ Enter ended the chat  (checked on your run)" in out
    failed = [line for line in out.splitlines() if line.lstrip().startswith("✗")]
    assert failed, "pressing Enter where the script gives feedback must make some claim not hold"
    assert all("(not in your run: you answered Enter" in line for line in failed if "Exercise" not in line)
    assert any("the feedback reached the model as the user's message" in line for line in failed)
    assert "not checked" not in out, "no claim is silently skipped"
    assert "## Exercises" in out


def test_claims_the_person_cannot_change_are_still_asserted(tmp_path):
    child = spawn(1, tmp_path)  # NEVER: nobody is ever asked
    out, prompts = press_enter_at_every_prompt(child)
    assert child.exitstatus == 0, out[-3000:]
    assert prompts == 0
    assert "  ✓ NEVER never asked the human\r\n" in out, "asserted, as in the scripted run"
    before_exercises = out.split("## Exercises")[0]
    assert "(checked on your run)" not in out
    assert not [line for line in before_exercises.splitlines() if line.lstrip().startswith("✗")]


def test_ctrl_d_at_a_prompt_says_the_input_ended(tmp_path):
    child = spawn(2, tmp_path)
    child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    out = child.before
    assert child.exitstatus != 0
    assert "the input ended (Ctrl-D) while the chat waited for your reply" in out
    assert "Traceback" not in out and "Run it in a terminal" not in out and "Error:" not in out


def test_claims_about_chats_the_lesson_runs_itself_are_checked_not_asserted(tmp_path):
    """Lesson 07's workflow runs its own chats (not through lesson.run): the person's answers there
    still make its claims checked on the run, so a different answer never crashes the lesson."""
    child = spawn(7, tmp_path)
    out, prompts = press_enter_at_every_prompt(child)
    assert child.exitstatus == 0, out[-3000:]
    assert prompts >= 2 and "Traceback" not in out and "AssertionError" not in out
    failed = [line for line in out.splitlines() if line.lstrip().startswith("✗") and "Exercise" not in line]
    explained = [line for line in failed if "(not in your run: " in line]
    assert explained and all("(not in your run: you answered Enter" in line for line in explained)
