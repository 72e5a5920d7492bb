"""Run a lesson's plain AutoGen code (its chat cells without the course's lines) as a learner who
copied it would: in a fresh Python process that never imports ``hitl_modes``, against an
OpenAI-compatible server on loopback, with the human's answers piped to stdin.

The server answers, in order, what the lesson's own offline run answered (its ``HITL_TRANSCRIPT``),
and stdin holds what its scripted human typed: the same chats, with nothing of the course left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hitl_modes.chat.server import SCRIPTED_API_KEY, ScriptedModelServer
from hitl_modes.course.plain import plain_code

__all__ = ["assert_plain_autogen_runs", "import_guard", "COURSE_MODULES"]

#: What the plain program may never import: the course, and the scripted model, human and recorder.
#: A lesson's code that imports nothing of ``hitl_modes`` may import none of it at all.
COURSE_MODULES = (
    "hitl_modes.course",
    "hitl_modes.testing",
    "hitl_modes.notebook_runner",
    "hitl_modes.chat.llm",
    "hitl_modes.chat.server",
    "hitl_modes.chat.record",
    "hitl_modes.chat.human",
)


def import_guard(forbidden) -> str:
    """Put first in the plain program: an import of a module in (or under) ``forbidden`` fails it."""
    return f"""\
import sys
class _NoCourse:
    def find_spec(self, name, path=None, target=None):
        if any(name == m or name.startswith(m + ".") for m in {tuple(forbidden)!r}):
            raise ImportError("the lesson's plain code imported " + name)
sys.meta_path.insert(0, _NoCourse())
"""


def assert_plain_autogen_runs(script: Path, transcript: Path, workdir: Path) -> None:
    recorded = json.loads(transcript.read_text(encoding="utf-8"))
    workdir.mkdir(parents=True, exist_ok=True)
    program = workdir / f"{script.stem}_plain.py"
    code = plain_code(script)
    forbidden = COURSE_MODULES if "hitl_modes" in code else ("hitl_modes",)
    program.write_text(import_guard(forbidden) + code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HITL_", "OPENAI_", "OAI_"))}
    with ScriptedModelServer(default=recorded["model"]) as server:
        env.update({"OPENAI_API_KEY": SCRIPTED_API_KEY, "OPENAI_BASE_URL": server.base_url})
        proc = subprocess.run(
            [sys.executable, str(program)],
            input="".join(f"{answer}\n" for answer in recorded["human"]),
            capture_output=True,
            text=True,
            cwd=workdir,
            env=env,
            timeout=600,
        )
        assert proc.returncode == 0, f"{program} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        server.assert_all_used()
    assert "hitl_modes" not in proc.stderr, proc.stderr[-2000:]
