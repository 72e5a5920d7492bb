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
# # Lesson 05 — `SmartUserProxy`: context-aware auto-replies without losing the controls
#
# A NEVER-mode proxy answers the assistant with `default_auto_reply`, an empty string unless you
# set it. Models stall on that: "Which format do you want?" gets silence. So people want the proxy
# to answer *in context*: a question gets "use your best judgment", a plain message gets a nudge to
# finish.
#
# The recipe you will find most often subclasses `UserProxyAgent` and overrides `generate_reply`.
# It works in a demo, and it quietly switches off everything the earlier lessons relied on. This
# lesson shows exactly what it loses, then builds the same idea on AutoGen's own seam,
# `register_reply`, as `hitl_modes.SmartUserProxy`.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 5`. As a notebook: in JupyterLab started with
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
import inspect
import tempfile
from pathlib import Path

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import AutoReplyRule, ScriptedLLM, SmartUserProxy, message_text
from hitl_modes.agents.smart_proxy import COMPLETION_NUDGE, QUESTION_REPLY
from hitl_modes.course.exercises.lesson05 import check_auto_reply_rules
from hitl_modes.course.lesson import Lesson
from hitl_modes.course.limits import ends_with_terminate

lesson = Lesson.setup(5, "SmartUserProxy: context-aware auto-replies")


def proxy_replies(run):
    """What user_proxy sent after the task, in order."""
    return [m.content for m in run.trace.messages if m.agent == "user_proxy" and m.source != "task"]


# %% [markdown]
# ## 1. The common recipe: override `generate_reply`
#
# It looks reasonable: read the last message, answer a question one way and anything else another.
# Because nothing in it can end the chat, tutorials pass `max_turns` as a safety net. We give it the
# settings a careful user would: TERMINATE mode, a termination check, an auto-reply limit of 2, and
# code execution in a temporary folder. The assistant sends code that writes `report.txt`, asks a
# question, then says TERMINATE.


# %%
class CannedReplyProxy(autogen.UserProxyAgent):
    """The common recipe. Do not use: see below."""

    def generate_reply(self, messages=None, sender=None, **kwargs):
        last = (messages or self.chat_messages[sender])[-1]
        if "?" in (last.get("content") or ""):
            return "Use your best judgment and continue."
        return "Please continue."


CODE_REPLY = "I'll write the report file:\n```python\nopen('report.txt', 'w').write('42')\nprint('report written')\n```"
naive_tmp = tempfile.TemporaryDirectory(prefix="hitl05-naive-")  # removed when Python exits
naive_dir = Path(naive_tmp.name)
assistant = lesson.assistant(
    "assistant",
    [CODE_REPLY, "Should I add a chart as well?", "All done. TERMINATE", "All done. TERMINATE", "All done. TERMINATE"],
)
naive = CannedReplyProxy(
    "user_proxy",
    human_input_mode="TERMINATE",
    max_consecutive_auto_reply=2,
    is_termination_msg=ends_with_terminate,
    code_execution_config={"work_dir": str(naive_dir), "use_docker": False},
)
with lesson.human([], mode="TERMINATE"):
    run = lesson.run(naive, assistant, "Write the report.", title="the common recipe, max_turns=5", max_turns=5)

terminations = [i for i, m in enumerate(run.trace.messages) if m.content.endswith("TERMINATE")]
lesson.claim(
    "it never stops on TERMINATE: the chat went on after it, until max_turns",
    run.stop_reason == "max_turns" and bool(terminations) and terminations[0] < len(run.trace.messages) - 1,
)
lesson.claim(
    "it ignores max_consecutive_auto_reply=2: the proxy replied 4 times in a row", len(proxy_replies(run)) == 4
)
lesson.claim("it never runs the code it was sent: report.txt does not exist", not (naive_dir / "report.txt").exists())
lesson.claim(
    "it never asks the human, though human_input_mode='TERMINATE' and the assistant said TERMINATE",
    run.trace.human_prompts == [],
)

# %% [markdown]
# ## 2. Why: `generate_reply` *is* the reply chain
#
# AutoGen's `generate_reply` walks a list of reply functions and returns the first final answer;
# only when none answers does it send `default_auto_reply`. Termination, the auto-reply limit and
# the human all live in `check_termination_and_human_reply`, which runs first; code execution is
# another link. Overriding `generate_reply` throws the whole chain away. Here is the chain of a
# `UserProxyAgent` (async twins removed):


# %%
def chain(agent):
    return [f["reply_func"].__name__ for f in agent._reply_func_list if not f["reply_func"].__name__.startswith("a_")]


plain = autogen.UserProxyAgent(
    "plain", human_input_mode="NEVER", code_execution_config={"work_dir": str(naive_dir), "use_docker": False}
)
print(" -> ".join(chain(plain)), "-> default_auto_reply")

# %% [markdown]
# ## 3. The fix: one more link, at the end of the chain
#
# `SmartUserProxy` is a `UserProxyAgent` that registers one reply function with `register_reply`,
# **last** in the chain. Everything before it still runs; it speaks only where `default_auto_reply`
# would have. It takes exactly `UserProxyAgent`'s arguments.

# %%
smart_tmp = tempfile.TemporaryDirectory(prefix="hitl05-smart-")
smart_dir = Path(smart_tmp.name)
probe = SmartUserProxy(
    "probe", human_input_mode="NEVER", code_execution_config={"work_dir": str(smart_dir), "use_docker": False}
)
print(" -> ".join(chain(probe)), "-> default_auto_reply")
print(probe.describe_rules())
links = chain(probe)
lesson.claim(
    "SmartUserProxy takes the same arguments as UserProxyAgent",
    inspect.signature(SmartUserProxy) == inspect.signature(autogen.UserProxyAgent),
)
lesson.claim(
    "its rule reply runs after termination/human checks and code execution",
    links[-1] == "generate_rule_reply"
    and links.index("check_termination_and_human_reply") < links.index("generate_rule_reply")
    and links.index("generate_code_execution_reply") < links.index("generate_rule_reply"),
)

# %% [markdown]
# ### 3a. The auto-reply rules
#
# A question gets "Use your best judgment and continue."; a message without code gets a nudge
# toward completion. And TERMINATE still ends the chat, before any rule is consulted. (The timeline
# marks the rules' answers as auto-replies: they take the place of `default_auto_reply`.)

# %%
assistant = lesson.assistant(
    "assistant",
    [
        "Which file format should I use, CSV or JSON?",
        "I'll use CSV. The export has three columns: date, amount, category.",
        "TERMINATE",
    ],
)
user_proxy = SmartUserProxy(
    "user_proxy", human_input_mode="NEVER", is_termination_msg=ends_with_terminate, code_execution_config=False
)
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, assistant, "Export last month's expenses.", title="SmartUserProxy rules")

replies = proxy_replies(run)
lesson.claim("a question gets 'Use your best judgment and continue.'", replies[:1] == [QUESTION_REPLY])
lesson.claim("a message without code gets the nudge toward completion", replies[1:2] == [COMPLETION_NUDGE])
lesson.claim("it keeps termination: TERMINATE ends the chat", run.stop_reason == "termination_msg")

# %% [markdown]
# ### 3b. It keeps code execution
#
# The same code as in section 1, now to a `SmartUserProxy` with code execution in a temporary
# folder. (This run always uses the scripted model: a live model's code should only run in a
# sandbox, see lesson 10.)

# %%
llm = ScriptedLLM([CODE_REPLY, "The report is written. TERMINATE"])
coder = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
user_proxy = SmartUserProxy(
    "user_proxy",
    human_input_mode="NEVER",
    is_termination_msg=ends_with_terminate,
    code_execution_config={"work_dir": str(smart_dir), "use_docker": False},
)
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, coder, "Write the report.", title="SmartUserProxy runs code")

report = smart_dir / "report.txt"
lesson.claim("it keeps code execution: report.txt now exists", report.exists() and report.read_text() == "42")
lesson.claim(
    "the code's output went back to the model",
    "report written" in (llm.calls[-1].last_content if llm.calls else ""),
)

# %% [markdown]
# ### 3c. It keeps the auto-reply limit
#
# A model that never finishes gets nudged, but only `max_consecutive_auto_reply` times.

# %%
assistant = lesson.assistant("assistant", ["Working on it.", "Still working.", "Almost there."])
user_proxy = SmartUserProxy(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=2,
    is_termination_msg=ends_with_terminate,
    code_execution_config=False,
)
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, assistant, "Tidy up the repository.", title="SmartUserProxy at its limit")

nudges = [m for m in run.trace.messages if m.agent == "user_proxy" and m.content == COMPLETION_NUDGE]
lesson.claim(
    "it keeps max_consecutive_auto_reply: the chat stops at the limit",
    run.stop_reason == "max_consecutive_auto_reply" and run.trace.stop.agent == "user_proxy",
)
lesson.claim("it nudged exactly max_consecutive_auto_reply = 2 times", len(nudges) == 2)

# %% [markdown]
# ### 3d. It keeps human input, by mode
#
# In TERMINATE mode the human is still asked at termination: feedback continues the chat, Enter
# ends it. In ALWAYS mode the human is asked at every message, and **Enter** ("use the
# auto-reply") now falls through to the rules.

# %%
assistant = lesson.assistant("assistant", ["Here is the summary. TERMINATE", "Shorter summary. TERMINATE"])
user_proxy = SmartUserProxy(
    "user_proxy", human_input_mode="TERMINATE", is_termination_msg=ends_with_terminate, code_execution_config=False
)
with lesson.human(["Make it shorter.", ""], mode="TERMINATE"):
    run = lesson.run(user_proxy, assistant, "Summarise the meeting.", title="SmartUserProxy, TERMINATE mode")
lesson.claim(
    "TERMINATE mode still asks the human at termination",
    [e.detail for e in run.trace.of_kind("human_prompt")] == ["termination_msg"] * 2,
)
lesson.claim("the human's feedback replaced any rule reply", proxy_replies(run)[:1] == ["Make it shorter."])
lesson.claim("Enter at termination ends the chat", run.stop_reason == "termination_msg")

# %%
assistant = lesson.assistant("assistant", ["Should the summary be in English?", "Done. TERMINATE"])
user_proxy = SmartUserProxy(
    "user_proxy", human_input_mode="ALWAYS", is_termination_msg=ends_with_terminate, code_execution_config=False
)
with lesson.human(["", ""], mode="ALWAYS"):
    run = lesson.run(user_proxy, assistant, "Summarise the meeting.", title="SmartUserProxy, ALWAYS mode")
lesson.claim("ALWAYS mode still asks the human at every message", len(run.trace.human_prompts) == 2)
lesson.claim(
    "Enter falls through to the rules: the question got the best-judgment reply",
    proxy_replies(run)[:1] == [QUESTION_REPLY],
)

# %% [markdown]
# ## 4. Configuring the rules
#
# `proxy.auto_reply_rules` is a list of `AutoReplyRule(name, when, reply)`, tried in order; the first
# whose `when(last_message)` holds gives the reply (a string, or a function of the message). When
# none holds, AutoGen's `default_auto_reply` is sent as before. For a whole class, set
# `DEFAULT_AUTO_REPLY_RULES` on a subclass. Whatever the rules say, they cannot skip termination,
# the limit, the human or code execution: those run first. Here a rule answers a stuck model:

# %%
stuck = AutoReplyRule("stuck", lambda m: "i can't" in message_text(m).lower(), "Try a different approach.")
assistant = lesson.assistant("assistant", ["I can't open the file.", "Opened it another way. TERMINATE"])
user_proxy = SmartUserProxy(
    "user_proxy", human_input_mode="NEVER", is_termination_msg=ends_with_terminate, code_execution_config=False
)
user_proxy.auto_reply_rules = [stuck, *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES]
with lesson.human([], mode="NEVER"):
    run = lesson.run(user_proxy, assistant, "Read data.csv.", title="a custom rule")
lesson.claim(
    "a custom rule placed first answers before the defaults", proxy_replies(run)[:1] == ["Try a different approach."]
)

# %% [markdown]
# ## Summary
#
# - Overriding `generate_reply` replaces AutoGen's whole reply chain: no termination, no auto-reply
#   limit, no human, no code execution. Only `max_turns` (or the assistant's own limit) stops it.
# - Extend the chain instead: `register_reply` at the end, so a rule only replaces
#   `default_auto_reply`. That is `hitl_modes.SmartUserProxy`, with `UserProxyAgent`'s arguments.
# - Rules are data: `AutoReplyRule(name, when, reply)`, tried in order, configurable per agent or
#   per class.
#
# ## Exercises
#
# 1. Write `my_rules` so that a permission question ("Shall I ...?", "May I ...?", "Should I ...?")
#    gets a reply containing "go ahead", while other questions and plain messages are answered as
#    before. Run the check: it tries your rules on a real `SmartUserProxy`.
# 2. In section 1, give `CannedReplyProxy` `max_turns=None`. What stops it now? (Lesson 04.)
# 3. Set `default_auto_reply="Please continue."` on a `SmartUserProxy` with
#    `code_execution_config=False`, and send it a message that contains only a code block. Which
#    reply does it send, and why?


# %%
my_rules = [
    # Your answer here: an AutoReplyRule for permission questions, in the right place.
    *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES,
]

print(check_auto_reply_rules(my_rules))
