"""The course: what the numbered lessons, their exercises and the demo run on.

One concept: teaching machinery, not part of what a learner's own code imports.

Modules:
    catalog     where the lessons are: list and find lessons/NN_*.py without importing AutoGen
    lesson      Lesson: offline by default, ``--live``, ``--human console|inbox``, claims
    session     Course: a lesson of plain AutoGen chat cells, the offline run set up beside them
    instrument  what the course adds to AutoGen in a lesson's process: chats recorded, the asker named
    cells       a lesson run as a script runs cell by cell, each heading printed before its cell
    plain       a lesson's code without the course's lines: what a learner copies (tested to run alone)
    outline     a lesson's title, section headings and leads, read from its markdown; Narrator
    exercises/  checks a learner runs on their own answers, one module per lesson
    workspace   ``hitl-modes exercises N``: the learner's working copy, outside lessons/
    scripted_chat  run_scripted_chat: the one scripted two-agent chat behind simulate, the exercise
                checks and the limit experiments
    scenario    the scenario file behind ``hitl-modes simulate``
    group_scenario  group-chat scenarios for ``hitl-modes simulate`` (an ``agents`` field; Lesson 14)
    limits      which limit ends a chat (Lesson 04)
    table       a results table: text in a terminal, HTML in a notebook
    headless    run a snippet with nobody at stdin (Lesson 03)
    notebooks   generate notebooks/ from lessons/ and check they have not drifted
    demo        ``make demo``
    durable_demo  a durable inbox chat in its own process, to kill and resume (Lesson 17)
"""
