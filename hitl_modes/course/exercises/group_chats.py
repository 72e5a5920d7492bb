"""Scripted group chats for exercise checks (lessons 14 and 15): a learner's replies or code go in,
an outcome comes out. A script that runs out becomes ``outcome.error``, never an exception. Run inside
a lesson, these chats are the check's own, not the lesson's: the course neither records nor draws them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

from ...chat.human import ScriptedHuman
from ...chat.record import record_group_chat
from ...chat.server import ScriptedModelServer
from ...chat.trace import Trace
from ...errors import ScriptExhaustedError
from ..group_scenario import SELECTOR_MODEL, build_group, parse_group_scenario, scripted_server
from ..instrument import unwatched

__all__ = ["GroupOutcome", "play_group", "play_group_with"]


@dataclass
class GroupOutcome:
    """A finished (or failed) group chat. ``error`` is set when a script ran out."""

    trace: Trace
    server: ScriptedModelServer
    human: ScriptedHuman
    error: Optional[ScriptExhaustedError] = None

    @property
    def speakers(self) -> List[str]:
        return [m.agent for m in self.trace.messages]

    @property
    def contents(self) -> List[str]:
        return [m.content for m in self.trace.messages]

    @property
    def stop_reason(self) -> Optional[str]:
        return self.trace.stop_reason

    @property
    def selector_calls(self) -> int:
        return self.server.route(SELECTOR_MODEL).call_count

    @property
    def ending(self) -> str:
        if self.error is not None:
            return f"did not finish: {self.error}"
        return f"stopped with {self.trace.stop}"

    def model_saw(self, model: str, text: str) -> bool:
        return self.server.route(model).received(text)


def _run(server: ScriptedModelServer, human: ScriptedHuman, start: Callable[[], Any]) -> GroupOutcome:
    try:
        with unwatched(), server, human:
            run = start()
        return GroupOutcome(run.trace, server, human)
    except ScriptExhaustedError as e:
        return GroupOutcome(getattr(e, "trace", None) or Trace(), server, human, e)


def play_group(scenario: Dict[str, Any], human_replies: Sequence[str]) -> GroupOutcome:
    """Run a group scenario (the ``hitl-modes simulate`` shape) with ``human_replies``, quietly."""
    s = parse_group_scenario({**scenario, "human": list(human_replies)})
    server = scripted_server(s)
    human = ScriptedHuman(list(human_replies), strict=False, echo=False)

    def start() -> Any:
        agents, _, manager = build_group(s, server)
        return record_group_chat(agents[0], manager, s.task, quiet=True, silent=True)

    return _run(server, human, start)


def play_group_with(
    scripts: Dict[str, Sequence[str]],
    build: Callable[[ScriptedModelServer], Any],
    task: str,
    human_replies: Sequence[str] = (),
) -> GroupOutcome:
    """Run a group a learner's code builds: ``build(server)`` returns ``(initiator, manager)``.
    ``scripts`` maps model names (``server.llm_config(name)``) to their replies."""
    server = ScriptedModelServer(dict(scripts))
    human = ScriptedHuman(list(human_replies), strict=False, echo=False)

    def start() -> Any:
        initiator, manager = build(server)
        return record_group_chat(initiator, manager, task, quiet=True, silent=True)

    return _run(server, human, start)
