"""Run a snippet of Python the way a server, cron job or CI runner runs it: with nobody at stdin.

Lesson 03 uses this to show what a chat that waits for a person does when no person can answer,
and it must show the same thing in a terminal (where a person *is* there) and in a notebook kernel
(where ``input()`` is disabled). Running the snippet in a child process with a stdin we choose
makes that deterministic everywhere:

- ``stdin="devnull"``: stdin is closed, as under ``< /dev/null`` or most CI runners.
  ``input()`` raises ``EOFError`` at once.
- ``stdin="open"``: stdin is a pipe that stays open but is never written to, as for a service whose
  supervisor keeps stdin attached (``docker run -i``, a pipe from a parent process). ``input()``
  waits forever. We watch for the prompt, give it ``patience`` seconds more, and stop it.

:func:`run_in_child` runs a function the lesson shows in a cell (plain AutoGen, self-contained: it
imports what it uses) both ways, so what runs headless is the code the learner reads.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional

__all__ = ["HeadlessRun", "run_headless", "run_in_child"]

Stdin = Literal["devnull", "open"]


@dataclass(frozen=True)
class HeadlessRun:
    """What a headless child process did. ``returncode`` is None when it was still waiting after
    the patience ran out and had to be stopped."""

    stdin: str
    returncode: Optional[int]
    stdout: str
    stderr: str
    waited: float = 0.0

    @property
    def still_waiting(self) -> bool:
        """True when the child was still blocked (and we stopped it): nobody would ever answer."""
        return self.returncode is None

    @property
    def error(self) -> str:
        """The last line of stderr: for an uncaught exception, ``Type: message``."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def __str__(self) -> str:
        if self.still_waiting:
            return f"stdin={self.stdin}: still waiting after {self.waited:.0f} s at the prompt; stopped it"
        return f"stdin={self.stdin}: exited with code {self.returncode}" + (f": {self.error}" if self.error else "")


def run_headless(
    code: str,
    *,
    stdin: Stdin = "devnull",
    wait_for: Optional[str] = None,
    patience: float = 2.0,
    timeout: float = 120.0,
) -> HeadlessRun:
    """Run ``python -c code`` with no human at stdin and report what it did.

    With ``stdin="open"``, ``wait_for`` is text the child prints when it starts waiting (a
    prompt); once it appears the child gets ``patience`` seconds to move on before it is stopped.
    ``timeout`` only guards against a snippet that never gets that far: it raises rather than
    report a wait that was never observed.
    """
    if stdin not in ("devnull", "open"):
        raise ValueError(f"stdin must be 'devnull' or 'open', got {stdin!r}")
    if stdin == "open" and not wait_for:
        raise ValueError("stdin='open' needs wait_for: the text the child prints when it starts waiting")
    cmd = [sys.executable, "-c", code]
    if stdin == "devnull":
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise TimeoutError(f"the snippet was still running after {timeout} s with stdin closed") from e
        return HeadlessRun("devnull", proc.returncode, proc.stdout, proc.stderr)
    assert wait_for is not None
    return _run_with_open_stdin(cmd, wait_for, patience, timeout)


def run_in_child(
    fn: Any, *args: Any, wait_for: str, patience: float = 2.0, timeout: float = 120.0
) -> Dict[str, HeadlessRun]:
    """Call ``fn(*args)`` in a child Python process with nobody at stdin, once with stdin open and
    once with it closed (see :func:`run_headless`); what each did, by ``"open"`` and ``"devnull"``.

    ``fn`` is sent as its source (``inspect.getsource``), so it must be self-contained: a function
    defined at the top level of a module, a lesson script or a notebook cell, that imports what it
    uses. ``args`` are sent as their ``repr``. The child inherits the environment (a lesson's
    ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``). ``wait_for`` is the prompt the child shows when it
    starts waiting. Each run is printed as it ends: the call, then what it did."""
    source = textwrap.dedent(inspect.getsource(fn))
    call = f"{fn.__name__}({', '.join(map(repr, args))})"
    runs = {}
    for stdin in ("open", "devnull"):
        runs[stdin] = run_headless(
            f"{source}\n{call}\n", stdin=stdin, wait_for=wait_for, patience=patience, timeout=timeout
        )
        print(f"{call}  {runs[stdin]}")
    return runs


def _run_with_open_stdin(cmd: List[str], wait_for: str, patience: float, timeout: float) -> HeadlessRun:
    read_end, write_end = os.pipe()  # we hold write_end open and never write: nobody is typing
    try:
        proc = subprocess.Popen(cmd, stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        os.close(read_end)
    out: List[bytes] = []
    err: List[bytes] = []
    seen = threading.Event()
    needle = wait_for.encode()

    def pump(stream: Any, sink: List[bytes], watch: bool) -> None:
        # read1 returns as soon as any bytes arrive: a prompt has no newline to wait for
        for chunk in iter(lambda: stream.read1(4096), b""):
            sink.append(chunk)
            if watch and needle in b"".join(sink):
                seen.set()

    readers = [
        threading.Thread(target=pump, args=(proc.stdout, out, True), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, err, False), daemon=True),
    ]
    for t in readers:
        t.start()
    try:
        deadline = time.monotonic() + timeout
        while not seen.is_set() and proc.poll() is None and time.monotonic() < deadline:
            seen.wait(0.05)
        if not seen.is_set() and proc.poll() is None:
            raise TimeoutError(f"the snippet did not print {wait_for!r} within {timeout} s")
        try:
            proc.wait(timeout=patience)  # it has shown its prompt (or exited): does anything answer?
            still_waiting = False
        except subprocess.TimeoutExpired:
            still_waiting = True
            proc.kill()
            proc.wait()
        for t in readers:
            t.join()
        return HeadlessRun(
            "open",
            None if still_waiting else proc.returncode,
            _text(out),
            _text(err),
            waited=patience if still_waiting else 0.0,
        )
    finally:
        os.close(write_end)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _text(chunks: List[bytes]) -> str:
    return b"".join(chunks).decode("utf-8", errors="replace")
