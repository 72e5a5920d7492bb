"""Executing a notebook in the session's kernel with a model server and a human attached, and the timeline.

:func:`execute_notebook` is shared by replaying and recording: nbclient runs every cell in the kernel
the :class:`~hitl_modes.notebook_runner.session.NotebookSession` started (the kernel's stdin channel
on, each ``input_request`` answered by ``answers``), and reports the first cell that failed.

The executed notebook holds only what this run produced: every code cell's published outputs are
cleared before the run, and a cell that did not run (after a failure, or tagged ``skip-execution``)
says so in its output instead of showing results from someone else's run.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import signal
import sys
import threading
import time
from queue import Empty
from typing import Any, Callable, Dict, List, Optional, Set

import zmq
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import run_hook
from nbformat import NotebookNode
from nbformat.v4 import new_output
from zmq.utils.monitor import parse_monitor_message

from .kernel import KernelProcess
from .stdin import Answers
from .timeline import CellFailure, Timeline

__all__ = ["execute_notebook", "NOT_RUN", "KERNEL_NAME"]

_INTERRUPTED = "KeyboardInterrupt: the run was interrupted (Ctrl-C) and the kernel stopped"

#: The kernel every notebook runs in: this Python's own (the one AutoGen and hitl-modes are installed in).
KERNEL_NAME = "python3"
#: How a cell that did not run says so, in its output.
NOT_RUN = "hitl-modes run-notebook: this cell did not run"


class _SessionKernelManager(AsyncKernelManager):
    """The kernel the session already started, as nbclient's kernel manager: nbclient connects to it
    and never starts one; interrupting, killing and "is it alive?" go to the session's process."""

    def __init__(self, kernel: KernelProcess, **kwargs: Any) -> None:
        super().__init__(kernel_name=KERNEL_NAME, connection_file=str(kernel.connection_file), **kwargs)
        self.load_connection_file()
        self._process = kernel
        # The client connects while the kernel is still starting: retry every 10 ms, not ZeroMQ's 100 ms.
        self.context.setsockopt(zmq.RECONNECT_IVL, 10)

    @property
    def has_kernel(self) -> bool:
        return True

    # jupyter_client calls both the public names and their ``_async_`` implementations (its client asks
    # the manager ``_async_is_alive``): each pair is bound to one method here.
    async def _refuse_start(self, **kwargs: Any) -> None:
        raise RuntimeError("the session's kernel is already running")

    async def _alive(self) -> bool:
        return self._process.alive()

    async def _interrupt(self) -> None:
        self._process.signal(signal.SIGINT)

    async def _signal(self, signum: int) -> None:
        self._process.signal(signum)

    async def _shutdown(self, now: bool = False, restart: bool = False) -> None:
        self._process.kill()  # a replay's kernel has nothing to save: never the graceful second
        await self._cleanup()

    async def _kill(self, restart: bool = False) -> None:
        self._process.kill()

    async def _cleanup(self, restart: bool = False) -> None:
        self._close_control_socket()
        if self._created_context and not self.context.closed:
            self.context.destroy(linger=100)

    start_kernel = _async_start_kernel = _refuse_start  # type: ignore[assignment]
    is_alive = _async_is_alive = _alive  # type: ignore[assignment]
    interrupt_kernel = _async_interrupt_kernel = _interrupt  # type: ignore[assignment]
    signal_kernel = _async_signal_kernel = _signal  # type: ignore[assignment]
    shutdown_kernel = _async_shutdown_kernel = _shutdown  # type: ignore[assignment]
    _kill_kernel = _async_kill_kernel = _send_kernel_sigterm = _async_send_kernel_sigterm = _kill  # type: ignore[assignment]
    cleanup_resources = _async_cleanup_resources = _cleanup  # type: ignore[assignment]


def _watch_handshake(socket: Any) -> Any:
    """A monitor on ``socket`` that reports when its connection to the kernel is complete (ZeroMQ's
    handshake succeeded). Made at once after the socket connects, before the kernel can have answered."""
    return socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)


async def _handshake_done(socket: Any, monitor: Any, timeout: float) -> bool:
    """True once ``monitor`` reported ``socket``'s handshake; False if it did not within ``timeout``.
    The monitor is closed either way."""
    try:
        while True:
            event = parse_monitor_message(await asyncio.wait_for(monitor.recv_multipart(), timeout))
            if event["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                return True
    except asyncio.TimeoutError:
        return False
    finally:
        socket.disable_monitor()
        monitor.close(linger=0)


async def _until_ready(kc: Any, timeout: float, km: Any, stdin_monitor: Any) -> None:
    """Wait until the kernel answers ``kernel_info`` on the shell channel, IOPub is connected (one of
    its messages arrives) and the stdin channel is connected (its handshake succeeded): the kernel's
    ROUTER socket silently drops an ``input_request`` to a peer that has not connected yet, and the cell
    would wait forever for its answer."""
    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await kc.iopub_channel.get_msg(timeout=0.2)
            except Empty:  # IOPub was not connected yet: its status messages were lost; ask again
                pass
            else:
                if not await _handshake_done(kc.stdin_channel.socket, stdin_monitor, 0.5):
                    # The monitor missed it (the handshake finished before it was watched): give the
                    # channel the time jupyter_client's wait_for_ready does, IOPub silent for 0.2 s.
                    with contextlib.suppress(Empty):
                        while True:
                            await kc.iopub_channel.get_msg(timeout=0.2)
                return
        if not await km.is_alive():
            raise DeadKernelError("the kernel died before it answered")
        if time.monotonic() > deadline:
            raise DeadKernelError(f"the kernel did not answer in {timeout} s")


def _will_run(cell: NotebookNode, skip_tag: str) -> bool:
    """What nbclient executes: code cells with some source, not tagged to be skipped."""
    return cell.cell_type == "code" and bool(cell.source.strip()) and skip_tag not in cell.metadata.get("tags", [])


class _StdinNotebookClient(NotebookClient):
    """nbclient with the kernel's stdin channel on and answered, and the current cell tracked."""

    def __init__(
        self,
        nb: NotebookNode,
        *,
        answers: Answers,
        timeline: Timeline,
        show_output: bool,
        after_cell: Callable[[Timeline], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(nb, **kwargs)
        self.answers = answers
        self.timeline = timeline
        self.show_output = show_output
        self.after_cell = after_cell
        self.failure: Optional[CellFailure] = None
        self.started: Set[int] = set()

    async def async_start_new_kernel_client(self) -> Any:
        """nbclient's, with the session's own kernel (already started), readiness as jupyter_client's
        ``wait_for_ready`` checks it (:func:`_until_ready`), and stdin on."""
        assert self.km is not None
        self.kc = kc = self.km.client()
        stdin_monitor = _watch_handshake(kc.stdin_channel.socket)  # the channel's socket connects here
        kc.start_channels()
        try:
            await _until_ready(kc, self.startup_timeout, self.km, stdin_monitor)
        except Exception:
            stdin_monitor.close(linger=0)
            # The session ends the kernel. nbclient registered its own clean-up at exit before this
            # point, and would unregister it only after the kernel started: drop it here.
            kc.stop_channels()
            atexit.unregister(self._cleanup_kernel)
            raise
        kc.allow_stdin = True  # nbclient turns it off; the runner answers input_request itself
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return kc

    async def async_execute_cell(
        self, cell: NotebookNode, cell_index: int, execution_count: Optional[int] = None, store_history: bool = True
    ) -> NotebookNode:
        self.timeline.cell = cell_index + 1
        if _will_run(cell, self.skip_cells_with_tag):
            self.started.add(cell_index)
        answering = asyncio.ensure_future(self._answer_stdin(self.kc))
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
            self.after_cell(self.timeline)

    async def _answer_stdin(self, kc: Any) -> None:
        while True:
            msg = await kc.stdin_channel.get_msg(timeout=None)
            if msg["header"]["msg_type"] != "input_request":
                continue
            content = msg["content"]
            if self.show_output:  # a person reads the output first: let what the kernel printed arrive
                await asyncio.sleep(0.3)
            prompt, password = str(content.get("prompt", "")), bool(content.get("password"))
            text = await _in_daemon_thread(self.answers.answer, prompt, password)
            kc.input(text)

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


def _clear_outputs(nb: NotebookNode) -> None:
    """Nothing published stays: every code cell starts this run with no outputs and no count."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def _mark_not_run(nb: NotebookNode, started: Set[int], skip_tag: str, failure: Optional[CellFailure]) -> None:
    """Each code cell that did not run says so, and why, in its output."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip() or index in started:
            continue
        if skip_tag in cell.metadata.get("tags", []):
            why = f"it is tagged {skip_tag!r}"
        elif failure is not None:
            why = f"the run stopped at cell {failure.number}: {failure.error}"
        else:
            why = "the run stopped before it"
        cell.outputs = [new_output("stream", name="stderr", text=f"{NOT_RUN} ({why}).\n")]


def execute_notebook(
    nb: NotebookNode,
    session: Any,
    answers: Answers,
    *,
    timeline: Timeline,
    timeout: Optional[float],
    show_output: bool = False,
) -> Optional[CellFailure]:
    """Run every cell of ``nb`` (in place) in ``session``'s kernel, its folder the working directory.

    Returns the cell that failed, or None when every cell ran."""
    kernel: KernelProcess = session.kernel
    _clear_outputs(nb)
    client = _StdinNotebookClient(
        nb,
        km=_SessionKernelManager(kernel),
        answers=answers,
        timeline=timeline,
        show_output=show_output,
        after_cell=session.after_cell,
        kernel_name=KERNEL_NAME,
        timeout=int(timeout) if timeout else None,
    )
    manager = client.km
    failure: Optional[CellFailure] = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError):
        failure = client.failure
    except DeadKernelError as e:
        if getattr(client, "_async_cleanup_kernel_future", None) is not None:
            # Ctrl-C: nbclient's SIGINT handler shut the kernel down while a cell ran (it sets this
            # future); which error the cell then sees depends on timing.
            failure = CellFailure(timeline.cell, _INTERRUPTED, "")
        else:
            why = str(e) if str(e).startswith("the kernel") else "the kernel died"  # nbclient says "Kernel died"
            last = kernel.last_words()
            failure = CellFailure(
                timeline.cell, f"DeadKernelError: {why}" + (f" (its last words: {last})" if last else ""), ""
            )
    except AssertionError:
        # Ctrl-C while nbclient was between cells: its clean-up dropped the manager it then asserts on.
        if client.km is not None:
            raise
        failure = CellFailure(timeline.cell, _INTERRUPTED, "")
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
        if manager is not None and not manager.context.closed:
            manager.context.destroy(linger=0)
    _mark_not_run(nb, client.started, client.skip_cells_with_tag, failure)
    return failure
