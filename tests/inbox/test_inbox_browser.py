"""The inbox in a real browser: Debian's headless Chromium driven by Playwright (never a downloaded
browser). A chat waits; a person clicks Approve; the chat completes with that decision audited."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.inbox.client import http_request
from tests.support.inbox import DELETE, ChatInThread, InboxProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def test_clicking_approve_in_the_page_completes_the_waiting_chat(tmp_path, page):
    db, audit = tmp_path / "inbox.sqlite", tmp_path / "audit.jsonl"
    with InboxProcess(db) as inbox:
        chat = ChatInThread(inbox.agent_url, audit, replies=[DELETE]).start()
        page.goto(inbox.link)
        card = page.locator("article.card")
        expect(card).to_have_count(1, timeout=30_000)
        expect(card.locator("h3")).to_contain_text("user_proxy asks")
        expect(card.locator(".risk")).to_have_text("risk: high")
        expect(card.locator(".conversation")).to_contain_text("rm -rf /var/log/app")
        expect(card.locator(".prompt")).to_contain_text("Please give feedback to assistant")
        expect(page.locator("#connection")).to_have_text("live", timeout=15_000)

        card.get_by_role("button", name="Approve").click()
        run = chat.finish(timeout=60)

        expect(page.locator("article.card")).to_have_count(0, timeout=15_000)
        expect(page.locator("#recent")).to_contain_text("user_proxy: approved")
    assert run.result.human_input == [""] and run.stop_reason == "termination_msg"
    (line,) = read_audit_log(audit)
    assert (line["agent"], line["decision"], line["response"], line["risk"]) == ("user_proxy", "approved", "", "high")
    assert line["prompt"] == chat.human.prompts[0]


def test_markup_in_a_prompt_is_shown_as_text_and_never_runs(tmp_path, page):
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        prompt_id = uuid.uuid4().hex
        http_request(
            "PUT",
            f"{inbox.url}/api/prompts/{prompt_id}",
            body={
                "agent": XSS,
                "prompt": XSS,
                "timeout": 60,
                "conversation": [{"name": XSS, "role": "user", "content": XSS}],
            },
            token=inbox.agent_token,
        )
        page.goto(inbox.link)
        card = page.locator(f'article.card[data-prompt-id="{prompt_id}"]')
        expect(card.locator(".prompt")).to_have_text(XSS, timeout=30_000)
        expect(card.locator(".conversation .content")).to_have_text(XSS)
        expect(card.locator("h3")).to_contain_text(XSS + " asks")
        assert card.locator("img, script").count() == 0, "no element was created from the prompt's markup"
        assert page.evaluate("window.__xss") is None, "no script from the prompt ran"
        assert page.dialogs == []


def test_a_link_without_the_right_token_cannot_list_or_decide(tmp_path, page):
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        http_request(
            "PUT",
            f"{inbox.url}/api/prompts/{uuid.uuid4().hex}",
            body={"agent": "a", "prompt": "secret plan", "timeout": 60},
            token=inbox.agent_token,
        )
        page.goto(f"{inbox.url}/#token=not-the-token")
        expect(page.locator("#notice")).to_contain_text("refused this link's token", timeout=15_000)
        expect(page.locator("article.card")).to_have_count(0)
        assert "secret plan" not in page.content()
