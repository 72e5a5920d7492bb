"""Issue 21: text and requests a hostile or unlucky chat can send, against `hitl-modes inbox` on a
loopback port. Each test failed before its fix: lone surrogates (a non-UTF-8 file name from
``os.listdir``) broke every answer after the write, deep JSON was a 500, an id with a trailing
newline passed, an empty Host passed on ``::1``, the database was world-readable, and empty agent
names and prompts were accepted."""

from __future__ import annotations

import json
import os
import stat
import threading
import uuid

import pytest

from hitl_modes.inbox.app import HostCheckMiddleware
from hitl_modes.inbox.client import InboxClient, http_request
from hitl_modes.inbox.reviewer import InboxReviewer
from tests.inbox.test_inbox_http import decide, listing, raw, status, submit
from tests.support.inbox import InboxProcess

FILE_NAME = "caf\udce9.txt"  # what os.listdir returns for b"caf\xe9.txt" on a UTF-8 system


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    with InboxProcess(tmp_path_factory.mktemp("inbox") / "inbox.sqlite") as running:
        yield running


def test_a_decision_on_a_prompt_quoting_a_non_utf8_file_name_reaches_its_chat(inbox):
    client = InboxClient(inbox.agent_url)
    prompt_id = uuid.uuid4().hex
    submission = {
        "agent": "user_proxy",
        "prompt": f"Run `rm {FILE_NAME}`?",
        "conversation": [{"name": "assistant", "role": "user", "content": f"rm {FILE_NAME}"}],
    }
    decided = {}
    chat = threading.Thread(target=lambda: decided.update(client.wait_for_decision(prompt_id, submission, 30)))
    chat.start()
    reviewer = InboxReviewer(inbox.url, inbox.token)
    card = None
    for _ in range(200):  # until the chat's prompt is in the inbox (the chat thread submits it)
        card = next((c for c in reviewer.pending() if c["id"] == prompt_id), None)
        if card is not None:
            break
        threading.Event().wait(0.05)
    assert card is not None, "the chat's prompt never reached the inbox"
    assert "caf\\udce9.txt" in card["prompt"], "the unencodable character is shown as its escape"
    assert decide(inbox, prompt_id, "approve").status == 200
    chat.join(30)
    assert decided.get("status") == "decided" and decided.get("decision") == "approved", decided
    assert listing(inbox).status == 200, "the list of cards still loads for everyone"


@pytest.mark.parametrize(
    "body, field",
    [
        ('{"agent": "a", "prompt": "caf\\udce9", "timeout": 5}', "prompt"),
        ('{"agent": "\\ud800", "prompt": "p", "timeout": 5}', "agent"),
        (
            '{"agent": "a", "prompt": "p", "timeout": 5, "conversation": [{"name": "x", "role": "user", '
            '"content": "\\udce9"}]}',
            "conversation[0].content",
        ),
    ],
)
def test_a_lone_surrogate_sent_raw_is_a_422_naming_the_field_and_creates_nothing(inbox, body, field):
    prompt_id = uuid.uuid4().hex
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {inbox.agent_token}"}
    code, _, answer = raw(inbox, "PUT", f"/api/prompts/{prompt_id}", body=body.encode(), headers=headers)
    assert code == 422, answer
    assert field in json.loads(answer)["error"]
    assert status(inbox, prompt_id).status == 404


def test_a_lone_surrogate_in_a_reply_is_a_422_and_the_prompt_stays_pending(inbox):
    prompt_id, _ = submit(inbox)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {inbox.token}"}
    body = b'{"action": "reply", "text": "ok \\udce9"}'
    code, _, answer = raw(inbox, "POST", f"/api/prompts/{prompt_id}/decision", body=body, headers=headers)
    assert code == 422 and "text" in json.loads(answer)["error"]
    assert status(inbox, prompt_id).body["status"] == "pending"


def test_deeply_nested_json_is_a_400_not_a_500(inbox):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {inbox.agent_token}"}
    body = ("[" * 100_000 + "]" * 100_000).encode()
    code, _, answer = raw(inbox, "PUT", f"/api/prompts/{uuid.uuid4().hex}", body=body, headers=headers)
    assert code == 400 and "nested too deeply" in json.loads(answer)["error"]


def test_a_prompt_id_with_a_trailing_newline_is_refused(inbox):
    answer = http_request(
        "PUT",
        f"{inbox.url}/api/prompts/abcdefgh%0A",
        body={"agent": "a", "prompt": "p", "timeout": 5},
        token=inbox.agent_token,
    )
    assert answer.status == 422 and "prompt id" in answer.error


@pytest.mark.parametrize("field", ["agent", "prompt"])
def test_an_empty_agent_name_or_prompt_is_refused(inbox, field):
    prompt_id = uuid.uuid4().hex
    answer = http_request(
        "PUT",
        f"{inbox.url}/api/prompts/{prompt_id}",
        body={"agent": "a", "prompt": "p", "timeout": 5, field: "  "},
        token=inbox.agent_token,
    )
    assert answer.status == 422 and field in answer.error and "empty" in answer.error
    assert status(inbox, prompt_id).status == 404


def test_an_empty_or_portless_host_header_is_refused(inbox):
    for host in ("", f":{inbox.port}"):
        assert raw(inbox, "GET", "/healthz", headers={"Host": host})[0] == 400, repr(host)


def test_an_inbox_bound_to_ipv6_loopback_admits_no_empty_host():
    middleware = HostCheckMiddleware(None, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]"])
    assert "" not in middleware.allowed and "[::1]" in middleware.allowed


def test_the_database_is_readable_by_its_owner_only(inbox):
    submit(inbox)  # the -wal file exists once something was written
    for path in (inbox.db, inbox.db.with_name(inbox.db.name + "-wal")):
        if path.exists():
            mode = stat.S_IMODE(os.stat(path).st_mode)
            assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}: other users could read every prompt"
