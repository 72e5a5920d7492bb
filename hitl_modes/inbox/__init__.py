"""The approval inbox: people decide running chats' prompts in a web page (Lesson 13).

One concept: a small web service between chats that ask and people who answer.

Modules:
    store     SQLite state: pending prompts, decisions, audit trail
    tokens    the reviewer's token and the chats' agent token, kept across restarts
    app       the ASGI app (Starlette): the page and the JSON API
    server    InboxServer: run it with uvicorn, in the foreground or a thread
    client    the chat's side of the protocol over HTTP
    text      text made valid UTF-8 once, on the way in (lone surrogates)
    human     InboxHuman: an IOStream whose answers come from the inbox (``--human inbox``)
    reviewer  InboxReviewer, ScriptedReviewer: the person's side over HTTP
    durable   DurableChat: a chat checkpointed at every question, resumed by a new process
    static/   the page, its script and style
"""
