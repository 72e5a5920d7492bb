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
# # Lesson 11 — Async human input, and timeouts that stop
#
# A web app or a chat bot does not own a terminal: a person's answer arrives later, as an event.
# In an `asyncio` program that means a queue. AutoGen 0.2 has an async path for this: a chat started
# with `await user_proxy.a_initiate_chat(...)` asks the human through `a_get_human_input`, which
# AutoGen's docstring invites you to override. This lesson:
#
# 1. delivers human input through an `asyncio.Queue`, with a `UserProxyAgent` subclass;
# 2. shows how that override **asks twice** (once through your queue, then again through the
#    blocking console), and counts auto-replies twice;
# 3. fixes it with AutoGen's `replace_reply_func`;
# 4. bounds the wait with a **timeout whose default is to stop**, with this toolkit's
#    `QueueHumanProxy`, and an audit log that says the timeout answered, not the human.
#
# A cell is synchronous code, so `run(...)` below runs each async chat to its end on an event loop
# of its own; in an async app (a web server) you `await user_proxy.a_initiate_chat(...)` directly.
# The lines that start with `course.` are the course's: `course.script(...)` says what the offline
# model answers and what the scripted human types. Delete them and each cell runs against your
# model, with you at the keyboard.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 11` (add `--live` for a real model: it reads the same
# `OPENAI_API_KEY` as the cell below). As a notebook: in JupyterLab started with `make lab`, kernel
# **Python 3 (ipykernel)**. Offline, the course points `OPENAI_API_KEY` and `OPENAI_BASE_URL` at a
# scripted model server on your machine.
#
# A scripted human answers by default, so every claim is checked. To type the human's part yourself,
# add `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell
# above the setup cell below, then run the notebook from that cell on. The queue's front end in this
# lesson reads your answer where AutoGen would (a box under the cell in a notebook): press Enter,
# type feedback, or type `exit`.
#
# - After an Enter, AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.` in red. It is not an error: it
#   notes that you typed nothing, and AutoGen then does what Enter means at that prompt.
# - To stop a chat that waits for you, type `exit`: the chat ends and the lesson goes on. Interrupting
#   (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a terminal) stops the whole lesson.

# %%
from hitl_modes.course.session import Course  # the course's (first: it quiets flaml's "automl" warning)

import asyncio
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import autogen
from autogen.io import IOStream

from hitl_modes import AuditLog, QueueHuman, QueueHumanProxy, read_audit_log
from hitl_modes.chat.compat import asks_twice_in_async_chats
from hitl_modes.course.exercises.lesson11 import check_ask_or_stop

course = Course.setup(11, "Async human input, and timeouts that stop")

config_list = [{"model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), "api_key": os.environ["OPENAI_API_KEY"]}]
llm_config = {"config_list": config_list, "cache_seed": None}
ASKS_TWICE = asks_twice_in_async_chats()  # pyautogen 0.2.35, autogen-agentchat 0.2.40: True; ag2 0.14: False
print(f"this AutoGen asks twice in async chats: {ASKS_TWICE}")


def run(chat):
    """Run an async chat to its end from this cell (in an async app you `await` the chat instead)."""
    try:
        asyncio.get_running_loop()  # a notebook's: it is busy running this cell, so use a thread of its own
    except RuntimeError:
        return asyncio.run(chat)
    return ThreadPoolExecutor(max_workers=1).submit(asyncio.run, chat).result()


# %% [markdown]
# ## 1. A human behind a queue
#
# Override `a_get_human_input` on a `UserProxyAgent` subclass and the question can go anywhere. Here
# it goes out on one `asyncio.Queue`, and the answer comes back on another. `front_end` stands in
# for the web page that shows the question: in this lesson it reads the answer through AutoGen's
# `IOStream` (your terminal or the notebook's input box), on a thread of its own so that the event
# loop runs on meanwhile. In `ALWAYS` mode the human gives feedback on the plan, then presses Enter on
# the final one.


# %%
class QueueUserProxy(autogen.UserProxyAgent):
    """Asks its human through asyncio queues: each question out on one, its answer back on the other."""

    def __init__(self, name, **kwargs):
        super().__init__(name, **kwargs)
        self.questions, self.answers, self.asked = asyncio.Queue(), asyncio.Queue(), []

    async def a_get_human_input(self, prompt, **kwargs):  # ag2 also passes iostream=...
        self.asked.append(prompt)
        await self.questions.put(prompt)
        reply = await self.answers.get()
        self._human_input.append(reply)  # as AutoGen's get_human_input does: it fills result.human_input
        return reply


async def front_end(user_proxy):
    """Stands in for a web page: shows each question, and sends back what the person types."""
    while True:
        prompt = await user_proxy.questions.get()
        typed = asyncio.get_running_loop().create_future()
        threading.Thread(target=read_into, args=(typed, prompt), daemon=True).start()
        await user_proxy.answers.put(await typed)


def read_into(typed, prompt):
    """Read the answer where AutoGen would (a daemon thread: Ctrl-C need not wait for it)."""
    try:
        typed.get_loop().call_soon_threadsafe(typed.set_result, IOStream.get_default().input(prompt))
    except Exception as e:  # nobody can type here: the chat gets the error
        typed.get_loop().call_soon_threadsafe(typed.set_exception, e)


async def chat_with_front_end(user_proxy, assistant, message):
    """The app: the chat, and beside it on the same event loop, the front end that answers it."""
    web = asyncio.create_task(front_end(user_proxy))
    try:
        return await user_proxy.a_initiate_chat(assistant, message=message)
    finally:
        web.cancel()


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


course.script(model=["Plan: load, plot.", "Plan: load, check totals, plot. TERMINATE"], human=["Check totals.", ""])
assistant = autogen.AssistantAgent(
    "assistant", llm_config=llm_config, system_message="Propose short plans. Say TERMINATE when the plan is final."
)
user_proxy = QueueUserProxy(
    "user_proxy", human_input_mode="ALWAYS", is_termination_msg=is_termination_msg, code_execution_config=False
)
result = run(chat_with_front_end(user_proxy, assistant, "Plan the monthly report."))

# %%
print(f"asked through the queue {len(user_proxy.asked)} times; result.human_input = {result.human_input}")
told = [m["content"] for m in assistant.chat_messages[user_proxy]]
course.check("both answers came through the queue", len(user_proxy.asked) == len(result.human_input) == 2)
course.check("the feedback reached the model", "Check totals." in told)

# %% [markdown]
# ## 2. The pitfall: asked twice
#
# AutoGen registers **both** `check_termination_and_human_reply` and its async twin on every agent
# (printed below). A sync chat skips the async one. An async chat calls the async one first, and
# whenever it does *not* end the turn (the human pressed Enter, or the proxy auto-replies), AutoGen
# moves down the list to the sync one, which asks again through the blocking `get_human_input`: the
# **console**, not your queue. In a web server that call blocks the event loop until someone types
# at the server's terminal. `ag2` 0.14 fixed this; the claims below hold on whichever you have.
#
# Here the human presses Enter at a step that is not final, then types `exit`. In this lesson the
# queue's front end and the console are the same person, so you see the question twice.

# %%
print("reply functions:", [f["reply_func"].__name__ for f in user_proxy._reply_func_list])
course.script(model=["Step 1 done."] if ASKS_TWICE else ["Step 1 done.", "Step 2 done."], human=["", "exit"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = QueueUserProxy("user_proxy", human_input_mode="ALWAYS", code_execution_config=False)
result = run(chat_with_front_end(user_proxy, assistant, "Do the three steps."))

# %%
at_console = len(result.human_input) - len(user_proxy.asked)
print(f"asked through the queue {len(user_proxy.asked)} time(s), at the console {at_console} time(s)")
course.check("after the Enter in the queue, the console asked again (where ASKS_TWICE)", at_console == int(ASKS_TWICE))

# %% [markdown]
# The same double call counts every auto-reply twice: with `max_consecutive_auto_reply=4`, an async
# chat stops after **2** auto-replies, even in `NEVER` mode where nobody is asked. A plain
# `UserProxyAgent` shows it.

# %%
course.script(model=[f"Round {i}." for i in range(1, (3 if ASKS_TWICE else 5) + 1)])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy", human_input_mode="NEVER", max_consecutive_auto_reply=4, code_execution_config=False
)
result = run(user_proxy.a_initiate_chat(assistant, message="Count the rounds."))
auto_replies = [m["name"] for m in result.chat_history].count("user_proxy") - 1  # the first one is the task
print(f"max_consecutive_auto_reply=4 in an async chat: {auto_replies} auto-replies")
course.check("the limit of 4 allowed only 2 auto-replies (where ASKS_TWICE)", auto_replies == (2 if ASKS_TWICE else 4))

# %% [markdown]
# ## 3. The fix: one human check per turn
#
# A proxy used only in async chats needs only the async check. AutoGen's `replace_reply_func` swaps
# a registered reply function for another: replace the sync check with one that steps aside. The
# same answers as above (Enter, then `exit`): now each question is asked once, through the queue.


# %%
def checked_by_the_async_twin(recipient, messages=None, sender=None, config=None):
    """In an async chat the async check already ran this turn (and asked): nothing to do here."""
    return False, None


course.script(model=["Step 1 done.", "Step 2 done."], human=["", "exit"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = QueueUserProxy("user_proxy", human_input_mode="ALWAYS", code_execution_config=False)
user_proxy.replace_reply_func(autogen.ConversableAgent.check_termination_and_human_reply, checked_by_the_async_twin)
result = run(chat_with_front_end(user_proxy, assistant, "Do the three steps."))

# %%
print(f"asked through the queue {len(user_proxy.asked)} times; result.human_input = {result.human_input}")
course.check("each question was asked once, through the queue", len(user_proxy.asked) == len(result.human_input) == 2)

# %% [markdown]
# ## 4. A timeout that stops, and says so
#
# Nobody may answer. This toolkit's `hitl_modes.QueueHumanProxy` is a `UserProxyAgent` like the one
# above, with section 3's fix built in (and, in a sync chat, a clear error instead of a blocked
# console). Its questions go to a `hitl_modes.QueueHuman`, whose front end takes each one with
# `await human.next_question()` and answers `human.answer(question.id, text)`, so a late answer never
# answers the next question. `timeout=` bounds each wait; when it passes, the proxy answers
# `on_timeout`, `"exit"` by default: the chat stops. An empty `on_timeout` is refused, because to
# AutoGen an empty reply means "skip, use the auto-reply": the action would go ahead. Each answer
# goes to an `AuditLog` first, which records whether the human gave it or the timeout did.
#
# The assistant proposes code that "deploys" (writes `deployed.txt`); in `ALWAYS` mode, Enter would
# run it. Nobody is watching this queue (no one is asked in this section, even with `--human console`).

# %%
try:
    QueueHumanProxy("user_proxy", QueueHuman(), on_timeout="")
    refused = None
except ValueError as e:
    refused = e
print(f"on_timeout='' refused: {refused}")

workspace = Path(tempfile.mkdtemp(prefix="hitl-lesson11-"))
audit = AuditLog(workspace / "audit.jsonl")
course.script(model=["Deploying now.\n```python\nopen('deployed.txt', 'w').write('v2')\n```"])
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
user_proxy = QueueHumanProxy(
    "user_proxy",
    QueueHuman(),
    timeout=0.5,
    audit_log=audit,
    human_input_mode="ALWAYS",
    is_termination_msg=is_termination_msg,
    code_execution_config={"work_dir": str(workspace), "use_docker": False},
)
result = run(user_proxy.a_initiate_chat(assistant, message="Deploy v2."))

# %%
record = read_audit_log(audit.path)[-1]
print(f"human_input: {result.human_input}; audit: {record['decision']}, response={record['response']!r}")
print(f"the audit note: {record['note']}")
course.check("an empty on_timeout is refused", isinstance(refused, ValueError))
course.check("nobody answered: the proxy answered 'exit', and the chat stopped", result.human_input == ["exit"])
course.check("the audit: a timeout, no human answer", record["decision"] == "timed-out" and record["response"] is None)
course.check("the code never ran", not (workspace / "deployed.txt").exists())
course.audit_log and Path(course.audit_log).write_text(audit.path.read_text())  # the course's: --audit-log PATH

# %% [markdown]
# ## Summary
#
# - Put human input on a queue: override `a_get_human_input`, start chats with `a_initiate_chat`.
# - pyautogen and autogen-agentchat 0.2 run the sync human check after the async one whenever the
#   turn goes on: keep one check per turn (`replace_reply_func`, or `QueueHumanProxy`), or the human
#   is asked twice and auto-replies count double.
# - Every wait needs a timeout, and the timeout's answer must stop or deny (`"exit"`), never `""`;
#   record that the timeout answered, not the human.
#
# ## Exercises
#
# 1. Write `my_ask_or_stop(human, prompt, timeout)`: an `async def` that returns the human's answer
#    (from `await human.ask(prompt, timeout)`, which returns None when nobody answered in time), or
#    `"exit"` when there is none. The check runs it against a scripted human, fast and slow.
# 2. In section 4 set `on_timeout="Denied: nobody approved in time."`, and add a second model reply
#    (`"I will wait. TERMINATE"`) to its `course.script` line. What does the assistant get now, and
#    what does the audit log say?
# 3. Run the lesson with `--human console` (`.venv/bin/hitl-modes lesson 11 --human console`) and
#    answer section 2's first question with feedback instead of Enter. Are you asked twice? Why?


# %%
async def my_ask_or_stop(human, prompt, timeout):
    # Your answer here. This starter turns "no answer" into "": see what that means to AutoGen.
    return await human.ask(prompt, timeout) or ""


print(check_ask_or_stop(my_ask_or_stop))
