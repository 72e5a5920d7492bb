"""Replaying a notebook against its script, and the verdict: an exit code and the messages that explain it.

run = run_notebook("tutorial.ipynb", "tutorial.replay.json")
run.exit_code    # 0, 1 (a cell raised), 2 (bad arguments or script), 3 (script and notebook disagree)
run.message      # what went wrong and the fix, the same words the command and the pytest item print
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, List, Optional, Union

from ..chat.llm import ScriptedLLM
from ..chat.server import ServerRequest
from ..errors import HitlModesError, ReplayScriptError, ScriptExhaustedError
from .script import ReplayScript, count, load_script, unused
from .stdin import ScriptedAnswers

__all__ = [
    "NotebookRun",
    "run_notebook",
    "read_notebook",
    "check_notebook",
    "write_notebook",
    "default_output",
    "output_path",
    "DEFAULT_OUTPUT",
    "EXIT_OK",
    "EXIT_CELL_ERROR",
    "EXIT_INVALID",
    "EXIT_SCRIPT_MISMATCH",
]

EXIT_OK = 0
EXIT_CELL_ERROR = 1
EXIT_INVALID = 2
EXIT_SCRIPT_MISMATCH = 3

#: ``output=DEFAULT_OUTPUT`` writes ``NAME.replayed.ipynb`` beside the notebook; ``output=None`` writes nothing.
DEFAULT_OUTPUT = "default"


@dataclass
class NotebookRun:
    """The verdict of one run: ``exit_code``, the ``problems`` behind it, the ``timeline``, the ``output`` file.

    ``model_calls`` counts the requests the script answered; ``human_prompts`` every prompt the notebook showed."""

    exit_code: int
    problems: List[str] = field(default_factory=list)
    timeline: List[str] = field(default_factory=list)
    output: Optional[Path] = None
    model_calls: int = 0
    human_prompts: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK

    @property
    def message(self) -> str:
        return "\n".join(self.problems)


def default_output(notebook: Path) -> Path:
    """``lesson.ipynb`` -> ``lesson.replayed.ipynb`` in the same folder."""
    return notebook.with_name(notebook.stem + ".replayed.ipynb")


def check_notebook(notebook: str | Path) -> Path:
    """The notebook's path, or a :class:`ReplayScriptError` when it is not a notebook file (cheap: no nbformat)."""
    path = Path(notebook)
    if path.suffix != ".ipynb":
        raise ReplayScriptError(f"{path}: not a notebook (expected a .ipynb file)")
    if not path.is_file():
        raise ReplayScriptError(f"{path}: no such notebook")
    return path


def read_notebook(notebook: str | Path) -> Any:
    """The notebook as an nbformat node, or a :class:`ReplayScriptError` naming what is wrong with the file.

    A version-4 notebook is read as JSON, not validated against nbformat's schema: nbformat only logs
    what validation finds, and compiling the schema costs 50 ms while the kernel is starting."""
    import json

    import nbformat
    from nbformat.v4 import to_notebook_json

    path = check_notebook(notebook)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("nbformat") == 4 and isinstance(data.get("cells"), list):
            return to_notebook_json(data)  # what nbformat.read does, but for the validation
        return nbformat.read(str(path), as_version=4)  # an older format: nbformat converts it
    except Exception as e:  # json and nbformat raise several unrelated types for a broken file
        raise ReplayScriptError(f"{path}: cannot read the notebook ({type(e).__name__}: {e})") from None


def write_notebook(nb: Any, path: Path) -> Path:
    """Write the executed notebook as nbformat does (the same text), without validating it again."""
    from nbformat.v4.nbjson import writes

    text = writes(nb)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


def run_notebook(
    notebook: str | Path,
    script: Union[str, Path, ReplayScript],
    *,
    output: Union[str, Path, None] = DEFAULT_OUTPUT,
    timeout: Optional[float] = 600,
    echo: Optional[Callable[[str], None]] = None,
) -> NotebookRun:
    """Execute ``notebook`` in a real kernel, the model and the human answered from ``script``.

    ``echo`` receives each timeline line as it happens. ``timeout`` limits each cell (seconds)."""
    notebook = Path(notebook)
    try:
        replay = script if isinstance(script, ReplayScript) else load_script(script)
        check_notebook(notebook)
        out = output_path(notebook, output)
        if timeout is not None and timeout <= 0:
            raise ReplayScriptError(f"--timeout must be a positive number of seconds, got {timeout}")
    except ReplayScriptError as e:
        return NotebookRun(EXIT_INVALID, [str(e)])
    script_name = str(script) if not isinstance(script, ReplayScript) else "the script"

    from ..chat.server import ScriptedModelServer
    from .session import NotebookSession
    from .timeline import Timeline

    timeline = Timeline(echo)
    model = ScriptedLLM(replay.model, name="model")
    server = ScriptedModelServer(default=model, on_answer=timeline.model_call)
    answers = ScriptedAnswers(replay.human, on_prompt=timeline.human_prompt)
    # The kernel starts first; reading the notebook (nbformat) overlaps its start-up.
    with NotebookSession(notebook.resolve().parent, server, replay.config_list, replay.env) as session:
        try:
            nb = read_notebook(notebook)
        except ReplayScriptError as e:
            return NotebookRun(EXIT_INVALID, [str(e)])
        failure = session.execute(nb, answers, timeline=timeline, timeout=timeout)
    if out is not None:
        write_notebook(nb, out)

    run = NotebookRun(EXIT_OK, [], timeline.lines, out, model_calls=timeline.replies, human_prompts=answers.call_count)
    ran_out = _ran_out(server.errors, server.calls, model, len(replay.model), answers, script_name)
    if ran_out:
        run.exit_code, run.problems = EXIT_SCRIPT_MISMATCH, ran_out
        if failure is not None:
            run.problems.append(f"(so {failure.describe()})")
    elif failure is not None:
        run.exit_code, run.problems = EXIT_CELL_ERROR, [failure.describe(), *_not_installed_hint(failure, session)]
    else:
        left = _left_over(model, answers.remaining, script_name)
        if left:
            run.exit_code, run.problems = EXIT_SCRIPT_MISMATCH, left
    return run


def _not_installed_hint(failure: Any, session: Any) -> List[str]:
    """When a cell fails on a missing module and the notebook asked to install something, say what was not run."""
    if not session.not_installed or not failure.error.startswith(("ModuleNotFoundError", "ImportError")):
        return []
    commands = ", ".join(f"`{e['command']}`" for e in session.not_installed[:3])
    return [
        f"(the notebook asked for {commands}, which a replay does not run: install what it needs into "
        f"{session.not_installed[0]['environment']} first)"
    ]


def output_path(notebook: Path, output: Union[str, Path, None]) -> Optional[Path]:
    if output is None:
        return None
    out = default_output(notebook) if output == DEFAULT_OUTPUT else Path(output)
    if out.suffix != ".ipynb":
        raise ReplayScriptError(f"--output {out}: the executed notebook is written as .ipynb; name it NAME.ipynb")
    if not out.parent.is_dir():
        raise ReplayScriptError(f"--output {out}: the folder {out.parent} does not exist")
    if out.resolve() == notebook.resolve():
        raise ReplayScriptError(f"--output {out}: that is the notebook itself; it is never overwritten")
    return out


def _ran_out(
    errors: List[HitlModesError],
    requests: List[ServerRequest],
    model: ScriptedLLM,
    scripted: int,
    answers: ScriptedAnswers,
    script: str,
) -> List[str]:
    problems: List[str] = []
    exhausted = next((e for e in errors if isinstance(e, ScriptExhaustedError)), None)
    if exhausted is not None:
        request = model.calls[exhausted.call - 1]
        # One script answers every model name, so its call number is the server's request number.
        to = f" (to model {requests[exhausted.call - 1].model!r})" if len(requests) >= exhausted.call else ""
        problems.append(
            f"the model script ran out: model call #{exhausted.call}{to} found no reply; "
            f"{script} has {count(scripted, 'model reply', 'model replies')}. "
            f"The last message the model saw was: {_clip(request.last_content)!r}. "
            f'Add a reply to "model" in {script}, or find why the notebook asked the model once more.'
        )
    elif errors:
        problems.append(f"the model server refused a request: {errors[0]}")
    asked = answers.exhausted
    if asked is not None:
        problems.append(
            f"the human script ran out: prompt #{asked.call} found no answer; "
            f"{script} has {count(answers.scripted, 'human answer')}. The prompt was: {_clip(asked.prompt)!r}. "
            f'Add an answer to "human" in {script} ("" presses Enter).'
        )
    return problems


def _left_over(model: ScriptedLLM, human: List[str], script: str) -> List[str]:
    parts = []
    if model.remaining:
        parts.append(
            f"{count(len(model.remaining), 'model reply', 'model replies')} never requested "
            f"(the model was called {model.call_count} times; unused: {unused(model.remaining)})"
        )
    if human:
        parts.append(f"{count(len(human), 'human answer')} never asked for (unused: {unused(human)})")
    if not parts:
        return []
    return [
        f"{script} has replies left over: {' and '.join(parts)}. Remove them from {script}, "
        "or find why the notebook stopped sooner than the script expected."
    ]


def _clip(text: str, width: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
