"""The agents the lessons build on AutoGen's ``UserProxyAgent``.

One concept: agents that change *when and how the human is asked*, through AutoGen's own seams.

Modules:
    smart_proxy   SmartUserProxy, AutoReplyRule (Lesson 06)
    workflow      Workflow, Stage: stages with human checkpoints (lesson 07 shows the plain AutoGen way)
    queue_human   QueueHuman, QueueHumanProxy: a human fed through ``asyncio`` queues (Lesson 11)
"""
