"""Run a lesson's plain AutoGen code (its chat cells without the course's lines) as a learner who
copied it would: in a fresh Python process that never imports ``hitl_modes``, against an
OpenAI-compatible server on loopback, with the human's answers piped to stdin.

The server answers, in order, what the lesson's own offline run answered (its ``HITL_TRANSCRIPT``),
and stdin holds what its scripted human typed: the same chats, with nothing of the course left.

A lesson about this toolkit's own agents and gates imports them (``from hitl_modes import
RiskGatedProxy``); they import the human's stream helpers and the recorder's hooks for themselves
(:data:`TOOLKIT_INTERNAL`), which the lesson's own code still may not import.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from hitl_modes.chat.server import SCRIPTED_API_KEY, ScriptedModelServer
from hitl_modes.course.plain import plain_code

__all__ = ["assert_plain_autogen_runs", "import_guard", "COURSE_MODULES", "TOOLKIT_INTERNAL"]

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
#: Of those, what the toolkit's agents and gates import for themselves (``RiskGatedProxy`` the human's
#: stream helpers, and the recorder's hooks, which do nothing when no chat is recorded): allowed to them.
TOOLKIT_INTERNAL = ("hitl_modes.chat.human", "hitl_modes.chat.record")


def import_guard(forbidden, internal=()) -> str:
    """Put first in the plain program: an import of a module in (or under) ``forbidden`` fails it,
    unless it is in ``internal`` and a toolkit module (not the lesson's code) imports it."""
    return f"""\
import sys
def _by_the_lesson():
    frame = sys._getframe(2)  # past find_spec: importlib's frames, then hitl_modes' lazy exports
    while frame is not None:
        file = frame.f_code.co_filename
        if not (file.startswith("<frozen") or "importlib" in file or file.endswith("hitl_modes/__init__.py")):
            return frame.f_globals.get("__name__") == "__main__"
        frame = frame.f_back
    return True
class _NoCourse:
    def find_spec(self, name, path=None, target=None):
        if any(name == m or name.startswith(m + ".") for m in {tuple(forbidden)!r}):
            if name in {tuple(internal)!r} and not _by_the_lesson():
                return None
            raise ImportError("the lesson's plain code imported " + name)
sys.meta_path.insert(0, _NoCourse())
"""


def _assert_imports_no_course_names(code: str, forbidden) -> None:
    """``from hitl_modes import ScriptedHuman`` is the lesson's own import of a scripted double, even
    when a toolkit module loaded its module first (then the import guard never sees it)."""
    from hitl_modes import _EXPORTS

    for node in ast.walk(ast.parse(code)):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "hitl_modes":
            modules = [f"hitl_modes.{_EXPORTS[alias.name]}" for alias in node.names if alias.name in _EXPORTS]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        for module in modules:
            assert not any(module == m or module.startswith(m + ".") for m in forbidden), (
                f"the lesson's plain code imports {module}, which is the course's"
            )


def assert_plain_autogen_runs(script: Path, transcript: Path, workdir: Path) -> None:
    recorded = json.loads(transcript.read_text(encoding="utf-8"))
    workdir.mkdir(parents=True, exist_ok=True)
    program = workdir / f"{script.stem}_plain.py"
    code = plain_code(script)
    forbidden = COURSE_MODULES if "hitl_modes" in code else ("hitl_modes",)
    _assert_imports_no_course_names(code, forbidden)
    guard = import_guard(forbidden, TOOLKIT_INTERNAL if "hitl_modes" in code else ())
    program.write_text(guard + code, encoding="utf-8")
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
