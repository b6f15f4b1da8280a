"""`wibb ingest`, `config`, `serve`, `feedback export` and `models export-e5`."""

from __future__ import annotations

import argparse
import sys

from assistant import texts
from assistant.cli.common import load_settings, progress_bar


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.ingest.indexing import ingest

    settings = load_settings(args, knowledge_dir=args.knowledge)
    if not settings.knowledge_dir.is_dir():
        print(texts.CLI["no_folder"].format(path=settings.knowledge_dir), file=sys.stderr)
        return 1
    embedder = create_embedder(settings.embedding)
    if args.rebuild and not settings.chroma_url:
        from assistant.store.client import remove_local_store

        remove_local_store(settings.data_dir)  # also recovers a store too damaged to open
    report = ingest(
        settings.knowledge_dir,
        build_store(settings),
        embedder,
        max_chars=settings.retrieval.chunk_chars,
        max_bytes=int(settings.max_file_mb * 1_000_000),
        rebuild=args.rebuild,
        progress=progress_bar,
    )
    for problem in report.problems:
        print(texts.CLI["problem"].format(problem=texts.describe_problem(problem)), file=sys.stderr)
    from assistant.factory import prepare_caches

    prepare_caches(settings)  # what the first question would otherwise build (factory.prepare_caches)
    done = "lexical_built" if report.lexical_counted == report.chunks else "lexical_written"
    lexical = texts.CLI[done if report.lexical_written else "lexical_current"].format(
        counted=report.lexical_counted, chunks=report.chunks, folder=report.lexical_folder
    )
    print(
        texts.CLI["ingest_done"].format(
            seconds=report.seconds, r=report, model=report.identity.label(), lexical=lexical
        )
    )
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from assistant.config import describe
    from assistant.reader.describe import reader_summary

    settings = load_settings(args)
    rows = describe(settings)
    width = max(len(name) for name, _, _ in rows)
    for name, value, description in rows:
        print(f"{name:<{width}}  {value or texts.CLI['empty_value']}\n{'':<{width}}  {description}")
    print(f"\n{texts.CLI['reader_in_use']}: {reader_summary(settings.reader)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web.app import launch

    launch(load_settings(args), host=args.host, port=args.port)
    return 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    from assistant.database.engine import safe_url
    from assistant.feedback import exports
    from assistant.feedback.store import DISLIKE, FeedbackStore

    settings = load_settings(args)
    store = FeedbackStore(settings.database)
    entries = store.entries()
    messages = texts.FEEDBACK_CLI
    if not entries:
        print(messages["none"].format(path=safe_url(settings.database)), file=sys.stderr)
    if not (args.csv or args.json or args.as_questions):
        print(exports.to_json(entries))
        return 0
    for path, text, n in (
        (args.csv, lambda: exports.to_csv(entries), len(entries)),
        (args.json, lambda: exports.to_json(entries), len(entries)),
    ):
        if path:
            path.write_text(text(), encoding="utf-8")
            print(messages["written"].format(n=n, path=path))
    if args.as_questions:
        dislikes = [e for e in entries if e.rating == DISLIKE]
        args.as_questions.write_text(exports.to_question_yaml(dislikes), encoding="utf-8")
        print(messages["questions_written"].format(n=len(dislikes), path=args.as_questions))
    return 0


def cmd_export_e5(args: argparse.Namespace) -> int:
    import os

    from assistant.embedding.e5export.export import export_e5
    from assistant.embedding.e5export.verify import verify_export

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    print(texts.EXPORT_STARTED, file=sys.stderr)
    try:
        folder = export_e5(args.dir)
    except OSError as error:  # no space, no permission: say so instead of a traceback
        print(
            texts.EXPORT_FAILED.format(path=args.dir, reason=texts.os_reason(error)),
            file=sys.stderr,
        )
        return 1
    print(texts.EXPORT_DONE.format(path=folder))
    if args.verify:
        report = verify_export(folder, list(texts.EXPORT_CHECK_SENTENCES))
        print(
            texts.EXPORT_VERIFIED.format(
                n=report.n_sentences,
                mismatches=len(report.token_mismatches),
                min=report.min_cosine,
                mean=report.mean_cosine,
            )
        )
        return 0 if not report.token_mismatches and report.min_cosine >= 0.99 else 1
    return 0
