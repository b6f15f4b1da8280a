"""`python -m assistant.cli ...` is the same as `wibb ...`."""

from assistant.cli import run

run()
