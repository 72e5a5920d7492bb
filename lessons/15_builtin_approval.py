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
# # Lesson 15 — What AutoGen already does: its own approval of tool calls and code, and hooks
#
# Lessons 07–10 build gates. Before you add one, know what AutoGen does by itself when a person
# stands between the assistant and an action:
#
# | the proxy would run... | Enter | any other text | `exit` |
# |---|---|---|---|
# | a **tool call** | the tool runs | the text is sent, with a result `"USER INTERRUPTED"` per call | the chat ends |
# | a **code block** | the code runs | the text is sent instead; nothing runs | the chat ends |
#
# That is the whole built-in approval: the same prompt as any other turn ("Press enter to skip and
# use auto-reply"), which never shows *what* would run, and where Enter means yes. This lesson runs
# each row on AutoGen's real agents, then shows what lesson 08's and lesson 10's gates add, and
# why a `process_message_before_send` hook can change a message but never stop one.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 15`. As a notebook: in JupyterLab started with
# `make lab`, which runs from the project's `.venv`, with the kernel **Python 3 (ipykernel)** (it has
# `hitl_modes` and `pyautogen==0.2.35`).
#
# A scripted human answers by default, so every claim is checked. To type the human's part yourself,
# add `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell
# above the setup cell below, then run the notebook from that cell on. Each time AutoGen asks, it
# waits for your answer (in a box under the cell in a notebook): press Enter, type feedback, or
# type `exit`.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop a chat that waits for you, type `exit`: the chat ends and the lesson goes on. To stop the
#   whole lesson, interrupt it (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a
#   terminal): it stops with one line saying so, and sends no reply. `%env HITL_HUMAN=script`, then
#   the setup cell again, brings the scripted human back.

# %%
import tempfile
from pathlib import Path

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import RiskGatedProxy, ScriptedLLM, make_executor, tool_call
from hitl_modes.course.exercises.lesson15 import check_redaction_hook, check_tool_call_replies
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(15, "What AutoGen already does: tool-call and code approval, hooks")

ASK_ALWAYS = (
    "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
    "or type 'exit' to end the conversation: "
)
outbox = []  # what the email tool "sent"


def send_email(to: str, subject: str) -> str:
    """Send an email (here: append it to `outbox`)."""
    outbox.append((to, subject))
    return f"sent to {to}"


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def always_proxy(**kwargs):
    """A plain AutoGen proxy in ALWAYS mode: AutoGen's own approval, nothing added."""
    kwargs.setdefault("code_execution_config", False)
    return autogen.UserProxyAgent(
        "user_proxy", human_input_mode="ALWAYS", is_termination_msg=is_termination_msg, **kwargs
    )


def emailing_assistant(replies, executor):
    """An assistant that may call send_email, executed by ``executor`` (AutoGen's register_function)."""
    assistant = lesson.assistant("assistant", replies, system_message="Use your tools. Say TERMINATE when done.")
    autogen.register_function(send_email, caller=assistant, executor=executor, description="Send an email.")
    assistant.hitl_llm.register(assistant)  # adding a tool rebuilt the assistant's model client
    return assistant


def messages_to_model(assistant):
    """The messages the model saw on its last call (what AutoGen sent it)."""
    return assistant.hitl_llm.last.messages


EMAIL = tool_call("send_email", to="all-customers@example.com", subject="Prices rise 20%")
TASK = "Tell all customers about the price change."

# %% [markdown]
# ## 1. A tool call in ALWAYS: Enter runs it
#
# The assistant proposes one tool call, `send_email(...)`, registered the AutoGen way:
# `autogen.register_function(send_email, caller=assistant, executor=user_proxy)`. The proxy asks the
# person with its usual prompt. Enter lets AutoGen's reply chain carry on to
# `generate_tool_calls_reply`, which runs the tool.

# %%
proxy = always_proxy()
assistant = emailing_assistant([EMAIL, "Sent. TERMINATE"], proxy)
with lesson.human(["", ""], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, TASK, title="Enter on a tool call")

prompts = run.trace.of_kind("human_prompt")
lesson.claim(
    "the person saw the ordinary ALWAYS prompt, which does not show the tool call",
    lambda: prompts[0].content == ASK_ALWAYS and "send_email" not in prompts[0].content,
)
lesson.claim("Enter ran the tool: the email was sent", outbox == [("all-customers@example.com", "Prices rise 20%")])
lesson.claim(
    "the model then got the tool's result",
    lambda: (
        messages_to_model(assistant)[-1]
        == {
            "tool_call_id": EMAIL["tool_calls"][0]["id"],
            "role": "tool",
            "content": "sent to all-customers@example.com",
        }
    ),
)

# %% [markdown]
# ## 2. Text interrupts the call, `exit` ends the chat
#
# Any other text is sent as the person's message **and** AutoGen answers every pending call with a
# tool result `"USER INTERRUPTED"` (the model's API needs one result per call). Here the model asks
# for two emails in one reply; neither is sent. `exit` ends the chat on the spot: no tool, no reply.

# %%
outbox.clear()
CORRECTION = "Not to everyone: draft it for me first."
TWO_EMAILS = {
    "content": None,
    "tool_calls": [
        tool_call("send_email", to="all-customers@example.com", subject="Prices rise 20%")["tool_calls"][0],
        tool_call("send_email", to="press@example.com", subject="Prices rise 20%")["tool_calls"][0],
    ],
}
proxy = always_proxy()
assistant = emailing_assistant([TWO_EMAILS, "Here is a draft instead. TERMINATE"], proxy)
with lesson.human([CORRECTION, ""], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, TASK, title="text on a tool call")


def proxys_reply():
    """What the proxy answered to the tool call: the third message of the chat."""
    return proxy.chat_messages[assistant][2]


lesson.claim("neither call ran", outbox == [])
lesson.claim(
    "the proxy's reply carried the text and one 'USER INTERRUPTED' tool response per call",
    lambda: (
        proxys_reply()["content"] == CORRECTION
        and [(r["tool_call_id"], r["content"]) for r in proxys_reply()["tool_responses"]]
        == [(c["id"], "USER INTERRUPTED") for c in TWO_EMAILS["tool_calls"]]
    ),
)
lesson.claim(
    "the model saw the two 'USER INTERRUPTED' results, then the person's text",
    lambda: (
        [(m["role"], m["content"]) for m in messages_to_model(assistant)[-3:]]
        == [("tool", "USER INTERRUPTED")] * 2 + [("user", CORRECTION)]
    ),
)

proxy = always_proxy()
assistant = emailing_assistant([EMAIL], proxy)
with lesson.human(["exit"], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, TASK, title="exit on a tool call")
lesson.claim(
    "'exit' ended the chat: the tool did not run and the model was called once",
    run.stop_reason == "human_exit" and outbox == [] and assistant.hitl_llm.call_count == 1,
)

# %% [markdown]
# In TERMINATE mode the same rules apply, but only where TERMINATE pauses: at a termination message
# and at the auto-reply limit. Before the limit, a tool call runs **without asking anyone**. With
# `max_consecutive_auto_reply=1`, the first email goes out unasked; the second pauses, and Enter
# sends it.

# %%
outbox.clear()
proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="TERMINATE",
    max_consecutive_auto_reply=1,
    is_termination_msg=is_termination_msg,
    code_execution_config=False,
)
assistant = emailing_assistant([EMAIL, EMAIL, "Both sent. TERMINATE"], proxy)
with lesson.human(["", ""], mode="TERMINATE"):
    run = lesson.run(proxy, assistant, TASK, title="TERMINATE: a tool call before and at the limit")
lesson.claim(
    "TERMINATE ran the first tool call without asking, and asked only at the limit",
    lambda: len(outbox) == 2 and run.trace.of_kind("human_prompt")[0].detail == "max_consecutive_auto_reply",
)

# %% [markdown]
# ## 3. What lesson 08's gate adds
#
# `RiskGatedProxy` (lesson 08) puts its own reply function in front of AutoGen's. The same email
# call, the same Enter, a different outcome:
#
# - the prompt **shows the action** and the policy's reasons, instead of "use auto-reply";
# - Enter, silence or a timeout **deny** a high-risk action; only `approve`/`yes` runs it;
# - low-risk calls run without a question, and every decision is recorded (and logged with
#   `audit_log=`);
# - a denied call still gets a tool result (`DENIED ...`), like AutoGen's "USER INTERRUPTED".

# %%
outbox.clear()
operator = RiskGatedProxy(
    "user_proxy", is_termination_msg=is_termination_msg, code_execution_config=False, audit_log=lesson.audit_log
)
assistant = emailing_assistant([EMAIL, "Understood, not sent. TERMINATE"], operator)
with lesson.human([""], mode="NEVER"):
    run = lesson.run(operator, assistant, TASK, title="the same call behind RiskGatedProxy: Enter")

lesson.claim("the gate's prompt named the action", lambda: "send_email" in run.trace.human_prompts[0])
lesson.claim(
    "Enter denied it: nothing was sent",
    lambda: [(d.decision, d.response) for d in operator.gate_decisions] == [("rejected", "")] and outbox == [],
)
lesson.claim(
    "the model got a tool result saying it was denied",
    lambda: "DENIED" in str(messages_to_model(assistant)[-1]["content"]),
)

# %% [markdown]
# ## 4. Enter runs code, too
#
# AutoGen's own human-feedback example works this way: the assistant writes a code block, the
# proxy asks with the usual prompt, and Enter ("use auto-reply") **executes the code**. The prompt
# never shows the code or says that it will run it.

# %%
work_dir = Path(tempfile.mkdtemp(prefix="hitl-lesson15-"))
CODE = "```python\nfrom pathlib import Path\nPath('report.txt').write_text('by the assistant')\nprint('done')\n```"

proxy = always_proxy(code_execution_config={"work_dir": str(work_dir), "use_docker": False})
assistant = lesson.assistant("assistant", [CODE, "The report is written. TERMINATE"])
with lesson.human(["", ""], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, "Write the report file.", title="Enter on a code block")
results = [m.content for m in run.trace.messages if m.source == "code_result"]
lesson.claim(
    "Enter ran the code: the file exists and AutoGen reported exit code 0",
    lambda: (work_dir / "report.txt").exists() and results[0].startswith("exitcode: 0 (execution succeeded)"),
)
lesson.claim("the prompt did not show the code", lambda: "write_text" not in run.trace.human_prompts[0])

# %% [markdown]
# Text instead of Enter: the text goes to the assistant and the code does not run. (`exit` ends the
# chat, as for a tool call.)

# %%
(work_dir / "report.txt").unlink(missing_ok=True)
proxy = always_proxy(code_execution_config={"work_dir": str(work_dir), "use_docker": False})
assistant = lesson.assistant("assistant", [CODE, "Understood. TERMINATE"])
with lesson.human(["Don't write files yet.", ""], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, "Write the report file.", title="text on a code block")
lesson.claim(
    "text on a code block: nothing ran, and the model got the text",
    lambda: (
        not (work_dir / "report.txt").exists()
        and not run.trace.of_kind("code_execution")
        and assistant.hitl_llm.received("Don't write files yet.")
    ),
)

# %% [markdown]
# Lesson 10's gate (`make_executor(..., require_approval=True)`) asks **about the code**, when AutoGen
# is about to execute it: the prompt shows every block and where it would run, `no` (or any text)
# rejects it, and with nobody to answer nothing runs. Here the person presses Enter at AutoGen's
# prompt, as before, and then reads the code and says `no`.

# %%
(work_dir / "report.txt").unlink(missing_ok=True)
gated = make_executor("local", work_dir, timeout=10, require_approval=True)
proxy = always_proxy(code_execution_config={"executor": gated})
assistant = lesson.assistant("assistant", [CODE, "Not written, as you asked. TERMINATE"])
with lesson.human(["", "no", ""], mode="ALWAYS"):
    run = lesson.run(proxy, assistant, "Write the report file.", title="Enter, then lesson 10's gate")
lesson.claim(
    "the gate's question showed the code and where it would run",
    lambda: "write_text" in run.trace.human_prompts[1] and "APPROVAL NEEDED" in run.trace.human_prompts[1],
)
lesson.claim("'no' at the gate: the code did not run", not (work_dir / "report.txt").exists())

# %% [markdown]
# ## 5. Hooks can change a message, not stop it
#
# `agent.register_hook("process_message_before_send", hook)` calls `hook(sender, message, recipient,
# silent)` on every message the agent sends, and sends what the hook returns. That is a good place
# to **redact**. It is not a place to **approve**: the model has already answered (and been paid),
# and there is no "don't send". Returning `None` does not cancel the message: AutoGen tries to send
# `None` and raises `TypeError` in the middle of the chat.

# %%
CARD = "4111 1111 1111 1111"


def redact(sender, message, recipient, silent):
    if isinstance(message, str):
        return message.replace(CARD, "[card number]")
    if isinstance(message, dict) and isinstance(message.get("content"), str):
        return {**message, "content": message["content"].replace(CARD, "[card number]")}
    return message  # a tool call, for instance: pass it on unchanged


assistant = lesson.assistant("assistant", [f"The card on file is {CARD}. TERMINATE"])
assistant.register_hook("process_message_before_send", redact)
proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", is_termination_msg=is_termination_msg, code_execution_config=False
)
run = lesson.run(proxy, assistant, "Which card is on file?", title="a redacting hook")
lesson.claim(
    "the hook changed the message before the proxy received it",
    lambda: proxy.chat_messages[assistant][-1]["content"] == "The card on file is [card number]. TERMINATE",
)


# %%
def veto(sender, message, recipient, silent):
    return None  # "don't send it": AutoGen has no such answer


llm = ScriptedLLM(["rm -rf build/ TERMINATE"])
assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
assistant.register_hook("process_message_before_send", veto)
proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", is_termination_msg=is_termination_msg, code_execution_config=False
)
try:
    proxy.initiate_chat(assistant, message="Clean up.", silent=True)
    raised = None
except TypeError as e:
    raised = e
print(f"returning None raised: {type(raised).__name__}: {raised}")
lesson.claim(
    "a hook that returns None crashes the chat with TypeError, after the model was called",
    isinstance(raised, TypeError) and llm.call_count == 1,
)

# %% [markdown]
# ## Summary
#
# - In ALWAYS, and in TERMINATE where it pauses, AutoGen's prompt is its approval: Enter runs the
#   proposed tool call or code block, text interrupts it (tool calls get `"USER INTERRUPTED"`),
#   `exit` ends the chat. The prompt never shows what would run, and Enter means yes.
# - TERMINATE runs tool calls and code without asking until the auto-reply limit.
# - Lesson 08's `RiskGatedProxy` shows the action, denies on Enter, silence or timeout, lets low
#   risk through and records every decision. Lesson 10's gate asks about each code block where it
#   would run, and runs nothing when nobody answers.
# - `process_message_before_send` hooks rewrite messages (redaction). They cannot stop one:
#   returning `None` raises `TypeError` mid-chat.
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
