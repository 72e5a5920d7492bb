"""A scripted model that plugs into AutoGen 0.2 through its own custom-client protocol.

AutoGen's seam for models is a ``config_list`` entry with ``model_client_cls`` followed by
``agent.register_model_client(cls)``. Everything above the network call stays real: the
``AssistantAgent`` builds its messages, ``OpenAIWrapper.create`` dispatches to the client, and the
reply travels back through ``generate_oai_reply``. Only the HTTP request is replaced by a list.

    llm = ScriptedLLM(["Here is the plan.", "Done. TERMINATE"])
    assistant = autogen.AssistantAgent("assistant", llm_config=llm.llm_config)
    llm.register(assistant)
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Union

from .script import ScriptedReplies, replies_phrase, times_phrase

__all__ = [
    "ScriptedLLM",
    "ScriptedModelClient",
    "LLMCall",
    "Reply",
    "tool_call",
    "scripted_llm_config",
]

#: A scripted reply: plain text (code blocks are just markdown fences in it), or a message dict
#: with ``tool_calls`` built by :func:`tool_call`.
Reply = Union[str, Dict[str, Any]]

_CONFIG_KEY = "hitl_script_id"
_SCRIPTS: Dict[str, ScriptedLLM] = {}
_ids = itertools.count(1)
_tool_call_ids = itertools.count(1)


class _DropScriptedClientNotice(logging.Filter):
    """AutoGen logs an INFO line to stdout for every custom client it sees. For the scripted
    model that line is noise in every lesson and breaks ``simulate --json``: drop only that one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "custom model client in config: ScriptedModelClient" not in record.getMessage()


logging.getLogger("autogen.oai.client").addFilter(_DropScriptedClientNotice())


def tool_call(name: str, /, **arguments: Any) -> Dict[str, Any]:
    """A scripted reply in which the model calls the tool ``name`` with ``arguments``."""
    return {
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{next(_tool_call_ids)}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)},
            }
        ],
    }


@dataclass(frozen=True)
class LLMCall:
    """One call to the model, recorded verbatim: its number, the messages it saw, and the scripted
    reply it got (None when the script had run out)."""

    call: int
    messages: List[Dict[str, Any]]
    reply: Optional[Reply] = None

    @property
    def last_content(self) -> str:
        """The text of the latest message the model saw (``""`` for none)."""
        return str((self.messages[-1].get("content") if self.messages else "") or "")


@dataclass
class _Message:
    content: Optional[str]
    tool_calls: Optional[List[Dict[str, Any]]] = None
    function_call: Optional[Dict[str, Any]] = None
    role: str = "assistant"

    def model_dump(self) -> Dict[str, Any]:
        """Like an OpenAI message: some distributions (ag2) read the choice's message directly."""
        d: Dict[str, Any] = {"content": self.content, "role": self.role}
        if self.tool_calls:
            d["tool_calls"] = copy.deepcopy(self.tool_calls)
        if self.function_call:
            d["function_call"] = copy.deepcopy(self.function_call)
        return d


@dataclass
class _Choice:
    message: _Message
    finish_reason: str = "stop"
    index: int = 0


@dataclass
class _Response:
    """Enough of an OpenAI ChatCompletion for AutoGen's ModelClientResponseProtocol."""

    choices: List[_Choice]
    model: str
    usage: Dict[str, Any] = field(default_factory=dict)
    cost: float = 0.0
    id: str = ""
    # ag2 attaches the client's message_retrieval here only when the attribute already exists.
    message_retrieval_function: Optional[Any] = None


class ScriptedLLM(ScriptedReplies[Reply, LLMCall]):
    """A model that answers from a list, in order, and records every call.

    It speaks the vocabulary both doubles share (:mod:`hitl_modes.chat.script`): ``calls`` (each an
    :class:`LLMCall`), ``call_count``, ``called``, ``last``, ``remaining``, ``assert_all_used()``.
    Strict by default: a call past the end of the script raises :class:`ScriptExhaustedError`
    naming the agent, the call number and the last message the model saw; it never loops and never
    invents empty text. With ``strict=True`` leftovers also fail a ``with ScriptedLLM(...)`` block
    and the ``scripted_llm`` fixture's teardown.
    """

    kind = "llm"
    reply_types = (str, dict)
    reply_words = "a str or a tool_call(...) dict"
    example = "ScriptedLLM(['Hello', 'TERMINATE'])"

    def __init__(
        self,
        replies: Sequence[Reply],
        *,
        name: Optional[str] = None,
        strict: bool = True,
        exhausted_reply: Optional[str] = None,
    ) -> None:
        """``exhausted_reply`` answers calls past the script instead of raising: for interactive
        exploration, where a person's replies may need more turns than were scripted."""
        super().__init__(replies, strict=strict, exhausted_reply=exhausted_reply)
        self.agent_name = name
        self.script_id = f"scripted-{next(_ids)}"
        _SCRIPTS[self.script_id] = self

    # -- wiring -------------------------------------------------------------------------------
    @property
    def llm_config(self) -> Dict[str, Any]:
        """An ``llm_config`` for an agent. ``cache_seed=None`` keeps AutoGen's disk cache off."""
        return {
            "config_list": [
                {
                    "model": "scripted-llm",
                    "model_client_cls": ScriptedModelClient.__name__,
                    _CONFIG_KEY: self.script_id,
                }
            ],
            "cache_seed": None,
        }

    def register(self, agent: Any) -> Any:
        """Activate the script on ``agent`` (AutoGen's ``register_model_client``). Returns the agent.

        Call it again after ``autogen.register_function(..., caller=agent)``: adding a tool makes
        AutoGen rebuild the agent's client, which drops every registered custom client."""
        if self.agent_name is None:
            self.agent_name = agent.name
        if _needs_registration(agent):
            agent.register_model_client(ScriptedModelClient, script=self)
        return agent

    # -- the script ---------------------------------------------------------------------------
    def next_reply(self, messages: List[Dict[str, Any]]) -> Reply:
        """Answer one model call (what :class:`ScriptedModelClient` asks for)."""
        seen = copy.deepcopy(messages)
        last = seen[-1].get("content") if seen else ""
        return self._answer(lambda call, reply: LLMCall(call, seen, reply), str(last or ""))

    def received(self, text: str) -> bool:
        """True when some call ended with ``text`` as the user's latest message (the human's
        feedback reached the model)."""
        return any(
            c.messages and c.messages[-1].get("role") == "user" and c.messages[-1].get("content") == text
            for c in self.calls
        )

    def _double(self) -> str:
        return f"ScriptedLLM for agent {self.agent_name!r}" if self.agent_name else "ScriptedLLM"

    def _count_phrase(self) -> str:
        return f"the model was called {times_phrase(self.call_count)}"

    def _exhausted_message(self, call: int, asked: str) -> str:
        who = self._double() if self.agent_name else "ScriptedLLM for an unregistered agent"
        return (
            f"{who}: model call #{call}, but only {replies_phrase(len(self._replies))} scripted. "
            f"The last message the model saw was: {asked[:200]!r}. Add a reply to the script, or stop "
            "the chat sooner (is_termination_msg, max_turns, max_consecutive_auto_reply)."
        )

    def __repr__(self) -> str:
        return f"ScriptedLLM({self.agent_name!r}, call_count={self.call_count}, remaining={len(self.remaining)})"


def _needs_registration(agent: Any) -> bool:
    clients = getattr(getattr(agent, "client", None), "_clients", None)
    if clients is None:
        return True
    return any(type(c).__name__ == "PlaceHolderClient" for c in clients)


def scripted_llm_config(replies: Sequence[Reply]) -> Dict[str, Any]:
    """One line from replies to an ``llm_config``; register the agent with
    ``agent.register_model_client(ScriptedModelClient)`` (AutoGen's own call)."""
    return ScriptedLLM(replies).llm_config


class ScriptedModelClient:
    """The ModelClient AutoGen instantiates: ``model_client_cls(config, **kwargs)``."""

    def __init__(self, config: Dict[str, Any], script: Optional[ScriptedLLM] = None, **_: Any) -> None:
        if script is None:
            script_id = config.get(_CONFIG_KEY)
            if script_id not in _SCRIPTS:
                raise ValueError(
                    "ScriptedModelClient: this config entry has no script. Build the llm_config with "
                    "ScriptedLLM([...]).llm_config or scripted_llm_config([...])."
                )
            script = _SCRIPTS[script_id]
        self.script = script
        self.model = config.get("model", "scripted-llm")

    def create(self, params: Dict[str, Any]) -> _Response:
        reply = self.script.next_reply(list(params.get("messages", [])))
        if isinstance(reply, str):
            message = _Message(content=reply)
        else:
            message = _Message(
                content=reply.get("content"),
                tool_calls=reply.get("tool_calls"),
                function_call=reply.get("function_call"),
            )
        return _Response(
            choices=[_Choice(message)], model=self.model, id=f"{self.script.script_id}-{self.script.call_count}"
        )

    def message_retrieval(self, response: _Response) -> List[Union[str, Dict[str, Any]]]:
        out: List[Union[str, Dict[str, Any]]] = []
        for choice in response.choices:
            m = choice.message
            if m.tool_calls or m.function_call:
                out.append(m.model_dump())
            else:
                out.append(m.content if m.content is not None else "")
        return out

    def cost(self, response: _Response) -> float:
        return 0.0

    @staticmethod
    def get_usage(response: _Response) -> Dict[str, Any]:
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "cost": 0.0, "model": response.model}
