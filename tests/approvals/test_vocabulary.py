"""Every gate x every reply: what each one decides, checked against the table in the vocabulary
module's docstring (so the table a reader sees is the behaviour), against AutoGen's own reply
check for its column, and against the real gates that import the parsers."""

from __future__ import annotations

import re

import autogen
import pytest
from autogen.coding.base import CodeBlock

from hitl_modes import ScriptedHuman
from hitl_modes.approvals import vocabulary
from hitl_modes.approvals.code_gate import ApprovalGate
from hitl_modes.approvals.vocabulary import (
    DECISIONS,
    NO_HUMAN,
    autogen_reply_decision,
    parse_code_reply,
    parse_review,
    parse_risk_reply,
    reply_decision,
)
from hitl_modes.sandbox.executors import LocalExecutor

#: The docstring's row labels -> the reply a gate's parser reads.
REPLIES = {
    'Enter ("")': "",
    "``approve``": "approve",
    "``APPROVE``": "APPROVE",
    "``yes``": "yes",
    "``exit``": "exit",
    "``REJECT``": "REJECT",
    "``REVISE ...``": "REVISE shorter, please",
    "other text": "Make it friendlier.",
    "a timeout (None)": None,
    "no human": NO_HUMAN,
}

GATES = {
    "draft gate": lambda r: parse_review(r).decision,
    "risk gate": lambda r: parse_risk_reply(r, timeout=5).decision,
    "code gate": lambda r: parse_code_reply(r).decision,
    "queue / inbox": reply_decision,
}


def docstring_table():
    """{(reply label, gate): decision} from the module docstring's table, footnote marks removed."""
    lines = vocabulary.__doc__.splitlines()
    rules = [i for i, line in enumerate(lines) if re.fullmatch(r"=+( +=+)+", line)]
    assert len(rules) == 3, "the docstring holds one reStructuredText table"
    columns = [(m.start(), m.end()) for m in re.finditer(r"=+", lines[rules[0]])]

    def cells(line):
        return [line[a : b if i < len(columns) - 1 else None].strip() for i, (a, b) in enumerate(columns)]

    headers = [" ".join(parts).strip() for parts in zip(*(cells(line) for line in lines[rules[0] + 1 : rules[1]]))]
    table = {}
    for line in lines[rules[1] + 1 : rules[2]]:
        row = cells(line)
        for header, cell in zip(headers[1:], row[1:]):
            table[row[0], header] = re.sub(r"\s*\[\d\]$", "", cell)
    return headers, table


def test_the_table_has_every_gate_and_every_reply():
    headers, table = docstring_table()
    assert headers[0] == "reply"
    assert [h.split(" (")[0] for h in headers[1:]] == ["AutoGen ALWAYS/TERM.", *GATES]
    assert {label for label, _ in table} == set(REPLIES)


CASES = [(label, gate) for label in REPLIES for gate in GATES]


@pytest.mark.parametrize("label,gate", CASES, ids=[f"{g}-{r}" for r, g in CASES])
def test_each_gate_decides_what_the_table_says(label, gate):
    _, table = docstring_table()
    column = next(header for _, header in table if header.split(" (")[0] == gate)
    decided = GATES[gate](REPLIES[label])
    assert decided in DECISIONS
    assert decided == table[label, column], f"{gate} reads {REPLIES[label]!r} as {decided!r}"


def test_nothing_but_a_deliberate_word_or_enter_approves_anywhere():
    for gate, parse in GATES.items():
        approving = {label for label, reply in REPLIES.items() if parse(reply) == "approved"}
        assert approving <= {'Enter ("")', "``approve``", "``APPROVE``", "``yes``"}, gate
        assert parse(None) != "approved" and parse(NO_HUMAN) != "approved", gate


# -- AutoGen's own column, checked against AutoGen's real reply function ------------------------
def autogen_check(reply, *, termination):
    proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="ALWAYS",
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        code_execution_config=False,
    )
    sender = autogen.ConversableAgent("assistant", llm_config=False)
    message = {"role": "user", "content": "Done. TERMINATE" if termination else "Here is a draft."}
    with ScriptedHuman([reply], echo=False):
        final, answer = proxy.check_termination_and_human_reply([message], sender)
    if not final:
        return "approved"  # AutoGen goes on to the auto-reply
    return "exit" if answer is None else "feedback"


@pytest.mark.parametrize("reply", [r for r in REPLIES.values() if isinstance(r, str)])
@pytest.mark.parametrize("termination", [False, True])
def test_autogen_reference_matches_autogen(reply, termination):
    assert autogen_reply_decision(reply, termination=termination) == autogen_check(reply, termination=termination)


def test_the_autogen_column_is_autogen_on_an_ordinary_message():
    _, table = docstring_table()
    for label, reply in REPLIES.items():
        if isinstance(reply, str):
            decided = autogen_check(reply, termination=False)
            assert table[label, "AutoGen ALWAYS/TERM."] == ("auto-reply" if decided == "approved" else decided), label


# -- the real code gate reads its replies through the parser ------------------------------------
@pytest.mark.parametrize("label", [label for label, reply in REPLIES.items() if isinstance(reply, str)])
def test_the_real_code_gate_runs_only_what_its_parser_approves(label, tmp_path):
    reply = REPLIES[label]
    gate = ApprovalGate(LocalExecutor(work_dir=tmp_path, timeout=30))
    block = CodeBlock(code="open('ran.txt', 'w').write('x')", language="python")
    with ScriptedHuman([reply], echo=False):
        result = gate.execute_code_blocks([block])
    expected = parse_code_reply(reply).decision
    assert gate.decisions[-1].decision == expected and gate.decisions[-1].response == reply
    assert (tmp_path / "ran.txt").exists() is (expected == "approved")
    assert (result.exit_code == 0) is (expected == "approved")
    assert ("The human said" in result.output) is (expected == "feedback")


def test_a_decision_must_use_the_audit_logs_words():
    with pytest.raises(ValueError, match="unknown decision 'ok'; use one of approved, rejected"):
        vocabulary.Decision("ok")


# -- one DECISIONS set, one Decision family ------------------------------------------------------
def test_every_gates_decisions_are_the_audit_logs_words():
    for subset in (
        vocabulary.REVIEW_DECISIONS,
        vocabulary.RISK_GATE_DECISIONS,
        vocabulary.CODE_GATE_DECISIONS,
        vocabulary.REPLY_DECISIONS,
        vocabulary.INBOX_DECISIONS,
    ):
        assert set(subset) <= set(DECISIONS)
    replies = list(REPLIES.values()) + ["no", "y", "  APPROVE.  ", "reject: wrong list", "REVISE"]
    assert {parse_review(r).decision for r in replies} == set(vocabulary.REVIEW_DECISIONS)
    assert {parse_code_reply(r).decision for r in replies} == set(vocabulary.CODE_GATE_DECISIONS)
    assert {reply_decision(r) for r in replies} == set(vocabulary.REPLY_DECISIONS)
    risk = {parse_risk_reply(r).decision for r in replies} | {"auto-approved"}  # the policy's own word
    assert risk == set(vocabulary.RISK_GATE_DECISIONS)


def test_every_gates_record_is_a_decision():
    from hitl_modes.approvals.code_gate import ApprovalDecision
    from hitl_modes.approvals.risk_gate import RiskDecision
    from hitl_modes.inbox.human import InboxDecision

    for record in (vocabulary.ReviewDecision, RiskDecision, ApprovalDecision, InboxDecision):
        assert issubclass(record, vocabulary.Decision)
    inbox = InboxDecision("exit", "exit", "Stop?", prompt_id="p1", agent="user_proxy")
    assert (inbox.decision, inbox.response, inbox.prompt, inbox.approved) == ("exit", "exit", "Stop?", False)
    with pytest.raises(ValueError, match="InboxDecision: unknown decision 'stop'"):
        InboxDecision("stop", "exit", "Stop?", prompt_id="p1", agent="user_proxy")


def test_the_inbox_database_accepts_exactly_the_inbox_decisions(tmp_path):
    import sqlite3

    from hitl_modes.inbox.store import InboxStore

    InboxStore(tmp_path / "inbox.db").close()
    with sqlite3.connect(tmp_path / "inbox.db") as db:
        (schema,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'prompts'").fetchone()
    check = re.search(r"decision IN \(([^)]*)\)", schema)
    assert check and tuple(w.strip(" '") for w in check.group(1).split(",")) == vocabulary.INBOX_DECISIONS
