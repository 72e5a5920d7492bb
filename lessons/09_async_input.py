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
# # Lesson 09 — Async human input, and timeouts that stop
#
# A web app or a chat bot does not own a terminal: a person's answer arrives later, as an event.
# In an `asyncio` program that means a queue. AutoGen 0.2 has an async path for this: chats started
# with `a_initiate_chat` ask the human through `a_get_human_input`, which AutoGen invites you to
# override. This lesson:
#
# 1. delivers human input through an `asyncio.Queue` (`hitl_modes.QueueHuman`);
# 2. shows, on AutoGen's real agents, how the naive override **asks twice** (once through your queue,
#    then again through the blocking console), and how `hitl_modes.QueueHumanProxy` avoids it;
# 3. bounds every wait with a **timeout whose default is to stop**, shown with a scripted slow human.
#
# Only the model is scripted. With `--human console` (in a notebook, `%env HITL_HUMAN=console`) you
# answer yourself (each answer is read in a background thread and put on the queue, as a web server
# would).

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 9`. As a notebook: in JupyterLab started with
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
# - To stop a chat that waits for you, type `exit`: the chat ends and the lesson goes on. Interrupting
#   (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a terminal) stops the whole lesson.
#   `%env HITL_HUMAN=script`, then the setup cell again, brings the scripted human back.

# %%
import asyncio
import tempfile
import threading
from pathlib import Path

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import AuditLog, QueueHuman, QueueHumanProxy, ScriptedHuman, read_audit_log, run_async, scripted_answers
from hitl_modes.agents.queue_human import console_answers, while_answering
from hitl_modes.chat.compat import asks_twice_in_async_chats, classic_distribution
from hitl_modes.chat.human import require_interactive_human
from hitl_modes.course.exercises.lesson09 import check_ask_or_stop
from hitl_modes.course.lesson import Lesson

lesson = Lesson.setup(9, "Async human input, and timeouts that stop")

workspace = Path(tempfile.mkdtemp(prefix="hitl-lesson09-"))
audit = AuditLog(lesson.audit_log or workspace / "audit.jsonl")
print(f"work dir: {workspace}\naudit log: {audit.path}")
if lesson.human_kind not in ("script", "console"):
    print(f"(--human {lesson.human_kind} is not a queue: this lesson uses the scripted answers instead)")


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def answers(human, replies, delay=0.0):
    """Who answers the queue: you at the console (--human console), or the script."""
    if lesson.human_kind == "console":
        require_interactive_human("ALWAYS")  # fail now, not inside the chat
        return console_answers(human)
    return scripted_answers(human, replies, delay=delay)


def chat(proxy, assistant, task, *responders, title=""):
    """Run an async chat from this (synchronous) cell, with the responders beside it; show its timeline."""
    return run_async(while_answering(lesson.a_run(proxy, assistant, task, title=title), *responders))


# %% [markdown]
# ## 1. A human behind a queue
#
# `QueueHuman` hands out each question (`await human.next_question()`) and waits for
# `human.answer(question.id, text)`.
# `QueueHumanProxy` is a `UserProxyAgent` whose `a_get_human_input` asks it. Here the proxy is in
# `ALWAYS` mode: the human gives feedback on the plan, then presses Enter on the final one.
#
# The timeline's recorder watches AutoGen's `IOStream`, which a queue-fed human never touches, so
# `QueueHumanProxy` reports each exchange to it (`hitl_modes.chat.record.record_human_exchange`): the
# questions and answers appear in the timeline like any other human's. The queue also keeps its own
# record, printed below it.

# %%
assistant = lesson.assistant(
    "assistant",
    [
        "Plan: 1) load data.csv 2) drop empty rows 3) plot the monthly totals.",
        "Plan: 1) load data.csv 2) drop empty rows 3) test that no totals changed 4) plot. TERMINATE",
    ],
    system_message="Propose short plans. Say TERMINATE when the plan is final.",
)
human = QueueHuman()
proxy = QueueHumanProxy(
    "user", human, human_input_mode="ALWAYS", code_execution_config=False, is_termination_msg=is_termination_msg
)
run = chat(
    proxy,
    assistant,
    "Plan the monthly report.",
    answers(human, ["Add a step that checks the cleaning changed no totals.", ""]),
    title="a queue-fed human",
)

for prompt, reply in zip(human.prompts, human.replies):
    print(f"queue: asked {prompt[:60]!r}... answered {reply!r}")
lesson.claim(
    "both questions went through the queue, and the timeline shows them",
    len(human.prompts) == 2 and run.trace.human_prompts == human.prompts,
)
lesson.claim("the feedback reached the model", "checks the cleaning" in assistant.hitl_llm.calls[-1].last_content)
lesson.claim(
    "AutoGen's ChatResult.human_input is filled as usual",
    run.result.human_input == ["Add a step that checks the cleaning changed no totals.", ""],
)

# %% [markdown]
# ## 2. The pitfall: asked twice
#
# AutoGen registers **both** `check_termination_and_human_reply` and its async twin on every agent
# (see `ConversableAgent.__init__`). A sync chat skips the async one. An async chat calls the async
# one first, and whenever it does *not* end the turn (the human pressed Enter, or the proxy
# auto-replies), AutoGen moves down the list to the sync one, which asks again through the blocking
# `get_human_input`: the **console**, not your queue. In a web server that call blocks the event loop
# until someone types in the server's terminal.
#
# This is true of `pyautogen` 0.2.35 (the default here) and `autogen-agentchat` 0.2.40; `ag2` 0.14
# fixed it, and the claims below check whichever one you have installed.
#
# The naive proxy below overrides only `a_get_human_input`, as the docs suggest. To catch its second
# question this section always installs a scripted "console" (a `ScriptedHuman` on the `IOStream`).


# %%
class NaiveQueueProxy(autogen.UserProxyAgent):
    """Overrides only a_get_human_input."""

    def __init__(self, name, human, **kwargs):
        super().__init__(name, **kwargs)
        self.human = human

    async def a_get_human_input(self, prompt, **kwargs):  # ag2 also passes iostream=...
        reply = await self.human.ask(prompt, timeout=5)
        reply = "exit" if reply is None else reply
        self._human_input.append(reply)
        return reply


print("reply functions:", [f["reply_func"].__name__ for f in NaiveQueueProxy("x", QueueHuman())._reply_func_list])

STEPS = ["Step 1 done.", "Step 2 done.", "Step 3 done."]
assistant = lesson.assistant("assistant", STEPS)
human = QueueHuman()
naive = NaiveQueueProxy("user", human, human_input_mode="ALWAYS", code_execution_config=False)
ASKS_TWICE = asks_twice_in_async_chats()  # true on pyautogen 0.2 and autogen-agentchat 0.2; ag2 fixed it
print(f"this environment's classic AutoGen: {classic_distribution()}")
with ScriptedHuman([""] if ASKS_TWICE else [], echo=False) as console:
    chat(naive, assistant, "Do the three steps.", scripted_answers(human, ["", "exit"]), title="naive: asked twice")

print(f"queue asked {len(human.prompts)} times; the console asked {len(console.prompts)} time(s): {console.prompts}")
if ASKS_TWICE:
    lesson.claim(
        "after an Enter in the queue, AutoGen asked the same question again through the console",
        console.prompts == human.prompts[:1],
    )
else:
    lesson.claim("this distribution (ag2) asks once: the console was never asked", console.prompts == [])

# %% [markdown]
# The same double call counts every auto-reply twice, so `max_consecutive_auto_reply=4` stops an async
# chat after **2** auto-replies, even in `NEVER` mode where nobody is asked.


# %%
def never_chat(proxy_class):
    assistant = lesson.assistant("assistant", [f"Round {i}." for i in range(1, 7)])
    proxy = proxy_class(
        "user", QueueHuman(), human_input_mode="NEVER", code_execution_config=False, max_consecutive_auto_reply=4
    )
    chat(proxy, assistant, "Go.", title=f"NEVER, limit 4: {proxy_class.__name__}")
    return assistant.hitl_llm.call_count


naive_calls, fixed_calls = never_chat(NaiveQueueProxy), never_chat(QueueHumanProxy)
print(f"model calls: naive {naive_calls}, QueueHumanProxy {fixed_calls}")
if ASKS_TWICE:
    lesson.claim("the naive proxy stops after 2 auto-replies instead of 4", naive_calls == 3)
else:
    lesson.claim("on ag2 the naive proxy auto-replies 4 times too", naive_calls == 5)
lesson.claim("QueueHumanProxy auto-replies 4 times, as a sync chat would", fixed_calls == 5)

# %% [markdown]
# **The fix.** `QueueHumanProxy` replaces the two built-in checks (AutoGen's `replace_reply_func`):
# the async check runs as before and notes that it ran; the sync check then steps aside for that turn.
# In a sync chat (where the async check is skipped) the sync check still works, and if it ever needs
# the human, `get_human_input` raises a clear error instead of blocking. Same script as above:

# %%
assistant = lesson.assistant("assistant", STEPS)
human = QueueHuman()
fixed = QueueHumanProxy("user", human, human_input_mode="ALWAYS", code_execution_config=False)
with ScriptedHuman([], echo=False) as console:
    chat(fixed, assistant, "Do the three steps.", scripted_answers(human, ["", "exit"]), title="fixed: asked once")

print(f"queue asked {len(human.prompts)} times; the console asked {len(console.prompts)} times")
lesson.claim("each question is asked once, through the queue only", len(human.prompts) == 2 and console.prompts == [])

# %% [markdown]
# ## 3. A timeout that stops
#
# Nobody may answer. `timeout=` bounds each wait; when it passes, the proxy answers `on_timeout`,
# `"exit"` by default: the chat stops. An empty `on_timeout` is refused, because to AutoGen an empty
# reply means "skip, use the auto-reply": the action would go ahead.
#
# The assistant proposes code that "deploys" (writes `deployed.txt`). In `ALWAYS` mode, Enter would run
# it. The scripted human here is slow: it presses Enter after 1 second, while the proxy waits 0.3.

# %%
try:
    QueueHumanProxy("user", QueueHuman(), on_timeout="")
    refused = None
except ValueError as e:
    refused = e
print(f"on_timeout='' refused: {refused}")

assistant = lesson.assistant(
    "assistant", ["Deploying now.\n```python\nopen('deployed.txt', 'w').write('v2')\n```", "Deployed. TERMINATE"]
)
human = QueueHuman()
proxy = QueueHumanProxy(
    "user",
    human,
    timeout=0.3,
    audit_log=audit,
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config={"work_dir": str(workspace), "use_docker": False},
)


async def with_a_slow_human():
    slow = asyncio.ensure_future(scripted_answers(human, [""], delay=1.0))
    run = await lesson.a_run(proxy, assistant, "Deploy v2.", title="a slow human")
    await slow  # the late Enter arrives after the proxy gave up
    return run


run = run_async(with_a_slow_human())
print(
    f"timed out: {len(human.timed_out)}; late answers dropped: {human.late}; "
    f"the proxy answered {run.result.human_input}"
)
last = read_audit_log(audit.path)[-1]
print(f"audit: {last['decision']}, response={last['response']!r}, note={last['note']!r}")

lesson.claim("an empty on_timeout is refused", isinstance(refused, ValueError))
lesson.claim(
    "the wait timed out and the proxy answered 'exit'",
    len(human.timed_out) == 1 and run.result.human_input == ["exit"] and run.stop_reason != "max_turns",
)
lesson.claim(
    "the timeline credits the timeout, not the human, with that 'exit'",
    run.stop_reason == "human_timeout" and run.trace.human_replies == [],
)
lesson.claim("the code never ran", not (workspace / "deployed.txt").exists())
lesson.claim("the late Enter was dropped, not used for anything", [text for _, text in human.late] == [""])
lesson.claim(
    "the audit log recorded the timeout before the proxy acted",
    last["decision"] == "timed-out" and last["response"] is None,
)

# %% [markdown]
# ## 4. Answers from another thread
#
# A web server handles each request in its own thread or task. `human.answer_threadsafe(loop, id, text)`
# hands the answer to the chat's event loop safely. Here a "request handler" thread answers.

# %%
assistant = lesson.assistant("assistant", ["Shall I archive the March reports? TERMINATE"])
human = QueueHuman(timeout=5)
proxy = QueueHumanProxy(
    "user", human, human_input_mode="TERMINATE", code_execution_config=False, is_termination_msg=is_termination_msg
)


async def web_handler(human):
    """Stands in for an HTTP endpoint: receives the question, answers from another thread."""
    question = await human.next_question()
    loop = asyncio.get_running_loop()
    threading.Thread(target=human.answer_threadsafe, args=(loop, question.id, "exit")).start()


run = chat(proxy, assistant, "Tidy the reports.", web_handler(human), title="answered from another thread")
lesson.claim(
    "the answer from another thread reached the chat", human.replies == ["exit"] and run.result.human_input == ["exit"]
)

# %% [markdown]
# ## Summary
#
# - Put human input on a queue and override `a_get_human_input`; start chats with `a_initiate_chat`.
# - AutoGen runs the sync human check after the async one whenever the turn goes on: keep one check
#   per turn (`QueueHumanProxy` does), or the human is asked twice and auto-replies count double.
# - Every wait needs a timeout, and the timeout's answer must stop or deny (`"exit"`), never `""`.
# - Tie answers to their questions, so a late answer never answers the next one.
#
# ## Exercises
#
# 1. Write `my_ask_or_stop(human, prompt, timeout)`: an `async def` that returns the human's answer
#    (from `await human.ask(prompt, timeout)`), or `"exit"` when there is none. The check runs it
#    against a scripted human, fast and slow.
# 2. In section 3 set `on_timeout="Denied: nobody approved in time."`. What does the assistant get?
# 3. Give section 1's `QueueHuman` a `timeout=10`, run the lesson with `--human console`, and let the
#    first question go unanswered. What does the chat do, and what is in the audit log?


# %%
async def my_ask_or_stop(human, prompt, timeout):
    # Your answer here. This starter turns "no answer" into "": see what that means to AutoGen.
    return await human.ask(prompt, timeout) or ""


print(check_ask_or_stop(my_ask_or_stop))
