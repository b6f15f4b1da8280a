"""The `wibb` command line. Thin: parse, call the use case, print Dutch output, map errors to exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from assistant import texts
from assistant.errors import WibbError


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except WibbError as error:
        print(texts.describe_error(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(texts.CLI["interrupted"], file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
