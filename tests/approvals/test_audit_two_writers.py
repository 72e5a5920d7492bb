"""Issue 21: two processes write one audit log while one of them is SIGKILLed again and again.
Every record a writer acknowledged (``record`` returned) is readable afterwards, exactly once; the
fragments the killed writer left are set aside, never glued to a live writer's record. Bounded: 40
kills, loopback-free, at most a minute."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from hitl_modes import read_audit_log

REPO = Path(__file__).resolve().parents[2]
KILLS = 40

_WRITER = textwrap.dedent("""
    import sys, warnings
    from hitl_modes.approvals.audit import AuditLog
    warnings.simplefilter("ignore")  # the set-aside warnings: expected here
    log = AuditLog(sys.argv[1])
    name, i = sys.argv[2], 0
    while True:
        i += 1
        log.record(agent=name, prompt="p" * 200_000, response=str(i), decision="approved")
        print(i, flush=True)  # only after record() returned: acknowledged
""")


def _start(audit: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(audit), name],
        text=True,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _acknowledged(proc: subprocess.Popen, at_least: int) -> int:
    last = 0
    for line in proc.stdout:
        last = int(line)
        if last >= at_least:
            break
    return last


def test_a_second_writer_loses_nothing_while_the_first_is_killed_again_and_again(tmp_path):
    audit = tmp_path / "audit.jsonl"
    rng = random.Random(21)
    survivor = _start(audit, "survivor")
    acked = {"survivor": 0}
    deadline = time.monotonic() + 60
    try:
        for kill in range(KILLS):
            victim = _start(audit, f"victim-{kill}")
            got = _acknowledged(victim, rng.randint(1, 15))
            time.sleep(rng.random() * 0.01)  # a random moment, often mid-write
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
            # What it printed after `got` was acknowledged too: read the rest of its pipe.
            acked[f"victim-{kill}"] = max([got, *(int(x) for x in victim.stdout.read().split())])
            victim.stdout.close()
            assert time.monotonic() < deadline, "the kill loop is bounded"
        acked["survivor"] = _acknowledged(survivor, 1)
        acked["survivor"] = _acknowledged(survivor, acked["survivor"] + 5)  # it wrote after the last kill
    finally:
        survivor.kill()
        survivor.wait(timeout=30)
        survivor.stdout.close()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = read_audit_log(audit, allow_torn_tail=True)  # every other line must be whole and valid
    seen = Counter((r["agent"], int(r["response"])) for r in records)
    lost = [(name, i) for name, n in acked.items() for i in range(1, n + 1) if (name, i) not in seen]
    doubled = [key for key, count in seen.items() if count > 1]
    print(f"acknowledged {sum(acked.values())} records in {KILLS} kills: lost {len(lost)}, doubled {len(doubled)}")
    assert lost == [] and doubled == []
    for name in acked:  # each writer's records are in its own order
        mine = [int(r["response"]) for r in records if r["agent"] == name]
        assert mine == sorted(mine)
