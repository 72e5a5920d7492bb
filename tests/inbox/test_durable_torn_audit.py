"""Issue 21: a chat process killed while it wrote its audit log leaves a torn last line; the next
process resumes anyway (the fragment, never acknowledged, is set aside to ``PATH.torn``) and every
decision is applied and audited once. Before the fix it stopped with TornAuditLogError until someone
ran ``set_aside_torn_tail`` by hand."""

from __future__ import annotations

import json

from hitl_modes import InboxReviewer
from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.course.durable_demo import FEEDBACK
from tests.inbox.test_durable import (
    assert_each_card_asked_once_and_decided_once,
    assert_the_chat_ended_as_if_never_interrupted,
)
from tests.support.durable import Chat
from tests.support.inbox import InboxProcess


def test_a_torn_audit_tail_does_not_stop_the_resumed_chat(tmp_path):
    db = tmp_path / "inbox.sqlite"
    with InboxProcess(db) as inbox:
        person = InboxReviewer(inbox.url, inbox.token)
        first = Chat(tmp_path, inbox, 1)
        card = person.next_pending(120)
        first.kill()
        # What a kill in the middle of an audit write leaves: the start of a record, no newline.
        fragment = json.dumps({"timestamp": "2026-12-05T00:00:00+00:00", "agent": "user_proxy", "prompt": "x" * 5000})
        with open(tmp_path / "audit.jsonl", "ab") as audit:
            audit.write(fragment[:4096].encode())
        assert person.reply(card["id"], FEEDBACK).status == 200

        second = Chat(tmp_path, inbox, 2)
        follow_up = person.next_pending(120, skip={card["id"]})
        assert person.approve(follow_up["id"]).status == 200
        result = second.result()
    assert_the_chat_ended_as_if_never_interrupted(tmp_path, result)
    assert_each_card_asked_once_and_decided_once(db, ["feedback", "approved"])
    assert (tmp_path / "audit.jsonl.torn").read_text() == fragment[:4096] + "\n", "the fragment is kept aside"
    assert len(read_audit_log(tmp_path / "audit.jsonl")) == 2, "the log itself is whole again"
