"""The assistant: grounded answers with citations, refusals, invalid questions, streaming."""

from __future__ import annotations

import itertools

import pytest

from assistant import texts
from assistant.answering.answer import clean_question
from assistant.answering.chat import Conversation
from assistant.answering.refusal import is_absence_statement
from assistant.core.filters import Filters
from assistant.errors import InvalidQuestionError


def test_answer_cites_the_passage_with_the_figure(assistant):
    answer = assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?")
    assert not answer.refused
    assert "3500" in answer.text and "[1]" in answer.text
    first = answer.citations[0]
    assert (first.n, first.doc_id) == (1, "zorgreserve")
    assert "3500" in first.quote
    assert [k.id for k in answer.knoppen] == ["matcher", "laagdrempeligheid"]
    assert answer.cases[0].id == "zorgreserve"
    numbers = {c.n for c in answer.citations}
    assert numbers == set(range(1, len(answer.citations) + 1))
    assert all(f"[{n}]" in answer.text for n in numbers)
    assert answer.latency_ms > 0 and answer.complete


def test_off_topic_question_is_refused_with_nearest_topics(assistant):
    answer = assistant.answer("Wat is de hoofdstad van Australië?")
    assert answer.refused
    assert answer.text == texts.NOT_IN_KNOWLEDGE
    assert answer.citations == ()


def test_knowledge_that_says_it_does_not_know_leads_to_a_refusal_with_its_reason(assistant):
    answer = assistant.answer("Wat is het uurloon van een zorgreservist?")
    assert answer.refused
    assert answer.text.startswith(texts.NOT_IN_KNOWLEDGE)
    assert "niet bekend" in answer.text
    assert [c.doc_id for c in answer.citations] == ["zorgreserve"]


def test_absence_statements_are_recognised():
    assert is_absence_statement("Het uurloon is niet bekend in deze kennisbank.")
    assert is_absence_statement("De inhoud van de actieplaat is niet beschikbaar.")
    assert not is_absence_statement("De reserve telde 3500 zorgreservisten.")


def test_stream_shows_sources_before_the_text(assistant):
    snapshots = list(assistant.stream("Hoeveel zorgreservisten zijn er ingeschreven?"))
    assert snapshots[0].text == "" and snapshots[0].citations and not snapshots[0].complete
    assert (
        snapshots[-1].complete
        and snapshots[-1].text == assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?").text
    )
    texts_seen = [s.text for s in snapshots]
    assert all(a == b[: len(a)] for a, b in itertools.pairwise(texts_seen))


def test_follow_up_uses_the_previous_question(assistant):
    conversation = Conversation()
    first = assistant.answer("Wie was de aanjager voor defensie?", conversation)
    assert "Milou Grijpink" in first.text
    conversation.add(first.question, first.text)
    follow = assistant.answer("En voor de zorg?", conversation)
    assert follow.query == "Wie was de aanjager voor de zorg?"  # the sector swapped, the rest kept
    assert "Patrick Schrooten" in follow.text and follow.citations[0].doc_id == "leernetwerk"
    alone = assistant.answer("En voor de zorg?")
    assert alone.query == "En voor de zorg?" and alone.citations[0].doc_id == "zorgreserve"


def test_filters_are_applied(assistant):
    answer = assistant.answer("Wie brengt vraag en aanbod bij elkaar?", filters=Filters(soort=("casus",)))
    assert all(h.chunk.doc.soort == "casus" for h in answer.retrieved)


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x07", "empty"),
        ("🙂🙂🙂", "no_text"),
        ("?!", "no_text"),
        ("x" * 2001, "too_long"),
    ],
)
def test_invalid_questions_raise_with_a_reason(question, code):
    with pytest.raises(InvalidQuestionError) as error:
        clean_question(question, 2000)
    assert error.value.code == code
    assert texts.describe_error(error.value) == texts.QUESTION_PROBLEMS[code].format(
        limit=2000, length=len(question)
    )


def test_control_characters_are_removed_and_whitespace_collapsed():
    assert clean_question("  Wat\x00 is\n\n de\tmatcher?\x1b ", 100) == "Wat is de matcher?"


def test_a_list_of_the_knoppen_names_each_knop_by_its_opening_sentence(assistant):
    answer = assistant.answer("Welke knoppen zijn er?")
    assert not answer.refused
    assert "De matcher brengt vraag en aanbod bij elkaar" in answer.text
    assert "Laagdrempeligheid betekent dat meedoen makkelijk is" in answer.text
    assert {c.doc_id for c in answer.citations} == {"matcher", "laagdrempeligheid"}


def test_a_list_names_at_most_max_listed_documents_however_many_there_are(assistant, monkeypatch):
    from assistant.answering import plans

    monkeypatch.setattr(plans, "MAX_LISTED", 1)
    answer = assistant.answer("Welke knoppen zijn er?")
    assert {c.doc_id for c in answer.citations} == {"matcher"}  # the first by title ("Knop 1: de matcher")
    assert "Laagdrempeligheid betekent" not in answer.text


def test_a_misspelt_question_word_is_mended_before_the_search(assistant):
    typed = assistant.answer("hoevel zorgreservisten zijn er?")
    spelt = assistant.answer("hoeveel zorgreservisten zijn er?")
    assert typed.query == spelt.query == "hoeveel zorgreservisten zijn er?"
    assert [h.chunk.id for h in typed.retrieved] == [h.chunk.id for h in spelt.retrieved]
    assert typed.text == spelt.text
    assert typed.question == "hoevel zorgreservisten zijn er?"  # what the user typed is kept


# -- a filter is a hard limit (issue 22) --------------------------------------------------------------


def shown_documents(answer) -> set[str]:
    """Every document an answer shows: its citations, casussen, knoppen and nearest topics."""
    links = (*answer.knoppen, *answer.cases, *answer.nearest)
    return {c.doc_id for c in answer.citations} | {link.id for link in links}


def test_a_route_keeps_every_citation_casus_and_knop_within_the_sector_filter(assistant):
    question = "Ik ben leraar, kan ik ook iets in de zorg doen?"
    unfiltered = assistant.answer(question)
    assert "techdocent" in shown_documents(unfiltered)  # the teacher's own sector, without a filter
    filters = Filters(sector=("zorg",))
    answer = assistant.answer(question, filters=filters)
    assert not answer.refused and "zorgreserve" in {c.doc_id for c in answer.citations}
    documents = assistant.retriever.documents()
    assert all(filters.matches(documents[d]) for d in shown_documents(answer))
    assert "techdocent" not in shown_documents(answer)


def test_a_route_without_a_sector_in_the_question_goes_where_the_filter_points(assistant):
    question = "Ik ben leraar, wat kan ik naast mijn baan doen?"
    assert assistant.answer(question).cases[0].id == "techdocent"  # the teacher's own sector
    answer = assistant.answer(question, filters=Filters(sector=("zorg",)))
    assert answer.text.startswith("Initiatieven die bij je passen:\n- De Nationale Zorgreserve is")
    assert [link.id for link in answer.cases] == ["zorgreserve"]


def test_knoppen_outside_a_soort_filter_are_not_shown(assistant):
    answer = assistant.answer(
        "Hoeveel zorgreservisten zijn er ingeschreven?", filters=Filters(soort=("casus",))
    )
    assert not answer.refused and "3500" in answer.text
    assert answer.knoppen == ()  # the casus illustrates knoppen, but only casussen were asked for
    assert {link.id for link in answer.cases} <= {"zorgreserve", "techdocent"}


def test_a_question_about_another_sector_than_the_filter_says_nothing_was_found_there(assistant):
    answer = assistant.answer(
        "Hoeveel zorgreservisten zijn er ingeschreven?", filters=Filters(sector=("onderwijs",))
    )
    assert answer.refused and answer.elsewhere and answer.refusal == "scope"
    assert answer.text == "In de sector onderwijs vond ik hier niets over, maar elders in de kennisbank wel."
    assert answer.citations == () and answer.knoppen == () and answer.cases == ()
    documents = assistant.retriever.documents()
    assert all(Filters(sector=("onderwijs",)).matches(documents[d]) for d in shown_documents(answer))
    assert not assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?").refused


def test_a_question_scoped_to_one_casus_says_it_is_not_there_but_elsewhere(assistant):
    answer = assistant.answer("Wat doet een matcher?", filters=Filters(doc_ids=("zorgreserve",)))
    assert answer.refused and answer.elsewhere
    assert (
        answer.text == "In ‘Nationale Zorgreserve’ vond ik hier niets over, maar elders in de kennisbank wel."
    )
    assert {link.id for link in answer.nearest} <= {"zorgreserve"}


def test_a_filtered_question_the_whole_knowledge_base_cannot_answer_is_a_plain_refusal(assistant):
    answer = assistant.answer("Wat is de hoofdstad van Australië?", filters=Filters(sector=("zorg",)))
    assert answer.refused and not answer.elsewhere and answer.text == texts.NOT_IN_KNOWLEDGE


@pytest.mark.parametrize(
    ("filters", "named"),
    [
        (Filters(sector=("defensie",)), "de sector defensie"),
        (Filters(sector=("zorg", "onderwijs", "defensie")), "de sectoren zorg, onderwijs en defensie"),
        (Filters(soort=("casus", "knop")), "de casussen en de knoppen"),
        (Filters(sector=("zorg",), soort=("casus",)), "de casussen van de sector zorg"),
        (Filters(doc_ids=("zorgreserve",)), "‘Nationale Zorgreserve’"),
    ],
)
def test_the_scope_is_named_in_dutch(assistant, filters, named):
    from assistant.answering.scope import name

    assert name(filters, assistant.retriever.documents()) == named
