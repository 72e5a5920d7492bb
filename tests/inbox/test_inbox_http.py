"""Every endpoint of the inbox over real HTTP, against `hitl-modes inbox` on a loopback port:
the token, 404 and 409 that change nothing, bad bodies, text that stays text, live updates."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest

from hitl_modes.inbox.app import MAX_BODY_BYTES
from hitl_modes.inbox.client import http_request
from tests.support.inbox import InboxProcess

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    with InboxProcess(tmp_path_factory.mktemp("inbox") / "inbox.sqlite") as running:
        yield running


def new_id() -> str:
    return uuid.uuid4().hex


def submit(inbox, prompt_id=None, *, prompt="Approve?", agent="user_proxy", conversation=(), timeout=60.0):
    prompt_id = prompt_id or new_id()
    answer = http_request(
        "PUT",
        f"{inbox.url}/api/prompts/{prompt_id}",
        body={"agent": agent, "prompt": prompt, "conversation": list(conversation), "timeout": timeout},
        token=inbox.agent_token,
    )
    return prompt_id, answer


def decide(inbox, prompt_id, action, text="", token="use-inbox"):
    token = inbox.token if token == "use-inbox" else token
    return http_request(
        "POST", f"{inbox.url}/api/prompts/{prompt_id}/decision", body={"action": action, "text": text}, token=token
    )


def status(inbox, prompt_id, wait=0, token="use-agent"):
    token = inbox.agent_token if token == "use-agent" else token
    return http_request("GET", f"{inbox.url}/api/prompts/{prompt_id}?wait={wait}", timeout=wait + 10, token=token)


def expire(inbox, prompt_id, token="use-agent"):
    token = inbox.agent_token if token == "use-agent" else token
    return http_request("POST", f"{inbox.url}/api/prompts/{prompt_id}/expire", body={}, token=token)


def listing(inbox, token="use-inbox"):
    return http_request("GET", f"{inbox.url}/api/prompts", token=inbox.token if token == "use-inbox" else token)


def raw(inbox, method, path, body=b"", headers=None, chunks=None):
    """A request exactly as given (bad bodies, lying headers, chunked uploads)."""
    parts = urlsplit(inbox.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        if chunks is not None:
            conn.putrequest(method, path)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for chunk in chunks:
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            conn.send(b"0\r\n\r\n")
        else:
            conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# -- the page ---------------------------------------------------------------------------------------
def test_the_page_is_static_html_with_a_strict_content_security_policy(inbox):
    status_code, headers, body = raw(inbox, "GET", "/")
    page = body.decode()
    assert status_code == 200 and headers["content-type"].startswith("text/html")
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert '<script src="/static/inbox.js" defer></script>' in page
    assert page.count("<script") == 1, "no inline script: the CSP would refuse it anyway"


def test_the_script_and_style_are_served_by_the_app_and_never_parse_html(inbox):
    status_code, headers, body = raw(inbox, "GET", "/static/inbox.js")
    script = body.decode()
    assert status_code == 200 and headers["content-type"].startswith("text/javascript")
    assert "textContent" in script
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, f"the page script uses {sink}, which parses text as markup"
    status_code, headers, _ = raw(inbox, "GET", "/static/inbox.css")
    assert status_code == 200 and headers["content-type"].startswith("text/css")
    assert raw(inbox, "GET", "/static/secrets.txt")[0] == 404
    assert raw(inbox, "GET", "/static/..%2Finbox_store.py")[0] == 404


def test_healthz(inbox):
    answer = http_request("GET", f"{inbox.url}/healthz")
    assert answer.status == 200 and answer.body["ok"] is True


def test_a_foreign_host_header_is_refused(inbox):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the inbox."""
    assert raw(inbox, "GET", "/api/prompts", headers={"Host": "evil.example"})[0] == 400
    assert raw(inbox, "GET", "/", headers={"Host": f"localhost:{inbox.port}"})[0] == 200
    for host in ("[::1]", f"[::1]:{inbox.port}", "127.0.0.1", "LOCALHOST"):
        assert raw(inbox, "GET", "/", headers={"Host": host})[0] == 200, host
    for host in ("[::2]:80", "127.0.0.1.evil.example", "evil.example:80", "[::1"):
        assert raw(inbox, "GET", "/healthz", headers={"Host": host})[0] == 400, host


# -- chats submit and wait ----------------------------------------------------------------------------
def test_submitting_is_idempotent_for_the_same_prompt_id(inbox):
    prompt_id, first = submit(inbox, prompt="Run the migration?")
    assert first.status == 201 and first.body["status"] == "pending"
    _, again = submit(inbox, prompt_id, prompt="Run the migration?")
    assert again.status == 200 and again.body == first.body
    cards = [p for p in listing(inbox).body["pending"] if p["id"] == prompt_id]
    assert len(cards) == 1, "a retried submission must not make a second card"
    _, other = submit(inbox, prompt_id, prompt="Something else entirely")
    assert other.status == 409 and "already used" in other.body["error"]


def test_the_card_carries_agent_prompt_conversation_and_the_policys_risk(inbox):
    conversation = [
        {"name": "user_proxy", "role": "assistant", "content": "Tidy the server."},
        {"name": "assistant", "role": "user", "content": "```sh\nrm -rf /var/lib/app/data\n```"},
    ]
    risky, _ = submit(inbox, agent="ops_proxy", prompt="Provide feedback to assistant.", conversation=conversation)
    calm, _ = submit(
        inbox, conversation=[{"name": "assistant", "role": "user", "content": "```python\nprint(6 * 7)\n```"}]
    )
    cards = {p["id"]: p for p in listing(inbox).body["pending"]}
    assert cards[risky]["agent"] == "ops_proxy"
    assert cards[risky]["prompt"] == "Provide feedback to assistant."
    assert cards[risky]["conversation"] == conversation
    assert cards[risky]["risk"]["level"] == "high" and cards[risky]["risk"]["reasons"]
    assert cards[calm]["risk"]["level"] == "low"


@pytest.mark.parametrize(
    "prompt, given, expected",
    [
        ("Please give feedback to assistant. Press enter or type 'exit' to stop the conversation: ", None, "end"),
        (
            "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
            "or type 'exit' to end the conversation: ",
            None,
            "auto-reply",
        ),
        ("Replying as user_proxy. ... Press enter to skip and use auto-reply ...", "end", "end"),
        ("Run this code? (yes/no)", None, "proceed"),
    ],
)
def test_each_card_says_what_approve_does(inbox, prompt, given, expected):
    prompt_id = new_id()
    body = {"agent": "user_proxy", "prompt": prompt, "timeout": 60, **({"approve": given} if given else {})}
    assert http_request("PUT", f"{inbox.url}/api/prompts/{prompt_id}", body=body, token=inbox.agent_token).status == 201
    card = next(p for p in listing(inbox).body["pending"] if p["id"] == prompt_id)
    assert card["approve"] == expected
    decide(inbox, prompt_id, "approve")
    done = next(p for p in listing(inbox).body["recent"] if p["id"] == prompt_id)
    assert (done["approve"], done["agent"], done["prompt"]) == (expected, "user_proxy", prompt)
    assert done["decided_at"].endswith("+00:00"), "the page shows when it was decided"


def test_a_chat_polling_its_prompt_sees_the_decision_but_not_the_content(inbox):
    prompt_id, _ = submit(inbox)
    pending = status(inbox, prompt_id).body
    assert pending["status"] == "pending" and "prompt" not in pending and "conversation" not in pending
    assert status(inbox, new_id()).status == 404


def test_a_long_poll_returns_as_soon_as_a_person_decides(inbox):
    prompt_id, _ = submit(inbox)
    seen = {}
    waiter = threading.Thread(target=lambda: seen.update(status(inbox, prompt_id, wait=15).body))
    waiter.start()
    time.sleep(0.5)
    assert decide(inbox, prompt_id, "approve").status == 200
    waiter.join(30)
    assert seen["status"] == "decided" and seen["decision"] == "approved" and seen["response"] == ""


# -- deciding ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "action, text, decision, response",
    [
        ("approve", "", "approved", ""),
        ("approve", "ignored text", "approved", ""),
        ("reply", "Only delete build/, please.", "feedback", "Only delete build/, please."),
        ("stop", "", "exit", "exit"),
    ],
)
def test_approve_reply_and_stop_become_the_reply_autogen_receives(inbox, action, text, decision, response):
    prompt_id, _ = submit(inbox)
    answer = decide(inbox, prompt_id, action, text)
    assert answer.status == 200 and answer.body["decision"] == decision and answer.body["response"] == response
    final = status(inbox, prompt_id).body
    assert (final["status"], final["decision"], final["response"]) == ("decided", decision, response)


@pytest.mark.parametrize("token", [None, "", "wrong-token-wrong-token", "use-inbox-but-tampered"])
def test_deciding_and_listing_need_the_token(inbox, token):
    prompt_id, _ = submit(inbox)
    if token == "use-inbox-but-tampered":
        token = inbox.token[:-1] + ("A" if inbox.token[-1] != "A" else "B")
    answer = decide(inbox, prompt_id, "approve", token=token)
    assert answer.status == 401 and "token" in answer.body["error"]
    assert listing(inbox, token=token).status == 401
    assert http_request("GET", f"{inbox.url}/api/audit", token=token).status == 401
    assert status(inbox, prompt_id).body["status"] == "pending", "a refused decision changes nothing"
    # Without the token an id cannot even be probed: unknown ids are 401, not 404.
    assert decide(inbox, new_id(), "approve", token=token).status == 401


@pytest.mark.parametrize("who", ["nobody", "empty", "wrong", "the reviewer"])
def test_chats_need_the_agent_token_and_a_refused_request_changes_nothing(inbox, who):
    """Only the inbox's own chats may put a card in front of the reviewer, or poll and expire one."""
    token = {"nobody": None, "empty": "", "wrong": "not-the-agent-token-at-all", "the reviewer": inbox.token}[who]
    pending_before = listing(inbox).body["pending"]
    refused_id = new_id()
    answer = http_request(
        "PUT",
        f"{inbox.url}/api/prompts/{refused_id}",
        body={"agent": "deployer", "prompt": "Approve the deploy?", "timeout": 60},
        token=token,
    )
    assert answer.status == 401 and "agent token" in answer.body["error"]
    assert answer.headers["www-authenticate"] == "Bearer"
    assert listing(inbox).body["pending"] == pending_before, "no card appeared"
    prompt_id, _ = submit(inbox)
    assert status(inbox, prompt_id, token=token).status == 401
    assert status(inbox, new_id(), token=token).status == 401, "ids cannot be probed: 401, not 404"
    assert expire(inbox, prompt_id, token=token).status == 401
    assert status(inbox, prompt_id).body["status"] == "pending", "a refused expire changes nothing"
    # Bad bodies without the token are refused for the token first: nothing about the body leaks.
    code, _, _ = raw(inbox, "PUT", "/api/prompts/short", b"nope", {"Content-Type": "application/json"})
    assert code == 401


def test_the_agent_token_cannot_list_decide_or_read_the_audit(inbox):
    prompt_id, _ = submit(inbox)
    assert decide(inbox, prompt_id, "approve", token=inbox.agent_token).status == 401
    assert listing(inbox, token=inbox.agent_token).status == 401
    assert http_request("GET", f"{inbox.url}/api/audit", token=inbox.agent_token).status == 401
    assert status(inbox, prompt_id).body["status"] == "pending", "a chat cannot approve its own prompt"


def test_the_session_endpoint_says_which_token_was_sent(inbox):
    session = f"{inbox.url}/api/session"
    assert http_request("GET", session, token=inbox.token).body == {"role": "reviewer"}
    assert http_request("GET", session, token=inbox.agent_token).body == {"role": "agent"}
    for token in (None, "", "x" * 32, inbox.token + "x"):
        assert http_request("GET", session, token=token).status == 401
    assert raw(inbox, "POST", "/api/session")[0] == 405


def test_unknown_prompt_is_404(inbox):
    answer = decide(inbox, new_id(), "approve")
    assert answer.status == 404 and "no prompt" in answer.body["error"]


def test_a_second_decision_is_409_and_changes_nothing(inbox):
    prompt_id, _ = submit(inbox)
    assert decide(inbox, prompt_id, "reply", "Use a dry run first.").status == 200
    for action, text in [("approve", ""), ("stop", ""), ("reply", "something else")]:
        answer = decide(inbox, prompt_id, action, text)
        assert answer.status == 409 and "already decided" in answer.body["error"]
        assert answer.body["prompt"]["response"] == "Use a dry run first."
    final = status(inbox, prompt_id).body
    assert (final["decision"], final["response"]) == ("feedback", "Use a dry run first.")
    trail = http_request("GET", f"{inbox.url}/api/audit?prompt_id={prompt_id}", token=inbox.token).body["events"]
    assert [e["event"] for e in trail] == ["asked", "feedback"]


def test_simultaneous_clicks_apply_exactly_one_decision(inbox):
    prompt_id, _ = submit(inbox)
    actions = [("approve", ""), ("stop", ""), ("reply", "a"), ("reply", "b")] * 3
    answers = [None] * len(actions)
    start = threading.Barrier(len(actions))

    def click(i, action, text):
        start.wait()
        answers[i] = decide(inbox, prompt_id, action, text)

    threads = [threading.Thread(target=click, args=(i, *a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(a.status for a in answers) == [200] + [409] * (len(actions) - 1)
    winner = next(a.body for a in answers if a.status == 200)
    final = status(inbox, prompt_id).body
    assert (final["decision"], final["response"]) == (winner["decision"], winner["response"])
    trail = http_request("GET", f"{inbox.url}/api/audit?prompt_id={prompt_id}", token=inbox.token).body["events"]
    assert [e["event"] for e in trail] == ["asked", winner["decision"]]


def test_the_chat_giving_up_times_the_prompt_out_unless_a_decision_won(inbox):
    prompt_id, _ = submit(inbox)
    expired = expire(inbox, prompt_id)
    assert expired.status == 200 and expired.body["status"] == "timed-out"
    late = decide(inbox, prompt_id, "approve")
    assert late.status == 409 and "timed-out" in late.body["error"]
    assert status(inbox, prompt_id).body["status"] == "timed-out"

    raced, _ = submit(inbox)
    assert decide(inbox, raced, "stop").status == 200
    answer = expire(inbox, raced)
    assert answer.body["status"] == "decided" and answer.body["response"] == "exit", "the decision won the race"
    assert expire(inbox, new_id()).status == 404


def test_the_inbox_times_out_prompts_whose_chat_stopped_waiting(inbox):
    prompt_id, _ = submit(inbox, timeout=0.3)
    time.sleep(0.6)
    data = listing(inbox).body
    assert prompt_id not in [p["id"] for p in data["pending"]]
    assert [p["status"] for p in data["recent"] if p["id"] == prompt_id] == ["timed-out"]
    assert decide(inbox, prompt_id, "approve").status == 409


def test_the_audit_trail_lists_every_event(inbox):
    prompt_id, _ = submit(inbox)
    decide(inbox, prompt_id, "stop")
    events = http_request("GET", f"{inbox.url}/api/audit", token=inbox.token).body["events"]
    mine = [e for e in events if e["prompt_id"] == prompt_id]
    assert [e["event"] for e in mine] == ["asked", "exit"]
    assert mine[1]["detail"] == {"response": "exit"} and mine[0]["at"].endswith("+00:00")


# -- bad input ----------------------------------------------------------------------------------------
def test_malformed_and_oversized_bodies_are_4xx_and_change_nothing(inbox):
    prompt_id, _ = submit(inbox)
    auth = {"Authorization": f"Bearer {inbox.token}"}
    json_auth = {**auth, "Content-Type": "application/json"}
    decision_path = f"/api/prompts/{prompt_id}/decision"
    big = json.dumps({"action": "reply", "text": "x" * (MAX_BODY_BYTES + 1)}).encode()
    cases = [
        ("not JSON", decision_path, b"{action: approve", json_auth, 400),
        ("a JSON list", decision_path, b'["approve"]', json_auth, 400),
        ("not UTF-8", decision_path, b'{"action": "\xff"}', json_auth, 400),
        ("no content type", decision_path, b'{"action": "approve"}', auth, 415),
        (
            "a form post",
            decision_path,
            b"action=approve",
            {**auth, "Content-Type": "application/x-www-form-urlencoded"},
            415,
        ),
        ("no action", decision_path, b'{"text": "hi"}', json_auth, 422),
        ("an unknown action", decision_path, b'{"action": "delete"}', json_auth, 422),
        ("action not a string", decision_path, b'{"action": 1}', json_auth, 422),
        ("a reply without text", decision_path, b'{"action": "reply", "text": "  "}', json_auth, 422),
        ("text not a string", decision_path, b'{"action": "reply", "text": ["a"]}', json_auth, 422),
        ("too big", decision_path, big, json_auth, 413),
        ("a bad prompt id", "/api/prompts/bad%20id%21/decision", b'{"action": "approve"}', json_auth, 422),
        ("a path escape", "/api/prompts/..%2F..%2Fx/decision", b'{"action": "approve"}', json_auth, 404),
    ]
    for name, path, body, headers, expected in cases:
        code, _, payload = raw(inbox, "POST", path, body, headers)
        assert code == expected, f"{name}: expected {expected}, got {code}: {payload[:200]!r}"
    # A body that lies about its size, or streams past the limit without one, is cut off as well.
    code, _, _ = raw(inbox, "POST", decision_path, b"{}", {**json_auth, "Content-Length": str(MAX_BODY_BYTES + 10)})
    assert code in (400, 413)
    code, _, _ = raw(inbox, "POST", decision_path, headers=json_auth, chunks=[b"{" + b" " * 65536] * 6)
    assert code == 413
    assert status(inbox, prompt_id).body["status"] == "pending", "no bad request changed the prompt"


def test_bad_submissions_are_4xx_and_create_nothing(inbox):
    before = len(listing(inbox).body["pending"])
    json_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {inbox.agent_token}"}
    good = {"agent": "a", "prompt": "p", "timeout": 10}
    cases = [
        ({**good, "timeout": -1}, 422),
        ({**good, "timeout": 0}, 422),
        ({**good, "timeout": 1e12}, 422),
        ({**good, "timeout": "soon"}, 422),
        ({**good, "timeout": True}, 422),
        ({k: v for k, v in good.items() if k != "prompt"}, 422),
        ({**good, "agent": 7}, 422),
        ({**good, "conversation": "hello"}, 422),
        ({**good, "conversation": [{"name": 1}]}, 422),
        ({**good, "conversation": [{"name": "a", "role": "user", "content": "c"}] * 51}, 422),
        ({**good, "prompt": "x" * (MAX_BODY_BYTES + 1)}, 413),
        ({**good, "approve": "maybe"}, 422),
        ({**good, "approve": 3}, 422),
    ]
    for body, expected in cases:
        code, _, payload = raw(inbox, "PUT", f"/api/prompts/{new_id()}", json.dumps(body).encode(), json_headers)
        assert code == expected, f"{body!r:.120}: expected {expected}, got {code}: {payload[:200]!r}"
    assert raw(inbox, "PUT", "/api/prompts/short", json.dumps(good).encode(), json_headers)[0] == 422
    agent = {"Authorization": f"Bearer {inbox.agent_token}"}
    assert raw(inbox, "GET", "/api/prompts/bad%20id%21", headers=agent)[0] == 422
    assert raw(inbox, "GET", f"/api/prompts/{new_id()}?wait=soon", headers=agent)[0] == 422
    assert raw(inbox, "POST", "/api/prompts/bad%20id%21/expire", b"{}", {**json_headers})[0] == 422
    assert raw(inbox, "DELETE", f"/api/prompts/{new_id()}", headers=agent)[0] == 405
    assert raw(inbox, "PUT", f"/api/prompts/{new_id()}", b"nope", json_headers)[0] == 400
    assert len(listing(inbox).body["pending"]) == before


# -- text stays text -------------------------------------------------------------------------------
def test_markup_in_a_prompt_is_returned_as_data_never_put_into_the_page(inbox):
    prompt_id, _ = submit(inbox, agent=XSS, prompt=XSS, conversation=[{"name": XSS, "role": "user", "content": XSS}])
    code, headers, body = raw(inbox, "GET", "/api/prompts", headers={"Authorization": f"Bearer {inbox.token}"})
    assert code == 200 and headers["content-type"] == "application/json"
    card = next(p for p in json.loads(body)["pending"] if p["id"] == prompt_id)
    assert card["prompt"] == XSS and card["agent"] == XSS and card["conversation"][0]["content"] == XSS
    assert "<script>window" not in raw(inbox, "GET", "/")[2].decode(), "the page never embeds prompt text"


def test_the_server_rendered_database_name_is_escaped(tmp_path):
    with InboxProcess(tmp_path / '<img src=x onerror="alert(1)">.sqlite') as odd:
        page = raw(odd, "GET", "/")[2].decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.sqlite" in page
    assert "<img" not in page


# -- live updates -----------------------------------------------------------------------------------
def test_server_sent_events_announce_every_change(inbox):
    parts = urlsplit(inbox.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", "/api/events")
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("content-type").startswith("text/event-stream")

    def next_version() -> int:
        while True:
            line = response.readline().decode()
            if line.startswith("data: "):
                return int(json.loads(line[6:])["version"])

    try:
        first = next_version()
        prompt_id, _ = submit(inbox)
        second = next_version()
        decide(inbox, prompt_id, "approve")
        third = next_version()
    finally:
        conn.close()
    assert first < second < third


@pytest.mark.parametrize("suffix", ["", "/", "/#token=abc", "#token=abc"])
def test_the_printed_link_works_as_the_inbox_url(inbox, suffix):
    from hitl_modes.inbox.client import InboxClient, base_url

    assert base_url(inbox.url + suffix) == inbox.url
    InboxClient(inbox.url + suffix, agent_token=inbox.agent_token).check()  # no 404 from a doubled slash
