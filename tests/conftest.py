import fcntl
import json
import os
from pathlib import Path

import pytest

from tests.support.checkout import copy_checkout
from tests.support.site import build_site

# The scripted_human and scripted_llm fixtures come from the installed package (its pytest11 entry
# point); pytester runs fresh pytest projects in tests/test_testing.py.
pytest_plugins = ["pytester"]


#: The switches a person sets to change what a lesson or a command does (a real model, being the human,
#: quiet, printout, an inbox, an audit log, ...): a developer's own settings never reach a test, or what
#: it starts. A test that needs one sets it.
PERSONAL_SWITCHES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "OAI_CONFIG_LIST",
    "HITL_LIVE",
    "HITL_HUMAN",
    "HITL_QUIET",
    "HITL_PRINTOUT",
    "HITL_NO_LEGEND",
    "HITL_AUDIT_LOG",
    "HITL_TRANSCRIPT",
    "HITL_INBOX_URL",
    "HITL_INBOX_TIMEOUT",
    "HITL_INBOX_TOKEN",
    "HITL_INBOX_TOKEN_FILE",
    "HITL_INBOX_AGENT_TOKEN",
    "HITL_EXERCISES_DIR",
    "HITL_EXERCISE_RUN",
    "HITL_EXERCISE_RESULTS",
)


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Every test runs in its own folder, so a stray disk cache or work dir would be visible, with none
    of the person's switches set."""
    monkeypatch.chdir(tmp_path)
    for name in PERSONAL_SWITCHES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """A copy of the checkout in which the site was built: ``<copy>/site``, and every lesson's notebook as
    the build executed it, headlessly (nbclient, stdin disabled, no key): ``<copy>/build/site/executed/``.

    ``make site`` executes every lesson, so the build happens once however many workers ask for it: the
    first builds it under a lock, the others wait for it and reuse it. The site's tests read the pages;
    tests/course/test_lessons.py reads the executed notebooks."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, which every worker's own folder sits in
    checkout, outcome = shared / "site-checkout", shared / "site-build.json"
    with open(shared / "site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            copy_checkout(checkout)
            proc = build_site(checkout)
            outcome.write_text(json.dumps({"returncode": proc.returncode, "output": proc.stdout + proc.stderr}))
        result = json.loads(outcome.read_text())
    assert result["returncode"] == 0, f"make site failed:\n{result['output'][-6000:]}"
    assert (checkout / "site" / "index.html").is_file(), result["output"][-3000:]
    return checkout
