"""One scripted two-agent chat, the one behind ``simulate``, the exercise checks and the limit experiments.

``user_proxy`` (a ``UserProxyAgent``) starts a chat with ``assistant`` (an ``AssistantAgent`` on a
:class:`ScriptedLLM`) through :func:`record_chat`, with a human stream installed. Every setting the
caller leaves out stays at AutoGen's default. The callers differ in the termination check (a
parameter, like every AutoGen setting) and in which script running out is an outcome to report
rather than an error: ``report_exhausted``.

    chat = run_scripted_chat(["draft", "done TERMINATE"], ScriptedHuman(["more"], echo=False), "task",
                             human_input_mode="TERMINATE", is_termination_msg=ends_with_terminate)
    chat.trace.stop_reason, chat.llm.call_count, chat.human.prompts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, Dict, Optional, Sequence, Union

from ..chat.llm import Reply, ScriptedLLM
from ..chat.record import RecordedRun, record_chat
from ..chat.stream import InstallableStream
from ..chat.trace import Trace
from ..errors import ScriptExhaustedError

__all__ = ["ScriptedChat", "run_scripted_chat", "AUTOGEN_DEFAULT"]


class _AutogenDefault:
    def __repr__(self) -> str:
        return "AUTOGEN_DEFAULT"


#: Leaves a setting out of the agent's constructor, so AutoGen's own default applies.
AUTOGEN_DEFAULT: Any = _AutogenDefault()


@dataclass
class ScriptedChat:
    """A finished chat, or one whose script ran out (``error`` set, ``run`` None, ``trace`` partial)."""

    trace: Trace
    llm: ScriptedLLM
    human: Any
    user_proxy: Any
    assistant: Any
    run: Optional[RecordedRun] = None
    error: Optional[ScriptExhaustedError] = None


def run_scripted_chat(
    llm_replies: Sequence[Reply],
    human: InstallableStream,
    task: Any,
    *,
    human_input_mode: Optional[str],
    proxy_class: str = "UserProxyAgent",
    is_termination_msg: Optional[Callable[[Dict[str, Any]], bool]] = None,
    max_consecutive_auto_reply: Optional[int] = None,
    assistant_max_consecutive_auto_reply: Optional[int] = None,
    default_auto_reply: Any = AUTOGEN_DEFAULT,
    code_execution_config: Union[Dict[str, Any], bool] = False,
    max_turns: Optional[int] = None,
    quiet: bool = True,
    report_exhausted: Collection[str] = (),
    setup: Optional[Callable[[Any, Any, ScriptedLLM], None]] = None,
) -> ScriptedChat:
    """Run ``user_proxy.initiate_chat(assistant, message=task, max_turns=max_turns)``, recorded,
    with ``human`` installed as AutoGen's IOStream.

    ``None`` for ``human_input_mode``, ``is_termination_msg`` or a limit, and :data:`AUTOGEN_DEFAULT`
    for ``default_auto_reply``, keep AutoGen's default. ``proxy_class`` is ``"UserProxyAgent"`` or
    ``"ConversableAgent"`` (built with ``llm_config=False``). ``setup(user_proxy, assistant, llm)``
    runs before the chat starts (to register tools, say). ``quiet`` hides AutoGen's printing.
    ``report_exhausted`` names the scripts (``"llm"``, ``"human"``) whose running out ends the
    chat with ``error`` set; any other :class:`ScriptExhaustedError` propagates.
    """
    import autogen

    proxy_kwargs: Dict[str, Any] = {"code_execution_config": code_execution_config}
    if human_input_mode is not None:
        proxy_kwargs["human_input_mode"] = human_input_mode
    if is_termination_msg is not None:
        proxy_kwargs["is_termination_msg"] = is_termination_msg
    if max_consecutive_auto_reply is not None:
        proxy_kwargs["max_consecutive_auto_reply"] = max_consecutive_auto_reply
    if default_auto_reply is not AUTOGEN_DEFAULT:
        proxy_kwargs["default_auto_reply"] = default_auto_reply
    if proxy_class == "ConversableAgent":
        user_proxy = autogen.ConversableAgent("user_proxy", llm_config=False, **proxy_kwargs)
    else:
        user_proxy = autogen.UserProxyAgent("user_proxy", **proxy_kwargs)
    llm = ScriptedLLM(list(llm_replies))
    assistant_kwargs: Dict[str, Any] = {}
    if assistant_max_consecutive_auto_reply is not None:
        assistant_kwargs["max_consecutive_auto_reply"] = assistant_max_consecutive_auto_reply
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config, **assistant_kwargs))
    if setup is not None:
        setup(user_proxy, assistant, llm)
    with human:
        try:
            run = record_chat(user_proxy, assistant, task, max_turns=max_turns, quiet=quiet, silent=quiet)
        except ScriptExhaustedError as e:
            if e.kind not in report_exhausted:
                raise
            return ScriptedChat(e.trace or Trace(), llm, human, user_proxy, assistant, error=e)
    return ScriptedChat(run.trace, llm, human, user_proxy, assistant, run=run)
