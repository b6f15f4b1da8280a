"""Build or refresh the index: `python ingest.py [--knowledge DIR] [--rebuild]` (same as `wibb ingest`)."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["ingest", *sys.argv[1:]]))
