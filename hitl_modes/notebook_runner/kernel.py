"""What the notebook's kernel is given: an environment that points every usual AutoGen configuration at
the loopback server, and a prelude that keeps AutoGen's disk cache out of the user's folder.

The environment (see :func:`kernel_env`):

- ``OPENAI_API_KEY`` (a placeholder) and ``OPENAI_BASE_URL``: code that builds its config from the
  key, and the ``openai`` client itself (which reads ``OPENAI_BASE_URL`` when no ``base_url`` is given).
- ``OAI_CONFIG_LIST``: the path of a JSON file (in the run's temporary folder) listing the script's
  model names, all served by the loopback server. ``config_list_from_json("OAI_CONFIG_LIST")`` reads
  the variable first, and a path there is read as a file, so both ways in land on the server.
- ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY`` point at a loopback port that refuses connections, and
  ``NO_PROXY`` exempts loopback: a request to anywhere else fails at once instead of leaving the machine.

The disk cache: AutoGen 0.2.35 has no setting for the cache's root. ``OpenAIWrapper.create`` calls
``Cache.disk(cache_seed, ".cache")`` (``LEGACY_CACHE_DIR``) and ``Cache.disk()`` defaults to ``".cache"``;
both reach ``CacheFactory.cache_factory(..., cache_path_root=...)``, which opens
``./{cache_path_root}/{seed}`` relative to the working directory. The prelude wraps that one static
method in the kernel so a relative root lands under the run's temporary folder: within a run the cache
answers repeated requests as it would for the user; the next run starts with none, and the notebook's
folder gets no ``.cache``. It patches on import (a ``sys.meta_path`` hook), so AutoGen is not imported
before the notebook imports it.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Dict, Iterable, Mapping, Optional

from ..chat.server import SCRIPTED_API_KEY

__all__ = ["kernel_env", "cache_prelude", "prelude_call", "RefusingPort", "write_config_list", "CONFIG_VARIABLES"]

#: The variables a notebook configures AutoGen with; the kernel gets its own values for all of them.
CONFIG_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OAI_CONFIG_LIST")
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
_LOOPBACK = "127.0.0.1,localhost,::1"


class RefusingPort:
    """A loopback TCP port that is bound but never listens: every connection to it is refused at once."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def close(self) -> None:
        self._socket.close()


def write_config_list(folder: Path, base_url: str, models: Iterable[str], api_key: str = SCRIPTED_API_KEY) -> Path:
    """Write the ``OAI_CONFIG_LIST`` file the kernel's variable names; returns its path."""
    entries = [{"model": m, "base_url": base_url, "api_key": api_key} for m in models]
    path = folder / "OAI_CONFIG_LIST"
    path.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    return path


def kernel_env(
    base_url: str,
    config_list: Path,
    *,
    refusing_proxy: Optional[str] = None,
    base: Optional[Mapping[str, str]] = None,
) -> Dict[str, str]:
    """The kernel's environment: this process's, with the model configuration pointed at ``base_url``."""
    env = dict(os.environ if base is None else base)
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


def cache_prelude(cache_root: Path) -> str:
    """Code run in the kernel before the first cell: AutoGen's relative disk-cache roots go under ``cache_root``."""
    return _PRELUDE + f"\n_redirect_autogen_cache({str(cache_root)!r})\n"


# Run with exec() in a namespace of its own: the notebook's namespace gets no new names.
_PRELUDE = """
def _redirect_autogen_cache(root):
    import importlib.abc
    import importlib.machinery
    import os
    import sys

    target = "autogen.cache.cache_factory"

    def patch(module):
        factory = module.CacheFactory
        original = factory.cache_factory
        if getattr(original, "hitl_redirected", False):
            return

        def cache_factory(seed, redis_url=None, cache_path_root=".cache", *args, **kwargs):
            if isinstance(cache_path_root, str) and not os.path.isabs(cache_path_root):
                relative = os.path.normpath(cache_path_root).replace("..", "__")
                cache_path_root = os.path.join(root, relative)
            return original(seed, redis_url, cache_path_root, *args, **kwargs)

        cache_factory.hitl_redirected = True
        factory.cache_factory = staticmethod(cache_factory)

    if target in sys.modules:
        patch(sys.modules[target])
        return

    class PatchOnImport(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target_module=None):
            if fullname != target:
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_and_patch(module):
                exec_module(module)
                patch(module)

            spec.loader.exec_module = exec_and_patch
            return spec

    sys.meta_path.insert(0, PatchOnImport())
"""


def prelude_call(code: str) -> str:
    """``code`` wrapped so that it runs in a namespace of its own."""
    return f"exec({code!r}, {{'__name__': 'hitl_modes_run_notebook'}})"
