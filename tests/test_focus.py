"""The focus of a question: what the answer sentence must hold beyond being near the question."""

from __future__ import annotations

from assistant import texts
from assistant.answering import focus, kinds
from assistant.answering.lexicon import Lexicon, terms
from assistant.answering.reading import read_question
from assistant.answering.refusal import Signals, refusal_sentence
from assistant.core.documents import DocumentMeta

TEXTS = [
    "Stichting Extra ZorgSamen voert de Nationale Zorgreserve uit.",
    "In november 2023 telde de Nationale Zorgreserve bijna 3700 zorgreservisten.",
    "Tijdens bijeenkomst 1 legde een videograaf het gesprek vast, samen met Buro Beeldkracht.",
    "De voorzitter van de stichting is Anna de Vries.",
]
LEXICON = Lexicon.build((), [terms(t) for t in TEXTS])


def focus_of(question: str) -> focus.Focus:
    return focus.focus_of(read_question(question), LEXICON, rare_idf=3.0)


def holds(question: str, sentence: str) -> focus.Check:
    reading = read_question(question)
    return focus.check(focus_of(question), reading.answer_type, sentence, sentence, "")


def test_a_person_question_asks_for_the_role_it_names():
    assert focus_of("Wie is de voorzitter van Stichting Extra ZorgSamen?").counted == "voorzitter"
    assert focus_of("hoe heet de videograaf die de eerste bijeenkomst filmde").counted == "videograaf"
    assert focus_of("Wie was de aanjager vanuit de zorg?").counted == "aanjager"
    assert focus_of("Wie voert de Nationale Zorgreserve uit?").counted == ""  # no role: any organisation


def test_a_sentence_with_a_name_but_not_the_asked_role_does_not_answer():
    question = "Wie is de voorzitter van Stichting Extra ZorgSamen?"
    assert not holds(question, TEXTS[0]).kind  # names the foundation, not its chair
    assert holds(question, TEXTS[3]).kind


def test_a_month_with_its_year_is_a_qualifier_of_its_own():
    question = "hoeveel zorgreservisten telde de nationale zorgreserve in januari 2023"
    assert focus_of(question).years == ("januari 2023",)
    assert not holds(question, TEXTS[1]).years  # november 2023 is not januari 2023
    assert holds(question, "In Januari 2023 waren er 3000 zorgreservisten.").years  # capital at the start
    assert focus_of("Hoeveel zorgreservisten waren er in 2023?").years == ("2023",)


def test_a_date_asked_to_the_day_needs_a_day_and_a_month():
    assert kinds.asked_kind("date", "op welke datum precies was de eerste bijeenkomst") == "day"
    assert kinds.asked_kind("date", "wanneer was de eerste bijeenkomst") == "date"
    assert kinds.asked_kind("contact", "wat is het telefoonnummer van de nsvp") == "phone"
    assert not kinds.holds_kind("day", "Bijeenkomst 1 was in het najaar van 2023.")
    assert kinds.holds_kind("day", "Bijeenkomst 3 was op 5 maart 2024.")


def test_a_count_stands_next_to_what_is_counted():
    question = "hoeveel engineers van tmc doen mee aan tmc hybrid teaching"
    hours = "Een engineer van TMC begeleidt zo'n 6 uur per week eerstejaarsstudenten."
    assert not holds(question, hours).near  # six hours, not six engineers
    assert holds(question, "Bij TMC doen 25 engineers mee.").near
    # a number that reads as a year is a count when it stands before what is counted
    assert holds("hoeveel zorgreservisten wilde het kabinet", "Het kabinet wilde 2000 zorgreservisten.").kind


def test_what_is_counted_is_the_noun_after_an_adjective():
    assert focus_of("hoeveel hybride docenten werken er bij de han").counted == "docent"
    assert focus_of("hoeveel van de hybride techdocenten geven les").counted == "techdocent"
    assert focus_of("hoeveel ruimte is er voor een tweede baan").counted == "ruimt"  # "is" is no noun


def test_a_verb_after_hoeveel_is_not_what_is_counted():
    assert focus_of("tot hoeveel loopt de financiering van de Nationale Zorgreserve op in 2027").counted == ""
    assert focus_of("met hoeveel zijn ze bij het dienjaar in 2023").counted == ""
    assert focus_of("hoeveel kost een detachering").counted == ""
    assert focus_of("hoeveel engineers werken er bij tmc").counted == "engineer"  # a noun, then its verb
    assert focus_of("hoeveel deelnemers de bijeenkomst had weet ik niet").counted == "deelnemer"


def test_the_same_people_may_be_counted_under_another_word():
    question = "hoeveel horecamensen gingen in de zorg werken"
    assert holds(question, "De 14 horecamedewerkers werkten in de zorg.").kind
    assert not holds(question, "De 14 horecabedrijven deden mee.").kind


def test_the_infinitive_that_closes_a_question_is_not_what_it_is_about():
    assert "prober" not in dict(focus_of("kan ik het eerst een jaar proberen?").content)
    assert "erbij" not in dict(focus_of("welke trainees waren erbij").content)


def test_a_name_with_a_lower_case_tail_is_the_name_before_the_hyphen():
    assert focus_of("en volgens de NSvP-site: wanneer liep het leernetwerk?").names == ("NSvP",)
    assert focus_of("Volgens De Telegraaf, hoeveel zorgreservisten waren er?").names == ("Telegraaf",)


def test_one_of_a_row_is_no_set_of_members():
    assert focus_of("op welke datum was de derde bijeenkomst").members == ""
    assert focus_of("wat zijn de drie bijeenkomsten").members == "bijeenkomst"


def test_a_unit_is_counted_when_the_question_counts_it():
    assert kinds.counts("De HAN vraagt één of twee dagdelen per week.", "dagdel")
    assert not kinds.counts("Een engineer werkt 6 uur per week mee.", "engineer")


def test_a_question_about_the_members_of_a_set_names_that_set():
    assert focus_of("Hoe heten de vier activiteitenpakketten van de Nationale Zorgreserve?").members
    assert focus_of("Wat waren de andere drie criteria om Koploper te worden?").members == "criteria"
    assert focus_of("Wat is de Nationale Zorgreserve?").members == ""


def test_a_refusal_about_a_set_says_that_its_members_are_not_listed():
    question = "Hoe heten de vier activiteitenpakketten precies?"
    signals = Signals(evidence=1.0, kind_missing=False, years_missing=False, names_missing=False, unknown=0,
                      rare_missing=0.0, members_missing=True)  # fmt: skip
    sentence = refusal_sentence(read_question(question), focus_of(question), signals, ())
    assert sentence == texts.MISSING["members"].format(what="activiteitenpakketten", about="")


def test_documents_that_share_a_name_are_all_found_best_name_first():
    def doc(n: int, titel: str) -> DocumentMeta:
        return DocumentMeta(id=f"doc-{n}", titel=titel, soort="casus", sector=("zorg",), doelgroep=(),
                            knoppen=(), bronnen=(), peildatum="2024-01", path=f"{n}.md")  # fmt: skip

    docs = [doc(n, "Nationale Zorgreserve") for n in range(50)] + [doc(50, "Zorgreserve Utrecht")]
    lexicon = Lexicon.build(docs, [terms(t) for t in TEXTS])
    found = lexicon.named(terms("Hoe meld ik me aan bij de nationale zorgreserve in utrecht?"))
    assert found[0].id == "doc-50"  # both words of its name, the rarer one weighs most
    assert [d.id for d in found[1:]] == [f"doc-{n}" for n in range(50)]
    assert lexicon.named(terms("Wat doet een matcher?")) == []


def test_a_word_that_ends_a_known_compound_is_known():
    lexicon = Lexicon.build(
        (), [terms("De website van de NSvP meldt het."), terms("Een gastdocent geeft les.")]
    )
    assert lexicon.known("site")  # the end of "website"
    assert lexicon.known(terms("NSvP-site")[0])  # a known name with a known word after the hyphen
    assert not lexicon.known("openingstijd")
    assert not lexicon.known(terms("Brandweer-site")[0])  # the name before the hyphen is not known


def test_a_diminutive_is_its_noun():
    assert terms("filmpjes kaartje") == ["film", "kaart"]
    lexicon = Lexicon.build((), [terms("De films van het leernetwerk staan online.")])
    assert lexicon.known(terms("filmpjes")[0])


def test_a_refusal_does_not_call_a_word_missing_that_the_passages_use_in_another_form():
    wanted = focus.Focus(years=(), names=(), rare=("kost", "banen", "waarborgsom"), unknown=(), words={})
    passages = ["De uitlener brengt alleen de werkelijke kosten in rekening.", "Iemand met een baan erbij."]
    assert focus.missing_words(wanted, passages) == ["waarborgsom"]
    assert focus.missing_words(wanted, ["Niets over geld."]) == ["kost", "banen", "waarborgsom"]


def test_an_amount_asked_per_hour_is_not_answered_by_an_amount_per_year():
    question = "hoeveel kost een zorgreservist per uur"
    assert focus_of(question).rate == "uur" and focus_of("welk uurtarief vraagt een zzp-docent").rate == "uur"
    yearly = "Het kabinet trok 5 miljoen euro per jaar uit voor de Nationale Zorgreserve."
    assert not holds(question, yearly).kind
    assert holds(question, "Een zorgreservist krijgt 25 euro per uur.").kind
    assert holds("hoeveel kost de nationale zorgreserve per jaar", yearly).kind
    assert holds("wat kost de nationale zorgreserve", yearly).kind  # no unit asked: any amount answers
    # how much someone works is no unit of an amount
    assert focus_of("wat kost het als een technicus een dag per week lesgeeft").rate == ""
    assert focus_of("hoeveel uur per week werkt een zorgreservist").rate == ""  # a duration, not an amount
    signals = Signals(evidence=1.0, kind_missing=True, years_missing=False, names_missing=False, unknown=0,
                      rare_missing=0.0, kind="amount")  # fmt: skip
    sentence = refusal_sentence(read_question(question), focus_of(question), signals, ())
    assert sentence == texts.MISSING_KIND["rate"].format(rate="uur", about="")


def test_an_absence_statement_answers_only_when_what_it_says_is_unknown_is_about_the_question():
    beside = (
        "Het dichtst bij de stappen van de actieplaat komen de knoppen die in bijeenkomst 1 zijn benoemd; "
        "of de actieplaat dezelfde indeling gebruikt, is niet bekend."
    )
    lexicon = Lexicon.build((), [terms(beside), *(terms(t) for t in TEXTS)])

    def about(question: str, sentence: str) -> bool:
        reading = read_question(question)
        wanted = focus.focus_of(reading, lexicon, rare_idf=1.0)  # rare among these five texts
        return focus.absence_about(
            wanted, kinds.asked_kind(reading.answer_type, reading.core), sentence, set()
        )

    # the knoppen are named beside what is unknown (the actieplaat's layout), which the question does not ask
    assert not about("welke knoppen zijn er?", beside)
    assert about("welke stappen staan op de actieplaat?", beside)
    assert about("welke knoppen zijn er?", "Welke knoppen er precies zijn, is niet bekend.")
    # a question after a kind: the kind is named where the sentence says what is unknown
    dated = "Bijeenkomst 1 vond plaats in 2023; de precieze datum staat niet in de bronnen."
    assert about("op welke datum was bijeenkomst 1?", dated)
    assert not about(
        "op welke datum was bijeenkomst 1?", "De datum was in 2023; de sprekers zijn niet bekend."
    )
