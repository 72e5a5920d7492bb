"""AuditLog: one durable JSON line per decision, a strict reader, a summary, and proof that a
SIGKILL loses nothing that was acted on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hitl_modes import AuditLog, RiskPolicy, read_audit_log, summarize_audit_log
from hitl_modes.approvals.audit import open_audit_log, set_aside_torn_tail
from hitl_modes.approvals.vocabulary import DECISIONS
from hitl_modes.errors import AuditLogError, CorruptAuditLogError, TornAuditLogError, TornAuditLogWarning
from tests.support.lessons_cli import run_lesson_cli

REPO = Path(__file__).resolve().parents[2]


def test_one_line_per_decision_with_the_documented_fields(tmp_path):
    path = tmp_path / "logs" / "audit.jsonl"
    with AuditLog(path) as log:
        first = log.record(agent="reviewer", prompt="Send it?", response="APPROVE", decision="approved")
        second = log.record(
            agent="operator",
            prompt="rm -rf build",
            response=None,
            decision="timed-out",
            risk="high",
            reasons=["deletes files"],
            note="no answer: denied",
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and log.written == 2
    assert json.loads(lines[0]) == first and json.loads(lines[1]) == second
    assert set(first) == {"timestamp", "agent", "decision", "prompt", "response"}
    assert second["risk"] == "high" and second["reasons"] == ["deletes files"] and second["response"] is None
    stamp = datetime.fromisoformat(first["timestamp"])
    assert stamp.utcoffset().total_seconds() == 0
    assert abs((datetime.now(timezone.utc) - stamp).total_seconds()) < 60
    assert read_audit_log(path) == [first, second]


def test_every_decision_kind_is_accepted():
    with AuditLog("a.jsonl") as log:
        for decision in DECISIONS:
            log.record(agent="a", prompt="p", response="r", decision=decision)
    assert [r["decision"] for r in read_audit_log("a.jsonl")] == list(DECISIONS)


def test_a_risk_assessment_can_be_passed_whole():
    assessment = RiskPolicy().assess("```bash\nrm -rf build\n```")
    with AuditLog("a.jsonl") as log:
        entry = log.record(agent="op", prompt="run?", response="approve", decision="approved", risk=assessment)
    assert entry["risk"] == "high" and entry["reasons"] == assessment.reasons


def test_unicode_and_newlines_stay_on_one_line():
    with AuditLog("a.jsonl") as log:
        log.record(agent="a", prompt="line 1\nline 2 — ünïcödé", response="ok\n", decision="feedback")
    raw = Path("a.jsonl").read_text(encoding="utf-8")
    assert raw.count("\n") == 1 and "ünïcödé" in raw
    assert read_audit_log("a.jsonl")[0]["prompt"] == "line 1\nline 2 — ünïcödé"


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(decision="maybe"), "unknown decision 'maybe'; use one of approved, rejected"),
        (dict(agent=""), "agent must name"),
        (dict(agent=None), "agent must be a str"),
        (dict(prompt=3), "prompt must be a str"),
        (dict(response=["x"]), "response must be a str or None"),
        (dict(risk="medium"), "risk must be 'low', 'high' or None"),
        (dict(reasons=["x"]), "reasons were given without a risk level"),
        (dict(risk="high", reasons="deletes files"), "reasons must be a list of str"),
        (dict(extra={"decision": "approved"}), "would overwrite a standard field"),
        (dict(extra={"when": object()}), "not JSON-serialisable"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, match):
    args = dict(agent="a", prompt="p", response="r", decision="approved")
    args.update(kwargs)
    with AuditLog("a.jsonl") as log:
        with pytest.raises(AuditLogError, match=match):
            log.record(**args)
    assert Path("a.jsonl").read_text() == ""  # nothing half-written


def test_extra_fields_are_kept():
    with AuditLog("a.jsonl") as log:
        log.record(agent="a", prompt="p", response="r", decision="approved", extra={"message_id": "m1"})
    assert read_audit_log("a.jsonl")[0]["message_id"] == "m1"


def test_each_record_is_fsynced_before_record_returns(monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    log = AuditLog("a.jsonl")
    for i in range(3):
        log.record(agent="a", prompt=str(i), response="r", decision="approved")
        assert synced.count(log._fd) == i + 1  # synced before the caller could act
    log.close()


def test_a_closed_log_refuses_to_record():
    log = AuditLog("a.jsonl")
    log.close()
    log.close()  # idempotent
    with pytest.raises(AuditLogError, match="closed"):
        log.record(agent="a", prompt="p", response="r", decision="approved")


def test_threads_share_a_log_without_losing_or_mixing_lines():
    log = AuditLog("a.jsonl")

    def write(worker):
        for i in range(50):
            log.record(agent=f"w{worker}", prompt="x" * 2000, response=str(i), decision="feedback")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = read_audit_log("a.jsonl")
    assert len(records) == 400
    for w in range(8):
        assert [r["response"] for r in records if r["agent"] == f"w{w}"] == [str(i) for i in range(50)]


def test_processes_appending_to_one_log_do_not_interleave_or_tear(tmp_path):
    path = tmp_path / "shared.jsonl"
    script = (
        "import sys\nfrom hitl_modes.approvals.audit import AuditLog\nlog = AuditLog(sys.argv[1])\n"
        "for i in range(200):\n    log.record(agent=sys.argv[2], prompt='p' * 3000, response=str(i), "
        "decision='approved')\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), f"p{n}"], cwd=REPO) for n in range(3)]
    reads = 0
    while any(p.poll() is None for p in procs):  # a strict reader meanwhile never sees half a line
        if path.exists():
            read_audit_log(path)
            reads += 1
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0] and reads > 0
    records = read_audit_log(path)
    assert len(records) == 600
    for n in range(3):
        assert [r["response"] for r in records if r["agent"] == f"p{n}"] == [str(i) for i in range(200)]


# -- reading -----------------------------------------------------------------------------------
def _write(path, text):
    Path(path).write_bytes(text.encode("utf-8"))


GOOD = json.dumps(
    {"timestamp": "2026-01-01T00:00:00+00:00", "agent": "a", "prompt": "p", "response": "r", "decision": "approved"}
)


@pytest.mark.parametrize(
    "bad,problem",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"agent": "a"}', "missing field(s) timestamp, prompt, response, decision"),
        (GOOD.replace('"approved"', '"yolo"'), "unknown decision 'yolo'"),
        (GOOD.replace("2026-01-01T00:00:00+00:00", "yesterday"), "not ISO 8601"),
    ],
)
def test_a_corrupt_line_is_named(bad, problem):
    _write("a.jsonl", f"{GOOD}\n{bad}\n{GOOD}\n")
    with pytest.raises(CorruptAuditLogError) as e:
        read_audit_log("a.jsonl")
    assert e.value.line_number == 2 and problem in str(e.value) and "line 2" in str(e.value)
    assert not isinstance(e.value, TornAuditLogError)


def test_invalid_utf8_is_named():
    Path("a.jsonl").write_bytes(GOOD.encode() + b"\n\xff\xfe\n")
    with pytest.raises(CorruptAuditLogError, match="line 2: not UTF-8"):
        read_audit_log("a.jsonl")


def test_a_torn_last_line_is_reported_not_dropped():
    _write("a.jsonl", f"{GOOD}\n{GOOD}\n" + GOOD[:25])
    with pytest.raises(TornAuditLogError) as e:
        read_audit_log("a.jsonl")
    assert e.value.line_number == 3 and len(e.value.records) == 2 and e.value.fragment == GOOD[:25]
    assert "killed while writing" in str(e.value) and "set_aside_torn_tail" in str(e.value)
    with pytest.warns(TornAuditLogWarning, match="torn last line"):
        assert len(read_audit_log("a.jsonl", allow_torn_tail=True)) == 2
    summary = summarize_audit_log("a.jsonl")
    assert summary.total == 2 and summary.torn_tail == GOOD[:25] and "WARNING: the last line is torn" in str(summary)


def test_a_writer_sets_a_torn_line_aside_and_goes_on():
    _write("a.jsonl", f"{GOOD}\n" + GOOD[:30])
    with pytest.warns(TornAuditLogWarning, match="moved to"):
        log = AuditLog("a.jsonl")
    assert Path("a.jsonl.torn").read_text() == GOOD[:30] + "\n", "the fragment is kept, not lost"
    assert set_aside_torn_tail("a.jsonl") is None
    with log:
        log.record(agent="b", prompt="p", response="r", decision="exit")
    assert [r["agent"] for r in read_audit_log("a.jsonl")] == ["a", "b"]


def test_a_fragment_left_after_a_writer_opened_the_log_is_set_aside_before_its_next_record():
    """Issue 21: the check ran only when a log was opened; a live writer glued its record onto a
    fragment another (killed) writer left later, and that acknowledged record became unreadable."""
    with AuditLog("a.jsonl") as log:
        log.record(agent="a", prompt="p", response="r", decision="approved")
        with open("a.jsonl", "ab") as killed_writer:
            killed_writer.write(GOOD[:40].encode())
        with pytest.warns(TornAuditLogWarning):
            log.record(agent="b", prompt="p", response="r", decision="approved")
    assert [r["agent"] for r in read_audit_log("a.jsonl")] == ["a", "b"]
    assert Path("a.jsonl.torn").read_text() == GOOD[:40] + "\n"
    assert set_aside_torn_tail("a.jsonl") is None
    assert os.stat("a.jsonl").st_mode & 0o077 == 0, "the log is readable by its owner only"


def test_a_complete_last_record_without_newline_is_kept():
    _write("a.jsonl", GOOD)
    assert len(read_audit_log("a.jsonl")) == 1
    with AuditLog("a.jsonl") as log:
        log.record(agent="b", prompt="p", response="r", decision="exit")
    assert [r["agent"] for r in read_audit_log("a.jsonl")] == ["a", "b"]


def test_missing_and_wrong_paths_are_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="no audit log at"):
        read_audit_log(tmp_path / "none.jsonl")
    with pytest.raises(AuditLogError, match="is a directory"):
        AuditLog(tmp_path)
    with pytest.raises(AuditLogError, match="is a directory"):
        read_audit_log(tmp_path)
    with pytest.raises(TypeError, match="path or an AuditLog"):
        open_audit_log(42)  # type: ignore[arg-type]
    log = AuditLog(tmp_path / "x.jsonl")
    assert open_audit_log(log) is log and open_audit_log(None) is None
    log.close()


def test_summary_counts_by_decision_agent_and_risk():
    with AuditLog("a.jsonl") as log:
        log.record(agent="op", prompt="ls", response=None, decision="auto-approved", risk="low", reasons=["fine"])
        log.record(agent="op", prompt="rm", response="approve", decision="approved", risk="high", reasons=["rm"])
        log.record(agent="rev", prompt="send?", response="", decision="rejected")
    summary = summarize_audit_log("a.jsonl")
    assert summary.total == 3
    assert summary.by_decision == {"auto-approved": 1, "approved": 1, "rejected": 1}
    assert summary.by_agent == {"op": 2, "rev": 1}
    assert summary.by_risk == {"low": 1, "high": 1, "none": 1}
    text = str(summary)
    assert "3 decisions" in text and "by risk: low 1, high 1, none 1" in text
    with pytest.raises(CorruptAuditLogError):
        _write("b.jsonl", "{broken\n" + GOOD + "\n")
        summarize_audit_log("b.jsonl")


# -- durability: SIGKILL -----------------------------------------------------------------------
_CHAT = textwrap.dedent("""
    import sys, time
    import autogen
    from hitl_modes import RiskGatedProxy, ScriptedLLM

    class BlockingHuman:
        '''A person who never answers: the process is killed while it waits.'''
        def print(self, *objects, sep=" ", end="\\n", flush=False):
            pass
        def input(self, prompt="", *, password=False):
            print("BLOCKED", flush=True)
            time.sleep(600)
            return "approve"

    N = int(sys.argv[2])
    steps = [f"Step {i}.\\n```sh\\necho step-{i} >> acted.txt\\n```" for i in range(1, N + 1)]
    llm = ScriptedLLM(steps + ["Now the risky part.\\n```sh\\nrm -rf data\\n```", "done TERMINATE"])
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    proxy = RiskGatedProxy("operator", audit_log=sys.argv[1], max_consecutive_auto_reply=N + 5,
                           code_execution_config={"work_dir": ".", "use_docker": False})
    autogen.io.IOStream.set_global_default(BlockingHuman())
    with autogen.io.IOStream.set_default(BlockingHuman()):
        proxy.initiate_chat(assistant, message="Do the steps.", silent=True)
""")


def _wait_for_line(proc, wanted, timeout):
    found = threading.Event()
    seen = []

    def read():
        for line in proc.stdout:
            seen.append(line)
            if line.strip() == wanted:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        proc.kill()
        pytest.fail(f"the child never printed {wanted!r}; it printed: {''.join(seen)[-2000:]}")


def test_sigkill_mid_chat_loses_no_decision_that_was_acted_on(tmp_path):
    steps = 5
    audit = tmp_path / "audit.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHAT, str(audit), str(steps)],
        cwd=tmp_path,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    _wait_for_line(proc, "BLOCKED", timeout=180)  # the proxy is waiting for a human on the risky step
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    acted = (tmp_path / "acted.txt").read_text().split()
    records = read_audit_log(audit)  # strict: every line complete and valid
    assert acted == [f"step-{i}" for i in range(1, steps + 1)]
    assert [r["decision"] for r in records] == ["auto-approved"] * steps
    for i, record in enumerate(records, 1):  # each action's decision is on disk, in order
        assert f"echo step-{i} >> acted.txt" in record["prompt"] and record["risk"] == "low"


_LOOP = textwrap.dedent("""
    import sys
    from hitl_modes.approvals.audit import AuditLog
    log = AuditLog(sys.argv[1])
    i = 0
    while True:
        i += 1
        log.record(agent="loop", prompt="p" * 5000, response=str(i), decision="approved")
        print(i, flush=True)  # only after record() returned: "acted on"
""")


def test_sigkill_at_a_random_moment_keeps_every_acknowledged_record(tmp_path):
    audit = tmp_path / "audit.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", _LOOP, str(audit)],
        cwd=tmp_path,
        text=True,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    acknowledged = 0
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 300:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    try:
        records = read_audit_log(audit)
    except TornAuditLogError as e:  # killed mid-write: reported, and everything before it intact
        records = e.records
    assert len(records) >= acknowledged
    assert [r["response"] for r in records] == [str(i) for i in range(1, len(records) + 1)]


def test_the_lesson_cli_writes_to_the_audit_log_it_is_given(tmp_path):
    audit = tmp_path / "decisions.jsonl"
    proc = run_lesson_cli(10, ["--audit-log", str(audit), "--quiet"], tmp_path)
    assert f"audit log: {audit}" in proc.stdout
    records = read_audit_log(audit)
    assert [r["decision"] for r in records] == [
        "auto-approved",
        "rejected",
        "approved",
        "timed-out",
        "timed-out",
        "rejected",
    ]
    assert all(r["agent"] == "user_proxy" and r["risk"] in ("low", "high") for r in records)
