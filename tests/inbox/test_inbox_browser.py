"""The inbox in a real browser: Debian's headless Chromium driven by Playwright (never a downloaded
browser). A chat waits; a person clicks Approve; the chat completes with that decision audited."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from hitl_modes.approvals.audit import read_audit_log
from hitl_modes.course.durable_demo import FEEDBACK, REPLIES
from hitl_modes.inbox.client import http_request
from tests.support.browser import chromium
from tests.support.durable import Chat, uninterrupted_history
from tests.support.inbox import DELETE, ChatInThread, InboxProcess

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


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
        # The assistant said TERMINATE: here Enter (Approve) ends the chat, and the card says so.
        expect(card.locator(".approve-effect")).to_have_text(
            "Approve = Enter: this is a termination message, so the chat ends here."
        )
        assert "the chat ends here" in card.get_by_role("button", name="Approve").get_attribute("title")

        card.get_by_role("button", name="Approve").click()
        run = chat.finish(timeout=60)

        expect(page.locator("article.card")).to_have_count(0, timeout=15_000)
        recent = page.locator("#recent li").first
        expect(recent).to_contain_text("user_proxy: approved")
        expect(recent.locator("q.asked")).to_have_text(
            "Please give feedback to assistant. Press enter or type 'exit' to stop the conversation:"
        )
        assert recent.locator("time").get_attribute("datetime").endswith("+00:00"), "when it was decided"
        expect(recent.locator("time")).not_to_be_empty()
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
        # A clear error, never "Nothing is waiting (0)": the page does not know what is waiting.
        expect(page.locator("#empty")).to_be_hidden()
        expect(page.locator("#loading")).to_be_hidden()
        expect(page.locator("#pending-count")).to_have_text("?")
        assert page.locator("body").get_attribute("data-state") == "error"


def test_the_page_says_it_is_loading_until_the_first_answer_arrives(tmp_path, page):
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        held = []

        def hold_the_first(route):
            if held:
                route.continue_()
            else:
                held.append(route)  # the first listing waits until the test lets it go

        page.route("**/api/prompts", hold_the_first)
        page.goto(inbox.link)
        expect(page.locator("#loading")).to_be_visible()
        expect(page.locator("#loading")).to_have_text("Loading the inbox…")
        expect(page.locator("#empty")).to_be_hidden()
        expect(page.locator("#pending-count")).to_have_text("…")
        for _ in range(600):  # until the page's first listing request reaches the route (events pump meanwhile)
            if held:
                break
            page.wait_for_timeout(50)
        assert len(held) == 1, "the page asked for the listing"
        expect(page.locator("#loading")).to_be_visible()  # still loading: no answer has arrived
        assert page.locator("body").get_attribute("data-state") is None
        held[0].continue_()
        expect(page.locator("#empty")).to_be_visible(timeout=15_000)
        expect(page.locator("#loading")).to_be_hidden()
        expect(page.locator("#pending-count")).to_have_text("0")


def test_each_card_says_what_approve_does_for_its_prompt(tmp_path, page):
    mid_chat = (
        "Replying as user_proxy. Provide feedback to assistant. Press enter to skip and use auto-reply, "
        "or type 'exit' to end the conversation: "
    )
    at_the_end = "Please give feedback to assistant. Press enter or type 'exit' to stop the conversation: "
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        ids = {}
        for name, prompt, approve in [
            ("mid", mid_chat, None),
            ("end", at_the_end, None),
            ("always-at-terminate", mid_chat, "end"),  # ALWAYS mode at a termination message: the chat knows
            ("gate", "Run this code?", None),
        ]:
            ids[name] = uuid.uuid4().hex
            body = {"agent": "user_proxy", "prompt": prompt, "timeout": 60}
            if approve:
                body["approve"] = approve
            http_request("PUT", f"{inbox.url}/api/prompts/{ids[name]}", body=body, token=inbox.agent_token)
        page.goto(inbox.link)

        def effect(name):
            return page.locator(f'article.card[data-prompt-id="{ids[name]}"] .approve-effect')

        expect(effect("mid")).to_have_text(
            "Approve = Enter: no feedback; the agent auto-replies and the chat goes on.", timeout=30_000
        )
        expect(effect("end")).to_contain_text("the chat ends here")
        expect(effect("always-at-terminate")).to_contain_text("the chat ends here")
        expect(effect("gate")).to_have_text("Approve = Enter (an empty reply): the step that asks goes ahead.")


def test_a_chat_killed_while_waiting_resumes_with_the_decision_clicked_in_the_page(tmp_path, page):
    """Lesson 17's durable wait, decided by a person in the browser: the chat process is SIGKILLed,
    the person types feedback and clicks Reply while nothing runs, a new process finishes the chat."""
    with InboxProcess(tmp_path / "inbox.sqlite") as inbox:
        first = Chat(tmp_path, inbox, 1)
        page.goto(inbox.link)
        card = page.locator("article.card")
        expect(card).to_have_count(1, timeout=60_000)
        first.kill()
        card.locator("textarea").fill(FEEDBACK)
        card.get_by_role("button", name="Reply").click()
        expect(page.locator("#recent li").first).to_contain_text("feedback: " + FEEDBACK, timeout=15_000)

        second = Chat(tmp_path, inbox, 2)
        follow_up = page.locator("article.card")
        expect(follow_up).to_have_count(1, timeout=60_000)
        expect(follow_up.locator(".conversation")).to_contain_text(REPLIES[1])
        expect(follow_up.locator(".approve-effect")).to_contain_text("the chat ends here")
        follow_up.get_by_role("button", name="Approve").click()
        result = second.result()
    assert result["resumed"] and result["history"] == uninterrupted_history()
    assert [(r["decision"], r["response"]) for r in read_audit_log(tmp_path / "audit.jsonl")] == [
        ("feedback", FEEDBACK),
        ("approved", ""),
    ]
