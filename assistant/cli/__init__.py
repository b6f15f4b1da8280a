"""The `wibb` command line. Thin: parse, call the use case, print Dutch output, map errors to exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from assistant import texts
from assistant.errors import WibbError

if TYPE_CHECKING:
    import argparse


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)[0]


def run() -> NoReturn:
    """The `wibb` command: `main`, after which a command that writes nothing (`ask`) ends the process at
    once. Python's own shutdown (tearing down chromadb's, onnxruntime's and the other modules' state) took
    ~0.25 s after the answer was printed; the output is flushed first."""
    code, args = _main(None)
    if getattr(args, "writes_nothing", False):
        with contextlib.suppress(BrokenPipeError):  # `wibb ask … | head`: the reader left, nothing to say
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


def _main(argv: Sequence[str] | None) -> tuple[int, argparse.Namespace]:
    from assistant.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2, args
    try:
        return int(args.handler(args) or 0), args
    except WibbError as error:
        print(texts.describe_error(error), file=sys.stderr)
        return 1, args
    except KeyboardInterrupt:
        print(texts.CLI["interrupted"], file=sys.stderr)
        return 130, args


if __name__ == "__main__":
    run()
