"""The sandbox image: a minimal Debian with python3, built here from Debian packages alone.

Docker Hub is often unreachable (this project's CI, and many company networks), so the image is
not pulled: ``debootstrap --variant=minbase`` builds a root file system from the Debian mirror, and
the engine imports it (what ``docker import`` does). ``python-is-python3`` puts ``python`` on PATH,
because AutoGen runs Python code blocks with ``python``.

``make sandbox-image`` and ``hitl-modes sandbox build-image`` both call
:func:`build_image`; it does nothing when the image is already there.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, List, Optional

from ..errors import SandboxUnavailableError
from .engine import engine_client

if TYPE_CHECKING:
    import docker

__all__ = ["SANDBOX_IMAGE", "DEBIAN_SUITE", "image_present", "build_image"]

# The one place the image is named. Bump RECIPE when the recipe below changes, so machines that
# hold the old image build the new one instead of silently keeping it.
DEBIAN_SUITE = "bookworm"
RECIPE = 1
SANDBOX_IMAGE = f"hitl-modes-sandbox:{DEBIAN_SUITE}-{RECIPE}"

PACKAGES = ["python3", "python-is-python3"]
DEFAULT_MIRROR = "http://deb.debian.org/debian"
IMAGE_CHANGES = [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    # No __pycache__ folders appearing in the learner's work dir.
    "ENV PYTHONDONTWRITEBYTECODE=1",
    "WORKDIR /workspace",
    'CMD ["/bin/sh"]',
    f"LABEL org.hitl-modes.sandbox.recipe={RECIPE} org.hitl-modes.sandbox.suite={DEBIAN_SUITE}",
]


def image_present(client: docker.DockerClient, image: str = SANDBOX_IMAGE) -> bool:
    import docker

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        return False
    return True


def build_image(
    image: str = SANDBOX_IMAGE,
    *,
    mirror: Optional[str] = None,
    force: bool = False,
    docker_host: Optional[str] = None,
    log: Callable[[str], None] = print,
) -> bool:
    """Build ``image`` unless it is present (``force`` rebuilds). Returns True when it built.

    Needs a running engine, root (debootstrap creates device nodes and chowns files) and the
    ``debootstrap`` program; each missing piece is reported with the command that provides it.
    ``mirror`` defaults to ``HITL_SANDBOX_MIRROR`` or deb.debian.org."""
    client = engine_client(docker_host)
    if image_present(client, image) and not force:
        log(f"sandbox image {image} is already present: nothing to do")
        return False
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise SandboxUnavailableError(
            f"building {image} needs debootstrap: as root, `apt-get install -y debootstrap`, then `make sandbox-image`."
        )
    if os.geteuid() != 0:
        raise SandboxUnavailableError(
            f"building {image} needs root (debootstrap creates a Debian root file system): `sudo make sandbox-image`."
        )
    mirror = mirror or os.environ.get("HITL_SANDBOX_MIRROR") or DEFAULT_MIRROR
    # Two builds at once (pytest workers, CI and a developer): the second waits, then finds the image.
    with open(Path(tempfile.gettempdir()) / "hitl-modes-sandbox-image.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if image_present(client, image) and not force:
            log(f"sandbox image {image} was built meanwhile by another process: nothing to do")
            return False
        _build(client, image, debootstrap, mirror, log)
    return True


def _build(client: docker.DockerClient, image: str, debootstrap: str, mirror: str, log: Callable[[str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="hitl-sandbox-image-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        started = time.monotonic()
        log(f"building {image}: debootstrap {DEBIAN_SUITE} (minbase + {', '.join(PACKAGES)}) from {mirror} ...")
        _run(
            [debootstrap, "--variant=minbase", f"--include={','.join(PACKAGES)}", DEBIAN_SUITE, str(rootfs), mirror],
            what="debootstrap",
        )
        _slim(rootfs)
        bootstrapped = time.monotonic()
        tarball = Path(tmp) / "rootfs.tar"
        _run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tarball), "."], what="tar")
        repository, tag = image.rsplit(":", 1) if ":" in image.rsplit("/", 1)[-1] else (image, "latest")
        client.api.import_image(src=str(tarball), repository=repository, tag=tag, changes=IMAGE_CHANGES)
        imported = time.monotonic()
    size_mb = client.images.get(image).attrs.get("Size", 0) / 1e6
    log(
        f"built {image} ({size_mb:.0f} MB): debootstrap {bootstrapped - started:.0f}s, "
        f"import {imported - bootstrapped:.0f}s"
    )


def _slim(rootfs: Path) -> None:
    """Drop what a sandbox never uses: downloaded .debs, apt lists, docs and man pages."""
    for pattern in ["var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "usr/share/doc/*", "usr/share/man/*"]:
        for path in rootfs.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _run(command: List[str], *, what: str) -> None:
    proc = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).strip().splitlines()[-20:]
        raise SandboxUnavailableError(
            f"building the sandbox image failed: {what} exited with {proc.returncode}:\n"
            + "\n".join(output)
            + "\n(Is the Debian mirror reachable? Set HITL_SANDBOX_MIRROR to use another one.)"
        )
