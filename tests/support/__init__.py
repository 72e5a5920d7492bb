"""Helpers the tests share: Debian's chromium for browser tests (browser), running lessons from the
command line (lessons_cli), a real inbox process and a chat waiting on it (inbox), a chat process to
SIGKILL and resume (durable), small notebooks and replay scripts for run-notebook (notebooks), a kernel
and a JupyterLab to drive (jupyter). The scripted model server they use is the package's own
``hitl_modes.ScriptedModelServer``."""
