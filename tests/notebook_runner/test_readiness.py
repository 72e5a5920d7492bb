"""The runner starts a notebook only once the kernel can reach its stdin channel.

A kernel's stdin socket is a ZeroMQ ROUTER: an ``input_request`` for a peer that has not finished
connecting is dropped without a word, and the cell then waits forever for its answer. Readiness
therefore waits for the client socket's handshake, reported by a ZeroMQ monitor made as it connects.
These checks use real ZeroMQ sockets in the roles of the kernel (ROUTER) and the runner (DEALER).
"""

from __future__ import annotations

import asyncio
import time

import zmq
import zmq.asyncio

from hitl_modes.notebook_runner.execute import _handshake_done, _watch_handshake


def test_the_handshake_is_reported_when_the_kernel_binds_and_a_request_then_arrives():
    async def scenario():
        context = zmq.asyncio.Context()
        port = zmq.Context.instance().socket(zmq.ROUTER)  # find a free port, then let it go
        free = port.bind_to_random_port("tcp://127.0.0.1")
        port.close(linger=0)
        url = f"tcp://127.0.0.1:{free}"
        runner = context.socket(zmq.DEALER)
        runner.identity = b"session-1"
        runner.setsockopt(zmq.RECONNECT_IVL, 10)
        runner.connect(url)  # the kernel is still starting: nothing listens yet
        monitor = _watch_handshake(runner)
        before = await _handshake_done(runner, monitor, 0.3)  # nothing to shake hands with

        runner_again = context.socket(zmq.DEALER)
        runner_again.identity = b"session-2"
        runner_again.setsockopt(zmq.RECONNECT_IVL, 10)
        runner_again.connect(url)
        monitor = _watch_handshake(runner_again)
        await asyncio.sleep(0.2)
        kernel = context.socket(zmq.ROUTER)
        kernel.bind(url)
        started = time.monotonic()
        after = await _handshake_done(runner_again, monitor, 5)
        waited = time.monotonic() - started
        # As soon as the handshake is reported, the kernel can address the runner by its identity.
        await kernel.send_multipart([b"session-2", b"input_request"])
        received = await asyncio.wait_for(runner_again.recv_multipart(), 5)
        for socket in (runner, runner_again, kernel):
            socket.close(linger=0)
        context.term()
        return before, after, waited, received

    before, after, waited, received = asyncio.run(scenario())
    assert before is False  # no kernel: not ready (the caller then falls back to waiting)
    assert after is True and waited < 5
    assert received == [b"input_request"]


def test_a_message_sent_before_the_handshake_is_lost_which_is_why_readiness_waits():
    """The failure readiness prevents, shown with the same sockets: the ROUTER drops it."""

    async def scenario():
        context = zmq.asyncio.Context()
        kernel = context.socket(zmq.ROUTER)
        kernel.setsockopt(zmq.ROUTER_MANDATORY, 0)
        free = kernel.bind_to_random_port("tcp://127.0.0.1")
        await kernel.send_multipart([b"late-peer", b"input_request"])  # nobody of that name yet: dropped
        runner = context.socket(zmq.DEALER)
        runner.identity = b"late-peer"
        monitor = _watch_handshake(runner)
        runner.connect(f"tcp://127.0.0.1:{free}")
        ready = await _handshake_done(runner, monitor, 5)
        try:
            lost = await asyncio.wait_for(runner.recv_multipart(), 0.5)
        except asyncio.TimeoutError:
            lost = None
        await kernel.send_multipart([b"late-peer", b"input_request again"])
        again = await asyncio.wait_for(runner.recv_multipart(), 5)
        for socket in (runner, kernel):
            socket.close(linger=0)
        context.term()
        return ready, lost, again

    ready, lost, again = asyncio.run(scenario())
    assert ready is True
    assert lost is None
    assert again == [b"input_request again"]
