"""The course's website, built once per test run from a copy of the checkout, served on loopback, and a browser.

``make site`` executes every lesson, so the build happens once however many workers run these tests:
the first worker to ask builds it under a lock, the others wait for it and reuse it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.support.browser import chromium
from tests.support.checkout import copy_checkout
from tests.support.site import build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """A copy of the checkout in which the site was built: ``<copy>/site``."""
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


@pytest.fixture(scope="module")
def site_url(built_site) -> Iterator[str]:
    """``python -m http.server`` serving the site on loopback, as the README says to."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(built_site / "site")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        port = re.search(r"port (\d+)", line)
        assert port, f"http.server said: {line!r}"
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
