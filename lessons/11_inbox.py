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
# # Lesson 11 — An approval inbox: decide a running chat's prompts in the browser
#
# So far the human answered where the chat runs: a terminal, or a script. A chat that runs on a
# server has no terminal, and the person who should approve its actions is somewhere else. This
# lesson gives classic AutoGen a small **approval inbox**:
#
# ```
#  chat process                         hitl-modes inbox                   a person's browser
#  UserProxyAgent ── get_human_input ─► InboxHuman ── PUT prompt ──► (Starlette + SQLite) ◄── page, token
#                                       waits ◄──── decision ───────  Approve / Reply / Stop
# ```
#
# - **`InboxHuman`** is an AutoGen `IOStream`, like `ScriptedHuman`: AutoGen's own
#   `get_human_input` asks it. It posts the prompt, the agent and the recent conversation to the
#   inbox, then waits for a decision. **Approve** sends an empty reply (AutoGen proceeds), **Reply**
#   sends feedback text, **Stop** sends `exit`. With no decision before its timeout it answers
#   `exit`: nobody there means stop, never proceed.
# - **The inbox** (`hitl-modes inbox`) keeps prompts, decisions and an audit trail in SQLite, shows
#   each pending prompt as a card with the risk policy's assessment (lesson 08's `RiskPolicy`), and
#   updates live. Deciding needs the secret token printed at start-up; chats need a separate
#   agent token, so only the inbox's own chats can put a card in front of the person.
#
# Offline, this lesson starts an inbox on a free loopback port in a background thread, and a
# scripted person answers **over HTTP, exactly as the page's buttons do**. Run it with
# `--human console` (in a notebook, `%env HITL_HUMAN=console`) and you are the person: open the
# printed link in your browser.

# %% [markdown]
# ### Running this lesson, and being the human
#
# In a terminal: `.venv/bin/hitl-modes lesson 11`. As a notebook: in JupyterLab started with
# `make lab`, which runs from the project's `.venv`, with the kernel **Python 3 (ipykernel)** (it has
# `hitl_modes` and `pyautogen==0.2.35`).
#
# A scripted human answers by default, so every claim is checked. To type the human's part yourself,
# add `--human console` in a terminal; in a notebook, run `%env HITL_HUMAN=console` in a new cell
# above the setup cell below, then run the notebook from that cell on. The lesson then prints the
# inbox's link: open it in your browser and decide each prompt there.
#
# - After **Approve** (an empty reply, as Enter is), AutoGen prints `>>>>>>>> NO HUMAN INPUT RECEIVED.`
#   in red. It is not an error: it notes an empty reply, and AutoGen then does what Enter means there.
# - To stop a chat that waits for you, press **Stop** on its card (it sends `exit`): the chat ends and
#   the lesson goes on. Interrupting (the notebook's ■ *Interrupt the kernel* button, or Ctrl-C in a
#   terminal) stops the whole lesson. `%env HITL_HUMAN=script`, then the setup cell again, brings the
#   scripted human back.

# %%
import shutil
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import autogen

import hitl_modes  # noqa: F401  first: it quiets flaml's irrelevant "automl is not available" warning
from hitl_modes import InboxHuman, InboxReviewer, InboxServer, ScriptedReviewer
from hitl_modes.approvals.audit import read_audit_log, summarize_audit_log
from hitl_modes.course.exercises.lesson11 import check_triage
from hitl_modes.course.lesson import Lesson
from hitl_modes.inbox.client import http_request

lesson = Lesson.setup(11, "An approval inbox in the browser")

WORK = Path(tempfile.mkdtemp(prefix="hitl-lesson11-"))
DB = WORK / "inbox.sqlite"
AUDIT = Path(lesson.audit_log) if lesson.audit_log else WORK / "audit.jsonl"
TASK = "The server's disk is full. Free some space."


def audit_lines():
    """The JSON-lines audit log (lesson 08's AuditLog) InboxHuman writes before the agent acts."""
    return read_audit_log(AUDIT) if AUDIT.exists() else []


def is_termination_msg(message):
    return (message.get("content") or "").rstrip().endswith("TERMINATE")


def ops_proxy(mode="ALWAYS"):
    return autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode=mode,
        is_termination_msg=is_termination_msg,
        default_auto_reply="Go on.",
        code_execution_config=False,
    )


def model_received(assistant, text):
    """How many times `text` is in the last request the (scripted) model got."""
    calls = getattr(assistant.hitl_llm, "calls", [])
    return [m.get("content") for m in calls[-1].messages].count(text) if calls else 0


# %% [markdown]
# ## 1. Start the inbox
#
# `InboxServer(db, port=0)` binds a free port on `127.0.0.1` (loopback: nothing outside this
# machine can connect) and serves the app with uvicorn in a background thread. In a terminal,
# `hitl-modes inbox [--host 127.0.0.1] [--port 8765] [--db inbox.sqlite]` does the same in the
# foreground. The link it prints carries the token after `#`: a browser keeps that part to itself,
# so the token never shows up in a server log.

# %%
inbox = InboxServer(DB, port=0).start()
print(f"inbox up at {inbox.url}, state in {DB.name}")
print(f"a person opens: {inbox.link}")
health = http_request("GET", f"{inbox.url}/healthz")
lesson.claim(
    "the inbox answers on the loopback address", urlsplit(inbox.url).hostname == "127.0.0.1" and health.status == 200
)

# %% [markdown]
# ## 2. A chat waits for a person in the inbox
#
# An ops assistant proposes to free disk space. The proxy is in ALWAYS mode, so every proposal
# reaches the person. The first proposal deletes application data: the card is marked **high**
# risk, with the policy's reasons, and the person replies with feedback. The second only looks,
# so it is **low** risk and the person approves. At the final answer the person clicks Stop.
#
# `decided_in_the_inbox(replies)` is the human for one chat: an `InboxHuman` (with an audit log),
# and offline a `ScriptedReviewer`, a person who clicks from a script (`""` is Approve, `"exit"`
# is Stop, other text is Reply), in a background thread, over the same HTTP the page uses.

# %%
PERSON_IS_SCRIPTED = lesson.scripted
CHAT_INBOX = (
    lesson.extra.get("inbox_url") if lesson.human_kind == "inbox" and lesson.extra.get("inbox_url") else inbox.agent_url
)


@contextmanager
def decided_in_the_inbox(replies, *, url=None, timeout=120.0, **options):
    """InboxHuman for one chat; offline, a scripted person answers in the inbox (None: nobody does)."""
    with ExitStack() as stack:
        human = stack.enter_context(
            InboxHuman(url or CHAT_INBOX, timeout=timeout, audit_log=AUDIT, echo=not lesson.quiet, **options)
        )
        person = None
        if replies is not None:
            if PERSON_IS_SCRIPTED:
                person = stack.enter_context(ScriptedReviewer(inbox.url, inbox.token, replies))
            else:
                print(f"You are the person: decide each card at {inbox.link if human.url == inbox.url else human.url}")
        yield human, person


DELETE = "To free space I will remove the old application data:\n```sh\nrm -rf /var/lib/app/data\n```"
LOOK = "Understood. First let me see what build/ holds:\n```sh\ndu -sh build/*\n```"
DONE = "build/ holds 3 GB of old artefacts; `make clean` frees them. TERMINATE"
FEEDBACK = "Keep /var/lib/app/data. Only build/ may go."

assistant = lesson.assistant("assistant", [DELETE, LOOK, DONE])
with decided_in_the_inbox([FEEDBACK, "", "exit"]) as (human, person):
    run = lesson.run(ops_proxy(), assistant, TASK, title="decided in the inbox")

if person is not None:
    for card in person.cards:
        risk = card["risk"]
        print(
            f"card for {card['agent']}: risk {risk['level']}; asked about: {card['conversation'][-1]['content']!r:.60}"
        )
        for reason in risk["reasons"]:
            print(f"    - {reason}")

lesson.claim(
    "the card showed the agent, AutoGen's own prompt and the message it asks about",
    lambda: (
        person.cards[0]["agent"] == "user_proxy"
        and person.cards[0]["prompt"] == human.prompts[0]
        and person.cards[0]["conversation"][-1] == {"name": "assistant", "role": "user", "content": DELETE}
    ),
)
lesson.claim(
    "the policy marked `rm -rf` high, with reasons, and the look-only step low",
    lambda: (
        [c["risk"]["level"] for c in person.cards] == ["high", "low", "low"]
        and any("deletes files" in r for r in person.cards[0]["risk"]["reasons"])
    ),
)
lesson.claim(
    "the chat received exactly what the person clicked: Reply, Approve, Stop",
    run.result.human_input == [FEEDBACK, "", "exit"],
)
lesson.claim("the feedback reached the model as the user's message", lambda: model_received(assistant, FEEDBACK) == 1)
lesson.claim("Stop ('exit') ended the chat", run.stop_reason == "human_exit")
lesson.claim(
    "every decision is in the audit log, with the policy's risk",
    lambda: (
        [(x["decision"], x["risk"]) for x in audit_lines()]
        == [("feedback", "high"), ("approved", "low"), ("exit", "low")]
    ),
)

# %% [markdown]
# The inbox keeps its own trail in SQLite, readable with the token (`GET /api/audit`): when each
# prompt was asked and decided. It survives restarts (section 5).

# %%
browser = InboxReviewer(inbox.url, inbox.token)  # what the page does, holding the token from its link
trail = browser.audit_trail()
for event in trail:
    print(f"{event['at']}  {event['prompt_id'][:8]}  {event['event']}")
lesson.claim(
    "the inbox's trail holds the three questions and the three decisions",
    [e["event"] for e in trail] == ["asked", "feedback", "asked", "approved", "asked", "exit"],
)

# %% [markdown]
# ## 3. What the page sends, and what the inbox refuses
#
# The page is plain HTML and JavaScript served by the app (no build step, no framework). It lists
# cards from `GET /api/prompts` and decides with `POST /api/prompts/{id}/decision`, both with the
# token. Everything a chat sent is put on the page with `textContent`, so a prompt that contains
# `<script>` is shown, never run; and the page's Content-Security-Policy forbids inline scripts
# anyway. Here are the page's requests, and some it must refuse:
#
# | request | answer |
# |---|---|
# | without the token (list or decide) | 401 |
# | a chat without the agent token (submit or poll) | 401 |
# | deciding a prompt that does not exist | 404 |
# | deciding a prompt already decided | 409, nothing changes |
# | a body over 256 KiB | 413 |
# | not JSON, or a form post | 400 / 415 |
# | a field missing or of the wrong type | 422 |


# %%
def submit_as_a_chat(prompt_id, prompt, timeout=60):
    return http_request(
        "PUT",
        f"{inbox.url}/api/prompts/{prompt_id}",
        body={"agent": "user_proxy", "prompt": prompt, "timeout": timeout},
        token=inbox.agent_token,  # chats hold the agent token; the page holds the reviewer's
    )


SCRIPT = '<script>alert("pwned")</script> Delete everything?'
submit_as_a_chat("lesson11-markup-01", SCRIPT)
submit_as_a_chat("lesson11-bigbody-01", "Approve the report?")
stranger = InboxReviewer(inbox.url, "not-the-token-at-all")
answers = {
    "list without the token": http_request("GET", f"{inbox.url}/api/prompts").status,
    "decide without the token": stranger.approve("lesson11-markup-01").status,
    "submit without the agent token": http_request(
        "PUT", f"{inbox.url}/api/prompts/lesson11-fake-01", body={"agent": "a", "prompt": "Deploy?", "timeout": 60}
    ).status,
    "decide an unknown prompt": browser.approve("lesson11-nosuch-01").status,
    "reply with feedback": browser.reply("lesson11-markup-01", "No. Nothing gets deleted.").status,
    "click again: Approve": browser.approve("lesson11-markup-01").status,
    "a 300 KB reply": browser.reply("lesson11-bigbody-01", "x" * 300_000).status,
}
for request, status in answers.items():
    print(f"{request:<28} -> {status}")
decided = http_request("GET", f"{inbox.url}/api/prompts/lesson11-markup-01", token=inbox.agent_token).body
page = http_request("GET", f"{inbox.url}/")
script = http_request("GET", f"{inbox.url}/static/inbox.js").body

lesson.claim(
    "without the token the inbox refuses to list or decide (401)",
    answers["list without the token"] == answers["decide without the token"] == 401,
)
lesson.claim(
    "a chat without the agent token cannot put a card in front of the person (401)",
    answers["submit without the agent token"] == 401
    and all(p["id"] != "lesson11-fake-01" for p in browser.listing()["pending"]),
)
lesson.claim("a decision on an unknown prompt is 404", answers["decide an unknown prompt"] == 404)
lesson.claim(
    "a second click is 409 and changes nothing",
    answers["click again: Approve"] == 409
    and (decided["decision"], decided["response"]) == ("feedback", "No. Nothing gets deleted."),
)
lesson.claim(
    "an oversized body is refused (413) and the prompt stays pending",
    answers["a 300 KB reply"] == 413
    and http_request("GET", f"{inbox.url}/api/prompts/lesson11-bigbody-01", token=inbox.agent_token).body["status"]
    == "pending",
)
lesson.claim(
    "a prompt with <script> comes back as data, verbatim, and is never put into the page's HTML",
    any(p["prompt"] == SCRIPT for p in browser.listing()["recent"]) and "pwned" not in page.body,
)
lesson.claim(
    "the page's script writes text with textContent and never parses it as HTML",
    "textContent" in script and "innerHTML" not in script,
)
lesson.claim(
    "the page forbids inline scripts (Content-Security-Policy: script-src 'self')",
    "script-src 'self'" in page.headers["content-security-policy"],
)
browser.stop("lesson11-bigbody-01")

# %% [markdown]
# ## 4. Nobody answers: the safe default
#
# A person may be away. `InboxHuman(timeout=...)` bounds every wait; then the chat gets `exit`
# (or another denial you choose with `timeout_reply`; an empty reply, which would mean "proceed",
# is refused). It also tells the inbox, so the card is closed as timed out and a late click gets
# 409 instead of approving something the chat no longer waits for.

# %%
assistant = lesson.assistant("assistant", [DELETE])
with decided_in_the_inbox(None, url=inbox.agent_url, timeout=2.0) as (human, _):
    run = lesson.run(ops_proxy(), assistant, TASK, title="nobody answers within 2 s")
late = browser.approve(human.decisions[0].prompt_id)
print(f"the chat received {run.result.human_input}; a late Approve got {late.status}: {late.error}")

lesson.claim(
    "with nobody answering, the chat got 'exit' and stopped, and the timeline says it was the timeout",
    run.result.human_input == ["exit"] and run.stop_reason == "human_timeout" and run.trace.human_replies == [],
)
print(summarize_audit_log(AUDIT))
lesson.claim(
    "the audit log says timed-out, not approved, and that nobody answered",
    (audit_lines()[-1]["decision"], audit_lines()[-1]["response"]) == ("timed-out", None),
)
lesson.claim("a late click cannot approve it (409)", late.status == 409 and "timed-out" in late.error)

# %% [markdown]
# ## 5. Restart the inbox while a chat waits
#
# The inbox is a separate process that can crash or be redeployed while chats wait on it. Three
# things make that harmless:
#
# - the state is in SQLite, written before every answer, so a new inbox on the same file has every
#   pending prompt;
# - `InboxHuman` retries (with back-off) until its own deadline, and if the inbox does not know its
#   prompt it submits it again;
# - the **chat** chooses each prompt's id, so a re-submission finds the stored prompt instead of
#   making a second card, and a prompt is decided by one conditional update, so exactly one
#   decision is ever applied.
#
# Below, a helper thread plays the operator and the person: it waits for the card, stops the inbox,
# starts a new one on the same file and port, and the person decides there. The tokens are kept
# beside the database (`inbox.sqlite.tokens`, readable only by you), so the restarted inbox has the
# same ones: the page the person had open, the printed link and the waiting chat keep working.

# %%
SECOND_FEEDBACK = "Yes, but keep build/cache."
restart = {}


def restart_then_decide():
    before = InboxReviewer(inbox.url, inbox.token).next_pending(60)
    inbox.stop()  # the chat is long-polling a port where nobody listens now
    time.sleep(1.0)
    restarted = InboxServer(DB, port=inbox.port).start()  # same file, same port, same tokens
    person = InboxReviewer(restarted.url, restarted.token)
    after = person.next_pending(60)
    restart.update(before=before, after=after, inbox=restarted, answer=person.reply(after["id"], SECOND_FEEDBACK))


assistant = lesson.assistant("assistant", ["I will run `make clean` in build/.", "Done: 3 GB freed."])
operator = threading.Thread(target=restart_then_decide, daemon=True)
with decided_in_the_inbox(None, url=inbox.agent_url, timeout=60) as (human, _):
    operator.start()
    run = lesson.run(ops_proxy(), assistant, TASK, title="the inbox restarts while the chat waits", max_turns=2)
operator.join(60)
old_link_answer = InboxReviewer(inbox.url, inbox.token).approve(restart["after"]["id"]).status
inbox = restart["inbox"]
print(f"the chat retried {human.client.retries} times while the inbox was down; it received {run.result.human_input}")

lesson.claim(
    "the restarted inbox still had the waiting card, under the same id",
    restart["before"]["id"] == restart["after"]["id"] and restart["before"]["prompt"] == restart["after"]["prompt"],
)
lesson.claim(
    "the chat waited through the restart (its client retried) and got the decision",
    human.client.retries >= 1 and run.result.human_input == [SECOND_FEEDBACK],
)
lesson.claim(
    "the decision was applied exactly once",
    lambda: (
        model_received(assistant, SECOND_FEEDBACK) == 1
        and [
            e["event"]
            for e in InboxReviewer(inbox.url, inbox.token).audit_trail()
            if e["prompt_id"] == restart["after"]["id"]
        ]
        == ["asked", "feedback"]
    ),
)
lesson.claim(
    "the link from before the restart still works: its token is accepted (a second click is 409, not 401)",
    old_link_answer == 409 and restart["inbox"].token == inbox.token,
)
lesson.claim(
    "the restarted inbox kept every earlier decision",
    len(InboxReviewer(inbox.url, inbox.token).listing()["recent"]) >= 7,
)

# %% [markdown]
# ## 6. Any lesson can use the inbox
#
# In one terminal start the inbox and open the link it prints:
#
# ```sh
# hitl-modes inbox                       # http://127.0.0.1:8765, state in ./inbox.sqlite
# ```
#
# In another, run any lesson with the inbox as its human, with the agent token the inbox printed
# (or set `HITL_HUMAN=inbox`, `HITL_INBOX_URL` and `HITL_INBOX_AGENT_TOKEN` for a notebook):
#
# ```sh
# export HITL_INBOX_AGENT_TOKEN=...      # printed by `hitl-modes inbox`; also in inbox.sqlite.tokens
# hitl-modes lesson 3 --human inbox --inbox-url http://127.0.0.1:8765
# ```
#
# In your own code it is one `with` block around the chat:
#
# ```python
# with InboxHuman("http://127.0.0.1:8765", timeout=300, audit_log="audit.jsonl"):  # HITL_INBOX_AGENT_TOKEN
#     user_proxy.initiate_chat(assistant, message="...")
# ```
#
# It works for `a_initiate_chat` too: AutoGen's async path runs `get_human_input` in a worker
# thread, and `InboxHuman` is installed for every thread. Lesson 09's queue-fed human can be
# answered in the inbox as well: `inbox_answers(queue_human, url)` is a responder for
# `while_answering`, so a `QueueHumanProxy` keeps its own timeout and audit log while the person
# decides in the browser.
#
# ## 7. Stop the inbox

# %%
inbox.stop()
try:
    http_request("GET", f"{inbox.url}/healthz", timeout=2)
    still_answers = True
except OSError:
    still_answers = False
lesson.claim("once stopped, nothing listens on its port", not inbox.running and not still_answers)
shutil.rmtree(WORK, ignore_errors=True)  # the inbox's database; an --audit-log PATH you gave is kept

# %% [markdown]
# ## Summary
#
# - `InboxHuman` is an AutoGen `IOStream`: AutoGen's own `get_human_input` (sync or async) posts
#   each prompt to the inbox and waits. Approve is `""`, Reply is text, Stop is `exit`.
# - Nobody answering is a decision too: after the timeout the chat gets `exit` (or your denial),
#   it is recorded as `timed-out`, and a late click gets 409.
# - The inbox keeps prompts, decisions and its trail in SQLite; chat-chosen prompt ids and one
#   conditional update per decision make a restart lose nothing and apply nothing twice.
# - It binds to loopback, needs a secret token to list or decide and a separate agent token to
#   submit, keeps both across restarts, answers 404/409/4xx without changing anything, and shows
#   prompt text as text, never as HTML.
#
# ## Exercises
#
# 1. Write `my_triage(reviewer, card)`, a reviewer's rule for the inbox: Approve a low-risk card;
#    for a high-risk one, Reply with feedback that names the policy's first reason
#    (`card["risk"]["reasons"][0]`), so the model learns why. A colleague may have decided the card
#    already: the inbox answers 409, and your rule must not crash on it. The check runs your rule
#    on a real inbox.
# 2. In section 4, give `decided_in_the_inbox` a `timeout_reply="Denied: nobody approved this."`.
#    What does the model receive now, and how does the chat end?
# 3. Run `python lessons/11_inbox.py --human console`, open the printed link, and be the person
#    in section 2. Try Reply with `<b>bold</b>`: what does the model receive, and what does the card
#    show?


# %%
def my_triage(reviewer, card):
    # Your answer here. This starter approves every card, whatever its risk.
    return reviewer.approve(card["id"])


print(check_triage(my_triage))
