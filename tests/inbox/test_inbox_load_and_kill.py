"""Issue 21: the inbox under load while it is SIGKILLed and restarted on its database. Many chats
wait at once, several reviewers race to decide the same cards, and the server dies three times at
random moments. Every decision a reviewer was told was stored (a 200) reaches its chat, exactly one
decision wins each card, and no chat is left waiting. Bounded (loopback only, at most two minutes).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter, defaultdict

from hitl_modes.inbox.client import TRANSIENT_ERRORS, InboxClient, http_request
from tests.support.inbox import InboxProcess

CHATS = 60
REVIEWERS = 3
KILLS = 3
DEADLINE_SECONDS = 120


def test_no_decision_is_lost_or_doubled_while_the_inbox_is_killed_and_restarted(tmp_path):
    db = tmp_path / "inbox.sqlite"
    inbox = InboxProcess(db).start()
    url, token, agent_url = inbox.url, inbox.token, inbox.agent_url
    rng = random.Random(21)
    stop = threading.Event()
    lock = threading.Lock()
    acknowledged = defaultdict(list)  # prompt id -> the decisions a reviewer got a 200 for
    received = {}  # prompt id -> what its chat got back
    failures = []

    def chat(n: int) -> None:
        prompt_id = uuid.uuid4().hex
        submission = {"agent": f"chat-{n}", "prompt": f"Run step {n}?", "conversation": []}
        try:
            state = InboxClient(agent_url).wait_for_decision(prompt_id, submission, timeout=DEADLINE_SECONDS - 20)
        except Exception as e:  # reported below: a chat must never fail
            failures.append(f"chat {n}: {type(e).__name__}: {e}")
            return
        with lock:
            received[prompt_id] = state

    def reviewer(k: int) -> None:
        while not stop.is_set():
            try:
                listing = http_request("GET", f"{url}/api/prompts", token=token, timeout=5)
                cards = listing.body.get("pending", []) if listing.status == 200 else []
                for card in random.Random(k).sample(cards, len(cards)):  # each reviewer in its own order
                    action = ("approve", "") if (k + len(card["id"])) % 2 else ("reply", f"from reviewer {k}")
                    answer = http_request(
                        "POST",
                        f"{url}/api/prompts/{card['id']}/decision",
                        body={"action": action[0], "text": action[1]},
                        token=token,
                        timeout=5,
                    )
                    if answer.status == 200:
                        with lock:
                            acknowledged[card["id"]].append(answer.body)
            except TRANSIENT_ERRORS:
                time.sleep(0.05)  # the inbox is down: try again, as the page does
            time.sleep(0.01)

    chats = [threading.Thread(target=chat, args=(n,)) for n in range(CHATS)]
    reviewers = [threading.Thread(target=reviewer, args=(k,)) for k in range(REVIEWERS)]
    started = time.monotonic()
    for thread in chats + reviewers:
        thread.start()
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 1.5))  # a random moment, with decisions in flight
            inbox.kill()
            inbox = InboxProcess(db, port=inbox.port).start()
        for thread in chats:
            thread.join(DEADLINE_SECONDS - (time.monotonic() - started))
        stop.set()
        for thread in reviewers:
            thread.join(30)
    finally:
        stop.set()
        inbox.kill()

    assert not any(t.is_alive() for t in chats), "a chat was left waiting"
    assert failures == []
    lost = [
        pid
        for pid, acks in acknowledged.items()
        if received.get(pid, {}).get("status") != "decided"
        or (received[pid]["decision"], received[pid]["response"]) != (acks[0]["decision"], acks[0]["response"])
    ]
    doubled = [pid for pid, acks in acknowledged.items() if len(acks) > 1]
    timed_out = Counter(state.get("status") for state in received.values())
    print(f"{CHATS} chats, {REVIEWERS} reviewers, {KILLS} kills: lost {len(lost)}, doubled {len(doubled)}, {timed_out}")
    assert lost == [] and doubled == []
    assert len(received) == CHATS and all(s.get("status") == "decided" for s in received.values())
