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
# # Lesson 04 — `max_turns` vs `max_consecutive_auto_reply`
#
# AutoGen has two limits that look alike and are not:
#
# | | `max_consecutive_auto_reply` | `max_turns` |
# |---|---|---|
# | set on | each **agent** (constructor) | one **`initiate_chat(...)` call** |
# | counts | that agent's auto-replies *in a row*, per partner | round trips of this chat |
# | reset by | a human reply, and the start of every chat | nothing: it ends the chat |
# | when reached | NEVER stops; TERMINATE asks the human; ALWAYS ignores it | the chat ends, nobody is asked |
#
# Both agents have their own auto-reply limit, and the `AssistantAgent`'s (100 by default) can end
# a chat before yours does. This lesson runs experiments on AutoGen's real agents to show which limit
# binds, and when, and why you want both.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 4`. As a notebook: in JupyterLab started with
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
from hitl_modes.course.exercises.lesson04 import check_predict_stop
from hitl_modes.course.lesson import Lesson
from hitl_modes.course.limits import ends_with_terminate, limits_table, run_limit_experiment
from hitl_modes.course.table import Table

lesson = Lesson.setup(4, "max_turns vs max_consecutive_auto_reply")

# %% [markdown]
# ## 1. `max_turns=N`: 2N messages, and the last turn never asks the human
#
# With `max_turns`, `initiate_chat` runs a loop: send, let the recipient answer, and before the next
# turn ask the initiator for its reply. After the N-th answer the loop simply ends: the initiator
# never looks at that last message. So in ALWAYS mode, where the human is asked before every reply,
# a chat with `max_turns=N` asks the human only **N-1** times.

# %%
N = 3
assistant = lesson.assistant("assistant", ["Draft 1: a list of steps.", "Draft 2: with an example.", "Draft 3: final."])
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="ALWAYS",
    is_termination_msg=ends_with_terminate,
    code_execution_config=False,
)
with lesson.human(["Add an example.", ""], mode="ALWAYS"):
    run = lesson.run(user_proxy, assistant, "Explain how to brew tea.", title=f"ALWAYS with max_turns={N}", max_turns=N)

last_prompt = max((i for i, e in enumerate(run.trace.events) if e.kind == "human_prompt"), default=-1)
last_message = max((i for i, e in enumerate(run.trace.events) if e.kind == "message"), default=-1)
lesson.claim(f"max_turns={N} gives 2N = {2 * N} messages", len(run.result.chat_history) == 2 * N)
lesson.claim(f"ALWAYS with max_turns={N} asks the human N-1 = {N - 1} times", len(run.trace.human_prompts) == N - 1)
lesson.claim("the assistant's last reply is never shown to the human", last_prompt < last_message)
lesson.claim("the chat ended by max_turns", run.stop_reason == "max_turns")

# %% [markdown]
# ## 2. A human reply resets the counter (and Enter does not)
#
# In TERMINATE mode the proxy auto-replies until its counter reaches `max_consecutive_auto_reply`,
# then asks the human. **Feedback** resets the counter to 0: the proxy auto-replies a full
# `max_consecutive_auto_reply` times again before asking. **Enter** means "use the auto-reply" and
# does not reset it: the proxy asks again at the very next message.


# %%
def assistant_messages_before_each_ask(trace):
    """How many assistant messages arrived before each human prompt (since the previous one)."""
    counts, seen = [], 0
    for event in trace:
        if event.kind == "message" and event.agent == "assistant":
            seen += 1
        elif event.kind == "human_prompt":
            counts.append(seen)
            seen = 0
    return counts


def limit_chat(human_replies, title):
    assistant = lesson.assistant("assistant", [f"Step {i} of the migration." for i in range(1, 7)])
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="TERMINATE",
        max_consecutive_auto_reply=2,
        is_termination_msg=ends_with_terminate,
        code_execution_config=False,
    )
    with lesson.human(human_replies, mode="TERMINATE"):
        return lesson.run(user_proxy, assistant, "Plan the database migration.", title=title)


feedback = limit_chat(["Focus on the rollback plan.", "exit"], "feedback at the limit")
enter = limit_chat(["", "exit"], "Enter at the limit")
print(
    "assistant messages before each ask: feedback",
    assistant_messages_before_each_ask(feedback.trace),
    "| Enter",
    assistant_messages_before_each_ask(enter.trace),
)

lesson.claim(
    "TERMINATE mode asks the human when max_consecutive_auto_reply=2 is reached",
    [e.detail for e in feedback.trace.of_kind("human_prompt")] == ["max_consecutive_auto_reply"] * 2,
)
lesson.claim(
    "after feedback the counter restarts: 3 more assistant messages (2 auto-replies) before the next ask",
    assistant_messages_before_each_ask(feedback.trace) == [3, 3],
)
lesson.claim(
    "the feedback was sent to the assistant as the proxy's reply",
    any(m.source == "human" and m.content == "Focus on the rollback plan." for m in feedback.trace.messages),
)
lesson.claim(
    "after Enter the counter is not reset: the human is asked again at the very next message",
    assistant_messages_before_each_ask(enter.trace) == [3, 1],
)

# %% [markdown]
# ## 3. Which limit binds? An experiment grid
#
# Each row below is one real chat: a NEVER-mode `user_proxy` starts a chat with a scripted assistant
# whose replies are `"Step 1."`, `"Step 2."`, ... and, in some rows, reply 4 ends with TERMINATE.
# (`run_limit_experiment` in `hitl_modes/limits.py` builds exactly the agents of section 1; the
# experiments always use the scripted model, because they are about AutoGen's loop, not the model.)
#
# Read the table row by row and predict before you look at the last column.

# %%
grid = {
    (n, m, k): run_limit_experiment(max_turns=n, max_consecutive_auto_reply=m, terminate_at=k)
    for n in (None, 4, 8)
    for m in (3, 10)
    for k in (None, 4)
}
limits_table(grid.values(), title="Which limit stopped the chat?").show()

# %% [markdown]
# What the table shows:
#
# - The chat ends at whichever comes first: the N-th reply (`max_turns`), the reply that finds
#   the proxy's counter at its limit (reply `max_consecutive_auto_reply + 1`), or the TERMINATE reply.
# - **Ties** are decided by AutoGen's code, not by intuition. `max_turns` wins any tie, because its
#   last reply is never checked; and the auto-reply limit is checked *before* the termination
#   message, so in row (—, 3, 4) the TERMINATE on reply 4 is not what ended the chat.

# %%
no_limit_outlived = all(
    r.model_replies <= min(x for x in (n, m + 1, k) if x is not None) for (n, m, k), r in grid.items()
)
lesson.claim("no chat outlived any of its limits", no_limit_outlived)
lesson.claim(
    "every chat that max_turns ended has exactly 2N messages",
    all(r.messages == 2 * n for (n, _, _), r in grid.items() if r.reason == "max_turns"),
)
lesson.claim(
    "max_turns wins a tie with the auto-reply limit (its last reply is never checked)",
    grid[(4, 3, None)].reason == "max_turns",
)
lesson.claim(
    "the auto-reply limit is checked before the termination message",
    grid[(None, 3, 4)].reason == "max_consecutive_auto_reply",
)
lesson.claim(
    "a termination message before both limits ends the chat",
    grid[(8, 10, 4)].reason == "termination_msg" and grid[(None, 10, 4)].reason == "termination_msg",
)

# %% [markdown]
# ## 4. The assistant has a limit too: 100 by default
#
# `AssistantAgent` is a `ConversableAgent` with `max_consecutive_auto_reply=100` unless you say
# otherwise, and every model reply is one of its auto-replies. Give the proxy no termination check
# that ever fires and no `max_turns`: both agents have a limit of 100, and it is the **assistant**
# that stops the chat, because it counts its first reply one message earlier than the proxy does.
# (The human does not reset the assistant's counter: only the assistant's own human could.)

# %%
hundred = run_limit_experiment(script_length=101)
lines = hundred.trace.timeline().splitlines()
print("\n--- timeline: every limit at its default (first and last lines) ---")
print("\n".join(lines[:4] + [f"     … {len(lines) - 7} more lines …"] + lines[-3:]) + "\n")
lesson.claim(
    "with every limit at its default, the assistant's limit of 100 ends the chat",
    hundred.stop.agent == "assistant" and hundred.reason == "max_consecutive_auto_reply",
)
lesson.claim("that is 100 model replies and 201 messages", hundred.model_replies == 100 and hundred.messages == 201)

# %% [markdown]
# A lowered assistant limit binds even when your proxy allows far more:

# %%
assistant = lesson.assistant("assistant", ["Idea 1.", "Idea 2.", "Idea 3."], max_consecutive_auto_reply=2)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=50,
    is_termination_msg=ends_with_terminate,
    code_execution_config=False,
)
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, assistant, "Brainstorm names for a cat.", title="assistant limit 2, proxy limit 50")
lesson.claim(
    "the assistant's max_consecutive_auto_reply=2 ends the chat although the proxy allows 50",
    run.trace.stop.agent == "assistant" and run.stop_reason == "max_consecutive_auto_reply",
)
lesson.claim("the model answered exactly twice", assistant.hitl_llm.call_count == 2)

# %% [markdown]
# ## 5. Defence in depth: use both
#
# Each limit has a blind spot, and a real runaway walks right through it:
#
# - **A human who only presses Enter** (or a UI that times out with an empty answer). In TERMINATE
#   mode the auto-reply limit only *asks*; Enter continues, and since Enter does not reset the
#   counter, it asks and continues forever. `max_consecutive_auto_reply` never stops it.
# - **A chat started without `max_turns`**: a retry path, a nested chat, another agent starting
#   the conversation. `max_turns` belongs to one `initiate_chat` call; the auto-reply limit travels
#   with the agent into every chat.
#
# Below, each runaway meets three guard settings. The scripted model has 20 replies: a chat still
# going after them is reported as a runaway (in reality it would go on to the assistant's limit of
# 100, paying for every reply).

# %%
CAP = 20
GUARDS = {
    "max_turns=6 only": dict(max_turns=6, max_consecutive_auto_reply=None),
    "auto-reply limit 3 only": dict(max_turns=None, max_consecutive_auto_reply=3),
    "both": dict(max_turns=6, max_consecutive_auto_reply=3),
}


def enter_presser(max_turns, max_consecutive_auto_reply):
    return run_limit_experiment(
        max_turns=max_turns,
        max_consecutive_auto_reply=max_consecutive_auto_reply,
        human_input_mode="TERMINATE",
        human_reply="",
        script_length=CAP,
    )


def started_without_max_turns(max_turns, max_consecutive_auto_reply):
    # The code that starts this chat does not know about max_turns: it is not passed.
    return run_limit_experiment(max_consecutive_auto_reply=max_consecutive_auto_reply, script_length=CAP)


RUNAWAYS = {
    "a human who only presses Enter": enter_presser,
    "a chat started without max_turns": started_without_max_turns,
}
defence = {(name, guard): scenario(**limits) for name, scenario in RUNAWAYS.items() for guard, limits in GUARDS.items()}
table = Table(["runaway", *GUARDS], title="What stops each runaway?")
for name in RUNAWAYS:
    runs = [defence[(name, guard)] for guard in GUARDS]
    table.add(name, *["RUNAWAY" if r.runaway else f"stopped by {r.reason}, {r.messages} msgs" for r in runs])
table.show()
lesson.show(defence[("a human who only presses Enter", "both")].trace, "Enter-presser, both guards")

# %%
lesson.claim(
    "the auto-reply limit alone does not stop a human who only presses Enter",
    defence[("a human who only presses Enter", "auto-reply limit 3 only")].runaway,
)
lesson.claim(
    "max_turns alone does not stop a chat started without it",
    defence[("a chat started without max_turns", "max_turns=6 only")].runaway,
)
lesson.claim("with both, every runaway stops", not any(defence[(name, "both")].runaway for name in RUNAWAYS))
lesson.claim(
    "with both, max_turns stops the Enter-presser after 2N = 12 messages",
    defence[("a human who only presses Enter", "both")].outcome == ("max_turns", 12),
)
lesson.claim(
    "with both, the auto-reply limit stops the chat started without max_turns",
    defence[("a chat started without max_turns", "both")].reason == "max_consecutive_auto_reply",
)

# %% [markdown]
# ## Summary
#
# - `max_consecutive_auto_reply` is per agent and counts auto-replies in a row; a human reply
#   resets it, Enter does not. `max_turns` is per `initiate_chat` call and counts round trips.
# - `max_turns=N` gives 2N messages, and its last turn never asks the human (ALWAYS asks N-1 times).
# - The chat ends at the first limit reached. On a tie, `max_turns` wins, and the auto-reply limit
#   is checked before the termination message.
# - The `AssistantAgent` has its own limit (100 by default) that can end the chat first.
# - Each limit has a blind spot: set both.
#
# ## Exercises
#
# 1. Write `my_predict_stop(max_turns, max_consecutive_auto_reply, terminate_at)` for a NEVER-mode
#    chat like the grid's: return `(reason, messages)`, where `reason` is `"max_turns"`,
#    `"max_consecutive_auto_reply"` or `"termination_msg"`, and `messages` counts the whole history,
#    task included. `max_turns` and `terminate_at` may be `None`. The check runs 48 real chats,
#    ties included, and compares.
# 2. In section 2, what happens with the human replies `["", "", "exit"]`? Predict how many
#    assistant messages arrive before each ask, then run it.
# 3. In section 5, add a third runaway: the *assistant* starts the chat
#    (`assistant.initiate_chat(user_proxy, ...)`). Which guards still apply?


# %%
def my_predict_stop(max_turns, max_consecutive_auto_reply, terminate_at):
    # Your answer here. This starter knows only about max_turns: the check shows what it misses.
    return "max_turns", 2 * max_turns


print(check_predict_stop(my_predict_stop))
