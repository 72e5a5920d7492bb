"""Recording a script: run the notebook once for real and write what the model and the human said.

The notebook runs exactly as in a replay (same kernel, same environment, same per-run cache), but the
loopback server forwards each request to the endpoint *your* configuration names, and each prompt goes
to you at this terminal. The kernel never sees your key: it still gets the placeholder, and the
forwarding happens in this process. Your configuration, in the order AutoGen users know:

1. ``OAI_CONFIG_LIST``: JSON text, or the path of a JSON file (a file of that name in the notebook's
   folder works too). The kernel's config list holds each of your entries with every field but its
   credentials and endpoint (tags, ``api_type``, ``api_version``...), so the notebook's ``filter_dict``
   finds what it finds with your own file; a request through entry N is forwarded to your entry N
   (its ``base_url``/``azure_endpoint``, its key, its ``default_headers``). The script keeps the same
   entries, without credentials or endpoints.
2. ``OPENAI_API_KEY``, with ``OPENAI_BASE_URL`` (default ``https://api.openai.com/v1``).

Every reply is recorded as the model gave it (text, tool calls, or a legacy ``function_call``), and the
notebook gets exactly what the script will hold; a reply a script cannot hold stops the recording with
a message, never a silent change.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from ..chat.llm import Reply
from ..chat.server import AnswerListener, ScriptedModelServer, ServerRequest
from ..errors import LiveConfigError, ReplayScriptError, UpstreamError
from .kernel import ENTRY_PATH, entry_number
from .runner import DEFAULT_OUTPUT
from .script import (
    DEFAULT_MODELS,
    SCRIPT_SUFFIXES,
    ReplayScript,
    check_config_entry,
    save_script,
    shareable_entry,
)
from .stdin import TerminalAnswers

__all__ = ["Upstream", "ForwardingModelServer", "upstreams_from_env", "record_notebook", "as_reply"]

OPENAI_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Upstream:
    """One real endpoint: a ``config_list`` entry's ``model``, ``base_url`` (``azure_endpoint`` for Azure)
    and ``api_key``, its ``api_type`` and ``default_headers``; ``entry`` is the entry without credentials
    or endpoint (what the kernel and the script get)."""

    model: Optional[str]
    base_url: str
    api_key: str
    api_type: Optional[str] = None
    headers: Tuple[Tuple[str, str], ...] = ()
    entry: Dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
        return [_upstream(e, i, source, env) for i, e in enumerate(entries, 1)]
    if env.get("OPENAI_API_KEY"):
        return [Upstream(None, (env.get("OPENAI_BASE_URL") or OPENAI_URL).rstrip("/"), env["OPENAI_API_KEY"])]
    raise LiveConfigError(
        "recording needs a real model: set OAI_CONFIG_LIST (JSON, or a JSON file's path) or OPENAI_API_KEY "
        "(and OPENAI_BASE_URL for a server other than OpenAI's)"
    )


def _upstream(entry: Dict[str, Any], number: int, source: str, env: Mapping[str, str]) -> Upstream:
    shared = shareable_entry(entry)
    try:
        check_config_entry(shared, f"{source}: entry #{number}")
    except ReplayScriptError as e:
        raise LiveConfigError(f"{e} (leave it out of the list you record with)") from None
    api_type = entry.get("api_type")
    endpoint = entry.get("azure_endpoint") if api_type == "azure" else None
    base_url = endpoint or entry.get("base_url") or env.get("OPENAI_BASE_URL") or OPENAI_URL
    headers = entry.get("default_headers") or {}
    return Upstream(
        str(entry["model"]),
        str(base_url).rstrip("/"),
        str(entry.get("api_key") or env.get("OPENAI_API_KEY") or ""),
        api_type,
        tuple((str(k), str(v)) for k, v in dict(headers).items()),
        shared,
    )


def _config_list(upstreams: List[Upstream]) -> List[Dict[str, Any]]:
    """The kernel's (and the script's) config list: your entries without secrets, or the default names."""
    entries = [u.entry for u in upstreams if u.entry]
    return entries or [{"model": m} for m in DEFAULT_MODELS]


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
        """Forward ``body`` to the upstream that names its model (or the first one)."""
        upstream = self.upstream_for(str(body.get("model") or ""))
        return self._forward(upstream, upstream.base_url + "/chat/completions", body, {})

    def reply_for_request(self, request: ServerRequest) -> Reply:
        """Forward a request that came through config-list entry N to your entry N, on the same path
        (Azure's ``/openai/deployments/...?api-version=...`` included)."""
        number = entry_number(request.path)
        if number is None or not 1 <= number <= len(self.upstreams) or not self.upstreams[number - 1].entry:
            return self.reply_for(request.body)
        upstream = self.upstreams[number - 1]
        rest = request.path[len(f"{ENTRY_PATH}{number}") :]
        forwarded = {k: v for k, v in request.headers.items() if k.lower() in ("openai-organization", "openai-project")}
        return self._forward(upstream, upstream.base_url + rest, request.body, forwarded)

    def _forward(self, upstream: Upstream, url: str, body: Dict[str, Any], headers: Dict[str, str]) -> Reply:
        auth = {"api-key": upstream.api_key} if upstream.api_type == "azure" else {}
        auth = auth or {"Authorization": f"Bearer {upstream.api_key}"}
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            headers={**headers, **dict(upstream.headers), "Content-Type": "application/json", **auth},
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
        with self._record_lock:
            reply = as_reply(payload, len(self.recorded) + 1)
            self.recorded.append(reply)
        return reply


#: Message fields a script holds; any other field with a value stops the recording.
_HELD = ("role", "content", "tool_calls", "function_call")


def as_reply(payload: Any, number: int = 0) -> Reply:
    """The script's form of one chat-completion answer, losing nothing, or an :class:`UpstreamError`
    saying what a script cannot hold."""
    where = f"model reply #{number}" if number else "the model's reply"
    try:
        choices = payload["choices"]
        message = choices[0]["message"]
    except (KeyError, IndexError, TypeError):
        raise UpstreamError(f"the endpoint's answer has no choices[0].message: {str(payload)[:300]}") from None
    if len(choices) > 1:
        raise UpstreamError(f"{where} came with {len(choices)} choices; a script holds one per call (leave n unset)")
    extra = sorted(k for k, v in message.items() if k not in _HELD and v not in (None, "", [], {}))
    if extra:
        raise UpstreamError(f"{where} holds {extra}, which a replay script cannot hold: {str(message)[:300]}")
    content = message.get("content")
    calls = message.get("tool_calls") or []
    function_call = message.get("function_call")
    if not calls and not function_call:
        return str(content or "")
    reply: Dict[str, Any] = {"content": content}
    if calls:
        if not all(isinstance(c, dict) and isinstance(c.get("function"), dict) for c in calls):
            raise UpstreamError(f"{where} has a tool call that is not a function call: {str(calls)[:300]}")
        reply["tool_calls"] = [
            {
                "id": c.get("id"),
                "type": "function",
                "function": {k: c["function"].get(k) for k in ("name", "arguments")},
            }
            for c in calls
        ]
    if function_call:
        reply["function_call"] = {k: function_call.get(k) for k in ("name", "arguments")}
    return reply


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
    from .runner import (
        EXIT_CELL_ERROR,
        EXIT_INVALID,
        EXIT_OK,
        NotebookRun,
        check_notebook,
        output_path,
        read_notebook,
        write_notebook,
    )
    from .session import NotebookSession
    from .timeline import Timeline

    notebook, script_path = Path(notebook), Path(script_path)
    try:
        if script_path.suffix.lower() not in SCRIPT_SUFFIXES:
            raise ReplayScriptError(f"--record {script_path}: name the script NAME.json, NAME.yaml or NAME.yml")
        if not script_path.parent.is_dir():
            raise ReplayScriptError(f"--record {script_path}: the folder {script_path.parent} does not exist")
        check_notebook(notebook)
        out = output_path(notebook, output)
        upstreams = upstreams_from_env(env, notebook.resolve().parent)
    except (ReplayScriptError, LiveConfigError) as e:
        return NotebookRun(EXIT_INVALID, [str(e)])

    timeline = Timeline(echo)
    server = ForwardingModelServer(upstreams, on_answer=timeline.model_call)
    answers = TerminalAnswers(on_prompt=timeline.human_prompt)
    config_list = _config_list(upstreams)
    with NotebookSession(notebook.resolve().parent, server, config_list) as session:
        try:
            nb = read_notebook(notebook)
        except ReplayScriptError as e:
            return NotebookRun(EXIT_INVALID, [str(e)])
        failure = session.execute(nb, answers, timeline=timeline, timeout=timeout, show_output=True)
    if out is not None:
        write_notebook(nb, out)
    script = ReplayScript(list(server.recorded), answers.recorded, config_list)
    save_script(script, script_path)
    recorded = len(server.recorded)
    run = NotebookRun(EXIT_OK, [], timeline.lines, out, model_calls=recorded, human_prompts=len(answers.calls))
    if any(p.password for p in answers.calls):
        print(f"note: {script_path} holds what was typed at getpass() prompts, in clear", file=sys.stderr)
    if failure is not None or server.errors:
        run.exit_code = EXIT_CELL_ERROR
        run.problems = [failure.describe()] if failure is not None else []
        run.problems += [str(e) for e in server.errors[:1]]
        run.problems.append(f"{script_path} holds what was said up to there")
    return run
