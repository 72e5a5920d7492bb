"""`InboxHuman`: AutoGen's real agents ask a person through the inbox (a real uvicorn server on a
loopback port); a scripted person answers over HTTP as the page would."""

from __future__ import annotations

import asyncio
import socket

import autogen
import pytest

from hitl_modes import InboxHuman, InboxServer, ScriptedLLM, ScriptedReviewer, a_record_chat, record_chat
from hitl_modes.agents.queue_human import QueueHuman, QueueHumanProxy, while_answering
from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.course.lesson import Lesson
from hitl_modes.errors import InboxError, InboxUnavailableError
from hitl_modes.inbox.human import inbox_answers
from tests.support.inbox import run_lesson_stopping_every_card

DELETE = "I will clean up:\n```sh\nrm -rf /var/lib/app/data\n```"
LIST = "Safer: look first.\n```sh\nls -la build/\n```"


@pytest.fixture
def inbox(tmp_path):
    with InboxServer(tmp_path / "inbox.sqlite", port=0) as server:
        yield server


def agents(replies, mode="ALWAYS"):
    llm = ScriptedLLM(replies)
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=mode,
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    return llm, assistant, user_proxy


def audit_lines(path):
    return read_audit_log(path)


def test_a_chat_waits_for_the_inbox_and_gets_each_decision(inbox, tmp_path):
    llm, assistant, user_proxy = agents([DELETE, LIST, "Done. TERMINATE"])
    audit = tmp_path / "audit.jsonl"
    with (
        InboxHuman(inbox.agent_url, timeout=60, audit_log=audit, echo=False) as human,
        ScriptedReviewer(inbox.url, inbox.token, ["Only build/, please.", "", "exit"]) as person,
    ):
        run = record_chat(user_proxy, assistant, "Free some disk space.", quiet=True)

    assert run.result.human_input == ["Only build/, please.", "", "exit"]
    assert run.stop_reason == "human_exit"
    assert llm.calls[1].messages[-1]["content"] == "Only build/, please.", "the model got the feedback"
    assert [a.status for a in person.answers] == [200, 200, 200]
    first, second, _ = person.cards
    assert first["agent"] == "user_proxy" and first["prompt"] == human.prompts[0]
    assert first["conversation"][-1] == {"name": "assistant", "role": "user", "content": DELETE}
    assert first["risk"]["level"] == "high" and first["risk"]["reasons"]
    assert second["risk"]["level"] == "low"
    assert [d.decision for d in human.decisions] == ["feedback", "approved", "exit"]
    lines = audit_lines(audit)
    assert [(x["agent"], x["decision"], x["response"]) for x in lines] == [
        ("user_proxy", "feedback", "Only build/, please."),
        ("user_proxy", "approved", ""),
        ("user_proxy", "exit", "exit"),
    ]
    assert lines[0]["risk"] == "high" and lines[1]["risk"] == "low"
    assert [r.status for r in inbox.store.recent()] == ["decided"] * 3
    assert inbox.store.pending() == []


def test_nobody_answering_stops_the_chat_with_the_safe_default(inbox, tmp_path):
    _, assistant, user_proxy = agents([DELETE])
    audit = tmp_path / "audit.jsonl"
    with InboxHuman(inbox.agent_url, timeout=1.0, audit_log=audit, echo=False) as human:
        run = record_chat(user_proxy, assistant, "Free some disk space.", quiet=True)
    assert run.result.human_input == ["exit"] and run.stop_reason == "human_timeout"
    assert run.trace.human_replies == [], "nobody answered: the timeline must not credit 'exit' to a person"
    (timeout,) = run.trace.of_kind("human_timeout")
    assert (timeout.content, timeout.detail) == ("exit", "no decision in the inbox within 1s")
    assert [d.decision for d in human.decisions] == ["timed-out"]
    (line,) = audit_lines(audit)
    assert (line["decision"], line["response"], line["risk"]) == ("timed-out", None, "high")
    assert "received 'exit'" in line["note"] and line["prompt_id"] == human.decisions[0].prompt_id
    (record,) = inbox.store.recent()
    assert record.status == "timed-out", "the inbox knows the chat stopped waiting: a late click gets 409"


def test_the_timeout_reply_may_deny_but_never_approve(inbox):
    with pytest.raises(ValueError, match="never approve"):
        InboxHuman(inbox.agent_url, timeout_reply="")
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="positive number"):
            InboxHuman(inbox.agent_url, timeout=bad)
    llm, assistant, user_proxy = agents([DELETE, "Understood, nothing deleted."])
    with InboxHuman(inbox.agent_url, timeout=0.5, timeout_reply="Denied: nobody approved this.", echo=False) as human:
        run = record_chat(user_proxy, assistant, "Free some disk space.", max_turns=2, quiet=True)
    assert run.result.human_input == ["Denied: nobody approved this."]
    assert llm.calls[-1].messages[-1]["content"] == "Denied: nobody approved this."
    assert human.decisions[0].decision == "timed-out"


def test_no_inbox_fails_fast_with_the_command_to_start_one():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens here
    human = InboxHuman(f"http://127.0.0.1:{port}", timeout=30)
    with pytest.raises(InboxUnavailableError, match="hitl-modes inbox"):
        human.start()


def test_a_bad_url_names_the_flag():
    with pytest.raises(ValueError, match="--inbox-url"):
        InboxHuman("127.0.0.1:8765")


def test_a_refused_prompt_is_a_clear_error_not_an_endless_retry(inbox):
    human = InboxHuman(inbox.agent_url, timeout=60, echo=False)
    with pytest.raises(InboxError, match="413"):
        human.ask("x" * 300_000)
    inbox.store.submit(
        "fixed-id-0001", agent="a", prompt="first", conversation=[], risk_level="low", risk_reasons=[], timeout=60
    )
    with pytest.raises(InboxError, match="409"):
        human.ask("a different prompt", prompt_id="fixed-id-0001", agent="a")


def test_asking_again_with_the_same_id_returns_the_recorded_decision_once(inbox):
    """Client-chosen ids: a retry of the same question finds the decision already made."""
    human = InboxHuman(inbox.agent_url, timeout=30, echo=False)
    with ScriptedReviewer(inbox.url, inbox.token, ["Use staging."]):
        first = human.ask("Deploy?", agent="ops", prompt_id="deploy-question-1")
    again = human.ask("Deploy?", agent="ops", prompt_id="deploy-question-1")
    assert first.response == again.response == "Use staging."
    assert [e["event"] for e in inbox.store.audit_trail("deploy-question-1")] == ["asked", "feedback"]


def test_the_chat_tells_the_card_what_approve_does_even_in_always_mode(inbox):
    """ALWAYS mode words every prompt "Press enter to skip and use auto-reply", but at a termination
    message AutoGen ends the chat on Enter: the chat knows, and says so on the card."""
    _, assistant, user_proxy = agents([LIST, "Done. TERMINATE"])
    with (
        InboxHuman(inbox.agent_url, timeout=60, echo=False),
        ScriptedReviewer(inbox.url, inbox.token, ["", ""]) as person,
    ):
        run = record_chat(user_proxy, assistant, "Free some disk space.", quiet=True)
    assert [c["approve"] for c in person.cards] == ["auto-reply", "end"]
    assert all("auto-reply" in c["prompt"] for c in person.cards), "the same wording both times"
    assert run.stop_reason == "termination_msg"


def test_the_async_chat_path_asks_the_inbox_too(inbox):
    """a_initiate_chat: AutoGen runs get_human_input in a worker thread; the stream still knows the agent."""
    _, assistant, user_proxy = agents([LIST, "Done. TERMINATE"])
    with (
        InboxHuman(inbox.agent_url, timeout=60, echo=False),
        ScriptedReviewer(inbox.url, inbox.token, ["", "exit"]) as person,
    ):
        run = asyncio.run(a_record_chat(user_proxy, assistant, "Free some disk space.", quiet=True))
    assert run.result.human_input == ["", "exit"]
    assert [c["agent"] for c in person.cards] == ["user_proxy", "user_proxy"]
    assert person.cards[0]["conversation"][-1]["content"] == LIST


def test_any_lesson_can_use_the_inbox(inbox, monkeypatch):
    lesson = Lesson.setup(99, "inbox", argv=["--human", "inbox", "--inbox-url", inbox.agent_url, "--quiet"])
    assert lesson.human_kind == "inbox" and not lesson.scripted
    _, assistant, user_proxy = agents(["6 x 7 = 42. TERMINATE"], mode="TERMINATE")
    with lesson.human(["exit"]) as human, ScriptedReviewer(inbox.url, inbox.token, ["exit"]):
        run = lesson.run(user_proxy, assistant, "What is 6 x 7?")
    assert isinstance(human, InboxHuman) and human.url == inbox.url
    assert run.result.human_input == ["exit"]

    monkeypatch.setenv("HITL_INBOX_URL", inbox.agent_url)
    from_env = Lesson.setup(99, "inbox", argv=["--human", "inbox"])
    assert from_env.human([]).url == inbox.url


def test_lesson_09s_queue_human_can_be_answered_in_the_inbox(inbox, tmp_path):
    """The async input of lesson 11 (QueueHuman + QueueHumanProxy) with the inbox as the responder."""
    llm = ScriptedLLM([LIST, "Done. TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    audit = tmp_path / "audit.jsonl"

    async def chat():
        human = QueueHuman(timeout=60)
        proxy = QueueHumanProxy(
            "ops_proxy", human, human_input_mode="ALWAYS", code_execution_config=False, audit_log=audit
        )
        result = await while_answering(
            proxy.a_initiate_chat(assistant, message="Free some disk space.", silent=True),
            inbox_answers(human, inbox.agent_url),
        )
        return result, human

    with ScriptedReviewer(inbox.url, inbox.token, ["Only build/, please.", "exit"]) as person:
        result, human = asyncio.run(chat())
    assert result.human_input == ["Only build/, please.", "exit"]
    assert [c["agent"] for c in person.cards] == ["ops_proxy", "ops_proxy"]
    assert human.timed_out == [] and human.late == []
    assert [x["decision"] for x in read_audit_log(audit)] == ["feedback", "exit"], "the proxy audits, once each"


def test_a_whole_lesson_runs_with_its_human_in_the_inbox(inbox):
    """`hitl-modes lesson 2 --human inbox --inbox-url URL`: every prompt becomes a card; here a person
    clicks Stop on each, and the lesson still runs to its end."""
    proc, cards = run_lesson_stopping_every_card(2, inbox.url, inbox.token, inbox.agent_token, "--quiet")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "human: inbox" in proc.stdout
    assert cards and all(c["agent"] == "user_proxy" for c in cards)
    assert all(r.decision == "exit" for r in inbox.store.recent(limit=100))
