"""Reading a Dutch question: intent, answer type, persona, side and sectors, on many phrasings."""

from __future__ import annotations

import pytest

from assistant.answering.reading import mend, question_sentence, read_question, verdict


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel zorgreservisten zijn er?", "number"),
        ("hoeveel zorgreservisten zijn er", "number"),  # lower case, no question mark
        ("Welk percentage van de docenten heeft een tweede baan?", "number"),
        ("Hoeveel verdient een zorgreservist per uur?", "amount"),
        ("Wat kost een traject bij Society College?", "amount"),
        ("Welk uurtarief rekenen wij voor een gedetacheerde technicus?", "amount"),
        ("Wanneer begon het leernetwerk?", "date"),
        ("In welk jaar startte de pilot?", "date"),
        ("Hoe lang duurt het Dienjaar?", "duration"),
        ("Hoeveel uur per week mag een gastdocent lesgeven?", "duration"),
        ("Wie was de aanjager vanuit Defensie?", "person"),
        ("wie is de directuer van de nsvp", "person"),  # a typo does not hide the question word
        ("Welke stichting voert de Nationale Zorgreserve uit?", "organisation"),
        ("Wie betaalt het salaris van een zorgreservist?", "organisation"),
        ("Welk telefoonnummer heeft de NSvP?", "contact"),
        ("Wat is het e-mailadres van Milou Grijpink?", "contact"),
        ("Waar is House of Pilots gevestigd?", "contact"),
        ("In welke stad werd bijeenkomst 2 gehouden?", "place"),
        ("hoevel aanmeldingen kwamen er binnen", "number"),  # a misspelt "hoeveel"
        ("Wanner begon het leernetwerk?", "date"),
        ("hoe lang moet een werkgever loon doorbetalen als ik ziek word", "duration"),  # not the wage
        ("hoeveel subsidie krijgt een schoolbestuur per zij-instromer", "amount"),
        ("Welke subsidie kan een school aanvragen?", ""),  # a subsidy by name, not an amount
    ],
)
def test_factoids_get_their_answer_type(question, kind):
    reading = read_question(question)
    assert reading.intent in ("factoid", "yesno") or not kind
    assert reading.answer_type == kind


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Wat is een matcher?", "definition"),
        ("wat betekent werken in breder belang eigenlijk", "definition"),
        ("Wat doet Society College?", "definition"),
        ("Waarom wordt de Nationale Zorgreserve pas als laatste ingezet?", "why"),
        ("Wat is het verschil tussen detacheren en payrolling?", "comparison"),
        ("Welke initiatieven deden mee aan de eerste bijeenkomst?", "list"),
        ("Aan welke knoppen moet je draaien?", "list"),
        ("Wat zijn volgens de aanjagers de succesfactoren?", "list"),
        ("Mag je winst maken op collegiale uitlening?", "yesno"),
        ("Kan ik het Dienjaar in deeltijd doen?", "yesno"),
        ("Is Society College hetzelfde als de maatschappelijke diensttijd?", "yesno"),
    ],
)
def test_intents(question, intent):
    assert read_question(question).intent == intent


@pytest.mark.parametrize(
    ("question", "role", "sectors"),
    [
        ("Ik ben verpleegkundige, hoe begin ik met werken in breder belang?", "verpleegkundige", ("zorg",)),
        ("ik ben leraar en wil ook in de zorg werken, wat zijn mijn opties", "leraar", ("onderwijs",)),
        ("Ik werk als software-ontwikkelaar en wil iets maatschappelijks doen. Wat kan ik?",
         "software-ontwikkelaar", ("techniek",)),
        ("Ik ben OK-verpleegkundige in een ziekenhuis. Kan ik ook iets voor Defensie betekenen?",
         "verpleegkundige", ("zorg",)),
        ("Ik ben oud-militair en werk bij een bank. Kan ik naast mijn baan iets voor Defensie doen?",
         "oud-militair", ("defensie",)),
        ("Ik werk als ICT'er bij een bank. Kan ik iets in het onderwijs doen?", "ict'er", ("techniek",)),
    ],
)  # fmt: skip
def test_a_person_asking_for_a_route_gets_options_with_role_and_sectors(question, role, sectors):
    reading = read_question(question)
    assert reading.intent == "options"
    assert reading.persona is not None and reading.persona.kind == "professional"
    assert (reading.persona.role, reading.persona.sectors) == (role, sectors)


def test_the_sector_a_person_wants_to_go_to_is_read_apart_from_their_own():
    reading = read_question("Ik ben leraar. Kan ik ook in de zorg werken?")
    assert reading.persona.sectors == ("onderwijs",)
    assert reading.sectors == ("zorg",)
    assert reading.all_sectors == ("zorg", "onderwijs")


@pytest.mark.parametrize(
    ("question", "side", "organisation"),
    [
        ("Wij zijn een ziekenhuis en willen personeel lenen van een bedrijf. Hoe pakken we dat aan?",
         "borrowing", "ziekenhuis"),
        ("Ons bedrijf wil medewerkers laten lesgeven op een mbo. Waar beginnen we?", "lending", "bedrijf"),
        ("Wij zijn een ingenieursbureau en willen een medewerker uitlenen aan een hogeschool. Wat moeten we regelen?",
         "lending", "ingenieursbureau"),
        ("wij zijn een basisschool en krijgen binnenkort iemand uit het bedrijfsleven. waar moeten we aan denken",
         "borrowing", "basisschool"),
    ],
)  # fmt: skip
def test_an_organisation_asking_how_to_gets_howto_with_its_side(question, side, organisation):
    reading = read_question(question)
    assert reading.intent == "howto"
    assert reading.side == side
    assert reading.persona is not None and reading.persona.role == organisation


def test_the_persona_preamble_is_not_the_question():
    assert question_sentence("Ik ben HR-manager. Wat levert het ons op?") == "Wat levert het ons op?"
    reading = read_question("ik ben student, kan ik een betaalde bijbaan bij defensie krijgen?")
    assert reading.core.startswith("kan ik")
    assert reading.intent == "yesno"


def test_a_comparison_names_both_sides():
    reading = read_question("Wat is het verschil tussen een combinatiebaan en een duobaan?")
    assert reading.compared == ("een combinatiebaan", "een duobaan")


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Is Society College hetzelfde als de MDT?", "Society College is niet hetzelfde als de MDT.", "no"),
        (
            "Kan ik als gepensioneerde zorgreservist worden?",
            "Ook mensen met pensioen kunnen zorgreservist worden.",
            "yes",
        ),
        (
            "Mag mijn werkgever mijn nevenbaan verbieden?",
            "Een werkgever mag een nevenbaan alleen verbieden als daar een objectieve rechtvaardiging voor is.",
            "depends",
        ),
        (
            "Is het hebben van een doel niet gewoon een knop?",
            "Het doel is geen knop maar het vertrekpunt.",
            "yes",
        ),
        (
            "Kunnen wij beboet worden als onze medewerker met zijn bijbaan te veel uren maakt?",
            "De inspectie telt de uren per werknemer en niet per contract, zodat beide werkgevers beboet kunnen "
            "worden.",
            "yes",
        ),
        (
            "Hoeft mijn werkgever mij geen verlof te geven?",
            "Een werkgever hoeft een reservist geen verlof te geven.",
            "yes",
        ),
    ],
)
def test_a_yes_no_verdict_follows_the_polarity_of_question_and_sentence(question, sentence, expected):
    assert verdict(question, sentence) == expected


def test_only_misspelt_question_words_are_mended():
    assert mend("Hoevel mensen? Wanner? hoeveel!") == "Hoeveel mensen? Wanneer? hoeveel!"
    assert mend("Hoeveel zorgreservisten zijn er?") == "Hoeveel zorgreservisten zijn er?"
