"""Check training files (training/README.md); the same check `wibb train --check` runs.

    python training/check.py training/questions/*.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.training.data import check  # noqa: E402

if __name__ == "__main__":
    problems, total = check([Path(a) for a in sys.argv[1:]], Path(__file__).resolve().parent.parent / "knowledge")
    for problem in problems:
        print(problem)
    print(f"{total} questions, {len(problems)} problems")
    sys.exit(1 if problems else 0)
