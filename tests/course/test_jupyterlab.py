"""A learner works through lesson 02 in a real JupyterLab, typing as the human.

JupyterLab runs from this environment (with jupytext's server extension, as a learner has it) on a
free loopback port with a token, in a git copy of the course; Debian's headless Chromium is driven
by Playwright (never a downloaded browser). The learner does what the notebook's "Running this
lesson" cell teaches: a `%env HITL_HUMAN=console` cell above the setup cell, Run All, and answers in
JupyterLab's input boxes (Enter, feedback, `exit`). Then an interrupt at an input box, and a save.
Afterwards lessons/ is untouched (the copy's and this checkout's) and the drift check is clean.
"""

from __future__ import annotations

import hashlib
import os
import subprocess

import nbformat
import pytest
from playwright.sync_api import expect

from hitl_modes.course.catalog import lessons_dir, list_lessons
from hitl_modes.course.notebooks import drifted_notebooks, notebook_path, notebook_statuses
from tests.support.browser import chromium
from tests.support.jupyter import JupyterLabProcess, copy_course, git_commit_all

LESSON = next(s for s in list_lessons() if s.name.startswith("02_"))
NOTEBOOK = notebook_path(LESSON).name
TYPING = "%env HITL_HUMAN=console"

AT_TERMINATION = "Press enter or type 'exit' to stop the conversation: "
AT_LIMIT = "Press enter to skip and use auto-reply, or type 'exit' to stop the conversation: "
FEEDBACK = "Drop the title and the footnote."
FIX = "Use the new schema name, billing_v2."
#: What the learner types, prompt by prompt, with the end of the prompt AutoGen shows: the same
#: answers the lesson's scripted human gives, so each section's chat takes the same path.
ANSWERS = [
    (AT_TERMINATION, ""),  # 1. Enter at a termination message ends the chat
    (AT_TERMINATION, FEEDBACK),  # 2. feedback continues the chat...
    (AT_TERMINATION, "exit"),  # ...and 'exit' ends it
    (AT_LIMIT, ""),  # 3. Enter at the auto-reply limit: the proxy auto-replies
    (AT_LIMIT, "exit"),  # ...and 'exit' ends the chat
    (AT_LIMIT, FIX),  # 4. feedback at the limit resets the counter
    (AT_LIMIT, "exit"),
    (AT_TERMINATION, ""),  # 5. the limit reached on a termination message: Enter ends the chat
]
#: Each chat is one code cell; its checks are the next one (the notebook's code cells, 0-based).
CODE_CELLS = [c.source for c in nbformat.read(notebook_path(LESSON), as_version=4).cells if c.cell_type == "code"]
CHAT_CELLS = [i for i, source in enumerate(CODE_CELLS) if ".initiate_chat(" in source]
INTERRUPTED = "lesson 02 stopped: interrupted while the chat waited for your reply"

#: Truthy when an input box waits ("input"), or when every code cell has run ("done"). A box marked
#: data-stale is the one JupyterLab leaves on the page after an interrupt: nothing waits for it.
LIVE_INPUT = ".jp-Stdin-input:not([data-stale])"
STATE_JS = """() => {
    if (document.querySelector('LIVE_INPUT')) return 'input';
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    const idle = /Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '');
    return prompts.length && idle && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) ? 'done' : false;
}""".replace("LIVE_INPUT", LIVE_INPUT)


def _lessons_snapshot():
    """This checkout's lessons/: every file's bytes (hashed) and git's view of them."""
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(lessons_dir().glob("*.py"))}
    status = subprocess.run(
        ["git", "-C", str(lessons_dir()), "status", "--porcelain", "--", "."], capture_output=True, text=True
    ).stdout
    return files, status


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


class LabPage:
    """The notebook as a learner sees it in JupyterLab, and what they do there."""

    def __init__(self, page):
        self.page = page

    def state(self, timeout_ms=180_000):
        return self.page.wait_for_function(STATE_JS, timeout=timeout_ms).json_value()

    def code_cells(self):
        return self.page.locator(".jp-Notebook .jp-CodeCell")

    def output_text(self, cell=None):
        """The text of the outputs (textContent: JupyterLab does not render cells out of view)."""
        areas = (cell or self.page.locator(".jp-Notebook")).locator(".jp-OutputArea")
        return "\n".join(areas.all_text_contents())

    def answer_prompts(self, answers):
        """Answer each input box in turn; returns the prompts shown. Fails on an unexpected prompt."""
        shown = []
        while self.state() == "input":
            box = self.page.locator(LIVE_INPUT)
            prompt = self.page.locator(".jp-Stdin", has=box).locator(".jp-Stdin-prompt").inner_text()
            shown.append(prompt)
            assert len(shown) <= len(answers), f"asked more than the {len(answers)} expected times: {prompt!r}"
            expected_end, reply = answers[len(shown) - 1]
            assert prompt.rstrip().endswith(expected_end.rstrip()), (len(shown), prompt)
            answered = box.element_handle()
            box.fill(reply)
            box.press("Enter")
            answered.wait_for_element_state("hidden", timeout=60_000)  # replaced by the answer's text
        return shown

    def command(self, name):
        """Start one of JupyterLab's commands (what its menus and buttons run); never wait for it:
        running cells ends only once the input boxes are answered."""
        self.page.evaluate("name => { window.jupyterapp.commands.execute(name); }", name)


def test_a_learner_types_as_the_human_in_jupyterlab_and_the_course_stays_clean(tmp_path, browser):
    before = _lessons_snapshot()
    course = copy_course(tmp_path / "course")
    git_commit_all(course)
    env = dict(os.environ)  # offline: tests/conftest.py clears every live and personal switch
    with JupyterLabProcess(course, tmp_path / "jupyter", env=env) as lab:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{lab.url}/lab/tree/notebooks/{NOTEBOOK}?token={lab.token}")
        lab_page = LabPage(page)
        expect(page.locator("#jp-main-statusbar")).to_contain_text("Python 3 (ipykernel) | Idle", timeout=180_000)
        page.wait_for_function("window.jupyterapp !== undefined")

        # What the notebook's "Running this lesson" cell says to do: a cell above the setup cell.
        setup_cell = lab_page.code_cells().first
        expect(setup_cell).to_contain_text("Course.setup(2")
        setup_cell.locator(".jp-InputPrompt").click()
        page.keyboard.press("Escape")
        page.keyboard.press("a")  # insert a cell above
        page.keyboard.press("Enter")
        page.keyboard.type(TYPING)
        page.keyboard.press("Escape")
        expect(lab_page.code_cells().first).to_contain_text(TYPING)

        lab_page.command("notebook:run-all-cells")
        prompts = lab_page.answer_prompts(ANSWERS)
        assert len(prompts) == len(ANSWERS)
        assert lab_page.state() == "done"

        text = lab_page.output_text()
        assert "human: console" in text  # the setup cell saw the switch
        assert "NO HUMAN INPUT RECEIVED" in text  # AutoGen's note after each Enter, which the lesson explains
        for claim in ("Enter ended the chat", "the feedback reached the model", "the proxy asked the person"):
            assert claim in text  # each chat's checks, on the learner's own run
        assert text.count("human_exit") >= 2 and text.count("termination_msg") >= 3  # the chats' results
        # Claims about the person's own run are checked on it and shown, never asserted (issue 13).
        assert "(checked on your run)" in text
        assert "Traceback" not in text
        # Inline SVG (not an <img>), so the hover texts (<title>) work in JupyterLab.
        pictures = page.locator(".jp-OutputArea-output svg")
        assert pictures.count() >= len(CHAT_CELLS), "each chat's timeline is drawn"
        assert page.locator(".jp-OutputArea-output img[src^='data:image/svg+xml']").count() == 0
        assert pictures.first.locator("title").count() > 0, "full texts on hover"

        # Stop a chat that waits: the stop button (interrupt the kernel) at an input box.
        # (code cell N of the lesson is N + 1 here: the learner's %env cell is above it)
        first_chat = lab_page.code_cells().nth(CHAT_CELLS[0] + 1)
        first_chat.locator(".jp-InputPrompt").click()
        lab_page.command("notebook:run-cell")
        assert lab_page.state() == "input"
        waiting = page.locator(LIVE_INPUT)
        page.locator("jp-button[data-command='notebook:interrupt-kernel']").click()
        expect(first_chat.locator(".jp-OutputArea")).to_contain_text(INTERRUPTED, timeout=60_000)
        expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle", timeout=60_000)
        interrupted = lab_page.output_text(first_chat)
        assert "Traceback" not in interrupted and "KeyboardInterrupt" not in interrupted, interrupted
        assert len([line for line in interrupted.splitlines() if line.startswith("lesson 02 stopped:")]) == 1
        # JupyterLab leaves the unanswered box on the page (its own behaviour); nothing waits for it,
        # and the lesson goes on: the next chat runs and asks, with no "pending input" dialog.
        waiting.evaluate("box => { box.dataset.stale = '1'; }")
        next_chat = lab_page.code_cells().nth(CHAT_CELLS[1] + 1)
        next_chat.locator(".jp-InputPrompt").click()
        lab_page.command("notebook:run-cell")
        assert lab_page.answer_prompts(ANSWERS[1:3]) == [p for p in prompts[1:3]]
        assert lab_page.state() == "done"
        expect(page.locator(".jp-Dialog")).to_have_count(0)
        expect(next_chat.locator(".jp-OutputArea svg title").first).to_be_attached()  # its timeline, drawn
        its_checks = lab_page.code_cells().nth(CHAT_CELLS[1] + 2)
        its_checks.locator(".jp-InputPrompt").click()
        lab_page.command("notebook:run-cell")
        assert lab_page.state() == "done"
        expect(its_checks.locator(".jp-OutputArea")).to_contain_text("(checked on your run)")  # claims on the run typed

        lab_page.command("docmanager:save")
        expect(page.locator(".jp-mod-dirty")).to_have_count(0, timeout=60_000)
        context.close()

    saved = nbformat.read(course / "notebooks" / NOTEBOOK, as_version=4)
    assert saved.cells[2].source == TYPING  # after the two markdown cells
    assert any("NO HUMAN INPUT RECEIVED" in str(c.get("outputs")) for c in saved.cells), "saved with outputs"

    git_status = subprocess.run(
        ["git", "-C", str(course), "status", "--porcelain", "--", "lessons/"], capture_output=True, text=True
    )
    assert git_status.returncode == 0 and git_status.stdout == "", git_status.stdout
    states = {s.name: s.state for s in notebook_statuses(course / "notebooks")}
    assert states.pop(NOTEBOOK) == "edited", "the learner's %env cell is their own edit"
    assert set(states.values()) == {"fresh"}
    assert drifted_notebooks(course / "notebooks") == []
    assert _lessons_snapshot() == before, "this checkout's lessons/ changed"
