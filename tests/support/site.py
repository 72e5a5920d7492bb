"""Reading the course's website in a browser, and building it as ``make site`` does (tests/site/)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List


def build_site(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    """``make site``'s command, run in ``checkout`` as from a fresh clone: offline, no stdin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HITL_", "OPENAI_", "OAI_"))}
    return subprocess.run(
        [sys.executable, "tools/site/build.py", *args],
        cwd=checkout,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@dataclass
class Visit:
    """One page as a browser showed it: the page (still open), and what went wrong while it loaded."""

    page: Any
    console_errors: List[str] = field(default_factory=list)
    outside_requests: List[str] = field(default_factory=list)
    failed: List[str] = field(default_factory=list)


def visit(browser: Any, url: str, local_prefix: str) -> Visit:
    """Open ``url``; any request to an address not starting with ``local_prefix`` is blocked and
    recorded (nothing leaves the machine), as are console errors, page errors and failed loads."""
    context = browser.new_context()
    page = context.new_page()
    seen = Visit(page)

    def route(request_route: Any) -> None:
        request_url = request_route.request.url
        if request_url.startswith((local_prefix, "data:", "about:", "blob:")):
            request_route.continue_()
        else:
            seen.outside_requests.append(request_url)
            request_route.abort()

    context.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("requestfailed", lambda request: seen.failed.append(f"{request.url}: {request.failure}"))
    page.on(
        "response", lambda response: response.status >= 400 and seen.failed.append(f"{response.url}: {response.status}")
    )
    page.goto(url, wait_until="load")
    return seen
