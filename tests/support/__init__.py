"""Helpers the tests share: a fake OpenAI-compatible server, running lessons from the command line,
a copy of the course saved into as JupyterLab saves (jupyter)."""
