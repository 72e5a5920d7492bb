# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 08 — AutoGen's own approval of tool calls and code, and what a hook can do
#
# Before you add a gate of your own, know what AutoGen does by itself when a person stands between
# the assistant and an action. A `UserProxyAgent` executes the assistant's tool calls and code
# blocks. In `human_input_mode="ALWAYS"` it asks its person first, at every turn; in `"TERMINATE"`
# only where it pauses (at a termination message, or at its auto-reply limit). The answer is the
# approval:
#
# | the proxy would run... | Enter | any other text | `exit` |
# |---|---|---|---|
# | a **tool call** | the tool runs | the text is sent; each call gets the result `"USER INTERRUPTED"` | the chat ends |
# | a **code block** | the code runs | the text is sent instead; nothing runs | the chat ends |
#
# The question is AutoGen's usual one ("Press enter to skip and use auto-reply, or type 'exit'"):
# it does not show what would run, and Enter means yes. Section 5 shows a hook, the other place
# you might look for a veto, and why it is not one.
#
# Every chat cell below is plain AutoGen. The lines that start with `course.` are this course's:
# `course.script(...)` says what the offline model answers and what the scripted person types
# (`""` is Enter), and `course.check(...)` checks what the lesson says. Delete them and the cell
# still runs against your model, with you typing the answers.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 8` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your own machine, so the `config_list` below is the one you would write.
#
# A scripted person answers by default, so every claim is checked. To answer yourself, add
# `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell above
# the setup cell, then run the notebook from there. Before each chat the course prints what the
# script would answer; press Enter, type text, or type `exit`. After an Enter AutoGen prints
# `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red: not an error, just "you typed nothing". To stop the
# whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C).

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import os
import tempfile
from pathlib import Path

import autogen

from hitl_modes.course.exercises.lesson08 import check_redaction_hook, check_tool_call_replies

course = Course.setup(8, "AutoGen's own approval of tool calls and code, and hooks")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}  # cache_seed=None: ask the model every time

# %% [markdown]
# ## 1. A tool call in ALWAYS: Enter runs it
#
# The assistant may call `send_email`, registered the AutoGen way: `autogen.register_function(...,
# caller=assistant, executor=user_proxy)`. The proxy executes it, and in ALWAYS it asks first.


# %%
def is_termination_msg(message):
    return "TERMINATE" in (message.get("content") or "")


sent = []  # what send_email "sent"


def send_email(to: str, subject: str) -> str:
    sent.append((to, subject))
    return f"sent to {to}"


def emailing_agents(human_input_mode, max_consecutive_auto_reply=10):
    assistant = autogen.AssistantAgent(
        "assistant", llm_config=llm_config, system_message="Use your tools. Say TERMINATE when done."
    )
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=human_input_mode,
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        is_termination_msg=is_termination_msg,
        code_execution_config=False,
    )
    autogen.register_function(send_email, caller=assistant, executor=user_proxy, description="Send an email.")
    return assistant, user_proxy


TASK = "Tell all customers about the price change."
email = course.tool_call("send_email", to="all@example.com", subject="Prices")
course.script(model=[email, "Sent. TERMINATE"], human=["", ""])

assistant, user_proxy = emailing_agents("ALWAYS")
result = user_proxy.initiate_chat(assistant, message=TASK)

# %% [markdown]
# The person pressed Enter twice (`result.human_input == ["", ""]`): at the tool call, which ran,
# and at the final TERMINATE, which ends the chat. In `result.chat_history` the assistant's call is
# a message with `tool_calls` and no `content`; the proxy's answer carries the tool's result in
# `tool_responses`.

# %%
print(f"human_input={result.human_input}; sent={sent}")
call, answer = result.chat_history[1], result.chat_history[2]
print(f"the assistant's call: content={call['content']}, tool_calls={call['tool_calls']}")
print(f"the proxy's answer: {answer}")
tool_result = answer["content"]
course.check("Enter at the call ran the tool, and the model got its result", tool_result == "sent to all@example.com")

# %% [markdown]
# ## 2. Text interrupts every pending call; `exit` ends the chat
#
# Here the model asks for two emails in one reply. The person types a correction: AutoGen sends it
# **and** answers each pending call with the tool result `"USER INTERRUPTED"` (the model's API needs
# one result per call). The model tries again; `exit` ends the chat there, and nothing runs.

# %%
sent.clear()
CORRECTION = "Not to everyone: draft it for me first."
PRESS = "press@example.com"
calls = [course.tool_call("send_email", to=to, subject="Prices")["tool_calls"][0] for to in ("all@example.com", PRESS)]
again = course.tool_call("send_email", to=PRESS, subject="Prices")
course.script(model=[{"content": None, "tool_calls": calls}, again], human=[CORRECTION, "exit"])

assistant, user_proxy = emailing_agents("ALWAYS")
result = user_proxy.initiate_chat(assistant, message=TASK)

# %%
answer = result.chat_history[2]  # the proxy's answer to the two calls
typed = result.human_input[0]  # what the person typed at the two calls
results = [response["content"] for response in answer["tool_responses"]]
print(f"the proxy answered {answer['content']!r}, with the tool results {results}")
ended = "tool_calls" in result.chat_history[-1]  # the chat's last message is the call the person stopped at
interrupted = results == ["USER INTERRUPTED"] * 2
course.check("text on two calls: nothing sent, both got 'USER INTERRUPTED'", not sent and interrupted)
course.check("the text went to the model; 'exit' at the next call ended it", answer["content"] == typed and ended)

# %% [markdown]
# ## 3. TERMINATE asks only where it pauses
#
# In TERMINATE mode the same answers mean the same things, but the proxy asks only at a termination
# message and at its auto-reply limit. Before the limit, a tool call runs **without asking anyone**.
# With `max_consecutive_auto_reply=1`, the first email goes out unasked; at the second the proxy has
# reached its limit and asks, and Enter sends it. At the final TERMINATE, Enter ends the chat.

# %%
sent.clear()
course.script(model=[email, again, "Both sent. TERMINATE"], human=["", ""])

assistant, user_proxy = emailing_agents("TERMINATE", max_consecutive_auto_reply=1)
result = user_proxy.initiate_chat(assistant, message=TASK)

# %%
asked = len(result.human_input)
print(f"sent={sent}; human_input={result.human_input}")
course.check("two emails sent; the person was asked twice, for three model replies", len(sent) == 2 and asked == 2)

# %% [markdown]
# ## 4. A code block: Enter runs it, text stops it
#
# AutoGen's own human-feedback example works this way: the assistant writes a code block, the proxy
# asks with the usual prompt, and Enter ("use auto-reply") **executes the code**, here in a
# temporary folder on your machine.

# %%
work_dir = Path(tempfile.mkdtemp(prefix="lesson08-"))
report = work_dir / "report.txt"
CODE = "```python\nfrom pathlib import Path\nPath('report.txt').write_text('by the assistant')\nprint('done')\n```"
course.script(model=[CODE, "The report is written. TERMINATE"], human=["", ""])

assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config={"work_dir": str(work_dir), "use_docker": False},
)
result = user_proxy.initiate_chat(assistant, message="Write the report file.")

# %%
ran = result.chat_history[2]["content"]
print(f"the proxy's answer to the code: {ran!r}")
course.check("Enter ran the code: exit code 0, and the file exists", ran.startswith("exitcode: 0") and report.exists())

# %% [markdown]
# Text instead of Enter: the text goes to the assistant and the code does not run. The assistant
# proposes the code again, and `exit` ends the chat: still nothing ran.

# %%
report.unlink()
TEXT = "Don't write files yet."
course.script(model=[CODE, CODE], human=[TEXT, "exit"])
result = user_proxy.initiate_chat(assistant, message="Write the report file.")

# %%
said, typed = result.chat_history[2]["content"], result.human_input[0]
print(f"human_input={result.human_input}; the proxy said: {said!r}")
course.check("text, then 'exit': the text went to the assistant, nothing ran", said == typed and not report.exists())

# %% [markdown]
# ## 5. A hook can change a message, not stop it
#
# `agent.register_hook("process_message_before_send", hook)` calls `hook(sender, message, recipient,
# silent)` on every message the agent sends, and sends what the hook returns. That is a good place
# to **redact**. It is not a place to **approve**: the model has already answered, and there is no
# "don't send". Returning `None` does not cancel the message: AutoGen tries to send `None` and
# raises `TypeError` in the middle of the chat.

# %%
CARD = "4111 1111 1111 1111"


def redact(sender, message, recipient, silent):
    if isinstance(message, str):
        return message.replace(CARD, "[card number]")
    if isinstance(message, dict) and isinstance(message.get("content"), str):
        return {**message, "content": message["content"].replace(CARD, "[card number]")}
    return message  # a tool call, for instance: pass it on unchanged


course.script(model=[f"The card on file is {CARD}. TERMINATE"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
assistant.register_hook("process_message_before_send", redact)
user_proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", is_termination_msg=is_termination_msg, code_execution_config=False
)
result = user_proxy.initiate_chat(assistant, message="Which card is on file?")


# %%
def veto(sender, message, recipient, silent):
    return None  # "don't send it": AutoGen has no such answer


course.script(model=["Deleting build/ now. TERMINATE"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
assistant.register_hook("process_message_before_send", veto)
user_proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", is_termination_msg=is_termination_msg, code_execution_config=False
)
try:
    user_proxy.initiate_chat(assistant, message="Clean up the build folder.")
    crashed = None
except TypeError as error:
    crashed = error
    print(f"returning None crashed the chat: {type(error).__name__}: {error}")

# %%
redacted = result.chat_history[-1]["content"]  # from the first chat: what the proxy received
print(f"the proxy received {redacted!r}")
course.check("the redacting hook changed the text before the proxy received it", CARD not in redacted)
course.check("the vetoing hook did not stop the message: the chat crashed", isinstance(crashed, TypeError))

# %% [markdown]
# ## Summary
#
# - In ALWAYS, and in TERMINATE where it pauses, AutoGen's question is its approval: Enter runs the
#   proposed tool call or code block, text interrupts it (each tool call gets `"USER INTERRUPTED"`),
#   `exit` ends the chat. The question never shows what would run, and Enter means yes.
# - TERMINATE runs tool calls and code without asking until the auto-reply limit.
# - `process_message_before_send` hooks rewrite messages (redaction). They cannot stop one:
#   returning `None` raises `TypeError` mid-chat.
# - What AutoGen leaves to you, and the gates of the next lessons add: a question that shows the
#   action; a default that is safe (Enter, silence or a timeout deny); approval by a deliberate word;
#   a side effect that happens exactly once; a record of each decision.
#
# ## Exercises
#
# 1. An ALWAYS chat in which the assistant calls `send_email` twice, then ends with TERMINATE.
#    Write `my_replies` so that the first call is interrupted with your own instruction, the second
#    runs, and the chat ends at the final answer without `exit`.
# 2. Write a `process_message_before_send` hook `my_hook(sender, message, recipient, silent)` that
#    replaces every email address in a message's text with `[email]`, and passes everything else on
#    unchanged (a tool call's content is `None`). It must never return `None`.

# %%
my_replies = ["exit"]  # your answer: this starter ends the chat at the first call

print(check_tool_call_replies(my_replies))


# %%
def my_hook(sender, message, recipient, silent):
    # Your answer here. This starter redacts nothing.
    return message


print(check_redaction_hook(my_hook))
