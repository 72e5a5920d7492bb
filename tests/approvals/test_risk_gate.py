"""RiskGatedProxy: low-risk actions run without asking and are recorded as auto-approved; high-risk
ones ask the human through get_human_input; Enter, a timeout or no human deny; every decision is on
disk before the action runs."""

from __future__ import annotations

import time

import autogen
import pytest

from hitl_modes import (
    RiskGatedProxy,
    RiskPolicy,
    Rule,
    ScriptedHuman,
    ScriptedLLM,
    SlowHuman,
    read_audit_log,
    tool_call,
)
from hitl_modes.approvals.risk_gate import denial_reply
from hitl_modes.errors import NoHumanAvailableError


def is_term(message):
    return "TERMINATE" in (message.get("content") or "")


def setup_chat(replies, tmp_path, **proxy_kwargs):
    llm = ScriptedLLM(replies)
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy = RiskGatedProxy(
        "operator",
        is_termination_msg=is_term,
        audit_log=tmp_path / "audit.jsonl",
        code_execution_config={"work_dir": str(tmp_path), "use_docker": False},
        **proxy_kwargs,
    )
    return assistant, llm, proxy


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "a.o").write_text("x")
    return tmp_path


def test_low_risk_runs_without_asking_and_is_recorded_first(workdir):
    # The code itself counts the audit lines when it runs: the decision must already be there.
    assistant, llm, proxy = setup_chat(
        ["```sh\nwc -l < audit.jsonl > seen.txt\nls build\n```", "ok TERMINATE"], workdir
    )
    with ScriptedHuman([], echo=False) as human:
        proxy.initiate_chat(assistant, message="look", silent=True)
    assert human.prompts == []
    assert (workdir / "seen.txt").read_text().strip() == "1"
    (record,) = read_audit_log(workdir / "audit.jsonl")
    assert record["decision"] == "auto-approved" and record["risk"] == "low" and record["reasons"]
    assert record["response"] is None and "ls build" in record["prompt"]


@pytest.mark.parametrize(
    "answer,decision,runs",
    [
        ("approve", "approved", True),
        ("Yes", "approved", True),
        ("y", "approved", True),
        ("APPROVED.", "approved", True),
        ("", "rejected", False),
        ("no", "rejected", False),
        ("deny", "rejected", False),
        ("use rm -i instead", "feedback", False),
    ],
)
def test_high_risk_asks_and_only_an_approval_runs_it(workdir, answer, decision, runs):
    assistant, llm, proxy = setup_chat(["```sh\nrm -rf build\n```", "ok TERMINATE"], workdir)
    with ScriptedHuman([answer], echo=False) as human:
        proxy.initiate_chat(assistant, message="clean", silent=True)
    assert len(human.prompts) == 1 and "rm -rf build" in human.prompts[0] and "deletes files" in human.prompts[0]
    assert [d.decision for d in proxy.gate_decisions] == [decision]
    assert (workdir / "build").exists() is not runs
    (record,) = read_audit_log(workdir / "audit.jsonl")
    assert record["decision"] == decision and record["risk"] == "high" and record["response"] == answer
    if not runs:
        sent = llm.calls[-1].last_content
        assert ("DENIED" in sent) if decision == "rejected" else (sent == answer)


def test_exit_stops_the_chat(workdir):
    assistant, llm, proxy = setup_chat(["```sh\nrm -rf build\n```"], workdir)
    with ScriptedHuman(["exit"], echo=False):
        proxy.initiate_chat(assistant, message="clean", silent=True)
    assert llm.call_count == 1 and (workdir / "build").exists()
    assert read_audit_log(workdir / "audit.jsonl")[0]["decision"] == "exit"


def test_no_answer_in_time_denies(workdir):
    assistant, llm, proxy = setup_chat(["```sh\nrm -rf build\n```", "ok TERMINATE"], workdir, timeout=0.2)
    with SlowHuman(["approve"], delay=0.8) as slow:
        proxy.initiate_chat(assistant, message="clean", silent=True)
        time.sleep(0.9)
    assert slow.replies == ["approve"]  # it came, too late
    assert (workdir / "build").exists()
    (record,) = read_audit_log(workdir / "audit.jsonl")
    assert record["decision"] == "timed-out" and record["response"] is None and "denied by default" in record["note"]
    assert "DENIED" in llm.calls[-1].last_content


class _NobodyThere:
    def print(self, *objects, sep=" ", end="\n", flush=False):
        pass

    def input(self, prompt="", *, password=False):
        raise NoHumanAvailableError("stdin is not interactive")


def test_no_human_denies(workdir):
    assistant, llm, proxy = setup_chat(["```sh\nrm -rf build\n```", "ok TERMINATE"], workdir)
    with autogen.io.IOStream.set_default(_NobodyThere()):
        proxy.initiate_chat(assistant, message="clean", silent=True)
    assert (workdir / "build").exists()
    (record,) = read_audit_log(workdir / "audit.jsonl")
    assert record["decision"] == "rejected" and "no human" in record["note"]


def test_repeated_denials_stop_the_chat(workdir):
    assistant, llm, proxy = setup_chat(["```sh\nrm -rf build\n```"] * 5, workdir, max_denials=2)
    with ScriptedHuman(["", "no"], echo=False):
        proxy.initiate_chat(assistant, message="clean", silent=True)
    assert llm.call_count == 2 and [d.decision for d in proxy.gate_decisions] == ["rejected", "rejected"]


def test_feedback_and_approval_reset_the_denial_count(workdir):
    assistant, llm, proxy = setup_chat(["```sh\nrm -rf build/x\n```"] * 4 + ["ok TERMINATE"], workdir, max_denials=2)
    with ScriptedHuman(["no", "try something else", "no", "approve"], echo=False):
        proxy.initiate_chat(assistant, message="clean", silent=True)
    assert [d.decision for d in proxy.gate_decisions] == ["rejected", "feedback", "rejected", "approved"]


def test_plain_messages_are_not_actions(workdir):
    assistant, llm, proxy = setup_chat(["I will delete the build folder next.", "ok TERMINATE"], workdir)
    with ScriptedHuman([], echo=False):
        proxy.initiate_chat(assistant, message="plan", silent=True, max_turns=1)
    assert proxy.gate_decisions == [] and not (workdir / "audit.jsonl").read_text()


def test_code_is_not_an_action_when_execution_is_off(tmp_path):
    llm = ScriptedLLM(["```sh\nrm -rf /\n```"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy = RiskGatedProxy("operator", code_execution_config=False, max_consecutive_auto_reply=0)
    with ScriptedHuman([], echo=False):
        proxy.initiate_chat(assistant, message="x", silent=True)
    assert proxy.gate_decisions == []


def _email_tool_chat(answer):
    """The assistant calls a send_email tool; the human answers ``answer``. Returns (llm, emails sent)."""
    sent = []

    def send_email(to: str, body: str) -> str:
        """Send an email."""
        sent.append(to)
        return "sent"

    llm = ScriptedLLM([tool_call("send_email", to="all@example.com", body="hi"), "ok TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy = RiskGatedProxy("operator", is_termination_msg=is_term, code_execution_config=False)
    autogen.register_function(send_email, caller=assistant, executor=proxy, description="Send an email.")
    llm.register(assistant)
    with ScriptedHuman([answer], echo=False):
        proxy.initiate_chat(assistant, message="tell everyone", silent=True)
    return llm, sent


def test_a_denied_tool_call_never_runs_and_gets_a_tool_result():
    llm, sent = _email_tool_chat("no")
    assert sent == []
    tool_results = [m for m in llm.calls[-1].messages if m.get("role") == "tool"]
    assert len(tool_results) == 1 and "DENIED" in tool_results[0]["content"]


def test_an_approved_tool_call_runs():
    llm, sent = _email_tool_chat("approve")
    assert sent == ["all@example.com"]


def test_denial_reply_shapes():
    assert denial_reply({"content": "x"}, "no") == "no"
    reply = denial_reply({"tool_calls": [{"id": "a"}, {"id": "b"}]}, "no")
    assert [r["tool_call_id"] for r in reply["tool_responses"]] == ["a", "b"] and reply["content"] == "no"
    assert denial_reply({"function_call": {"name": "f"}}, "no") == {"role": "function", "name": "f", "content": "no"}


def test_a_custom_policy_decides(workdir):
    strict = RiskPolicy(extra_rules=[Rule("custom", r"\bls\b", "even listing needs approval", "code")])
    assistant, llm, proxy = setup_chat(["```sh\nls\n```", "ok TERMINATE"], workdir, policy=strict)
    with ScriptedHuman(["approve"], echo=False) as human:
        proxy.initiate_chat(assistant, message="look", silent=True)
    assert len(human.prompts) == 1 and "even listing needs approval" in human.prompts[0]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="max_denials"):
        RiskGatedProxy("op", max_denials=0, code_execution_config=False)
    with pytest.raises(ValueError, match="timeout"):
        RiskGatedProxy("op", timeout=0, code_execution_config=False)
    with pytest.raises(TypeError, match="audit_log"):
        RiskGatedProxy("op", audit_log=3, code_execution_config=False)  # type: ignore[arg-type]


def test_the_gate_is_the_only_one_asking_by_default():
    assert RiskGatedProxy("op", code_execution_config=False).human_input_mode == "NEVER"
