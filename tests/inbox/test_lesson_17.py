"""Lesson 17 with a person: `hitl-modes lesson 17 --human console` in a real pseudo-terminal. The person
answers section 1's chat at the prompt, then decides the durable chat's cards in the lesson's own
inbox (over HTTP, as the page does, with the link the lesson prints) while the killed chat process is
gone; the new process applies the decision and the lesson checks the claims on that run."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

from hitl_modes import InboxReviewer
from hitl_modes.course.catalog import find_lesson

HITL = str(Path(sys.executable).parent / "hitl-modes")
PROMPT = r"Press enter or type 'exit' to stop the conversation: "
LINK = re.compile(r"the card waits in the inbox: (http://\S+#token=\S+)")
FEEDBACK = "Keep the logs; clean build/ only."


def test_lesson_17_with_a_person_who_decides_in_the_lesson_inbox(tmp_path):
    assert find_lesson(17).name == "17_durable_chats.py"
    env = dict(os.environ)  # offline: tests/conftest.py clears every live and personal switch
    child = pexpect.spawn(
        HITL,
        ["lesson", "17", "--human", "console", "--quiet"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 250),
    )
    out = []
    for answer in (FEEDBACK, ""):  # section 1's chat, straight through
        child.expect(PROMPT)
        out.append(child.before + child.after)
        child.sendline(answer)
    child.expect(LINK)
    out.append(child.before + child.after)
    person = InboxReviewer.from_link(child.match.group(1))
    card = person.next_pending(60)  # the killed process's question
    assert person.reply(card["id"], FEEDBACK).status == 200
    follow_up = person.next_pending(60, skip={card["id"]})  # asked by the new process
    assert person.approve(follow_up["id"]).status == 200
    child.expect(pexpect.EOF)
    out.append(child.before)
    child.close()
    text = "".join(out)
    assert child.exitstatus == 0, text[-3000:]
    assert "Traceback" not in text
    assert "✓ the chat process died by SIGKILL" in text
    assert "✓ the new process applied the decision made while nothing ran" in text
    assert "(checked on your run)" in text
    assert "✓ each decision is in the audit log once, across both processes" in text
