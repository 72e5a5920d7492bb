"""Helpers the tests share: a fake OpenAI-compatible server, running lessons from the command line,
writing small notebooks and replay scripts (run-notebook), a copy of the course saved into as
JupyterLab saves, a kernel and a JupyterLab to drive (jupyter)."""
