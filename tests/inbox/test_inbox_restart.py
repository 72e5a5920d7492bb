"""Restart the inbox while a chat waits: the prompt survives in SQLite, the chat retries, and the
decision made after the restart is applied exactly once."""

from __future__ import annotations

import time

from hitl_modes import InboxReviewer
from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.inbox.store import InboxStore
from tests.support.inbox import FEEDBACK, ChatInThread, InboxProcess


def wait_for_card(reviewer: InboxReviewer, timeout: float = 60.0):
    return reviewer.next_pending(timeout)


def assert_each_prompt_decided_once(db, expected_decisions):
    store = InboxStore(db)
    try:
        prompts = store.recent(limit=100)
        assert store.pending() == []
        assert sorted(p.decision for p in prompts) == sorted(expected_decisions), "one card per question, no extras"
        for p in prompts:
            events = [e["event"] for e in store.audit_trail(p.id)]
            assert events == ["asked", p.decision], f"{p.id}: {events}"
    finally:
        store.close()


def test_a_chat_waiting_through_an_inbox_crash_gets_its_decision_exactly_once(tmp_path):
    db, audit = tmp_path / "inbox.sqlite", tmp_path / "audit.jsonl"
    first = InboxProcess(db).start()
    try:
        chat = ChatInThread(first.agent_url, audit).start()
        before = wait_for_card(InboxReviewer(first.url, first.token))
        first.kill()  # SIGKILL while the chat long-polls
        time.sleep(1.0)  # the chat notices and retries against nothing

        with InboxProcess(db, port=first.port) as second:
            assert (second.token, second.agent_token) == (first.token, first.agent_token), "the tokens survive"
            person = InboxReviewer(second.url, second.token)
            after = wait_for_card(person)
            assert after["id"] == before["id"] and after["prompt"] == before["prompt"]
            assert after["conversation"] == before["conversation"] and after["risk"] == before["risk"]
            assert person.reply(after["id"], FEEDBACK).status == 200
            assert person.reply(after["id"], FEEDBACK).status == 409, "a second click changes nothing"
            follow_up = person.next_pending(60, skip={after["id"]})
            assert person.approve(follow_up["id"]).status == 200
            run = chat.finish()
    finally:
        first.kill()

    assert run.result.human_input == [FEEDBACK, ""]
    assert run.stop_reason == "termination_msg", "Approve (Enter) on a termination message ends the chat"
    sent_to_model = [m["content"] for m in chat.llm.calls[-1].messages]
    assert sent_to_model.count(FEEDBACK) == 1, "the decision reached the model exactly once"
    assert chat.human.client.retries >= 1, "the chat really rode out the crash"
    assert [(x["decision"], x["response"]) for x in read_audit_log(audit)] == [("feedback", FEEDBACK), ("approved", "")]
    assert_each_prompt_decided_once(db, ["feedback", "approved"])


def test_a_prompt_asked_while_the_inbox_is_down_arrives_once_it_is_back(tmp_path):
    db, audit = tmp_path / "inbox.sqlite", tmp_path / "audit.jsonl"
    gone = InboxProcess(db).start()
    gone.kill()
    chat = ChatInThread(gone.agent_url, audit, check=False).start()
    time.sleep(1.5)  # the chat asks into the void and keeps retrying
    assert chat.thread.is_alive()
    with InboxProcess(db, port=gone.port) as back:
        person = InboxReviewer(back.url, back.token)
        card = wait_for_card(person)
        assert card["risk"]["level"] == "high"
        assert person.stop(card["id"]).status == 200
        run = chat.finish()
    assert run.result.human_input == ["exit"] and run.stop_reason == "human_exit"
    assert_each_prompt_decided_once(db, ["exit"])
