"""Durable waits for real: a chat process waiting in the inbox is SIGKILLed, the person decides in
the inbox over HTTP while nothing runs, a new process resumes from the checkpoint, and the final
history equals an uninterrupted run's. No decision is lost or applied twice."""

from __future__ import annotations

import pytest

from hitl_modes import InboxReviewer
from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.course.durable_demo import FEEDBACK, REPLIES, TASK, build_agents
from hitl_modes.inbox.durable import DurableChat, DurableChatError, load_checkpoint, save_checkpoint
from hitl_modes.inbox.store import InboxStore
from tests.support.durable import Chat, uninterrupted_history
from tests.support.inbox import InboxProcess, run_lesson_stopping_every_card


def assert_each_card_asked_once_and_decided_once(db, decisions):
    store = InboxStore(db)
    try:
        assert store.pending() == []
        cards = store.recent(limit=100)
        assert [c.decision for c in sorted(cards, key=lambda c: c.created_at)] == decisions
        for card in cards:
            assert [e["event"] for e in store.audit_trail(card.id)] == ["asked", card.decision]
    finally:
        store.close()


def assert_the_chat_ended_as_if_never_interrupted(tmp_path, result):
    assert result["history"] == uninterrupted_history()
    assert result["human_input"] == [FEEDBACK, ""]
    assert result["resumed"] is True
    assert sum(m["content"] == FEEDBACK for m in result["history"]) == 1, "the decision is in the chat once"
    assert [(r["decision"], r["response"]) for r in read_audit_log(tmp_path / "audit.jsonl")] == [
        ("feedback", FEEDBACK),
        ("approved", ""),
    ], "each decision audited exactly once, across both processes"
    assert load_checkpoint(tmp_path / "chat.json")["status"] == "finished"


@pytest.mark.parametrize("restart_the_inbox", [False, True], ids=["inbox-up", "inbox-restarted-meanwhile"])
def test_killed_while_waiting_the_decision_made_meanwhile_is_applied_once(tmp_path, restart_the_inbox):
    db = tmp_path / "inbox.sqlite"
    inbox = InboxProcess(db).start()
    try:
        person = InboxReviewer(inbox.url, inbox.token)
        agent_token = inbox.agent_token
        first = Chat(tmp_path, inbox, 1)
        card = person.next_pending(120)
        assert load_checkpoint(tmp_path / "chat.json")["question"]["prompt_id"] == card["id"]
        first.kill()  # SIGKILL while it long-polls: the question outlives the process
        if restart_the_inbox:  # ... and the inbox goes down and comes back while nothing runs
            inbox.kill()
            inbox = InboxProcess(db, port=inbox.port).start()
            assert (inbox.token, inbox.agent_token) == (person.token, agent_token), "the tokens survived"
        assert person.reply(card["id"], FEEDBACK).status == 200, "decided while no chat process runs"

        second = Chat(tmp_path, inbox, 2)
        follow_up = person.next_pending(120, skip={card["id"]})
        assert person.approve(follow_up["id"]).status == 200
        result = second.result()
    finally:
        inbox.kill()
    assert_the_chat_ended_as_if_never_interrupted(tmp_path, result)
    assert result["model_requests"][-1][-1]["content"] == FEEDBACK, "the resumed model got the feedback"
    assert_each_card_asked_once_and_decided_once(db, ["feedback", "approved"])


def test_killed_before_the_question_reached_the_inbox(tmp_path):
    db = tmp_path / "inbox.sqlite"
    with InboxProcess(db) as inbox:
        person = InboxReviewer(inbox.url, inbox.token)
        first = Chat(tmp_path, inbox, 1, kill_at="asking")
        assert first.died_by_sigkill()
        saved = load_checkpoint(tmp_path / "chat.json")
        assert saved["status"] == "asking" and person.pending() == [], "saved first, the inbox never heard of it"

        second = Chat(tmp_path, inbox, 2)
        card = person.next_pending(120)
        assert card["id"] == saved["question"]["prompt_id"], "the resumed chat asks under the saved id"
        assert person.reply(card["id"], FEEDBACK).status == 200
        follow_up = person.next_pending(120, skip={card["id"]})
        assert person.approve(follow_up["id"]).status == 200
        result = second.result()
    assert_the_chat_ended_as_if_never_interrupted(tmp_path, result)
    assert_each_card_asked_once_and_decided_once(db, ["feedback", "approved"])


def test_killed_right_after_the_decision_was_applied(tmp_path):
    db = tmp_path / "inbox.sqlite"
    with InboxProcess(db) as inbox:
        person = InboxReviewer(inbox.url, inbox.token)
        first = Chat(tmp_path, inbox, 1, kill_at="applied")
        card = person.next_pending(120)
        assert person.reply(card["id"], FEEDBACK).status == 200
        assert first.died_by_sigkill(), "it died once the feedback had reached the assistant"
        saved = load_checkpoint(tmp_path / "chat.json")
        assert saved["status"] == "decided" and saved["question"]["response"] == FEEDBACK

        second = Chat(tmp_path, inbox, 2)
        follow_up = person.next_pending(120, skip={card["id"]})
        assert follow_up["conversation"][-1]["content"] == REPLIES[1], "the next question, not the applied one"
        assert person.approve(follow_up["id"]).status == 200
        result = second.result()
        third = Chat(tmp_path, inbox, 3).result()  # a finished checkpoint: returns the result, asks nobody
        assert third["history"] == result["history"] and third["model_requests"] == []
        assert person.pending() == []
    assert_the_chat_ended_as_if_never_interrupted(tmp_path, result)
    assert_each_card_asked_once_and_decided_once(db, ["feedback", "approved"])


def test_a_checkpoint_from_another_chat_is_refused_clearly(tmp_path):
    _, assistant, user_proxy = build_agents([])
    save_checkpoint(
        tmp_path / "chat.json",
        {"format": "hitl-modes-durable-chat/1", "status": "asking", "sender": "ops", "recipient": "assistant"},
    )
    chat = DurableChat(tmp_path / "chat.json", user_proxy, assistant, "http://127.0.0.1:9", agent_token="a" * 20)
    with pytest.raises(DurableChatError, match="between 'ops' and 'assistant'"):
        chat.run(TASK)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(DurableChatError, match="not a readable chat checkpoint"):
        load_checkpoint(tmp_path / "bad.json")


def test_the_checkpoint_is_replaced_atomically_and_only_its_owner_can_read_it(tmp_path):
    path = tmp_path / "chat.json"
    save_checkpoint(path, {"format": "hitl-modes-durable-chat/1", "n": 1})
    save_checkpoint(path, {"format": "hitl-modes-durable-chat/1", "n": 2})
    assert load_checkpoint(path)["n"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat.json"], "no temporary file left behind"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_lesson_16_runs_with_its_human_in_the_inbox(tmp_path):
    """`hitl-modes lesson 16 --human inbox`: every prompt is a card in the person's inbox (a pair's
    TERMINATE pause, a group member, the sender between sequential chats, a nested reviewer); here
    the person clicks Stop on each, and the lesson runs to its end. (The durable chat is lesson 17:
    tests/inbox/test_lesson_17.py.)"""
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        proc, cards = run_lesson_stopping_every_card(
            16, inbox.url, inbox.token, inbox.agent_token, env={"HITL_QUIET": "1"}
        )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert {c["agent"] for c in cards} >= {"user_proxy", "human", "reviewer"}
    assert {c["approve"] for c in cards} >= {"end", "auto-reply"}
