"""Shared by the approvals tests (lessons 09-11): run a lesson through the CLI, offline, no stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence


def run_lesson_cli(number: int, args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    """``hitl-modes lesson NUMBER ARGS`` as a user runs it: no key, no stdin, offline."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENAI_API_KEY", "OAI_CONFIG_LIST", "HITL_LIVE", "HITL_HUMAN", "HITL_AUDIT_LOG")
    }
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "hitl-modes"), "lesson", str(number), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc
