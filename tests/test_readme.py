"""The README's Quick start is what CI runs, word for word."""

from __future__ import annotations

import re

from .conftest import REPO


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_has_two_commands_build_then_test():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "teikit build" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_commands_exactly():
    ci_lines = [line.strip() for line in (REPO / ".ci" / "run").read_text("utf-8").splitlines()]
    for command in quick_start_commands():
        assert command in ci_lines, f".ci/run does not run the README command {command!r} as written"
