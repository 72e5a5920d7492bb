"""``hitl-modes run-notebook``: run anyone's classic-AutoGen notebook offline and unchanged.

One concept: a notebook someone else wrote, executed as it stands, with the two things it cannot
have offline (the model and the person) answered from a script.

The notebook runs in a real Jupyter kernel (nbclient) in its own folder. Its model requests go to a
scripted OpenAI-compatible server on loopback (:class:`~hitl_modes.ScriptedModelServer`), which the
kernel's ``OPENAI_API_KEY``/``OPENAI_BASE_URL``/``OAI_CONFIG_LIST`` name; its ``input()`` and
``getpass()`` are answered from the script through the kernel's stdin channel. ``--record`` runs it
once for real and writes the script.

Modules:
    script         ReplayScript: loading, validating and saving the JSON/YAML script
    kernel         the kernel's environment, and the prelude that keeps AutoGen's disk cache per run
    stdin          answering the kernel's ``input_request`` messages (scripted, or the person at a terminal)
    execute        running the cells with the server and the answers attached; the timeline
    runner         run_notebook: replay, and the verdict (exit codes 0/1/2/3 and their messages)
    record         record_notebook: forward to the user's own model, ask the person, write the script
    command        the ``hitl-modes run-notebook`` command line
    pytest_plugin  ``pytest --hitl-notebooks``: each notebook with a NAME.replay.json/.yaml beside it is a test
"""
