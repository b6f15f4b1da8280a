"""The web app (`python app.py`, `wibb serve`) and the feedback export."""

from __future__ import annotations

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
    "filters_active": "Gezocht binnen: {filters}",
    "filters_clear": "Filters wissen",
    "question_label": "Je vraag",
    "examples_label": "Voorbeeldvragen (één klik stelt de vraag)",
    "badge_cross": "sectoroverstijgend: geldt ook voor {sector}",
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
    "scope_need_question": "Typ eerst een vraag.",
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
    "eval_upload_choice": "Eigen bestand (upload hiernaast)",
    "bundled_other": "meegeleverde vragenset",
    "set_questions": "{n} vragen",
    "set_questions_one": "1 vraag",
    "set_talks": "{n} gesprekken",
    "set_talk_one": "1 gesprek",
    "set_conversations": "{talks} ({questions})",
    "set_singles": "{n} losse vragen",
    "set_single_one": "1 losse vraag",
    "set_mixed": "{singles} en {talks}, samen {questions}",
    "set_choice": "{name} · {size} · {purpose}",
    "set_choice_broken": "{name} · kan niet worden gelezen",
    "set_ready": "**{name}**: {size}, klaar om te toetsen.",
    "set_unanswerable": "Bij {n} moet de assistent weigeren.",
    "set_to_review": "{n} hebben niets om te controleren of staan op todo: die zijn te beoordelen en tellen niet "
    "als geslaagd.",
    "eval_file": "Eigen vragenset (YAML of CSV, maximaal {mb} MB)",
    "eval_run": "Start de toets",
    "eval_progress": "Vraag {done} van {total}",
    "eval_unit": "vragen",
    "eval_need_file": "Upload eerst een YAML- of CSV-bestand, of kies een meegeleverde vragenset.",
    "eval_too_large": "Het bestand is te groot ({size} MB; maximaal {limit} MB).",
    "eval_bad_type": "Alleen YAML- (.yaml, .yml) en CSV-bestanden (.csv) kunnen worden gebruikt.",
    "eval_report": "Rapport downloaden",
    "eval_only_failed": "Alleen niet geslaagde vragen",
    "eval_case_pick": "Klik op een vraag in de tabel om alles ervan te zien.",
    "eval_case_query": "Gezocht op",
    "eval_case_expected": "Verwacht",
    "eval_case_reasons": "Waarom niet geslaagd",
    "eval_case_notes": "Ter informatie",
    "eval_case_answer": "Antwoord",
    "eval_case_passages": "Opgehaalde passages",
    "eval_case_refused": "geweigerd",
    "auth_needed_public": "De webapp luistert op {host}, dus ook voor anderen dan deze computer. Zet dan eerst "
    "een login voor Toetsen en feedback met WIBB_AUTH=gebruiker:wachtwoord (of het pad van een bestand met "
    "zulke regels), of start op 127.0.0.1.",
    "yes": "ja",
    "no": "nee",
    "runs_heading": "Eerdere toetsruns",
    "runs_count": "{n} eerdere runs (van alle instanties van de app), de nieuwste eerst. Cijfers: {metrics}.",
    "runs_none": "Er zijn nog geen toetsruns bewaard.",
    "runs_choice": "run {id} · {when} · {source}",
    "runs_old": "Eerdere run",
    "runs_new": "Latere run",
    "runs_compare": "Vergelijk",
    "runs_pick_two": "Kies twee runs om te vergelijken.",
    "runs_missing": "Die run bestaat niet (meer).",
    "runs_pick_one": "Kies een run om te openen (of klik op een regel in de tabel).",
    "runs_open": "Open een eerdere run",
    "runs_open_button": "Openen",
    "runs_opened": "Run {id} · {when} · {source} (door {origin}; kennisbank {revision})",
    "runs_passed": "{passed} van {judged}",
    "runs_review": ", {n} te beoordelen",
    "runs_review_only": "{n} te beoordelen",
    "pass_accordion": "Wat betekent geslaagd?",
    "feedback_pick_row": "Klik op een regel in de tabel om de hele vraag, het antwoord en het gesprek te zien.",
    "feedback_row": "nr. {id} · {when}",
    "feedback_context": "Eerder in het gesprek",
    "feedback_answer": "Gegeven antwoord",
    "feedback_comment": "Toelichting",
    "feedback_cited": "Geciteerd",
    "feedback_filters": "Filters",
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

# The bundled question sets in the order the Toetsen picker shows them (the tuning parts first), each with
# what it is for.
BUNDLED_SETS = {
    "vragen.yaml": "afstemdeel: losse vragen waarop de assistent is afgesteld en gekalibreerd",
    "gesprekken.yaml": "afstemdeel: gesprekken met vervolgvragen, sectorwissels en nieuwe onderwerpen",
    "vragen-achtergehouden.yaml": "achtergehouden deel: losse vragen waarop nooit is afgesteld; lees alleen de "
    "cijfers",
    "gesprekken-achtergehouden.yaml": "achtergehouden deel: gesprekken waarop nooit is afgesteld; lees alleen "
    "de cijfers",
}

WEB_HEADERS = {
    "browse": ["Titel", "Soort", "Sectoren", "Peildatum"],
    "eval": ["Id", "Vraag", "Gezocht op", "Uitslag", "Reden", "Antwoord", "Opgehaald"],
    "feedback": [
        "Nr",
        "Tijd",
        "Oordeel",
        "Eerder in het gesprek",
        "Vraag",
        "Antwoord",
        "Toelichting",
        "Geciteerd",
    ],
    "runs": [
        "Run",
        "Tijd",
        "Vragenset",
        "Door",
        "Geslaagd",
        "Feiten in antwoord",
        "Terecht geweigerd",
        "Onbekend geweigerd",
        "Onterecht geweigerd",
    ],
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

# The question-set YAML made from 👎 (`wibb feedback export --as-questions`, Toetsen): its opening comment,
# the labels of each case's comment lines, and what the organiser still has to fill in.
FEEDBACK_HEADER = [
    "Toetsvragen uit 👎-feedback (een YAML-lijst in het vragensetformaat van wibb eval).",
    "Ingevuld wat de feedback weet: de vraag (met het gesprek ervoor), de filters, de geciteerde bronnen en de",
    "toelichting. Vul per vraag in wat alleen jij weet (de regels met TE DOEN) en haal dan 'todo' weg: tot die",
    "tijd is elke vraag 'te beoordelen' en telt hij niet als geslaagd. Daarna: wibb eval <dit bestand>",
]
FEEDBACK_QUESTIONS = {
    "comment": "toelichting",
    "answer": "gegeven antwoord",
    "cited": "geciteerd",
    "note": "👎 van {created}",
    "todo": "vul expect_facts in (of zet answerable op false) en controleer expect_sources; haal dan deze regel weg",
}
FEEDBACK_TO_DO = {
    "expect_facts": 'TE DOEN: de feiten die een goed antwoord noemt, bv. [["3500", "3.500"]]',
    "expect_sources": "TE DOEN: wat het 👎-antwoord citeerde; laat alleen de juiste bronnen staan",
    "answerable": "TE DOEN: false als de kennisbank het antwoord niet heeft (expect_facts dan leeg)",
}
