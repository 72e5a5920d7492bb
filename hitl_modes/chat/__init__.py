"""The chat doubles: a scripted model and a scripted human on AutoGen's real reply path, and recorded runs.

One concept: everything that stands in for the two things a classic AutoGen chat cannot run offline
(the model and the person) and everything that observes a chat (recording, traces).

Modules:
    llm       ScriptedLLM: the model, through AutoGen's own ``register_model_client``
    server    ScriptedModelServer: scripted models behind a loopback socket (group chats, notebooks)
    human     ScriptedHuman, ConsoleHuman: the person, through AutoGen's ``IOStream``
    script    ScriptedReplies: what both scripted doubles share (calls, call_count, last, strict, ...)
    stream    InstallableStream: the ``IOStream`` base every installed stream shares
    deadline  ask_with_timeout, SlowHuman: asking a person with a deadline
    live      LiveLLM: a real model, opt-in (``--live``)
    record    record_chat, Recorder, record_group_chat: run a chat (or a group chat) and record what happened
    trace     Trace, Event, StopReason: what happened, in order, and why it stopped
    messages  message_text: the text of an AutoGen message, for every caller
    compat    differences between pyautogen, autogen-agentchat and ag2
"""
