"""The approval gate sends an email only after APPROVE, exactly once, and never on REJECT, exit,
Enter, a timeout or no human; it returns the approved draft, and records each decision first."""

from __future__ import annotations

import threading
import time
from email import message_from_bytes
from pathlib import Path

import autogen
import pytest

from hitl_modes import (
    DraftApprovalGate,
    Outbox,
    ScriptedHuman,
    ScriptedLLM,
    SlowHuman,
    parse_review,
    read_audit_log,
    request_approval,
)
from hitl_modes.approvals.draft_gate import split_subject
from hitl_modes.approvals.vocabulary import ReviewDecision
from hitl_modes.errors import AlreadySentError, NoHumanAvailableError
from tests.support.lessons_cli import run_lesson_cli

TO = "team@example.com"
DRAFT_1 = "Subject: Launch\n\nWe launch on Monday."
DRAFT_2 = "Subject: Launch (corrected)\n\nWe launch on Tuesday."
TASK = "Draft the launch email."


def drafter(replies):
    llm = ScriptedLLM(replies)
    return llm.register(autogen.AssistantAgent("drafter", llm_config=llm.llm_config)), llm


def review(human_replies, drafts, **gate_kwargs):
    """Run one review on AutoGen's real agents; return the gate, the model and the human."""
    agent, llm = drafter(drafts)
    gate = DraftApprovalGate("outbox", to=TO, **gate_kwargs)
    with ScriptedHuman(human_replies, echo=False) as human:
        gate.reviewer().initiate_chat(agent, message=TASK, silent=True)
    return gate, llm, human


def sent_files():
    return sorted(Path("outbox").glob("*.eml")) if Path("outbox").exists() else []


# -- reading the reviewer ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "reply,decision,feedback",
    [
        ("APPROVE", "approved", ""),
        ("approve", "approved", ""),
        ("Approved!", "approved", ""),
        ("  APPROVE.  ", "approved", ""),
        ("approve?", "feedback", "approve?"),
        ("don't approve", "feedback", "don't approve"),
        ("APPROVE but fix the date", "feedback", "APPROVE but fix the date"),
        ("REVISE: shorter", "feedback", "shorter"),
        ("revise - friendlier tone", "feedback", "friendlier tone"),
        ("REVISE", "feedback", "Please revise the draft."),
        ("Make it shorter.", "feedback", "Make it shorter."),
        ("REJECT", "rejected", ""),
        ("reject: wrong list", "rejected", ""),
        ("exit", "exit", ""),
        (" EXIT ", "exit", ""),
        ("", "rejected", ""),
        ("   ", "rejected", ""),
        (None, "timed-out", ""),
    ],
)
def test_parse_review(reply, decision, feedback):
    result = parse_review(reply)
    assert result.decision == decision and result.feedback == feedback and result.response == reply


def test_split_subject():
    assert split_subject(DRAFT_1) == ("Launch", "We launch on Monday.")
    assert split_subject("Just a body.") == (None, "Just a body.")
    assert split_subject("subject:  Hi  ") == ("Hi", "")


# -- send only after approval ------------------------------------------------------------------
def test_approve_sends_exactly_the_draft_shown_once_and_returns_it():
    gate, llm, human = review(["APPROVE"], [DRAFT_1], message_id="m1")
    assert gate.result.status == "sent" and gate.result.sent
    assert gate.result.draft == DRAFT_1
    assert sent_files() == [Path("outbox/m1.eml")] == [gate.result.sent_path]
    email = message_from_bytes(Path("outbox/m1.eml").read_bytes())
    assert email["To"] == TO and email["Subject"] == "Launch" and email["Message-ID"] == "<m1@hitl-modes.outbox>"
    assert email.get_payload().strip() == "We launch on Monday."
    assert DRAFT_1 in human.prompts[0]  # the human saw what was sent
    assert llm.call_count == 1


def test_revise_then_approve_sends_the_revision_only():
    gate, llm, human = review(["REVISE: it is Tuesday", "APPROVE"], [DRAFT_1, DRAFT_2])
    assert [r.decision for r in gate.result.reviews] == ["feedback", "approved"]
    assert "it is Tuesday" in llm.calls[-1].last_content  # the drafter got the feedback
    assert gate.result.draft == DRAFT_2
    (path,) = sent_files()
    assert "Tuesday" in path.read_text() and "Monday" not in path.read_text()


def test_free_text_is_feedback_and_nothing_is_sent_until_approve():
    gate, llm, _ = review(["Shorter please", "And friendlier", "APPROVE"], [DRAFT_1, DRAFT_1, DRAFT_2])
    assert [r.decision for r in gate.result.reviews] == ["feedback", "feedback", "approved"]
    assert len(sent_files()) == 1 and gate.result.rounds == 3


@pytest.mark.parametrize(
    "answers,status",
    [
        (["REJECT: wrong audience"], "rejected"),
        (["exit"], "exit"),
        ([""], "rejected"),
        (["REVISE: shorter", "REJECT"], "rejected"),
        (["REVISE: shorter", "exit"], "exit"),
    ],
)
def test_nothing_is_sent_without_approval(answers, status):
    gate, _, _ = review(answers, [DRAFT_1, DRAFT_2][: len(answers)])
    assert gate.result.status == status and gate.result.draft is None and gate.result.sent_path is None
    assert sent_files() == []


def test_a_timeout_sends_nothing_even_when_approval_comes_late():
    agent, _ = drafter([DRAFT_1])
    gate = DraftApprovalGate("outbox", to=TO, timeout=0.2)
    slow = SlowHuman(["APPROVE"], delay=1.0)
    with slow:
        gate.reviewer().initiate_chat(agent, message=TASK, silent=True)
        deadline_status = gate.result.status
        time.sleep(1.2)
    assert deadline_status == "timed-out"
    assert slow.replies == ["APPROVE"]  # it did arrive...
    assert gate.result.status == "timed-out" and sent_files() == []  # ...and changed nothing


class _NobodyThere:
    def print(self, *objects, sep=" ", end="\n", flush=False):
        pass

    def input(self, prompt="", *, password=False):
        raise NoHumanAvailableError("no terminal")


def test_no_human_sends_nothing():
    agent, _ = drafter([DRAFT_1])
    gate = DraftApprovalGate("outbox", to=TO, audit_log="audit.jsonl")
    with autogen.io.IOStream.set_default(_NobodyThere()):
        gate.reviewer().initiate_chat(agent, message=TASK, silent=True)
    assert gate.result.status == "rejected" and sent_files() == []
    (record,) = read_audit_log("audit.jsonl")
    assert record["decision"] == "rejected" and record["response"] is None and "no human" in record["note"]


def test_an_empty_draft_goes_back_to_the_drafter_without_asking():
    gate, llm, human = review(["APPROVE"], ["", DRAFT_1])
    assert len(human.prompts) == 1 and gate.result.draft == DRAFT_1
    assert "no email text" in llm.calls[-1].last_content


# -- exactly once ------------------------------------------------------------------------------
def test_a_decided_gate_never_asks_or_sends_again():
    agent, _ = drafter([DRAFT_1])
    gate = DraftApprovalGate("outbox", to=TO)
    reviewer = gate.reviewer()
    with ScriptedHuman(["APPROVE"], echo=False) as human:
        reviewer.initiate_chat(agent, message=TASK, silent=True)
        again = reviewer.generate_reply(messages=[{"role": "user", "content": DRAFT_2}], sender=agent)
    assert again is None and len(human.prompts) == 1 and len(sent_files()) == 1


def test_the_outbox_refuses_a_second_send_of_the_same_message():
    outbox = Outbox("outbox")
    outbox.send(message_id="m", to=TO, subject="s", body="b", sender="me@x.io")
    with pytest.raises(AlreadySentError, match="already sent"):
        Outbox("outbox").send(message_id="m", to=TO, subject="s2", body="b2", sender="me@x.io")
    assert len(outbox.sent()) == 1 and "b2" not in Path("outbox/m.eml").read_text()
    assert not list(Path("outbox").glob(".*.tmp"))  # no temp files left behind


def test_two_gates_with_one_message_id_send_once():
    review(["APPROVE"], [DRAFT_1], message_id="same")
    with pytest.raises(AlreadySentError):
        review(["APPROVE"], [DRAFT_2], message_id="same")
    assert sent_files() == [Path("outbox/same.eml")] and "Monday" in Path("outbox/same.eml").read_text()


def test_concurrent_approvals_send_once():
    gate = DraftApprovalGate("outbox", to=TO)
    reviewer = autogen.UserProxyAgent("reviewer", human_input_mode="NEVER", code_execution_config=False)
    barrier = threading.Barrier(8)
    outcomes = []

    def approve():
        barrier.wait()
        outcomes.append(gate._act(reviewer, ReviewDecision("approved", "APPROVE"), "prompt", DRAFT_1))

    threads = [threading.Thread(target=approve) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent_files()) == 1 and gate.result.status == "sent" and len(gate.result.reviews) == 1
    assert outcomes == [(True, None)] * 8


def test_concurrent_outbox_sends_of_one_id_send_once():
    barrier = threading.Barrier(8)
    results = []

    def send(n):
        barrier.wait()
        try:
            Outbox("outbox").send(message_id="race", to=TO, subject="s", body=f"copy {n}", sender="me@x.io")
            results.append("sent")
        except AlreadySentError:
            results.append("refused")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["refused"] * 7 + ["sent"] and len(sent_files()) == 1


# -- the audit log -----------------------------------------------------------------------------
def test_each_decision_is_recorded_before_the_gate_acts(monkeypatch):
    seen_at_send = []
    real_send = Outbox.send

    def spy(self, **kwargs):
        seen_at_send.append([r["decision"] for r in read_audit_log("audit.jsonl")])
        return real_send(self, **kwargs)

    monkeypatch.setattr(Outbox, "send", spy)
    gate, _, _ = review(["REVISE: Tuesday", "APPROVE"], [DRAFT_1, DRAFT_2], audit_log="audit.jsonl", message_id="m9")
    assert seen_at_send == [["feedback", "approved"]]  # the approval was on disk before the send
    records = read_audit_log("audit.jsonl")
    assert [r["response"] for r in records] == ["REVISE: Tuesday", "APPROVE"]
    assert all(r["agent"] == "reviewer" and r["message_id"] == "m9" for r in records)
    assert DRAFT_2 in records[1]["prompt"]


def test_a_failed_send_is_not_reported_as_sent(monkeypatch):
    def broken(self, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Outbox, "send", broken)
    with pytest.raises(OSError, match="disk full"):
        review(["APPROVE"], [DRAFT_1])


# -- bad input ---------------------------------------------------------------------------------
def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match="email address"):
        DraftApprovalGate("outbox", to="nobody")
    with pytest.raises(ValueError, match="message id"):
        DraftApprovalGate("outbox", to=TO, message_id="../escape")
    Path("afile").write_text("x")
    with pytest.raises(NotADirectoryError):
        Outbox("afile")
    for bad in (-1, 0, "10", True):
        with pytest.raises(ValueError, match="timeout must be a positive number"):
            DraftApprovalGate("outbox", to=TO, timeout=bad)


def test_request_approval_returns_the_approved_draft():
    agent, _ = drafter([DRAFT_1, DRAFT_2])
    with ScriptedHuman(["REVISE: Tuesday", "APPROVE"], echo=False):
        result = request_approval(agent, TASK, to=TO, outbox="outbox", audit_log="audit.jsonl")
    assert result.draft == DRAFT_2 and result.sent and len(read_audit_log("audit.jsonl")) == 2


def test_the_lesson_cli_passes_the_audit_log_through(tmp_path):
    audit = tmp_path / "lesson7.jsonl"
    proc = run_lesson_cli(9, ["--audit-log", str(audit), "--quiet"], tmp_path)
    assert f"audit log: {audit}" in proc.stdout
    assert [r["decision"] for r in read_audit_log(audit)] == [
        "feedback",
        "approved",
        "rejected",
        "exit",
        "rejected",
        "timed-out",
    ]
