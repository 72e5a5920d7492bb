"""A durable chat in a process of its own, for the SIGKILL tests (tests/inbox/test_durable.py):

    python -m tests.support.durable_chat CHECKPOINT INBOX_URL AUDIT OUT [--kill-at asking|applied]

The same TERMINATE-mode chat as `ChatInThread`, run through `DurableChat`. `--kill-at` makes the
process SIGKILL itself at a precise point: `asking` (the question is saved, the inbox not yet told),
`applied` (the person's feedback has reached the assistant). OUT receives the result as JSON."""

from __future__ import annotations

import argparse
import json
import os
import signal
from typing import Any, Dict, List

import autogen

from hitl_modes import ScriptedLLM
from hitl_modes.inbox.durable import DurableChat, load_checkpoint
from tests.support.inbox import AMENDED, DELETE, FEEDBACK

TASK = "Free some disk space."
REPLIES = [DELETE, AMENDED]


def build_agents(replies: List[str]) -> Any:
    llm = ScriptedLLM(replies)
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        code_execution_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    return llm, assistant, user_proxy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("url")
    parser.add_argument("audit")
    parser.add_argument("out")
    parser.add_argument("--kill-at", choices=["asking", "applied"])
    args = parser.parse_args()

    saved = load_checkpoint(args.checkpoint)
    # A model answers from the conversation it is sent; the scripted one continues where the
    # assistant's saved messages end.
    said = 0 if saved is None else sum(m["role"] == "assistant" for m in saved["messages"]["assistant"])
    llm, assistant, user_proxy = build_agents(REPLIES[said:])

    def die(*_: Any) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    if args.kill_at == "applied":

        def die_once_applied(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
            if messages and messages[-1].get("content") == FEEDBACK:
                die()
            return messages

        assistant.register_hook("process_all_messages_before_reply", die_once_applied)

    def on_checkpoint(event: str, state: Dict[str, Any]) -> None:
        if args.kill_at == "asking" and event == "asking":
            die()

    chat = DurableChat(
        args.checkpoint,
        user_proxy,
        assistant,
        args.url,
        timeout=120,
        audit_log=args.audit,
        echo=False,
        poll_seconds=2,
        on_checkpoint=on_checkpoint,
    )
    result = chat.run(TASK, silent=True)
    llm.assert_all_used()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "history": result.chat_history,
                "human_input": result.human_input,
                "resumed": chat.resumed,
                "model_requests": [r.messages for r in llm.requests],
            },
            f,
        )


if __name__ == "__main__":
    main()
