"""What the notebook's kernel is given, and the kernel process itself (standard library only: it starts
before the heavy imports, so that its start-up overlaps theirs).

The environment (see :func:`kernel_env`):

- ``OPENAI_API_KEY`` (a placeholder) and ``OPENAI_BASE_URL``: code that builds its config from the
  key, and the ``openai`` client itself (which reads ``OPENAI_BASE_URL`` when no ``base_url`` is given).
- ``OAI_CONFIG_LIST``: the path of a JSON file (in the run's temporary folder) holding the script's
  config list, the author's entries with their tags, ``api_type`` and other fields, each pointed at
  the loopback server (entry N at ``/oai-config-list/N``) with a placeholder key.
  ``config_list_from_json("OAI_CONFIG_LIST", filter_dict=...)`` reads the variable first, and a path
  there is read as a file, so both ways in land on the server and a filter finds what it finds with
  the author's own file.
- ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY`` point at a loopback port that refuses connections, and
  ``NO_PROXY`` exempts loopback: a request to anywhere else fails at once instead of leaving the machine.
- ``SSL_CERT_FILE`` names a bundle of one certificate: a replay makes no TLS connection (the model
  server is plain HTTP on loopback, everything else meets the refusing proxy), and loading the full CA
  bundle cost ~30 ms for every HTTP client the notebook builds (AutoGen builds an ``openai`` client per
  agent, and one per group-chat speaker selection; with the proxies set, httpx builds four).
- the script's ``env``, for variables the notebook reads.

The prelude (see :func:`prelude`), run in the kernel before the first cell, keeps the replay from
writing into the environment it runs in, or into the user's folders:

- AutoGen's disk cache: AutoGen 0.2.35 has no setting for the cache's root. ``OpenAIWrapper.create``
  calls ``Cache.disk(cache_seed, ".cache")`` and ``Cache.disk()`` defaults to ``".cache"``; both reach
  ``CacheFactory.cache_factory(..., cache_path_root=...)``, which opens ``./{root}/{seed}`` relative
  to the working directory. The prelude sends relative roots under the run's folder: within a run the
  cache answers repeated requests as it would for the user; the next run starts with none.
- AutoGen's default code folder: code run with no ``work_dir`` (``execute_code(code)``, or a
  ``code_execution_config`` without one) is written to ``autogen/extensions`` inside the installed
  package. The prelude points ``autogen.code_utils.WORKING_DIR`` at the run's folder instead.
- installing: a ``%pip``/``%conda``/``%mamba``/``%uv`` magic, a ``!pip``/``!python -m pip``/``!conda``/``!uv``
  command (or one in a ``%%bash``/``%%sh``/``%%script`` cell) that would install, uninstall or update
  packages is not run. The cell's output and the timeline say so, and name the environment it would have
  changed. (Code the model writes and AutoGen runs is not a cell: a scripted model writes none of that.)

Both patches happen when AutoGen imports the module (a ``sys.meta_path`` hook), so AutoGen is not
imported before the notebook imports it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

from ..chat.server import SCRIPTED_API_KEY

__all__ = [
    "kernel_env",
    "prelude",
    "RefusingPort",
    "KernelProcess",
    "kernel_config_list",
    "write_config_list",
    "write_small_ca_bundle",
    "entry_url",
    "entry_number",
    "CONFIG_VARIABLES",
    "ENTRY_PATH",
]

#: The variables a notebook configures AutoGen with; the kernel gets its own values for all of them.
CONFIG_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OAI_CONFIG_LIST")
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
_LOOPBACK = "127.0.0.1,localhost,::1"
#: Config-list entry N is served at ``{server}/oai-config-list/N``: the server (and a recording) knows
#: which entry every request came through.
ENTRY_PATH = "/oai-config-list/"


class RefusingPort:
    """A loopback TCP port that is bound but never listens: every connection to it is refused at once."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def close(self) -> None:
        self._socket.close()


def entry_url(server_base_url: str, number: int) -> str:
    """The ``base_url`` config-list entry ``number`` (1-based) gets: a path of the loopback server."""
    root = server_base_url[: -len("/v1")] if server_base_url.endswith("/v1") else server_base_url
    return f"{root}{ENTRY_PATH}{number}"


def entry_number(path: str) -> Optional[int]:
    """Which config-list entry a request path came through (``/oai-config-list/2/chat/completions`` -> 2)."""
    if not path.startswith(ENTRY_PATH):
        return None
    number = path[len(ENTRY_PATH) :].split("/", 1)[0]
    return int(number) if number.isdigit() else None


def kernel_config_list(entries: Iterable[Mapping[str, Any]], server_base_url: str) -> List[Dict[str, Any]]:
    """The config list the notebook reads: each entry as given, with the server's URL and a placeholder key."""
    return [
        {**entry, "api_key": SCRIPTED_API_KEY, "base_url": entry_url(server_base_url, number)}
        for number, entry in enumerate(entries, 1)
    ]


def write_config_list(folder: Path, server_base_url: str, entries: Iterable[Mapping[str, Any]]) -> Path:
    """Write the ``OAI_CONFIG_LIST`` file the kernel's variable names; returns its path."""
    path = folder / "OAI_CONFIG_LIST"
    text = json.dumps(kernel_config_list(entries, server_base_url), indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_small_ca_bundle(folder: Path) -> Optional[Path]:
    """A CA bundle holding certifi's first certificate (see the module's docstring), or None without certifi."""
    spec = importlib.util.find_spec("certifi")
    bundle = Path(spec.origin).parent / "cacert.pem" if spec is not None and spec.origin else None
    try:
        text = bundle.read_text(encoding="ascii") if bundle is not None else ""
    except OSError:
        return None
    end = "-----END CERTIFICATE-----"
    if end not in text:
        return None
    first = text[text.index("-----BEGIN CERTIFICATE-----") : text.index(end) + len(end)]
    path = folder / "one-ca.pem"
    path.write_text(first + "\n", encoding="ascii")
    return path


def kernel_env(
    base_url: str,
    config_list: Path,
    *,
    refusing_proxy: Optional[str] = None,
    ca_bundle: Optional[Path] = None,
    extra: Optional[Mapping[str, str]] = None,
    base: Optional[Mapping[str, str]] = None,
) -> Dict[str, str]:
    """The kernel's environment: this process's, with the model configuration pointed at ``base_url``."""
    env = dict(os.environ if base is None else base)
    env.update(extra or {})
    if ca_bundle is not None:
        env["SSL_CERT_FILE"] = str(ca_bundle)
    env.update(
        {
            "OPENAI_API_KEY": SCRIPTED_API_KEY,
            "OPENAI_BASE_URL": base_url,
            "OAI_CONFIG_LIST": str(config_list),
            "NO_PROXY": _LOOPBACK,
            "no_proxy": _LOOPBACK,
        }
    )
    for name in _PROXY_VARIABLES:
        env.pop(name, None)
        if refusing_proxy:
            env[name] = refusing_proxy
    return env


# The kernel: ipykernel in this Python (the one AutoGen and hitl-modes are installed in), as the
# ``python3`` kernel spec starts it, with IPython's history in memory (nbclient's own default: a replay
# leaves nothing in ~/.ipython), and without ipykernel's debugger, which nobody can attach to in a
# replay and whose import (debugpy) is a fifth of the kernel's start-up. The prelude runs once the shell
# exists and before the kernel answers anyone: no extra round trip, no cell of its own.
_LAUNCHER = (
    "import os, sys\n"
    "if sys.path[0] in ('', os.getcwd()): del sys.path[0]\n"  # as ipykernel_launcher: IPython adds it back
    "sys.modules['debugpy'] = None\n"
    "from ipykernel.kernelapp import IPKernelApp\n"
    "app = IPKernelApp.instance()\n"
    "app.initialize()\n"
    "prelude = os.environ.pop('HITL_RUN_NOTEBOOK_PRELUDE')\n"
    "exec(compile(open(prelude).read(), prelude, 'exec'), {'__name__': 'hitl_modes_run_notebook'})\n"
    "del os, sys, IPKernelApp, prelude\n"
    "app.start()\n"
)


def _free_ports(count: int) -> List[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class KernelProcess:
    """The notebook's kernel process, started at once with the standard library alone; nbclient then
    connects to it (:mod:`.execute`). It runs in a session of its own (as jupyter_client starts kernels),
    so :meth:`kill` ends it together with any process the notebook started."""

    def __init__(self, folder: Path, env: Mapping[str, str], run_folder: Path, events: Path) -> None:
        shell, iopub, stdin, control, hb = _free_ports(5)
        self.connection_file = run_folder / "kernel.json"
        info = {
            "shell_port": shell,
            "iopub_port": iopub,
            "stdin_port": stdin,
            "control_port": control,
            "hb_port": hb,
            "ip": "127.0.0.1",
            "key": secrets.token_hex(16),
            "transport": "tcp",
            "signature_scheme": "hmac-sha256",
            "kernel_name": "python3",
        }
        self.connection_file.write_text(json.dumps(info), encoding="utf-8")
        self.connection_file.chmod(0o600)
        self.log_path = run_folder / "kernel.log"
        argv = [sys.executable, "-c", _LAUNCHER, "-f", str(self.connection_file)]
        argv.append("--HistoryManager.hist_file=:memory:")
        prelude_file = run_folder / "prelude.py"
        prelude_file.write_text(prelude(run_folder, events), encoding="utf-8")
        env = {**env, "JPY_PARENT_PID": str(os.getpid()), "HITL_RUN_NOTEBOOK_PRELUDE": str(prelude_file)}
        with open(self.log_path, "wb") as log:  # the kernel's own log (not the notebook's output)
            self.popen = subprocess.Popen(
                argv, cwd=str(folder), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
            )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel and every process it started."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """End the kernel at once (a replay's kernel has nothing to save), and whatever it started even if
        it is gone already, and wait for it."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:  # the kernel and everything it started have ended
            pass
        self.popen.wait()

    def last_words(self) -> str:
        """The last line the kernel's process wrote to its log (for a dead kernel: usually the error)."""
        try:
            lines = [line.strip() for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return ""
        return lines[-1] if lines else ""


def prelude(run_folder: Path, events: Path) -> str:
    """Code the kernel runs before it answers anyone (see the module's docstring); it defines nothing in
    the notebook's namespace."""
    return _PRELUDE + f"\n_hitl_run_notebook({str(run_folder)!r}, {str(events)!r})\n"


_PRELUDE = r"""
def _hitl_run_notebook(run_folder, events):
    import importlib.abc
    import importlib.machinery
    import json
    import os
    import re
    import shlex
    import sys

    def event(kind, **fields):
        with open(events, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": kind, **fields}) + "\n")

    # -- AutoGen's disk cache and default code folder go under the run's folder --------------------
    cache_root = os.path.join(run_folder, "autogen-cache")

    def patch_cache(module):
        factory = module.CacheFactory
        original = factory.cache_factory
        if getattr(original, "hitl_redirected", False):
            return

        def cache_factory(seed, redis_url=None, cache_path_root=".cache", *args, **kwargs):
            if isinstance(cache_path_root, str) and not os.path.isabs(cache_path_root):
                relative = os.path.normpath(cache_path_root).replace("..", "__")
                cache_path_root = os.path.join(cache_root, relative)
            return original(seed, redis_url, cache_path_root, *args, **kwargs)

        cache_factory.hitl_redirected = True
        factory.cache_factory = staticmethod(cache_factory)

    def patch_code_utils(module):
        module.WORKING_DIR = os.path.join(run_folder, "autogen-extensions")

    patches = {"autogen.cache.cache_factory": patch_cache, "autogen.code_utils": patch_code_utils}
    for name in [n for n in patches if n in sys.modules]:
        patches.pop(name)(sys.modules[name])

    class PatchOnImport(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target_module=None):
            if fullname not in patches:
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_and_patch(module):
                exec_module(module)
                patches[fullname](module)

            spec.loader.exec_module = exec_and_patch
            return spec

    if patches:
        sys.meta_path.insert(0, PatchOnImport())

    # -- installing: not run, and said so ---------------------------------------------------------
    installers = re.compile(r"(pip|pip3|conda|mamba|micromamba|uv)[0-9.]*")
    changes = {"install", "uninstall", "remove", "update", "upgrade", "add", "sync"}

    def installing(command):
        for part in re.split(r"&&|\|\||[;|\n]", str(command)):
            try:
                words = shlex.split(part)
            except ValueError:
                words = part.split()
            while words and (words[0] in ("sudo", "env", "exec", "command") or re.fullmatch(r"\w+=\S*", words[0])):
                words = words[1:]
            if len(words) >= 3 and words[1] == "-m":  # python -m pip, {sys.executable} -m pip, $PY -m pip
                words = words[2:]
            if not words or not installers.fullmatch(os.path.basename(words[0])):
                continue
            rest = [w for w in words[1:] if not w.startswith("-")]
            if rest[:1] == ["pip"]:  # uv pip install
                rest = rest[1:]
            if any(w in changes for w in rest[:2]):
                return " ".join(part.split())
        return None

    def refuse(command):
        shown = command if len(command) <= 200 else command[:199] + "..."
        sys.stderr.write(
            f"hitl-modes run-notebook: did not run `{shown}`: a replay never installs into, or removes from, "
            f"the environment it runs in ({sys.prefix}). Install what the notebook needs there yourself.\n"
        )
        sys.stderr.flush()
        event("not_installed", command=shown, environment=sys.prefix)

    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    # Every shell escape (`!cmd`, `!!cmd`, `%sx`, `%system`, and the `%pip`/`%conda` magics, which run
    # `python -m pip ...` that way) expands its command with `var_expand` just before running it: the one
    # place that sees the final text. An install command is replaced by `:`, the shell's no-op.
    expand = shell.var_expand

    def var_expand(cmd, depth=0, *args, **kwargs):
        expanded = expand(cmd, depth + 1, *args, **kwargs)  # one frame more: this one
        command = installing(expanded)
        if command is None:
            return expanded
        refuse(command)
        return ":"

    shell.var_expand = var_expand

    def guard_cell(run):
        def guarded(line, cell=None, *args, **kwargs):
            command = next(filter(None, map(installing, (cell or "").splitlines())), None)
            if command is None:
                return run(line, cell, *args, **kwargs)
            refuse(command)
            return None

        return guarded

    cell_magics = shell.magics_manager.magics["cell"]
    for name in ("bash", "sh", "script"):
        if name in cell_magics:
            cell_magics[name] = guard_cell(cell_magics[name])
"""
