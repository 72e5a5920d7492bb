"""Scenarios for ``hitl-modes simulate``: a JSON description of a two-agent chat, validated strictly,
run on AutoGen's real agents with a scripted model and human.

Two contracts share one scenario: the first (mode, task, llm, human, limits, termination,
default_auto_reply, code_execution) and the second, kept in its own section at the end of this
module (proxy_class, an optional mode, the assistant's own limit, a ``lookup`` tool and tool-call
replies, and ``tool_calls``/``tool_responses`` in the report)."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..chat.human import ConsoleHuman, ScriptedHuman
from ..chat.llm import Reply, ScriptedLLM
from ..chat.record import RecordedRun
from ..errors import ScenarioError
from .scripted_chat import AUTOGEN_DEFAULT, run_scripted_chat

__all__ = [
    "Scenario",
    "parse_scenario",
    "load_scenario",
    "read_scenario_file",
    "check_scenario_fields",
    "run_scenario",
    "simulation_report",
    "MODES",
    "PROXY_CLASSES",
    "class_default_mode",
    "lookup",
]

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
    # the second contract
    "proxy_class",
    "assistant_max_consecutive_auto_reply",
    "tools",
)


@dataclass
class Scenario:
    mode: Optional[str]
    llm: List[Reply]
    task: Optional[str] = None
    human: Union[List[str], str] = field(default_factory=list)
    max_consecutive_auto_reply: Optional[int] = None
    max_turns: Optional[int] = None
    termination: Optional[str] = "TERMINATE"
    default_auto_reply: Any = AUTOGEN_DEFAULT
    code_execution: bool = False
    proxy_class: str = "UserProxyAgent"
    assistant_max_consecutive_auto_reply: Optional[int] = None
    tools: bool = False

    @property
    def console_human(self) -> bool:
        return self.human == "console"

    @property
    def effective_mode(self) -> str:
        """The mode ``user_proxy`` runs in: ``mode``, or its class's default when omitted."""
        return self.mode if self.mode is not None else class_default_mode(self.proxy_class)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded scenario. Raises :class:`ScenarioError` naming the field and what is allowed."""
    data = check_scenario_fields(data, _FIELDS)
    mode = data.get("mode")
    if mode is not None and mode not in MODES:
        raise ScenarioError(
            "mode", f'must be one of "NEVER", "TERMINATE", "ALWAYS", or null for the class default; got {mode!r}'
        )
    if "llm" not in data:
        raise ScenarioError("llm", "is required: a list of the assistant's replies, in order")
    llm = parse_llm_replies(data["llm"])
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
    return Scenario(
        mode,
        llm,
        task,
        human,
        mcar,
        max_turns,
        termination,
        default_auto_reply,
        code_execution,
        **parse_second_contract(data),
    )


def read_scenario_file(path: Union[str, Path]) -> Any:
    """The decoded JSON of a scenario file (either shape); a file that cannot be read or decoded is a
    :class:`ScenarioError` on the ``<file>`` field."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError("<file>", f"cannot read {str(p)!r}: {e.strerror or e}") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ScenarioError("<file>", f"{str(p)!r} is not valid JSON: {e}") from e


def check_scenario_fields(data: Any, fields: Sequence[str], kind: str = "") -> Dict[str, Any]:
    """``data`` is a JSON object whose fields are all in ``fields``; else a :class:`ScenarioError`
    naming the first unknown one and listing the allowed ones."""
    if not isinstance(data, dict):
        raise ScenarioError("<root>", f"a scenario is a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ScenarioError(unknown[0], f"unknown field{kind}; allowed fields are {', '.join(fields)}")
    return data


def load_scenario(path: Union[str, Path]) -> Scenario:
    return parse_scenario(read_scenario_file(path))


def run_scenario(s: Scenario, *, quiet: bool = False) -> Tuple[RecordedRun, ScriptedLLM, Any]:
    """Run a scenario. Raises ScriptExhaustedError or NoHumanAvailableError as the chat does.

    ``user_proxy`` gets the scenario's settings, the assistant AutoGen's defaults; ``termination``
    is a substring of ``content or ""`` (None: AutoGen's default check)."""
    prompts_to = sys.stderr if quiet else None  # quiet means stdout is machine-readable
    human: Any = (
        ConsoleHuman(s.effective_mode, prompt_stream=prompts_to)
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
            proxy_class=s.proxy_class,
            max_consecutive_auto_reply=s.max_consecutive_auto_reply,
            assistant_max_consecutive_auto_reply=s.assistant_max_consecutive_auto_reply,
            default_auto_reply=s.default_auto_reply,
            code_execution_config={"work_dir": work_dir, "use_docker": False} if s.code_execution else False,
            max_turns=s.max_turns,
            quiet=quiet,
            setup=add_lookup_tool if s.tools else None,
        )
    assert chat.run is not None  # report_exhausted=(): a script that ran out raised
    return chat.run, chat.llm, human


def _contains(marker: str) -> Callable[[Dict[str, Any]], bool]:
    return lambda m: marker in (m.get("content") or "")


def simulation_report(run: RecordedRun, llm: ScriptedLLM) -> Dict[str, Any]:
    """The ``--json`` object: chat history, human prompts and replies, model calls, stop reason."""
    # AutoGen's own record: a message that calls a tool or function carries no name
    # (ConversableAgent._append_oai_message names only the others), so its "name" is null here too.
    messages = [{"name": m.get("name"), "content": m.get("content"), **tool_fields(m)} for m in run.result.chat_history]
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


# -- the second contract: proxy class, the assistant's own limit, a tool and tool-call replies -------

#: The classes ``user_proxy`` may be (``ConversableAgent`` gets ``llm_config=False``).
PROXY_CLASSES = ("UserProxyAgent", "ConversableAgent")


def lookup(q: str) -> str:
    """The one tool a scenario with ``"tools": true`` registers."""
    return f"lookup result for {q}"


def class_default_mode(proxy_class: str) -> str:
    """``human_input_mode``'s default in AutoGen's own constructor of ``proxy_class``."""
    import inspect

    import autogen

    default = inspect.signature(getattr(autogen, proxy_class).__init__).parameters["human_input_mode"].default
    return str(default)


def parse_second_contract(data: Dict[str, Any]) -> Dict[str, Any]:
    """Validate the second contract's own fields; the keyword arguments they add to Scenario."""
    proxy_class = data.get("proxy_class", "UserProxyAgent")
    if proxy_class not in PROXY_CLASSES:
        raise ScenarioError("proxy_class", f'must be "UserProxyAgent" or "ConversableAgent", got {proxy_class!r}')
    limit = data.get("assistant_max_consecutive_auto_reply")
    if limit is not None and not (_is_int(limit) and limit >= 0):
        raise ScenarioError(
            "assistant_max_consecutive_auto_reply", f"must be an integer >= 0 or null (its default), got {limit!r}"
        )
    tools = data.get("tools", False)
    if not isinstance(tools, bool):
        raise ScenarioError("tools", f"must be true (register lookup(q)) or false, got {tools!r}")
    return {"proxy_class": proxy_class, "assistant_max_consecutive_auto_reply": limit, "tools": tools}


def parse_llm_replies(llm: Any) -> List[Reply]:
    """The ``llm`` list: strings, or ``{"tool_call": {"name": ..., "arguments": {...}}}`` entries,
    each one model reply with one tool call (ids ``call_1``, ``call_2``, ... in order) and no text."""
    example = '{"tool_call": {"name": "lookup", "arguments": {"q": "..."}}}'
    if not isinstance(llm, list):
        raise ScenarioError("llm", f"must be a list of the assistant's replies (strings or {example}), got {llm!r}")
    replies: List[Reply] = []
    for i, entry in enumerate(llm):
        if isinstance(entry, str):
            replies.append(entry)
            continue
        call = entry.get("tool_call") if isinstance(entry, dict) and set(entry) == {"tool_call"} else None
        if not (
            isinstance(call, dict)
            and set(call) == {"name", "arguments"}
            and isinstance(call["name"], str)
            and call["name"]
            and isinstance(call["arguments"], dict)
        ):
            raise ScenarioError("llm", f"entry #{i + 1} must be a string or {example}, got {entry!r}")
        number = sum(1 for r in replies if isinstance(r, dict)) + 1
        replies.append(
            {
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{number}",
                        "type": "function",
                        "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
                    }
                ],
            }
        )
    return replies


def add_lookup_tool(user_proxy: Any, assistant: Any, llm: ScriptedLLM) -> None:
    """Register :func:`lookup` the AutoGen way: the assistant calls it, user_proxy executes it."""
    import autogen

    autogen.register_function(lookup, caller=assistant, executor=user_proxy, description="Look something up.")
    llm.register(assistant)  # adding a tool rebuilt the assistant's model client


def tool_fields(message: Dict[str, Any]) -> Dict[str, Any]:
    """A report message's extra fields: the names of its tool calls, the contents of its tool responses."""
    fields: Dict[str, Any] = {}
    if message.get("tool_calls"):
        fields["tool_calls"] = [c.get("function", {}).get("name") for c in message["tool_calls"]]
    if message.get("tool_responses"):
        fields["tool_responses"] = [r.get("content") for r in message["tool_responses"]]
    return fields
