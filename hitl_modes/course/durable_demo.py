"""A durable chat in a process of its own, to kill and resume: lesson 17's exercise 3 runs it from a
terminal, and ``tests/inbox/test_durable.py`` kills it with SIGKILL at precise points. Lesson 17.

    python -m hitl_modes.course.durable_demo CHECKPOINT INBOX_URL AUDIT OUT [--kill-at asking|applied]

A TERMINATE-mode ``user_proxy`` asks the inbox (agent token from ``HITL_INBOX_AGENT_TOKEN`` or the
URL's ``#agent=``) through ``DurableChat``; the assistant's model is scripted. Run it again with the
same CHECKPOINT and it resumes. ``--kill-at`` makes the process SIGKILL itself at a precise point:
``asking`` (the question is saved, the inbox not yet told) or ``applied`` (the person's feedback
has reached the assistant). OUT receives the result as JSON: ``history``, ``human_input``,
``resumed`` and ``model_requests`` (every request the model got in this process).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from typing import Any, Dict, List, Optional, Sequence, Tuple

import autogen

from ..chat.llm import ScriptedLLM
from ..inbox.durable import DurableChat, load_checkpoint

__all__ = ["TASK", "REPLIES", "FEEDBACK", "build_agents", "main"]

TASK = "Free some disk space."
REPLIES = [
    "Deleting the old logs:\n```sh\nrm -rf /var/log/app\n```\nTERMINATE",
    "Understood: logs kept, only build/ cleaned. TERMINATE",
]
#: What the person replies to the first proposal in the lesson and the tests.
FEEDBACK = "Keep the logs; clean build/ only."


#: What the scripted model says when a person took the chat past its script.
SCRIPT_ENDED = "(The scripted model has no more replies.) TERMINATE"


def build_agents(replies: Sequence[str], *, strict: bool = True) -> Tuple[ScriptedLLM, Any, Any]:
    """The chat's agents, built the same way in every process: (model, assistant, user_proxy).
    ``strict=False``: a call past the script answers :data:`SCRIPT_ENDED` instead of raising."""
    llm = ScriptedLLM(list(replies), exhausted_reply=None if strict else SCRIPT_ENDED)
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    return llm, assistant, user_proxy


def _die(*_: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hitl_modes.course.durable_demo")
    parser.add_argument("checkpoint")
    parser.add_argument("url")
    parser.add_argument("audit")
    parser.add_argument("out")
    parser.add_argument("--kill-at", choices=["asking", "applied"])
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)

    saved = load_checkpoint(args.checkpoint)
    # A model answers from the conversation it is sent; the scripted one continues where the
    # assistant's saved messages end.
    said = 0 if saved is None else sum(m["role"] == "assistant" for m in saved["messages"]["assistant"])
    # A person may take the chat past the script (feedback twice): then the model ends it.
    llm, assistant, user_proxy = build_agents(REPLIES[said:], strict=False)

    if args.kill_at == "applied":

        def die_once_applied(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
            if messages and messages[-1].get("content") == FEEDBACK:
                _die()
            return messages

        assistant.register_hook("process_all_messages_before_reply", die_once_applied)

    def on_checkpoint(event: str, state: Dict[str, Any]) -> None:
        if args.kill_at == "asking" and event == "asking":
            _die()

    chat = DurableChat(
        args.checkpoint,
        user_proxy,
        assistant,
        args.url,
        timeout=args.timeout,
        audit_log=args.audit,
        echo=False,
        poll_seconds=2,
        on_checkpoint=on_checkpoint,
    )
    result = chat.run(TASK, silent=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "history": result.chat_history,
                "human_input": result.human_input,
                "resumed": chat.resumed,
                "model_requests": [r.messages for r in llm.calls],
            },
            f,
        )


if __name__ == "__main__":
    main()
