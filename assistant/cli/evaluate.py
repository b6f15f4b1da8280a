"""`wibb eval`: run a question set, print the summary and failures, write reports, gate on thresholds."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assistant import texts
from assistant.cli.common import filters_from, load_settings, notice

EVAL_EXAMPLES = """voorbeelden:
  wibb eval evals/vragen.yaml --html rapport.html
  wibb eval evals/vragen.yaml --json nieuw.json --compare oud.json
  wibb eval evals/vragen.yaml --fail-under answer_fact_recall=0.85 latency_p95_ms=300
"""


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from assistant.errors import QuestionSetError
    from assistant.evaluation import compare as comparing
    from assistant.evaluation import gate, questionset, reports, runner, scoring
    from assistant.factory import build_assistant

    labels = texts.EVAL_LABELS
    try:
        thresholds = gate.parse_thresholds(args.fail_under, args.k)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    old = None
    if args.compare:
        try:
            old = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # json.JSONDecodeError is a ValueError
            old = None
        if not (
            isinstance(old, dict)
            and isinstance(old.get("summary"), dict)
            and isinstance(old.get("cases"), list)
        ):
            print(labels["compare_unreadable"].format(path=args.compare), file=sys.stderr)
            return 2
    outputs = [path for path in (args.json, args.markdown, args.html, args.csv) if path]
    for path in outputs:  # before a run of minutes, not after it
        if not path.parent.is_dir():
            print(labels["no_output_folder"].format(path=path, folder=path.parent), file=sys.stderr)
            return 2
    try:  # the whole set is checked before anything is built or asked
        cases = questionset.load_cases(args.file)
    except QuestionSetError as error:  # exit 2 as for other unusable input; 1 means a threshold missed
        print(texts.describe_error(error), file=sys.stderr)
        return 2
    filters = filters_from(args)
    cases = [case if not case.filters.is_empty() else replace(case, filters=filters) for case in cases]
    settings = load_settings(args)
    # @k needs k passages; a smaller configured top_k is raised to k, a larger one is measured as it is.
    retrieval = settings.retrieval.model_copy(update={"top_k": max(settings.retrieval.top_k, args.k)})
    settings = settings.model_copy(update={"retrieval": retrieval})
    judge = None
    if args.judge:
        if settings.llm.backend == "none":
            print(labels["judge_missing"], file=sys.stderr)
            return 2
        from assistant.llm.clients import completion_function

        judge = completion_function(settings.llm)
    assistant = build_assistant(settings, notify=notice)
    from tqdm import tqdm

    with tqdm(
        total=len(cases),
        desc=labels["progress"],
        unit=texts.CLI["question_unit"],
        file=sys.stderr,
        leave=False,
    ) as bar:
        report = runner.run_cases(
            assistant, cases, k=args.k, progress=lambda *_: bar.update(1), judge=judge, source=str(args.file)
        )
    print(reports.terminal_summary(report, cases=not args.summary_only))
    comparison = comparing.compare(old, report, str(args.compare)) if old is not None else None
    renderers = {
        "json": reports.to_json,
        "markdown": reports.to_markdown,
        "html": lambda r: reports.to_html(r, comparison),
        "csv": reports.to_csv,
    }
    for fmt, render in renderers.items():
        if path := getattr(args, fmt):
            try:
                path.write_text(render(report), encoding="utf-8")
            except OSError as error:
                print(labels["not_written"].format(path=path, reason=texts.os_reason(error)), file=sys.stderr)
                return 1
            print(labels["written"].format(path=path))
    if comparison is not None:
        print("\n" + comparing.comparison_markdown(comparison))
    if not args.no_history:
        keep_in_history(report, assistant, settings)
    misses = gate.below_threshold(report.summary, thresholds)
    for name, value, limit in misses:
        shown = f"{limit:g} ms" if name.endswith("_ms") else f"{limit:g}".replace(".", ",")
        maximum = name.endswith("_ms") or name in scoring.LOWER_IS_BETTER
        key = "not_measured" if value != value else "above" if maximum else "below"
        message = labels[key].format(metric=name, value=scoring.number(name, value), limit=shown)
        print(message, file=sys.stderr)
    if thresholds and not misses:
        print(labels["thresholds_ok"])
    return 1 if misses else 0


def keep_in_history(report: Any, assistant: Any, settings: Any) -> None:
    """The run into the shared history (Toetsen lists it); a database that is down only costs a warning."""
    from assistant.errors import DatabaseUnavailableError
    from assistant.evaluation.history import RunHistory, revision_of

    try:
        run_id = RunHistory(settings.database).save(
            report, revision=revision_of(assistant), origin="wibb eval"
        )
    except DatabaseUnavailableError as error:
        print(texts.describe_error(error), file=sys.stderr)
        return
    print(texts.EVAL_LABELS["history_saved"].format(id=run_id), file=sys.stderr)
