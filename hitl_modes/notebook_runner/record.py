"""Recording a script: run the notebook once for real and write what the model and the human said.

The notebook runs exactly as in a replay (same kernel, same environment, same per-run cache), but the
loopback server forwards each request to the endpoint *your* configuration names, and each prompt goes
to you at this terminal. The kernel never sees your key: it still gets the placeholder, and the
forwarding happens in this process. Your configuration, in the order AutoGen users know:

1. ``OAI_CONFIG_LIST``: JSON text, or the path of a JSON file (a file of that name in the notebook's
   folder works too). A request for a model the list names goes to that entry's ``base_url`` with its
   ``api_key``; any other model name goes to the first entry.
2. ``OPENAI_API_KEY``, with ``OPENAI_BASE_URL`` (default ``https://api.openai.com/v1``).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from ..chat.llm import Reply
from ..chat.server import AnswerListener, ScriptedModelServer
from ..errors import LiveConfigError, ReplayScriptError, UpstreamError
from .runner import DEFAULT_OUTPUT
from .script import DEFAULT_MODELS, SCRIPT_SUFFIXES, ReplayScript, save_script
from .stdin import TerminalAnswers

__all__ = ["Upstream", "ForwardingModelServer", "upstreams_from_env", "record_notebook"]

OPENAI_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Upstream:
    """One real endpoint: a ``config_list`` entry's ``model``, ``base_url`` and ``api_key``."""

    model: Optional[str]
    base_url: str
    api_key: str


def upstreams_from_env(env: Optional[Mapping[str, str]] = None, folder: Optional[Path] = None) -> List[Upstream]:
    """The endpoints your configuration names, or a :class:`LiveConfigError` naming the variables to set."""
    env = os.environ if env is None else env
    raw = env.get("OAI_CONFIG_LIST")
    source = "OAI_CONFIG_LIST"
    if not raw and folder is not None and (folder / "OAI_CONFIG_LIST").is_file():
        raw, source = str(folder / "OAI_CONFIG_LIST"), str(folder / "OAI_CONFIG_LIST")
    if raw:
        if os.path.isfile(raw):
            source = raw
            raw = Path(raw).read_text(encoding="utf-8")
        try:
            entries = json.loads(raw)
        except json.JSONDecodeError as e:
            raise LiveConfigError(f"{source}: not valid JSON ({e.msg} at line {e.lineno})") from None
        if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
            raise LiveConfigError(f'{source}: expected a non-empty JSON list like [{{"model": ..., "api_key": ...}}]')
        return [
            Upstream(
                str(e.get("model")) if e.get("model") else None,
                str(e.get("base_url") or env.get("OPENAI_BASE_URL") or OPENAI_URL).rstrip("/"),
                str(e.get("api_key") or env.get("OPENAI_API_KEY") or ""),
            )
            for e in entries
        ]
    if env.get("OPENAI_API_KEY"):
        return [Upstream(None, (env.get("OPENAI_BASE_URL") or OPENAI_URL).rstrip("/"), env["OPENAI_API_KEY"])]
    raise LiveConfigError(
        "recording needs a real model: set OAI_CONFIG_LIST (JSON, or a JSON file's path) or OPENAI_API_KEY "
        "(and OPENAI_BASE_URL for a server other than OpenAI's)"
    )


class ForwardingModelServer(ScriptedModelServer):
    """The loopback server, answering each request by forwarding it to a real endpoint; ``recorded`` keeps
    the replies in call order, in the script's own form."""

    def __init__(
        self, upstreams: List[Upstream], *, on_answer: Optional[AnswerListener] = None, timeout: float = 600
    ) -> None:
        super().__init__(on_answer=on_answer)
        self.upstreams = upstreams
        self.timeout = timeout
        self.recorded: List[Reply] = []
        self._record_lock = threading.Lock()

    def upstream_for(self, model: str) -> Upstream:
        return next((u for u in self.upstreams if u.model == model), self.upstreams[0])

    def reply_for(self, body: Dict[str, Any]) -> Reply:
        upstream = self.upstream_for(str(body.get("model") or ""))
        request = urllib.request.Request(
            upstream.base_url + "/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {upstream.api_key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read())
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:500]
            raise UpstreamError(f"{upstream.base_url} answered HTTP {e.code}: {detail}") from None
        except (OSError, ValueError) as e:
            raise UpstreamError(f"cannot reach {upstream.base_url}: {e}") from None
        reply = _as_reply(payload)
        with self._record_lock:
            self.recorded.append(reply)
        return reply


def _as_reply(payload: Any) -> Reply:
    try:
        message = payload["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise UpstreamError(f"the endpoint's answer has no choices[0].message: {str(payload)[:300]}") from None
    calls = message.get("tool_calls") or []
    if not calls:
        return str(message.get("content") or "")
    return {
        "content": message.get("content"),
        "tool_calls": [
            {"id": c.get("id"), "type": "function", "function": dict(c["function"])} for c in calls if "function" in c
        ],
    }


def record_notebook(
    notebook: Union[str, Path],
    script_path: Union[str, Path],
    *,
    output: Union[str, Path, None] = DEFAULT_OUTPUT,
    timeout: Optional[float] = 600,
    env: Optional[Mapping[str, str]] = None,
    echo: Optional[Callable[[str], None]] = None,
) -> Any:
    """Run ``notebook`` once with a real model and the person at this terminal; write ``script_path``.

    Returns a :class:`~hitl_modes.notebook_runner.runner.NotebookRun` (exit code 0, 1 or 2)."""
    import nbformat

    from .execute import Timeline, execute_notebook
    from .runner import EXIT_CELL_ERROR, EXIT_INVALID, EXIT_OK, NotebookRun, output_path, read_notebook  # noqa: I001

    notebook, script_path = Path(notebook), Path(script_path)
    try:
        if script_path.suffix.lower() not in SCRIPT_SUFFIXES:
            raise ReplayScriptError(f"--record {script_path}: name the script NAME.json, NAME.yaml or NAME.yml")
        if not script_path.parent.is_dir():
            raise ReplayScriptError(f"--record {script_path}: the folder {script_path.parent} does not exist")
        nb = read_notebook(notebook)
        out = output_path(notebook, output)
        upstreams = upstreams_from_env(env, notebook.resolve().parent)
    except (ReplayScriptError, LiveConfigError) as e:
        return NotebookRun(EXIT_INVALID, [str(e)])

    timeline = Timeline(echo)
    server = ForwardingModelServer(upstreams, on_answer=timeline.model_call)
    answers = TerminalAnswers(on_prompt=timeline.human_prompt)
    named = [u.model for u in upstreams if u.model]
    models = named or list(DEFAULT_MODELS)
    failure = execute_notebook(
        nb,
        notebook.resolve().parent,
        server,
        answers,
        models=models,
        timeline=timeline,
        timeout=timeout,
        show_output=True,
    )
    if out is not None:
        nbformat.write(nb, str(out))
    script = ReplayScript(list(server.recorded), answers.recorded, models)
    save_script(script, script_path)
    recorded = len(server.recorded)
    run = NotebookRun(EXIT_OK, [], timeline.lines, out, model_calls=recorded, human_prompts=len(answers.calls))
    if any(p.password for p in answers.calls):
        print(f"note: {script_path} holds what was typed at getpass() prompts, in clear", file=sys.stderr)
    if failure is not None:
        run.exit_code = EXIT_CELL_ERROR
        run.problems = [failure.describe(), *(str(e) for e in server.errors[:1])]
        run.problems.append(f"{script_path} holds what was said up to there")
    return run
