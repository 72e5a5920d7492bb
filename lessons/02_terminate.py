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
# # Lesson 02 — `human_input_mode="TERMINATE"`: supervised automation
#
# A `UserProxyAgent` with `human_input_mode="TERMINATE"` auto-replies like NEVER, but where NEVER
# would stop on its own, it hands the decision to a person. Most tutorials say "it asks the human
# when the assistant says TERMINATE". AutoGen's `check_termination_and_human_reply` asks in
# **two** places:
#
# 1. on a termination message (the proxy's `is_termination_msg` is true), and
# 2. when the proxy has auto-replied `max_consecutive_auto_reply` times in a row.
#
# What the person types means different things in each place:
#
# | asked at... | Enter | any other text | `exit` |
# |---|---|---|---|
# | a termination message | ends the chat | sent to the assistant as feedback | ends the chat |
# | the auto-reply limit | the proxy auto-replies, the chat goes on | sent as feedback | ends the chat |
#
# Every cell of that table is run below on AutoGen's real agents, with a scripted model and a
# scripted human, and asserted. To be the human yourself, in a terminal or in this notebook, see
# *Running this lesson* below; for a real model, add `--live` (in a notebook, `%env HITL_LIVE=1`).

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 2`. As a notebook: in JupyterLab started with
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
import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes.course.exercises.lesson02 import PREDICT_SCENARIO, check_feedback_once, check_predicted_prompts
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(2, "TERMINATE: supervised automation")

# The end of AutoGen's two prompts: they tell the person what Enter will do.
ASK_AT_TERMINATION = "Press enter or type 'exit' to stop the conversation: "
ASK_AT_LIMIT = "Press enter to skip and use auto-reply, or type 'exit' to stop the conversation: "


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def supervised_proxy(limit=10):
    """A TERMINATE-mode proxy. A visible default_auto_reply makes its auto-replies easy to spot."""
    return autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        is_termination_msg=is_termination_msg,
        max_consecutive_auto_reply=limit,
        default_auto_reply="Please continue.",
        code_execution_config=False,
    )


def asked(run):
    """Each time the human was asked: (why, the prompt's wording). `why` is the trace's detail."""
    return [(e.detail, e.content) for e in run.trace.of_kind("human_prompt")]


# %% [markdown]
# ## 1. It pauses at a termination message, and Enter ends the chat
#
# The assistant answers and says TERMINATE. A NEVER proxy would stop right there; this one asks.

# %%
POEM_TASK = "Write a haiku about an old pond."
assistant = lesson.assistant(
    "assistant",
    ["Old pond / a frog jumps in / the sound of water. TERMINATE"],
    system_message="Write what is asked. Say TERMINATE at the end of your final answer.",
)
with lesson.human([""], mode="TERMINATE"):
    run = lesson.run(supervised_proxy(), assistant, POEM_TASK, title="Enter at a termination message")

for why, wording in asked(run):
    print(f"asked ({why}): {wording!r}")
lesson.claim(
    "the proxy paused once, at the termination message", lambda: [why for why, _ in asked(run)] == ["termination_msg"]
)
lesson.claim("the prompt offers Enter or 'exit' to stop", lambda: asked(run)[0][1].endswith(ASK_AT_TERMINATION))
lesson.claim("Enter ended the chat", run.stop_reason == "termination_msg")
lesson.claim("AutoGen's ChatResult.human_input records the Enter as ''", run.result.human_input == [""])

# %% [markdown]
# ## 2. Feedback continues the chat, and the model sees it
#
# At the same prompt, text is not a command: it is sent to the assistant as the user's next message,
# and the proxy waits for the next answer. The scripted model records every request, so we can
# look at exactly what it received (`assistant.hitl_llm.calls`).

# %%
FEEDBACK = "Drop the title and the footnote."
assistant = lesson.assistant(
    "assistant",
    [
        "'The Pond' — Old pond / a frog jumps in / the sound of water. [1] Bashō, 1686. TERMINATE",
        "Old pond / a frog jumps in / the sound of water. TERMINATE",
    ],
    system_message="Write what is asked. Say TERMINATE at the end of your final answer.",
)
with lesson.human([FEEDBACK, ""], mode="TERMINATE"):
    run = lesson.run(supervised_proxy(), assistant, POEM_TASK, title="feedback, then Enter")

for call in getattr(assistant.hitl_llm, "calls", []):
    last = call.messages[-1]
    print(f"model call {call.call} ended with {last['role']}: {last['content']!r}")
lesson.claim(
    "the human was asked at both termination messages",
    lambda: [why for why, _ in asked(run)] == ["termination_msg", "termination_msg"],
)
lesson.claim(
    "the feedback was sent as a message from the human",
    any(m.source == "human" and m.content == FEEDBACK for m in run.trace.messages),
)
lesson.claim(
    "the model received the feedback as the user's latest message", lambda: assistant.hitl_llm.received(FEEDBACK)
)
lesson.claim("Enter at the second termination message ended the chat", run.stop_reason == "termination_msg")

# %% [markdown]
# ## 3. It ALSO pauses at the auto-reply limit (most tutorials miss this)
#
# Here the assistant never says TERMINATE. A NEVER proxy would stop after
# `max_consecutive_auto_reply` auto-replies. A TERMINATE proxy asks the human instead, with a
# different prompt: *"Press enter to skip and use auto-reply"*. Enter there does **not** end the
# chat: the proxy sends its auto-reply and the chat goes on.
#
# Enter does not reset the counter either. The counter is still at the limit, so the proxy asks
# again at the very next message.

# %%
LIMIT = 2


def unasked_auto_replies(run):
    """For each prompt: how many auto-replies the proxy sent on its own since the human last spoke.
    (An auto-reply right after a human reply is the one the human chose with Enter: not counted.)"""
    counts, n, previous = [], 0, None
    for e in run.trace:
        if e.kind == "human_prompt":
            counts.append(n)
            n = 0
        elif e.kind == "auto_reply" and previous != "human_reply":
            n += 1
        previous = e.kind
    return counts


def reply_after_first_human_answer(run):
    """(source, text) of the first message sent after the human's first answer."""
    answered = False
    for e in run.trace:
        answered = answered or e.kind == "human_reply"
        if answered and e.kind == "message":
            return e.source, e.content
    return None


PLAN_TASK = "Plan the database migration, one step per message."
assistant = lesson.assistant("assistant", [f"Step {i} of the migration." for i in range(1, 5)])
with lesson.human(["", "exit"], mode="TERMINATE"):
    run = lesson.run(supervised_proxy(LIMIT), assistant, PLAN_TASK, title=f"the auto-reply limit ({LIMIT})")

for why, wording in asked(run):
    print(f"asked ({why}): {wording!r}")
print(f"auto-replies on its own before each prompt: {unasked_auto_replies(run)}")
lesson.claim(
    "with no termination message at all, the proxy still asked the human",
    lambda: [why for why, _ in asked(run)] == ["max_consecutive_auto_reply"] * 2,
)
lesson.claim(
    f"it first asked after exactly {LIMIT} auto-replies in a row", lambda: unasked_auto_replies(run)[0] == LIMIT
)
lesson.claim(
    "the wording differs: 'Press enter to skip and use auto-reply'",
    lambda: asked(run)[0][1].endswith(ASK_AT_LIMIT) and not asked(run)[0][1].endswith(ASK_AT_TERMINATION),
)
lesson.claim(
    "Enter at the limit keeps auto-replying: the proxy sent its default_auto_reply",
    lambda: reply_after_first_human_answer(run) == ("auto_reply", "Please continue."),
)
lesson.claim(
    "Enter did not reset the counter: the next message asked again, with no auto-reply in between",
    lambda: unasked_auto_replies(run)[1] == 0,
)
lesson.claim("'exit' ended the chat", run.stop_reason == "human_exit")

# %% [markdown]
# ## 4. Feedback resets the counter
#
# The same chat, but this time the human answers the limit prompt with feedback. AutoGen sets the
# proxy's auto-reply counter back to zero whenever a human reply is sent, so the proxy again
# auto-replies `LIMIT` times on its own before it asks again.

# %%
FIX = "Use the new schema name, billing_v2."
assistant = lesson.assistant("assistant", [f"Step {i} of the migration." for i in range(1, 7)])
with lesson.human([FIX, "exit"], mode="TERMINATE"):
    run = lesson.run(supervised_proxy(LIMIT), assistant, PLAN_TASK, title="feedback at the limit")

print(f"auto-replies on its own before each prompt: {unasked_auto_replies(run)}")
lesson.claim(
    "both prompts came from the auto-reply limit",
    lambda: [why for why, _ in asked(run)] == ["max_consecutive_auto_reply"] * 2,
)
lesson.claim(
    f"after the feedback the proxy auto-replied {LIMIT} more times before asking again",
    lambda: unasked_auto_replies(run) == [LIMIT, LIMIT],
)
lesson.claim("the model received the feedback", lambda: assistant.hitl_llm.received(FIX))
lesson.claim("'exit' ended the chat", run.stop_reason == "human_exit")

# %% [markdown]
# ## 5. The trace says why the human was asked
#
# An audit log, a dashboard or a reviewer needs to know why the chat paused. Every `human_prompt`
# event in a trace carries a `detail` that says so: `termination_msg` or
# `max_consecutive_auto_reply` (and, in other modes, `every_turn`). Here both happen in one chat:
# the limit first, then, after feedback, a termination message.

# %%
assistant = lesson.assistant(
    "assistant",
    [
        "Step 1 of the migration.",
        "Step 2 of the migration.",
        "Step 3 of the migration.",
        "Step 4: migration complete. TERMINATE",
    ],
)
with lesson.human([FIX, ""], mode="TERMINATE"):
    run = lesson.run(supervised_proxy(LIMIT), assistant, PLAN_TASK, title="both reasons in one chat")

for why, wording in asked(run):
    print(f"asked because {why:<27} the prompt ends {wording[-50:]!r}")
lesson.claim(
    "the details say: first the limit, then the termination message",
    lambda: [why for why, _ in asked(run)] == ["max_consecutive_auto_reply", "termination_msg"],
)
lesson.claim(
    "each detail matches the wording AutoGen showed",
    lambda: all(
        wording.endswith(ASK_AT_LIMIT if why == "max_consecutive_auto_reply" else ASK_AT_TERMINATION)
        for why, wording in asked(run)
    ),
)
lesson.claim("Enter at the termination message ended the chat", run.stop_reason == "termination_msg")

# %% [markdown]
# The `detail` makes an audit one line. Across every chat in this lesson, the human was asked for
# exactly these two reasons:

# %%
from collections import Counter

reasons = Counter(e.detail for r in lesson.runs for e in r.trace.of_kind("human_prompt"))
print(", ".join(f"{n} × {why}" for why, n in reasons.items()))
lesson.claim(
    "a TERMINATE proxy asks only at a termination message or at the auto-reply limit",
    set(reasons) == {"termination_msg", "max_consecutive_auto_reply"},
)

# %% [markdown]
# One corner: when the limit is reached **on** a termination message, AutoGen checks the limit
# first (so the detail is `max_consecutive_auto_reply`), but it words the prompt for termination,
# and Enter ends the chat. The wording, not the reason, tells the person what Enter does.

# %%
assistant = lesson.assistant("assistant", ["Step 1 of the migration.", "Migration complete. TERMINATE"])
with lesson.human([""], mode="TERMINATE"):
    run = lesson.run(supervised_proxy(1), assistant, PLAN_TASK, title="limit reached on a termination message")

lesson.claim(
    "at the limit on a termination message: detail max_consecutive_auto_reply, termination wording",
    lambda: (
        [why for why, _ in asked(run)] == ["max_consecutive_auto_reply"]
        and asked(run)[0][1].endswith(ASK_AT_TERMINATION)
    ),
)
lesson.claim("and Enter ended the chat", run.stop_reason == "termination_msg")

# %% [markdown]
# ## Summary
#
# - TERMINATE auto-replies until the assistant says it is done, then asks a person: Enter ends the
#   chat, text is sent to the assistant as feedback, `exit` ends it.
# - It **also** asks when `max_consecutive_auto_reply` is reached, with a different prompt
#   ("Press enter to skip and use auto-reply"). Enter there keeps the chat going, but does not
#   reset the counter: the proxy asks again at the next message.
# - Any human reply other than Enter and `exit` resets the counter: the proxy again runs
#   `max_consecutive_auto_reply` turns on its own.
# - A trace's `human_prompt` events say why the human was asked (`detail`). Use it to log, and to
#   show the person what their answer will do.
#
# ## Exercises
#
# 1. Write `my_replies`, the scripted human's answers for a TERMINATE chat in which every draft of
#    a poem ends with TERMINATE: give feedback once, then end the chat at the next draft.
#    `check_feedback_once` runs the chat with your replies.
# 2. For the scenario printed below, predict why the human is asked, prompt by prompt: a list of
#    `"termination_msg"` and `"max_consecutive_auto_reply"`. Then run the check.
# 3. In a new cell, rerun section 3's chat with the human replies `["", "", "exit"]` and five
#    steps (`range(1, 6)`). First predict what `unasked_auto_replies(run)` prints.

# %%
my_replies = [""]  # your answer: this starter ends the chat before any feedback

print(check_feedback_once(my_replies))

# %%
print(PREDICT_SCENARIO)
my_prediction = ["termination_msg"]  # your answer

print(check_predicted_prompts(my_prediction))
