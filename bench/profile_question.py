"""Where a warm question spends its time: pyinstrument over N questions of evals/vragen.yaml.

    .venv/bin/python bench/profile_question.py [--questions 100] [--data-dir bench/cache/knowledge-index/data]
        [--chroma-url http://127.0.0.1:8000] [--html bench/cache/profile.html]

The index must exist (`python bench/run.py --only latency` builds it). Prints pyinstrument's text
profile; `--html` also writes the interactive one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import INDEX
from latency import QUESTIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--data-dir", type=Path, default=INDEX / "data")
    parser.add_argument("--chroma-url", default="")
    parser.add_argument("--html", type=Path)
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    from assistant.config import make_settings
    from assistant.evaluation.questionset import load_cases
    from assistant.factory import build_assistant

    assistant = build_assistant(make_settings(data_dir=args.data_dir, chroma_url=args.chroma_url))
    cases = (load_cases(QUESTIONS) * 10)[: args.questions]
    for case in cases[:10]:  # warm
        assistant.answer(case.question, None, case.filters)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for case in cases:
            assistant.answer(case.question, None, case.filters)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
