"""Group-chat scenarios for ``hitl-modes simulate``: a JSON object with an ``agents`` field, validated
strictly and run on AutoGen's own ``GroupChat`` and ``GroupChatManager``.

Every model (each assistant's and the manager's speaker selector) is scripted behind a
:class:`~hitl_modes.ScriptedModelServer`, because "auto" selection asks a model from an agent
AutoGen builds internally; the human is one :class:`~hitl_modes.ScriptedHuman` (or the console)
that answers every prompt in order: members' prompts and manual speaker selection alike.

The contract (lesson 14, README "simulate")::

    {"task": "...",                                   # sent by agents[0] to the manager
     "agents": [{"name": "writer", "kind": "assistant", "llm": ["replies", ...]},
                {"name": "boss", "kind": "human", "mode": "ALWAYS"}, ...],   # >= 2, in order
     "speaker_selection_method": "auto" | "round_robin" | "manual",        # default "auto"
     "selector": ["writer", ...],                     # the manager's model replies ("auto")
     "max_round": 10, "allow_repeat_speaker": true,   # omitted or null: AutoGen's defaults
     "human": ["", "exit"] | "console",
     "termination": "TERMINATE"}                      # substring; null keeps AutoGen's defaults
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from ..chat.human import ConsoleHuman, ScriptedHuman
from ..chat.llm import ScriptedLLM
from ..chat.record import RecordedRun, record_group_chat
from ..chat.server import ScriptedModelServer
from ..errors import ScenarioError, ScriptExhaustedError
from .scenario import MODES, check_scenario_fields, read_scenario_file
from .scripted_chat import AUTOGEN_DEFAULT

__all__ = [
    "GroupMember",
    "GroupScenario",
    "is_group_scenario",
    "parse_group_scenario",
    "load_group_scenario",
    "build_group",
    "run_group_scenario",
    "group_simulation_report",
    "SELECTION_METHODS",
    "SELECTOR_MODEL",
]

SELECTION_METHODS = ("auto", "round_robin", "manual")
MEMBER_KINDS = ("assistant", "human")
#: The model name the manager's speaker selector is routed by (members' routes are ``agent:NAME``).
SELECTOR_MODEL = "selector"
_FIELDS = (
    "task",
    "agents",
    "speaker_selection_method",
    "selector",
    "max_round",
    "allow_repeat_speaker",
    "human",
    "termination",
)
_MEMBER_FIELDS = {
    "assistant": ("name", "kind", "llm", "max_consecutive_auto_reply", "default_auto_reply"),
    "human": ("name", "kind", "mode", "max_consecutive_auto_reply", "default_auto_reply"),
}


@dataclass
class GroupMember:
    name: str
    kind: str
    llm: List[str] = field(default_factory=list)
    mode: Optional[str] = None
    max_consecutive_auto_reply: Optional[int] = None
    default_auto_reply: Any = AUTOGEN_DEFAULT

    @property
    def model(self) -> str:
        return f"agent:{self.name}"


@dataclass
class GroupScenario:
    agents: List[GroupMember]
    task: Optional[str] = None
    speaker_selection_method: str = "auto"
    selector: List[str] = field(default_factory=list)
    max_round: Optional[int] = None
    allow_repeat_speaker: Union[None, bool, List[str]] = None
    human: Union[List[str], str] = field(default_factory=list)
    termination: Optional[str] = "TERMINATE"

    @property
    def console_human(self) -> bool:
        return self.human == "console"

    @property
    def can_ask_human(self) -> bool:
        """True when some prompt can reach the human: a member that can ask, or manual selection."""
        asking = any(m.kind == "human" and m.mode != "NEVER" for m in self.agents)
        return asking or self.speaker_selection_method == "manual"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _strings(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _parse_member(i: int, data: Any) -> GroupMember:
    where = f"agents[{i}]"
    if not isinstance(data, dict):
        raise ScenarioError(where, f"each agent is a JSON object with name and kind, got {data!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{where}.name", f"is required: a non-empty string, got {name!r}")
    kind = data.get("kind")
    if kind not in MEMBER_KINDS:
        raise ScenarioError(f"{where}.kind", f'must be "assistant" or "human", got {kind!r}')
    allowed = _MEMBER_FIELDS[kind]
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}", f"unknown field for a {kind}; allowed: {', '.join(allowed)}")
    member = GroupMember(name, kind)
    if kind == "assistant":
        if "llm" not in data:
            raise ScenarioError(f"{where}.llm", "is required for an assistant: a list of its replies, in order")
        if not _strings(data["llm"]):
            raise ScenarioError(f"{where}.llm", f"must be a list of strings (the replies), got {data['llm']!r}")
        member.llm = list(data["llm"])
    else:
        if "mode" not in data:
            raise ScenarioError(f"{where}.mode", 'is required for a human: one of "NEVER", "TERMINATE", "ALWAYS"')
        if data["mode"] not in MODES:
            raise ScenarioError(f"{where}.mode", f'must be one of "NEVER", "TERMINATE", "ALWAYS", got {data["mode"]!r}')
        member.mode = data["mode"]
    mcar = data.get("max_consecutive_auto_reply")
    if mcar is not None and not (_is_int(mcar) and mcar >= 0):
        raise ScenarioError(f"{where}.max_consecutive_auto_reply", f"must be an integer >= 0 or null, got {mcar!r}")
    member.max_consecutive_auto_reply = mcar
    if "default_auto_reply" in data:
        dar = data["default_auto_reply"]
        if not isinstance(dar, (str, dict, type(None))):
            raise ScenarioError(f"{where}.default_auto_reply", f"must be a string, an object or null, got {dar!r}")
        member.default_auto_reply = dar
    return member


def parse_group_scenario(data: Any) -> GroupScenario:
    """Validate a decoded group scenario. Raises :class:`ScenarioError` naming the field."""
    data = check_scenario_fields(data, _FIELDS, " for a group chat")
    agents = data.get("agents")
    if not isinstance(agents, list) or len(agents) < 2:
        raise ScenarioError("agents", f"must be a list of at least 2 agents (a group chat), got {agents!r}")
    members = [_parse_member(i, a) for i, a in enumerate(agents)]
    names = [m.name for m in members]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ScenarioError(f"agents[{i}].name", f"{name!r} is used twice; every agent needs its own name")
        if name == "chat_manager":
            raise ScenarioError(f"agents[{i}].name", "'chat_manager' is the manager's name; choose another")
    task = data.get("task")
    if task is not None and not isinstance(task, str):
        raise ScenarioError("task", f"must be a string (the first message, sent by agents[0]), got {task!r}")
    method = data.get("speaker_selection_method", "auto")
    if method not in SELECTION_METHODS:
        raise ScenarioError("speaker_selection_method", f'must be "auto", "round_robin" or "manual", got {method!r}')
    selector = data.get("selector", [])
    if not _strings(selector):
        raise ScenarioError("selector", f"must be a list of strings (the manager's model replies), got {selector!r}")
    max_round = data.get("max_round")
    if max_round is not None and not (_is_int(max_round) and max_round >= 1):
        raise ScenarioError("max_round", f"must be an integer >= 1 or null, got {max_round!r}")
    repeat = data.get("allow_repeat_speaker")
    if repeat is not None and not isinstance(repeat, bool):
        if not (_strings(repeat) and all(n in names for n in repeat)):
            raise ScenarioError(
                "allow_repeat_speaker", f"must be true, false, null or a list of agent names, got {repeat!r}"
            )
    human = data.get("human", [])
    if human != "console" and not _strings(human):
        raise ScenarioError("human", f'must be a list of strings or the string "console", got {human!r}')
    termination = data.get("termination", "TERMINATE")
    if termination is not None and not isinstance(termination, str):
        raise ScenarioError(
            "termination", f"must be a string (a substring of the content) or null, got {termination!r}"
        )
    return GroupScenario(members, task, method, list(selector), max_round, repeat, human, termination)


def is_group_scenario(path: Union[str, Path]) -> bool:
    """True when the file holds a JSON object with an ``agents`` field; False otherwise (including
    when it cannot be read, so the two-agent loader reports that)."""
    try:
        data = read_scenario_file(path)
    except ScenarioError:
        return False
    return isinstance(data, dict) and "agents" in data


def load_group_scenario(path: Union[str, Path]) -> GroupScenario:
    return parse_group_scenario(read_scenario_file(path))


def build_group(s: GroupScenario, server: ScriptedModelServer) -> Tuple[List[Any], Any, Any]:
    """The members, the ``GroupChat`` and the ``GroupChatManager`` a scenario describes; everything
    not in the scenario stays at AutoGen's default."""
    import autogen

    marker = s.termination
    agents: List[Any] = []
    for m in s.agents:
        kwargs: Dict[str, Any] = {}
        if m.max_consecutive_auto_reply is not None:
            kwargs["max_consecutive_auto_reply"] = m.max_consecutive_auto_reply
        if m.default_auto_reply is not AUTOGEN_DEFAULT:
            kwargs["default_auto_reply"] = m.default_auto_reply
        if m.kind == "assistant":
            agents.append(autogen.AssistantAgent(m.name, llm_config=server.llm_config(m.model), **kwargs))
            continue
        if marker is not None:
            kwargs["is_termination_msg"] = lambda msg: marker in (msg.get("content") or "")
        agents.append(autogen.UserProxyAgent(m.name, human_input_mode=m.mode, code_execution_config=False, **kwargs))
    chat_kwargs: Dict[str, Any] = {"speaker_selection_method": s.speaker_selection_method}
    if s.max_round is not None:
        chat_kwargs["max_round"] = s.max_round
    if isinstance(s.allow_repeat_speaker, list):
        chat_kwargs["allow_repeat_speaker"] = [a for a in agents if a.name in s.allow_repeat_speaker]
    elif s.allow_repeat_speaker is not None:
        chat_kwargs["allow_repeat_speaker"] = s.allow_repeat_speaker
    groupchat = autogen.GroupChat(agents, messages=[], **chat_kwargs)
    manager_kwargs: Dict[str, Any] = {}
    if marker is not None:
        manager_kwargs["is_termination_msg"] = lambda msg: marker in (msg.get("content") or "")
    manager = autogen.GroupChatManager(groupchat, llm_config=server.llm_config(SELECTOR_MODEL), **manager_kwargs)
    return agents, groupchat, manager


def scripted_server(s: GroupScenario) -> ScriptedModelServer:
    """One route per assistant (its ``llm``) and one for the manager's selector."""
    routes: Dict[str, ScriptedLLM] = {
        m.model: ScriptedLLM(m.llm, name=m.name) for m in s.agents if m.kind == "assistant"
    }
    routes[SELECTOR_MODEL] = ScriptedLLM(s.selector, name="chat_manager's speaker selector")
    return ScriptedModelServer(routes)


def run_group_scenario(
    s: GroupScenario, *, quiet: bool = False
) -> Tuple[RecordedRun, ScriptedModelServer, Any, List[Dict[str, Any]]]:
    """Run a group scenario; returns the recorded run, the model server, the human and the group's
    messages (``GroupChat.messages``). Raises ScriptExhaustedError (kind ``llm``, ``selector`` or ``human``) or
    NoHumanAvailableError as the chat does."""
    prompts_to = sys.stderr if quiet else None  # quiet means stdout is machine-readable
    human: Any = (
        ConsoleHuman("ALWAYS" if s.can_ask_human else "NEVER", prompt_stream=prompts_to)
        if s.console_human
        else ScriptedHuman(s.human, strict=False, echo=not quiet)
    )
    server = scripted_server(s)
    try:
        with server, human:
            agents, groupchat, manager = build_group(s, server)
            run = record_group_chat(agents[0], manager, s.task, quiet=quiet, silent=quiet)
    except ScriptExhaustedError as e:
        selector = server.route(SELECTOR_MODEL)
        if e.kind == "llm" and selector.call_count > len(s.selector):
            raise ScriptExhaustedError("selector", e.call, str(e), trace=e.trace) from e
        raise
    return run, server, human, groupchat.messages


def group_simulation_report(
    run: RecordedRun, server: ScriptedModelServer, manager_messages: List[Dict[str, Any]]
) -> Dict[str, Any]:
    """The ``--json`` object: the group's messages, human prompts and replies, members' model calls,
    the selector's calls, and why it stopped."""
    stop = run.trace.stop
    return {
        "messages": [{"name": m.get("name"), "content": m.get("content")} for m in manager_messages],
        "human_prompts": run.trace.human_prompts,
        "human_replies": run.trace.human_replies,
        "llm_calls": sum(llm.call_count for model, llm in server.routes.items() if model != SELECTOR_MODEL),
        "selector_calls": server.route(SELECTOR_MODEL).call_count,
        "stop_reason": stop.reason if stop else None,
        "stopped_by": stop.agent if stop else None,
        "stop_detail": stop.detail if stop else None,
    }
