"""Restart the inbox while a chat waits: the prompt survives in SQLite, the chat retries, and the
decision made after the restart is applied exactly once."""

from __future__ import annotations

import threading
import time

import autogen
from test_inbox_process import InboxProcess

from hitl_modes import InboxHuman, InboxReviewer, ScriptedLLM, record_chat
from hitl_modes.audit import read_audit_log
from hitl_modes.inbox_store import InboxStore

DELETE = "Deleting the old logs:\n```sh\nrm -rf /var/log/app\n```\nTERMINATE"
AMENDED = "Understood: logs kept, only build/ cleaned. TERMINATE"
FEEDBACK = "Keep the logs; clean build/ only."


class ChatInThread:
    """A TERMINATE-mode chat whose human is the inbox, running while the test plays the person."""

    def __init__(self, url: str, audit_path, *, check: bool = True, replies=(DELETE, AMENDED)) -> None:
        self.llm = ScriptedLLM(list(replies))
        self.assistant = self.llm.register(autogen.AssistantAgent("assistant", llm_config=self.llm.llm_config))
        self.user_proxy = autogen.UserProxyAgent(
            "user_proxy", human_input_mode="TERMINATE", code_execution_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        self.human = InboxHuman(url, timeout=120, audit_log=audit_path, echo=False, check=check, poll_seconds=2)
        self.run = None
        self.error = None
        self.thread = threading.Thread(target=self._chat, daemon=True)

    def _chat(self) -> None:
        try:
            with self.human:
                self.run = record_chat(self.user_proxy, self.assistant, "Free some disk space.", quiet=True)
        except BaseException as e:  # reported by finish()
            self.error = e

    def start(self) -> "ChatInThread":
        self.thread.start()
        return self

    def finish(self, timeout: float = 120):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the chat is still waiting"
        assert self.error is None, f"the chat failed: {self.error!r}"
        return self.run


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
        chat = ChatInThread(first.url, audit).start()
        before = wait_for_card(InboxReviewer(first.url, first.token))
        first.kill()  # SIGKILL while the chat long-polls
        time.sleep(1.0)  # the chat notices and retries against nothing

        with InboxProcess(db, port=first.port) as second:
            assert second.token != first.token
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
    sent_to_model = [m["content"] for m in chat.llm.requests[-1].messages]
    assert sent_to_model.count(FEEDBACK) == 1, "the decision reached the model exactly once"
    assert chat.human.client.retries >= 1, "the chat really rode out the crash"
    assert [(x["decision"], x["response"]) for x in read_audit_log(audit)] == [
        ("feedback", FEEDBACK), ("approved", "")]
    assert_each_prompt_decided_once(db, ["feedback", "approved"])


def test_a_prompt_asked_while_the_inbox_is_down_arrives_once_it_is_back(tmp_path):
    db, audit = tmp_path / "inbox.sqlite", tmp_path / "audit.jsonl"
    gone = InboxProcess(db).start()
    gone.kill()
    chat = ChatInThread(gone.url, audit, check=False).start()
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
