"""Executing a notebook in a real kernel with a model server and a human attached, and the timeline.

:func:`execute_notebook` is shared by replaying and recording: it starts the server, writes the
``OAI_CONFIG_LIST`` file, runs every cell with nbclient in the notebook's folder (the kernel's stdin
channel on, each ``input_request`` answered by ``answers``), and reports the first cell that failed.
Everything it creates lives in one temporary folder, removed when the run ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from ..chat.llm import Reply
from ..chat.server import ScriptedModelServer, ServerRequest
from ..errors import HitlModesError
from .kernel import RefusingPort, cache_prelude, kernel_env, prelude_call, write_config_list
from .stdin import Answers, HumanPrompt

__all__ = ["CellFailure", "Timeline", "execute_notebook", "KERNEL_NAME"]

_INTERRUPTED = "KeyboardInterrupt: the run was interrupted (Ctrl-C) and the kernel stopped"

#: The kernel every notebook runs in: this Python's own (the one AutoGen and hitl-modes are installed in).
KERNEL_NAME = "python3"


@dataclass(frozen=True)
class CellFailure:
    """The cell that stopped the run: its 1-based number in the notebook and what went wrong."""

    number: int
    error: str
    source: str

    def describe(self) -> str:
        first = next((line for line in self.source.splitlines() if line.strip()), "")
        error = self.error if len(self.error) <= 300 else self.error[:299] + "…"
        return f"cell {self.number} raised {error}" + (f" (the cell begins: {first[:80]!r})" if first else "")


def _short(text: Any, width: int = 70) -> str:
    flat = " ".join(str(text if text is not None else "").split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


class Timeline:
    """The compact terminal timeline: one line per model call and per human prompt, with its cell."""

    def __init__(self, echo: Optional[Callable[[str], None]] = None) -> None:
        self.lines: List[str] = []
        self.cell = 0
        self.replies = 0
        self.refused = 0
        self._echo = echo
        self._lock = threading.Lock()

    def add(self, line: str) -> None:
        """One line, prefixed with the cell it happened in."""
        with self._lock:
            line = f"[cell {self.cell}] {line}"
            self.lines.append(line)
            if self._echo is not None:
                self._echo(line)

    def model_call(self, request: ServerRequest, reply: Optional[Reply], error: Optional[HitlModesError]) -> None:
        messages = request.body.get("messages") or []
        last = messages[-1] if messages else {}
        sender = last.get("name") or last.get("role") or "?"
        asked = f"model call #{request.call} ({request.model}, {len(messages)} messages, last from {sender}: "
        asked += f"{_short(last.get('content'), 50)})"
        if error is not None:
            self.refused += 1
            if self.refused == 1:  # AutoGen then tries each other config in its list: one line says it all
                self.add(f"{asked} -> REFUSED: {str(error).split('. ')[0]}")
            return
        self.replies += 1
        if isinstance(reply, dict) and reply.get("tool_calls"):
            names = ", ".join(c["function"]["name"] for c in reply["tool_calls"])
            said = f"tool call {names}"
        else:
            said = _short(reply if isinstance(reply, str) else (reply or {}).get("content"))
        self.add(f"{asked} -> reply #{self.replies}: {said}")

    def human_prompt(self, prompt: HumanPrompt) -> None:
        kind = "getpass" if prompt.password else "input"
        if prompt.answer is None:
            answered = "no answer (EOFError)"
        elif prompt.password:
            answered = "(hidden)"
        else:
            answered = repr(prompt.answer)
        self.add(f"human prompt #{prompt.call} ({kind}) {_short(prompt.prompt)} -> {answered}")


class _StdinNotebookClient(NotebookClient):
    """nbclient with the kernel's stdin channel on and answered, a prelude, and the current cell tracked."""

    def __init__(
        self,
        nb: NotebookNode,
        *,
        answers: Answers,
        prelude: str,
        timeline: Timeline,
        show_output: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(nb, **kwargs)
        self.answers = answers
        self.prelude = prelude
        self.timeline = timeline
        self.show_output = show_output
        self.failure: Optional[CellFailure] = None

    async def async_start_new_kernel_client(self) -> Any:
        kc = await super().async_start_new_kernel_client()
        kc.allow_stdin = True  # nbclient turns it off; the runner answers input_request itself
        reply = await kc.execute_interactive(  # type: ignore[attr-defined]  # an AsyncKernelClient
            self.prelude, silent=True, store_history=False, allow_stdin=False, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the run-notebook prelude failed in the kernel: {reply['content'].get('evalue')}")
        return kc

    async def async_execute_cell(
        self, cell: NotebookNode, cell_index: int, execution_count: Optional[int] = None, store_history: bool = True
    ) -> NotebookNode:
        self.timeline.cell = cell_index + 1
        answering = asyncio.ensure_future(self._answer_stdin())
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except CellExecutionError as e:
            if self.failure is None:
                self.failure = CellFailure(cell_index + 1, _error_line(e), cell.source)
            raise
        except CellTimeoutError:
            late = f"TimeoutError: still running after {self.timeout} s (the timeout per cell)"
            self.failure = CellFailure(cell_index + 1, late, cell.source)
            raise
        finally:
            answering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await answering

    async def _answer_stdin(self) -> None:
        assert self.kc is not None
        while True:
            msg = await self.kc.stdin_channel.get_msg(timeout=None)
            if msg["header"]["msg_type"] != "input_request":
                continue
            content = msg["content"]
            if self.show_output:  # a person reads the output first: let what the kernel printed arrive
                await asyncio.sleep(0.3)
            prompt, password = str(content.get("prompt", "")), bool(content.get("password"))
            text = await _in_daemon_thread(self.answers.answer, prompt, password)
            self.kc.input(text)

    def output(self, outs: List[Any], msg: Dict[str, Any], display_id: Optional[str], cell_index: int) -> Any:
        if self.show_output and msg["msg_type"] == "stream":
            stream = sys.stderr if msg["content"].get("name") == "stderr" else sys.stdout
            stream.write(msg["content"].get("text", ""))
            stream.flush()
        return super().output(outs, msg, display_id, cell_index)


async def _in_daemon_thread(func: Callable[..., str], *args: Any) -> str:
    """``func(*args)`` in a daemon thread: a person at a terminal may take a while (the output keeps
    flowing meanwhile), and a Ctrl-C that ends the run must not then wait for their Enter, as a
    pool thread would at exit."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[str] = loop.create_future()

    def settle(result: Any, error: Optional[BaseException]) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)

    def work() -> None:
        try:
            result, error = func(*args), None
        except BaseException as e:  # handed to the awaiting coroutine
            result, error = None, e
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="hitl-run-notebook-human", daemon=True).start()
    return await done


def _error_line(error: CellExecutionError) -> str:
    name = getattr(error, "ename", "") or "Error"
    value = getattr(error, "evalue", "") or ""
    return f"{name}: {value}" if value else name


def execute_notebook(
    nb: NotebookNode,
    folder: Path,
    server: ScriptedModelServer,
    answers: Answers,
    *,
    models: List[str],
    timeline: Timeline,
    timeout: Optional[float],
    show_output: bool = False,
) -> Optional[CellFailure]:
    """Run every cell of ``nb`` (in place) with ``folder`` as the working directory.

    Returns the cell that failed, or None when every cell ran."""
    with tempfile.TemporaryDirectory(prefix="hitl-run-notebook-") as tmp:
        refusing = RefusingPort()
        try:
            with server:
                config_list = write_config_list(Path(tmp), server.base_url, models)
                env = kernel_env(server.base_url, config_list, refusing_proxy=refusing.url)
                client = _StdinNotebookClient(
                    nb,
                    answers=answers,
                    prelude=prelude_call(cache_prelude(Path(tmp) / "autogen-cache")),
                    timeline=timeline,
                    show_output=show_output,
                    kernel_name=KERNEL_NAME,
                    timeout=int(timeout) if timeout else None,
                    resources={"metadata": {"path": str(folder)}},
                )
                # The kernel's own log (not the notebook's output) goes to a file, shown if the kernel dies.
                log_path = Path(tmp) / "kernel.log"
                with open(log_path, "wb") as log:
                    try:
                        client.execute(cwd=str(folder), env=env, stdout=log, stderr=log)
                    except (CellExecutionError, CellTimeoutError):
                        return client.failure
                    except DeadKernelError:
                        if getattr(client, "_async_cleanup_kernel_future", None) is not None:
                            # Ctrl-C: nbclient's SIGINT handler shut the kernel down while a cell ran
                            # (it sets this future); which error the cell then sees depends on timing.
                            return CellFailure(timeline.cell, _INTERRUPTED, "")
                        tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
                        return CellFailure(timeline.cell, "DeadKernelError: the kernel died. " + " | ".join(tail), "")
                    except AssertionError:
                        # Ctrl-C: nbclient's own SIGINT handler shuts the kernel down, and its second
                        # clean-up then fails on the manager it already dropped (nbclient 0.11).
                        if client.km is not None:
                            raise
                        return CellFailure(timeline.cell, _INTERRUPTED, "")
        finally:
            refusing.close()
    return None
