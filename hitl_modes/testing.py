"""pytest fixtures: ``pytest_plugins = ["hitl_modes.testing"]`` in a conftest.py.

    def test_feedback(scripted_human, scripted_llm):
        human = scripted_human(["more detail", ""])
        llm = scripted_llm(["draft TERMINATE", "better TERMINATE"])
        ...

Both are strict: at teardown a test fails if a scripted reply was never used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, List, Sequence

import pytest

from .chat.llm import Reply, ScriptedLLM

if TYPE_CHECKING:  # imported when a fixture is used: loading the plugin does not import AutoGen
    from .chat.human import ScriptedHuman

__all__ = ["scripted_human", "scripted_llm"]

pytest_plugins = ["hitl_modes.notebook_runner.pytest_plugin"]  # pytest --hitl-notebooks (run-notebook)


@pytest.fixture
def scripted_human() -> Iterator[Callable[..., ScriptedHuman]]:
    """A factory: ``scripted_human(replies, strict=True)`` installs a ScriptedHuman for the test."""
    from .chat.human import ScriptedHuman

    made: List[ScriptedHuman] = []

    def make(replies: Sequence[str] = (), **kwargs: object) -> ScriptedHuman:
        human = ScriptedHuman(replies, **kwargs)  # type: ignore[arg-type]
        human.start()
        made.append(human)
        return human

    yield make
    for human in reversed(made):
        human.stop()
    for human in made:
        if human.strict:
            human.assert_all_used()


@pytest.fixture
def scripted_llm() -> Iterator[Callable[..., ScriptedLLM]]:
    """A factory: ``scripted_llm(replies, strict=True)``; register it with ``llm.register(agent)``."""
    made: List[ScriptedLLM] = []

    def make(replies: Sequence[Reply], *, strict: bool = True) -> ScriptedLLM:
        llm = ScriptedLLM(replies)
        if strict:
            made.append(llm)
        return llm

    yield make
    for llm in made:
        llm.assert_all_used()
