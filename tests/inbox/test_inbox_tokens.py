"""The two inbox tokens: where they are kept, where a chat finds the agent token, and the clear
errors when it has none or the wrong one."""

from __future__ import annotations

import stat

import pytest

from hitl_modes import InboxHuman, InboxServer
from hitl_modes.errors import InboxTokenError
from hitl_modes.inbox.client import InboxError
from hitl_modes.inbox.tokens import agent_token_from, load_or_create_tokens, token_file_for


@pytest.fixture
def inbox(tmp_path):
    with InboxServer(tmp_path / "inbox.sqlite", port=0) as server:
        yield server


def test_tokens_are_created_once_beside_the_database_for_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("HITL_INBOX_TOKEN", raising=False)
    monkeypatch.delenv("HITL_INBOX_AGENT_TOKEN", raising=False)
    db = tmp_path / "inbox.sqlite"
    first = load_or_create_tokens(db)
    assert first.file == token_file_for(db) == tmp_path / "inbox.sqlite.tokens"
    assert stat.S_IMODE(first.file.stat().st_mode) == 0o600
    assert load_or_create_tokens(db) == first
    assert first.reviewer != first.agent
    assert first.reviewer not in repr(first) and first.agent not in repr(first), "a repr never shows a secret"
    assert load_or_create_tokens(":memory:").file is None


def test_a_broken_or_readable_token_file_is_refused_with_the_fix(tmp_path):
    db = tmp_path / "inbox.sqlite"
    file = load_or_create_tokens(db, environ={}).file
    file.chmod(0o640)
    with pytest.raises(InboxTokenError, match="chmod 600"):
        load_or_create_tokens(db, environ={})
    file.chmod(0o600)
    file.write_text("not json")
    with pytest.raises(InboxTokenError, match="delete it"):
        load_or_create_tokens(db, environ={})


def test_the_environment_wins_and_must_hold_real_secrets(tmp_path):
    env = {"HITL_INBOX_TOKEN": "r" * 24, "HITL_INBOX_AGENT_TOKEN": "a" * 24}
    tokens = load_or_create_tokens(tmp_path / "inbox.sqlite", environ=env)
    assert (tokens.reviewer, tokens.agent, tokens.file) == ("r" * 24, "a" * 24, None)
    with pytest.raises(InboxTokenError, match="HITL_INBOX_AGENT_TOKEN must be at least 16"):
        load_or_create_tokens(tmp_path / "x.sqlite", environ={**env, "HITL_INBOX_AGENT_TOKEN": "short"})
    with pytest.raises(InboxTokenError, match="must differ"):
        load_or_create_tokens(tmp_path / "y.sqlite", environ={**env, "HITL_INBOX_AGENT_TOKEN": "r" * 24})


def test_a_chat_finds_the_agent_token_in_the_argument_the_url_the_environment_or_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("HITL_INBOX_AGENT_TOKEN", raising=False)
    monkeypatch.delenv("HITL_INBOX_TOKEN_FILE", raising=False)
    url = "http://127.0.0.1:8765"
    assert agent_token_from(url) is None
    assert agent_token_from(url, "g" * 20) == "g" * 20
    assert agent_token_from(url + "/#agent=" + "u" * 20) == "u" * 20
    monkeypatch.setenv("HITL_INBOX_AGENT_TOKEN", "e" * 20)
    assert agent_token_from(url) == "e" * 20
    assert agent_token_from(url + "/#agent=" + "u" * 20) == "u" * 20, "the URL is more specific than the environment"
    monkeypatch.delenv("HITL_INBOX_AGENT_TOKEN")
    kept = load_or_create_tokens(tmp_path / "inbox.sqlite", environ={})
    monkeypatch.setenv("HITL_INBOX_TOKEN_FILE", str(kept.file))
    assert agent_token_from(url) == kept.agent
    with pytest.raises(InboxTokenError, match="#agent="):
        agent_token_from(url + "/#agent=short")


def test_a_chat_without_the_agent_token_or_with_the_reviewers_fails_fast_naming_the_fix(inbox, monkeypatch):
    monkeypatch.delenv("HITL_INBOX_AGENT_TOKEN", raising=False)
    monkeypatch.delenv("HITL_INBOX_TOKEN_FILE", raising=False)
    with pytest.raises(InboxError, match="no agent token.*HITL_INBOX_AGENT_TOKEN"):
        InboxHuman(inbox.url, timeout=5).start()
    with pytest.raises(InboxError, match="refused the agent token.*not the reviewer's link token"):
        InboxHuman(inbox.url, timeout=5, agent_token=inbox.token).start()
    with InboxHuman(inbox.agent_url, timeout=5, echo=False) as human:
        assert human.client.agent_token == inbox.agent_token
    assert inbox.store.pending() == [], "no refused chat left a card"


def test_the_server_keeps_its_tokens_across_restarts(tmp_path):
    db = tmp_path / "inbox.sqlite"
    with InboxServer(db, port=0) as first:
        kept = (first.token, first.agent_token, first.link.split("#")[1])
    with InboxServer(db, port=0) as second:
        assert (second.token, second.agent_token, second.link.split("#")[1]) == kept
    with InboxServer(db, port=0, token="t" * 20, agent_token="a" * 20) as given:
        assert (given.token, given.agent_token) == ("t" * 20, "a" * 20)
