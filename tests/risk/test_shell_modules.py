"""The shell reader in three parts: parsing (shell_parse), analysers (shell_tools, shell_remote),
and the dispatch (shell) that joins them."""

from __future__ import annotations

from hitl_modes.risk import shell, shell_remote, shell_tools
from hitl_modes.risk.shell_parse import ShellContext, peel, split_statements


def test_every_tool_has_exactly_one_analyser():
    assert not set(shell_tools.ANALYSERS) & set(shell_remote.ANALYSERS)
    assert shell.KNOWN_TOOLS == set(shell_tools.ANALYSERS) | set(shell_remote.ANALYSERS)
    assert {"rm", "git", "docker", "bash", "kubectl", "aws", "curl", "sendmail"} <= shell.KNOWN_TOOLS


def test_nested_commands_are_read_through_the_dispatch():
    """An analyser reads a nested script through its context; the dispatch supplies the reader."""
    bash = shell_tools.ANALYSERS["bash"]
    assert bash(["bash", "-c", "rm -rf /srv"], ShellContext()) == []  # no dispatch: nothing to read with
    found = shell.find_command_risks("bash -c 'rm -rf /srv'")
    assert [f.category for f in found] == ["delete_files"]
    assert [f.category for f in shell.find_command_risks("kubectl exec pod -- rm -rf /data")] == ["delete_files"]


def test_parsing_alone_splits_and_peels():
    assert [s.text for s in split_statements("cd /tmp && sudo -u root rm -rf x | tee log")] == [
        "cd /tmp",
        "sudo -u root rm -rf x",
        "tee log",
    ]
    assert peel(["sudo", "-u", "root", "env", "A=1", "nohup", "rm", "-rf", "x"], ShellContext()) == ["rm", "-rf", "x"]
