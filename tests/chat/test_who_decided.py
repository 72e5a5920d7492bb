"""Timelines say who decided: a default applied on timeout is a ``human_timeout`` (never the human's
reply or exit), the output of approved code is a ``code_result``, and a gate that ends a chat says
what it decided. Each on AutoGen's real agents, with the real gates and humans."""

from __future__ import annotations

import autogen
import pytest

from hitl_modes import (
    DraftApprovalGate,
    QueueHuman,
    QueueHumanProxy,
    RiskGatedProxy,
    ScriptedHuman,
    ScriptedLLM,
    SlowHuman,
)
from hitl_modes.agents.queue_human import run_async, while_answering
from hitl_modes.chat.record import a_record_chat, record_chat
from hitl_modes.chat.trace import LEGEND, legend_text


def assistant(replies, name="assistant"):
    llm = ScriptedLLM(replies)
    return llm.register(autogen.AssistantAgent(name, llm_config=llm.llm_config))


def is_term(message):
    return "TERMINATE" in (message.get("content") or "")


def test_a_queue_timeout_is_its_own_event_and_stop_reason():
    async def chat():
        human = QueueHuman(timeout=0.2)
        proxy = QueueHumanProxy("user", human, human_input_mode="ALWAYS", code_execution_config=False)
        return await while_answering(a_record_chat(proxy, assistant(["Deploying now."]), "Deploy.", quiet=True))

    run = run_async(chat())
    assert run.stop_reason == "human_timeout"
    assert run.trace.human_replies == [], "nobody typed 'exit': the default must not be credited to the human"
    kinds = [e.kind for e in run.trace][-3:]
    assert kinds == ["human_prompt", "human_timeout", "stop"]
    (timeout,) = run.trace.of_kind("human_timeout")
    assert (timeout.agent, timeout.content, timeout.detail) == ("user", "exit", "no answer within 0.2s")
    assert "'exit'" in run.trace.stop.detail and "nobody answered user" in run.trace.stop.detail
    text = run.trace.timeline()
    assert "⧗  nobody answered user (no answer within 0.2s): it applied the default 'exit'" in text
    assert "↵" not in text and "human_exit" not in text


def test_a_timeout_default_that_is_a_denial_is_sent_as_an_auto_reply_not_as_the_human():
    async def chat():
        human = QueueHuman(timeout=0.2)
        proxy = QueueHumanProxy(
            "user", human, human_input_mode="ALWAYS", code_execution_config=False, on_timeout="Denied: nobody approved."
        )
        return await while_answering(
            a_record_chat(proxy, assistant(["Deploying now.", "OK, stopping."]), "Deploy.", quiet=True, max_turns=2)
        )

    run = run_async(chat())
    denial = [m for m in run.trace.messages if m.content == "Denied: nobody approved."]
    assert [m.source for m in denial] == ["auto_reply"]
    assert any(e.kind == "auto_reply" and e.detail == "applied its timeout default" for e in run.trace)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    return tmp_path


def risk_proxy(workdir, **kwargs):
    return RiskGatedProxy(
        "operator",
        is_termination_msg=is_term,
        code_execution_config={"work_dir": str(workdir), "use_docker": False},
        **kwargs,
    )


def test_a_risk_gate_timeout_denies_and_the_stop_says_nobody_answered(workdir):
    model = assistant(["```sh\nrm -rf data\n```", "Please. ```sh\nrm -rf data\n```"])
    proxy = risk_proxy(workdir, timeout=0.2, max_denials=2)
    with SlowHuman(["approve", "approve"], delay=0.6):
        run = record_chat(proxy, model, "Make room.", quiet=True)
    assert run.stop_reason == "human_timeout"
    assert [e.content for e in run.trace.of_kind("human_timeout")] == ["deny", "deny"]
    assert run.trace.human_replies == [], "the late 'approve' answers are not the human's replies in the chat"
    assert (workdir / "data").is_dir()
    decisions = [(e.content, e.detail) for e in run.trace.of_kind("decision")]
    assert decisions[:2] == [("timed-out", "risk high: not run")] * 2


def test_the_output_of_approved_code_is_a_code_result_not_a_human_message(workdir):
    model = assistant(["```sh\nrm -rf data\n```", "Done. TERMINATE"])
    proxy = risk_proxy(workdir)
    with ScriptedHuman(["approve"], echo=False):
        run = record_chat(proxy, model, "Clean up.", quiet=True)
    (result,) = [m for m in run.trace.messages if m.content.startswith("exitcode")]
    assert result.source == "code_result"
    assert [(e.content, e.detail) for e in run.trace.of_kind("decision")] == [("approved", "risk high: runs")]


def test_a_low_risk_action_shows_that_the_gate_decided_without_asking(workdir):
    model = assistant(["```sh\nls data\n```", "Empty. TERMINATE"])
    with ScriptedHuman([], echo=False):
        run = record_chat(risk_proxy(workdir), model, "Look.", quiet=True)
    assert run.trace.human_prompts == []
    assert [e.content for e in run.trace.of_kind("decision")] == ["auto-approved"]
    assert "◆  operator decides: auto-approved — risk low: runs" in run.trace.timeline()


@pytest.mark.parametrize(
    "answer,decision,did",
    [
        ("APPROVE", "approved", "sent"),
        ("REJECT: wrong audience", "rejected", "rejected: wrong audience"),
        ("", "rejected", "empty reply: nothing sent"),
    ],
)
def test_a_draft_gate_that_decided_ends_with_a_stop_line_saying_what(workdir, answer, decision, did):
    gate = DraftApprovalGate("outbox", to="team@example.com", message_id="launch")
    with ScriptedHuman([answer], echo=False):
        run = record_chat(gate.reviewer(), assistant(["Subject: Hi\n\nHello."], "drafter"), "Draft.", quiet=True)
    assert run.stop_reason == "gate_decision"
    assert run.trace.stop.detail.startswith(f"reviewer's gate decided: {decision} — {did}")
    assert "no_reply" not in run.trace.timeline() and "produced no reply" not in run.trace.timeline()


def test_a_draft_gate_timeout_is_a_human_timeout(workdir):
    gate = DraftApprovalGate("outbox", to="team@example.com", timeout=0.2)
    with SlowHuman(["APPROVE"], delay=0.6):
        run = record_chat(gate.reviewer(), assistant(["Subject: Hi\n\nHello."], "drafter"), "Draft.", quiet=True)
    assert run.stop_reason == "human_timeout" and gate.result.status == "timed-out"
    assert run.trace.human_replies == []


def test_one_legend_names_every_mark_of_the_text_timeline():
    text = legend_text()
    for symbol, meaning in LEGEND:
        assert f"{symbol:>3}  {meaning}" in text
    for source in ("task", "llm", "human", "auto_reply", "code_result", "tool_result"):
        assert f"    {source:<11} " in text


def test_a_code_gate_rejection_says_the_code_was_not_run(workdir):
    from hitl_modes import make_executor

    with make_executor("local", workdir / "work", timeout=10, require_approval=True) as executor:
        proxy = autogen.UserProxyAgent(
            "user_proxy",
            human_input_mode="NEVER",
            is_termination_msg=is_term,
            code_execution_config={"executor": executor},
        )
        model = assistant(["```python\nprint('hi')\n```", "OK. TERMINATE"])
        with ScriptedHuman(["No: not now."], echo=False):
            run = record_chat(proxy, model, "Say hi.", quiet=True)
    assert [(e.content, e.detail) for e in run.trace.of_kind("decision")] == [("feedback", "not run")]
    (result,) = [m for m in run.trace.messages if "NOT RUN" in m.content]
    assert result.source == "code_result"
    assert "sent the gate's result: the code was not run" in run.trace.timeline()
