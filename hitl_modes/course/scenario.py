"""Scenarios for ``hitl-modes simulate``: a JSON description of a two-agent chat, validated strictly,
run on AutoGen's real agents with a scripted model and human."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from ..chat.human import ConsoleHuman, ScriptedHuman
from ..chat.llm import ScriptedLLM
from ..chat.record import RecordedRun
from ..errors import ScenarioError
from .scripted_chat import AUTOGEN_DEFAULT, run_scripted_chat

__all__ = ["Scenario", "parse_scenario", "load_scenario", "run_scenario", "simulation_report", "MODES"]

MODES = ("NEVER", "TERMINATE", "ALWAYS")
_FIELDS = (
    "mode",
    "task",
    "llm",
    "human",
    "max_consecutive_auto_reply",
    "max_turns",
    "termination",
    "default_auto_reply",
    "code_execution",
)


@dataclass
class Scenario:
    mode: str
    llm: List[str]
    task: Optional[str] = None
    human: Union[List[str], str] = field(default_factory=list)
    max_consecutive_auto_reply: Optional[int] = None
    max_turns: Optional[int] = None
    termination: Optional[str] = "TERMINATE"
    default_auto_reply: Any = AUTOGEN_DEFAULT
    code_execution: bool = False

    @property
    def console_human(self) -> bool:
        return self.human == "console"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded scenario. Raises :class:`ScenarioError` naming the field and what is allowed."""
    if not isinstance(data, dict):
        raise ScenarioError("<root>", f"a scenario is a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise ScenarioError(unknown[0], f"unknown field; allowed fields are {', '.join(_FIELDS)}")
    if "mode" not in data:
        raise ScenarioError("mode", 'is required: one of "NEVER", "TERMINATE", "ALWAYS"')
    mode = data["mode"]
    if mode not in MODES:
        raise ScenarioError("mode", f'must be one of "NEVER", "TERMINATE", "ALWAYS", got {mode!r}')
    if "llm" not in data:
        raise ScenarioError("llm", "is required: a list of the assistant's replies, in order")
    llm = data["llm"]
    if not isinstance(llm, list) or not all(isinstance(x, str) for x in llm):
        raise ScenarioError("llm", f"must be a list of strings (the assistant's replies), got {llm!r}")
    task = data.get("task")
    if task is not None and not isinstance(task, str):
        raise ScenarioError("task", f"must be a string (the first message), got {task!r}")
    human = data.get("human", [])
    if human != "console" and not (isinstance(human, list) and all(isinstance(x, str) for x in human)):
        raise ScenarioError("human", f'must be a list of strings or the string "console", got {human!r}')
    mcar = data.get("max_consecutive_auto_reply")
    if mcar is not None and not (_is_int(mcar) and mcar >= 0):
        raise ScenarioError("max_consecutive_auto_reply", f"must be an integer >= 0 or null, got {mcar!r}")
    max_turns = data.get("max_turns")
    if max_turns is not None and not (_is_int(max_turns) and max_turns >= 1):
        raise ScenarioError("max_turns", f"must be an integer >= 1 or null, got {max_turns!r}")
    termination = data.get("termination", "TERMINATE")
    if termination is not None and not isinstance(termination, str):
        raise ScenarioError(
            "termination", f"must be a string (a substring of the content) or null, got {termination!r}"
        )
    default_auto_reply = data.get("default_auto_reply", AUTOGEN_DEFAULT)
    if default_auto_reply is not AUTOGEN_DEFAULT and not isinstance(default_auto_reply, (str, dict, type(None))):
        raise ScenarioError("default_auto_reply", f"must be a string, an object or null, got {default_auto_reply!r}")
    code_execution = data.get("code_execution", False)
    if not isinstance(code_execution, bool):
        raise ScenarioError("code_execution", f"must be true or false, got {code_execution!r}")
    return Scenario(mode, list(llm), task, human, mcar, max_turns, termination, default_auto_reply, code_execution)


def load_scenario(path: Union[str, Path]) -> Scenario:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError("<file>", f"cannot read {str(p)!r}: {e.strerror or e}") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ScenarioError("<file>", f"{str(p)!r} is not valid JSON: {e}") from e
    return parse_scenario(data)


def run_scenario(s: Scenario, *, quiet: bool = False) -> Tuple[RecordedRun, ScriptedLLM, Any]:
    """Run a scenario. Raises ScriptExhaustedError or NoHumanAvailableError as the chat does.

    ``user_proxy`` gets the scenario's settings, the assistant AutoGen's defaults; ``termination``
    is a substring of ``content or ""`` (None: AutoGen's default check)."""
    prompts_to = sys.stderr if quiet else None  # quiet means stdout is machine-readable
    human: Any = (
        ConsoleHuman(s.mode, prompt_stream=prompts_to)
        if s.console_human
        else ScriptedHuman(s.human, strict=False, echo=not quiet)
    )
    with tempfile.TemporaryDirectory(prefix="hitl-sim-") as work_dir:
        chat = run_scripted_chat(
            s.llm,
            human,
            s.task,
            human_input_mode=s.mode,
            is_termination_msg=None if s.termination is None else _contains(s.termination),
            max_consecutive_auto_reply=s.max_consecutive_auto_reply,
            default_auto_reply=s.default_auto_reply,
            code_execution_config={"work_dir": work_dir, "use_docker": False} if s.code_execution else False,
            max_turns=s.max_turns,
            quiet=quiet,
        )
    assert chat.run is not None  # report_exhausted=(): a script that ran out raised
    return chat.run, chat.llm, human


def _contains(marker: str) -> Callable[[Dict[str, Any]], bool]:
    return lambda m: marker in (m.get("content") or "")


def simulation_report(
    run: RecordedRun, llm: ScriptedLLM, user_proxy_name: str = "user_proxy", assistant_name: str = "assistant"
) -> Dict[str, Any]:
    """The ``--json`` object: chat history, human prompts and replies, model calls, stop reason."""
    messages = []
    for m in run.result.chat_history:
        name = m.get("name") or (user_proxy_name if m.get("role") == "assistant" else assistant_name)
        messages.append({"name": name, "content": m.get("content")})
    stop = run.trace.stop
    return {
        "messages": messages,
        "human_prompts": run.trace.human_prompts,
        "human_replies": run.trace.human_replies,
        "llm_calls": llm.call_count,
        "stop_reason": stop.reason if stop else None,
        "stopped_by": stop.agent if stop else None,
        "stop_detail": stop.detail if stop else None,
    }
