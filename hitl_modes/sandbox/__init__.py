"""The code sandbox: where generated code runs (Lesson 12).

One concept: an AutoGen ``CodeExecutor`` that isolates code in a Docker container, and the engine
and image it needs; a loud local fallback behind a human gate.

Modules:
    executors        make_executor, LocalExecutor, EXECUTOR_KINDS; the ``hitl-modes sandbox`` command
    docker_executor  DockerSandboxExecutor
    engine           is a Docker engine answering; start one
    image            the sandbox image, built locally from Debian packages
"""
