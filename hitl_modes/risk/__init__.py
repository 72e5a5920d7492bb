"""Risk: how dangerous is a proposed action? Read code and prose, answer "low" or "high" with reasons.

One concept: the policy a gate consults before it asks a person (Lesson 10).

Modules:
    policy        RiskPolicy, RiskAssessment: the entry point
    rule          Rule, CATEGORIES: what a rule is
    rules         DEFAULT_RULES: the default rules, gathered
    code_rules    rules for code: library calls, SQL
    prose_rules   rules for sentences that announce an action
    code_text     turn a code block into the text a rule reads
    shell         find_command_risks: read shell commands and dispatch them to the analysers
    shell_parse   split a script into statements and words, the way a shell does
    shell_tools   one analyser per local tool (rm, git, docker, npm, bash -c, ...)
    shell_remote  one analyser per tool that reaches other machines (kubectl, aws, curl, ...)
"""
