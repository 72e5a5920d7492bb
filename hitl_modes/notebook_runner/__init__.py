"""``hitl-modes run-notebook``: run anyone's classic-AutoGen notebook offline and unchanged.

One concept: a notebook someone else wrote, executed as it stands, with the two things it cannot
have offline (the model and the person) answered from a script.

The notebook runs in a real Jupyter kernel (ipykernel, driven by nbclient) in its own folder. Its model
requests go to a scripted OpenAI-compatible server on loopback (:class:`~hitl_modes.ScriptedModelServer`),
which the kernel's ``OPENAI_API_KEY``/``OPENAI_BASE_URL``/``OAI_CONFIG_LIST`` name (the config list: the
author's entries, tags and all, without secrets); its ``input()`` and ``getpass()`` are answered from the
script through the kernel's stdin channel. A replay leaves its environment as it found it: AutoGen's
cache and default code folder go to the run's own folder, and install commands are not run (they are
named instead). ``--record`` runs it once for real and writes the script.

Modules:
    script         ReplayScript: loading, validating and saving the JSON/YAML script
    kernel         the kernel's environment and process, and the prelude that keeps the environment unchanged
    session        one run's temporary folder, model server and kernel, started before the notebook is read
    stdin          answering the kernel's ``input_request`` messages (scripted, or the person at a terminal)
    execute        running the cells in the session's kernel (nbclient), the answers attached; no stale outputs
    timeline       the timeline printed as the notebook runs, and the cell that stopped the run
    runner         run_notebook: replay, and the verdict (exit codes 0/1/2/3 and their messages)
    record         record_notebook: forward to the user's own model, ask the person, write the script
    command        the ``hitl-modes run-notebook`` command line
    pytest_plugin  ``pytest --hitl-notebooks``: each notebook with a NAME.replay.json/.yaml beside it is a test
"""
