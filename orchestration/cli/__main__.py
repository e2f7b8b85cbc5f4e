"""``python -m orchestration.cli``: the ``workforce`` program."""

from orchestration.cli import program

program()
