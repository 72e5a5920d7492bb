"""The code sandbox against a real Docker engine: isolation, timeouts, clean-up, the "auto" choice,
the local fallback's warning and human approval, and the errors when Docker is missing.

Tests that need an engine use the ``engine`` fixture: it starts ``dockerd`` when it is installed
but not running (as CI does), builds the image when missing, and skips only where no engine can
be started at all. "No engine" is simulated honestly: ``DOCKER_HOST`` points at a Unix socket
that exists but where nobody listens, so the client really fails to connect.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Iterator, List

import autogen
import docker
import pytest
from autogen.code_utils import TIMEOUT_MSG
from autogen.coding import CodeBlock

from hitl_modes import (
    SANDBOX_IMAGE,
    ApprovalGate,
    DockerSandboxExecutor,
    LocalExecutor,
    SandboxFallbackWarning,
    SandboxUnavailableError,
    ScriptedLLM,
    make_executor,
)
from hitl_modes.approvals.code_gate import NOT_RUN
from hitl_modes.sandbox.docker_executor import SANDBOX_HOSTNAME, SANDBOX_LABEL
from hitl_modes.sandbox.engine import engine_problem, start_engine, why_engine_cannot_start
from hitl_modes.sandbox.executors import main as sandbox_cli
from hitl_modes.sandbox.image import build_image

PY = "python"


def run(executor, code: str, language: str = PY):
    return executor.execute_code_blocks([CodeBlock(language=language, code=code)])


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def engine() -> docker.DockerClient:
    """A Docker engine that answers, with the sandbox image built."""
    if engine_problem() is not None:
        cannot = why_engine_cannot_start()
        if cannot:
            pytest.skip(f"no Docker engine answers and none can be started here: {cannot.splitlines()[0]}")
        start_engine()  # installed and root: a failure to start is a real failure
    build_image(log=lambda line: None)
    return docker.from_env()


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def sandbox(engine, work_dir) -> Iterator[DockerSandboxExecutor]:
    executor = make_executor("docker", work_dir, timeout=3)
    assert isinstance(executor, DockerSandboxExecutor)
    yield executor
    executor.stop()


@pytest.fixture
def no_engine(monkeypatch) -> Iterator[str]:
    """DOCKER_HOST names a real Unix socket that refuses connections: no engine answers there."""
    folder = tempfile.mkdtemp(prefix="hitl-noengine-")  # short: Unix socket paths are limited to ~100 bytes
    path = os.path.join(folder, "docker.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)  # bound, never listening: connect() is refused
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    yield path
    listener.close()
    shutil.rmtree(folder, ignore_errors=True)


def _sandbox_containers(client: docker.DockerClient, work_dir: Path) -> List[str]:
    """This test's sandbox containers: other tests (other workers) run sandboxes at the same time."""
    source = str(Path(work_dir).resolve())
    return [
        c.id
        for c in client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
        if any(m.get("Source") == source for m in c.attrs.get("Mounts", []))
    ]


# -- isolation ------------------------------------------------------------------------------------
def test_the_sandbox_has_its_own_hostname(sandbox):
    result = run(sandbox, "import socket; print(socket.gethostname())")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == SANDBOX_HOSTNAME
    assert result.output.strip() != socket.gethostname()


def test_the_sandbox_has_only_the_loopback_interface(sandbox):
    result = run(sandbox, "import os; print(sorted(os.listdir('/sys/class/net')))")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "['lo']"


DEFAULT_GATEWAY = """import socket, struct
for line in open('/proc/net/route').readlines()[1:]:
    fields = line.split()
    if fields[1] == '00000000':
        print(socket.inet_ntoa(struct.pack('<L', int(fields[2], 16))))
"""


def test_the_sandbox_cannot_reach_a_server_a_normal_container_reaches(engine, sandbox):
    """A real TCP server on the host, on the address containers use to reach the host. A container on
    Docker's default network connects (so the probe can succeed); the sandbox cannot."""
    gateway = (
        engine.containers.run(SANDBOX_IMAGE, ["python", "-c", DEFAULT_GATEWAY], remove=True, network_mode="bridge")
        .decode()
        .strip()
    )
    server = socket.socket()
    server.bind((gateway, 0))
    server.listen(5)
    port = server.getsockname()[1]
    accepted: List[str] = []

    def serve() -> None:
        server.settimeout(30)
        try:
            while True:
                conn, peer = server.accept()
                accepted.append(peer[0])
                conn.sendall(b"hello from the host\n")
                conn.close()
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    probe = (
        f"import socket\ns = socket.create_connection(({gateway!r}, {port}), timeout=3)\n"
        "print(s.recv(100).decode().strip())"
    )
    try:
        control = engine.containers.run(SANDBOX_IMAGE, ["python", "-c", probe], remove=True, network_mode="bridge")
        assert b"hello from the host" in control, "the probe works from a container on the default network"
        result = run(sandbox, probe)
    finally:
        server.close()
    assert result.exit_code != 0
    assert "Network is unreachable" in result.output
    assert len(accepted) == 1, "only the control container got through"


def test_files_the_code_writes_appear_on_the_host_and_back(sandbox, work_dir):
    (work_dir / "question.txt").write_text("6 x 7")
    result = run(
        sandbox, "a, _, b = open('question.txt').read().split()\nopen('answer.txt', 'w').write(str(int(a) * int(b)))"
    )
    assert result.exit_code == 0, result.output
    assert (work_dir / "answer.txt").read_text() == "42"
    assert (work_dir / "answer.txt").stat().st_uid == os.getuid(), "files belong to the host user"


def test_the_host_outside_the_work_dir_is_invisible(sandbox, work_dir, tmp_path):
    secret = tmp_path / "secret.txt"  # next to the work dir, on the host
    secret.write_text("host-only")
    marker = Path("/tmp") / f"hitl-escape-{os.getpid()}.txt"
    code = (
        f"import os\nprint(os.path.exists({str(secret)!r}), os.path.exists({str(tmp_path)!r}))\n"
        f"open({str(marker)!r}, 'w').write('x')\n"
        "print(os.path.realpath('.'))"
    )
    result = run(sandbox, code)
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["False", "False", "/workspace"]
    assert not marker.exists(), "a write to /tmp in the sandbox does not land in the host's /tmp"


def test_the_root_file_system_is_read_only(sandbox):
    result = run(sandbox, "open('/usr/bin/evil', 'w')")
    assert result.exit_code != 0
    assert "Read-only file system" in result.output


# -- timeout and clean-up -------------------------------------------------------------------------
def test_the_timeout_stops_a_runaway_loop(sandbox, work_dir):
    result = run(sandbox, "open('started', 'w').close()\nwhile True:\n    pass")
    assert (work_dir / "started").exists(), "the loop really ran"
    assert result.exit_code == 124
    assert TIMEOUT_MSG in result.output
    again = run(sandbox, "print('still usable')")
    assert (again.exit_code, again.output.strip()) == (0, "still usable")


def test_the_timeout_also_stops_code_that_ignores_sigterm_and_its_escaped_children(sandbox):
    code = (
        "import os, signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()  # leaves timeout's process group\n"
        "    while True: time.sleep(0.1)\n"
        "while True: pass\n"
    )
    first_container = sandbox.container_id
    result = run(sandbox, code)
    assert result.exit_code == 124
    assert TIMEOUT_MSG in result.output
    assert sandbox.container_id != first_container, "the container was replaced after the timeout"
    runaway = Path(result.code_file).name
    survivors = run(sandbox, "import glob\nfor p in glob.glob('/proc/[0-9]*/cmdline'): print(open(p).read())")
    assert survivors.exit_code == 0 and "sleep" in survivors.output, survivors.output
    assert runaway not in survivors.output, "neither the loop nor its escaped child keeps running"


def test_the_container_is_removed_when_the_executor_stops(engine, work_dir):
    with make_executor("docker", work_dir, timeout=3) as executor:
        container_id = executor.container_id
        assert engine.containers.get(container_id).status == "running"
    with pytest.raises(docker.errors.NotFound):
        engine.containers.get(container_id)
    executor.stop()  # a second stop is harmless
    assert executor.container_id is None


def test_no_container_is_left_after_a_timeout_and_a_stop(engine, work_dir):
    executor = make_executor("docker", work_dir, timeout=1)
    ids = {executor.container_id}
    run(executor, "while True: pass")
    ids.add(executor.container_id)
    executor.stop()
    assert len(ids) == 2
    assert _sandbox_containers(engine, work_dir) == [], "no sandbox container outlives its executor"


# -- the "auto" choice and the local fallback -----------------------------------------------------
def test_auto_picks_docker_when_an_engine_answers(engine, work_dir, scripted_human):
    human = scripted_human([])  # strict: any approval question would fail the test
    with warnings.catch_warnings():
        warnings.simplefilter("error", SandboxFallbackWarning)
        executor = make_executor("auto", work_dir, timeout=3)
    with executor:
        assert isinstance(executor, DockerSandboxExecutor)
        result = run(executor, "import socket; print(socket.gethostname())")
    assert result.output.strip() == SANDBOX_HOSTNAME
    assert human.prompts == []


def test_auto_falls_back_to_local_with_a_loud_warning_and_an_approval(no_engine, work_dir, scripted_human, capsys):
    with pytest.warns(SandboxFallbackWarning, match="ON THIS MACHINE"):
        executor = make_executor("auto", work_dir, timeout=5)
    assert "WARNING" in capsys.readouterr().err, "the warning is printed, not only raised as a warning"
    assert isinstance(executor, ApprovalGate) and isinstance(executor.inner, LocalExecutor)
    assert executor.kind == "local"
    human = scripted_human([""])  # Enter approves
    result = run(executor, "import socket; open('ran.txt', 'w').write(socket.gethostname())")
    assert result.exit_code == 0, result.output
    assert (work_dir / "ran.txt").read_text() == socket.gethostname(), "it really ran on this machine"
    assert len(human.prompts) == 1
    assert "ran.txt" in human.prompts[0] and "ON THIS MACHINE" in human.prompts[0], "the human saw the code and where"
    assert [d.approved for d in executor.decisions] == [True]


def test_a_rejection_prevents_execution_and_the_feedback_goes_back(no_engine, work_dir, scripted_human):
    with pytest.warns(SandboxFallbackWarning):
        executor = make_executor("auto", work_dir, timeout=5)
    scripted_human(["no", "Do not delete anything; list the files instead."])
    first = run(executor, "open('ran.txt', 'w').close()")
    second = run(executor, "import shutil; shutil.rmtree('.')")
    assert not (work_dir / "ran.txt").exists()
    assert work_dir.exists()
    assert first.exit_code == 1 and first.output.startswith(NOT_RUN)
    assert second.exit_code == 1 and "list the files instead" in second.output
    assert [d.approved for d in executor.decisions] == [False, False]


def test_with_no_human_the_fallback_denies_instead_of_waiting(no_engine, work_dir):
    with pytest.warns(SandboxFallbackWarning):
        executor = make_executor("auto", work_dir, timeout=5)
    result = run(executor, "open('ran.txt', 'w').close()")  # pytest's stdin is not a terminal
    assert result.exit_code == 1 and result.output.startswith(NOT_RUN)
    assert "no human could answer" in result.output
    assert not (work_dir / "ran.txt").exists()


def test_the_approval_can_be_waived_explicitly(no_engine, work_dir, scripted_human):
    human = scripted_human([])
    with pytest.warns(SandboxFallbackWarning, match="WAIVED"):
        executor = make_executor("auto", work_dir, timeout=5, require_approval=False)
    assert isinstance(executor, LocalExecutor)
    result = run(executor, "open('ran.txt', 'w').close()")
    assert result.exit_code == 0 and (work_dir / "ran.txt").exists()
    assert human.prompts == []


def test_auto_falls_back_when_the_engine_answers_but_the_image_is_missing(engine, work_dir):
    with pytest.warns(SandboxFallbackWarning, match="make sandbox-image"):
        executor = make_executor("auto", work_dir, timeout=5, image="hitl-modes-sandbox:no-such-tag")
    assert executor.kind == "local"


def test_local_asks_by_default_and_docker_asks_when_told(engine, work_dir, scripted_human):
    assert isinstance(make_executor("local", work_dir), ApprovalGate)
    with make_executor("docker", work_dir, timeout=3, require_approval=True) as gated:
        human = scripted_human([""])
        result = run(gated, "import socket; print(socket.gethostname())")
    assert result.output.strip() == SANDBOX_HOSTNAME
    assert "Docker sandbox" in human.prompts[0]


# -- errors ---------------------------------------------------------------------------------------
def test_docker_without_an_engine_says_how_to_start_one(no_engine, work_dir):
    with pytest.raises(SandboxUnavailableError) as caught:
        make_executor("docker", work_dir)
    message = str(caught.value)
    assert no_engine in message, "it names where it looked"
    for how in ("apt-get install -y docker.io", "dockerd", "make sandbox-image"):
        assert how in message


def test_docker_without_the_image_says_how_to_build_it(engine, work_dir):
    with pytest.raises(SandboxUnavailableError, match="make sandbox-image"):
        make_executor("docker", work_dir, image="hitl-modes-sandbox:no-such-tag")


def test_a_container_the_engine_refuses_is_a_clear_error_and_leaves_nothing(engine, work_dir):
    with pytest.raises(SandboxUnavailableError, match="would not start a sandbox container"):
        DockerSandboxExecutor(work_dir, 3, memory="1k")  # below the engine's minimum memory limit
    assert _sandbox_containers(engine, work_dir) == []


@pytest.mark.parametrize("kind", ["Docker", "sandbox", "", None])
def test_an_unknown_kind_is_a_clear_error(kind, work_dir):
    with pytest.raises(ValueError, match="choose one of 'docker', 'local', 'auto'"):
        make_executor(kind, work_dir)


@pytest.mark.parametrize("timeout", [0, -1, 2.5])
def test_a_bad_timeout_is_a_clear_error(timeout, work_dir):
    with pytest.raises(ValueError, match="timeout must be a whole number of seconds"):
        make_executor("local", work_dir, timeout=timeout)


# -- the image and the command line ---------------------------------------------------------------
def test_building_the_image_again_does_nothing(engine):
    image_id = engine.images.get(SANDBOX_IMAGE).id
    said: List[str] = []
    assert build_image(log=said.append) is False
    assert engine.images.get(SANDBOX_IMAGE).id == image_id
    assert "already present" in said[0]


def test_status_reports_the_engine_and_the_image(engine, capsys):
    assert sandbox_cli(["status"]) == 0
    assert SANDBOX_IMAGE in capsys.readouterr().out


def test_status_without_an_engine_fails_and_says_how(no_engine, capsys):
    assert sandbox_cli(["status"]) == 1
    assert "dockerd" in capsys.readouterr().out


# -- inside a chat ---------------------------------------------------------------------------------
def test_a_user_proxy_runs_approved_code_in_the_sandbox(engine, work_dir, scripted_human):
    llm = ScriptedLLM(
        ["```python\nimport socket\nprint('ran on', socket.gethostname())\n```", "It ran in the sandbox. TERMINATE"]
    )
    assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
    with make_executor("docker", work_dir, timeout=5, require_approval=True) as executor:
        proxy = autogen.UserProxyAgent(
            "proxy",
            human_input_mode="NEVER",
            code_execution_config={"executor": executor},
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        human = scripted_human([""], echo=False)
        proxy.initiate_chat(assistant, message="Where does your code run?", silent=True)
    code_result = llm.calls[-1].messages[-1]["content"]
    assert f"ran on {SANDBOX_HOSTNAME}" in code_result
    assert "print('ran on'" in human.prompts[0]
